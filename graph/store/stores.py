"""Where queries run: the bundled Turtle in memory, a persistent Oxigraph store, or a remote endpoint.

``--store memory`` (default) queries the loaded rdflib graph; ``--store oxigraph:PATH`` a pyoxigraph
store on disk (for graphs too large for rdflib's engine; see :mod:`graph.store.oxigraph`);
``--store sparql:URL`` any SPARQL 1.1 endpoint a user already runs. Each store answers the same
named queries with the same rows. :func:`load_into` fills an Oxigraph folder or, through the
Graph Store Protocol, a remote store from Turtle files.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from rdflib import Graph, Literal, URIRef, Variable
from rdflib.plugins.sparql.parserutils import CompValue, Expr
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Node

from graph.core.errors import GraphError, QueryError
from graph.core.lookup import LabelIndex
from graph.core.model import KnowledgeGraph
from graph.core.vocab import CLASS_NAMES, PREFIXES
from graph.query.guard import call_with_time_limit, get_time_limit, walk
from graph.query.results import Answer, answer_of_rdflib, from_json

__all__ = ["MemoryStore", "RemoteStore", "Store", "load_into", "open_store", "prefixed", "values_block"]

_KINDS = {
    "SelectQuery": "SELECT",
    "AskQuery": "ASK",
    "ConstructQuery": "CONSTRUCT",
    "DescribeQuery": "DESCRIBE",
}
_IRI = re.compile(r"[^\x00-\x20<>\"{}|^`\\]*")

#: The entities' classes and names, enough to build a label index from any store.
CATALOGUE = (
    "CONSTRUCT { ?s a ?c . ?s ?p ?l } WHERE {\n"
    f"  VALUES ?c {{ {' '.join('bso:' + name for name in CLASS_NAMES)} }}\n"
    "  ?s a ?c .\n"
    "  OPTIONAL { VALUES ?p { rdfs:label skos:prefLabel skos:altLabel skos:hiddenLabel } ?s ?p ?l }\n"
    "}"
)


class Store(Protocol):
    """What :func:`graph.query.run.run` needs from a store."""

    spec: str

    def index(self) -> LabelIndex:
        """Return the label index of the store's entities (for parameters and label columns)."""
        ...

    def local_graphs(self) -> frozenset[str]:
        """Return the names of the graphs ``FROM`` may name."""
        ...

    def execute(self, text: str, query: Query, bindings: dict[str, Node], timeout: float | None) -> Answer:
        """Run a parsed, checked query with bound values, stopping it after ``timeout`` seconds."""
        ...


def kind_of(query: Query) -> str:
    """Return ``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE`` for a parsed query."""
    return _KINDS[query.algebra.name]


def prefixed(text: str) -> str:
    """Return query text with the project's ``PREFIX`` lines in front, for engines other than rdflib."""
    lines = [f"PREFIX {prefix}: <{namespace}>" for prefix, namespace in PREFIXES.items()]
    return "\n".join(lines) + "\n" + text


@dataclass
class MemoryStore:
    """The loaded graph, queried with rdflib's engine under a time limit."""

    kg: KnowledgeGraph
    spec: str = "memory"

    def index(self) -> LabelIndex:
        """Return the graph's own label index."""
        return self.kg.index

    def local_graphs(self) -> frozenset[str]:
        """Return no graph: the in-memory graph has no named graphs."""
        return frozenset()

    def execute(self, text: str, query: Query, bindings: dict[str, Node], timeout: float | None) -> Answer:
        """Run the prepared query with ``initBindings``; results are read inside the time limit."""
        planned = plan(query, frozenset(bindings))
        graph = self.kg.rdf
        return call_with_time_limit(
            lambda: answer_of_rdflib(graph.query(planned, initBindings=bindings)),  # type: ignore[arg-type]
            timeout,
        )


def _order(triples: list[tuple[Node, ...]], known: set[Node]) -> list[tuple[Node, ...]]:
    """Order triple patterns greedily: the one with the most known terms first, then what it binds."""
    left, done = list(triples), []
    while left:
        best = max(left, key=lambda t: sum(1 for x in t if not isinstance(x, Variable) or x in known))
        left.remove(best)
        done.append(best)
        known.update(x for x in best if isinstance(x, Variable))
    return done


def _copy(node: Any) -> Any:
    """Copy the pattern tree of an algebra (expressions, which carry their functions, are shared)."""
    if isinstance(node, CompValue) and not isinstance(node, Expr):
        return CompValue(node.name, **{key: _copy(value) for key, value in node.items()})
    if isinstance(node, list):
        return [_copy(item) for item in node]
    return node


@lru_cache(maxsize=256)
def plan(query: Query, bound: frozenset[str]) -> Query:
    """Return a copy of a parsed query whose patterns start from the bound variables.

    rdflib orders the patterns of each group when it parses, before it knows which variables a
    caller will bind, and may start with "every label" instead of the one bound entity.
    """
    algebra = _copy(query.algebra)
    known = {Variable(name) for name in bound}
    for part in walk(algebra):
        if part.name == "BGP" and "triples" in part and part["triples"]:
            part["triples"] = _order(list(part["triples"]), set(known))
    return Query(query.prologue, algebra)


def term_text(term: Node) -> str:
    r"""Write an IRI or literal in SPARQL syntax, escaping every character that could end it.

    >>> term_text(Literal('x" } UNION { ?s ?p ?o } #', lang="en"))
    '"x\\" } UNION { ?s ?p ?o } #"@en'
    """
    if isinstance(term, URIRef):
        if not _IRI.fullmatch(str(term)):
            raise QueryError(f"not a valid IRI: {str(term)!r}")
        return f"<{term}>"
    if isinstance(term, Literal):
        body = str(term)
        for old, new in (("\\", "\\\\"), ('"', '\\"'), ("\n", "\\n"), ("\r", "\\r"), ("\t", "\\t")):
            body = body.replace(old, new)
        if term.language:
            return f'"{body}"@{term.language}'
        if term.datatype is not None:
            return f'"{body}"^^{term_text(term.datatype)}'
        return f'"{body}"'
    raise QueryError(f"cannot bind {term!r}")


