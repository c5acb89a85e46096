"""The HTML page in a real headless Chromium, with the network blocked.

Uses Debian's ``/usr/bin/chromium`` (or ``$BSKG_CHROMIUM``) through Playwright's Python package;
no browser is downloaded. Without Chromium these tests skip with the reason, unless
``BSKG_REQUIRE_BROWSER=1`` (set by ``.ci/run``), which turns the skip into a failure.
Screenshots go to ``test-artifacts/``; those of the bundled graph (the README's) to ``out/screenshots/``,
or to ``docs/`` with ``BSKG_SCREENSHOTS=docs`` (``make screenshots``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from itertools import combinations
from math import dist
from pathlib import Path
from typing import Any

import pytest

from graph import load
from graph.core.model import KnowledgeGraph
from graph.core.vocab import CLASS_NAMES
from graph.present.draw import display_graph, render_html, show_html
from graph.present.tooltips import humane
from graph.questions.sources import urgency_levels

from .conftest import DATA, REPO, SCREENSHOTS

pytestmark = pytest.mark.browser

ARTIFACTS = REPO / "test-artifacts"
DOCS = SCREENSHOTS  # the README's screenshots of the bundled graph come from these tests


class Tab:
    """One page of the browser, with the network blocked and its console watched."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.errors: list[str] = []
        self.blocked: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(f"uncaught: {e}"))
        page.route("**/*", self._route)

    def _route(self, route: Any) -> None:
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()

    def open(self, file: Path) -> Tab:
        self.page.goto(file.as_uri())
        self.page.wait_for_function("window.bskg && window.bskg.ready", timeout=15_000)
        return self

    def js(self, expression: str, arg: Any = None) -> Any:
        return self.page.evaluate(expression, arg)

    def counts(self) -> tuple[int, int]:
        drawn = self.js("bskg.counts()")
        return drawn["nodes"], drawn["edges"]

    def node_id(self, label: str) -> str:
        found = self.js("label => bskg.idOf(label)", label)
        assert found, label
        return str(found)

    def point_at(self, label: str, click: bool = False) -> None:
        where = self.js("id => bskg.domPosition(id)", self.node_id(label))
        self.page.mouse.move(where["x"], where["y"])
        if click:
            self.page.mouse.click(where["x"], where["y"])

    def details(self) -> str:
        return str(self.page.text_content("#details-text"))

    def shot(self, name: str, folder: Path = ARTIFACTS) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        box = self.page.locator("#mynetwork").bounding_box()
        self.page.mouse.move(box["x"] + 2, box["y"] + 2)  # an empty corner: no tooltip in the picture
        self.page.wait_for_timeout(150)
        self.page.screenshot(path=str(folder / name))

    def legend(self) -> dict[str, int]:
        counts = self.js(
            "Array.from(document.querySelectorAll('#legend li'))"
            ".map(li => [li.dataset.class, li.querySelector('.count').textContent])"
        )
        return {name: int(count) for name, count in counts if int(count)}

    def labels(self) -> list[dict[str, Any]]:
        return [label for label in self.js("bskg.labels()") if label["shown"]]

    def positions(self) -> dict[str, tuple[float, float]]:
        spots = self.js(
            "(() => { const p = bskg.network.getPositions(); const out = {};"
            " for (const id in p) { const d = bskg.network.canvasToDOM(p[id]); out[id] = [d.x, d.y]; }"
            " return out; })()"
        )
        return {key: (x, y) for key, (x, y) in spots.items()}


@pytest.fixture
def tab(browser: Any) -> Iterator[Tab]:
    context = browser.new_context(viewport={"width": 1400, "height": 850})
    opened = Tab(context.new_page())
    yield opened
    context.close()
    assert opened.errors == [], "console errors"
    assert opened.blocked == [], "the page asked for the network"


def classes(kg: KnowledgeGraph, **options: Any) -> dict[str, int]:
    """How many drawn nodes of each class the legend should count."""
    view = display_graph(kg, **options)
    return dict(Counter(name for node in view for name in view.nodes[node]["types"]))


