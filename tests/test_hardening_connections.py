"""Connections that never finish their request: idle, trickling, huge headers, too many per client."""

from __future__ import annotations

import http.client
import select
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.present.endpoint import Endpoint, start

pytestmark = pytest.mark.server

MINI = Path(__file__).resolve().parent / "data" / "mini"


@pytest.fixture(scope="module")
def endpoint() -> Iterator[Endpoint]:
    """An in-process endpoint: heads must arrive within 2 s, at most 64 connections per address."""
    served = start("memory", MINI, port=0, timeout=5, workers=2, head_seconds=2.0)
    thread = threading.Thread(target=served.serve_forever, daemon=True)
    thread.start()
    try:
        yield served
    finally:
        served.close()
        thread.join(20)


def _ask(endpoint: Endpoint) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", endpoint.port, timeout=30)
    try:
        connection.request("GET", "/query?query=ASK%20%7B%7D")
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def _silent(endpoint: Endpoint, count: int, address: str) -> list[socket.socket]:
    sockets = []
    for _ in range(count):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.settimeout(10)
        sock.bind((address, 0))
        sock.connect(("127.0.0.1", endpoint.port))
        sockets.append(sock)
    return sockets


def _readable(sockets: list[socket.socket]) -> list[socket.socket]:
    poller = select.poll()
    by_fd = {sock.fileno(): sock for sock in sockets}
    for fd in by_fd:
        poller.register(fd, select.POLLIN)
    return [by_fd[fd] for fd, _ in poller.poll(200)]


def test_600_silent_sockets_do_not_turn_requests_into_503(endpoint: Endpoint) -> None:
    """600 silent sockets from one address: 64 are held, the rest refused at once; others still served."""
    sockets = _silent(endpoint, 600, "127.0.0.2")
    try:
        time.sleep(0.5)
        assert _ask(endpoint) == 200
        refused = _readable(sockets)  # answered and closed already
        assert len(refused) == 600 - 64
        assert all(sock.recv(65536).startswith(b"HTTP/1.1 503") for sock in refused)
        assert [_ask(endpoint) for _ in range(20)] == [200] * 20
    finally:
        for sock in sockets:
            sock.close()


def test_silent_and_trickling_connections_are_closed(endpoint: Endpoint) -> None:
    """No bytes within the head timeout: closed; a head trickled a byte at a time: 408."""
    silent = _silent(endpoint, 1, "127.0.0.3")[0]
    trickle = _silent(endpoint, 1, "127.0.0.3")[0]
    try:
        head = b"GET /query?query=ASK%20%7B%7D HTTP/1.1\r\nHost: x\r\n"
        for byte in head[:16]:  # 4 s of trickle: the server stops it at 2 s
            try:
                trickle.sendall(bytes([byte]))
            except (BrokenPipeError, ConnectionResetError):
                break
            time.sleep(0.25)
        trickle.settimeout(10)
        answer = trickle.recv(65536)
        assert answer.startswith(b"HTTP/1.1 408"), answer
        silent.settimeout(10)
        assert silent.recv(65536) == b""
    finally:
        silent.close()
        trickle.close()


def test_a_megabyte_header_gets_431(endpoint: Endpoint) -> None:
    """A 1 MB header is refused once 64 KB have come without the end of the head."""
    with socket.create_connection(("127.0.0.1", endpoint.port), timeout=10) as sock:
        head = b"GET /query?query=ASK%20%7B%7D HTTP/1.1\r\nHost: x\r\nX-Big: "
        try:
            sock.sendall(head + b"a" * 1_000_000 + b"\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass
        answer = sock.recv(65536)
    assert answer.startswith(b"HTTP/1.1 431"), answer[:200]
    assert _ask(endpoint) == 200


def test_a_large_body_in_one_packet_is_not_mistaken_for_a_header(endpoint: Endpoint) -> None:
    """A POST whose 500 KB body arrives with its head is read as a body, not refused as a header."""
    body = ("ASK { FILTER(" + " || ".join(["true"] * 10) + ") } #" + "x" * 500_000).encode()
    with socket.create_connection(("127.0.0.1", endpoint.port), timeout=30) as sock:
        sock.sendall(
            b"POST /query HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
            + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
            + body
        )
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 200"), answer[:200]


def test_600_silent_sockets_from_many_addresses_do_not_turn_requests_into_503(endpoint: Endpoint) -> None:
    """60 silent sockets from each of 10 addresses, all held: a real request is still served."""
    sockets = []
    try:
        for number in range(10):
            sockets += _silent(endpoint, 60, f"127.0.1.{number + 1}")
        time.sleep(0.3)
        assert _readable(sockets) == []  # every one held open, none refused
        assert [_ask(endpoint) for _ in range(20)] == [200] * 20
    finally:
        for sock in sockets:
            sock.close()
