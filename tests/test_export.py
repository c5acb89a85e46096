"""Exports: round trips for the RDF formats, the same bytes every time, GraphML and CSV for other tools."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest
from rdflib import BNode, Graph, Literal
from rdflib.compare import isomorphic as rdflib_isomorphic
from rdflib.namespace import XSD

from graph import load
from graph.cli import main
from graph.core.errors import GraphError
from graph.core.model import KnowledgeGraph
from graph.core.vocab import BS, BSO
from graph.present.csvtables import STDOUT_COLUMNS, csv_tables
from graph.present.export import FORMATS, export, serialize, to_graphml_graph
from graph.questions.sources import disputes_of, sources


def _simple(graph: Graph) -> Graph:
    """Return the graph with ``"x"^^xsd:string`` written ``"x"``: one term in RDF 1.1, two in rdflib."""
    out = Graph()
    for s, p, o in graph:
        if isinstance(o, Literal) and o.datatype == XSD.string:
            o = Literal(str(o))
        out.add((s, p, o))
    return out


def isomorphic(first: Graph, second: Graph) -> bool:
    """rdflib's isomorphism under RDF 1.1 literal identity (JSON-LD writes simple literals untyped)."""
    return rdflib_isomorphic(_simple(first), _simple(second))


TRAVERSE = Path(__file__).parent / "data" / "traverse"
RDF_FORMATS = [("turtle", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")]
# rdflib's own JSON-LD parser uses its deprecated ConjunctiveGraph
JSONLD_WARNING = "ignore:ConjunctiveGraph is deprecated:DeprecationWarning"


@pytest.mark.filterwarnings(JSONLD_WARNING)
@pytest.mark.parametrize(("fmt", "parser"), RDF_FORMATS)
def test_rdf_round_trip_is_isomorphic(
    mini: KnowledgeGraph, kg: KnowledgeGraph, fmt: str, parser: str
) -> None:
    for graph in (mini, kg):
        back = Graph().parse(data=serialize(graph, fmt), format=parser)
        assert len(back) == len(graph.rdf)
        assert isomorphic(back, graph.rdf)


@pytest.mark.filterwarnings(JSONLD_WARNING)
@pytest.mark.parametrize(("fmt", "parser"), RDF_FORMATS)
def test_blank_nodes_get_stable_names(fmt: str, parser: str) -> None:
    def with_blank_node() -> KnowledgeGraph:
        graph = load(TRAVERSE)
        node = BNode()  # a fresh random id every time
        graph.rdf.add((BS.heat_pad, BSO.caution, node))
        graph.rdf.add((node, BSO.duration, Literal("twenty minutes")))
        return graph

    first, second = with_blank_node(), with_blank_node()
    assert serialize(first, fmt) == serialize(second, fmt)
    assert isomorphic(Graph().parse(data=serialize(first, fmt), format=parser), first.rdf)


def test_same_input_same_bytes_across_processes(tmp_path: Path) -> None:
    script = (
        "import sys, hashlib; from graph import load; from graph.present.export import serialize, FORMATS; "
        "kg = load(sys.argv[1]); "
        "print(' '.join(hashlib.sha256(serialize(kg, f)).hexdigest() for f in FORMATS))"
    )
    digests = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", script, str(TRAVERSE)], capture_output=True, text=True, env=env, check=True
        )
        digests.add(done.stdout)
    assert len(digests) == 1 and len(digests.pop().split()) == len(FORMATS)


def test_graphml_holds_the_networkx_view_with_attributes(mini: KnowledgeGraph, tmp_path: Path) -> None:
    [written] = export(mini, "graphml", tmp_path / "mini.graphml")
    graph = nx.read_graphml(written, force_multigraph=True)
    assert graph.is_directed() and graph.is_multigraph()
    assert graph.number_of_nodes() == mini.nx.number_of_nodes()
    assert graph.number_of_edges() == mini.nx.number_of_edges()
    node = graph.nodes[str(BS.ibuprofen)]
    assert node["name"] == node["label"] == "ibuprofen" and node["types"] == "Medication"
    assert set(node["synonyms"].split("|")) == {"Advil", "ibuprofin"}
    assert node["support"] == 1 and isinstance(node["support"], int)
    assert all({"name", "label", "support"} <= set(data) for _, data in graph.nodes(data=True))
    assert all({"label", "interaction", "support"} <= set(data) for *_, data in graph.edges(data=True))
    edge = graph.get_edge_data(str(BS.dehydration), str(BS.back_spasm), "causes")
    assert edge == {
        "label": "causes",
        "interaction": "causes",
        "predicate": "causes",
        "support": 2,
        "evidence": "000:2 001:2",
        "hedged": "",
        "negative": False,
        "contested": False,
        "disputed": "",
        "sources": "000 = source 000 (000_mini.txt) | 001 = source 001 (001_mini.txt)",
    }
    assert graph.get_edge_data(str(BS.bed_rest), str(BS.back_spasm), "notRecommendedFor")["negative"] is True
    assert to_graphml_graph(mini).number_of_edges() == mini.nx.number_of_edges()


def test_csv_tables_for_a_property_graph_import(mini: KnowledgeGraph, tmp_path: Path) -> None:
    nodes_text, edges_text = csv_tables(mini)
    nodes = list(csv.DictReader(io.StringIO(nodes_text)))
    edges = list(csv.DictReader(io.StringIO(edges_text)))
    assert len(nodes) == mini.nx.number_of_nodes() and len(edges) == mini.nx.number_of_edges()
    water = next(n for n in nodes if n["id:ID"] == str(BS.drinking_water))
    assert water[":LABEL"] == "Treatment;Prevention"
    assert water["name"] == water["label"] == "drinking water" and water["support:int"] == "1"
    ids = {n["id:ID"] for n in nodes}
    assert all(e[":START_ID"] in ids and e[":END_ID"] in ids for e in edges)
    rest = next(e for e in edges if e[":START_ID"] == str(BS.rest))
    assert (rest[":TYPE"], rest["support:int"], rest["evidence"], rest["contested:boolean"]) == (
        "treats",
        "1",
        "001:4",
        "true",
    )
    assert (rest["source"], rest["interaction"], rest["target"], rest["name"]) == (
        "rest",
        "treats",
        "back spasm",
        "rest (treats) back spasm",
    )
    written = export(mini, "csv", tmp_path / "tables")
    assert [p.read_text() for p in written] == [nodes_text, edges_text]
    assert sorted(p.name for p in (tmp_path / "tables").iterdir()) == ["edges.csv", "nodes.csv"]


def test_cytoscape_reads_names_not_iris(kg: KnowledgeGraph) -> None:
    """Cytoscape names nodes by the source/target columns and joins the node table on ``name``."""
    nodes_text, edges_text = csv_tables(kg)
    nodes = list(csv.DictReader(io.StringIO(nodes_text)))
    edges = list(csv.DictReader(io.StringIO(edges_text)))
    names = [n["name"] for n in nodes]
    assert len(set(names)) == len(names) and not any(name.startswith("http") for name in names)
    assert all(e["source"] in names and e["target"] in names for e in edges)
    by_id = {n["id:ID"]: n for n in nodes}
    for edge in edges:
        assert edge["source"] == by_id[edge[":START_ID"]]["name"]
        assert edge["interaction"] == edge[":TYPE"] and int(edge["support:int"]) >= 1
    assert all(int(n["support:int"]) >= 1 for n in nodes)
    spasm = next(n for n in nodes if n["name"] == "back spasm")
    assert int(spasm["support:int"]) == 5


def test_shared_labels_get_their_curie_in_the_name() -> None:

    from graph.present.csvtables import _unique_names

    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    graph.add_node(str(BS.a), label="cramp")
    graph.add_node(str(BS.b), label="cramp")
    graph.add_node(str(BS.c), label="rest")
    assert _unique_names(graph) == {str(BS.a): "cramp (bs:a)", str(BS.b): "cramp (bs:b)", str(BS.c): "rest"}


def test_bad_formats_and_targets(mini: KnowledgeGraph, tmp_path: Path) -> None:
    with pytest.raises(GraphError, match="unknown export format 'rdfxml'"):
        serialize(mini, "rdfxml")
    file = tmp_path / "a-file"
    file.write_text("keep me")
    with pytest.raises(GraphError, match="give a folder"):
        export(mini, "csv", file)
    assert file.read_text() == "keep me"


def test_cli_export_to_file_and_stdout(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes], mini: KnowledgeGraph
) -> None:
    target = tmp_path / "out" / "graph.ttl"
    assert main(["--data", str(TRAVERSE), "export", "--format", "turtle", "-o", str(target)]) == 0
    assert b"wrote" in capsysbinary.readouterr().err
    assert isomorphic(Graph().parse(target, format="turtle"), load(TRAVERSE).rdf)
    assert not [p for p in target.parent.iterdir() if p.name.endswith(".tmp")]
    assert main(["--data", str(TRAVERSE), "export", "--format", "nt"]) == 0
    out = capsysbinary.readouterr().out
    assert out == serialize(load(TRAVERSE), "nt") and out.endswith(b" .\n")


