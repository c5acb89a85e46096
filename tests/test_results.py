"""One results writer: ``bskg query --format F`` prints the bytes the endpoint sends for format F."""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import urllib.parse
from collections.abc import Iterator

import pytest

from graph.cli import main
from graph.present.endpoint import free_port
from graph.query.results import FORMATS

from .conftest import MINI, REPO

#: Literals with languages, datatypes, quotes, commas, tabs and newlines; unbound cells; a boolean.
QUERIES = {
    "select": (
        "SELECT ?s ?label ?alt ?n ?odd WHERE { ?s rdfs:label ?label OPTIONAL { ?s skos:altLabel ?alt } "
        'BIND(STRLEN(?label) AS ?n) BIND(IF(?n > 8, "a,\\"b\\"\\tc\\nd", ?undefined) AS ?odd) } '
        "ORDER BY ?s ?label ?alt"
    ),
    "ask": "ASK { ?s a bso:Medication }",
    "construct": "CONSTRUCT { ?s rdfs:label ?l ; a ?c } WHERE { ?s rdfs:label ?l ; a ?c } ORDER BY ?s ?l ?c",
}
ACCEPT = {name: media.split(";")[0] for name, (media, _) in FORMATS.items()}
CASES = [
    (query, fmt)
    for query in QUERIES
    for fmt, (_, shape) in FORMATS.items()
    if (shape == "graph") == (query == "construct")
]


@pytest.fixture(scope="module")
def endpoint() -> Iterator[int]:
    """``bskg serve`` over the mini graph on a free loopback port."""
    port = free_port()
    command = [sys.executable, "-m", "graph", "--data", str(MINI), "serve", "--port", str(port)]
    env = {**os.environ, "PYTHONPATH": str(REPO), "BSKG_SERVE_WORKERS": "1"}
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    assert process.stdout is not None
    line = process.stdout.readline()
    if "SPARQL endpoint" not in line:
        process.kill()
        pytest.fail(f"bskg serve did not start: {line}")
    try:
        yield port
    finally:
        process.terminate()
        process.wait(20)


def _served(port: int, text: str, fmt: str) -> bytes:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", "/query?query=" + urllib.parse.quote(text), headers={"Accept": ACCEPT[fmt]})
        response = connection.getresponse()
        body = response.read()
        assert response.status == 200, body
        return body
    finally:
        connection.close()


@pytest.mark.server
@pytest.mark.parametrize(("query", "fmt"), CASES, ids=[f"{q}-{f}" for q, f in CASES])
def test_cli_prints_the_endpoints_bytes(
    endpoint: int, capsysbinary: pytest.CaptureFixture[bytes], query: str, fmt: str
) -> None:
    code = main(["--data", str(MINI), "query", QUERIES[query], "--format", fmt])
    printed = capsysbinary.readouterr().out
    assert code == 0
    assert printed and printed == _served(endpoint, QUERIES[query], fmt)


def test_a_format_that_does_not_fit_the_query_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--data", str(MINI), "query", QUERIES["ask"], "--format", "turtle"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "returns solutions" in err
