"""Killable query workers: pyoxigraph in child processes, stopped with SIGKILL at the time limit.

The one way a query is stopped at its time limit. pyoxigraph evaluates in Rust and cannot be
interrupted from Python, so every query on the project's engine runs in a worker process that
answers :class:`Request` messages with :class:`Reply` (:func:`serve_requests`); a caller that gets
no reply within the limit kills the worker (SIGKILL, so its CPU use stops at once) and raises
:func:`timeout_error`. Two callers start workers two ways: the endpoint's
:class:`graph.query.pool.WorkerPool` spawns them from a picklable :class:`Recipe` (the graph's
Turtle files or an Oxigraph folder; a server must not fork itself mid-request) and replaces a
killed one; a loaded graph's queries (``bskg query``, :func:`graph.sparql`, ``%%sparql``) go to
one :class:`graph.query.worker.Worker` forked from the process that holds the store. Workers write
results with the one writer, :func:`graph.query.results.write_results` (Oxigraph's serializers),
stopping as soon as a result passes its size limit.

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
from graph.query.results import write_results
from graph.query.values import is_shipped, ox_term, with_values
from graph.store.spec import StoreSpec

__all__ = [
    "Recipe",
    "Reply",
    "Request",
    "ResultTooLarge",
    "respond",
    "serve_requests",
    "timeout_error",
]

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
        """Return the recipe of ``--store`` ``memory`` (the graph of ``data``) or ``oxigraph:PATH``.

        The spelling is read by :meth:`graph.store.spec.StoreSpec.parse`, as ``open_store`` reads it.
        """
        spec = StoreSpec.parse(store)
        if spec.kind == "memory":
            from graph.store.data import data_files

            return cls(files=tuple(str(path.resolve()) for path in data_files(data)))
        if spec.kind == "oxigraph":
            if not Path(spec.where).is_dir():
                raise GraphError(
                    f"no Oxigraph store at {spec.where} (fill one with: bskg load --into {spec.where})"
                )
            return cls(folder=str(Path(spec.where).resolve()))
        raise GraphError(
            f"cannot serve {store!r}: use memory or oxigraph:PATH (a sparql: store is an endpoint already)"
        )

    def open(self) -> Any:
        """Open the store this recipe describes (in the worker process)."""
        import pyoxigraph as ox

        if self.folder is not None:
            return ox.Store.read_only(self.folder)
        from graph.store.oxigraph import read_files

        return read_files([Path(file) for file in self.files], progress=False)


@dataclass(frozen=True)
class Request:
    """One query for a worker: text, bound values, result format, dataset and size limit."""

    text: str
    result_format: str | None = "json"  # None: JSON results, or N-Triples for a graph
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
    options: dict[str, Any] = {"prefixes": prefixes, "base_iri": request.base_iri}
    if request.default_graph is not None:
        options["default_graph"] = [ox.NamedNode(iri) for iri in request.default_graph]
    if request.named_graphs is not None:
        options["named_graphs"] = [ox.NamedNode(iri) for iri in request.named_graphs]
    text, bound = request.text, dict(request.substitutions)
    if bound and is_shipped(text):  # VALUES blocks where a named query's placements put them
        text, bound = with_values(text, bound), {}
    substitutions = {ox.Variable(k): ox_term(v) for k, v in bound.items()}
    try:
        result = store.query(text, substitutions=substitutions, **options)
    except RuntimeError as error:  # Oxigraph substitutes selected variables only: VALUES for the rest
        if "SELECT projection" not in str(error):
            raise
        result = store.query(with_values(text, bound), **options)
    result_format = request.result_format
    if result_format is None:  # the store's own shape: results JSON, or N-Triples for a graph
        result_format = "ntriples" if isinstance(result, ox.QueryTriples) else "json"
    sink = _Bounded(request.max_bytes)
    media_type = write_results(result, result_format, sink)
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

    try:
        store = recipe.open()
        graphs = sorted(str(g.value) for g in store.named_graphs() if isinstance(g, ox.NamedNode))
    except GraphError as error:  # a broken Turtle file: the one-line message every reader gives
        _send(sock, ("error", str(error)))
        return
    except (OSError, ValueError) as error:
        _send(sock, ("error", f"cannot open the store: {str(error).splitlines()[0]}"))
        return
    _send(sock, ("ready", graphs))
    serve_requests(store, sock)


def respond(store: Any, request: Request | Check | Limits) -> tuple[str, Any]:
    """Answer one request on a pyoxigraph store: ``("ok", Reply)``, or a status and a one-line error.

    A :class:`~graph.query.guard.Check` or :class:`~graph.query.guard.Limits` (the guard and the memory
    cap) is answered by itself; a query past the memory cap ends the worker, whose parent replaces it.
    """
    import pyoxigraph as ox

    from graph.core.vocab import PREFIXES

    prefixes = {name: str(namespace) for name, namespace in PREFIXES.items()}
    try:
        if isinstance(request, Check | Limits):
            return "ok", request.answer()
        return _answer(ox, store, prefixes, request)
    except MemoryError:  # past the memory cap: end here, the parent starts a fresh worker
        os._exit(OUT_OF_MEMORY)
    except ResultTooLarge as error:
        return "too-large", str(error)
    except SyntaxError as error:
        return "error", f"invalid SPARQL: {str(error).splitlines()[0]}"
    except Exception as error:  # every failure goes back to the parent as one line
        text = str(error).strip()
        return "error", text.splitlines()[0] if text else type(error).__name__


def serve_requests(store: Any, sock: socket.socket) -> None:
    """Answer :class:`Request` messages on ``sock`` (:func:`respond`) until EOF.

    The loop of every query worker: the endpoint's (spawned from a :class:`Recipe`) and a loaded
    graph's (:class:`graph.query.worker.Worker`, forked).
    """
    while True:
        try:
            request = _receive(sock)
        except (EOFError, OSError):
            return
        _send(sock, respond(store, request))


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


def timeout_error(limit: float) -> QueryError:
    """Return the one error of a query stopped at its time limit, wherever it ran."""
    return QueryError(
        f"the query ran for more than {limit:g} s and was stopped "
        "(set a longer time limit with --timeout or timeout=, or add a LIMIT)"
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
