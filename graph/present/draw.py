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

import html
import math
import textwrap
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import URIRef

from graph.core.errors import GraphError
from graph.core.files import atomic_write
from graph.core.model import KnowledgeGraph
from graph.core.vocab import local_name
from graph.present.labels import LABEL_PX, MINOR_PX
from graph.present.layout import by_support
from graph.present.quotes import Quotes
from graph.present.selection import display_graph
from graph.present.tooltips import edge_details, edge_title, humane, node_details, node_title
from graph.present.vis import OPTIONS, shape_svg, vis_css, vis_js, with_script_hashes
from graph.questions.sources import urgency_levels

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
_WRAP = 20  # a label longer than this is drawn on several lines, so long names fit between nodes
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
    quotes: Quotes | None = None,
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
    quotes
        The source texts (:func:`graph.present.quotes.open_quotes`): each relation's details then
        quote its stating lines. The page then holds text from the sources: it is the user's own
        file, never one to commit.

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
    focused = None if focus is None else kg.label(_iri(kg, focus))
    page = _page(kg, view, title=title, focus=focused, quotes=quotes)
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
    return kg.index.resolve(entity)


def _urgency_legend(kg: KnowledgeGraph, view: nx.MultiDiGraph[URIRef]) -> list[dict[str, Any]]:
    """Return the urgency levels, most urgent first, each with how many drawn signs a source rates so."""
    counts: dict[str, int] = defaultdict(int)
    for node in view:
        for level in view.nodes[node].get("urgency", ()):
            counts[str(level.get("level"))] += 1
    return [
        {"label": level.label, "count": counts[level.name]}
        for level in urgency_levels(kg)
        if counts[level.name]
    ]


def _primary(types: Sequence[str]) -> str:
    for name in CLASS_STYLES:
        if name in types:
            return name
    return types[0] if types else "Entity"


def _page(
    kg: KnowledgeGraph, view: nx.MultiDiGraph[URIRef], *, title: str, focus: str | None, quotes: Quotes | None
) -> str:
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
        urgent = [str(u.get("label", "")) for u in data.get("urgency", ())]  # "emergency" finds them
        drawn = "\n".join(textwrap.wrap(label, _WRAP, break_long_words=False)) or label
        sizes[node] = round(min(7 + 3 * math.sqrt(degree), 30), 1)
        nodes.append(
            {
                "id": ids[node],
                "label": drawn,
                "text": label,
                "title": node_title(kg, node, data, degree),
                "shape": shape,
                "color": {"background": colour, "border": "#2b2b2b", "highlight": {"background": colour}},
                "size": sizes[node],
                "classes": list(types) or ["Entity"],
                "primary": primary[node],
                "names": [name.lower() for name in names],
                "urgency": [name.lower() for name in urgent],
                "details": node_details(kg, node, data, drawn=view),
                "iri": "bs:" + local_name(node),
            }
        )
    drawn_labels = {n: str(m["label"]) for n, m in zip(order, nodes, strict=True)}  # in lines
    layouts, levels = by_support(view, ids, drawn_labels, sizes, primary, SECTORS, first=("RedFlag",))
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
                "label": humane(str(data.get("predicate", key))),
                "title": edge_title(kg, subject, obj, data, quotes),
                "details": edge_details(kg, subject, obj, data, quotes),
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
            "label": humane(name),
            "colour": CLASS_STYLES.get(name, _OTHER)[0],
            "shape": CLASS_STYLES.get(name, _OTHER)[1],
            "count": present[name],
        }
        for name in [*CLASS_STYLES, *sorted(set(present) - set(CLASS_STYLES))]
        if present.get(name)
    ]
    net = Network(height="100%", width="100%", directed=True, heading=title, cdn_resources="in_line")
    net.nodes, net.edges = nodes, edges  # filled directly: add_node/add_edge scan the lists on every call
    net.options = OPTIONS
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
        urgency=_urgency_legend(kg, view),
        vis_js=vis_js(),
        vis_css=vis_css(),
        shape_svg=shape_svg,
    )
    page: str = net.generate_html()
    return with_script_hashes(page)
