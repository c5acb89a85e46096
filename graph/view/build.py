"""The networkx view of the graph: entities as nodes, domain relations as edges.

The conversion is deliberate, not wholesale (``rdflib``'s own bridge turns every triple,
labels and evidence nodes included, into an edge). Only the ``bso:`` relations of
:data:`graph.core.vocab.RELATIONS` between two entities become edges; labels, classes,
synonyms, guidance and urgency become node attributes, evidence becomes edge attributes.

Edge direction
    Every edge runs **subject → object**, exactly as the RDF triple reads:
    ``stress –causes→ back spasm``, ``ibuprofen –treats→ back spasm``,
    ``ibuprofen –memberOf→ NSAID``. So ``G.successors(cause)`` are the conditions a
    cause leads to, and ``G.predecessors(condition)`` its causes, treatments,
    symptoms' red flags and so on. ``nx.descendants`` follows the arrows forward.

Nodes
    Entity IRIs (``rdflib.URIRef``) with attributes ``label`` (str), ``types``
    (tuple of class local names), ``synonyms`` (tuple of str), ``guidance`` (dict:
    property local name → list of ``{"value", "evidence"}``) and ``urgency`` (red flags
    only: list of ``{"level", "rank", "label", "evidence"}``, most urgent first).

Edges
    Keyed by the predicate's local name (``"treats"``), with attributes ``predicate``
    (str), ``evidence`` (sorted list of ``(source, line)``), ``support`` (number of
    distinct sources), ``negative`` (a negative claim such as ``notRecommendedFor``)
    and ``contested`` (some evidence of the triple is a claim of a ``bso:Disagreement``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rdflib import RDF, RDFS, Literal, URIRef

from graph.core.vocab import BSO, GUIDANCE, NEGATIVE_RELATIONS, RELATIONS, as_int

if TYPE_CHECKING:
    import networkx as nx

    from graph.core.model import KnowledgeGraph

__all__ = ["EDGE_RELATIONS", "term", "to_networkx"]

#: The relations that become edges: every entity-to-entity relation except ``urgency``
#: (its object is an urgency level, which is a node attribute of the red flag).
EDGE_RELATIONS: tuple[str, ...] = tuple(name for name in RELATIONS if name != "urgency")

_ONTOLOGY = str(BSO.causes).rsplit("#", 1)[0] + "#"


def term(name: str) -> URIRef:
    """Return the ``bso:`` IRI of a local name (typed, unlike ``BSO[name]``).

    >>> term("treats") == BSO.treats
    True
    """
    return URIRef(_ONTOLOGY + name)


def to_networkx(kg: KnowledgeGraph) -> nx.MultiDiGraph[URIRef]:
    """Build the ``MultiDiGraph`` of the domain relations of ``kg``.

    Parameters
    ----------
    kg
        A loaded graph (see :func:`graph.store.load`).

    Returns
    -------
    networkx.MultiDiGraph
        Nodes are entity IRIs, edges run subject → object and are keyed by predicate.

    Examples
    --------
    >>> G = to_networkx(kg)
    >>> stress, spasm = kg.index.resolve("stress"), kg.index.resolve("back spasm")
    >>> data = G.edges[stress, spasm, "causes"]
    >>> data["predicate"], data["support"], data["negative"]
    ('causes', 2, False)
    >>> G.nodes[spasm]["label"], "Condition" in G.nodes[spasm]["types"]
    ('back spasm', True)
    """
    import networkx as nx

    rdf = kg.rdf
    graph: nx.MultiDiGraph[URIRef] = nx.MultiDiGraph()
    entities = kg.index.types
    for entity in sorted(entities):
        graph.add_node(
            entity,
            label=kg.label(entity),
            types=kg.types(entity),
            synonyms=tuple(kg.index.synonyms.get(entity, ())),
            guidance=_guidance(kg, entity),
        )
    contested = _contested(kg)
    for name in EDGE_RELATIONS:
        predicate = term(name)
        for subject, obj in sorted(rdf.subject_objects(predicate)):
            if subject not in entities or obj not in entities:
                continue
            assert isinstance(subject, URIRef) and isinstance(obj, URIRef)
            evidence = kg.evidence.get((subject, predicate, obj))
            graph.add_edge(
                subject,
                obj,
                key=name,
                predicate=name,
                evidence=sorted({(e.source, e.line) for e in evidence}),
                support=len({e.source for e in evidence}),
                negative=name in NEGATIVE_RELATIONS,
                contested=any(e.iri in contested for e in evidence),
            )
    for flag in sorted(s for s in rdf.subjects(BSO.urgency, None, unique=True) if isinstance(s, URIRef)):
        if flag in graph:
            graph.nodes[flag]["urgency"] = _urgency(kg, flag)
    return graph


def _guidance(kg: KnowledgeGraph, entity: URIRef) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for name in GUIDANCE:
        predicate = term(name)
        for value in sorted(kg.rdf.objects(entity, predicate), key=str):
            if isinstance(value, Literal):
                evidence = sorted({(e.source, e.line) for e in kg.evidence.get((entity, predicate, value))})
                found.setdefault(name, []).append({"value": str(value), "evidence": evidence})
    return found


def _urgency(kg: KnowledgeGraph, flag: URIRef) -> list[dict[str, Any]]:
    levels = []
    for level in kg.rdf.objects(flag, BSO.urgency):
        if not isinstance(level, URIRef):
            continue
        label = kg.rdf.value(level, RDFS.label)
        evidence = sorted({(e.source, e.line) for e in kg.evidence.get((flag, BSO.urgency, level))})
        levels.append(
            {
                "level": str(level).rsplit("#", 1)[-1],
                "rank": as_int(kg.rdf.value(level, BSO.rank), default=99),
                "label": str(label) if label is not None else str(level).rsplit("#", 1)[-1],
                "evidence": evidence,
            }
        )
    return sorted(levels, key=lambda item: (item["rank"], item["level"]))


def _contested(kg: KnowledgeGraph) -> set[str]:
    """Return the IRIs of evidence nodes that are a claim of some disagreement."""
    return {
        str(claim)
        for disagreement in kg.rdf.subjects(RDF.type, BSO.Disagreement)
        for claim in kg.rdf.objects(disagreement, BSO.claim)
    }
