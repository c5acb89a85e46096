"""Exports for the tools people already have: RDF formats, GraphML and CSV tables.

``turtle``, ``nt`` and ``jsonld`` hold every triple of the graph (vocabulary, sources,
entities, relations, evidence); ``graphml`` and ``csv`` hold the networkx view (entities
and the relations between them, with labels, classes, support and evidence as attributes).
Every format is deterministic: the same graph gives the same bytes.

Both read well in Gephi and Cytoscape: every node has ``name`` and ``label`` (its label), every
edge ``label`` and ``interaction`` (the predicate), and both carry ``support`` (distinct sources).
What a reader needs to weigh them travels too: a red flag's ``urgency`` (each level with the
sources that give it, most urgent first) and ``urgency_rank``; a treatment's ``guidance``; an
edge's ``hedged`` lines and ``disputed`` (the ids of the disagreements that dispute it); and the
``sources`` cited, by title and address.

CSV is two tables that ``neo4j-admin database import`` and Cytoscape both read, ``nodes.csv``
(``id:ID``, ``name``, ``label``, ``:LABEL`` = classes joined by ``;``, ``synonyms``,
``support:int``, ...) and ``edges.csv`` (``:START_ID``, ``:END_ID``, ``:TYPE``, ``source``,
``interaction``, ``target``, ``name``, ``support:int``, ``evidence``, ...): see
:mod:`graph.present.csvtables`. Cytoscape's table import maps ``source``, ``interaction`` and
``target`` (node names, i.e. labels) on its own, and the node table joins on ``name``; neo4j reads
the ``:``-typed columns; other importers map the columns by name. On stdout (no ``-o``) the two
are one table, one row per node and per edge (``element`` saying which), so ``pandas.read_csv``
and a spreadsheet read it whole.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import BNode, Graph

from graph.core.errors import GraphError
from graph.core.files import atomic_write
from graph.core.vocab import PREFIXES
from graph.questions.sources import disputes_of, sources
from graph.store.progress import step

if TYPE_CHECKING:
    import networkx as nx
    from rdflib import URIRef

    from graph.core.model import KnowledgeGraph

__all__ = ["FORMATS", "export", "serialize", "to_graphml_graph"]

#: Export formats and the file name suffix each gets.
FORMATS: dict[str, str] = {
    "turtle": ".ttl",
    "nt": ".nt",
    "jsonld": ".jsonld",
    "graphml": ".graphml",
    "csv": "",
}


def serialize(kg: KnowledgeGraph, fmt: str) -> bytes:
    """Return the graph in one export format, as deterministic bytes.

    ``csv`` gives one table of nodes and edges (``element`` = ``node`` or ``edge``) that
    ``pandas.read_csv`` reads; :func:`export` writes the two typed tables as two files.

    Examples
    --------
    >>> serialize(kg, "nt") == serialize(kg, "nt")
    True
    >>> serialize(kg, "csv").decode().splitlines()[0].split(",")[:4]
    ['element', 'id', 'name', 'label']
    """
    if fmt not in FORMATS:
        raise GraphError(f"unknown export format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    if fmt == "graphml":
        import networkx as nx

        return "\n".join(nx.generate_graphml(to_graphml_graph(kg), prettyprint=True)).encode("utf-8") + b"\n"
    if fmt == "csv":
        from graph.present.csvtables import one_table  # it builds on to_graphml_graph, below

        return one_table(kg).encode("utf-8")
    rdf = _stable(kg.rdf)
    if fmt == "nt":
        text = rdf.serialize(format="nt")
        return "".join(sorted(line + "\n" for line in text.splitlines() if line.strip())).encode("utf-8")
    if fmt == "jsonld":
        return _jsonld(rdf)
    return rdf.serialize(format="turtle").encode("utf-8")


def export(kg: KnowledgeGraph, fmt: str, path: str | Path) -> list[Path]:
    """Write an export atomically and return the files written.

    For ``csv``, ``path`` is a folder that gets ``nodes.csv`` and ``edges.csv``.

    >>> import tempfile
    >>> [p.name for p in export(kg, "csv", tempfile.mkdtemp())]
    ['nodes.csv', 'edges.csv']
    """
    if fmt == "csv":
        folder = Path(path)
        if folder.exists() and not folder.is_dir():
            raise GraphError(f"{folder}: the csv export writes two files; give a folder, not a file")
        from graph.present.csvtables import csv_tables  # it builds on to_graphml_graph, below

        with step("writing the csv tables"):
            nodes, edges = csv_tables(kg)
        return [atomic_write(folder / "nodes.csv", nodes), atomic_write(folder / "edges.csv", edges)]
    with step(f"writing {fmt}"):
        data = serialize(kg, fmt)
    return [atomic_write(path, data)]


def to_graphml_graph(kg: KnowledgeGraph) -> nx.MultiDiGraph[str]:
    """Return a copy of the networkx view whose attributes GraphML can hold (strings, ints, bools).

    Node ids are the entity IRIs; ``name`` and ``label`` (the label, what Cytoscape and Gephi
    show), ``types`` (``;``-joined), ``synonyms`` (``|``-joined), ``support``, ``urgency``
    (``EmergencyRoom 002 003; DoctorImmediately 000 002``: each level with the sources that give
    it, most urgent first), ``urgency_rank`` (of the most urgent level; 0 for none), ``guidance``
    (``maxDuration: 72 hours or less (002:72); ...``) and ``sources`` (the sources citing its
    relations, ``000 = title (address)`` joined by `` | ``) are node attributes; ``label`` and
    ``interaction`` (the predicate, shown on the edge), ``predicate``, ``support``, ``evidence``
    (``source:line`` joined by spaces), ``hedged`` (the lines that only hedge it), ``negative``,
    ``contested``, ``disputed`` (disagreement ids) and ``sources`` are edge attributes.

    >>> G = to_graphml_graph(kg)
    >>> node = G.nodes[str(kg.index.resolve("Tylenol"))]
    >>> node["name"], node["label"]
    ('acetaminophen', 'acetaminophen')
    """
    import networkx as nx

    view = kg.nx
    titles = {ident: source.describe() for ident, source in sources(kg).items()}

    def named(ids: Iterable[str]) -> str:
        return " | ".join(titles.get(ident, ident) for ident in sorted(set(ids)))

    out: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    for node in sorted(view, key=str):
        data = view.nodes[node]
        urgency = data.get("urgency", ())
        out.add_node(
            str(node),
            name=data["label"],
            label=data["label"],
            types=";".join(data["types"]),
            synonyms="|".join(data["synonyms"]),
            support=_node_support(view, node),
            urgency="; ".join(
                f"{u['level']} {' '.join(sorted({s for s, _ in u['evidence']}))}" for u in urgency
            ),
            urgency_rank=min((int(u["rank"]) for u in urgency), default=0),
            guidance=_guidance_text(data.get("guidance", {})),
            sources=named(_node_sources(view, node)),
        )
    for u, v, key in sorted(view.edges(keys=True), key=lambda e: (str(e[0]), str(e[1]), e[2])):
        attributes = view.edges[u, v, key]
        out.add_edge(
            str(u),
            str(v),
            key=key,
            label=attributes["predicate"],
            interaction=attributes["predicate"],
            predicate=attributes["predicate"],
            support=int(attributes["support"]),
            evidence=_evidence_text(attributes["evidence"]),
            hedged=_evidence_text(attributes.get("hedged", [])),
            negative=bool(attributes["negative"]),
            contested=bool(attributes["contested"]),
            disputed=" ".join(d.id for d in disputes_of(kg, u, key, v)),
            sources=named(source for source, _ in attributes["evidence"]),
        )
    return out


def _node_support(view: nx.MultiDiGraph[URIRef], node: URIRef) -> int:
    return len(_node_sources(view, node))


def _node_sources(view: nx.MultiDiGraph[URIRef], node: URIRef) -> set[str]:
    edges = [*view.in_edges(node, data=True), *view.out_edges(node, data=True)]
    return {source for _, _, data in edges for source, _ in data["evidence"]}


def _guidance_text(guidance: dict[str, list[dict[str, Any]]]) -> str:
    return "; ".join(
        f"{name}: {item['value']} ({_evidence_text(item['evidence'])})"
        for name, items in guidance.items()
        for item in items
    )


def _evidence_text(evidence: list[tuple[str, int]]) -> str:
    return " ".join(f"{source}:{line}" for source, line in evidence)


def _stable(rdf: Graph) -> Graph:
    """Return the graph with prefixes bound, and blank nodes renamed canonically if it has any."""
    has_bnodes = any(isinstance(term, BNode) for triple in rdf for term in triple)
    if has_bnodes:
        from rdflib.compare import to_canonical_graph

        source: Graph = to_canonical_graph(rdf)
    else:
        source = rdf
    out = Graph(bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        out.bind(prefix, namespace)
    for triple in source:
        out.add(triple)
    return out


def _jsonld(rdf: Graph) -> bytes:
    """Serialise as JSON-LD, then order nodes, keys and values so the bytes are stable."""
    data = json.loads(rdf.serialize(format="json-ld", context={k: str(v) for k, v in PREFIXES.items()}))
    nodes = data.get("@graph", [data] if "@id" in data else [])
    for node in nodes:
        for key, value in node.items():
            if isinstance(value, list):
                node[key] = sorted(value, key=lambda item: json.dumps(item, sort_keys=True))
    ordered: dict[str, Any] = {
        "@context": data.get("@context", {}),
        "@graph": sorted(nodes, key=lambda n: str(n.get("@id", ""))),
    }
    return (json.dumps(ordered, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")
