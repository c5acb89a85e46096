"""Query answers, whatever store gave them, and their formats.

An :class:`Answer` is a SELECT table (variables and rows of rdflib terms), an ASK boolean or a
CONSTRUCT/DESCRIBE graph. It is written as W3C SPARQL 1.1 Query Results JSON, CSV or TSV, as
Turtle for graphs, or turned into a pandas DataFrame that reads well: label columns first, entities
as CURIEs (``bs:back_spasm``), the full IRIs a call away (:func:`iris`), integers kept integers.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from graph.core.lookup import curie
from graph.core.vocab import PREFIXES

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "Answer",
    "curie",
    "from_json",
    "iris",
    "python_value",
    "to_csv",
    "to_frame",
    "to_json",
    "to_tsv",
    "to_turtle",
]

Row = tuple[Node | None, ...]


@dataclass(frozen=True)
class Answer:
    """The answer to one query: ``kind`` is ``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE``."""

    kind: str
    vars: tuple[str, ...] = ()
    rows: tuple[Row, ...] = ()
    boolean: bool | None = None
    graph: Graph | None = field(default=None, compare=False)

    def triples(self) -> Answer:
        """Return a CONSTRUCT/DESCRIBE answer as a SELECT-like table of subject, predicate, object."""
        if self.graph is None:
            return self
        rows = tuple(sorted(self.graph, key=lambda t: tuple(str(x) for x in t)))
        return Answer("SELECT", ("subject", "predicate", "object"), rows)


def _json_term(term: Node) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    if isinstance(term, Literal):
        out = {"type": "literal", "value": str(term)}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype is not None:
            out["datatype"] = str(term.datatype)
        return out
    raise TypeError(f"not an RDF term: {term!r}")


def to_json(answer: Answer) -> dict[str, Any]:
    """Return the W3C SPARQL 1.1 Query Results JSON of a SELECT or ASK answer.

    >>> to_json(Answer("ASK", boolean=True))
    {'head': {}, 'boolean': True}
    """
    if answer.kind == "ASK":
        return {"head": {}, "boolean": bool(answer.boolean)}
    bindings = [
        {name: _json_term(term) for name, term in zip(answer.vars, row, strict=True) if term is not None}
        for row in answer.rows
    ]
    return {"head": {"vars": list(answer.vars)}, "results": {"bindings": bindings}}


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


def from_json(kind: str, data: dict[str, Any]) -> Answer:
    """Read a W3C SPARQL 1.1 Query Results JSON document into an :class:`Answer`."""
    if "boolean" in data:
        return Answer("ASK", boolean=bool(data["boolean"]))
    names = tuple(data.get("head", {}).get("vars", ()))
    rows = tuple(
        tuple(_from_json_term(b[name]) if name in b else None for name in names)
        for b in data.get("results", {}).get("bindings", ())
    )
    return Answer(kind, names, rows)


def _csv_cell(term: Node | None) -> str:
    if term is None:
        return ""
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def to_csv(answer: Answer) -> str:
    """Return the W3C SPARQL 1.1 CSV results of a SELECT answer (plain values, CRLF lines)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    if answer.kind == "ASK":
        writer.writerows([["boolean"], [str(bool(answer.boolean)).lower()]])
        return out.getvalue()
    writer.writerow(answer.vars)
    writer.writerows([_csv_cell(term) for term in row] for row in answer.triples().rows)
    return out.getvalue()


def _tsv_cell(term: Node | None) -> str:
    if term is None:
        return ""
    if isinstance(term, Literal) and term.language is None and term.datatype is None:
        return Literal(str(term)).n3().replace("\t", "\\t")
    return term.n3().replace("\t", "\\t")


def to_tsv(answer: Answer) -> str:
    r"""Return the W3C SPARQL 1.1 TSV results of a SELECT answer (terms in Turtle syntax).

    >>> to_tsv(Answer("SELECT", ("x",), ((URIRef("http://e/a"),), (Literal("b"),))))
    '?x\n<http://e/a>\n"b"\n'
    """
    if answer.kind == "ASK":
        return f"?boolean\n{str(bool(answer.boolean)).lower()}\n"
    table = answer.triples()
    lines = ["\t".join(f"?{name}" for name in table.vars)]
    lines += ["\t".join(_tsv_cell(term) for term in row) for row in table.rows]
    return "\n".join(lines) + "\n"


def to_turtle(answer: Answer) -> str:
    """Return the graph of a CONSTRUCT or DESCRIBE answer as Turtle, with the project's prefixes."""
    result = Graph(bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        result.bind(prefix, namespace)
    for triple in answer.graph if answer.graph is not None else ():
        result.add(triple)
    return result.serialize(format="turtle")


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
    rows = [[label(t) if isinstance(t, URIRef) else _csv_cell(t) for t in row] for row in table.rows]
    return list(table.vars), rows


def answer_of_rdflib(result: Any, vars_hint: Sequence[str] = ()) -> Answer:
    """Turn an rdflib query result into an :class:`Answer` (iterating it: run inside a time limit)."""
    kind = str(result.type)
    if kind == "ASK":
        return Answer("ASK", boolean=bool(result.askAnswer))
    if kind in ("CONSTRUCT", "DESCRIBE"):
        graph = Graph(bind_namespaces="none")
        for triple in result:
            graph.add(triple)
        return Answer(kind, graph=graph)
    names = tuple(str(v) for v in (result.vars or vars_hint))
    rows = tuple(tuple(row) for row in result)
    return Answer("SELECT", names, rows)


def dumps_json(answer: Answer) -> str:
    """Return the W3C results JSON of an answer as indented text."""
    return json.dumps(to_json(answer), indent=2, ensure_ascii=False) + "\n"
