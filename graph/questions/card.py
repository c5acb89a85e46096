"""The entity card: everything the graph says about one entity, with its evidence."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rdflib import Literal, URIRef

from graph.core.evidence import Evidence
from graph.core.lookup import curie
from graph.core.model import KnowledgeGraph
from graph.core.vocab import BSO, GUIDANCE, RELATIONS
from graph.questions.sources import Dispute, disputes_of, sources

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Card", "Relation", "describe", "node_ref", "relations_frame"]

_RELATION_IRIS = {BSO[name]: name for name in RELATIONS}
_GUIDANCE_IRIS = {BSO[name]: name for name in GUIDANCE}


def node_ref(kg: KnowledgeGraph, node: URIRef) -> dict[str, str]:
    """Return ``{"id", "label"}`` for a node, the reference used in JSON outputs."""
    return {"id": str(node), "label": kg.label(node)}


@dataclass(frozen=True)
class Relation:
    """One relation between two entities, with the source lines that state it."""

    subject: URIRef
    predicate: str
    object: URIRef
    evidence: tuple[Evidence, ...]

    @property
    def support(self) -> int:
        """The number of distinct sources that state the relation."""
        return len({e.source for e in self.evidence})

    def disputed(self, kg: KnowledgeGraph) -> tuple[Dispute, ...]:
        """Return the recorded disagreements that dispute this relation (empty when none does)."""
        return disputes_of(kg, self.subject, self.predicate, self.object)

    def as_dict(self, kg: KnowledgeGraph) -> dict[str, Any]:
        """Return the JSON shape ``{"subject", "predicate", "object", "support", "evidence", "disputed"}``.

        ``support`` counts the distinct sources that state the relation; ``disputed`` lists the ids of
        the disagreements (``bskg conflicts``) that dispute it.
        """
        return {
            "subject": node_ref(kg, self.subject),
            "predicate": self.predicate,
            "object": node_ref(kg, self.object),
            "support": self.support,
            "evidence": [e.as_dict() for e in self.evidence],
            "disputed": [d.id for d in self.disputed(kg)],
        }


@dataclass(frozen=True)
class Card:
    """What the graph says about one entity."""

    iri: URIRef
    label: str
    types: tuple[str, ...]
    synonyms: tuple[str, ...]
    properties: tuple[tuple[str, str, tuple[Evidence, ...]], ...]
    relations: tuple[Relation, ...]

    def property_disputes(self, kg: KnowledgeGraph, predicate: str, value: str) -> tuple[Dispute, ...]:
        """Return the disagreements that dispute one guidance value of the card."""
        return disputes_of(kg, self.iri, predicate, Literal(value))

    def cited(self) -> list[str]:
        """Return the distinct sources the card cites, in id order."""
        found = {e.source for _, _, ev in self.properties for e in ev}
        return sorted(found | {e.source for r in self.relations for e in r.evidence})

    def as_dict(self, kg: KnowledgeGraph) -> dict[str, object]:
        """Return the JSON shape of ``bskg show --json``.

        Besides the card's fields: ``disputed`` (disagreement ids) on each property and relation, and
        ``sources``, each cited source with its title and address.
        """
        known = sources(kg)
        return {
            "id": str(self.iri),
            "label": self.label,
            "types": list(self.types),
            "synonyms": list(self.synonyms),
            "properties": [
                {
                    "predicate": p,
                    "value": v,
                    "evidence": [e.as_dict() for e in ev],
                    "disputed": [d.id for d in self.property_disputes(kg, p, v)],
                }
                for p, v, ev in self.properties
            ],
            "relations": [r.as_dict(kg) for r in self.relations],
            "sources": [known[s].as_dict() for s in self.cited() if s in known],
        }

    def frame(self, kg: KnowledgeGraph) -> pd.DataFrame:
        """Return the card's relations as a DataFrame with labels (see :func:`relations_frame`)."""
        return relations_frame(kg, self.relations)


def relations_frame(kg: KnowledgeGraph, relations: Iterable[Relation]) -> pd.DataFrame:
    """Return relations (a card's, or the hops of a path) as a DataFrame that reads well.

    Columns: ``subject``, ``predicate``, ``object`` (labels), ``support`` (an integer),
    ``evidence`` (``source:line``), ``contested`` for hops, then ``subject_id``, ``object_id``
    (CURIEs).

    >>> frame = describe(kg, kg.index.resolve("Tylenol")).frame(kg)
    >>> frame.loc[frame["object"] == "NSAID", ["subject", "predicate", "object", "object_id"]].values.tolist()
    [['acetaminophen', 'memberOf', 'NSAID', 'bs:nsaid']]
    """
    import pandas as pd

    rows = []
    for relation in relations:
        row: dict[str, object] = {
            "subject": kg.label(relation.subject),
            "predicate": relation.predicate,
            "object": kg.label(relation.object),
            "support": relation.support,
            "evidence": ", ".join(map(str, relation.evidence)),
        }
        if hasattr(relation, "contested"):
            row["contested"] = bool(relation.contested)
        rows.append({**row, "subject_id": curie(relation.subject), "object_id": curie(relation.object)})
    columns = ["subject", "predicate", "object", "support", "evidence", "subject_id", "object_id"]
    if any("contested" in row for row in rows):
        columns.insert(5, "contested")
    return pd.DataFrame(rows, columns=columns).astype({"support": "int64"})


def describe(kg: KnowledgeGraph, entity: URIRef) -> Card:
    """Collect the card of an entity: types, synonyms, guidance and every relation in and out.

    >>> card = describe(kg, kg.index.resolve("Tylenol"))
    >>> card.label, "Tylenol" in card.synonyms
    ('acetaminophen', True)
    """
    rdf = kg.rdf
    properties = []
    for predicate, value in rdf.predicate_objects(entity):
        if isinstance(predicate, URIRef) and predicate in _GUIDANCE_IRIS and isinstance(value, Literal):
            evidence = tuple(kg.evidence.get((entity, predicate, value)))
            properties.append((_GUIDANCE_IRIS[predicate], str(value), evidence))
    relations = []
    for predicate, name in _RELATION_IRIS.items():
        for obj in rdf.objects(entity, predicate):
            if isinstance(obj, URIRef):
                relations.append(
                    Relation(entity, name, obj, tuple(kg.evidence.get((entity, predicate, obj))))
                )
        for subject in rdf.subjects(predicate, entity):
            if isinstance(subject, URIRef) and subject != entity:
                relations.append(
                    Relation(subject, name, entity, tuple(kg.evidence.get((subject, predicate, entity))))
                )
    relations.sort(key=lambda r: (r.subject != entity, r.predicate, kg.label(r.subject), kg.label(r.object)))
    properties.sort()
    return Card(
        iri=entity,
        label=kg.label(entity),
        types=kg.types(entity),
        synonyms=tuple(sorted(kg.index.synonyms.get(entity, ()), key=str.lower)),
        properties=tuple(properties),
        relations=tuple(relations),
    )
