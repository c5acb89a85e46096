"""vis-network inlined from the copy inside pyvis, the legend's glyphs, and the page's script hashes."""

from __future__ import annotations

import base64
import hashlib
import html
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from markupsafe import Markup

from graph.core.errors import GraphError
from graph.present.labels import LABEL_PX, MINOR_PX

__all__ = ["OPTIONS", "shape_svg", "vis_css", "vis_js", "with_script_hashes"]


def with_script_hashes(page: str) -> str:
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


def shape_svg(shape: str, colour: str) -> Markup:
    """Return a 16-pixel legend glyph of a vis-network shape (our constants only, escaped anyway)."""
    body = _SHAPES.get(shape, _SHAPES["dot"])
    return Markup(  # noqa: S704 - built from this module's constants, the colour escaped
        f'<svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true">'
        f'<g fill="{html.escape(colour)}" stroke="#2b2b2b" stroke-width="1">{body}</g></svg>'
    )


@lru_cache(maxsize=2)
def _vis_file(name: str) -> str:
    import pyvis

    return (Path(pyvis.__file__).resolve().parent / "lib" / "vis-9.1.2" / name).read_text(encoding="utf-8")


def vis_js() -> str:
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


def vis_css() -> str:
    """Return vis-network's stylesheet as shipped in pyvis (it names no address)."""
    text = _vis_file("vis-network.css")
    if "://" in text or "</style" in text.lower():
        raise GraphError("the vis-network stylesheet in pyvis refers to an address; cannot inline it")
    return text


#: vis-network's options for the page (physics off: the positions are computed in Python).
OPTIONS: dict[str, Any] = {
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
