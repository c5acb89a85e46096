"""The networkx view of the graph: entities as nodes, domain relations as edges.

Built once, from the store's quads (:class:`~graph.view.tables.Tables`), together with the label
and evidence indexes: this is the only builder of all three. The conversion is deliberate, not
wholesale (``rdflib``'s own bridge turns every triple, labels and evidence nodes included, into
an edge). Only the ``bso:`` relations of :data:`graph.core.vocab.EDGE_RELATIONS` between two
entities become edges; labels, classes, synonyms, guidance and urgency become node attributes,
evidence becomes edge attributes.

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
    only: list of ``{"level", "rank", "label", "evidence"}``, most urgent first) and, for a term
    of an imported ontology, ``depth`` (its ``bso:hierarchyDepth``).

Edges
    Keyed by the predicate's local name (``"treats"``), with attributes ``predicate``
    (str), ``evidence`` (sorted list of ``(source, line)``), ``hedged`` (the ones whose
    line hedges the claim), ``support`` (number of distinct sources), ``asserted`` (some
    line asserts it), ``negative`` (a negative claim such as ``notRecommendedFor``) and
    ``contested`` (some evidence of the triple is a disputed claim of a ``bso:Disagreement``) and
    ``frequencies`` (``(source, line)`` → ``bso:annotationFrequency``; imported annotations only).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox
from rdflib import URIRef

from graph.core.errors import GraphError
from graph.core.evidence import EvidenceIndex
from graph.core.lookup import LabelIndex
from graph.core.model import KnowledgeGraph
from graph.core.vocab import EDGE_RELATIONS, GUIDANCE, NEGATIVE_RELATIONS, term
from graph.store.progress import progress_bar
from graph.view.tables import Tables, iri, to_rdflib

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["build", "to_networkx"]


def build(
    store: Any, origin: str, files: tuple[Path, ...] = (), *, progress: bool | None = None
) -> KnowledgeGraph:
    """Read the default graph of ``store`` once and return the :class:`KnowledgeGraph` over it.

    Raises :class:`~graph.core.errors.GraphError` when the graph holds no entity (an empty or
    foreign file is an error, never an empty answer).
    """
    tables = Tables()
    total = len(store)
    with progress_bar(total=total, unit=" triples", desc="indexing", show=progress) as bar:
        step = 200_000
        quads = store.quads_for_pattern(None, None, None, ox.DefaultGraph())
        batch: list[Any] = []
        for quad in quads:
            batch.append(quad)
            if len(batch) == step:
                tables.feed(batch)
                bar.update(step)
                batch = []
        tables.feed(batch)
        bar.update(len(batch))
    index, evidence = tables.index(), tables.evidence()
    if not index.types:
        raise GraphError(f"no entities in {origin}: is it a backspasm-kg graph?")
    relations = tables.relation_count({str(entity) for entity in index.types})

    def view() -> nx.MultiDiGraph[URIRef]:
        return _view(tables, index, evidence)

    return KnowledgeGraph(store, index, evidence, origin, files, tables.count, relations, view)


def _view(tables: Tables, index: LabelIndex, evidence: EvidenceIndex) -> nx.MultiDiGraph[URIRef]:
    """Return the networkx view of the tables (networkx is imported here: only questions need it)."""
    import networkx as nx

    graph: nx.MultiDiGraph[URIRef] = nx.MultiDiGraph()
    nodes = []
    for entity in sorted(index.types):
        nodes.append(
            (
                entity,
                {
                    "label": index.label(entity),
                    "types": index.types[entity],
                    "synonyms": tuple(index.synonyms.get(entity, ())),
                    "guidance": _guidance(tables, evidence, entity),
                    **({"depth": tables.depths[str(entity)]} if str(entity) in tables.depths else {}),
                },
            )
        )
    graph.add_nodes_from(nodes)
    contested = tables.contested()
    edges: list[Any] = []
    for name in EDGE_RELATIONS:
        predicate = term(name)
        negative = name in NEGATIVE_RELATIONS
        for subject, obj in sorted(tables.relations.get(name, ())):
            s, o = iri(subject), iri(obj)
            if s not in index.types or o not in index.types:
                continue
            cites = evidence.get((s, predicate, o))
            edges.append(
                (
                    s,
                    o,
                    name,
                    {
                        "predicate": name,
                        "evidence": sorted({(e.source, e.line) for e in cites}),
                        "hedged": sorted({(e.source, e.line) for e in cites if e.hedged}),
                        "support": len({e.source for e in cites}),
                        "asserted": any(not e.hedged for e in cites),
                        "negative": negative,
                        "contested": any(e.iri in contested for e in cites),
                        **_frequencies(cites),
                    },
                )
            )
    graph.add_edges_from(edges)
    for flag in sorted(tables.urgency):
        node = iri(flag)
        if node in graph:
            graph.nodes[node]["urgency"] = tables.urgency_levels(flag, evidence)
    return graph


def _frequencies(cites: list[Any]) -> dict[str, Any]:
    """Return ``{"frequencies": {(source, line): share}}`` for imported annotations, else nothing."""
    shares = {(e.source, e.line): e.frequency for e in cites if e.frequency is not None}
    return {"frequencies": shares} if shares else {}


def _guidance(tables: Tables, evidence: EvidenceIndex, entity: URIRef) -> dict[str, list[dict[str, Any]]]:
    given = tables.guidance.get(str(entity), {})
    found: dict[str, list[dict[str, Any]]] = {}
    for name in GUIDANCE:
        values = given.get(name, {})
        for value in sorted(values):
            cites = evidence.get((entity, term(name), to_rdflib(values[value])))
            found.setdefault(name, []).append(
                {"value": value, "evidence": sorted({(e.source, e.line) for e in cites})}
            )
    return found


def to_networkx(kg: KnowledgeGraph) -> nx.MultiDiGraph[URIRef]:
    """Return a copy of the networkx view of ``kg``, free to change.

    Parameters
    ----------
    kg
        A loaded graph (see :func:`graph.load`).

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
    return kg.nx.copy()
