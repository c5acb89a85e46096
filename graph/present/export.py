"""Exports for the tools people already have: RDF formats, GraphML and CSV tables.

``turtle``, ``nt`` and ``jsonld`` hold every triple of the graph (vocabulary, sources,
entities, relations, evidence); ``graphml`` and ``csv`` hold the networkx view (entities
and the relations between them, with labels, classes, support and evidence as attributes).
Every format is deterministic: the same graph gives the same bytes.

Both read well in Gephi and Cytoscape: every node has ``name`` and ``label`` (its label), every
edge ``label`` and ``interaction`` (the predicate), and both carry ``support`` (distinct sources).

CSV is two tables that ``neo4j-admin database import`` and Cytoscape both read:
``nodes.csv`` (``id:ID``, ``name``, ``label``, ``:LABEL`` = classes joined by ``;``,
``synonyms``, ``support:int``) and ``edges.csv`` (``:START_ID``, ``:END_ID``, ``:TYPE``,
``source``, ``interaction``, ``target``, ``name``, ``support:int``, ``evidence``,
``negative:boolean``, ``contested:boolean``). Cytoscape's table import maps ``source``,
``interaction`` and ``target`` (node names, i.e. labels) on its own, and the node table joins
on ``name``; neo4j reads the ``:``-typed columns; other importers map the columns by name.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import BNode, Graph

from graph.core.errors import GraphError
from graph.core.files import atomic_write
from graph.core.vocab import PREFIXES
from graph.store.progress import step

if TYPE_CHECKING:
    import networkx as nx
    from rdflib import URIRef

    from graph.core.model import KnowledgeGraph

__all__ = ["EDGE_COLUMNS", "FORMATS", "NODE_COLUMNS", "csv_tables", "export", "serialize", "to_graphml_graph"]

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

    ``csv`` gives the node table, an empty line, then the edge table; :func:`export`
    writes them as two files.

    Examples
    --------
    >>> serialize(kg, "nt") == serialize(kg, "nt")
    True
    >>> serialize(kg, "csv").decode().splitlines()[0]
    'id:ID,name,label,:LABEL,synonyms,support:int'
    """
    if fmt not in FORMATS:
        raise GraphError(f"unknown export format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    if fmt == "graphml":
        import networkx as nx

        return "\n".join(nx.generate_graphml(to_graphml_graph(kg), prettyprint=True)).encode("utf-8") + b"\n"
    if fmt == "csv":
        nodes, edges = csv_tables(kg)
        return (nodes + "\n" + edges).encode("utf-8")
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
        with step("writing the csv tables"):
            nodes, edges = csv_tables(kg)
        return [atomic_write(folder / "nodes.csv", nodes), atomic_write(folder / "edges.csv", edges)]
    with step(f"writing {fmt}"):
        data = serialize(kg, fmt)
    return [atomic_write(path, data)]


def to_graphml_graph(kg: KnowledgeGraph) -> nx.MultiDiGraph[str]:
    """Return a copy of the networkx view whose attributes GraphML can hold (strings, ints, bools).

    Node ids are the entity IRIs; ``name`` and ``label`` (the label, what Cytoscape and Gephi
    show), ``types`` (``;``-joined), ``synonyms`` (``|``-joined) and ``support`` are node
    attributes; ``label`` and ``interaction`` (the predicate, shown on the edge), ``predicate``,
    ``support``, ``evidence`` (``source:line`` joined by spaces), ``negative`` and ``contested``
    are edge attributes.

    >>> G = to_graphml_graph(kg)
    >>> node = G.nodes[str(kg.index.resolve("Tylenol"))]
    >>> node["name"], node["label"]
    ('acetaminophen', 'acetaminophen')
    """
    import networkx as nx

    view = kg.nx
    out: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    for node in sorted(view, key=str):
        data = view.nodes[node]
        out.add_node(
            str(node),
            name=data["label"],
            label=data["label"],
            types=";".join(data["types"]),
            synonyms="|".join(data["synonyms"]),
            support=_node_support(view, node),
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
            negative=bool(attributes["negative"]),
            contested=bool(attributes["contested"]),
        )
    return out


#: The columns of the two CSV tables.
NODE_COLUMNS = ("id:ID", "name", "label", ":LABEL", "synonyms", "support:int")
EDGE_COLUMNS = (
    ":START_ID",
    ":END_ID",
    ":TYPE",
    "source",
    "interaction",
    "target",
    "name",
    "support:int",
    "evidence",
    "negative:boolean",
    "contested:boolean",
)


def csv_tables(kg: KnowledgeGraph) -> tuple[str, str]:
    r"""Return the node table and the edge table of the networkx view as CSV text.

    >>> nodes, edges = csv_tables(kg)
    >>> edges.splitlines()[0]
    ':START_ID,:END_ID,:TYPE,source,interaction,target,name,support:int,evidence,negative:boolean,contested:boolean'
    """
    graph = to_graphml_graph(kg)
    names = _unique_names(graph)
    nodes, edges = io.StringIO(), io.StringIO()
    node_writer = csv.writer(nodes, lineterminator="\n")
    node_writer.writerow(NODE_COLUMNS)
    for node, data in graph.nodes(data=True):
        node_writer.writerow(
            [node, names[node], data["label"], data["types"], data["synonyms"], data["support"]]
        )
    edge_writer = csv.writer(edges, lineterminator="\n")
    edge_writer.writerow(EDGE_COLUMNS)
    for u, v, data in graph.edges(data=True):
        predicate = data["predicate"]
        edge_writer.writerow(
            [
                u,
                v,
                predicate,
                names[u],
                predicate,
                names[v],
                f"{names[u]} ({predicate}) {names[v]}",
                data["support"],
                data["evidence"],
                str(data["negative"]).lower(),
                str(data["contested"]).lower(),
            ]
        )
    return nodes.getvalue(), edges.getvalue()


def _unique_names(graph: nx.MultiDiGraph[str]) -> dict[str, str]:
    """Return each node's label as its name, with its CURIE added where two nodes share a label."""
    from graph.core.lookup import curie

    counts = Counter(data["label"] for _, data in graph.nodes(data=True))
    return {
        node: data["label"] if counts[data["label"]] == 1 else f"{data['label']} ({curie(node)})"
        for node, data in graph.nodes(data=True)
    }


def _node_support(view: nx.MultiDiGraph[URIRef], node: URIRef) -> int:
    edges = [*view.in_edges(node, data=True), *view.out_edges(node, data=True)]
    return len({source for _, _, data in edges for source, _ in data["evidence"]})


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
