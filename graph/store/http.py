"""One bounded HTTP exchange with a remote endpoint: one deadline, a size cap, no redirect elsewhere.

The ``sparql:`` store sends its queries through :func:`exchange`. The whole exchange (connecting,
sending, the status line and headers, every byte of the body) must end within ``seconds``: a
watchdog shuts the socket at the deadline, so a server that trickles a byte at a time cannot hold
the client past it. An answer larger than ``max_bytes`` (default :data:`DEFAULT_MAX_ANSWER`, or
``$BSKG_REMOTE_MAX_BYTES``) is refused as soon as it passes the cap. A redirect is followed only
to the same scheme, host and port (``307``/``308``, at most three); one to another host is
refused. Error pages are reduced to one line (:func:`said`).
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import socket
import threading
import time
import urllib.parse
from dataclasses import dataclass
from email.message import Message

from graph.core.errors import QueryError

__all__ = ["DEFAULT_MAX_ANSWER", "Reply", "check_url", "exchange", "max_answer", "said"]

#: Largest answer read from an endpoint, in bytes, unless ``$BSKG_REMOTE_MAX_BYTES`` says otherwise.
DEFAULT_MAX_ANSWER = 256 * 1024 * 1024
#: Bytes of an error page read (its first line is all that is shown).
_ERROR_BYTES = 64 * 1024
_REDIRECTS = 3


@dataclass(frozen=True)
class Reply:
    """An endpoint's answer: status, headers and the whole body."""

    status: int
    reason: str
    headers: Message
    body: bytes


def max_answer() -> int:
    """Return the answer size cap: ``$BSKG_REMOTE_MAX_BYTES`` when it is a positive integer, else the default.

    >>> max_answer() > 0
    True
    """
    value = os.environ.get("BSKG_REMOTE_MAX_BYTES", "")
    return int(value) if value.isdigit() and int(value) > 0 else DEFAULT_MAX_ANSWER


def said(body: bytes, limit: int = 200) -> str:
    """Return the text of an error page on one line (tags dropped), cut at ``limit`` characters.

    >>> said(b"<html><h1>500</h1><h3>Error 40001</h3><xmp>SR172: Transaction deadlocked</xmp></html>")
    '500 Error 40001 SR172: Transaction deadlocked'
    """
    text = body[: limit * 20].decode("utf-8", "replace")
    text = re.sub(r"<title>.*?</title>|<[^>]*>", " ", text, flags=re.S | re.I)
    return " ".join(text.split())[:limit]


def check_url(url: str) -> None:
    """Refuse, in one line, a URL that is not http(s) with a host and a valid port.

    >>> check_url("http://[::1")
    Traceback (most recent call last):
    ...
    graph.core.errors.QueryError: http://[::1: not a valid URL (Invalid IPv6 URL)
    """
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 (raises on a bad port)
    except ValueError as error:
        raise QueryError(f"{url}: not a valid URL ({error})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise QueryError(f"{url}: the endpoint must be an http(s) URL with a host")


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urllib.parse.urlsplit(url)
    return parts.scheme, (parts.hostname or "").lower(), parts.port


def _connection(url: str, seconds: float) -> http.client.HTTPConnection:
    check_url(url)
    parts = urllib.parse.urlsplit(url)
    kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    return kind(parts.hostname or "", parts.port, timeout=seconds)


def exchange(
    url: str,
    *,
    method: str = "POST",
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    seconds: float = 30.0,
    max_bytes: int | None = None,
) -> Reply:
    """Send one request and read its whole answer within ``seconds``, at most ``max_bytes`` of it.

    Raises
    ------
    graph.core.errors.QueryError
        The endpoint cannot be reached, passes the deadline, sends more than ``max_bytes``, or
        redirects to another host.
    """
    cap = max_bytes or max_answer()
    deadline = time.monotonic() + seconds
    for _ in range(_REDIRECTS + 1):
        reply = _once(url, method, body, headers or {}, deadline, seconds, cap)
        location = reply.headers.get("Location")
        if reply.status not in (301, 302, 303, 307, 308) or not location:
            return reply
        target = urllib.parse.urljoin(url, location)
        check_url(target)
        if _origin(target) != _origin(url):
            raise QueryError(
                f"{url} redirects to another host ({urllib.parse.urlsplit(target).netloc}): "
                "refused; use that URL yourself if you trust it"
            )
        if reply.status not in (307, 308) and method not in ("GET", "HEAD"):
            raise QueryError(f"{url} redirects to {target}: use that URL")
        url = target
    raise QueryError(f"{url}: more than {_REDIRECTS} redirects")


def _once(
    url: str,
    method: str,
    body: bytes | None,
    headers: dict[str, str],
    deadline: float,
    seconds: float,
    cap: int,
) -> Reply:
    left = deadline - time.monotonic()
    if left <= 0:
        raise QueryError(f"{url} gave no whole answer within {seconds:g} s")
    connection = _connection(url, left)
    parts = urllib.parse.urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    cut = threading.Event()
    held: list[socket.socket] = []  # the response takes the socket from the connection: keep it

    def watchdog() -> None:
        cut.set()
        for sock in held:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    timer = threading.Timer(left, watchdog)
    timer.daemon = True
    timer.start()
    try:
        connection.connect()
        held.append(connection.sock)
        if cut.is_set():
            watchdog()
        connection.request(method, target, body=body, headers={"Connection": "close", **headers})
        response = connection.getresponse()
        limit = cap if response.status < 400 else _ERROR_BYTES
        declared = response.getheader("Content-Length", "")
        if response.status < 400 and declared.isdigit() and int(declared) > cap:
            raise _too_large(url, cap)
        chunks: list[bytes] = []
        size = 0
        while chunk := response.read1(65536):
            size += len(chunk)
            if size > limit:
                if response.status >= 400:
                    break
                raise _too_large(url, cap)
            chunks.append(chunk)
            if cut.is_set():
                break
        if cut.is_set():
            raise TimeoutError
        return Reply(response.status, response.reason, response.headers, b"".join(chunks))
    except (TimeoutError, http.client.HTTPException, OSError) as error:
        if cut.is_set() or isinstance(error, TimeoutError):
            raise QueryError(f"{url} gave no whole answer within {seconds:g} s") from None
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise QueryError(f"cannot reach {url}: {reason}") from None
    finally:
        timer.cancel()
        connection.close()


def _too_large(url: str, cap: int) -> QueryError:
    return QueryError(
        f"{url} sent an answer larger than {cap} bytes: ask for less (add a LIMIT), "
        "or raise $BSKG_REMOTE_MAX_BYTES"
    )
