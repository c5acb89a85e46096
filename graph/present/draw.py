"""Drawing the graph as one self-contained, interactive HTML page (pyvis with our own template).

The page works offline: vis-network is inlined from the copy inside the pyvis package, and
nothing is loaded from the network. Positions are computed here with a seeded layout and
physics is off in the page, so it is still at once and the same input gives the same bytes.
Every text from the data reaches the page as JSON data and is shown as text (canvas labels,
``title`` strings, ``textContent``), never parsed as HTML.

>>> page = render_html(kg, focus="Tylenol")
>>> page.startswith("<!DOCTYPE html>"), "://" in page
(True, False)
"""

from __future__ import annotations

import base64
import hashlib
import html
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import Markup
from rdflib import URIRef

from graph.core.errors import GraphError
from graph.core.files import atomic_write
from graph.core.model import KnowledgeGraph
from graph.core.vocab import CLASS_NAMES
from graph.present.layout import LABEL_PX, MINOR_PX, place

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "CLASS_STYLES",
    "DEFAULT_TITLE",
    "HtmlView",
    "TooManyNodes",
    "display_graph",
    "render_html",
    "show_html",
]

#: The page title unless another is given.
DEFAULT_TITLE = "Back spasms: what five articles say"

#: Colour and vis-network shape of each class, most specific classes first (a node takes the first).
CLASS_STYLES: dict[str, tuple[str, str]] = {
    "RedFlag": ("#c0392b", "star"),
    "Medication": ("#0072b2", "dot"),
    "DrugClass": ("#332288", "square"),
    "SideEffect": ("#aa4499", "triangleDown"),
    "Condition": ("#d55e00", "dot"),
    "Cause": ("#e69f00", "triangle"),
    "Symptom": ("#cc79a7", "diamond"),
    "Prevention": ("#56b4e9", "hexagon"),
    "Treatment": ("#009e73", "square"),
    "RiskGroup": ("#999933", "diamond"),
    "HealthcareProvider": ("#44aa99", "hexagon"),
    "BodyRegion": ("#888888", "dot"),
}
_OTHER = ("#9e9e9e", "dot")
_NEGATIVE_COLOUR = "#c0392b"
_CONTESTED_COLOUR = "#e67e22"
_EDGE_COLOUR = "#8a8f98"
_TEMPLATES = Path(__file__).resolve().parent / "templates"
#: The order of the classes around the hub of the full page (related classes side by side).
SECTORS = (
    "Cause", "RiskGroup", "Condition", "BodyRegion", "Symptom", "RedFlag",
    "HealthcareProvider", "Treatment", "Medication", "DrugClass", "SideEffect", "Prevention",
)  # fmt: skip


class TooManyNodes(GraphError):
    """The graph to draw has more nodes than the cap; draw a neighbourhood instead."""


@dataclass(frozen=True)
class HtmlView:
    """A drawn page that shows itself inline in a notebook, isolated in an ``<iframe srcdoc>``."""

    page: str
    height: int = 640

    def _repr_html_(self) -> str:
        return (
            f'<iframe srcdoc="{html.escape(self.page, quote=True)}" sandbox="allow-scripts" '
            f'style="width:100%;height:{self.height}px;border:1px solid #ddd" '
            'title="back-spasm knowledge graph"></iframe>'
        )


def display_graph(
    kg: KnowledgeGraph,
    *,
    focus: str | URIRef | None = None,
    depth: int = 1,
    types: Iterable[str] | None = None,
    min_support: int = 1,
) -> nx.MultiDiGraph[URIRef]:
    """Return the part of ``kg.nx`` a page draws (a new graph; ``kg.nx`` is left alone).

    Edges stated by fewer than ``min_support`` sources go first (and, when ``min_support`` > 1,
    the nodes they leave unconnected); then nodes of none of ``types``; then, with ``focus``,
    everything more than ``depth`` hops from the focus entity, in either direction.

    Raises
    ------
    graph.core.errors.GraphError
        On a negative depth, a support below 1 or an unknown class name.
    graph.core.errors.UnknownEntity
        When ``focus`` names no entity.

    Examples
    --------
    >>> view = display_graph(kg, focus="Tylenol", depth=1)
    >>> kg.index.resolve("acetaminophen") in view
    True
    """
    if depth < 0:
        raise GraphError(f"--depth must be 0 or more, not {depth}")
    if min_support < 1:
        raise GraphError(f"--min-support must be 1 or more, not {min_support}")
    wanted = _class_names(types)
    centre = None if focus is None else (focus if isinstance(focus, URIRef) else kg.index.resolve(focus))
    if centre is not None and centre not in kg.nx:
        raise GraphError(f"{kg.label(centre)!r} is not a node of the graph")
    source = kg.nx
    import networkx as nx  # imported when a page is drawn: `import graph` stays light

    view: nx.MultiDiGraph[URIRef] = nx.MultiDiGraph()
    for node in source.nodes:
        keep = wanted is None or node == centre or bool(set(source.nodes[node].get("types", ())) & wanted)
        if keep:
            view.add_node(node, **source.nodes[node])
    for subject, obj, key, data in source.edges(keys=True, data=True):
        if subject in view and obj in view and int(data.get("support", 0)) >= min_support:
            view.add_edge(subject, obj, key=key, **data)
    if min_support > 1:
        view.remove_nodes_from([n for n in list(view) if view.degree(n) == 0 and n != centre])
    if centre is not None:
        near = nx.single_source_shortest_path_length(view.to_undirected(as_view=True), centre, cutoff=depth)
        view = nx.MultiDiGraph(view.subgraph(near))
    return view


