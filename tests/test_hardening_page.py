"""The query page with hostile values: they show as text, links keep their IRI, no site can frame it."""

from __future__ import annotations

import http.client
import threading
from pathlib import Path

import pytest

from graph.present.endpoint import start
from tests.test_query_page import Visit, endpoint, visit  # noqa: F401 (fixtures)

MINI = Path(__file__).resolve().parent / "data" / "mini"
HOSTILE = "<img src=x onerror=\"document.title='pwned'\"><b>bold</b>"


@pytest.mark.browser
def test_hostile_labels_show_as_text(visit: Visit) -> None:  # noqa: F811 (the fixture)
    """A label full of markup is shown as the characters it holds; no element comes of it."""
    literal = HOSTILE.replace('"', '\\"')
    label = "http://www.w3.org/2000/01/rdf-schema#label"
    visit.run_in_editor(f'CONSTRUCT {{ <http://x/s> <{label}> "{literal}" }} WHERE {{}}')
    assert visit.status("ok").startswith("1 row")
    cell = visit.page.locator(".yasr td .nonIri").first
    assert cell.inner_text() == HOSTILE
    assert visit.page.locator(".yasr img, .yasr td b").count() == 0
    assert visit.page.title() != "pwned"
    visit.assert_clean()


@pytest.mark.browser
def test_an_iri_with_a_quote_stays_one_link(visit: Visit) -> None:  # noqa: F811 (the fixture)
    """An IRI holding ``'`` cannot break out of its ``href``: the link keeps the whole IRI, no handler."""
    iri = "http://x/'onmouseover='document.title=1'"
    visit.run_in_editor(f'SELECT ?x WHERE {{ BIND(IRI("{iri}") AS ?x) }}')
    assert visit.status("ok").startswith("1 row")
    link = visit.page.locator(".yasr td a.iri").first
    assert link.get_attribute("href") == iri
    assert link.inner_text() == iri
    names = link.evaluate("a => [...a.attributes].map((x) => x.name).sort()")
    assert names == ["class", "href", "rel", "target"]
    visit.assert_clean()


def test_the_page_cannot_be_framed() -> None:
    """The endpoint serves the page with ``frame-ancestors 'none'`` and ``X-Frame-Options: DENY``."""
    served = start("memory", MINI, port=0, timeout=5, workers=1)
    thread = threading.Thread(target=served.serve_forever, daemon=True)
    thread.start()
    try:
        connection = http.client.HTTPConnection("127.0.0.1", served.port, timeout=30)
        connection.request("GET", "/")
        response = connection.getresponse()
        response.read()
        connection.close()
    finally:
        served.close()
        thread.join(20)
    assert response.status == 200
    assert "frame-ancestors 'none'" in (response.getheader("Content-Security-Policy") or "")
    assert response.getheader("X-Frame-Options") == "DENY"
