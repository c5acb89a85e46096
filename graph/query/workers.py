"""Killable query workers: pyoxigraph in child processes, stopped with SIGKILL at the time limit.

pyoxigraph evaluates in Rust and cannot be interrupted from Python, so queries run in worker
processes that open the store from a picklable :class:`Recipe` (the graph's Turtle files
bulk-loaded into memory, or an Oxigraph folder opened read-only). A query past its time limit
kills its worker, so its CPU use stops at once: :class:`graph.query.pool.WorkerPool` (asyncio,
for the endpoint) then starts a replacement; :func:`run_with_time_limit` (one shot, for
``bskg query --timeout``) returns the error. Workers serialize results with pyoxigraph's own
writers, stopping as soon as a result passes its size limit.

Messages are length-prefixed pickles over a socket pair; only the parent and its own children
ever write to it.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import socket
import struct
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib.term import Node

from graph.core.errors import GraphError, QueryError
from graph.query.guard import OUT_OF_MEMORY, Check, Limits
from graph.query.values import ox_term

__all__ = [
    "FORMATS",
    "Recipe",
    "Reply",
    "Request",
    "ResultTooLarge",
    "run_with_time_limit",
]

#: Result formats by name: (media type, kind of result it serializes: "solutions" or "graph").
FORMATS: dict[str, tuple[str, str]] = {
    "json": ("application/sparql-results+json", "solutions"),
    "xml": ("application/sparql-results+xml", "solutions"),
    "csv": ("text/csv; charset=utf-8", "solutions"),
    "tsv": ("text/tab-separated-values; charset=utf-8", "solutions"),
    "turtle": ("text/turtle; charset=utf-8", "graph"),
    "ntriples": ("application/n-triples", "graph"),
    "rdfxml": ("application/rdf+xml", "graph"),
}
_HEADER = struct.Struct("!I")


class ResultTooLarge(QueryError):
    """A result bigger than the size limit (the worker stopped writing it)."""


@dataclass(frozen=True)
class Recipe:
    """How a worker opens the store: Turtle files loaded into memory, or an Oxigraph folder."""

    files: tuple[str, ...] = ()
    folder: str | None = None

    @classmethod
    def from_spec(cls, store: str = "memory", data: str | Path | None = None) -> Recipe:
        """Return the recipe of ``--store`` ``memory`` (the graph of ``data``) or ``oxigraph:PATH``."""
        kind, _, where = store.partition(":")
        if store == "memory":
            from graph.store.data import data_files

            return cls(files=tuple(str(path.resolve()) for path in data_files(data)))
        if kind == "oxigraph" and where:
            if not Path(where).is_dir():
                raise GraphError(f"{store}: no Oxigraph store at (fill one with: bskg load --into {where})")
            return cls(folder=str(Path(where).resolve()))
        raise GraphError(
            f"cannot serve {store!r}: use memory or oxigraph:PATH (a sparql: store is an endpoint already)"
        )

    def open(self) -> Any:
        """Open the store this recipe describes (in the worker process)."""
        import pyoxigraph as ox

        if self.folder is not None:
            return ox.Store.read_only(self.folder)
        store = ox.Store()
        for file in self.files:
            store.bulk_load(path=file, format=ox.RdfFormat.TURTLE, base_iri=Path(file).as_uri())
        return store


@dataclass(frozen=True)
class Request:
    """One query for a worker: text, bound values, result format, dataset and size limit."""

    text: str
    result_format: str = "json"
    substitutions: Mapping[str, Node] = field(default_factory=dict)  # from graph.query.run.bind
    default_graph: Sequence[str] | None = None
    named_graphs: Sequence[str] | None = None
    max_bytes: int = 10_000_000
    base_iri: str | None = None


@dataclass(frozen=True)
class Reply:
    """A serialized result: its media type and bytes."""

    media_type: str
    body: bytes


# ---------------------------------------------------------------- the worker process


class _Bounded:
    """A binary sink that refuses to grow past ``limit`` bytes."""

    def __init__(self, limit: int) -> None:
        self.parts: list[bytes] = []
        self.size = 0
        self.limit = limit

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.size > self.limit:
            raise ResultTooLarge(f"the result is larger than {self.limit} bytes: ask for less (add a LIMIT)")
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        return None


def _answer(ox: Any, store: Any, prefixes: dict[str, str], request: Request) -> tuple[str, Any]:
    media_type, shape = FORMATS[request.result_format]
    options: dict[str, Any] = {"prefixes": prefixes, "base_iri": request.base_iri}
    if request.substitutions:
        options["substitutions"] = {ox.Variable(k): ox_term(v) for k, v in request.substitutions.items()}
    if request.default_graph is not None:
        options["default_graph"] = [ox.NamedNode(iri) for iri in request.default_graph]
    if request.named_graphs is not None:
        options["named_graphs"] = [ox.NamedNode(iri) for iri in request.named_graphs]
    result = store.query(request.text, **options)
    sink = _Bounded(request.max_bytes)
    if isinstance(result, ox.QueryTriples):
        if shape != "graph":
            return "error", "this query returns a graph: ask for Turtle, N-Triples or RDF/XML"
        rdf = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES}
        form = rdf.get(request.result_format, ox.RdfFormat.RDF_XML)
        ox.serialize(result, sink, format=form, prefixes=prefixes if form != ox.RdfFormat.N_TRIPLES else None)
    else:
        if shape != "solutions":
            return "error", "this query returns solutions: ask for SPARQL JSON, XML, CSV or TSV"
        name = request.result_format.upper()
        result.serialize(sink, format=getattr(ox.QueryResultsFormat, name))
    return "ok", Reply(media_type, b"".join(sink.parts))


def _send(sock: socket.socket, message: object) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    sock.sendall(_HEADER.pack(len(data)) + data)


def _receive(sock: socket.socket) -> Any:
    header = _exactly(sock, _HEADER.size)
    return pickle.loads(_exactly(sock, _HEADER.unpack(header)[0]))  # noqa: S301 (our own child)


def _exactly(sock: socket.socket, size: int) -> bytes:
    chunks, left = [], size
    while left:
        chunk = sock.recv(min(left, 1 << 20))
        if not chunk:
            raise EOFError("the query worker stopped")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _die_with_parent() -> None:
    """Linux: get SIGKILL when the parent process dies, so no worker outlives the server."""
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        with contextlib.suppress(OSError):
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _worker_main(recipe: Recipe, sock: socket.socket) -> None:
    """Open the store, say ``ready`` with its named graphs, then answer requests until EOF."""
    _die_with_parent()
    import pyoxigraph as ox

    from graph.core.vocab import PREFIXES

    prefixes = {name: str(namespace) for name, namespace in PREFIXES.items()}
    try:
        store = recipe.open()
        graphs = sorted(str(g.value) for g in store.named_graphs() if isinstance(g, ox.NamedNode))
    except (OSError, SyntaxError, ValueError) as error:
        _send(sock, ("error", f"cannot open the store: {str(error).splitlines()[0]}"))
        return
    _send(sock, ("ready", graphs))
    while True:
        try:
            request = _receive(sock)
        except (EOFError, OSError):
            return
        payload: Any
        try:
            if isinstance(request, Check | Limits):  # the guard and the memory cap: graph.query.guard
                status, payload = "ok", request.answer()
            else:
                status, payload = _answer(ox, store, prefixes, request)
        except MemoryError:  # past the memory cap: end here, the pool starts a fresh worker
            os._exit(OUT_OF_MEMORY)
        except ResultTooLarge as error:
            status, payload = "too-large", str(error)
        except Exception as error:  # every failure goes back to the parent as one line
            text = str(error).strip()
            status, payload = "error", text.splitlines()[0] if text else type(error).__name__
        _send(sock, (status, payload))


def _spawn(recipe: Recipe) -> tuple[subprocess.Popen[bytes], socket.socket]:
    """Start a worker (a fresh interpreter, so no main module is re-imported) and send it the recipe."""
    parent, child = socket.socketpair()
    root = str(Path(__file__).resolve().parent.parent.parent)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, env.get("PYTHONPATH", "")]))
    command = [sys.executable, "-c", "import graph.query.workers as w; w._child()", str(child.fileno())]
    process = subprocess.Popen(command, pass_fds=(child.fileno(),), env=env, stdin=subprocess.DEVNULL)
    child.close()
    _send(parent, recipe)
    return process, parent


def _child() -> None:
    """Run as a worker: the socket's descriptor is the last argument."""
    sock = socket.socket(fileno=int(sys.argv[-1]))
    _worker_main(_receive(sock), sock)


