"""The HTML page: offline, deterministic, escaped, capped; and ``bskg html``."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from itertools import combinations
from math import dist
from pathlib import Path
from typing import Any

import pytest

from graph import load
from graph.cli import main
from graph.core.errors import GraphError, UnknownEntity
from graph.core.model import KnowledgeGraph
from graph.core.vocab import BS
from graph.present.draw import TooManyNodes, display_graph, render_html, show_html
from graph.present.layout import CANVAS, LABEL_PX, MINOR_PX, label_width, place

from .conftest import DATA, MINI

XSS = DATA / "xss"
HOSTILE = (
    '<img src=x onerror="window.__pwned=1">',
    "</script><script>window.__pwned=2</script>",
    "x' onmouseover='window.__pwned=3",
    "<svg onload=window.__pwned=4>",
)


def payload(page: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The node and edge lists the page hands to vis-network."""
    nodes = re.search(r"^  var NODES = (.*);$", page, flags=re.MULTILINE)
    edges = re.search(r"^  var EDGES = (.*);$", page, flags=re.MULTILINE)
    assert nodes and edges
    return json.loads(nodes.group(1)), json.loads(edges.group(1))


def by_label(nodes: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {node["text"]: node for node in nodes}


@pytest.fixture(scope="module")
def mini_page(mini: KnowledgeGraph) -> str:
    return render_html(mini)


@pytest.fixture(scope="module")
def xss() -> KnowledgeGraph:
    return load(XSS)


def markup(page: str) -> str:
    """The page without the bodies of its two inline scripts."""
    return re.sub(r"<script>.*?</script>", "<script></script>", page, flags=re.DOTALL)


def test_page_names_no_network_address(mini_page: str) -> None:
    assert re.search(r"https?:", mini_page, flags=re.IGNORECASE) is None
    assert "://" not in mini_page and "sourceMappingURL" not in mini_page
    outside = markup(mini_page)
    assert re.search(r"<(link|iframe|img|object|embed|base)\b", outside) is None
    assert re.search(r"\b(src|href)\s*=", outside) is None
    assert "@import" not in mini_page
    assert all(url.startswith("data:") for url in re.findall(r"url\(\"?([^\")]*)", mini_page))
    assert "bootstrap" not in mini_page.lower()


def test_page_inlines_vis_network_and_fills_the_window(mini_page: str) -> None:
    assert "vis-network" in mini_page and "new vis.Network(" in mini_page
    assert "height: 100%" in mini_page and "#mynetwork { flex: 1;" in mini_page
    assert '"physics": {"enabled": false}' in mini_page


def test_same_input_same_bytes(mini: KnowledgeGraph, tmp_path: Path) -> None:
    first = render_html(mini, tmp_path / "a.html", focus="back spasm", depth=2)
    again = render_html(load(MINI), tmp_path / "b.html", focus="back spasm", depth=2)
    assert first == again
    assert (tmp_path / "a.html").read_bytes() == (tmp_path / "b.html").read_bytes()
    assert (tmp_path / "a.html").read_bytes() == first.encode("utf-8")


def test_writes_only_the_file_asked_for(
    mini: KnowledgeGraph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    render_html(mini, tmp_path / "out" / "page.html")
    written = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*"))
    assert written == ["out", "out/page.html"]


def test_payload_matches_the_graph(mini: KnowledgeGraph, mini_page: str) -> None:
    nodes, edges = payload(mini_page)
    assert len(nodes) == mini.nx.number_of_nodes() and len(edges) == mini.nx.number_of_edges()
    labels = by_label(nodes)
    ibuprofen = labels["ibuprofen"]
    assert ibuprofen["classes"] == ["Medication"] and ibuprofen["shape"] == "dot"
    assert "also called: Advil, ibuprofin" in ibuprofen["title"]
    assert "class: Medication" in ibuprofen["title"]
    assert "000: line 4" in ibuprofen["title"]
    assert labels["loss of bladder control"]["shape"] == "star"
    assert labels["back spasm"]["size"] > labels["stress"]["size"]  # size by connections
    ids = {node["id"]: node["text"] for node in nodes}
    named = {(ids[e["from"]], e["predicate"], ids[e["to"]]): e for e in edges}
    causes = named[("dehydration", "causes", "back spasm")]
    assert causes["support"] == 2 and causes["width"] > named[("stress", "causes", "back spasm")]["width"]
    assert "000: line 2 · 001: line 2" in causes["title"] and not causes["dashes"]
    negative = named[("bed rest", "notRecommendedFor", "back spasm")]
    assert negative["negative"] and negative["dashes"] and negative["label"] == "not recommended for"
    assert "NOT so" in negative["title"]
    contested = named[("rest", "treats", "back spasm")]
    assert contested["contested"] and contested["dashes"] and not contested["negative"]


def test_legend_lists_the_classes_drawn(mini_page: str) -> None:
    legend = re.findall(r'data-class="([A-Za-z]+)"', mini_page)
    assert set(legend) == {
        "RedFlag", "Medication", "DrugClass", "SideEffect", "Condition", "Cause", "Prevention", "Treatment"
    }  # fmt: skip


def test_title_and_notice(mini: KnowledgeGraph) -> None:
    page = render_html(mini, title="Spasms & <b>friends</b>")
    assert "<h1>Spasms &amp; &lt;b&gt;friends&lt;/b&gt;</h1>" in page
    assert "Not medical advice" in page and "five articles" in page


def test_hostile_labels_stay_text(xss: KnowledgeGraph) -> None:
    page = render_html(xss, title="<script>window.__pwned=9</script>")
    scripts = re.findall(r"<script>(.*?)</script>", page, flags=re.DOTALL)
    outside = markup(page)
    assert len(scripts) == 2 and outside.count("<script") == 2 and "<img" not in outside
    assert "pwned" not in outside.replace("&lt;script&gt;window.__pwned=9&lt;/script&gt;", "")
    for text in HOSTILE:
        assert text not in page
    assert "<" not in scripts[1].split("var NODES = ", 1)[1].split("var OPTIONS", 1)[0]
    nodes, edges = payload(page)
    assert {node["text"] for node in nodes} >= {HOSTILE[0], HOSTILE[2], HOSTILE[3]}
    assert HOSTILE[1] in by_label(nodes)[HOSTILE[0]]["title"]
    assert "{{ 7*7 }}" in by_label(nodes)[HOSTILE[3]]["title"]  # not run as a template either


def test_content_security_policy_allows_only_the_pages_scripts(mini_page: str) -> None:
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', mini_page)
    assert policy is not None
    scripts = re.findall(r"<script>(.*?)</script>", mini_page, flags=re.DOTALL)
    hashes = re.findall(r"'sha256-([^']+)'", policy.group(1))
    assert hashes == [base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() for s in scripts]
    assert (
        "default-src 'none'" in policy.group(1) and "unsafe-inline" not in policy.group(1).split("style")[0]
    )


def test_node_cap_names_the_way_out(mini: KnowledgeGraph) -> None:
    with pytest.raises(TooManyNodes, match="--focus") as caught:
        render_html(mini, max_nodes=5)
    assert "--max-nodes" in str(caught.value) and "14 nodes" in str(caught.value)
    assert render_html(mini, focus="ibuprofen", max_nodes=5)


def test_display_graph_focus_types_support(mini: KnowledgeGraph) -> None:
    def names(view: Any) -> set[str]:
        return {mini.label(n) for n in view}

    assert names(display_graph(mini, focus="Advil")) == {"ibuprofen", "back spasm", "NSAID"}
    assert names(display_graph(mini, focus="ibuprofen", depth=0)) == {"ibuprofen"}
    assert len(display_graph(mini, focus="NSAID", depth=3)) == 12
    assert len(display_graph(mini, focus="NSAID", depth=4)) == 14
    assert names(display_graph(mini, types=["Cause", "condition"])) == {
        "back spasm", "dehydration", "kidney stones", "poor posture", "stress"
    }  # fmt: skip
    strong = display_graph(mini, min_support=2)
    assert names(strong) == {"dehydration", "back spasm"} and strong.number_of_edges() == 1
    assert names(display_graph(mini, focus="NSAID", min_support=2)) == {"NSAID"}
    assert mini.nx.number_of_nodes() == 14  # the shared view is left alone
    assert BS.ibuprofen in display_graph(mini, focus=BS.ibuprofen)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"depth": -1}, "--depth"),
        ({"min_support": 0}, "--min-support"),
        ({"types": ["Pill"]}, "unknown class 'Pill'"),
        ({"max_nodes": 0}, "--max-nodes"),
    ],
)
def test_bad_options(mini: KnowledgeGraph, options: dict[str, Any], message: str) -> None:
    with pytest.raises(GraphError, match=message):
        render_html(mini, **options)


