"""Disagreements between sources, claim against claim.

Two kinds are listed: those the curators recorded (``bso:Disagreement`` nodes whose
``bso:claim`` points at evidence nodes), and contradictions found by rule between a
positive relation and its negative twin, or between "causes" and "only mimics", when
different sources state them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rdflib import RDF, RDFS, URIRef

from graph.core.evidence import Evidence, Triple
from graph.core.lookup import curie
from graph.core.model import KnowledgeGraph
from graph.core.vocab import BSO, NEGATIVE_RELATIONS, local_name
from graph.questions.card import Relation, node_ref

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Claim", "Conflict", "conflicts", "conflicts_frame"]

#: (positive, opposing) predicate pairs on the same subject and object.
OPPOSED = (
    ("treats", "notRecommendedFor"),
    ("treats", "doesNotTreat"),
    ("causes", "mimics"),
)


@dataclass(frozen=True)
class Claim(Relation):
    """One side of a disagreement: a relation (or a guidance value) and the source lines that state it."""

    @property
    def negative(self) -> bool:
        """True when the claim states that something is not so."""
        return self.predicate in NEGATIVE_RELATIONS

    @property
    def sources(self) -> tuple[str, ...]:
        """The distinct sources behind the claim."""
        return tuple(sorted({e.source for e in self.evidence}))

    def as_dict(self, kg: KnowledgeGraph) -> dict[str, Any]:
        """Return the JSON shape of one claim: a relation's, with ``negative`` and a literal object."""
        return {
            "subject": node_ref(kg, self.subject),
            "predicate": self.predicate,
            "object": node_ref(kg, self.object) if isinstance(self.object, URIRef) else str(self.object),
            "negative": self.negative,
            "evidence": [e.as_dict() for e in self.evidence],
        }


@dataclass(frozen=True)
class Conflict:
    """Two or more claims, from different sources, that cannot all hold."""

    id: str
    label: str
    comment: str
    origin: str
    claims: tuple[Claim, ...]

    def as_dict(self, kg: KnowledgeGraph) -> dict[str, object]:
        """Return the JSON shape of ``bskg conflicts --json``."""
        return {
            "id": self.id,
            "label": self.label,
            "comment": self.comment,
            "origin": self.origin,
            "claims": [c.as_dict(kg) for c in self.claims],
        }


def conflicts(kg: KnowledgeGraph) -> list[Conflict]:
    """List every disagreement between sources, curated ones first, each with its claims.

    Examples
    --------
    >>> found = conflicts(kg)
    >>> any(kg.label(c.subject) == "muscle relaxant" for f in found for c in f.claims)
    True
    >>> all(len({s for c in f.claims for s in c.sources}) >= 2 for f in found)
    True
    """
    curated = list(_curated(kg))
    covered = {frozenset((c.subject, c.predicate, c.object) for c in found.claims) for found in curated}
    detected = [
        found
        for found in _detected(kg)
        if not any(
            frozenset((c.subject, c.predicate, c.object) for c in found.claims) <= known for known in covered
        )
    ]
    return curated + detected


def conflicts_frame(kg: KnowledgeGraph, found: Iterable[Conflict] | None = None) -> pd.DataFrame:
    """Return disagreements as a DataFrame, one row per claim, with labels, not local names.

    Columns: ``conflict`` (its label), ``origin``, ``subject``, ``predicate``, ``object``
    (labels), ``negative``, ``sources``, ``evidence`` (``source:line``), then ``subject_id``,
    ``object_id`` (CURIEs) and ``conflict_id``. ``found`` defaults to :func:`conflicts`.

    >>> frame = conflicts_frame(kg)
    >>> frame.loc[frame["predicate"] == "doesNotTreat", ["subject", "object"]].values.tolist()[0]
    ['acetaminophen', 'inflammation']
    """
    import pandas as pd

    from graph.query.run import labeller

    label = labeller(kg.index)  # entities, and the vocabulary's own terms such as urgency levels
    rows = [
        {
            "conflict": conflict.label,
            "origin": conflict.origin,
            "subject": kg.label(claim.subject),
            "predicate": claim.predicate,
            "object": label(claim.object) if isinstance(claim.object, URIRef) else str(claim.object),
            "negative": claim.negative,
            "sources": ", ".join(claim.sources),
            "evidence": ", ".join(map(str, claim.evidence)),
            "subject_id": curie(claim.subject),
            "object_id": curie(claim.object),
            "conflict_id": curie(conflict.id),
        }
        for conflict in (conflicts(kg) if found is None else found)
        for claim in conflict.claims
    ]
    columns = ["conflict", "origin", "subject", "predicate", "object", "negative", "sources", "evidence"]
    return pd.DataFrame(rows, columns=[*columns, "subject_id", "object_id", "conflict_id"])


def _curated(kg: KnowledgeGraph) -> list[Conflict]:
    rdf = kg.rdf
    found = []
    for node in sorted(rdf.subjects(RDF.type, BSO.Disagreement), key=str):
        grouped: dict[Triple, list[Evidence]] = defaultdict(list)
        for claim in rdf.objects(node, BSO.claim):
            triple = kg.evidence.triple_of(str(claim))
            if triple is None:
                continue
            grouped[triple] += [e for e in kg.evidence.get(triple) if e.iri == str(claim)]
        claims = tuple(
            Claim(s, local_name(p), o, tuple(sorted(ev)))  # type: ignore[arg-type]
            for (s, p, o), ev in sorted(grouped.items(), key=lambda item: sorted(item[1]))
        )
        found.append(
            Conflict(
                id=str(node),
                label=str(rdf.value(node, RDFS.label) or local_name(str(node))),
                comment=str(rdf.value(node, RDFS.comment) or ""),
                origin="curated",
                claims=claims,
            )
        )
    return found


def _detected(kg: KnowledgeGraph) -> list[Conflict]:
    found = []
    for positive, opposing in OPPOSED:
        for subject, obj in kg.rdf.subject_objects(BSO[opposing]):
            if (subject, BSO[positive], obj) not in kg.rdf:
                continue
            claims = tuple(
                Claim(subject, name, obj, tuple(kg.evidence.get((subject, BSO[name], obj))))  # type: ignore[arg-type]
                for name in (positive, opposing)
            )
            if len({s for c in claims for s in c.sources}) < 2:
                continue
            label = f"{kg.label(subject)}: {positive} or {opposing} {kg.label(obj)}"  # type: ignore[arg-type]
            found.append(
                Conflict(
                    id=f"detected:{local_name(str(subject))}-{positive}-{opposing}-{local_name(str(obj))}",
                    label=label,
                    comment=f"Sources state both that it {positive} and that it {opposing} the same target.",
                    origin="detected",
                    claims=claims,
                )
            )
    return sorted(found, key=lambda c: c.id)
