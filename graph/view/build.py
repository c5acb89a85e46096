"""The networkx view of the graph: entities as nodes, domain relations as edges.

Built on first use, from the tables a few SELECTs read from the store
(:class:`~graph.view.tables.Tables`), which the label and evidence indexes are built from too: this
is the only builder of all three. The conversion is deliberate, not
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

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from rdflib import URIRef

from graph.core.errors import GraphError
from graph.core.evidence import EvidenceIndex
from graph.core.lookup import LabelIndex
from graph.core.model import KnowledgeGraph
from graph.core.vocab import EDGE_RELATIONS, GUIDANCE, NEGATIVE_RELATIONS, ONTOLOGY, local_name
from graph.store.oxigraph import default_graph_size
from graph.store.progress import progress_bar
from graph.view.bulk import add_edges, add_nodes, paused_gc
from graph.view.tables import Cite, Tables

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["build", "to_networkx"]

_T = TypeVar("_T")


def build(
    store: Any, origin: str, files: tuple[Path, ...] = (), *, progress: bool | None = None
) -> KnowledgeGraph:
    """Index the default graph of ``store`` and return the :class:`KnowledgeGraph` over it.

    The label index and the counts are read now; the evidence index and the networkx view are
    read and built on first use (:class:`~graph.view.tables.Tables` holds what they share).
    Raises :class:`~graph.core.errors.GraphError` when the graph holds no entity (an empty or
    foreign file is an error, never an empty answer).
    """
    tables = Tables(store)
    with paused_gc(), progress_bar(total=3, unit=" steps", desc="indexing", show=progress) as bar:
        index = tables.index()
        bar.update(1)
        if not index.types:
            raise GraphError(f"no entities in {origin}: is it a backspasm-kg graph?")
        relations = tables.relation_count()
        bar.update(1)
        triples = _size(store)
        bar.update(1)
    evidence = EvidenceIndex(read=lambda: _paused(tables.evidence))

    def view() -> nx.MultiDiGraph[URIRef]:
        with paused_gc():
            return _view(tables, index, progress)

    return KnowledgeGraph(store, index, evidence, origin, files, triples, relations, view)


def _paused(read: Callable[[], _T]) -> _T:
    with paused_gc():
        return read()


def _size(store: Any) -> int:
    """Return how many triples the default graph holds (all of the store's when it has no named graph)."""
    if next(iter(store.named_graphs()), None) is None:
        return len(store)
    return default_graph_size(store)


def _view(tables: Tables, index: LabelIndex, progress: bool | None) -> nx.MultiDiGraph[URIRef]:
    """Return the networkx view of the tables (networkx is imported here: only questions need it).

    Each cite is taken out of the evidence as its node or edge is made, and each attribute dict
    made is the one networkx keeps, so what is read and what is built are not both held in full.
    """
    import networkx as nx

    graph: nx.MultiDiGraph[URIRef] = nx.MultiDiGraph()
    if not tables.entities:  # a second view of the same graph: read the entities again
        tables.index()
    try:
        _fill(graph, tables, index, progress)
    finally:
        tables.release()  # what the view was built from, read again if it is asked for again
    tables.entities = {}
    return graph


def _fill(graph: nx.MultiDiGraph[URIRef], tables: Tables, index: LabelIndex, progress: bool | None) -> None:
    """Add the nodes, the edges and the red flags' urgency to ``graph``."""
    with progress_bar(total=3, unit=" steps", desc="building the view", show=progress) as bar:
        cites = tables.cites()
        bar.update(1)
        add_nodes(graph, _nodes(tables, index, cites))
        bar.update(1)
        add_edges(graph, _edges(tables, cites))
        urgency = f"<{ONTOLOGY}urgency>"
        for flag in sorted(tables.urgency, key=lambda cell: cell[1:-1]):
            node = tables.entities.get(flag)
            if node is not None:
                levels = [
                    _level(tables, level, cites.pop((flag, urgency, level), []))
                    for level in tables.urgency[flag]
                ]
                graph.nodes[node]["urgency"] = sorted(levels, key=lambda item: (item["rank"], item["level"]))
        bar.update(1)


def _nodes(
    tables: Tables, index: LabelIndex, cites: dict[Any, list[Cite]]
) -> Iterator[tuple[URIRef, dict[str, Any]]]:
    """Yield the view's nodes: each entity with its label, classes, synonyms, guidance and depth."""
    depths, guidance, synonyms = tables.depths, tables.guidance, index.synonyms
    for entity in sorted(index.types, key=str):  # the order of IRIs, without rdflib's slow compare
        data: dict[str, Any] = {
            "label": index.label(entity),
            "types": index.types[entity],
            "synonyms": tuple(synonyms.get(entity, ())),
            "guidance": _guidance(guidance[entity], cites, entity) if entity in guidance else {},
        }
        if entity in depths:
            data["depth"] = depths[entity]
        yield entity, data


def _edges(
    tables: Tables, cites: dict[Any, list[Cite]]
) -> Iterator[tuple[URIRef, URIRef, str, dict[str, Any]]]:
    """Yield the view's edges: each domain relation between two entities, with its evidence."""
    entities = tables.entities
    for name in EDGE_RELATIONS:
        negative, predicate = name in NEGATIVE_RELATIONS, f"<{ONTOLOGY}{name}>"
        pairs = tables.relations.pop(name, [])  # each relation's pairs are dropped once made edges
        pairs.sort(key=_iris)
        for subject, obj in pairs:
            s, o = entities.get(subject), entities.get(obj)
            if s is not None and o is not None:
                yield s, o, name, _edge(name, negative, cites.pop((subject, predicate, obj), []))


def _iris(pair: tuple[str, str]) -> tuple[str, str]:
    """Return the IRIs of two IRI cells, to sort by."""
    return pair[0][1:-1], pair[1][1:-1]


def _edge(name: str, negative: bool, cites: list[Cite]) -> dict[str, Any]:
    """Return the attributes of one edge from its cites (sorted as :class:`Evidence` sorts)."""
    if len(cites) == 1:  # most edges: one line states them
        pair, _, hedged, share, contested = cites[0]
        data = {
            "predicate": name,
            "evidence": [pair],
            "hedged": [pair] if hedged else [],
            "support": 1,
            "asserted": not hedged,
            "negative": negative,
            "contested": contested,
        }
        if share is not None:
            data["frequencies"] = {pair: share}
        return data
    data = {
        "predicate": name,
        "evidence": sorted({c[0] for c in cites}),
        "hedged": sorted({c[0] for c in cites if c[2]}),
        "support": len({c[0][0] for c in cites}),
        "asserted": any(not c[2] for c in cites),
        "negative": negative,
        "contested": any(c[4] for c in cites),
    }
    shares = {c[0]: c[3] for c in cites if c[3] is not None}
    if shares:
        data["frequencies"] = shares
    return data


def _level(tables: Tables, level: str, cites: list[Cite]) -> dict[str, Any]:
    """Return one urgency level (a cell) of a red flag, with its evidence."""
    local = local_name(level[1:-1])
    return {
        "level": local,
        "rank": tables.rank(level),
        "label": tables.level_labels.get(level, local),
        "evidence": sorted({c[0] for c in cites}),
    }


def _guidance(
    given: dict[str, dict[str, str]], cites: dict[Any, list[Cite]], entity: URIRef
) -> dict[str, list[dict[str, Any]]]:
    """Return the guidance of an entity: property local name → ``{"value", "evidence"}`` by value."""
    found: dict[str, list[dict[str, Any]]] = {}
    subject = f"<{entity}>"
    for name in GUIDANCE:
        values = given.get(name, {})
        for value in sorted(values):
            cited = cites.pop((subject, f"<{ONTOLOGY}{name}>", values[value]), [])
            found.setdefault(name, []).append({"value": value, "evidence": sorted({c[0] for c in cited})})
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
