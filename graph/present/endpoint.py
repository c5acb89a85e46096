"""``bskg serve``: a read-only SPARQL 1.1 Protocol endpoint over the graph, on 127.0.0.1 by default.

The protocol is Oxigraph's (``oxigraph serve-read-only`` from the PyPI package ``oxigraph``, which
passed 16 of 17 protocol checks against 12 for rdflib-endpoint): GET and POST, URL-encoded and
direct, results as JSON, XML, CSV, TSV or Turtle by content negotiation, and a per-query time limit
that really stops the evaluation. It listens on a private loopback port behind a small front that
adds what it lacks: the query page at ``/``, a result-size limit, and a refusal (HTTP 403) of
updates and of ``SERVICE``, so a query can never make the server call another endpoint.
"""

from __future__ import annotations

import http.client
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from graph.core.errors import GraphError
from graph.query.guard import get_time_limit, network_keywords

__all__ = ["DEFAULT_MAX_BYTES", "Endpoint", "start"]

#: Largest response body the endpoint sends; bigger results get a 413 asking for a LIMIT.
DEFAULT_MAX_BYTES = 10_000_000
_PATHS = ("/query", "/sparql", "/sparql/")
_FORWARD = ("content-type", "accept")


def oxigraph_binary() -> str:
    """Return the ``oxigraph`` server program installed beside this Python (or on ``PATH``)."""
    beside = Path(sys.executable).parent / "oxigraph"
    found = str(beside) if beside.is_file() else shutil.which("oxigraph")
    if found is None:
        raise GraphError("the oxigraph server is not installed: pip install 'backspasm-kg[serve]'")
    return found


def free_port(host: str = "127.0.0.1") -> int:
    """Return a TCP port that is free on ``host`` right now."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


def _query_text(method: str, target: str, body: bytes, content_type: str) -> tuple[str, bool]:
    """Return the query text of a request (empty if none) and whether it is an update."""
    params = urllib.parse.parse_qs(urllib.parse.urlsplit(target).query)
    if content_type.startswith("application/sparql-update") or "update" in params:
        return "", True
    if method == "POST" and content_type.startswith("application/x-www-form-urlencoded"):
        form = urllib.parse.parse_qs(body.decode("utf-8", "replace"))
        if "update" in form:
            return "", True
        return " ".join(form.get("query", [])), False
    if method == "POST" and content_type.startswith("application/sparql-query"):
        return body.decode("utf-8", "replace"), False
    return " ".join(params.get("query", [])), False


@dataclass
class Endpoint:
    """A running endpoint: the Oxigraph backend process and the front server."""

    host: str
    port: int
    backend: subprocess.Popen[bytes]
    backend_port: int
    max_bytes: int
    timeout: float
    front: ThreadingHTTPServer | None = field(default=None, repr=False)
    scratch: tempfile.TemporaryDirectory[str] | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        """The address of the query page; the endpoint itself is ``url + "query"``."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/"

    def serve_forever(self) -> None:
        """Answer requests until interrupted."""
        assert self.front is not None
        self.front.serve_forever()

    def close(self) -> None:
        """Stop the front and the backend, and remove the scratch store."""
        if self.front is not None:
            self.front.shutdown()
            self.front.server_close()
        self.backend.terminate()
        try:
            self.backend.wait(10)
        except subprocess.TimeoutExpired:
            self.backend.kill()
        if self.scratch is not None:
            self.scratch.cleanup()