def render_html(
    kg: KnowledgeGraph,
    path: str | Path | None = None,
    *,
    focus: str | URIRef | None = None,
    depth: int = 1,
    types: Iterable[str] | None = None,
    min_support: int = 1,
    max_nodes: int = 400,
    title: str = DEFAULT_TITLE,
) -> str:
    """Draw the graph, or part of it, as one self-contained interactive HTML page.

    Parameters
    ----------
    kg
        The graph, from :func:`graph.load`.
    path
        Where to write the page (atomically; nothing else is written). ``None``: only return it.
    focus, depth
        Draw only the entities within ``depth`` hops of ``focus`` (any name of an entity).
    types
        Draw only entities of these classes (e.g. ``["Medication", "DrugClass"]``).
    min_support
        Draw only relations stated by at least this many sources.
    max_nodes
        Refuse to draw more nodes than this (:class:`TooManyNodes`).
    title
        The heading of the page (shown as text).

    Returns
    -------
    str
        The page: the same input gives the same text, byte for byte.

    Raises
    ------
    TooManyNodes
        When the selection holds more than ``max_nodes`` nodes.
    graph.core.errors.GraphError
        On a bad option or an unknown focus entity.

    Examples
    --------
    >>> page = render_html(kg, title="Spasms & <friends>")
    >>> "Spasms &amp; &lt;friends&gt;" in page, "<friends>" in page
    (True, False)
    """
    if max_nodes < 1:
        raise GraphError(f"--max-nodes must be 1 or more, not {max_nodes}")
    view = display_graph(kg, focus=focus, depth=depth, types=types, min_support=min_support)
    if view.number_of_nodes() > max_nodes:
        raise TooManyNodes(
            f"{view.number_of_nodes()} nodes to draw, more than --max-nodes {max_nodes}: "
            "draw one entity's neighbourhood with --focus NAME [--depth N], narrow it with "
            "--types or --min-support, or raise --max-nodes"
        )
    page = _page(kg, view, title=title, focus=None if focus is None else kg.label(_iri(kg, focus)))
    if path is not None:
        atomic_write(path, page)
    return page


def show_html(kg: KnowledgeGraph, *, height: int = 640, **options: Any) -> HtmlView:
    """Return the page of :func:`render_html` as an object a notebook shows inline.

    The page travels inside the notebook (an ``<iframe srcdoc>``, sandboxed to scripts only),
    so it keeps working when the notebook is moved or shared.

    >>> show_html(kg, focus="Tylenol")._repr_html_().startswith("<iframe srcdoc=")
    True
    """
    return HtmlView(render_html(kg, **options), height=height)


# ---------------------------------------------------------------------------- building the page


def _iri(kg: KnowledgeGraph, entity: str | URIRef) -> URIRef:
    return entity if isinstance(entity, URIRef) else kg.index.resolve(entity)


def _class_names(types: Iterable[str] | None) -> set[str] | None:
    if types is None:
        return None
    known = {name.lower(): name for name in CLASS_NAMES}
    chosen: set[str] = set()
    for item in types:
        for name in filter(None, (part.strip() for part in str(item).split(","))):
            if name.lower() not in known:
                raise GraphError(f"unknown class {name!r}; choose from: {', '.join(CLASS_NAMES)}")
            chosen.add(known[name.lower()])
    return chosen or None


def _primary(types: Sequence[str]) -> str:
    for name in CLASS_STYLES:
        if name in types:
            return name
    return types[0] if types else "Entity"


