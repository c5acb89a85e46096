"""The networkx view as CSV: two typed tables for importers, or one table for pandas and spreadsheets.

``nodes.csv`` (:data:`NODE_COLUMNS`) and ``edges.csv`` (:data:`EDGE_COLUMNS`) are what
``neo4j-admin database import`` and Cytoscape read (see :mod:`graph.present.export`); on stdout the
two are one table (:data:`STDOUT_COLUMNS`), one row per node and per edge, ``element`` saying which.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from typing import TYPE_CHECKING, Any

from graph.present.export import to_graphml_graph

if TYPE_CHECKING:
    import networkx as nx

    from graph.core.model import KnowledgeGraph

__all__ = ["EDGE_COLUMNS", "NODE_COLUMNS", "STDOUT_COLUMNS", "csv_tables", "one_table"]

#: The columns of the node table, each with the attribute it holds.
_NODES = {
    "id:ID": "id",
    "name": "name",
    "label": "label",
    ":LABEL": "types",
    "synonyms": "synonyms",
    "support:int": "support",
    "urgency": "urgency",
    "urgency_rank:int": "urgency_rank",
    "guidance": "guidance",
    "sources": "sources",
}
#: The columns of the edge table, each with the attribute it holds.
_EDGES = {
    ":START_ID": "start",
    ":END_ID": "end",
    ":TYPE": "predicate",
    "source": "source",
    "interaction": "interaction",
    "target": "target",
    "name": "name",
    "support:int": "support",
    "evidence": "evidence",
    "hedged": "hedged",
    "negative:boolean": "negative",
    "contested:boolean": "contested",
    "disputed": "disputed",
    "sources": "sources",
}
#: The columns of the two CSV tables.
NODE_COLUMNS = tuple(_NODES)
EDGE_COLUMNS = tuple(_EDGES)
#: The columns of the single table printed to stdout: which element, then every attribute once.
STDOUT_COLUMNS = ("element", *dict.fromkeys([*_NODES.values(), *_EDGES.values()]))


def _records(kg: KnowledgeGraph) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Return one record per node and per edge of the view, keyed by attribute name."""
    graph = to_graphml_graph(kg)
    names = _unique_names(graph)
    nodes = [{**data, "id": node, "name": names[node]} for node, data in graph.nodes(data=True)]
    edges = []
    for u, v, data in graph.edges(data=True):
        predicate = data["predicate"]
        edges.append(
            {
                **data,
                "start": u,
                "end": v,
                "source": names[u],
                "target": names[v],
                "name": f"{names[u]} ({predicate}) {names[v]}",
                "negative": str(data["negative"]).lower(),
                "contested": str(data["contested"]).lower(),
            }
        )
    return nodes, edges


def _write(rows: list[dict[str, Any]], columns: dict[str, str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(name, "") for name in columns.values()])
    return out.getvalue()


def csv_tables(kg: KnowledgeGraph) -> tuple[str, str]:
    r"""Return the node table and the edge table of the networkx view as CSV text.

    >>> nodes, edges = csv_tables(kg)
    >>> edges.splitlines()[0]
    ':START_ID,:END_ID,:TYPE,source,interaction,target,name,support:int,evidence,hedged,negative:boolean,contested:boolean,disputed,sources'
    """
    nodes, edges = _records(kg)
    return _write(nodes, _NODES), _write(edges, _EDGES)


def one_table(kg: KnowledgeGraph) -> str:
    """Return nodes and edges as one CSV table (:data:`STDOUT_COLUMNS`), for stdout and pandas.

    >>> import io, pandas
    >>> frame = pandas.read_csv(io.StringIO(one_table(kg)))
    >>> sorted(frame["element"].unique()), len(frame) == kg.nx.number_of_nodes() + kg.nx.number_of_edges()
    (['edge', 'node'], True)
    """
    nodes, edges = _records(kg)
    columns = {name: name for name in STDOUT_COLUMNS}
    return _write(
        [{**row, "element": "node"} for row in nodes] + [{**row, "element": "edge"} for row in edges], columns
    )


def _unique_names(graph: nx.MultiDiGraph[str]) -> dict[str, str]:
    """Return each node's label as its name, with its CURIE added where two nodes share a label."""
    from graph.core.lookup import curie

    counts = Counter(data["label"] for _, data in graph.nodes(data=True))
    return {
        node: data["label"] if counts[data["label"]] == 1 else f"{data['label']} ({curie(node)})"
        for node, data in graph.nodes(data=True)
    }
