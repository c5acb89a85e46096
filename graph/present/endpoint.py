"""``bskg serve``: a read-only SPARQL 1.1 Protocol endpoint, Starlette on uvicorn, bound to 127.0.0.1.

Queries run on pyoxigraph in worker processes owned by the endpoint (:mod:`graph.query.workers`):
a query past the time limit has its worker killed and replaced and gets a 503, so it stops using
CPU at once. No other server and no other port: only the one asked for. uvicorn (h11) answers
malformed requests with 400 and closes idle keep-alive connections after 5 s;
:mod:`graph.present.connections` adds a head timeout (408, silent connections closed), a head
size cap (431) and caps on open connections, per client and in all (503); the endpoint adds a
body limit (413), a body read timeout (408) and a result-size limit (413).
Routes: ``/query`` (also ``/sparql``), ``/`` (the query page), ``/static/...``, ``/queries.json``
and ``/named/NAME?param=value``.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import threading
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request as HttpRequest
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from graph.core.errors import GraphError, QueryError
from graph.core.lookup import close_matches
from graph.present.connections import ConnectionLimits, free_port, open_files, protocol_class
from graph.present.protocol import (
    Parsed,
    ProtocolError,
    Verdicts,
    negotiate,
    read_query,
    service_description,
)
from graph.present.query_page import PAGE_HEADERS, page_with_queries
from graph.query.guard import get_time_limit
from graph.query.pool import DEFAULT_MEMORY, WorkerLost, WorkerPool
from graph.query.workers import Recipe, Request, ResultTooLarge

__all__ = ["DEFAULT_MAX_BODY", "DEFAULT_MAX_BYTES", "Endpoint", "build_app", "free_port", "start"]

#: Largest response body the endpoint sends; bigger results get a 413 asking for a LIMIT.
DEFAULT_MAX_BYTES = 10_000_000
#: Largest request body accepted (413 beyond).
DEFAULT_MAX_BODY = 1_000_000
STATIC = Path(__file__).resolve().parent / "static"
_HEADERS = {"X-Content-Type-Options": "nosniff"}
_ALLOW = "GET, HEAD, POST, OPTIONS"


@dataclass
class Settings:
    """The limits of one endpoint."""

    max_bytes: int = DEFAULT_MAX_BYTES
    max_body: int = DEFAULT_MAX_BODY
    read_timeout: float = 10.0


def _error(status: int, message: str) -> PlainTextResponse:
    return PlainTextResponse(message.splitlines()[0] + "\n", status, headers=_HEADERS)


async def _answer(
    pool: WorkerPool,
    settings: Settings,
    request: HttpRequest,
    parsed: Parsed,
    verdicts: Verdicts,
    **bound: Any,
) -> Response:
    """Guard a query (in a worker), negotiate its format and run it, all within one time limit."""
    deadline = time.monotonic() + pool.timeout
    verdict = verdicts.get(parsed.text)
    if verdict is None:
        try:
            verdict = await pool.check(parsed.text, deadline)
        except QueryError as error:
            return _refusal(error)
        verdicts.put(parsed.text, verdict)
    if verdict.status != 200:
        return _error(verdict.status, verdict.message)
    chosen = negotiate(request.headers.get("accept"), verdict.shape)
    if chosen is None:
        kinds = (
            "SPARQL JSON, XML, CSV or TSV" if verdict.shape == "solutions" else "Turtle, N-Triples or RDF/XML"
        )
        return _error(406, f"no acceptable format in Accept: this query's results come as {kinds}")
    job = Request(
        parsed.text,
        chosen[1],
        bound.get("substitutions", {}),
        parsed.default_graph,
        parsed.named_graphs,
        settings.max_bytes,
        str(request.url.replace(query="")),
    )
    try:
        reply = await pool.run(job, deadline)
    except QueryError as error:
        return _refusal(error)
    headers = {**_HEADERS, "Vary": "Accept"}
    return Response(reply.body, 200, headers=headers, media_type=reply.media_type)


def _refusal(error: QueryError) -> PlainTextResponse:
    """Answer a failed query: 413 too large, 503 stopped or worker lost, else 400."""
    if isinstance(error, ResultTooLarge):
        return _error(413, str(error))
    stopped = isinstance(error, WorkerLost) or "was stopped" in str(error) or "stayed busy" in str(error)
    return _error(503 if stopped else 400, str(error))


def build_app(pool: WorkerPool, settings: Settings | None = None) -> Starlette:
    """Return the Starlette application over a worker pool (attached to the loop at start-up)."""
    limits = settings or Settings()
    cache: dict[str, Any] = {}
    index_lock = asyncio.Lock()
    verdicts = Verdicts()
    bindings: dict[tuple[str, tuple[tuple[str, str], ...]], dict[str, Any]] = {}

    async def query(request: HttpRequest) -> Response:
        if request.method == "OPTIONS":
            return Response(status_code=204, headers={"Allow": _ALLOW, **_HEADERS})
        try:
            parsed = await read_query(request, limits.max_body, limits.read_timeout)
        except ProtocolError as error:
            accept = request.headers.get("accept", "")
            if error.message.startswith("no query") and request.method != "POST" and "*" not in accept:
                # the Service Description spec: a description for a GET without a query, when asked for
                chosen = negotiate(accept, "graph") if accept else None
                if chosen is not None:
                    body = service_description(str(request.url.replace(query="")), chosen[1])
                    return Response(body, headers={**_HEADERS, "Vary": "Accept"}, media_type=chosen[0])
            return _error(error.status, error.message)
        return await _answer(pool, limits, request, parsed, verdicts)

    async def label_index() -> Any:
        async with index_lock:
            if "index" not in cache:
                from graph.query.stores import CATALOGUE, index_of_ntriples

                reply = await pool.run(Request(CATALOGUE, "ntriples", max_bytes=1 << 40))
                cache["index"] = index_of_ntriples(reply.body)
            return cache["index"]

    async def named(request: HttpRequest) -> Response:
        from graph.query.run import bind, named_queries

        name = request.path_params["name"]
        queries = named_queries()
        if name not in queries:
            close = close_matches(name, queries)
            hint = f"; did you mean: {', '.join(close)}?" if close else " (/queries.json lists them)"
            return _error(400, f"no named query {name!r}{hint}")
        chosen = queries[name]
        pairs = request.query_params.multi_items()
        if len({key for key, _ in pairs}) != len(pairs):
            return _error(400, "a parameter is given more than once")
        key = (name, tuple(sorted(pairs)))
        if key not in bindings:  # the store is read-only: a binding, once resolved, stays right
            try:
                bound = bind(chosen, None, dict(pairs), await label_index())  # trusted: no parse
            except GraphError as error:
                return _error(400, str(error))
            if len(bindings) >= 4096:
                bindings.pop(next(iter(bindings)))
            bindings[key] = bound
        parsed = Parsed(chosen.text, None, None)
        return await _answer(pool, limits, request, parsed, verdicts, substitutions=bindings[key])

    async def listing(request: HttpRequest) -> Response:
        from graph.query.run import named_queries

        return JSONResponse([{**q.as_dict(), "text": q.text} for q in named_queries().values()])

    async def page(request: HttpRequest) -> Response:
        if "page" not in cache:
            cache["page"] = page_with_queries()
        return HTMLResponse(cache["page"], headers={**_HEADERS, **PAGE_HEADERS})

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await pool.attach()
        try:
            yield
        finally:
            pool.close()

    methods = ["GET", "HEAD", "POST", "OPTIONS"]
    routes: list[Route | Mount] = [
        Route(path, query, methods=methods) for path in ("/query", "/sparql", "/sparql/")
    ]
    routes += [
        Route("/", page, methods=["GET", "HEAD"]),
        Route("/queries.json", listing, methods=["GET", "HEAD"]),
        Route("/named/{name}", named, methods=["GET", "HEAD"]),
    ]
    routes.append(Mount("/static", StaticFiles(directory=STATIC), name="static"))
    return Starlette(routes=routes, lifespan=lifespan)


@dataclass
class Endpoint:
    """A running endpoint: the listening socket, the uvicorn server and the query workers."""

    host: str
    port: int
    pool: WorkerPool
    server: uvicorn.Server
    sock: socket.socket
    timeout: float
    max_bytes: int
    _done: threading.Event = field(default_factory=threading.Event, repr=False)
    _serving: bool = field(default=False, repr=False)

    @property
    def url(self) -> str:
        """The address of the query page; the endpoint itself is ``url + "query"``."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/"

    def serve_forever(self) -> None:
        """Answer requests until :meth:`close` (or Ctrl-C / SIGTERM in the main thread)."""
        self._serving = True
        try:
            asyncio.run(self.server.serve(sockets=[self.sock]))
        finally:
            self._done.set()

    def close(self) -> None:
        """Stop the server, kill the workers and close the socket."""
        self.server.should_exit = True
        if self._serving:
            self._done.wait(15)
        self.pool.close()
        self.sock.close()


