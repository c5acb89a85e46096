"""The SPARQL query page (vendored YASGUI) in a real headless Chromium, every other origin blocked.

The endpoint is written elsewhere; this file starts a minimal Starlette app on a free loopback port
that keeps the same contract over the bundled data with pyoxigraph: ``GET /`` the page,
``GET /static/...`` its assets, ``GET /queries.json``, ``POST /query`` (SPARQL 1.1 Protocol) and
``GET /named/NAME?param=value``. Engine errors go back as the engine's raw text, so the page's own
mapping to one readable line is what is tested. Without Chromium the browser tests skip, unless
``BSKG_REQUIRE_BROWSER=1``, which turns the skip into a failure.
"""

from __future__ import annotations

import csv
import io
import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import uvicorn
from pyoxigraph import Literal, NamedNode, QueryBoolean, QueryResultsFormat, QuerySolutions, RdfFormat, Store
from pyoxigraph import Variable as OxVariable
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from graph.core.vocab import PREFIXES
from graph.present.query_page import STATIC_DIR, render_page
from graph.query.named import named_queries

from .conftest import SCREENSHOTS

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"
SCREENSHOT = SCREENSHOTS / "query-page.png"
PREFIX_IRIS = {name: str(iri) for name, iri in PREFIXES.items()}
BS = PREFIX_IRIS["bs"]
JSON_RESULTS = "application/sparql-results+json"
BROWSER_400 = "Failed to load resource: the server responded with a status of 400"


# ---- the minimal endpoint ---------------------------------------------------------------------


def _queries_json() -> str:
    return json.dumps([{**q.as_dict(), "text": q.text} for q in named_queries().values()])


def _answer(store: Store, text: str, substitutions: dict[OxVariable, Any] | None = None) -> Response:
    try:
        result = store.query(text, prefixes=PREFIX_IRIS, substitutions=substitutions)
    except (SyntaxError, OSError, ValueError) as error:
        return PlainTextResponse(str(error), status_code=400)
    if isinstance(result, QuerySolutions | QueryBoolean):
        body = result.serialize(format=QueryResultsFormat.JSON)
        return Response(body, media_type=JSON_RESULTS)
    return Response(result.serialize(format=RdfFormat.TURTLE), media_type="text/turtle")


def _entity(store: Store, value: str) -> NamedNode | None:
    if value.startswith(("http://", "https://")):
        return NamedNode(value)
    prefix, colon, local = value.partition(":")
    if colon and prefix in PREFIX_IRIS and " " not in value:
        return NamedNode(PREFIX_IRIS[prefix] + local)
    found = store.query(
        "SELECT ?s ?name WHERE { ?s rdfs:label|skos:altLabel|skos:hiddenLabel ?l "
        "FILTER(LCASE(STR(?l)) = LCASE(?name)) } ORDER BY ?s LIMIT 1",
        prefixes=PREFIX_IRIS,
        substitutions={OxVariable("name"): Literal(value)},
    )
    assert isinstance(found, QuerySolutions)
    for row in found:
        node = row["s"]
        return node if isinstance(node, NamedNode) else None
    return None