def _humane(predicate: str) -> str:
    """``notRecommendedFor`` → ``not recommended for``."""
    words = "".join(f" {ch.lower()}" if ch.isupper() else ch for ch in predicate)
    return words.strip()


def _cites(evidence: Iterable[Sequence[Any]], limit: int = 12) -> str:
    """``000: lines 2, 4 · 001: line 3`` for (source, line) pairs, at most ``limit`` sources."""
    lines: dict[str, set[int]] = defaultdict(set)
    for source, line, *_ in evidence:
        lines[str(source)].add(int(line))
    parts = []
    for source in sorted(lines)[:limit]:
        numbers = sorted(lines[source])
        parts.append(f"{source}: line{'s' if len(numbers) > 1 else ''} {', '.join(map(str, numbers))}")
    return " · ".join(parts) if parts else "none recorded"


def _evidence_pairs(items: Iterable[Any]) -> list[tuple[str, int]]:
    pairs = []
    for item in items:
        if isinstance(item, dict):
            pairs.append((str(item["source"]), int(item["line"])))
        elif hasattr(item, "source"):
            pairs.append((str(item.source), int(item.line)))
        else:
            pairs.append((str(item[0]), int(item[1])))
    return pairs


def _node_title(kg: KnowledgeGraph, node: URIRef, data: dict[str, Any], degree: int) -> str:
    full = kg.nx
    rows = [str(data.get("label") or kg.label(node))]
    rows.append(f"class: {', '.join(data.get('types', ())) or 'none'}")
    if data.get("synonyms"):
        rows.append(f"also called: {', '.join(data['synonyms'])}")
    rows.append(f"connections: {degree}")
    cited: list[tuple[str, int]] = []
    for item in data.get("urgency", ()):
        pairs = _evidence_pairs(item.get("evidence", ()))
        cited += pairs
        level = _humane(str(item.get("level", ""))).lower()
        rows.append(f"urgency: {item.get('label') or level} ({_cites(pairs)})")
    for name, values in sorted(dict(data.get("guidance", {})).items()):
        for value in values:
            pairs = _evidence_pairs(value.get("evidence", ()))
            cited += pairs
            rows.append(f"{_humane(name)}: {value.get('value')} ({_cites(pairs)})")
    for _, _, edge in full.in_edges(node, data=True):
        cited += _evidence_pairs(edge.get("evidence", ()))
    for _, _, edge in full.out_edges(node, data=True):
        cited += _evidence_pairs(edge.get("evidence", ()))
    rows.append(f"evidence (source: line): {_cites(cited)}")
    return "\n".join(rows)


def _edge_title(kg: KnowledgeGraph, subject: URIRef, obj: URIRef, data: dict[str, Any]) -> str:
    predicate = str(data.get("predicate", ""))
    pairs = _evidence_pairs(data.get("evidence", ()))
    support = int(data.get("support", len({s for s, _ in pairs})))
    rows = [
        f"{kg.label(subject)} → {_humane(predicate)} → {kg.label(obj)}",
        f"property: {predicate}",
        f"stated by {support} source{'s' if support != 1 else ''}",
        f"evidence (source: line): {_cites(pairs)}",
    ]
    if data.get("negative"):
        rows.append("a negative claim: the sources say this is NOT so")
    if data.get("contested"):
        rows.append("contested: the sources disagree (see `bskg conflicts`)")
    return "\n".join(rows)