def _default_workers() -> int:
    try:
        return max(1, int(os.environ.get("BSKG_SERVE_WORKERS", "")))
    except ValueError:
        return max(2, os.cpu_count() or 2)


def start(
    store: str = "memory",
    data: str | Path | None = None,
    host: str = "127.0.0.1",
    port: int = 7878,
    timeout: float | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    *,
    workers: int | None = None,
    max_body: int = DEFAULT_MAX_BODY,
    read_timeout: float = 10.0,
    max_connections: int = 2048,
    memory: int | None = DEFAULT_MEMORY,
    head_seconds: float = 10.0,
    max_head: int = 64 * 1024,
    per_client: int = 64,
) -> Endpoint:
    """Open the store in ``workers`` processes, listen on ``host:port`` and return the endpoint.

    ``store`` is ``memory`` (the Turtle files of ``data``, loaded into each worker) or
    ``oxigraph:PATH`` (opened read-only); a ``sparql:URL`` store is an endpoint already and is
    refused. ``workers`` query processes run at once (default ``$BSKG_SERVE_WORKERS`` or the
    number of CPUs, at least 2), each capped at ``memory``
    bytes beyond its open store. Call :meth:`Endpoint.serve_forever`, then :meth:`Endpoint.close`.
    """
    recipe = Recipe.from_spec(store, data)
    limit = get_time_limit() if timeout is None else timeout
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto=IPPROTO_TCP: asyncio sets TCP_NODELAY only on sockets that say they are TCP (no Nagle stall)
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(2048)
    except OSError as error:
        sock.close()
        raise GraphError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
    try:
        pool = WorkerPool(recipe, workers or _default_workers(), limit, memory)
    except GraphError:
        sock.close()
        raise
    app = build_app(pool, Settings(max_bytes, max_body, read_timeout))
    connections = ConnectionLimits(head_seconds, max_head, per_client, open_files(max_connections))
    config = uvicorn.Config(
        app,
        http=protocol_class(connections),
        log_level="warning",
        access_log=False,
        lifespan="on",
        timeout_keep_alive=5,
        h11_max_incomplete_event_size=max_head + 64 * 1024,  # ours gives 431 first
        backlog=2048,
        server_header=False,
        timeout_graceful_shutdown=2,
    )
    server = uvicorn.Server(config)
    return Endpoint(host, sock.getsockname()[1], pool, server, sock, limit, max_bytes)