def _app(store: Store) -> Starlette:
    queries_json = _queries_json()
    named = named_queries()

    async def page(request: Request) -> Response:
        return HTMLResponse(render_page(queries_json, PREFIX_IRIS))

    async def queries(request: Request) -> Response:
        return Response(queries_json, media_type="application/json")

    async def query(request: Request) -> Response:
        if request.method == "GET":
            text = request.query_params.get("query", "")
        elif request.headers.get("content-type", "").startswith("application/sparql-query"):
            text = (await request.body()).decode("utf-8")
        else:
            text = str((await request.form()).get("query", ""))
        if not text.strip():
            return PlainTextResponse("no query given", status_code=400)
        return _answer(store, text)

    async def run_named(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in named:
            return PlainTextResponse(f"no named query {name!r}", status_code=404)
        known = {p.name: p for p in named[name].params}
        bound: dict[OxVariable, Any] = {}
        for key, value in request.query_params.items():
            if key not in known:
                return PlainTextResponse(f"{name}: unknown parameter {key!r}", status_code=400)
            kind = known[key].kind
            if kind == "entity":
                node = _entity(store, value)
                if node is None:
                    return PlainTextResponse(f"{name}: no entity named {value!r}", status_code=400)
                bound[OxVariable(key)] = node
            elif kind == "relation":
                bound[OxVariable(key)] = NamedNode(PREFIX_IRIS["bso"] + value)
            elif kind == "integer":
                bound[OxVariable(key)] = Literal(int(value))
            else:
                bound[OxVariable(key)] = Literal(value)
        for param in known.values():
            if param.required and OxVariable(param.name) not in bound:
                return PlainTextResponse(f"{name}: {param.name} is required", status_code=400)
        return _answer(store, named[name].text, bound)

    return Starlette(
        routes=[
            Route("/", page),
            Route("/queries.json", queries),
            Route("/query", query, methods=["GET", "POST"]),
            Route("/named/{name}", run_named),
            Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
        ]
    )


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    store = Store()
    for path in sorted(DATA.glob("*.ttl")):
        if path.name != "shapes.ttl":
            store.load(path=str(path), format=RdfFormat.TURTLE)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(_app(store), log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert time.monotonic() < deadline, "the test endpoint did not start within 15 s"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()


# ---- the browser --------------------------------------------------------------------------------


class Visit:
    """One browser context on the page: other origins blocked and counted, the console watched."""

    def __init__(self, browser: Any, origin: str) -> None:
        self.origin = origin
        self.context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.off_origin: list[str] = []
        self.requests: list[str] = []
        self.answered_400 = 0
        self.context.route("**/*", self._route)
        self.page.on("request", self._seen)
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda e: self.errors.append(f"uncaught: {e}"))
        self.page.goto(origin + "/")
        self.page.wait_for_selector(".yasqe .CodeMirror")

    def _console(self, message: Any) -> None:
        if message.type != "error":
            return
        if message.text.startswith(BROWSER_400):
            self.answered_400 += 1  # Chromium's own line for a 400 answer to fetch(), which the page expects
        else:
            self.errors.append(message.text)

    def _same_origin(self, url: str) -> bool:
        parts, mine = urlsplit(url), urlsplit(self.origin)
        return (parts.scheme, parts.netloc) == (mine.scheme, mine.netloc)

    def _seen(self, request: Any) -> None:
        self.requests.append(request.url)
        if not self._same_origin(request.url) and not request.url.startswith(("data:", "blob:")):
            self.off_origin.append(request.url)

    def _route(self, route: Any) -> None:
        if self._same_origin(route.request.url):
            route.continue_()
        else:
            route.abort()

    def run_in_editor(self, text: str) -> None:
        """Replace the editor's text (typed, as a user pastes it) and press Ctrl-Enter there."""
        self.page.click(".yasqe .CodeMirror-code")
        self.page.keyboard.press("Control+a")
        self.page.keyboard.insert_text(text)
        self.page.keyboard.press("Control+Enter")

    def status(self, kind: str) -> str:
        self.page.wait_for_selector(f"#status.{kind}", timeout=15_000)
        return str(self.page.inner_text("#status"))

    def assert_clean(self, errors_shown: int = 0) -> None:
        """No request left the origin, no console error but the 400 answers of ``errors_shown`` runs."""
        assert self.off_origin == [], f"requests to other origins: {self.off_origin}"
        assert self.errors == [], f"console errors: {self.errors}"
        assert self.answered_400 == errors_shown


@pytest.fixture
def visit(browser: Any, endpoint: str) -> Iterator[Visit]:
    opened = Visit(browser, endpoint)
    yield opened
    opened.context.close()


# ---- the page without a browser -------------------------------------------------------------


def test_render_page_escapes_everything_and_loads_by_relative_urls() -> None:
    hostile = '[{"name": "x\\"><b>", "title": "</script><script>alert(1)</script>", "text": "ASK {}"}]'
    page = render_page(hostile, {"bs": "urn:x:</script>"})
    assert "<script>alert" not in page and "</script><b>" not in page
    assert page.count("</script>") == 4  # the two JSON blocks and the two scripts
    assert '<script type="application/json" id="queries">' in page
    assert 'src="static/yasgui/yasgui.min.js"' in page and 'href="static/query-page.css"' in page
    assert "http://" not in page.split('<script type="application/json"')[0]
    embedded = page.split('id="queries">')[1].split("</script>")[0]
    assert json.loads(embedded)[0]["title"] == "</script><script>alert(1)</script>"


def test_render_page_refuses_what_is_not_a_list_of_queries() -> None:
    with pytest.raises(ValueError, match="not JSON"):
        render_page("[{", {})
    with pytest.raises(ValueError, match='"name" and a "text"'):
        render_page('{"name": "x"}', {})


def test_vendored_yasgui_is_shipped_with_its_licence() -> None:
    folder = STATIC_DIR / "yasgui"
    assert (folder / "yasgui.min.js").stat().st_size > 500_000
    assert (folder / "yasgui.min.css").stat().st_size > 10_000
    assert "MIT License" in (folder / "LICENSE").read_text(encoding="utf-8")
    assert "@zazuko/yasgui 4.6.2" in (folder / "README.md").read_text(encoding="utf-8")


# ---- the page in Chromium -----------------------------------------------------------------------


@pytest.mark.browser
def test_editor_highlights_and_lists_the_named_queries(visit: Visit) -> None:
    page = visit.page
    keywords = page.locator(".yasqe .CodeMirror-code .cm-keyword").all_inner_texts()
    assert {"PREFIX", "SELECT", "WHERE"} <= {k.upper() for k in keywords}
    assert page.locator(".yasqe .CodeMirror-code .cm-variable-2, .yasqe .cm-atom").count() > 0
    options = page.locator("#example option").evaluate_all("os => os.map(o => o.value)")
    assert set(named_queries()) <= set(options)
    assert page.is_hidden("#params")
    visit.assert_clean()


@pytest.mark.browser
def test_named_query_runs_with_its_parameter_labels_and_downloads(visit: Visit) -> None:
    page = visit.page
    page.select_option("#example", "red_flags")
    field = page.locator("#param-condition")
    assert field.is_visible() and field.get_attribute("placeholder", timeout=1000)
    assert "condition" in page.inner_text("label[for=param-condition]")
    assert "entity" in page.inner_text("label[for=param-condition] .kind")
    assert "named query red_flags" in page.inner_text("#mode")
    field.fill("back spasm")
    field.press("Control+Enter")
    assert "row" in visit.status("ok")
    rows = page.locator(".yasr table.dataTable tbody tr")
    assert rows.count() > 0
    assert any("named/red_flags?condition=back+spasm" in url for url in visit.requests)
    page.wait_for_selector(".yasr .iri-label")
    condition = page.locator(f".yasr a.iri[href='{BS}back_spasm']").first
    assert condition.inner_text() == "bs:back_spasm"
    assert condition.evaluate("a => a.nextElementSibling.textContent") == "back spasm"
    for row in range(rows.count()):
        assert "bs:back_spasm" in rows.nth(row).inner_text()
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    top = {"x": 0, "y": 0, "width": 1280, "height": 1300}  # the form, the editor and the first rows
    page.screenshot(path=str(SCREENSHOT), full_page=True, clip=top)

    with page.expect_download() as caught:
        page.click("#download-csv")
    download = caught.value
    assert download.suggested_filename == "red_flags.csv"
    table = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    assert table[0] == list(named_queries()["red_flags"].columns)
    assert len(table) - 1 == int(visit.status("ok").split()[0])
    with page.expect_download() as caught:
        page.click("#download-json")
    results = json.loads(Path(caught.value.path()).read_text(encoding="utf-8"))
    assert results["head"]["vars"] == table[0]
    visit.assert_clean()


@pytest.mark.browser
def test_edited_named_query_runs_as_plain_sparql(visit: Visit) -> None:
    page = visit.page
    page.select_option("#example", "red_flags")
    page.click(".yasqe .CodeMirror-code")
    page.keyboard.press("Control+End")
    page.keyboard.insert_text("\nLIMIT 2")
    assert "plain SPARQL" in page.inner_text("#mode")
    assert page.locator("#param-condition").is_disabled()
    page.keyboard.press("Control+Enter")
    assert visit.status("ok").startswith("2 rows")
    assert not any("/named/" in url for url in visit.requests)
    visit.assert_clean()


@pytest.mark.browser
def test_syntax_error_is_one_readable_line_with_its_position(visit: Visit) -> None:
    visit.run_in_editor("SELECT ?x WHERE { ?x a }")
    message = visit.status("error")
    assert message.startswith("Syntax error at line 1, column 25: expected "), message
    assert "\n" not in message and "[_]" not in message and "error at 1:" not in message
    assert visit.page.locator(".yasqe .error-line").count() == 1
    assert visit.page.is_hidden("#results")
    visit.run_in_editor("SELECT ?x WHERE { ?x a nope:y }")
    message = visit.status("error")
    assert message.startswith("Syntax error at line 1, column"), message
    assert "unknown prefix nope:" in message and "\\u{" not in message
    visit.assert_clean(errors_shown=2)


@pytest.mark.browser
def test_prefixes_are_completed_from_the_local_list_only(visit: Visit) -> None:
    page = visit.page
    page.click(".yasqe .CodeMirror-code")
    page.keyboard.press("Control+Home")
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowUp")
    page.keyboard.type("PREFIX ")
    page.keyboard.press("Control+Space")
    page.wait_for_selector(".CodeMirror-hints")
    hints = page.locator(".CodeMirror-hints li").all_inner_texts()
    assert hints and all(h.split(":")[0] in PREFIX_IRIS for h in hints), hints
    visit.assert_clean()


@pytest.mark.browser
def test_ask_answer_and_construct_triples_with_labels(visit: Visit) -> None:
    visit.run_in_editor(f"ASK {{ <{BS}back_spasm> ?p ?o }}")
    assert visit.status("ok").startswith("ASK: true · ")
    visit.run_in_editor(f"CONSTRUCT {{ <{BS}back_spasm> ?p ?o }} WHERE {{ <{BS}back_spasm> ?p ?o }} LIMIT 3")
    assert visit.status("ok").startswith("3 rows")
    visit.page.wait_for_selector(".yasr .iri-label")
    subject = visit.page.locator(f".yasr a.iri[href='{BS}back_spasm']").first
    assert subject.evaluate("a => a.nextElementSibling.textContent") == "back spasm"
    visit.assert_clean()


@pytest.mark.browser
def test_named_query_asks_for_its_required_parameter(visit: Visit) -> None:
    visit.page.select_option("#example", "connected_treatments")
    assert visit.page.locator("label[for=param-entity] .required").count() == 1
    visit.page.click("#run")
    assert visit.status("error") == "Fill in entity: it is required."
    assert not any("/named/" in url for url in visit.requests)
    visit.assert_clean()
