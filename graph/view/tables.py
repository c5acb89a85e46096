"""What the view, the label index and the evidence index need, each read from the store by one SELECT.

Oxigraph does the matching and joining: each table below is one SELECT over the default graph,
written by Oxigraph as TSV and split in Python (:func:`graph.store.select.rows`), read the first
time a builder asks for it. The label index needs the classes and names only; the evidence and
the view's other tables are read when the evidence index or the view is first used.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cached_property
from sys import intern
from typing import Any

from rdflib import URIRef

from graph.core.evidence import Evidence, Triple
from graph.core.lookup import LabelIndex
from graph.core.vocab import CLASS_NAMES, EDGE_RELATIONS, GUIDANCE, NAME_WEIGHTS, ONTOLOGY
from graph.store.select import iri, lexical, node, rows, to_rdflib

__all__ = ["Cite", "Tables", "iri", "to_rdflib"]

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
_LEVEL = ONTOLOGY + "UrgencyLevel"
_CLASSES = {ONTOLOGY + name: name for name in CLASS_NAMES}
#: One evidence of a triple: (source id, line), evidence node, hedged, frequency, contested.
Cite = tuple[tuple[str, int], str, bool, float | None, bool]


def _values(iris: Any) -> str:
    return " ".join(f"<{value}>" for value in iris)


_CLASSES_Q = f"SELECT ?s ?c WHERE {{ VALUES ?c {{ {_values([*_CLASSES, _LEVEL])} }} ?s a ?c }}"
_NAMES_Q = f"SELECT ?s ?p ?o WHERE {{ VALUES ?p {{ {_values(str(p) for p, _ in NAME_WEIGHTS)} }} ?s ?p ?o }}"
_EDGES_Q = (
    f"SELECT ?s ?p ?o WHERE {{ VALUES ?p {{ {_values(ONTOLOGY + name for name in EDGE_RELATIONS)} }} "
    "?s ?p ?o FILTER(isIRI(?s) && isIRI(?o)) }"
)
_GUIDANCE_Q = (
    f"SELECT ?s ?p ?o WHERE {{ VALUES ?p {{ {_values(ONTOLOGY + name for name in GUIDANCE)} }} "
    "?s ?p ?o FILTER(isLiteral(?o)) }"
)
_URGENCY_Q = f"SELECT ?s ?o WHERE {{ ?s <{ONTOLOGY}urgency> ?o FILTER(isIRI(?s) && isIRI(?o)) }}"
_RANKS_Q = f"SELECT ?s ?o WHERE {{ ?s <{ONTOLOGY}rank> ?o }}"
_DEPTHS_Q = f"SELECT ?s ?o WHERE {{ ?s <{ONTOLOGY}hierarchyDepth> ?o }}"
_IDENTIFIER = "http://purl.org/dc/terms/identifier"
_SOURCES_Q = f"SELECT ?s ?o WHERE {{ ?s a <{ONTOLOGY}Source> OPTIONAL {{ ?s <{_IDENTIFIER}> ?o }} }}"
_CLAIMS_Q = f"SELECT ?o WHERE {{ ?s a <{ONTOLOGY}Disagreement> ; <{ONTOLOGY}claim> ?o }}"
_CONTEXT_Q = f"SELECT ?s ?o WHERE {{ ?s <{ONTOLOGY}contextLine> ?o }}"
_EVIDENCE_Q = (
    f"SELECT ?e ?s ?p ?o ?line ?source ?hedged ?share WHERE {{ ?e a <{_RDF}Statement> ; "
    f"<{_RDF}subject> ?s ; <{_RDF}predicate> ?p ; <{_RDF}object> ?o ; <{ONTOLOGY}line> ?line . "
    "OPTIONAL { ?e <http://www.w3.org/ns/prov#wasDerivedFrom> ?source } "
    f"OPTIONAL {{ ?e <{ONTOLOGY}claimStrength> ?strength }} BIND(?strength = <{ONTOLOGY}Hedged> AS ?hedged) "
    f"OPTIONAL {{ ?e <{ONTOLOGY}annotationFrequency> ?share }} }}"
)
_LEVEL_LABELS_Q = (
    f"SELECT DISTINCT ?o ?label WHERE {{ ?s <{ONTOLOGY}urgency> ?o FILTER(isIRI(?o)) ?o <{_LABEL}> ?label }}"
)


def _as_int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _number(cell: str) -> int:
    """Return the integer a cell spells (Oxigraph writes an integer bare), or 0."""
    try:
        return int(cell)
    except ValueError:
        return _as_int(lexical(cell), 0)


def _as_share(value: str) -> float | None:
    try:
        return float(value)
    except ValueError:
        return None


class Tables:
    """The tables of one store's default graph, each read by its SELECT when first asked for.

    Cells are kept as Oxigraph wrote them (``<iri>``, ``"text"@en``), interned, so the tables
    and the evidence that refer to one term share one string.

    >>> tables = Tables(kg.store)
    >>> tables.index().label(kg.index.resolve("tylenol"))
    'acetaminophen'
    """

    def __init__(self, store: Any) -> None:
        self.store = store
        #: Each entity's cell (``<iri>``) → its node in the label index and the view (set by :meth:`index`).
        self.entities: dict[str, URIRef] = {}

    def index(self) -> LabelIndex:
        """Return the label index: every IRI typed with a domain class, with its names."""
        types: dict[str, list[str]] = {}  # keyed by the entities' nodes
        levels: set[str] = set()
        entities = self.entities
        for subject, klass in rows(self.store, _CLASSES_Q):
            if klass == f"<{_LEVEL}>":
                levels.add(lexical(subject))
            elif subject[:1] == "<":  # a domain class of an entity (an IRI, never a blank node)
                entity = entities.get(subject)
                if entity is None:  # Oxigraph has checked the IRI: rdflib's check is skipped
                    entity = entities[intern(subject)] = str.__new__(URIRef, subject[1:-1])
                    types[entity] = []
                types[entity].append(_CLASSES[klass[1:-1]])
        names: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for subject, predicate, obj in rows(self.store, _NAMES_Q):
            found = names[lexical(subject)][predicate[1:-1]]
            value = lexical(obj)
            if value not in found:  # "x"@en and "x"@fr name it once (a list is a third of a set)
                found.append(value)
        return LabelIndex.of(types, names, levels)

    @cached_property
    def relations(self) -> dict[str, list[tuple[str, str]]]:
        """The (subject, object) cells of each domain relation between two IRIs, by relation name."""
        found: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for subject, predicate, obj in rows(self.store, _EDGES_Q):
            found[predicate[len(ONTOLOGY) + 1 : -1]].append((intern(subject), intern(obj)))
        return found

    @cached_property
    def urgency(self) -> dict[str, list[str]]:
        """The urgency level cells of each red flag's cell."""
        found: dict[str, list[str]] = defaultdict(list)
        for subject, obj in rows(self.store, _URGENCY_Q):
            found[intern(subject)].append(intern(obj))
        return found

    def relation_count(self) -> int:
        """Return how many relations the graph states: the view's edges and the red flags' urgency."""
        entities = self.entities
        pairs = (pair for found in self.relations.values() for pair in found)
        edges = sum(1 for s, o in pairs if s in entities and o in entities)
        return edges + sum(len(levels) for flag, levels in self.urgency.items() if flag in entities)

    def rank(self, level: str) -> int:
        """Return the rank of an urgency level (99 when it has none)."""
        return _as_int(self.ranks.get(level), 99)

    @cached_property
    def ranks(self) -> dict[str, str]:
        """The rank of each urgency level's cell, as written."""
        return {subject: lexical(obj) for subject, obj in rows(self.store, _RANKS_Q)}

    @cached_property
    def level_labels(self) -> dict[str, str]:
        """The first ``rdfs:label`` of each urgency level (by cell) a red flag points at."""
        found: dict[str, str] = {}
        for level, label in rows(self.store, _LEVEL_LABELS_Q):
            text = lexical(label)
            found[level] = min(found.get(level, text), text)
        return found

    @cached_property
    def depths(self) -> dict[URIRef, int]:
        """The ``bso:hierarchyDepth`` of each entity that is a term of an imported ontology."""
        entities = self.entities
        found = {subject: _number(obj) for subject, obj in rows(self.store, _DEPTHS_Q)}
        return {entities[cell]: depth for cell, depth in found.items() if cell in entities}

    @cached_property
    def guidance(self) -> dict[URIRef, dict[str, dict[str, str]]]:
        """The guidance literals of each entity: property local name → text → the literal's cell."""
        found: dict[URIRef, dict[str, dict[str, str]]] = {}
        for subject, predicate, obj in rows(self.store, _GUIDANCE_Q):
            entity = self.entities.get(subject)
            if entity is not None:
                name = predicate[len(ONTOLOGY) + 1 : -1]
                found.setdefault(entity, {}).setdefault(name, {})[lexical(obj)] = obj
        return found

    def contested(self) -> set[str]:
        """Return the evidence nodes that are a disputed claim of some disagreement."""
        return {lexical(claim) for (claim,) in rows(self.store, _CLAIMS_Q)}

    def release(self) -> None:
        """Drop the tables read so far (the view has been built from them)."""
        for name in ("relations", "urgency", "ranks", "level_labels", "depths", "guidance"):
            self.__dict__.pop(name, None)

    def cites(self, *, every_node: bool = False) -> dict[tuple[str, str, str], list[Cite]]:
        """Return the evidence of each triple, keyed by its three cells (read again on each call: it is big).

        Each :data:`Cite` is ``((source id, line), evidence node, hedged, frequency, contested)``; a
        triple's cites are sorted as its :class:`~graph.core.evidence.Evidence` would be. The node
        is kept for every cite with ``every_node``, else only where it orders two frequencies of
        one line (the view needs no more), and ``contested`` is then whether a disagreement
        disputes it.
        """
        ids = {cell: lexical(name or cell) for cell, name in rows(self.store, _SOURCES_Q)}
        contested = set() if every_node else self.contested()
        pairs: dict[tuple[str, int], tuple[str, int]] = {}  # one tuple for each line cited
        found: dict[tuple[str, str, str], list[Cite]] = {}
        seen: set[str] = set()
        for name, subject, predicate, obj, line, source, hedged, share in rows(self.store, _EVIDENCE_Q):
            if name in seen:  # a node with two values of one part: one evidence still
                continue
            seen.add(name)
            pair = ((ids[source] if source in ids else lexical(source)) if source else "?", _number(line))
            node_iri = name[1:-1] if name[:1] == "<" else lexical(name)
            frequency = _as_share(lexical(share)) if share else None
            cite = (
                pairs.setdefault(pair, pair),
                node_iri if every_node or frequency is not None else "",
                hedged == "true",
                frequency,
                node_iri in contested,
            )
            key = (intern(subject), intern(predicate), intern(obj))
            if key in found:
                found[key].append(cite)
            else:
                found[key] = [cite]
        del seen
        for cites in found.values():
            if len(cites) > 1:
                cites.sort()
        return found

    def evidence(self) -> dict[Triple, list[Evidence]]:
        """Return the evidence of each triple: ``(source id, line, evidence node)``, keyed by rdflib terms."""
        context: dict[str, list[int]] = defaultdict(list)
        for subject, line in rows(self.store, _CONTEXT_Q):
            context[lexical(subject)].append(_number(line))
        return {
            (node(s), node(p), node(o)): [
                Evidence(source, line, name, hedged, tuple(sorted(context.get(name, ()))), share)
                for (source, line), name, hedged, share, _ in cites
            ]
            for (s, p, o), cites in self.cites(every_node=True).items()
        }