def values_block(bindings: dict[str, Node]) -> str:
    """Return the trailing ``VALUES`` block that binds values for an endpoint (empty when none)."""
    if not bindings:
        return ""
    names = " ".join(f"?{name}" for name in bindings)
    row = " ".join(term_text(term) for term in bindings.values())
    return f"\nVALUES ({names}) {{ ({row}) }}\n"


@dataclass
class RemoteStore:
    """A SPARQL 1.1 Protocol endpoint; values travel as a trailing ``VALUES`` block."""

    url: str
    spec: str = ""
    _index: LabelIndex | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if urllib.parse.urlsplit(self.url).scheme not in ("http", "https"):
            raise GraphError(f"sparql:{self.url}: the endpoint must be an http(s) URL")
        self.spec = self.spec or f"sparql:{self.url}"

    def index(self) -> LabelIndex:
        """Build the label index from the endpoint's classes and names (once)."""
        if self._index is None:
            self._index = catalogue_index(self)
        return self._index

    def local_graphs(self) -> frozenset[str]:
        """Return no graph: a remote endpoint may fetch what ``FROM`` names, so none is allowed."""
        return frozenset()

    def execute(self, text: str, query: Query, bindings: dict[str, Node], timeout: float | None) -> Answer:
        """POST the query (prefixes and ``VALUES`` added) and read JSON results or N-Triples."""
        kind = kind_of(query)
        body = prefixed(text) + values_block(bindings)
        accept = "application/sparql-results+json" if kind in ("SELECT", "ASK") else "application/n-triples"
        request = urllib.request.Request(  # noqa: S310 (http(s) only, checked above)
            self.url,
            data=urllib.parse.urlencode({"query": body}).encode("utf-8"),
            headers={"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"},
            method="POST",
        )
        limit = get_time_limit() if timeout is None else timeout
        try:
            with urllib.request.urlopen(request, timeout=limit) as response:  # noqa: S310
                payload = response.read()
        except urllib.error.HTTPError as error:
            detail = error.read().decode("utf-8", "replace").strip().splitlines()
            reason = detail[0] if detail else error.reason
            raise QueryError(f"{self.url} answered {error.code}: {reason}") from None
        except TimeoutError:
            raise QueryError(f"{self.url} gave no answer within {limit:g} s") from None
        except (urllib.error.URLError, OSError) as error:
            raise QueryError(f"cannot reach {self.url}: {getattr(error, 'reason', error)}") from None
        if kind in ("SELECT", "ASK"):
            return from_json(kind, json.loads(payload))
        graph = Graph()
        graph.parse(data=payload.decode("utf-8"), format="nt")
        return Answer(kind, graph=graph)


def catalogue_index(store: Store) -> LabelIndex:
    """Build a label index from a store's classes and names, fetched with one CONSTRUCT."""
    from graph.query.run import prepare

    answer = store.execute(CATALOGUE, prepare(CATALOGUE), {}, None)
    return LabelIndex.build(answer.graph if answer.graph is not None else Graph())


def open_store(spec: str, data: str | Path | None = None, kg: KnowledgeGraph | None = None) -> Store:
    """Open a store from its ``--store`` spelling: ``memory``, ``oxigraph:PATH`` or ``sparql:URL``.

    >>> open_store("memory", kg=kg).spec
    'memory'
    >>> open_store("redis:x")
    Traceback (most recent call last):
    ...
    graph.core.errors.GraphError: unknown store 'redis:x': use memory, oxigraph:PATH or sparql:URL
    """
    kind, _, where = spec.partition(":")
    if spec == "memory":
        if kg is None:
            from graph.store.load import load

            kg = load(data)
        return MemoryStore(kg)
    if kind == "oxigraph" and where:
        from graph.store.oxigraph import OxigraphStore

        return OxigraphStore(Path(where))
    if kind == "sparql" and where:
        return RemoteStore(where)
    raise GraphError(f"unknown store {spec!r}: use memory, oxigraph:PATH or sparql:URL")


def load_into(target: str, data: str | Path | None = None) -> int:
    """Fill a store with the graph of ``data`` (default: the bundled one); return the triple count.

    ``target`` is a folder (a pyoxigraph store, created if needed; its default graph is replaced)
    or an http(s) Graph Store Protocol URL such as ``http://127.0.0.1:7878/store`` (the default
    graph is replaced with ``PUT ?default``).
    """
    from graph.store.load import load

    rdf = load(data).rdf
    payload = rdf.serialize(format="nt", encoding="utf-8")
    if urllib.parse.urlsplit(target).scheme in ("http", "https"):
        separator = "&" if "?" in target else "?"
        request = urllib.request.Request(  # noqa: S310 (http(s) only)
            f"{target}{separator}default",
            data=payload,
            headers={"Content-Type": "application/n-triples"},
            method="PUT",
        )
        try:
            with urllib.request.urlopen(request, timeout=get_time_limit()) as response:  # noqa: S310
                response.read()
        except urllib.error.HTTPError as error:
            raise GraphError(f"{target} refused the graph: HTTP {error.code} {error.reason}") from None
        except (urllib.error.URLError, OSError) as error:
            raise GraphError(f"cannot reach {target}: {getattr(error, 'reason', error)}") from None
        return len(rdf)
    from graph.store.oxigraph import fill

    fill(Path(target), payload)
    return len(rdf)
