// The query page of backspasm-kg: YASGUI's Yasqe (editor) and Yasr (results), offline.
// Every request goes to this page's own origin, by relative URL: "query" (SPARQL 1.1 Protocol)
// and "named/NAME?param=value" (a named query with its parameters).
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const queries = JSON.parse($("queries").textContent);
  const prefixes = JSON.parse($("prefixes").textContent);
  const byName = new Map(queries.map((q) => [q.name, q]));
  const ACCEPT = "application/sparql-results+json, text/turtle;q=0.9";
  const RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label";

  const prefixBlock = Object.keys(prefixes).sort()
    .map((name) => `PREFIX ${name}: <${prefixes[name]}>`).join("\n") + "\n";
  const DEFAULT_QUERY = prefixBlock +
    "\nSELECT ?cause ?label WHERE {\n  ?cause bso:causes bs:back_spasm ; rdfs:label ?label .\n}\n";

  // Nothing from the network: only the project's prefixes are offered, no LOV, no prefix.cc,
  // no share links, no local storage, no endpoint but our own.
  Yasqe.forkAutocompleter("prefixes", {
    name: "localPrefixes",
    persistenceId: null,
    get: () => Promise.resolve(Object.keys(prefixes).sort().map((n) => `${n}: <${prefixes[n]}>`)),
  }, false);
  Yasqe.defaults.autocompleters = ["localPrefixes", "variables"];
  const run = () => { runQuery().catch((e) => showError(String(e && e.message || e))); };
  const yasqe = new Yasqe($("editor"), {
    value: DEFAULT_QUERY,
    persistenceId: null,
    consumeShareLink: null,
    createShareableLink: null,
    showQueryButton: false,
    prefixCcApi: null,
    editorHeight: "320px",
    requestConfig: { endpoint: "query", method: "POST" },
    extraKeys: { "Ctrl-Enter": run, "Cmd-Enter": run },
  });
  // Yasr builds each cell as HTML from the values (sanitized, not escaped: an IRI holding a quote
  // broke out of its href). Cells are built here from text instead: every value escaped, links
  // only to http(s) IRIs.
  const escapeHtml = (text) => String(text).replace(/[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
  function iriCell(iri, known, compact) {
    let shown = iri, prefixed = false;
    for (const [name, namespace] of Object.entries(known || {})) {
      if (namespace && iri.startsWith(namespace)) { shown = name + ":" + iri.slice(namespace.length); prefixed = true; break; }
    }
    const text = escapeHtml(shown);
    const inner = /^https?:\/\//i.test(iri)
      ? `<a class="iri" target="_blank" rel="noopener noreferrer" href="${escapeHtml(iri)}">${text}</a>`
      : `<span class="iri">${text}</span>`;
    return prefixed || compact ? inner : `&lt;${inner}&gt;`;
  }
  Yasr.plugins.table.prototype.getCellContent = function (binding, known) {
    const compact = !!(this.persistentConfig && this.persistentConfig.compact);
    if (binding.type === "uri") return `<div><span>${iriCell(binding.value, known, compact)}</span></div>`;
    let text = escapeHtml(binding.value);
    if (!compact && binding["xml:lang"]) text = `"${text}"<sup>@${escapeHtml(binding["xml:lang"])}</sup>`;
    else if (!compact && binding.datatype) text = `"${text}"<sup>^^${iriCell(binding.datatype, known, false)}</sup>`;
    return `<div><span class="nonIri">${text}</span></div>`;
  };
  // Yasr also passes each raw value through DOMPurify for DataTables' sort and search, which
  // parses it as HTML (a label "<img onerror=...>" became an element, stopped only by the CSP):
  // those get the escaped text, which DataTables reads back as the same characters.
  const columns = Yasr.plugins.table.prototype.getColumns;
  Yasr.plugins.table.prototype.getColumns = function () {
    const known = this.yasr.getPrefixes();
    return columns.call(this).map((column, index) => index === 0 ? column : {
      ...column,
      title: escapeHtml(column.name),
      render: (term, type) => term === "" ? term
        : (type === "filter" || type === "sort" || !type) ? escapeHtml(term.value)
          : this.getCellContent(term, known),
    });
  };
  // DataTables creates the rows of each page as it shows them: label the IRIs in each new row.
  Yasr.plugins.table.defaults.tableConfig.createdRow = (row) => decorate(row);
  const yasr = new Yasr($("results"), {
    persistenceId: null,
    prefixes: prefixes,
    pluginOrder: ["table", "response"],
    defaultPlugin: "table",
    plugins: { table: { dynamicConfig: { compact: true, isEllipsed: false } } },
  });

  // ---- examples and their parameter fields --------------------------------------------------
  let selected = null;   // the named query chosen, while the editor still holds its text unedited
  let pristine = "";
  function fieldsFor(query) {
    const box = $("fields");
    box.replaceChildren();
    $("question").textContent = query.question || query.title || "";
    for (const p of query.params || []) {
      const id = "param-" + p.name;
      const row = document.createElement("div");
      row.className = "field";
      const label = document.createElement("label");
      label.htmlFor = id;
      label.textContent = p.name + " ";
      const kind = document.createElement("span");
      kind.className = "kind";
      kind.textContent = p.kind;
      label.appendChild(kind);
      if (p.required) {
        const star = document.createElement("span");
        star.className = "required";
        star.textContent = " *";
        star.title = "required";
        label.appendChild(star);
      }
      const input = document.createElement("input");
      input.id = id;
      input.name = p.name;
      input.type = p.kind === "integer" ? "number" : "text";
      input.placeholder = p.help || "";
      input.title = p.help || "";
      input.required = !!p.required;
      input.autocomplete = "off";
      row.append(label, input);
      box.appendChild(row);
    }
    $("params").hidden = false;
  }
  function setMode() {
    const edited = selected !== null && yasqe.getValue() !== pristine;
    for (const input of $("fields").querySelectorAll("input")) input.disabled = edited;
    $("params").classList.toggle("edited", edited);
    $("mode").textContent = selected === null ? "" : edited
      ? "edited: runs as plain SPARQL, the fields no longer apply"
      : `runs as the named query ${selected.name} with the fields below`;
  }
  $("example").addEventListener("change", (event) => {
    const query = byName.get(event.target.value);
    if (!query) { selected = null; $("params").hidden = true; setMode(); return; }
    selected = query;
    pristine = prefixBlock + "\n" + query.text.replace(/\s+$/, "") + "\n";
    yasqe.setValue(pristine);
    yasqe.collapsePrefixes(true);
    fieldsFor(query);
    setMode();
  });
  yasqe.on("change", () => { clearErrorMark(); setMode(); });
  $("run").addEventListener("click", run);
  $("params").addEventListener("submit", (event) => { event.preventDefault(); run(); });
  $("params").addEventListener("keydown", (event) => {
    if ((event.ctrlKey || event.metaKey) && event.key === "Enter") { event.preventDefault(); run(); }
  });

  // ---- running ------------------------------------------------------------------------------
  let last = null;   // {text, contentType, name} of the last successful response, for downloads
  async function runQuery() {
    const started = performance.now();
    let response;
    $("status").className = "running";
    $("status").textContent = "running…";
    if (selected !== null && yasqe.getValue() === pristine) {
      const args = new URLSearchParams();
      for (const input of $("fields").querySelectorAll("input")) {
        const value = input.value.trim();
        if (value) args.append(input.name, value);
        else if (input.required) return showError(`Fill in ${input.name}: it is required.`);
      }
      const search = args.toString();
      response = await fetch("named/" + encodeURIComponent(selected.name) + (search ? "?" + search : ""),
        { headers: { Accept: ACCEPT } });
    } else {
      response = await fetch("query", {
        method: "POST",
        headers: { "Content-Type": "application/sparql-query", Accept: ACCEPT },
        body: yasqe.getValue(),
      });
    }
    const text = await response.text();
    const ms = Math.round(performance.now() - started);
    if (!response.ok) return showError(readableError(text, response.status));
    const contentType = response.headers.get("Content-Type") || "";
    let bindings = null, answer = "";
    if (contentType.includes("json")) {
      const parsed = JSON.parse(text);
      bindings = parsed.results ? parsed.results.bindings : null;
      if (typeof parsed.boolean === "boolean") answer = `ASK: ${parsed.boolean} · `;
    }
    if (bindings) await fetchLabels(bindings);   // before drawing, so the columns are sized with them
    last = { text, contentType, name: selected ? selected.name : "query" };
    clearErrorMark();
    $("results").hidden = false;
    yasr.setResponse({ data: text, contentType, status: response.status, executionTime: ms });
    const shown = yasr.results && yasr.results.getBindings();
    $("status").className = "ok";
    $("status").textContent = shown ? `${shown.length} row${shown.length === 1 ? "" : "s"} · ${ms} ms`
      : `${answer}${ms} ms`;
    $("downloads").hidden = !shown;
    if (shown && !bindings) {   // triples (CONSTRUCT, DESCRIBE): label them once Yasr has parsed them
      const before = labels.size;
      await fetchLabels(shown);
      if (labels.size > before) yasr.draw();
    }
  }

  // ---- errors: one readable line, with the position ------------------------------------------
  let errorMark = null;
  function clearErrorMark() {
    if (errorMark !== null) { yasqe.removeLineClass(errorMark, "background", "error-line"); errorMark = null; }
  }
  function expected(list) {
    // Oxigraph lists what it expected, including character classes; keep the words and symbols.
    const items = list.split(/,\s*(?![^[]*\])/).map((s) => s.trim())
      .filter((s) => s && !s.startsWith("[") && !s.includes("..=") && s !== "Prefix not found");
    return items.length ? "expected " + items.slice(0, 8).join(", ") + (items.length > 8 ? ", …" : "") : "";
  }
  function readableError(text, status) {
    const flat = String(text).replace(/\s+/g, " ").trim();
    let match = /error at (\d+):(\d+): (.*)$/.exec(flat) ||
      /at line (\d+), column (\d+): (.*)$/.exec(flat);
    if (match) {
      const line = Number(match[1]), column = Number(match[2]);
      let detail = match[3];
      if (/Prefix not found/.test(detail)) {
        const before = (yasqe.getDoc().getLine(line - 1) || "").slice(0, column);
        const name = /([A-Za-z][\w.-]*)?:[\w-]*\s*$/.exec(before);
        detail = `unknown prefix ${name ? (name[1] || "") + ":" : ""} (declare it with PREFIX)`;
      } else {
        const list = /^expected one of (.*)$/.exec(detail);
        if (list) detail = expected(list[1]) || "unexpected text";
      }
      if (line >= 1 && line <= yasqe.getDoc().lineCount()) {
        errorMark = yasqe.addLineClass(line - 1, "background", "error-line");
      }
      return `Syntax error at line ${line}, column ${column}: ${detail}`;
    }
    const first = flat.slice(0, 300) || `the endpoint answered ${status}`;
    return `Error ${status}: ${first}`;
  }
  function showError(message) {
    $("status").className = "error";
    $("status").textContent = message;
    $("results").hidden = true;
    $("downloads").hidden = true;
  }

  // ---- labels beside IRIs -------------------------------------------------------------------
  const labels = new Map();
  const SAFE_IRI = /^[^<>"{}|^`\\\u0000-\u0020]+$/;
  async function fetchLabels(bindings) {
    const iris = new Set();
    for (const row of bindings) {
      for (const term of Object.values(row)) {
        if (term.type === "uri" && !labels.has(term.value) && SAFE_IRI.test(term.value)) iris.add(term.value);
      }
    }
    const wanted = [...iris].slice(0, 1000);
    if (!wanted.length) return;
    const text = `SELECT ?s ?label WHERE { VALUES ?s { ${wanted.map((i) => "<" + i + ">").join(" ")} } ` +
      `?s <${RDFS_LABEL}> ?label }`;
    const response = await fetch("query", {
      method: "POST",
      headers: { "Content-Type": "application/sparql-query", Accept: "application/sparql-results+json" },
      body: text,
    });
    if (!response.ok) return;   // the results still show, without labels
    for (const row of (await response.json()).results.bindings) {
      if (!labels.has(row.s.value)) labels.set(row.s.value, row.label.value);
    }
  }
  function decorate(row) {
    for (const link of row.querySelectorAll("a.iri")) {
      const label = labels.get(link.getAttribute("href"));
      if (label === undefined) continue;
      const span = document.createElement("span");
      span.className = "iri-label";
      span.textContent = label;
      link.after(span);
    }
  }

  // ---- downloads ----------------------------------------------------------------------------
  function download(data, type, filename) {
    const link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([data], { type }));
    link.download = filename;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  }
  $("download-csv").addEventListener("click", () => {
    if (last && yasr.results) download(yasr.results.asCsv(), "text/csv", last.name + ".csv");
  });
  $("download-json").addEventListener("click", () => {
    if (last) download(last.text, last.contentType || "application/sparql-results+json", last.name + ".json");
  });
  setMode();
})();
