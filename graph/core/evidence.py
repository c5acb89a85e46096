"""Evidence: which source, on which line, states each relation of the graph."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

from rdflib import URIRef
from rdflib.term import Node

__all__ = ["Evidence", "EvidenceIndex", "Triple"]

Triple = tuple[Node, Node, Node]


@dataclass(frozen=True, order=True)
class Evidence:
    """One source line that states a relation.

    Attributes
    ----------
    source, line
        The source's three-digit id and the 1-based line that states the relation by itself.
    iri
        The evidence node.
    hedged
        The line hedges the claim ("may", "can", "in some cases") instead of asserting it.
    context
        Lines that frame the claim (a list's intro, a heading, a question), never its evidence.
    frequency
        For an imported annotation, the share of patients (0 to 1) its source saw the feature in.

    >>> str(Evidence("004", 14, hedged=True)), Evidence("004", 14, hedged=True).cite()
    ('004:14', '004:14 (hedged)')
    """

    source: str
    line: int
    iri: str = ""
    hedged: bool = False
    context: tuple[int, ...] = ()
    frequency: float | None = None

    def as_dict(self) -> dict[str, object]:
        """Return ``{"source", "line", "hedged"}``, ``"context"`` and ``"frequency"`` if any: JSON output."""
        found: dict[str, object] = {"source": self.source, "line": self.line, "hedged": self.hedged}
        if self.context:
            found["context"] = list(self.context)
        if self.frequency is not None:
            found["frequency"] = self.frequency
        return found

    def cite(self) -> str:
        """Return ``source:line`` as shown to people, marked ``(hedged)`` when the line hedges."""
        return str(self) + (" (hedged)" if self.hedged else "")

    def __str__(self) -> str:
        return f"{self.source}:{self.line}"


class EvidenceIndex:
    """Every evidence node of a graph, keyed by the triple it supports (built by :mod:`graph.view.build`).

    Given the evidence, or a function that reads it: then it is read on first use, so a command that
    never looks at evidence never pays for reading it.

    >>> from graph.core.vocab import BSO
    >>> triple = (kg.index.resolve("stress"), BSO.causes, kg.index.resolve("back spasm"))
    >>> sorted({e.source for e in kg.evidence.get(triple)})
    ['000', '002']
    """

    def __init__(
        self,
        by_triple: Mapping[Triple, Sequence[Evidence]] | None = None,
        *,
        read: Callable[[], Mapping[Triple, Sequence[Evidence]]] | None = None,
    ) -> None:
        self._given, self._read = by_triple, read

    @cached_property
    def _by_triple(self) -> dict[Triple, list[Evidence]]:
        given = self._read() if self._read is not None else self._given
        self._given = self._read = None
        return {key: sorted(value) for key, value in (given or {}).items()}

    @cached_property
    def _by_iri(self) -> dict[str, Triple]:
        return {e.iri: key for key, value in self._by_triple.items() for e in value}

    def get(self, triple: Triple) -> list[Evidence]:
        """Return the evidence for one triple, sorted by source and line (empty if none)."""
        return self._by_triple.get(triple, [])

    def support(self, triple: Triple) -> int:
        """Return the number of distinct sources behind a triple."""
        return len({e.source for e in self.get(triple)})

    def triple_of(self, evidence_iri: URIRef | str) -> Triple | None:
        """Return the triple an evidence node supports."""
        return self._by_iri.get(str(evidence_iri))

    def __iter__(self) -> Iterator[tuple[Triple, list[Evidence]]]:
        """Iterate over ``(triple, evidence list)`` pairs."""
        return iter(self._by_triple.items())

    def __len__(self) -> int:
        return sum(len(v) for v in self._by_triple.values())
