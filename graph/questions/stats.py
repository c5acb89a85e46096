"""The summary of a graph: counts of triples, entities, relations, evidence and support."""

from __future__ import annotations

from collections import Counter

from rdflib import RDF

from graph.core.model import KnowledgeGraph
from graph.core.vocab import BSO, CLASS_NAMES, RELATIONS
from graph.store.progress import progress_bar

__all__ = ["stats"]


def stats(kg: KnowledgeGraph) -> dict[str, object]:
    """Count what the graph holds; the shape of ``bskg stats --json``.

    Keys: ``triples``, ``entities``, ``entities_per_class``, ``relations``,
    ``relations_per_property``, ``evidence``, ``evidence_per_source``,
    ``relations_by_support`` (``"1"``, ``"2"``, ``"3+"``), ``disagreements``.

    >>> summary = stats(kg)
    >>> summary["entities"] > 50, sorted(summary["evidence_per_source"])
    (True, ['000', '001', '002', '003', '004'])
    """
    rdf = kg.rdf
    per_class = Counter(name for kinds in kg.index.types.values() for name in kinds)
    per_property: Counter[str] = Counter()
    support: Counter[str] = Counter()
    for name in progress_bar(iterable=RELATIONS, desc="counting relations", unit=" relation"):
        for subject, obj in rdf.subject_objects(BSO[name]):
            per_property[name] += 1
            count = kg.evidence.support((subject, BSO[name], obj))
            support["3+" if count >= 3 else str(count)] += 1
    per_source = Counter(e.source for _, evidence in kg.evidence for e in evidence)
    hedged = Counter(e.source for _, evidence in kg.evidence for e in evidence if e.hedged)
    return {
        "triples": len(rdf),
        "entities": len(kg.index.types),
        "entities_per_class": {name: per_class[name] for name in CLASS_NAMES if per_class[name]},
        "relations": sum(per_property.values()),
        "relations_per_property": {name: per_property[name] for name in RELATIONS if per_property[name]},
        "evidence": len(kg.evidence),
        "evidence_per_source": dict(sorted(per_source.items())),
        "hedged_evidence": sum(hedged.values()),
        "hedged_per_source": dict(sorted(hedged.items())),
        "relations_by_support": {key: support[key] for key in ("0", "1", "2", "3+") if support[key]},
        "disagreements": sum(1 for _ in rdf.subjects(RDF.type, BSO.Disagreement)),
    }