def test_cli_rejects_an_unknown_format(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["export", "--format", "rdfxml"])
    assert stop.value.code == 2
    assert "invalid choice: 'rdfxml'" in capsys.readouterr().err


# ------------------------------------------- what a reader needs to weigh the exported graph


def test_exports_carry_urgency_guidance_hedges_disputes_and_source_titles(
    kg: KnowledgeGraph, tmp_path: Path
) -> None:
    [written] = export(kg, "graphml", tmp_path / "g.graphml")
    graph = nx.read_graphml(written, force_multigraph=True)
    titles = {ident: source.describe() for ident, source in sources(kg).items()}
    for node in kg.nx:
        data, urgency = graph.nodes[str(node)], kg.nx.nodes[node].get("urgency", [])
        # each level the sources give, most urgent first, with the sources that give it
        assert data["urgency"].split("; ") == [
            f"{u['level']} {' '.join(sorted({s for s, _ in u['evidence']}))}" for u in urgency
        ] or (not urgency and data["urgency"] == "")
        assert data["urgency_rank"] == min((u["rank"] for u in urgency), default=0)
        for name, items in kg.nx.nodes[node]["guidance"].items():
            assert all(f"{name}: {item['value']} (" in data["guidance"] for item in items)
    for u, v, key, data in kg.nx.edges(keys=True, data=True):
        exported = graph.get_edge_data(str(u), str(v), key)
        assert exported["hedged"].split() == [f"{s}:{n}" for s, n in data["hedged"]]
        assert exported["disputed"].split() == [d.id for d in disputes_of(kg, u, key, v)]
        assert exported["sources"].split(" | ") == [
            titles[s] for s in sorted({s for s, _ in data["evidence"]})
        ]
    member = graph.get_edge_data(
        str(kg.index.resolve("acetaminophen")), str(kg.index.resolve("NSAID")), "memberOf"
    )
    assert member["disputed"] == "acetaminophen_nsaid"
    assert any(graph.nodes[n]["urgency_rank"] == 1 for n in graph)
    nodes_text, edges_text = csv_tables(kg)
    nodes = list(csv.DictReader(io.StringIO(nodes_text)))
    edges = list(csv.DictReader(io.StringIO(edges_text)))
    assert {"urgency", "urgency_rank:int", "guidance", "sources"} <= set(nodes[0])
    assert {"hedged", "disputed", "sources"} <= set(edges[0])
    assert sum(1 for e in edges if e["disputed"]) == sum(
        1 for u, v, k in kg.nx.edges(keys=True) if disputes_of(kg, u, k, v)
    )


def test_csv_on_stdout_is_one_table_pandas_reads(tmp_path: Path) -> None:
    """``bskg export --format csv | python -c "import pandas, sys; pandas.read_csv(sys.stdin)"``."""
    bskg = Path(sys.executable).parent / "bskg"
    reader = "import pandas, sys; f = pandas.read_csv(sys.stdin); "
    reader += "print(f.shape[0], f.shape[1], sorted(set(f.element)))"
    done = subprocess.run(
        f"{bskg} export --format csv | {sys.executable} -c '{reader}'",
        shell=True,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    graph = load()
    rows = graph.nx.number_of_nodes() + graph.nx.number_of_edges()
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [str(rows), str(len(STDOUT_COLUMNS)), "['edge',", "'node']"]
