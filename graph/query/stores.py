"""Where queries run: the Oxigraph store of a loaded graph, an Oxigraph folder, or a remote endpoint.

``--store memory`` (default) is the loaded graph's own Oxigraph store; ``--store oxigraph:PATH`` an
Oxigraph store on disk, opened read-only; ``--store sparql:URL`` any SPARQL 1.1 endpoint a user
already runs. The first two are the same engine and the same class. :func:`graph.query.run.bind`
turns parameters into RDF terms. A shipped named query's values, on every store, and any value sent
to an endpoint, go in a ``VALUES`` block at the start and at the end of the query's ``WHERE`` group
(of the inner ``SELECT`` of a wrapped query; also first in each branch of a ``WHERE`` that is only a
``UNION`` and in each ``OPTIONAL`` group of several patterns that names the variable), which
every engine joins the same way and Oxigraph plans from (``graph/query/values.py``); Oxigraph binds
the values of a user's own text before evaluation (``substitutions``), with the blocks for a
variable the text does not select.
Every store answers the same named queries with the same rows (``queries/README.md``).

A graph held in a named graph of a server (always so on Virtuoso, whose default graph is the union
of every graph, its system graphs included) is named with the standard protocol parameter in the
URL: ``sparql:http://HOST:8890/sparql?default-graph-uri=IRI`` (percent-encoded). It travels in
the URL of every request, so the label index, the named queries and the fetched neighbourhoods all
see that graph only. An answer the server cut at its row limit (Virtuoso's ``X-SPARQL-MaxRows``
header), or stopped mid-answer at its time limit (``oxigraph serve --timeout-s``), is refused with a
one-line error rather than shown short.
"""

from __future__ import annotations

import dataclasses
import json
import re
import urllib.parse
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import pyoxigraph as ox
from rdflib.exceptions import ParserError
from rdflib.term import Node

from graph.core.errors import GraphError, QueryError
from graph.core.lookup import LabelIndex
from graph.core.model import KnowledgeGraph
from graph.core.vocab import CLASS_NAMES, LABEL_PREDICATES, PREFIXES
from graph.query.guard import get_time_limit
from graph.query.results import Answer, from_json, from_ntriples
from graph.query.values import is_graph_query, ox_term, values_block, with_values
from graph.query.worker import Worker
from graph.query.workers import Request
from graph.store.http import check_url, exchange, said
from graph.store.oxigraph import open_folder
from graph.store.spec import StoreSpec
from graph.view.tables import Tables

__all__ = [
    "OxigraphStore",
    "RemoteStore",
    "Store",
    "open_store",
    "ox_term",
    "prefixed",
    "values_block",
    "with_values",
]

_CLASSES = f"VALUES ?c {{ {' '.join('bso:' + name for name in CLASS_NAMES)} }} ?s a ?c ."
#: The entities' classes and names, enough to build a label index from any store. Two branches
#: that each stand alone, not ``OPTIONAL { ?s ?p ?l }``: Virtuoso 7.2 plans that optional with a
#: variable predicate so badly that on a 1M-triple graph it passed a 60 s limit (2 s this way;
#: the same on Oxigraph).
CATALOGUE = (
    "CONSTRUCT { ?s a ?c . ?s ?p ?l } WHERE {\n"
    f"  {{ {_CLASSES} }}\n"
    f"  UNION {{ {_CLASSES} VALUES ?p {{ {' '.join(f'<{p}>' for p in LABEL_PREDICATES)} }} ?s ?p ?l }}\n"
    "}"
)
_PREFIXES = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
#: The store of each loaded graph, kept while the graph lives.
_OF: weakref.WeakKeyDictionary[KnowledgeGraph, OxigraphStore] = weakref.WeakKeyDictionary()


class Store(Protocol):
    """What :func:`graph.query.run.run` needs from a store."""

    spec: str

    def index(self) -> LabelIndex:
        """Return the label index of the store's entities (for parameters and label columns)."""
        ...

    def local_graphs(self) -> frozenset[str]:
        """Return the names of the graphs ``FROM`` may name."""
        ...

    def execute(self, text: str, bindings: dict[str, Node], timeout: float | None) -> Answer:
        """Run query text (project prefixes predefined) with bound values, stopping it after ``timeout`` s."""
        ...


