"""A persistent pyoxigraph store, queried in a worker process that is killed when a query runs too long.

pyoxigraph evaluates in Rust and cannot be interrupted from Python, so each :class:`OxigraphStore`
keeps one worker process that opens the store read-only and answers queries over a pipe. A query
past its time limit kills the worker (the query really stops); the next query starts a new one.
"""

from __future__ import annotations

import multiprocessing
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Node

from graph.core.errors import GraphError, QueryError
from graph.core.lookup import LabelIndex
from graph.query.guard import get_time_limit
from graph.query.results import Answer

__all__ = ["OxigraphStore", "fill"]

Encoded = tuple[str, str, str, str]


def _encode(term: Node) -> Encoded:
    if isinstance(term, URIRef):
        return ("uri", str(term), "", "")
    if isinstance(term, BNode):
        return ("bnode", str(term), "", "")
    if isinstance(term, Literal):
        return ("literal", str(term), term.language or "", str(term.datatype or ""))
    raise QueryError(f"cannot bind {term!r}")


def _decode(ox: Any, item: Encoded) -> Any:
    kind, value, language, datatype = item
    if kind == "uri":
        return ox.NamedNode(value)
    if kind == "bnode":
        return ox.BlankNode(value)
    if language:
        return ox.Literal(value, language=language)
    return ox.Literal(value, datatype=ox.NamedNode(datatype)) if datatype else ox.Literal(value)


def _serve(path: str, conn: Connection) -> None:
    """Answer ``(text, bindings)`` messages until ``None``: the worker process's main loop."""
    import pyoxigraph as ox

    try:
        store = ox.Store.read_only(path)
    except OSError as error:
        conn.send(("error", f"cannot open the Oxigraph store {path}: {error}"))
        return
    conn.send(("ready", ""))
    while True:
        message = conn.recv()
        if message is None:
            return
        text, bindings = message
        try:
            substitutions = {ox.Variable(name): _decode(ox, item) for name, item in bindings.items()}
            result = store.query(text, substitutions=substitutions)
            if isinstance(result, ox.QueryBoolean):
                conn.send(("ASK", bool(result)))
            elif isinstance(result, ox.QuerySolutions):
                conn.send(("SELECT", result.serialize(format=ox.QueryResultsFormat.JSON)))
            else:
                conn.send(("GRAPH", ox.serialize(result, format=ox.RdfFormat.N_TRIPLES)))
        except Exception as error:  # the worker reports every failure to the parent
            conn.send(("error", str(error).splitlines()[0] if str(error) else type(error).__name__))


@dataclass
class OxigraphStore:
    """A pyoxigraph store on disk (fill it with ``bskg load --into PATH``)."""

    path: Path
    spec: str = ""
    _index: LabelIndex | None = field(default=None, repr=False)
    _graphs: frozenset[str] | None = field(default=None, repr=False)
    _worker: Any = field(default=None, repr=False)
    _conn: Connection | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.spec = self.spec or f"oxigraph:{self.path}"
        if not self.path.is_dir():
            raise GraphError(
                f"{self.spec}: no Oxigraph store there (fill one with: bskg load --into {self.path})"
            )

    def _start(self) -> Connection:
        if self._conn is not None and self._worker is not None and self._worker.is_alive():
            return self._conn
        context = multiprocessing.get_context("spawn")
        parent, child = context.Pipe()
        worker = context.Process(target=_serve, args=(str(self.path), child), daemon=True)
        worker.start()
        child.close()
        if not parent.poll(60):
            worker.kill()
            raise GraphError(f"{self.spec}: the query worker did not start")
        status, message = parent.recv()
        if status == "error":
            worker.join(5)
            raise GraphError(message)
        self._worker, self._conn = worker, parent
        return parent

    def close(self) -> None:
        """Stop the worker process."""
        if self._conn is not None:
            try:
                self._conn.send(None)
            except OSError:
                pass
            self._conn.close()
        if self._worker is not None:
            self._worker.join(5)
            if self._worker.is_alive():
                self._worker.kill()
        self._worker, self._conn = None, None

    def _ask(self, text: str, bindings: dict[str, Node], timeout: float | None) -> tuple[str, Any]:
        from graph.store.stores import prefixed

        conn = self._start()
        limit = get_time_limit() if timeout is None else timeout
        conn.send((prefixed(text), {name: _encode(term) for name, term in bindings.items()}))
        if not conn.poll(limit):
            self._worker.kill()
            self._worker.join(5)
            self._conn.close() if self._conn is not None else None
            self._worker, self._conn = None, None
            raise QueryError(
                f"the query ran for more than {limit:g} s and was stopped "
                "(set a longer time limit with --timeout or timeout=, or add a LIMIT)"
            )
        status, payload = conn.recv()
        if status == "error":
            raise QueryError(f"{self.spec}: {payload}")
        return status, payload

    def execute(self, text: str, query: Query, bindings: dict[str, Node], timeout: float | None) -> Answer:
        """Run the query in the worker with ``substitutions`` (values bound before evaluation)."""
        import json

        from graph.query.results import from_json
        from graph.store.stores import kind_of

        kind = kind_of(query)
        status, payload = self._ask(text, bindings, timeout)
        if status == "ASK":
            return Answer("ASK", boolean=bool(payload))
        if status == "SELECT":
            return from_json(kind, json.loads(payload))
        graph = Graph()
        graph.parse(data=payload.decode("utf-8"), format="nt")
        return Answer(kind, graph=graph)

    def index(self) -> LabelIndex:
        """Build the label index from the store's classes and names (once)."""
        if self._index is None:
            from graph.store.stores import catalogue_index

            self._index = catalogue_index(self)
        return self._index

    def local_graphs(self) -> frozenset[str]:
        """Return the names of the store's named graphs: the only ones ``FROM`` may name."""
        if self._graphs is None:
            status, payload = self._ask("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }", {}, None)
            import json

            rows = json.loads(payload)["results"]["bindings"] if status == "SELECT" else []
            self._graphs = frozenset(row["g"]["value"] for row in rows if "g" in row)
        return self._graphs

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # noqa: S110 (best effort at interpreter exit)
            pass


def fill(path: Path, ntriples: bytes) -> None:
    """Replace the default graph of the pyoxigraph store at ``path`` (created if needed) with N-Triples."""
    import pyoxigraph as ox

    try:
        path.mkdir(parents=True, exist_ok=True)
        store = ox.Store(str(path))
    except OSError as error:
        raise GraphError(f"cannot open an Oxigraph store at {path}: {error}") from None
    try:
        store.clear_graph(ox.DefaultGraph())
        store.bulk_load(ntriples, format=ox.RdfFormat.N_TRIPLES)
        store.flush()
    finally:
        del store
