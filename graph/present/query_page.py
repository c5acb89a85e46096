"""The query page of the SPARQL endpoint: YASGUI's editor and result table, vendored, offline.

The page is static HTML around two inert JSON blocks (the named queries and the prefixes). Its script
and styles come from ``static/`` by relative URLs, and it talks to the endpoint by relative URLs too
(``query`` for SPARQL, ``named/NAME`` for a named query with its parameters), so it works wherever
the endpoint is mounted and makes no request to any other origin.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

__all__ = ["PAGE_HEADERS", "STATIC_DIR", "page_with_queries", "render_page"]

STATIC_DIR = Path(__file__).resolve().parent / "static"
"""The folder the endpoint serves at ``static/``: the vendored YASGUI and the page's own JS/CSS."""

_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "connect-src 'self'; img-src 'self' data: blob:; font-src 'self'; base-uri 'none'; form-action 'none'"
)
#: Headers the page is served with: its policy again, with ``frame-ancestors`` (which a ``<meta>``
#: policy cannot carry), so no other site can frame it.
PAGE_HEADERS = {
    "Content-Security-Policy": _CSP + "; frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
}

_TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<title>backspasm-kg SPARQL</title>
<link rel="stylesheet" href="static/yasgui/yasgui.min.css">
<link rel="stylesheet" href="static/query-page.css">
</head><body>
<header>
<h1>backspasm-kg SPARQL</h1>
<p>A read-only SPARQL 1.1 endpoint at <code>query</code> over what five articles say about back
spasms. Prefixes {prefix_names} are declared; type a prefix to have it added.
<kbd>Ctrl</kbd>+<kbd>Enter</kbd> runs the query.</p>
</header>
<div class="toolbar">
<label for="example">Example</label>
<select id="example"><option value="">(your own query)</option>
{options}</select>
<button id="run" type="button">Run</button>
<span id="mode"></span>
</div>
<form id="params" hidden>
<p id="question"></p>
<div id="fields"></div>
</form>
<div id="editor"></div>
<div id="status" role="status" aria-live="polite"></div>
<div id="downloads" hidden>Download
<button type="button" id="download-csv">CSV</button>
<button type="button" id="download-json">JSON</button>
</div>
<div id="results"></div>
<script type="application/json" id="queries">{queries}</script>
<script type="application/json" id="prefixes">{prefixes}</script>
<script src="static/yasgui/yasgui.min.js"></script>
<script src="static/query-page.js"></script>
</body></html>
"""


def _inert_json(value: object) -> str:
    """Serialise ``value`` for a ``<script type="application/json">``: no ``<``, ``>`` or ``&`` left."""
    text = json.dumps(value, ensure_ascii=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _queries(queries_json: str) -> list[dict[str, object]]:
    try:
        queries = json.loads(queries_json)
    except json.JSONDecodeError as error:
        raise ValueError(f"queries_json is not JSON: {error}") from None
    if not isinstance(queries, list) or not all(
        isinstance(q, dict) and isinstance(q.get("name"), str) and isinstance(q.get("text"), str)
        for q in queries
    ):
        raise ValueError('queries_json must be a list of objects with a "name" and a "text"')
    return queries


def render_page(queries_json: str, prefixes: dict[str, str]) -> str:
    """Return the query page as HTML, every text escaped and the data embedded as inert JSON.

    Parameters
    ----------
    queries_json : str
        The named queries as the endpoint's ``queries.json`` gives them: a JSON list of
        ``{"name", "title", "question", "params", "columns", "text"}``.
    prefixes : dict[str, str]
        Prefix name to namespace IRI, declared in the editor and offered for completion.

    Returns
    -------
    str
        The page; it loads ``static/yasgui/*`` and ``static/query-page.*`` by relative URLs.

    Raises
    ------
    ValueError
        If ``queries_json`` is not a JSON list of objects with a name and a text.

    Examples
    --------
    >>> page = render_page('[{"name": "x", "title": "</script><b>", "text": "ASK {}"}]', {"bs": "urn:x:"})
    >>> "</script><b>" in page, "&lt;/script&gt;&lt;b&gt;" in page
    (False, True)
    """
    queries = _queries(queries_json)
    options = "\n".join(
        f'<option value="{html.escape(str(q["name"]))}">'
        f"{html.escape(str(q['name']))}: {html.escape(str(q.get('title', '')))}</option>"
        for q in queries
    )
    prefix_names = ", ".join(f"<code>{html.escape(name)}:</code>" for name in sorted(prefixes))
    return _TEMPLATE.format(
        csp=html.escape(_CSP),
        prefix_names=prefix_names,
        options=options,
        queries=_inert_json(queries),
        prefixes=_inert_json({str(k): str(v) for k, v in prefixes.items()}),
    )


def page_with_queries() -> str:
    """Return the query page (:mod:`graph.present.query_page`) with the named queries and prefixes."""
    from graph.core.vocab import PREFIXES
    from graph.present.query_page import render_page
    from graph.query.run import named_queries

    queries = json.dumps([{**q.as_dict(), "text": q.text} for q in named_queries().values()])
    return render_page(queries, {prefix: str(namespace) for prefix, namespace in PREFIXES.items()})
