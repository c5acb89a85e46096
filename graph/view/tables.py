"""One pass over the store's quads: the tables the view, the label index and the evidence index need.

:class:`Tables` sorts each triple of the default graph into what it says (a class, a name, a
relation, a guidance value, an evidence node's parts, a disagreement's claim, an urgency level),
so every index of a :class:`~graph.core.model.KnowledgeGraph` comes from the same read.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.term import Node

from graph.core.evidence import Evidence, EvidenceIndex, Triple
from graph.core.lookup import LabelIndex
from graph.core.vocab import CLASS_NAMES, EDGE_RELATIONS, GUIDANCE, NAME_WEIGHTS, ONTOLOGY, local_name

__all__ = ["Tables", "iri", "to_rdflib"]

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_TYPE, _STATEMENT = _RDF + "type", _RDF + "Statement"
_SUBJECT, _PREDICATE, _OBJECT = _RDF + "subject", _RDF + "predicate", _RDF + "object"
_DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom"
_IDENTIFIER = "http://purl.org/dc/terms/identifier"
_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
_LINE, _RANK, _CLAIM, _URGENCY = (ONTOLOGY + name for name in ("line", "rank", "claim", "urgency"))
_STRENGTH, _CONTEXT, _HEDGED = ONTOLOGY + "claimStrength", ONTOLOGY + "contextLine", ONTOLOGY + "Hedged"
_FREQUENCY, _DEPTH = ONTOLOGY + "annotationFrequency", ONTOLOGY + "hierarchyDepth"
_SOURCE, _DISAGREEMENT, _LEVEL = ONTOLOGY + "Source", ONTOLOGY + "Disagreement", ONTOLOGY + "UrgencyLevel"
_CLASSES = {ONTOLOGY + name: name for name in CLASS_NAMES}
_NAMES = {str(predicate): weight for predicate, weight in NAME_WEIGHTS}
_GUIDANCE = {ONTOLOGY + name: name for name in GUIDANCE}
_EDGES = {ONTOLOGY + name: name for name in EDGE_RELATIONS}


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
    from rdflib import BNode

    return BNode(term.value)


def _as_int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _as_share(value: str) -> float | None:
    try:
        return float(value)
    except ValueError:
        return None


class Tables:
    """What one pass over the triples found, table by table (IRIs as plain strings)."""

    def __init__(self) -> None:
        self.count = 0
        self.types: dict[str, list[str]] = defaultdict(list)
        self.names: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        self.relations: dict[str, set[tuple[str, str]]] = defaultdict(set)
        self.guidance: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
        self.statements: set[str] = set()
        self.parts: dict[str, dict[str, Any]] = defaultdict(dict)
        self.sources: set[str] = set()
        self.identifiers: dict[str, str] = {}
        self.disagreements: set[str] = set()
        self.claims: list[tuple[str, str]] = []
        self.urgency: dict[str, set[str]] = defaultdict(set)
        self.ranks: dict[str, str] = {}
        self.levels: set[str] = set()
        self.depths: dict[str, int] = {}

    def feed(self, triples: Iterable[Any]) -> None:
        """Sort each triple (a pyoxigraph ``Triple`` or ``Quad``) into the table it belongs to."""
        named = ox.NamedNode
        types, names, relations, parts = self.types, self.names, self.relations, self.parts
        count = 0
        for triple in triples:
            count += 1
            predicate = triple.predicate.value
            subject_term, obj = triple.subject, triple.object
            subject = subject_term.value
            if predicate == _TYPE:
                klass = obj.value
                if klass in _CLASSES:
                    if isinstance(subject_term, named):
                        types[subject].append(_CLASSES[klass])
                elif klass == _STATEMENT:
                    self.statements.add(subject)
                elif klass == _SOURCE:
                    self.sources.add(subject)
                elif klass == _DISAGREEMENT:
                    self.disagreements.add(subject)
                elif klass == _LEVEL:
                    self.levels.add(subject)
            elif predicate in _EDGES:
                if isinstance(obj, named) and isinstance(subject_term, named):
                    relations[_EDGES[predicate]].add((subject, obj.value))
            elif predicate in _NAMES:
                names[subject][predicate].add(obj.value)
            elif predicate in (_SUBJECT, _PREDICATE, _OBJECT, _DERIVED, _LINE, _STRENGTH, _FREQUENCY):
                parts[subject][predicate] = obj
            elif predicate == _CONTEXT:
                parts[subject].setdefault(_CONTEXT, []).append(_as_int(obj.value, 0))
            elif predicate == _IDENTIFIER:
                self.identifiers[subject] = obj.value
            elif predicate == _CLAIM:
                self.claims.append((subject, obj.value))
            elif predicate == _URGENCY:
                if isinstance(obj, named):
                    self.urgency[subject].add(obj.value)
            elif predicate in _GUIDANCE:
                if isinstance(obj, ox.Literal):
                    self.guidance[subject].setdefault(_GUIDANCE[predicate], {})[obj.value] = obj
            elif predicate == _RANK:
                self.ranks[subject] = obj.value
            elif predicate == _DEPTH:
                self.depths[subject] = _as_int(obj.value, 0)
        self.count += count

    def evidence(self) -> EvidenceIndex:
        """Return the evidence of each triple: ``(source id, line, evidence node)``, keyed by rdflib terms."""
        found: dict[Triple, list[Evidence]] = defaultdict(list)
        ids = {source: self.identifiers.get(source, source) for source in self.sources}
        for node in self.statements:
            part = self.parts.get(node, {})
            subject, predicate, obj, line = (part.get(key) for key in (_SUBJECT, _PREDICATE, _OBJECT, _LINE))
            if subject is None or predicate is None or obj is None or line is None:
                continue
            source = part.get(_DERIVED)
            label = ids.get(source.value, source.value) if source is not None else "?"
            key = (to_rdflib(subject), to_rdflib(predicate), to_rdflib(obj))
            strength = part.get(_STRENGTH)
            hedged = strength is not None and strength.value == _HEDGED
            context = tuple(sorted(part.get(_CONTEXT, ())))
            share = part.get(_FREQUENCY)
            frequency = _as_share(share.value) if share is not None else None
            found[key].append(Evidence(label, _as_int(line.value, 0), node, hedged, context, frequency))
        return EvidenceIndex(found)

    def index(self) -> LabelIndex:
        """Return the label index: every subject typed with a domain class, with its names."""
        return LabelIndex.of(self.types, self.names, self.levels)

    def relation_count(self, entities: set[str]) -> int:
        """Return how many relations the graph states: the view's edges and the red flags' urgency."""
        edges = sum(
            1 for pairs in self.relations.values() for s, o in pairs if s in entities and o in entities
        )
        return edges + sum(len(levels) for flag, levels in self.urgency.items() if flag in entities)

    def contested(self) -> set[str]:
        """Return the evidence nodes that are a disputed claim of some disagreement."""
        return {claim for subject, claim in self.claims if subject in self.disagreements}

    def urgency_levels(self, flag: str, evidence: EvidenceIndex) -> list[dict[str, Any]]:
        """Return the urgency levels of a red flag, most urgent first, each with its evidence."""
        levels = []
        for level in self.urgency[flag]:
            local = local_name(level)
            labels = self.names.get(level, {}).get(_LABEL)
            cites = evidence.get((iri(flag), iri(_URGENCY), iri(level)))
            levels.append(
                {
                    "level": local,
                    "rank": _as_int(self.ranks.get(level), 99),
                    "label": min(labels) if labels else local,
                    "evidence": sorted({(e.source, e.line) for e in cites}),
                }
            )
        return sorted(levels, key=lambda item: (item["rank"], item["level"]))