def prefixed(text: str) -> str:
    """Return query text with the project's ``PREFIX`` lines in front, for engines that need them."""
    lines = [f"PREFIX {prefix}: <{namespace}>" for prefix, namespace in _PREFIXES.items()]
    return "\n".join(lines) + "\n" + text


def _answer(kind: str, payload: bytes, text: str) -> Answer:
    """Read what a store sent: W3C results JSON (``SELECT``, ``ASK``), or N-Triples (``GRAPH``)."""
    if kind == "SELECT":
        return _json_answer(payload)
    described = re.match(r"(?:\s|#[^\n]*\n|PREFIX[^\n]*\n|BASE[^\n]*\n)*DESCRIBE\b", text, re.I)
    return from_ntriples("DESCRIBE" if described else "CONSTRUCT", payload)


@dataclass
class OxigraphStore:
    """The project's engine: a pyoxigraph store, the loaded graph's own or a folder opened read-only."""

    store: Any
    spec: str = "memory"
    _index: LabelIndex | None = field(default=None, repr=False)
    _graphs: frozenset[str] | None = field(default=None, repr=False)
    _worker: Worker | None = field(default=None, repr=False)

    @classmethod
    def of(cls, kg: KnowledgeGraph) -> OxigraphStore:
        """Return the store of a loaded graph (one per graph, so its query worker is reused)."""
        found = _OF.get(kg)
        if found is None:
            found = _OF[kg] = cls(kg.store, "memory", kg.index)
        return found

    @classmethod
    def folder(cls, path: str | Path) -> OxigraphStore:
        """Open an Oxigraph folder (filled with ``bskg load --into PATH``) read-only."""
        return cls(open_folder(path), f"oxigraph:{path}")

    def index(self) -> LabelIndex:
        """Return the label index of the store's entities (built from its names once)."""
        if self._index is None:
            self._index = catalogue_index(self)
        return self._index

    def local_graphs(self) -> frozenset[str]:
        """Return the names of the store's named graphs: the only ones ``FROM`` may name."""
        if self._graphs is None:
            self._graphs = frozenset(
                str(name.value) for name in self.store.named_graphs() if isinstance(name, ox.NamedNode)
            )
        return self._graphs

    def execute(self, text: str, bindings: dict[str, Node], timeout: float | None) -> Answer:
        """Run the query in this store's killable worker (values substituted before evaluation)."""
        limit = get_time_limit() if timeout is None else timeout
        if self._worker is None:
            self._worker = Worker(self.store)
        reply = self._worker.call(Request(text, None, bindings, max_bytes=1 << 62), limit)  # no size cap
        kind = "GRAPH" if reply.media_type == "application/n-triples" else "SELECT"
        return _answer(kind, reply.body, text)


@dataclass
class RemoteStore:
    """A SPARQL 1.1 Protocol endpoint; values travel as a ``VALUES`` block in the ``WHERE`` group."""

    url: str
    spec: str = ""
    _index: LabelIndex | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        try:
            check_url(self.url)
        except QueryError as error:
            raise GraphError(f"sparql:{error}") from None
        self.spec = self.spec or f"sparql:{self.url}"

    def index(self) -> LabelIndex:
        """Build the label index from the endpoint's classes and names (once)."""
        if self._index is None:
            self._index = catalogue_index(self)
        return self._index

    def local_graphs(self) -> frozenset[str]:
        """Return no graph: a remote endpoint may fetch what ``FROM`` names, so none is allowed."""
        return frozenset()

    def execute(self, text: str, bindings: dict[str, Node], timeout: float | None) -> Answer:
        """POST the query (prefixes and values added) and read JSON results or N-Triples."""
        body = prefixed(with_values(text, bindings))
        graph_query = is_graph_query(text)
        accept = "application/n-triples" if graph_query else "application/sparql-results+json"
        limit = get_time_limit() if timeout is None else timeout
        reply = exchange(  # one deadline over the whole exchange, a size cap, no redirect elsewhere
            self.url,
            body=urllib.parse.urlencode({"query": body}).encode("utf-8"),
            headers={"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"},
            seconds=limit,
        )
        if reply.status >= 400:
            raise QueryError(f"{self.url} answered {reply.status}: {said(reply.body) or reply.reason}")
        payload, ceiling = reply.body, reply.headers.get("X-SPARQL-MaxRows")
        answer = _read_remote(self.url, payload, text, graph_query)
        _refuse_truncated(self.url, ceiling, answer)
        return answer


