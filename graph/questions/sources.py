"""What a reader needs to weigh an answer: the sources by title and address, the disputed claims.

Everything here is read from the graph itself, so the display follows the data: a source's title
(``dcterms:title``), publisher (``dcterms:publisher``) and address (``schema:url``,
``dcterms:source``, ``foaf:page`` or ``rdfs:seeAlso``) from ``data/sources.ttl``; the disputed claims
from the ``bso:claim`` links of every ``bso:Disagreement``. A graph without them (a neighbourhood
fetched from a store, a fixture) simply shows the source ids.
"""

from __future__ import annotations

import weakref
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from rdflib import Literal, URIRef
from rdflib.term import Node

from graph.core.errors import GraphError
from graph.core.evidence import Triple
from graph.core.model import KnowledgeGraph
from graph.core.vocab import ONTOLOGY, local_name
from graph.view.tables import to_rdflib

__all__ = [
    "Dispute",
    "Level",
    "Source",
    "count_words",
    "disputes",
    "disputes_of",
    "legend",
    "level_named",
    "none_named",
    "sources",
    "urgency_disputes",
    "urgency_levels",
]

_PREFIXES = f"""
PREFIX bso: <{ONTOLOGY}>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""
_SOURCES = (
    _PREFIXES
    + """
SELECT ?source ?id ?title ?publisher ?file ?lines ?address WHERE {
  ?source a bso:Source .
  OPTIONAL { ?source dcterms:identifier ?id }
  OPTIONAL { ?source dcterms:title ?title }
  OPTIONAL { ?source dcterms:publisher ?publisher }
  OPTIONAL { ?source bso:fileName ?file }
  OPTIONAL { ?source bso:lineCount ?lines }
  OPTIONAL {
    VALUES ?where { <http://schema.org/url> <https://schema.org/url> dcterms:source
                    <http://xmlns.com/foaf/0.1/page> rdfs:seeAlso }
    ?source ?where ?address
  }
}"""
)
_DISPUTES = (
    _PREFIXES
    + """
SELECT ?disagreement ?label ?s ?p ?o WHERE {
  ?disagreement a bso:Disagreement ; bso:claim ?claim .
  ?claim rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
  OPTIONAL { ?disagreement rdfs:label ?label }
}"""
)
_LEVELS = (
    _PREFIXES
    + """
SELECT ?level ?rank ?label WHERE {
  ?level a bso:UrgencyLevel .
  OPTIONAL { ?level bso:rank ?rank }
  OPTIONAL { ?level rdfs:label ?label }
}"""
)
_NUMBERS = "no one two three four five six seven eight nine ten eleven twelve".split()
_CACHE: weakref.WeakKeyDictionary[KnowledgeGraph, dict[str, Any]] = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class Source:
    """One source article: its three-digit id and what the graph records about it."""

    id: str
    title: str = ""
    publisher: str = ""
    address: str = ""
    file: str = ""
    lines: int = 0

    @property
    def name(self) -> str:
        """The title, else the publisher's article, else ``source NNN``.

        >>> Source("002", publisher="Cleveland Clinic").name
        'an article by Cleveland Clinic'
        """
        if self.title:
            return self.title + (f" ({self.publisher})" if self.publisher else "")
        if self.publisher:
            return f"an article by {self.publisher}"
        return f"source {self.id}"

    def describe(self) -> str:
        """Return ``NNN = title (address)``: one legend line (the file name stands in for a missing address).

        >>> Source("001", title="What Causes Back Spasms?", file="001_x.txt").describe()
        '001 = What Causes Back Spasms? (001_x.txt)'
        """
        where = self.address or self.file
        return f"{self.id} = {self.name}" + (f" ({where})" if where else "")

    def as_dict(self) -> dict[str, Any]:
        """Return ``{"id", "title", "publisher", "address", "file", "lines"}`` (``""`` when unknown)."""
        return {
            "id": self.id,
            "title": self.title,
            "publisher": self.publisher,
            "address": self.address,
            "file": self.file,
            "lines": self.lines,
        }


@dataclass(frozen=True, order=True)
class Dispute:
    """A recorded disagreement that disputes a claim: its id (the IRI's last segment) and title."""

    id: str
    label: str

    def as_dict(self) -> dict[str, str]:
        """Return ``{"id", "label"}``."""
        return {"id": self.id, "label": self.label}


def _cached(kg: KnowledgeGraph) -> dict[str, Any]:
    if kg not in _CACHE:
        _CACHE[kg] = {}
    return _CACHE[kg]


def _value(solution: Any, name: str) -> str:
    term = solution[name]
    return str(term.value) if term is not None else ""


def sources(kg: KnowledgeGraph) -> dict[str, Source]:
    """Return every source the graph cites or describes, by id, in id order.

    >>> sorted(sources(kg))[:2], sources(kg)["001"].title
    (['000', '001'], 'What Causes Back Spasms? Find Relief')
    """
    cache = _cached(kg)
    if "sources" not in cache:
        found: dict[str, Source] = {}
        for row in kg.store.query(_SOURCES):
            ident = _value(row, "id") or _value(row, "source").rsplit("-", 1)[-1]
            address = min(
                filter(None, [_value(row, "address"), found[ident].address if ident in found else ""]),
                default="",
            )
            lines = _value(row, "lines")
            found[ident] = Source(
                ident,
                _value(row, "title"),
                _value(row, "publisher"),
                address,
                _value(row, "file"),
                int(lines) if lines.isdigit() else 0,
            )
        for _, cited in kg.evidence:
            for evidence in cited:
                found.setdefault(evidence.source, Source(evidence.source))
        cache["sources"] = dict(sorted(found.items()))
    result: dict[str, Source] = cache["sources"]
    return result


def legend(kg: KnowledgeGraph, ids: Iterable[str]) -> list[str]:
    """Return one ``NNN = title (address)`` line per source id given, in id order.

    >>> legend(kg, ["002"])
    ['002 = an article by Cleveland Clinic (002_60909d68af7d6b1d.txt)']
    """
    known = sources(kg)
    return [(known.get(ident) or Source(ident)).describe() for ident in sorted(set(ids))]


def count_words(kg: KnowledgeGraph) -> str:
    """Return how many sources the graph has, in words: ``"the five articles"``.

    >>> count_words(kg)
    'the five articles'
    """
    count = len(sources(kg))
    if count == 1:
        return "the one article"
    return f"the {_NUMBERS[count] if count < len(_NUMBERS) else count} articles"


def none_named(kg: KnowledgeGraph, what: str) -> str:
    """Return what an empty answer means: the sources name none, not that none exists.

    >>> none_named(kg, "a side effect of heat therapy")
    'none of the five articles names a side effect of heat therapy (the graph holds only what they state)'
    """
    return f"none of {count_words(kg)} names {what} (the graph holds only what they state)"


def disputes(kg: KnowledgeGraph) -> dict[Triple, tuple[Dispute, ...]]:
    """Return, for every claim a recorded disagreement disputes, the disagreements that dispute it.

    Keys are rdflib triples ``(subject, predicate IRI, object)``; a guidance value is a plain literal
    (its language tag dropped).

    >>> from graph.core.vocab import BSO
    >>> claim = (kg.index.resolve("acetaminophen"), BSO.memberOf, kg.index.resolve("NSAID"))
    >>> [d.id for d in disputes(kg)[claim]]
    ['acetaminophen_nsaid']
    """
    cache = _cached(kg)
    if "disputes" not in cache:
        found: dict[Triple, set[Dispute]] = defaultdict(set)
        for row in kg.store.query(_DISPUTES):
            name = local_name(_value(row, "disagreement"))
            ident = name.removeprefix("disagreement-")
            dispute = Dispute(ident, _value(row, "label") or ident)
            key = (to_rdflib(row["s"]), to_rdflib(row["p"]), _plain(to_rdflib(row["o"])))
            found[key].add(dispute)
        cache["disputes"] = {key: tuple(sorted(value)) for key, value in found.items()}
    result: dict[Triple, tuple[Dispute, ...]] = cache["disputes"]
    return result


def disputes_of(
    kg: KnowledgeGraph, subject: URIRef, predicate: str | URIRef, obj: Node
) -> tuple[Dispute, ...]:
    """Return the disagreements that dispute one relation (``predicate`` by local name or IRI)."""
    iri = URIRef(predicate) if ":" in str(predicate) else URIRef(ONTOLOGY + str(predicate))
    return disputes(kg).get((subject, iri, _plain(obj)), ())


def urgency_disputes(kg: KnowledgeGraph, sign: URIRef, level: Mapping[str, Any]) -> tuple[Dispute, ...]:
    """Return the disagreements that dispute one urgency level of a sign (``{"level": local name}``)."""
    return disputes_of(kg, sign, "urgency", URIRef(ONTOLOGY + str(level.get("level", ""))))


def _plain(term: Node) -> Node:
    return Literal(str(term)) if isinstance(term, Literal) else term


@dataclass(frozen=True)
class Level:
    """An urgency level of the vocabulary: its local name, rank (1 = most urgent) and label."""

    name: str
    rank: int
    label: str


def urgency_levels(kg: KnowledgeGraph) -> list[Level]:
    """Return the urgency levels the graph's vocabulary declares, most urgent first.

    >>> [level.name for level in urgency_levels(kg)]
    ['CallEmergencyServices', 'EmergencyRoom', 'DoctorImmediately', 'SeeDoctor']
    """
    found = {}
    for row in kg.store.query(_LEVELS):
        name = local_name(_value(row, "level"))
        rank = _value(row, "rank")
        found[name] = Level(name, int(rank) if rank.isdigit() else 99, _value(row, "label") or name)
    return sorted(found.values(), key=lambda level: (level.rank, level.name))


def _squash(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def level_named(kg: KnowledgeGraph, text: str) -> Level:
    """Return the urgency level named by its local name or label, in any case and spacing.

    >>> level_named(kg, "emergency-room").label
    'go to the emergency room'
    >>> level_named(kg, "urgent")
    Traceback (most recent call last):
    ...
    graph.core.errors.GraphError: no urgency level 'urgent'; the levels, most urgent first: ...
    """
    levels = urgency_levels(kg)
    wanted = _squash(text)
    for level in levels:
        if wanted in (_squash(level.name), _squash(level.label)):
            return level
    names = ", ".join(f"{level.name} ({level.label})" for level in levels)
    raise GraphError(f"no urgency level {text!r}; the levels, most urgent first: {names}")
