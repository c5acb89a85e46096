"""SELECT answers of an Oxigraph store as rows of text cells, and the terms those cells spell.

Reading a big answer solution by solution makes a Python object per term; here Oxigraph writes
the whole answer with its own TSV serializer and Python only splits it into lines and cells. A
cell is a term in Turtle's syntax (``<iri>``, ``"text"@en``, ``"1"^^<datatype>``, ``42``,
``_:id``); :func:`lexical` and :func:`node` read one cell, so only the cells a caller uses are
parsed. :func:`iri` and :func:`to_rdflib` turn Oxigraph's terms into rdflib's.
"""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Iterator
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

__all__ = ["iri", "lexical", "node", "rows", "to_rdflib"]

_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.DOTALL)
_ESCAPED = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


@functools.lru_cache(maxsize=1 << 20)
def iri(value: str) -> URIRef:
    """Return the rdflib IRI of an IRI Oxigraph has read, made once per distinct IRI.

    Oxigraph has already checked the IRI, so rdflib's own check (most of the cost of building
    a million of them) is skipped: ``str.__new__`` is what ``URIRef.__new__`` calls after it.

    >>> iri("https://w3id.org/backspasm-kg/id/stress") == URIRef("https://w3id.org/backspasm-kg/id/stress")
    True
    """
    return str.__new__(URIRef, value)


def to_rdflib(term: Any) -> Node:
    """Return the rdflib term of a pyoxigraph term (a literal keeps its language or datatype).

    >>> to_rdflib(ox.NamedNode("https://w3id.org/backspasm-kg/id/stress"))
    rdflib.term.URIRef('https://w3id.org/backspasm-kg/id/stress')
    """
    if isinstance(term, ox.NamedNode):
        return iri(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        return Literal(term.value, datatype=iri(term.datatype.value))
    return BNode(term.value)


def rows(store: Any, query: str) -> Iterator[list[str]]:
    """Yield the rows of a SELECT on ``store``, each a list of cells (``""`` for an unbound variable).

    The answer is held once, as the bytes Oxigraph wrote; each line is decoded and split as it is
    read, so a big answer costs its bytes and one row at a time.

    >>> list(rows(kg.store, 'SELECT ?n ?m WHERE { VALUES ?n { <http://e/a> "b"@en 3 } }'))
    [['<http://e/a>', ''], ['"b"@en', ''], ['3', '']]
    """
    lines = io.BytesIO(store.query(query).serialize(format=ox.QueryResultsFormat.TSV))
    next(lines, None)  # the first line names the variables
    for line in lines:
        yield line.decode().rstrip("\n").split("\t")


def _unescape(text: str) -> str:
    if "\\" not in text:
        return text

    def one(match: re.Match[str]) -> str:
        short, long, char = match.groups()
        if short or long:
            return chr(int(short or long, 16))
        return _ESCAPED.get(char, char)

    return _ESCAPE.sub(one, text)


def lexical(cell: str) -> str:
    r"""Return what a cell spells: an IRI without brackets, a literal's text, a blank node's id.

    >>> lexical("<http://e/a>"), lexical('"say \\"hi\\""@en'), lexical("42"), lexical("_:b1")
    ('http://e/a', 'say "hi"', '42', 'b1')
    """
    first = cell[:1]
    if first == "<":
        return cell[1:-1]
    if first == '"':
        return _unescape(cell[1 : cell.rindex('"')])
    if first == "_":
        return cell[2:]
    return cell


def _bare(cell: str) -> URIRef:
    """Return the datatype of a literal written without quotes (a number or a boolean)."""
    if cell in ("true", "false"):
        return iri(str(XSD.boolean))
    if "e" in cell or "E" in cell:
        return iri(str(XSD.double))
    return iri(str(XSD.decimal if "." in cell else XSD.integer))


def node(cell: str) -> Node:
    """Return the rdflib term a cell spells (the same term :func:`to_rdflib` gives for it).

    >>> node("<http://e/a>"), node('"b"@en'), node("3").datatype == XSD.integer
    (rdflib.term.URIRef('http://e/a'), rdflib.term.Literal('b', lang='en'), True)
    """
    first = cell[:1]
    if first == "<":
        return iri(cell[1:-1])
    if first == "_":
        return BNode(cell[2:])
    if first != '"':
        return Literal(cell, datatype=_bare(cell))
    end = cell.rindex('"')
    text, tail = _unescape(cell[1:end]), cell[end + 1 :]
    if tail.startswith("@"):
        return Literal(text, lang=tail[1:])
    return Literal(text, datatype=iri(tail[3:-1]) if tail else iri(str(XSD.string)))
