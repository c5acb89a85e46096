"""HTTP connections of the endpoint: uvicorn's h11 protocol with per-connection and per-client limits.

uvicorn picks httptools when it is installed, and its header cap (``h11_max_incomplete_event_size``)
then never applies; it has no header timeout either, and its concurrency limit counts idle
connections, so 600 sockets that send nothing turned every real request into a 503. The endpoint
therefore runs h11 explicitly, through :func:`protocol_class`, which adds:

- a head timeout: a request's line and headers must arrive within ``head_seconds`` of the
  connection (or of the previous response); silent connections are closed, partial heads get 408;
- a head size cap: more than ``max_head`` bytes without the end of the headers get 431 at once;
- a cap on open connections per client address, and one on all open connections (uvicorn's own
  ``limit_concurrency`` would answer every request with 503 while idle sockets fill it): the
  connections beyond get 503 and are closed at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import resource
import socket
from collections import Counter
from dataclasses import dataclass

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

__all__ = ["ConnectionLimits", "free_port", "open_files", "protocol_class"]


@dataclass(frozen=True)
class ConnectionLimits:
    """The limits of one connection and of one client address."""

    head_seconds: float = 10.0
    max_head: int = 64 * 1024
    per_client: int = 64
    total: int = 2048


def _plain(status: str, message: str) -> bytes:
    """Return a whole HTTP/1.1 response that closes the connection.

    >>> _plain("408 Request Timeout", "slow").splitlines()[0]
    b'HTTP/1.1 408 Request Timeout'
    """
    body = (message + "\n").encode()
    head = (
        f"HTTP/1.1 {status}\r\ncontent-type: text/plain; charset=utf-8\r\n"
        f"content-length: {len(body)}\r\nconnection: close\r\nx-content-type-options: nosniff\r\n\r\n"
    )
    return head.encode() + body


def protocol_class(limits: ConnectionLimits) -> type[H11Protocol]:
    """Return an h11 protocol class for uvicorn's ``http=`` that enforces ``limits``.

    Each call makes a class with its own count of open connections per client.
    """
    open_by_client: Counter[str] = Counter()

    class Limited(H11Protocol):
        _timer: asyncio.TimerHandle | None = None
        _head_bytes = 0
        _address = ""
        _refused = False

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._address = self.client[0] if self.client else ""
            open_by_client[self._address] += 1
            if open_by_client[self._address] > limits.per_client:
                self._close_with(
                    "503 Service Unavailable",
                    f"more than {limits.per_client} open connections from your address: "
                    "close some, or reuse one (keep-alive)",
                )
                return
            if sum(open_by_client.values()) > limits.total:
                self._close_with("503 Service Unavailable", "the endpoint has too many connections open")
                return
            self._arm()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            open_by_client[self._address] -= 1
            if open_by_client[self._address] <= 0:
                del open_by_client[self._address]
            super().connection_lost(exc)

        def data_received(self, data: bytes) -> None:
            if self._refused:
                return
            if self.conn.their_state is h11.IDLE:
                room = limits.max_head - self._head_bytes
                end = data.find(b"\r\n\r\n", 0, max(0, room) + 4)
                if len(data) > room and end < 0:
                    self._close_with(
                        "431 Request Header Fields Too Large",
                        f"the request line and headers are larger than {limits.max_head} bytes",
                    )
                    return
                self._head_bytes += len(data)
            super().data_received(data)
            if self.conn.their_state is not h11.IDLE:
                self._disarm()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            if not self.transport.is_closing() and self.conn.their_state is h11.IDLE:
                self._head_bytes = 0
                self._arm()

        def _arm(self) -> None:
            self._disarm()
            self._timer = self.loop.call_later(limits.head_seconds, self._head_late)

        def _disarm(self) -> None:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None

        def _head_late(self) -> None:
            self._timer = None
            if self.transport.is_closing() or self.conn.their_state is not h11.IDLE:
                return
            if self._head_bytes:
                message = f"the request line and headers did not arrive within {limits.head_seconds:g} s"
                self._close_with("408 Request Timeout", message)
            else:
                self.transport.close()

        def _close_with(self, status: str, message: str) -> None:
            self._disarm()
            self._refused = True
            self.transport.write(_plain(status, message))
            self.transport.close()

    return Limited


def free_port(host: str = "127.0.0.1") -> int:
    """Return a TCP port that is free on ``host`` right now."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


def open_files(wanted: int) -> int:
    """Raise this process's open-file limit toward ``wanted`` connections; return how many fit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    need = wanted + 256  # the workers' sockets, the store, the log
    if soft != resource.RLIM_INFINITY and soft < need:
        target = need if hard == resource.RLIM_INFINITY else min(need, hard)
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    return wanted if soft == resource.RLIM_INFINITY else max(16, min(wanted, soft - 256))
