"""Candidate relations: what ``bskg extract`` prints and what a curator reviews."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from rdflib import URIRef

from graph.core.lookup import curie
from graph.core.model import KnowledgeGraph
from graph.core.vocab import BS, BSO

__all__ = ["OPPOSED", "Candidate", "Named", "conflicts_of", "slug"]

#: Relations that cannot both hold between the same subject and object.
OPPOSED = (
    ("treats", "doesNotTreat"),
    ("treats", "notRecommendedFor"),
    ("hasSymptom", "notSignOf"),
    ("redFlagFor", "notSignOf"),
    ("causes", "mimics"),
)


def slug(label: str) -> str:
    """Return the id a new entity gets from its label.

    >>> slug("Sitting for hours!")
    'sitting_for_hours'
    """
    return re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_") or "entity"


@dataclass(frozen=True)
class Named:
    """A subject or object: an entity of the graph (``id``) or a proposed new one (``id`` is None)."""

    label: str
    id: str | None
    cls: str

    @property
    def key(self) -> str:
        """The local id this entity has, or will have, in the graph."""
        return self.id.removeprefix("bs:") if self.id else slug(self.label)

    def iri(self) -> URIRef:
        """Return the entity's IRI in the graph (minted from the label for a new one)."""
        return BS[self.key]

    def as_dict(self) -> dict[str, Any]:
        """Return ``{"label", "id", "class"}``."""
        return {"label": self.label, "id": self.id, "class": self.cls}


@dataclass(frozen=True)
class Candidate:
    """One relation a line of the article states, in the graph's vocabulary.

    Attributes
    ----------
    line, text
        The 1-based line that states it and the line's text.
    subject, predicate, object
        The relation.
    hedged, negated
        The line hedges the claim; the line negates it (the predicate is then a negative one).
    score
        How sure the rules are, from 0 to 1.
    conflicts
        The graph's existing claims it contradicts: ``{"predicate", "evidence": ["002:13", …]}``.
    context
        The list intro that frames the line, if any.
    """

    line: int
    text: str
    subject: Named
    predicate: str
    object: Named
    hedged: bool
    negated: bool
    score: float
    conflicts: tuple[dict[str, Any], ...] = ()
    context: tuple[int, ...] = field(default=())

    def as_dict(self) -> dict[str, Any]:
        """Return the JSON shape of one candidate (``bskg extract --json``)."""
        return {
            "line": self.line,
            "text": self.text,
            "subject": self.subject.as_dict(),
            "predicate": self.predicate,
            "object": self.object.as_dict(),
            "hedged": self.hedged,
            "negated": self.negated,
            "score": self.score,
            "conflicts": list(self.conflicts),
            "context": list(self.context),
        }


def conflicts_of(
    kg: KnowledgeGraph | None, subject: Named, predicate: str, obj: Named
) -> tuple[dict[str, Any], ...]:
    """Return the graph's claims on the same subject and object that the relation contradicts."""
    if kg is None or subject.id is None or obj.id is None:
        return ()
    found = []
    for a, b in OPPOSED:
        other = b if predicate == a else a if predicate == b else None
        if other is None:
            continue
        evidence = kg.evidence.get((subject.iri(), BSO[other], obj.iri()))
        if evidence:
            found.append({"predicate": other, "evidence": [str(e) for e in evidence]})
    return tuple(found)


def named_curie(iri: str) -> str:
    """Return an entity IRI as the ``bs:`` CURIE candidates show."""
    return curie(iri)