def _outcome(status: str, payload: Any) -> Reply:
    if status == "ok":
        assert isinstance(payload, Reply)
        return payload
    if status == "too-large":
        raise ResultTooLarge(str(payload))
    raise QueryError(str(payload))


def _timeout_error(limit: float) -> QueryError:
    return QueryError(
        f"the query ran for more than {limit:g} s and was stopped "
        "(set a longer time limit with --timeout, or add a LIMIT)"
    )


def _kill(process: subprocess.Popen[bytes], sock: socket.socket) -> None:
    with contextlib.suppress(OSError, ValueError):
        process.kill()
    sock.close()


def _reap(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(5)


def _handshake(process: subprocess.Popen[bytes], sock: socket.socket, wait: float) -> list[str]:
    sock.settimeout(wait)
    try:
        status, payload = _receive(sock)
    except (OSError, EOFError):
        _kill(process, sock)
        raise GraphError("the query worker did not start (is the store readable?)") from None
    if status != "ready":
        _kill(process, sock)
        raise GraphError(str(payload))
    return list(payload)


def run_with_time_limit(
    recipe: Recipe,
    text: str,
    substitutions: Mapping[str, Node] | None = None,
    result_format: str = "json",
    timeout: float = 30.0,
    max_bytes: int = 1 << 40,
) -> Reply:
    """Run one query in a fresh worker; past ``timeout`` seconds kill it and raise :class:`QueryError`.

    Parameters
    ----------
    recipe
        The store to open (:meth:`Recipe.from_spec`).
    text
        SPARQL query text; the project's prefixes are predeclared.
    substitutions
        Values bound before evaluation (rdflib terms, e.g. from :func:`graph.query.run.bind`).
    result_format
        A key of :data:`FORMATS` that fits the query's form.
    timeout
        Seconds the query may run (opening the store is not counted).
    max_bytes
        Largest serialized result; bigger raises :class:`ResultTooLarge`.

    Returns
    -------
    Reply
        The media type and bytes of the serialized result.
    """
    if not timeout > 0:
        raise QueryError(f"the time limit must be a positive number of seconds, not {timeout!r}")
    process, sock = _spawn(recipe)
    try:
        _handshake(process, sock, 300.0)
        request = Request(text, result_format, dict(substitutions or {}), max_bytes=max_bytes)
        sock.settimeout(None)
        _send(sock, request)
        sock.settimeout(timeout)
        try:
            status, payload = _receive(sock)
        except TimeoutError:
            raise _timeout_error(timeout) from None
        except (EOFError, OSError):
            raise QueryError("the query worker stopped unexpectedly") from None
        return _outcome(status, payload)
    finally:
        _kill(process, sock)
        _reap(process)