def overlapping(labels: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """Pairs of labels whose boxes on screen overlap (by more than a pixel)."""
    return [
        (a["text"], b["text"])
        for a, b in combinations(labels, 2)
        if a["left"] < b["left"] + b["width"] - 1 and b["left"] < a["left"] + a["width"] - 1
        and a["top"] < b["top"] + b["height"] - 1 and b["top"] < a["top"] + a["height"] - 1
    ]  # fmt: skip


def expected(kg: KnowledgeGraph, **options: Any) -> tuple[int, int]:
    view = display_graph(kg, **options)
    return view.number_of_nodes(), view.number_of_edges()


@pytest.fixture(scope="module")
def mini_file(mini: KnowledgeGraph, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("html") / "mini.html"
    render_html(mini, path)
    return path


def test_full_graph_renders_every_node_and_edge(tab: Tab, mini: KnowledgeGraph, mini_file: Path) -> None:
    tab.open(mini_file)
    assert tab.counts() == (mini.nx.number_of_nodes(), mini.nx.number_of_edges()) == (14, 14)
    assert "Not medical advice" in str(tab.page.text_content("header"))
    box = tab.page.locator("#mynetwork").bounding_box()
    assert box["width"] > 900 and box["height"] > 700  # fills the window beside the side panel
    tab.shot("graph-mini.png")


def test_bundled_graph_full_and_focus(tab: Tab, kg: KnowledgeGraph, tmp_path: Path) -> None:
    """The full page is readable at first sight: what docs/html-graph.png shows."""
    if kg.nx.number_of_nodes() < 20:
        pytest.skip("the bundled graph has not landed yet")
    page = tmp_path / "graph.html"
    render_html(kg, page)
    tab.open(page)
    assert tab.counts() == (kg.nx.number_of_nodes(), kg.nx.number_of_edges())
    labels = tab.labels()
    assert len(labels) >= 35 and min(label["px"] for label in labels) >= 12  # legible without zooming
    assert overlapping(labels) == []
    assert {"back spasm", "inflammation", "muscle strain", "doctor"} <= {label["text"] for label in labels}
    spots = tab.positions()
    assert min(dist(a, b) for a, b in combinations(spots.values(), 2)) >= 12  # no pile around the hub
    hub = spots[tab.node_id("back spasm")]
    near = sorted(dist(hub, spot) for spot in spots.values())[1:]
    assert near[0] >= 40 and near[len(near) // 10] >= 120  # its neighbours spread, not stacked on it
    tab.shot("html-graph.png", DOCS)
    tab.point_at("acetaminophen", click=True)
    assert "Tylenol" in tab.details()
    tab.page.click("#focus-button")
    assert tab.counts() == expected(kg, focus="acetaminophen", depth=1)
    assert overlapping(tab.labels()) == [] and len(tab.labels()) == tab.counts()[0]
    tab.shot("html-focus.png", DOCS)


def test_support_filter_updates_counts_and_layout(tab: Tab, kg: KnowledgeGraph, tmp_path: Path) -> None:
    page = tmp_path / "graph.html"
    render_html(kg, page)
    tab.open(page)
    assert tab.legend() == classes(kg)
    before = tab.js("bskg.network.getPositions()")
    tab.page.fill("#min-support", "3")
    assert tab.counts() == expected(kg, min_support=3)
    assert tab.legend() == classes(kg, min_support=3) != classes(kg)
    after = tab.js("bskg.network.getPositions()")
    assert sum(before[key] != after[key] for key in after) > len(after) // 2  # laid out anew
    labels = tab.labels()
    assert overlapping(labels) == [] and len(labels) == tab.counts()[0]  # fewer nodes: all named
    tab.page.uncheck('#legend input[data-class="Cause"]')
    assert tab.legend()["Cause"] == classes(kg, min_support=3)["Cause"]  # what the box hides
    tab.page.fill("#min-support", "1")
    tab.page.check('#legend input[data-class="Cause"]')
    assert tab.legend() == classes(kg) and tab.js("bskg.network.getPositions()") == before


def test_legend_hides_and_shows_a_class(tab: Tab, mini: KnowledgeGraph, mini_file: Path) -> None:
    tab.open(mini_file)
    tab.page.uncheck('#legend input[data-class="Cause"]')
    others = [name for name in CLASS_NAMES if name != "Cause"]
    assert tab.counts() == expected(mini, types=others) == (11, 10)
    tab.page.check('#legend input[data-class="Cause"]')
    assert tab.counts() == (14, 14)


def test_search_finds_by_synonym(tab: Tab, mini: KnowledgeGraph, mini_file: Path) -> None:
    tab.open(mini_file)
    tab.page.fill("#search", "advil")
    assert tab.page.text_content("#search-status") == "1 match: ibuprofen"
    assert tab.js("bskg.network.getSelectedNodes()") == [tab.node_id("ibuprofen")]
    assert tab.details().startswith("ibuprofen\nclass: Medication")
    with_s = [
        data for _, data in mini.nx.nodes(data=True)
        if any("s" in name.lower() for name in (data["label"], *data["synonyms"]))
    ]  # fmt: skip
    tab.page.fill("#search", "S")
    assert tab.page.text_content("#search-status").startswith(f"{len(with_s)} matches: ")
    assert len(tab.js("bskg.network.getSelectedNodes()")) == len(with_s) > 5
    tab.page.fill("#search", "zzz")
    assert tab.page.text_content("#search-status") == "0 matches"


def test_pointing_and_clicking_a_node_show_its_tooltip(tab: Tab, mini_file: Path) -> None:
    tab.open(mini_file)
    tab.point_at("ibuprofen")
    tooltip = tab.page.locator("div.vis-tooltip")
    tooltip.wait_for(state="visible", timeout=5_000)
    text = tooltip.inner_text()
    assert text.startswith("ibuprofen") and "also called: Advil, ibuprofin" in text
    assert "evidence (source: line): 000: line 4" in text
    tab.point_at("ibuprofen", click=True)
    assert tab.details() == tab.js(
        "id => bskg.network.body.data.nodes.get(id).details", tab.node_id("ibuprofen")
    )
    assert "→ member of → NSAID (1 source)" in tab.details()
    assert not tab.page.is_disabled("#focus-button")


def test_focus_mode_and_minimum_support(tab: Tab, mini: KnowledgeGraph, mini_file: Path) -> None:
    tab.open(mini_file)
    tab.point_at("ibuprofen", click=True)
    tab.page.click("#focus-button")
    assert tab.counts() == expected(mini, focus="ibuprofen", depth=1) == (3, 2)
    tab.page.fill("#depth", "2")
    tab.page.dispatch_event("#depth", "change")
    assert tab.counts() == expected(mini, focus="ibuprofen", depth=2)
    tab.shot("graph-mini-focus.png")
    tab.page.click("#reset-button")
    assert tab.counts() == (14, 14)
    tab.page.fill("#min-support", "2")  # a range input: sets the value and fires "input"
    assert tab.counts() == expected(mini, min_support=2) == (2, 1)
    assert tab.legend() == classes(mini, min_support=2) == {"Cause": 1, "Condition": 1}


def test_hostile_labels_do_not_run(tab: Tab, tmp_path: Path) -> None:
    hostile = load(DATA / "xss")
    page = tmp_path / "xss.html"
    render_html(hostile, page, title="<script>window.__pwned=9</script>")
    tab.open(page)
    assert tab.counts() == (3, 2)
    label = '<img src=x onerror="window.__pwned=1">'
    for name in (label, "x' onmouseover='window.__pwned=3", "<svg onload=window.__pwned=4>"):
        tab.point_at(name)
        tab.page.locator("div.vis-tooltip").wait_for(state="visible", timeout=5_000)
        assert tab.page.locator("div.vis-tooltip").inner_text().startswith(name)
        tab.point_at(name, click=True)
        assert tab.details().startswith(name)
    tab.page.fill("#search", "img")
    tab.page.fill("#search", "script")
    tab.page.wait_for_timeout(300)
    assert tab.js("typeof window.__pwned") == "undefined"
    assert tab.js("document.querySelectorAll('img, i, b, body svg[onload]').length") == 0
    assert tab.page.text_content("h1") == "<script>window.__pwned=9</script>"


def test_notebook_view_renders_in_its_iframe(tab: Tab, mini: KnowledgeGraph, tmp_path: Path) -> None:
    notebook = tmp_path / "notebook.html"
    notebook.write_text(
        "<!DOCTYPE html><html><body>" + show_html(mini, focus="rest")._repr_html_() + "</body></html>",
        encoding="utf-8",
    )
    tab.page.goto(notebook.as_uri())
    frame = tab.page.frames[1]
    frame.wait_for_function("window.bskg && window.bskg.ready", timeout=15_000)
    drawn = frame.evaluate("bskg.counts()")
    assert (drawn["nodes"], drawn["edges"]) == expected(mini, focus="rest")


def test_urgency_connections_and_typo_search_on_the_bundled_page(
    tab: Tab, kg: KnowledgeGraph, tmp_path: Path
) -> None:
    """Each red flag's urgency is on screen, the details list what a node connects to, typos find."""
    page = tmp_path / "graph.html"
    render_html(kg, page)
    tab.open(page)
    levels = tab.js(
        "Array.from(document.querySelectorAll('#urgency li'))"
        ".map(li => [li.querySelector('button').textContent, Number(li.querySelector('.count').textContent)])"
    )
    rated = Counter(u["label"] for _, data in kg.nx.nodes(data=True) for u in data.get("urgency", ()))
    assert levels == [[level.label, rated[level.label]] for level in urgency_levels(kg) if rated[level.label]]
    # a sign two sources rate differently: both levels, most urgent first, each with its sources
    flag, data = next((n, d) for n, d in kg.nx.nodes(data=True) if len(d.get("urgency", ())) > 1)
    tab.point_at(data["label"], click=True)
    details = tab.details()
    shown = [line.split(": rated so by")[0].strip() for line in details.splitlines() if "rated so by" in line]
    assert shown == [u["label"] for u in data["urgency"]]
    # every relation in and out, with the other end and its support
    for subject, obj, key, edge in [
        *kg.nx.out_edges(flag, keys=True, data=True),
        *kg.nx.in_edges(flag, keys=True, data=True),
    ]:
        other = kg.label(obj if subject == flag else subject)
        count = edge["support"]
        assert (
            f" {humane(key)} " in details
            and f"{other} ({count} source{'' if count == 1 else 's'})" in details
        )
    assert "sources:\n  0" in details
    # typo tolerance: "emergency" finds the signs rated at an emergency level, and so does a typo
    emergency = {
        d["label"]
        for _, d in kg.nx.nodes(data=True)
        if any("emergency" in u["label"] for u in d.get("urgency", ()))
    }
    assert emergency and set(tab.js("t => bskg.search(t)", "emergency")) == emergency
    assert set(tab.js("t => bskg.search(t)", "emergncy")) == emergency
    assert tab.page.text_content("#search-status").startswith(f"{len(emergency)} close matches")
    assert "ibuprofen" in tab.js("t => bskg.search(t)", "ibuprofn")
    assert tab.js("t => bskg.search(t)", "zzzzzzz") == []
    # a disputed claim is drawn dashed and its details name the disagreement
    member = tab.js(
        "() => bskg.network.body.data.edges.get()"
        ".filter(e => e.predicate === 'memberOf' && e.details.startsWith('acetaminophen'))"
    )
    nsaid = next(e for e in member if "NSAID" in e["details"].splitlines()[0])
    assert nsaid["dashes"] and "disputed: acetaminophen_nsaid = " in nsaid["details"]
    tab.shot("graph-urgency.png")