def test_unknown_focus(mini: KnowledgeGraph) -> None:
    with pytest.raises(UnknownEntity, match="did you mean"):
        render_html(mini, focus="ibuprofn x")


def test_notebook_view_is_an_isolated_iframe(mini: KnowledgeGraph) -> None:
    view = show_html(mini, focus="rest", height=500)
    shown = view._repr_html_()
    assert shown.startswith('<iframe srcdoc="') and 'sandbox="allow-scripts"' in shown
    assert "height:500px" in shown and "<script" not in shown
    srcdoc = re.match(r'<iframe srcdoc="([^"]*)"', shown)
    assert srcdoc is not None and html.unescape(srcdoc.group(1)) == view.page


def test_cli_writes_the_page(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "page.html"
    assert main(["html", "--data", str(MINI), "-o", str(out)]) == 0
    assert capsys.readouterr().out == f"wrote {out}: 14 nodes, 14 relations\n"
    assert out.read_text(encoding="utf-8") == render_html(load(MINI))
    options = ["--focus", "Advil", "--types", "Medication,DrugClass", "--json"]
    code = main(["--data", str(MINI), "html", "-o", str(out), *options])
    assert code == 0
    assert json.loads(capsys.readouterr().out) == {"path": str(out), "nodes": 2, "edges": 1}


def test_cli_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--data", str(MINI), "html", "-o", "-", "--min-support", "2"]) == 0
    nodes, edges = payload(capsys.readouterr().out)
    assert len(nodes) == 2 and len(edges) == 1


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--max-nodes", "3"], "more than --max-nodes 3: draw one entity's neighbourhood with --focus"),
        (["--types", "Pill"], "unknown class 'Pill'"),
        (["--focus", "zzzz"], "no entity matches 'zzzz'"),
        (["--depth", "-2", "--focus", "rest"], "--depth must be 0 or more"),
    ],
)
def test_cli_errors_are_one_line(
    argv: list[str], expected: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "page.html"
    assert main(["--data", str(MINI), "html", "-o", str(out), *argv]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith("bskg: error: ") and expected in captured.err
    assert captured.err.count("\n") == 1 and not out.exists()


def test_bundled_graph_page(kg: KnowledgeGraph) -> None:
    """Checked against the sources: 002 line 71 names Tylenol as paracetamol (acetaminophen);
    000 lines 34-35 and 66-67 say to drink enough water against dehydration."""
    nodes, edges = payload(render_html(kg))
    assert (len(nodes), len(edges)) == (kg.nx.number_of_nodes(), kg.nx.number_of_edges())
    ids = {node["id"]: node["text"] for node in nodes}
    named = {(ids[e["from"]], e["predicate"], ids[e["to"]]): e for e in edges}
    hydrated = named[("staying hydrated", "targets", "dehydration")]
    assert "000: lines 35, 67" in hydrated["title"]
    assert "Tylenol" in by_label(nodes)["acetaminophen"]["title"]
    focused, _ = payload(render_html(kg, focus="Tylenol"))
    assert {"acetaminophen", "back spasm"} <= {node["text"] for node in focused}


def test_same_bytes_across_processes(tmp_path: Path) -> None:
    import subprocess
    import sys

    pages = []
    for seed in ("1", "2"):
        out = tmp_path / f"page-{seed}.html"
        env = {"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin"}
        code = (
            "from graph import load; from graph.present.draw import render_html; "
            f"render_html(load({str(MINI)!r}), {str(out)!r})"
        )
        subprocess.run([sys.executable, "-c", code], check=True, env=env, timeout=120)
        pages.append(out.read_bytes())
    assert pages[0] == pages[1]


def test_one_layout_per_support_level(kg: KnowledgeGraph) -> None:
    """The slider's levels: each layout places exactly the nodes the filter keeps, on the canvas."""
    page = render_html(kg)
    nodes, _ = payload(page)
    layouts = json.loads(re.search(r"^  var LAYOUTS = (.*);$", page, flags=re.MULTILINE).group(1))  # type: ignore[union-attr]
    levels = json.loads(re.search(r"^  var LEVELS = (.*);$", page, flags=re.MULTILINE).group(1))  # type: ignore[union-attr]
    ids = {node["text"]: node["id"] for node in nodes}
    assert len(levels) == max(int(d["support"]) for _, _, d in kg.nx.edges(data=True))
    for level, index in enumerate(levels, start=1):
        kept = {ids[kg.label(n)] for n in display_graph(kg, min_support=level)}
        assert set(layouts[index]) == kept
        assert all(abs(x) <= CANVAS[0] / 2 and abs(y) <= CANVAS[1] / 2 for x, y, _ in layouts[index].values())
    first = layouts[levels[0]]
    assert {node["id"]: (node["x"], node["y"]) for node in nodes} == {
        k: (x, y) for k, (x, y, _) in first.items()
    }
    legible = [node for node in nodes if node["font"]["size"] == LABEL_PX]
    assert 35 <= len(legible) < len(nodes) and all(
        node["font"]["size"] == MINOR_PX for node in nodes if node not in legible
    )


def test_placement_spreads_a_hub_and_keeps_shown_labels_apart() -> None:
    import networkx as nx

    star: nx.Graph[str] = nx.star_graph(60)
    star = nx.relabel_nodes(star, {n: f"entity number {n}" for n in star})
    labels = {n: n for n in star}
    placed = place(
        star, labels=labels, sizes=dict.fromkeys(star, 10.0), groups=dict.fromkeys(star, "X"), sectors=[]
    )
    spots = list(placed.positions.values())
    assert placed.positions["entity number 0"] == (0, 0)
    assert min(dist(a, b) for a, b in combinations(spots, 2)) >= 20
    boxes = [
        (x - label_width(n, LABEL_PX) / 2, y, x + label_width(n, LABEL_PX) / 2, y + 30)
        for n, (x, y) in placed.positions.items()
        if n in placed.labelled
    ]
    assert len(boxes) >= 15
    assert not any(
        a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3] for a, b in combinations(boxes, 2)
    )


def test_first_class_columns_label_every_member() -> None:
    """Warning signs with labels of two and three lines, and farther nodes linked to them, all legible."""
    import networkx as nx

    graph: nx.Graph[str] = nx.star_graph(70)
    names = {n: f"entity number {n}" for n in graph}
    flags = {
        n: f"warning sign {n} on\nthe legs or arms" + ("\nof one side" if n % 3 else "") for n in range(1, 15)
    }
    names.update(flags)
    graph = nx.relabel_nodes(graph, names)
    for n in range(1, 15, 2):  # farther nodes whose only neighbours are warning signs
        graph.add_edge(flags[n], f"far entity {n}")
        graph.add_edge(flags[n + 1], f"far entity {n}")
    groups = {n: "RedFlag" if n in flags.values() else "X" for n in graph}
    placed = place(
        graph,
        labels={n: n for n in graph},
        sizes={n: 30.0 if n == "entity number 0" else 11.0 for n in graph},
        groups=groups,
        sectors=[],
        first=("RedFlag",),
    )
    assert set(flags.values()) <= placed.labelled
    assert all(x < -CANVAS[0] / 5 for n, (x, _) in placed.positions.items() if n in flags.values())


def test_red_flags_are_labelled_and_searchable_by_urgency(kg: KnowledgeGraph) -> None:
    """The first view names the warning signs, and the page can find them by their urgency."""
    page = render_html(kg)
    nodes, _ = payload(page)
    found = re.search(r"var LAYOUTS = (\[.*?\]);\n", page)
    assert found
    layout = json.loads(found.group(1))[0]
    flags = [node for node in nodes if node["primary"] == "RedFlag"]
    labelled = [node["text"] for node in flags if layout[node["id"]][2]]
    assert flags and len(labelled) >= 0.8 * len(flags), labelled
    for node in flags:
        urgency = kg.nx.nodes[kg.index.resolve(node["text"])].get("urgency", [])
        assert node["urgency"] == [level["label"].lower() for level in urgency]
        assert node["details"].index("urgency, most urgent first:") < node["details"].index("connects to")
    assert all(len(line) <= 20 or " " not in line for node in nodes for line in node["label"].split("\n"))
