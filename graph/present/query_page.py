"""The query page of ``bskg serve``: one self-contained HTML file, no CDN, results drawn as text nodes."""

from __future__ import annotations

import html
import json
from functools import cache

__all__ = ["page"]

_TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline';
 style-src 'unsafe-inline'; connect-src 'self'">
<title>backspasm-kg SPARQL</title>
<style>
body{font:15px/1.4 system-ui,sans-serif;margin:1.5rem;max-width:70rem;color:#222}
textarea{width:100%;height:14rem;font:13px/1.35 ui-monospace,monospace}
table{border-collapse:collapse;margin-top:1rem;font-size:13px}
td,th{border:1px solid #ccc;padding:.2rem .45rem;text-align:left;vertical-align:top}
th{background:#f3f3f3} #status{margin-left:1rem;color:#555} pre{white-space:pre-wrap}
</style></head><body>
<h1>backspasm-kg SPARQL endpoint</h1>
<p>Read-only. Send queries to <code>/query</code> (GET or POST, SPARQL 1.1 Protocol);
results as JSON, XML, CSV, TSV or Turtle by <code>Accept</code> header.
Prefixes <code>bs:</code>, <code>bso:</code>, <code>rdfs:</code>, <code>skos:</code>, …
are declared in the examples.</p>
<label>Example: <select id="example"><option value="">(choose a named query)</option>
__OPTIONS__</select></label>
<textarea id="query" spellcheck="false">__DEFAULT__</textarea>
<button id="run">Run</button> <span id="status"></span>
<div id="out"></div>
<script type="application/json" id="queries">__QUERIES__</script>
<script>
const queries = JSON.parse(document.getElementById("queries").textContent);
const box = document.getElementById("query"), out = document.getElementById("out");
const status = document.getElementById("status");
document.getElementById("example").addEventListener("change", e => {
  if (queries[e.target.value]) box.value = queries[e.target.value];
});
function cell(row, tag, text) {
  const c = document.createElement(tag); c.textContent = text; row.appendChild(c);
}
document.getElementById("run").addEventListener("click", async () => {
  status.textContent = "running…"; out.replaceChildren();
  const started = performance.now();
  try {
    const r = await fetch("query", {method: "POST",
      headers: {"Content-Type": "application/sparql-query",
                "Accept": "application/sparql-results+json, text/turtle;q=0.9"},
      body: box.value});
    const kind = r.headers.get("Content-Type") || "", text = await r.text();
    const ms = Math.round(performance.now() - started);
    if (!r.ok || !kind.includes("json")) {
      const pre = document.createElement("pre"); pre.textContent = text; out.appendChild(pre);
      status.textContent = (r.ok ? "" : "error " + r.status + " · ") + ms + " ms"; return;
    }
    const data = JSON.parse(text);
    if ("boolean" in data) { status.textContent = String(data.boolean) + " · " + ms + " ms"; return; }
    const table = document.createElement("table"), head = document.createElement("tr");
    data.head.vars.forEach(v => cell(head, "th", v)); table.appendChild(head);
    for (const b of data.results.bindings) {
      const row = document.createElement("tr");
      data.head.vars.forEach(v => cell(row, "td", b[v] ? b[v].value : ""));
      table.appendChild(row);
    }
    out.appendChild(table);
    status.textContent = data.results.bindings.length + " rows · " + ms + " ms";
  } catch (e) { status.textContent = "failed: " + e; }
});
</script></body></html>
"""


@cache
def page() -> str:
    """Return the query page, with every named query as an example (text escaped, JSON inert).

    >>> "<script>alert" not in page() and "causes" in page()
    True
    """
    from graph.query.run import named_queries
    from graph.store.stores import prefixed

    queries = {name: prefixed(query.text) for name, query in named_queries().items()}
    options = "".join(
        f'<option value="{html.escape(name)}">{html.escape(name)}: {html.escape(q.title)}</option>'
        for name, q in named_queries().items()
    )
    data = json.dumps(queries, ensure_ascii=True).replace("<", "\\u003c").replace(">", "\\u003e")
    default = prefixed(
        "SELECT ?cause ?label WHERE {\n  ?cause bso:causes bs:back_spasm ; rdfs:label ?label .\n}"
    )
    return (
        _TEMPLATE.replace("__OPTIONS__", options)
        .replace("__QUERIES__", data)
        .replace("__DEFAULT__", html.escape(default))
    )
