"""Evidence: which source, on which line, states each relation of the graph."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from rdflib import RDF, Graph, URIRef
from rdflib.namespace import DCTERMS, PROV
from rdflib.term import Node

from graph.core.vocab import BSO, as_int

__all__ = ["Evidence", "EvidenceIndex", "Triple"]

Triple = tuple[Node, Node, Node]


@dataclass(frozen=True, order=True)
class Evidence:
    """One source line that states a relation."""

    source: str
    line: int
    iri: str = ""

    def as_dict(self) -> dict[str, object]:
        """Return ``{"source", "line"}``, the shape used in every JSON output."""
        return {"source": self.source, "line": self.line}

    def __str__(self) -> str:
        return f"{self.source}:{self.line}"


class EvidenceIndex:
    """Every evidence node of a graph, keyed by the triple it supports.

    >>> index = EvidenceIndex(kg.rdf)
    >>> triple = (kg.index.resolve("stress"), BSO.causes, kg.index.resolve("back spasm"))
    >>> sorted({e.source for e in index.get(triple)})
    ['000', '002']
    """

    def __init__(self, rdf: Graph) -> None:
        source_ids = {
            source: str(rdf.value(source, DCTERMS.identifier) or source)
            for source in rdf.subjects(RDF.type, BSO.Source)
        }
        found: dict[Triple, list[Evidence]] = defaultdict(list)
        for node in rdf.subjects(RDF.type, RDF.Statement):
            subject = rdf.value(node, RDF.subject)
            predicate = rdf.value(node, RDF.predicate)
            obj = rdf.value(node, RDF.object)
            source = rdf.value(node, PROV.wasDerivedFrom)
            line = rdf.value(node, BSO.line)
            if subject is None or predicate is None or obj is None or line is None:
                continue
            label = source_ids.get(source, str(source)) if source is not None else "?"
            found[(subject, predicate, obj)].append(Evidence(label, as_int(line), str(node)))
        self._by_triple = {key: sorted(value) for key, value in found.items()}
        self._by_iri = {e.iri: key for key, value in self._by_triple.items() for e in value}

    def get(self, triple: Triple) -> list[Evidence]:
        """Return the evidence for one triple, sorted by source and line (empty if none)."""
        return self._by_triple.get(triple, [])

    def support(self, triple: Triple) -> int:
        """Return the number of distinct sources behind a triple."""
        return len({e.source for e in self.get(triple)})

    def triple_of(self, evidence_iri: URIRef | str) -> Triple | None:
        """Return the triple an evidence node supports."""
        return self._by_iri.get(str(evidence_iri))

    def __iter__(self):  # type: ignore[no-untyped-def]
        """Iterate over ``(triple, evidence list)`` pairs."""
        return iter(self._by_triple.items())

    def __len__(self) -> int:
        return sum(len(v) for v in self._by_triple.values())