def _handler(endpoint: Endpoint) -> type[BaseHTTPRequestHandler]:
    from graph.present.query_page import page

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "bskg"

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (base signature)
            return

        def _send(self, status: int, body: bytes, content_type: str = "text/plain; charset=utf-8") -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("X-Content-Type-Options", "nosniff")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def _refuse(self, status: int, message: str) -> None:
            self._send(status, (message + "\n").encode("utf-8"))

        def do_GET(self) -> None:  # noqa: N802 (http.server naming)
            path = urllib.parse.urlsplit(self.path).path
            if path == "/":
                self._send(200, page().encode("utf-8"), "text/html; charset=utf-8")
            else:
                self._proxy()

        def do_POST(self) -> None:  # noqa: N802
            self._proxy()

        def _other(self) -> None:
            self._refuse(405, f"{self.command} is not allowed: use GET or POST (the endpoint is read-only)")

        do_PUT = do_DELETE = do_PATCH = _other  # noqa: N815

        def _proxy(self) -> None:
            if urllib.parse.urlsplit(self.path).path not in _PATHS:
                self._refuse(404, "not found: the endpoint is /query (the query page is /)")
                return
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            content_type = (self.headers.get("Content-Type") or "").lower()
            text, update = _query_text(self.command, self.path, body, content_type)
            if update:
                self._refuse(403, "updates are refused: this endpoint is read-only")
                return
            refused = [word for word in network_keywords(text) if word == "SERVICE"]
            if refused:
                self._refuse(403, "SERVICE is refused: queries may not call other endpoints")
                return
            self._forward(body)

        def _forward(self, body: bytes) -> None:
            query = urllib.parse.urlsplit(self.path).query
            headers = {k: v for k, v in self.headers.items() if k.lower() in _FORWARD}
            connection = http.client.HTTPConnection(
                "127.0.0.1", endpoint.backend_port, timeout=endpoint.timeout + 2
            )
            started = time.monotonic()
            try:
                connection.request(self.command, "/query" + (f"?{query}" if query else ""), body, headers)
                response = connection.getresponse()
                payload = response.read(endpoint.max_bytes + 1)
            except (OSError, http.client.HTTPException) as error:
                if time.monotonic() - started >= endpoint.timeout:  # cancelled mid-stream
                    self._refuse(503, f"the query ran for more than {endpoint.timeout:g} s and was stopped")
                else:
                    self._refuse(502, f"the query engine failed: {error}")
                return
            finally:
                connection.close()
            if len(payload) > endpoint.max_bytes:
                self._refuse(
                    413, f"the result is larger than {endpoint.max_bytes} bytes: ask for less (add a LIMIT)"
                )
                return
            # Oxigraph streams: a query cancelled at its time limit ends a 200 body with this message.
            if (
                payload.rstrip().endswith(b"has been cancelled")
                or time.monotonic() - started > endpoint.timeout
            ):
                self._refuse(
                    503, f"the query ran for more than {endpoint.timeout:g} s and was stopped (add a LIMIT)"
                )
                return
            kind = response.getheader("Content-Type") or "application/octet-stream"
            self._send(response.status, payload, kind)

    return Handler


def _die_with_parent() -> None:
    """In the backend process (Linux): receive SIGTERM when the ``bskg serve`` process dies."""
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        try:
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
        except OSError:
            pass


def _wait_for(port: int, process: subprocess.Popen[bytes], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            error = process.stderr.read().decode("utf-8", "replace") if process.stderr else ""
            raise GraphError(f"the oxigraph server stopped: {error.strip() or process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise GraphError("the oxigraph server did not start in time")


def start(
    store: str = "memory",
    data: str | Path | None = None,
    host: str = "127.0.0.1",
    port: int = 7878,
    timeout: float | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Endpoint:
    """Start the endpoint in a background thread and return it (call :meth:`Endpoint.close`).

    ``store`` is ``memory`` (the graph of ``data``, copied into a scratch Oxigraph store) or
    ``oxigraph:PATH``; a ``sparql:URL`` store is an endpoint already and is refused.
    """
    kind, _, where = store.partition(":")
    scratch = None
    if store == "memory":
        from graph.store.load import load
        from graph.store.oxigraph import fill

        scratch = tempfile.TemporaryDirectory(prefix="bskg-serve-")
        fill(Path(scratch.name), load(data).rdf.serialize(format="nt", encoding="utf-8"))
        location = scratch.name
    elif kind == "oxigraph" and where:
        if not Path(where).is_dir():
            raise GraphError(f"{store}: no Oxigraph store there (fill one with: bskg load --into {where})")
        location = where
    else:
        raise GraphError(
            f"cannot serve {store!r}: serve memory or oxigraph:PATH (a sparql: store is an endpoint already)"
        )
    limit = get_time_limit() if timeout is None else timeout
    backend_port = free_port()
    command = [oxigraph_binary(), "serve-read-only", "--location", location]
    command += ["--bind", f"127.0.0.1:{backend_port}", "--timeout-s", str(max(1, round(limit)))]
    backend = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, preexec_fn=_die_with_parent
    )
    _wait_for(backend_port, backend)
    endpoint = Endpoint(host, port, backend, backend_port, max_bytes, limit, scratch=scratch)
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        server_class = type(
            "Front", (ThreadingHTTPServer,), {"daemon_threads": True, "address_family": family}
        )
        endpoint.front = server_class((host, port), _handler(endpoint))
    except OSError as error:
        endpoint.close()
        raise GraphError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
    endpoint.port = endpoint.front.server_address[1]
    return endpoint