def _read_remote(url: str, payload: bytes, text: str, graph_query: bool) -> Answer:
    """Read an endpoint's answer; a body the server cut short is a one-line error, never a short answer.

    ``oxigraph serve --timeout-s N`` has already sent HTTP 200 when a streamed query passes its
    limit: it ends the body with "The SPARQL operation has been cancelled" in place of the rest.
    """
    if b"operation has been cancelled" in payload[-100:]:
        raise QueryError(
            f"{url} stopped the query at its time limit and sent a cut answer: narrow the query "
            "or raise the server's limit (oxigraph serve --timeout-s)"
        )
    try:
        if graph_query:
            # checked here by Oxigraph's parser, so a bad body is this one line, not a later error
            size = sum(1 for _ in ox.parse(payload, format=ox.RdfFormat.N_TRIPLES))
            return dataclasses.replace(_answer("GRAPH", payload, text), size=size)
        return _json_answer(payload)
    except (ValueError, KeyError, TypeError, ParserError, SyntaxError) as error:
        detail = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise QueryError(f"{url} sent an answer that is not valid SPARQL results ({detail})") from None


def _json_answer(payload: bytes) -> Answer:
    data = json.loads(payload)
    kind = "ASK" if "boolean" in data else "SELECT"
    return from_json(kind, data, payload)


def _refuse_truncated(url: str, ceiling: str | None, answer: Answer) -> None:
    """Raise :class:`QueryError` when an endpoint cut the answer at its row limit (Virtuoso does so silently).

    Virtuoso answers HTTP 200 with at most ``[SPARQL] ResultSetMaxRows`` rows (Debian: 10000) and says
    so only in the ``X-SPARQL-MaxRows`` header; a full answer never has as many rows as the limit.
    """
    if ceiling is None or not ceiling.strip().isdigit():
        return
    count = len(answer.rows) if answer.kind == "SELECT" else (answer.size or 0)
    if answer.kind != "ASK" and count >= int(ceiling):
        raise QueryError(
            f"{url} cut the answer at {int(ceiling)} rows (X-SPARQL-MaxRows): narrow the query or raise "
            "the server's limit (Virtuoso: ResultSetMaxRows in virtuoso.ini)"
        )


def index_of_ntriples(data: bytes) -> LabelIndex:
    """Build a label index from the N-Triples of a :data:`CATALOGUE` answer (the one index builder)."""
    store = ox.Store()
    store.load(data, format=ox.RdfFormat.N_TRIPLES)
    return Tables(store).index()


def catalogue_index(store: Store) -> LabelIndex:
    """Build a label index from a store's classes and names, fetched with one CONSTRUCT."""
    answer = store.execute(CATALOGUE, {}, None)
    if not answer.is_graph:
        return LabelIndex()
    return index_of_ntriples(answer.payload)


def open_store(spec: str | StoreSpec, kg: KnowledgeGraph | None = None) -> Store:
    """Open a store from its ``--store`` spelling: ``memory``, ``oxigraph:PATH`` or ``sparql:URL``.

    The spelling is read by :meth:`graph.store.spec.StoreSpec.parse`, as ``bskg serve`` reads it.

    >>> open_store("memory", kg=kg).spec
    'memory'
    >>> open_store("redis:x")
    Traceback (most recent call last):
    ...
    graph.core.errors.GraphError: unknown store 'redis:x': use memory, oxigraph:PATH or sparql:URL
    """
    parsed = spec if isinstance(spec, StoreSpec) else StoreSpec.parse(spec)
    if parsed.kind == "memory":
        if kg is None:
            raise GraphError("the memory store is a loaded graph's: pass kg")
        return OxigraphStore.of(kg)
    if parsed.kind == "oxigraph":
        return OxigraphStore.folder(parsed.where)
    return RemoteStore(parsed.where)
