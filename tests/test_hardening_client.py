"""The ``sparql:`` client against misbehaving loopback servers: bounded in time, size and reach."""

from __future__ import annotations

import http.server
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from graph.core.errors import GraphError, QueryError
from graph.query.stores import RemoteStore
from graph.store.http import exchange

REPO = Path(__file__).resolve().parent.parent
ASK = b'{"head":{},"boolean":true}'


class _Handler(http.server.BaseHTTPRequestHandler):
    """Answers by path: /trickle, /huge, /away, /error, /slow-head, /ok."""

    protocol_version = "HTTP/1.1"
    seen: list[str] = []
    other = ""

    def log_message(self, format: str, *args: object) -> None:
        return None

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.do_GET()

    def do_GET(self) -> None:
        type(self).seen.append(self.path)
        try:
            self._answer()
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _answer(self) -> None:
        path = self.path.split("?")[0]
        if path == "/trickle":  # a byte every 0.4 s, for at most 20 s
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.end_headers()
            for _ in range(50):
                self.wfile.write(b" ")
                self.wfile.flush()
                time.sleep(0.4)
        elif path == "/slow-head":  # the status line, then a header byte every 0.4 s
            self.wfile.write(b"HTTP/1.1 200 OK\r\n")
            for _ in range(50):
                self.wfile.write(b"X")
                self.wfile.flush()
                time.sleep(0.4)
        elif path == "/huge":  # 64 MB without Content-Length
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Connection", "close")
            self.end_headers()
            for _ in range(1024):
                self.wfile.write(b" " * 65536)
        elif path == "/away":
            self.send_response(307)
            self.send_header("Location", type(self).other + "/ok")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif path == "/here":
            self.send_response(307)
            self.send_header("Location", "/ok")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif path == "/error":  # 5 MB of error page, many lines
            body = b"<html><h1>500</h1>broken\n" + b"line of noise\n" * 370_000
            self.send_response(500)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        else:
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(len(ASK)))
            self.end_headers()
            self.wfile.write(ASK)


@contextmanager
def _server(host: str) -> Iterator[tuple[str, type[_Handler]]]:
    handler = type("Handler", (_Handler,), {"seen": []})
    server = http.server.ThreadingHTTPServer((host, 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_address[1]}", handler
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def servers() -> Iterator[tuple[str, type[_Handler], str, type[_Handler]]]:
    with _server("127.0.0.1") as (url, handler), _server("127.0.0.2") as (other, elsewhere):
        handler.other = other
        yield url, handler, other, elsewhere


@pytest.mark.parametrize("path", ["/trickle", "/slow-head"])
def test_one_deadline_over_the_whole_exchange(
    servers: tuple[str, type[_Handler], str, type[_Handler]], path: str
) -> None:
    """A server trickling a byte every 0.4 s is cut at the 2 s limit, not kept up for 20 s."""
    started = time.monotonic()
    with pytest.raises(QueryError, match="no whole answer within 2 s"):
        RemoteStore(servers[0] + path).execute("ASK {}", {}, 2.0)
    assert time.monotonic() - started < 10


def test_answers_past_the_size_cap_are_refused(
    servers: tuple[str, type[_Handler], str, type[_Handler]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """64 MB sent to a client capped at 1 MB: refused once the cap passes, naming the setting."""
    monkeypatch.setenv("BSKG_REMOTE_MAX_BYTES", str(1 << 20))
    with pytest.raises(QueryError, match="larger than 1048576 bytes.*BSKG_REMOTE_MAX_BYTES"):
        RemoteStore(servers[0] + "/huge").execute("ASK {}", {}, 30.0)


def test_no_redirect_to_another_host(servers: tuple[str, type[_Handler], str, type[_Handler]]) -> None:
    """A 307 to 127.0.0.2 is refused and nothing reaches it; one to the same host is followed."""
    with pytest.raises(QueryError, match="redirects to another host"):
        RemoteStore(servers[0] + "/away").execute("ASK {}", {}, 5.0)
    assert servers[3].seen == []
    assert RemoteStore(servers[0] + "/here").execute("ASK {}", {}, 5.0).boolean is True


def test_error_bodies_are_cut_to_one_line(servers: tuple[str, type[_Handler], str, type[_Handler]]) -> None:
    """A 5 MB error page becomes one short line."""
    with pytest.raises(QueryError) as caught:
        RemoteStore(servers[0] + "/error").execute("ASK {}", {}, 5.0)
    message = str(caught.value)
    assert message.startswith(servers[0] + "/error answered 500: 500 broken line of noise")
    assert "\n" not in message and len(message) < 300


def test_malformed_ipv6_urls_are_one_line_errors() -> None:
    with pytest.raises(GraphError, match="not a valid URL"):
        RemoteStore("http://[::1")
    with pytest.raises(QueryError, match="not a valid URL"):
        exchange("http://[::1:80/x", seconds=1)


def test_timeout_applies_to_the_first_fetch(servers: tuple[str, type[_Handler], str, type[_Handler]]) -> None:
    """``bskg query --timeout 2`` on a trickling server: the label index fetch stops at 2 s too."""
    command = [sys.executable, "-m", "graph", "query", "--store", f"sparql:{servers[0]}/trickle"]
    command += ["--timeout", "2", "SELECT * { ?s ?p ?o } LIMIT 1"]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    started = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=60, cwd=REPO)
    assert time.monotonic() - started < 15
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "no whole answer within 2 s" in done.stderr, done.stderr