def _page(kg: KnowledgeGraph, view: nx.MultiDiGraph[URIRef], *, title: str, focus: str | None) -> str:
    from pyvis.network import Network  # pyvis imports IPython: load it only when drawing

    order = sorted(view.nodes, key=str)
    ids = {node: f"n{number}" for number, node in enumerate(order)}
    present: dict[str, int] = defaultdict(int)
    primary: dict[URIRef, str] = {}
    sizes: dict[URIRef, float] = {}
    nodes = []
    for node in order:
        data = dict(view.nodes[node])
        types = tuple(data.get("types", ())) or kg.types(node)
        data["types"] = types
        primary[node] = _primary(types)
        for name in types or ("Entity",):
            present[name] += 1
        colour, shape = CLASS_STYLES.get(primary[node], _OTHER)
        degree = int(kg.nx.degree(node))
        label = str(data.get("label") or kg.label(node))
        names = [label, *map(str, data.get("synonyms", ()))]
        sizes[node] = round(min(7 + 3 * math.sqrt(degree), 30), 1)
        nodes.append(
            {
                "id": ids[node],
                "label": label,
                "title": _node_title(kg, node, data, degree),
                "shape": shape,
                "color": {"background": colour, "border": "#2b2b2b", "highlight": {"background": colour}},
                "size": sizes[node],
                "classes": list(types) or ["Entity"],
                "primary": primary[node],
                "names": [name.lower() for name in names],
                "iri": "bs:" + str(node).rsplit("/", 1)[-1],
            }
        )
    layouts, levels = _layouts(
        view, ids, {n: str(m["label"]) for n, m in zip(order, nodes, strict=True)}, sizes, primary
    )
    for record in nodes:  # drawn first as at the lowest support level
        x, y, legible = layouts[0][str(record["id"])]
        record.update(x=x, y=y, font={"size": LABEL_PX if legible else MINOR_PX})
    edges: list[dict[str, Any]] = []
    pairs: dict[frozenset[URIRef], int] = defaultdict(int)
    for subject, obj, key, data in sorted(
        view.edges(keys=True, data=True), key=lambda e: (str(e[0]), str(e[1]), str(e[2]))
    ):
        pair = frozenset((subject, obj))
        rank = pairs[pair]
        pairs[pair] += 1
        negative, contested = bool(data.get("negative")), bool(data.get("contested"))
        support = int(data.get("support", 1))
        colour = _NEGATIVE_COLOUR if negative else _CONTESTED_COLOUR if contested else _EDGE_COLOUR
        edges.append(
            {
                "id": f"e{len(edges)}",
                "from": ids[subject],
                "to": ids[obj],
                "label": _humane(str(data.get("predicate", key))),
                "title": _edge_title(kg, subject, obj, data),
                "width": round(1 + 1.5 * (support - 1), 1),
                "dashes": negative or contested,
                "color": {"color": colour, "highlight": "#222222", "hover": "#222222"},
                "smooth": {"enabled": rank > 0, "type": "curvedCW", "roundness": round(0.2 * rank, 2)},
                "predicate": str(data.get("predicate", key)),
                "support": support,
                "negative": negative,
                "contested": contested,
            }
        )
    legend = [
        {
            "name": name,
            "label": _humane(name),
            "colour": CLASS_STYLES.get(name, _OTHER)[0],
            "shape": CLASS_STYLES.get(name, _OTHER)[1],
            "count": present[name],
        }
        for name in [*CLASS_STYLES, *sorted(set(present) - set(CLASS_STYLES))]
        if present.get(name)
    ]
    net = Network(height="100%", width="100%", directed=True, heading=title, cdn_resources="in_line")
    net.nodes, net.edges = nodes, edges  # filled directly: add_node/add_edge scan the lists on every call
    net.options = _OPTIONS
    net.set_template_dir(str(_TEMPLATES) + "/", "graph.html")
    from jinja2 import Environment, FileSystemLoader

    net.templateEnv = Environment(
        loader=FileSystemLoader(str(_TEMPLATES)), autoescape=True, keep_trailing_newline=True
    )
    net.templateEnv.globals.update(
        legend=legend,
        focus=focus,
        max_support=len(levels),
        layouts=layouts,
        levels=levels,
        label_px=LABEL_PX,
        vis_js=_vis_js(),
        vis_css=_vis_css(),
        shape_svg=_shape_svg,
    )
    page: str = net.generate_html()
    return _with_script_hashes(page)


def _layouts(
    view: nx.MultiDiGraph[URIRef],
    ids: dict[URIRef, str],
    labels: dict[URIRef, str],
    sizes: dict[URIRef, float],
    primary: dict[URIRef, str],
) -> tuple[list[dict[str, tuple[int, int, int]]], list[int]]:
    """Lay the page out once for each minimum support the slider offers (1 to the largest support).

    Returns the distinct layouts (node id: x, y, 1 when its label is legible at first sight) and,
    for each support level from 1, the index of its layout. A level keeps the nodes the page's
    filter keeps: every node at level 1, past it only the nodes of a relation stated that often.
    """
    import networkx as nx  # imported when a page is drawn: `import graph` stays light

    top = max((int(d.get("support", 1)) for _, _, d in view.edges(data=True)), default=1)
    layouts: list[dict[str, tuple[int, int, int]]] = []
    levels: list[int] = []
    seen: dict[tuple[frozenset[URIRef], frozenset[tuple[URIRef, URIRef]]], int] = {}
    for level in range(1, top + 1):
        links = {(u, v) for u, v, d in view.edges(data=True) if int(d.get("support", 1)) >= level}
        kept = set(view.nodes) if level == 1 else {n for link in links for n in link}
        key = (frozenset(kept), frozenset(links))
        if key not in seen:
            simple: nx.Graph[URIRef] = nx.Graph()
            simple.add_nodes_from(sorted(kept, key=str))
            simple.add_edges_from(sorted(links, key=str))
            placed = place(simple, labels=labels, sizes=sizes, groups=primary, sectors=SECTORS)
            seen[key] = len(layouts)
            layouts.append(
                {ids[n]: (x, y, int(n in placed.labelled)) for n, (x, y) in sorted(placed.positions.items())}
            )
        levels.append(seen[key])
    return layouts, levels


