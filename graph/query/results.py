"""Query answers, whatever store gave them, and the one writer of their formats.

An :class:`Answer` is a SELECT table (variables and rows of rdflib terms), an ASK boolean or a
CONSTRUCT/DESCRIBE graph, and keeps the bytes its store sent (W3C results JSON, or N-Triples for a
graph). :func:`write_results` writes a result in a format of :data:`FORMATS` (SPARQL 1.1 results
JSON, XML, CSV, TSV; Turtle, N-Triples, RDF/XML) with Oxigraph's own serializers: the endpoint's
workers call it on what Oxigraph evaluated, and ``bskg query --format`` on an answer
(:func:`write_answer`), so the two print the same bytes. An answer also turns into a pandas
DataFrame that reads well: label columns first, entities as CURIEs (``bs:back_spasm``), the full
IRIs a call away (:func:`iris`), integers kept integers.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from graph.core.errors import QueryError
from graph.core.lookup import curie
from graph.core.vocab import PREFIXES

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "FORMATS",
    "Answer",
    "curie",
    "from_json",
    "from_ntriples",
    "iris",
    "python_value",
    "to_frame",
    "write_answer",
    "write_results",
]

Row = tuple[Node | None, ...]

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
_PREFIXES = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}


class Sink(Protocol):
    """Where :func:`write_results` writes: any binary file-like object."""

    def write(self, data: bytes, /) -> int:
        """Write bytes, returning how many were written."""
        ...


@dataclass(frozen=True)
class Answer:
    """The answer to one query: ``kind`` is ``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE``.

    ``payload`` holds the answer as the store sent it: W3C results JSON for SELECT and ASK,
    N-Triples for CONSTRUCT and DESCRIBE (what :func:`write_answer` reads).
    """

    kind: str
    vars: tuple[str, ...] = ()
    rows: tuple[Row, ...] = ()
    boolean: bool | None = None
    payload: bytes = field(default=b"", compare=False, repr=False)
    _graph: Graph | None = field(default=None, compare=False, repr=False)
    #: The number of triples of a graph answer read from an endpoint (counted when it was checked).
    size: int | None = field(default=None, compare=False, repr=False)

    @property
    def is_graph(self) -> bool:
        """Tell whether this is a CONSTRUCT or DESCRIBE answer (its payload is N-Triples)."""
        return self.kind in ("CONSTRUCT", "DESCRIBE")

    @property
    def graph(self) -> Graph | None:
        """The triples of a CONSTRUCT or DESCRIBE answer as an rdflib graph.

        Read from the payload when first asked: a caller that loads the N-Triples into a store
        never pays for it.
        """
        if self._graph is None and self.is_graph:
            graph = Graph(bind_namespaces="none")
            graph.parse(data=self.payload.decode("utf-8"), format="nt")
            object.__setattr__(self, "_graph", graph)  # a cache of the payload, not a change
        return self._graph

    def triples(self) -> Answer:
        """Return a CONSTRUCT/DESCRIBE answer as a SELECT-like table of subject, predicate, object."""
        if self.graph is None:
            return self
        rows = tuple(sorted(self.graph, key=lambda t: tuple(str(x) for x in t)))
        return Answer("SELECT", ("subject", "predicate", "object"), rows)


def write_results(result: Any, result_format: str, output: Sink) -> str:
    """Write a pyoxigraph query result in a format of :data:`FORMATS`; return its media type.

    ``result`` is what ``pyoxigraph.Store.query`` returns (solutions, a boolean, or triples) or
    any iterable of ``pyoxigraph.Triple``; graphs are written with the project's prefixes.

    >>> import pyoxigraph as ox
    >>> sink = io.BytesIO()
    >>> write_results(ox.Store().query("ASK {}"), "json", sink), sink.getvalue()
    ('application/sparql-results+json', b'{"head":{},"boolean":true}')
    """
    import pyoxigraph as ox

    if result_format not in FORMATS:
        raise QueryError(f"unknown result format {result_format!r}: use {', '.join(FORMATS)}")
    media_type, shape = FORMATS[result_format]
    sink: Any = output  # pyoxigraph takes any object with ``write``
    if isinstance(result, ox.QuerySolutions | ox.QueryBoolean):
        if shape != "solutions":
            raise QueryError("this query returns solutions: ask for SPARQL JSON, XML, CSV or TSV")
        result.serialize(sink, format=getattr(ox.QueryResultsFormat, result_format.upper()))
        return media_type
    if shape != "graph":
        raise QueryError("this query returns a graph: ask for Turtle, N-Triples or RDF/XML")
    form = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES}.get(
        result_format, ox.RdfFormat.RDF_XML
    )
    ox.serialize(result, sink, format=form, prefixes=None if form == ox.RdfFormat.N_TRIPLES else _PREFIXES)
    return media_type


def write_answer(answer: Answer, result_format: str) -> bytes:
    r"""Return an answer in a format of :data:`FORMATS`, written by :func:`write_results` from its payload.

    >>> import json
    >>> sent = b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"literal","value":"a"}}]}}'
    >>> write_answer(from_json("SELECT", json.loads(sent), sent), "tsv")
    b'?x\n"a"\n'
    """
    import pyoxigraph as ox

    result: Any
    try:
        if answer.graph is not None:
            result = [quad.triple for quad in ox.parse(answer.payload, format=ox.RdfFormat.N_TRIPLES)]
        else:
            result = ox.parse_query_results(answer.payload, format=ox.QueryResultsFormat.JSON)
    except SyntaxError as error:
        detail = str(error).splitlines()[0]
        raise QueryError(f"the store sent results Oxigraph cannot read: {detail}") from None
    sink = io.BytesIO()
    write_results(result, result_format, sink)
    return sink.getvalue()


def _from_json_term(cell: dict[str, str]) -> Node:
    kind, value = cell.get("type"), cell.get("value", "")
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value)
    if kind in ("literal", "typed-literal"):
        language = cell.get("xml:lang")
        datatype = cell.get("datatype")
        if language:
            return Literal(value, lang=language)
        return Literal(value, datatype=URIRef(datatype) if datatype else None)
    raise ValueError(f"unknown term type {kind!r}")


def from_json(kind: str, data: dict[str, Any], payload: bytes = b"") -> Answer:
    """Read W3C SPARQL 1.1 Query Results JSON (``payload``, parsed as ``data``) into an :class:`Answer`."""
    if "boolean" in data:
        return Answer("ASK", boolean=bool(data["boolean"]), payload=payload)
    names = tuple(data.get("head", {}).get("vars", ()))
    rows = tuple(
        tuple(_from_json_term(b[name]) if name in b else None for name in names)
        for b in data.get("results", {}).get("bindings", ())
    )
    return Answer(kind, names, rows, payload=payload)


def from_ntriples(kind: str, payload: bytes) -> Answer:
    """Read the N-Triples of a CONSTRUCT or DESCRIBE answer into an :class:`Answer` (parsed on first use)."""
    return Answer(kind, payload=payload)


def _cell(term: Node | None) -> str:
    if term is None:
        return ""
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def python_value(term: Node | None) -> object:
    """Return the plain Python value of a term: IRIs as text, numbers as numbers, ``None`` if unbound.

    >>> python_value(Literal(3)), python_value(URIRef("http://e/a")), python_value(Literal("x", lang="en"))
    (3, 'http://e/a', 'x')
    """
    if term is None:
        return None
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal):
        if term.language is not None or term.datatype is None:
            return str(term)
        value = term.toPython()
        return value if isinstance(value, bool | int | float | str) else str(term)
    return str(term)


def _column(values: list[object]) -> pd.Series[Any]:
    """Return values as a Series that keeps integers integers (``Int64`` when some are missing)."""
    import pandas as pd

    present = [v for v in values if v is not None]
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return pd.Series(values, dtype="Int64" if len(present) < len(values) else "int64")
    if present and all(isinstance(v, bool) for v in present):
        return pd.Series(values, dtype="boolean" if len(present) < len(values) else "bool")
    if present and all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
        return pd.Series(values, dtype="float64")
    return pd.Series(values, dtype=object if len(present) < len(values) else None)


def to_frame(answer: Answer, label: Callable[[URIRef], str]) -> pd.DataFrame:
    """Return an answer as a DataFrame that reads well: labels first, entities as CURIEs.

    For each variable that holds IRIs, ``<variable>_label`` (the label) comes first, in the
    variables' order; then every variable's own column, its IRIs written as CURIEs (``bs:nsaid``).
    The full IRIs stay available: ``frame.attrs["prefixes"]`` holds the prefixes and :func:`iris`
    expands a column. Integers stay integers. ASK gives one column ``boolean``; CONSTRUCT and
    DESCRIBE give ``subject``, ``predicate``, ``object``.

    >>> a = URIRef("https://w3id.org/backspasm-kg/id/a")
    >>> frame = to_frame(Answer("SELECT", ("x", "n"), ((a, Literal(2)),)), lambda iri: "A")
    >>> list(frame.columns), frame["x"].tolist(), frame["n"].dtype.name
    (['x_label', 'x', 'n'], ['bs:a'], 'int64')
    """
    import pandas as pd

    if answer.kind == "ASK":
        return pd.DataFrame({"boolean": [bool(answer.boolean)]})
    table = answer.triples()
    labels: dict[str, pd.Series[Any]] = {}
    values: dict[str, pd.Series[Any]] = {}
    entities: list[str] = []
    for position, name in enumerate(table.vars):
        column = [row[position] for row in table.rows]
        if any(isinstance(term, URIRef) for term in column):
            entities.append(name)
            if f"{name}_label" not in table.vars:
                labels[f"{name}_label"] = _column(
                    [label(t) if isinstance(t, URIRef) else python_value(t) for t in column]
                )
            values[name] = _column([curie(t) if isinstance(t, URIRef) else python_value(t) for t in column])
        else:
            values[name] = _column([python_value(term) for term in column])
    data = {**labels, **values}
    frame = pd.DataFrame(data, index=range(len(table.rows)))
    frame.attrs["prefixes"] = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
    frame.attrs["entity_columns"] = entities
    return frame


def iris(frame: pd.DataFrame, column: str) -> pd.Series[Any]:
    """Return a column of CURIEs as full IRIs (values that are not CURIEs are kept as they are).

    >>> a = URIRef("https://w3id.org/backspasm-kg/id/a")
    >>> frame = to_frame(Answer("SELECT", ("x",), ((a,),)), lambda iri: "A")
    >>> iris(frame, "x").tolist()
    ['https://w3id.org/backspasm-kg/id/a']
    """
    prefixes: dict[str, str] = frame.attrs.get("prefixes") or {p: str(n) for p, n in PREFIXES.items()}

    def expand(value: object) -> object:
        if isinstance(value, str):
            prefix, colon, local = value.partition(":")
            if colon and prefix in prefixes and not local.startswith("//"):
                return prefixes[prefix] + local
        return value

    return frame[column].map(expand)


def display_rows(answer: Answer, label: Callable[[URIRef], str]) -> tuple[list[str], list[list[str]]]:
    """Return headers and rows for a text table: labels in place of IRIs, empty cells for unbound."""
    table = answer.triples()
    rows = [[label(t) if isinstance(t, URIRef) else _cell(t) for t in row] for row in table.rows]
    return list(table.vars), rows