def _with_script_hashes(page: str) -> str:
    """Fill the page's Content-Security-Policy with the hashes of its own two scripts.

    Only those scripts may run: no inline handler, no other script, nothing from the network.
    """
    scripts = re.findall(r"<script>(.*?)</script>", page, flags=re.DOTALL)
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode("ascii") + "'"
        for body in scripts
    )
    return page.replace("__SCRIPT_HASHES__", hashes, 1)


_SHAPES = {
    "dot": '<circle cx="8" cy="8" r="6"/>',
    "square": '<rect x="2" y="2" width="12" height="12"/>',
    "diamond": '<polygon points="8,1 15,8 8,15 1,8"/>',
    "triangle": '<polygon points="8,1.5 15,14 1,14"/>',
    "triangleDown": '<polygon points="1,2 15,2 8,14.5"/>',
    "hexagon": '<polygon points="4,1.5 12,1.5 15.5,8 12,14.5 4,14.5 0.5,8"/>',
    "star": '<polygon points="8,0.5 10,5.8 15.5,6 11.2,9.4 12.7,15 8,11.8 3.3,15 4.8,9.4 0.5,6 6,5.8"/>',
}


def _shape_svg(shape: str, colour: str) -> Markup:
    """Return a 16-pixel legend glyph of a vis-network shape (our constants only, escaped anyway)."""
    body = _SHAPES.get(shape, _SHAPES["dot"])
    return Markup(  # noqa: S704 - built from this module's constants, the colour escaped
        f'<svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true">'
        f'<g fill="{html.escape(colour)}" stroke="#2b2b2b" stroke-width="1">{body}</g></svg>'
    )


_OPTIONS: dict[str, Any] = {
    "physics": {"enabled": False},
    "interaction": {"hover": True, "tooltipDelay": 120, "multiselect": False, "navigationButtons": False},
    # A label is drawn once its size on screen reaches 9 px (vis-network: drawThreshold - 1), so
    # the minor node labels and the relation names appear as the reader zooms in.
    "nodes": {
        "borderWidth": 1,
        "font": {"size": LABEL_PX, "face": "arial", "strokeWidth": 3, "strokeColor": "#ffffff"},
        "scaling": {"label": {"drawThreshold": 10}},
    },
    "edges": {
        "arrows": {"to": {"enabled": True, "scaleFactor": 0.55}},
        "font": {"size": MINOR_PX, "face": "arial", "color": "#555555", "strokeWidth": 3, "align": "middle"},
        "scaling": {"label": {"drawThreshold": 10}},
        "color": {"opacity": 0.75},
        "smooth": {"enabled": False},
        "selectionWidth": 1.5,
    },
}


@lru_cache(maxsize=2)
def _vis_file(name: str) -> str:
    import pyvis

    return (Path(pyvis.__file__).resolve().parent / "lib" / "vis-9.1.2" / name).read_text(encoding="utf-8")


def _vis_js() -> str:
    r"""Return vis-network as shipped in pyvis, with no http(s) address left in its text.

    The library names addresses only in its licence header, in two messages and as the SVG
    namespace name of ``document.createElementNS``. The first two lose their scheme (they are
    text, never fetched). The namespace name must stay the same string at run time, so its colon
    is written ``\u003a``, a JavaScript escape for the same character: nothing is fetched either way.
    """
    text = _vis_file("vis-network.min.js")
    text = text.replace('"http://www.w3.org/2000/svg"', '"http\\u003a//www.w3.org/2000/svg"')
    text = re.sub(r"https?://", "", text)
    text = re.sub(r"//# sourceMappingURL=\S*", "", text)  # no map ships with it; nothing to look for
    if re.search(r"https?:", text, flags=re.IGNORECASE) or "</script" in text.lower():
        raise GraphError("the vis-network copy in pyvis names an address or '</script'; cannot inline it")
    return text


def _vis_css() -> str:
    text = _vis_file("vis-network.css")
    if "://" in text or "</style" in text.lower():
        raise GraphError("the vis-network stylesheet in pyvis refers to an address; cannot inline it")
    return text
