"""The read-only endpoint, tested as a client would: a real `bskg serve` process on a loopback port."""

from __future__ import annotations

import http.client
import json
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import pytest
from rdflib import RDF, Graph, Namespace, URIRef
from rdflib.collection import Collection

from graph.present.endpoint import free_port, start
from graph.store.stores import load_into

pytestmark = pytest.mark.server

REPO = Path(__file__).resolve().parent.parent
MINI = REPO / "tests" / "data" / "mini"
W3C = REPO / "tests" / "data" / "w3c-sparql-protocol"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
RDFS_LABEL = URIRef("http://www.w3.org/2000/01/rdf-schema#label")


@dataclass
class Server:
    host: str
    port: int
    process: subprocess.Popen[str]

    @property
    def endpoint(self) -> str:
        return f"http://{self.host}:{self.port}/query"

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, str, bytes]:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, response.getheader("Content-Type") or "", response.read()
        finally:
            connection.close()


def _start(args: list[str]) -> Iterator[Server]:
    port = free_port()
    command = [sys.executable, "-m", "graph", *args, "--port", str(port)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO)
    assert process.stdout is not None
    line = process.stdout.readline()
    if "SPARQL endpoint" not in line:
        process.kill()
        pytest.fail(f"bskg serve did not start: {line} {process.stderr.read() if process.stderr else ''}")
    server = Server("127.0.0.1", port, process)
    try:
        yield server
    finally:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
        assert process.poll() is not None


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An Oxigraph store: the mini graph in the default graph, the W3C test data in named graphs."""
    import pyoxigraph as ox

    folder = tmp_path_factory.mktemp("served")
    load_into(str(folder), MINI)
    manifest = Graph().parse(W3C / "manifest.ttl", format="turtle")
    store = ox.Store(str(folder))
    names = {
        str(manifest.value(node, RDFS_LABEL)): str(manifest.value(node, UT.graph))
        for node in manifest.objects(None, UT.graphData)
    }
    for name, file in sorted(names.items()):
        data = (W3C / Path(urllib.parse.urlsplit(file).path).name).read_bytes()
        store.load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(name))
    store.flush()
    del store
    return folder


@pytest.fixture(scope="module")
def server(store_dir: Path) -> Iterator[Server]:
    yield from _start(
        ["serve", "--store", f"oxigraph:{store_dir}", "--timeout", "5", "--max-bytes", "200000"]
    )


def test_sparqlwrapper_select_ask_construct(server: Server) -> None:
    from SPARQLWrapper import JSON, TURTLE, SPARQLWrapper

    client = SPARQLWrapper(server.endpoint)
    client.setReturnFormat(JSON)
    client.setQuery(
        "PREFIX bso: <https://w3id.org/backspasm-kg/ontology#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>"
        " SELECT ?label WHERE { ?cause bso:causes ?c ; rdfs:label ?label } ORDER BY ?label"
    )
    rows = cast(Any, client.queryAndConvert())["results"]["bindings"]
    assert [row["label"]["value"] for row in rows] == ["dehydration", "poor posture", "stress"]
    client.setQuery("ASK { <https://w3id.org/backspasm-kg/id/stress> ?p ?o }")
    assert cast(Any, client.queryAndConvert())["boolean"] is True
    client.setMethod("POST")
    client.setReturnFormat(TURTLE)
    client.setQuery(
        "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o . FILTER(?s = <https://w3id.org/backspasm-kg/id/stress>) }"
    )
    graph = Graph().parse(data=cast(Any, client.queryAndConvert()), format="turtle")
    assert (URIRef("https://w3id.org/backspasm-kg/id/stress"), RDF.type, None) in graph


@pytest.mark.parametrize(
    ("accept", "kind"),
    [
        ("application/sparql-results+json", "json"),
        ("application/sparql-results+xml", "xml"),
        ("text/csv", "csv"),
        ("text/tab-separated-values", "tab-separated"),
    ],
)
def test_content_negotiation(server: Server, accept: str, kind: str) -> None:
    query = urllib.parse.quote("SELECT ?s WHERE { ?s a <https://w3id.org/backspasm-kg/ontology#Cause> }")
    status, content_type, body = server.request("GET", f"/query?query={query}", headers={"Accept": accept})
    assert status == 200 and kind in content_type
    assert b"dehydration" in body


def test_turtle_for_construct(server: Server) -> None:
    body = b"CONSTRUCT WHERE { <https://w3id.org/backspasm-kg/id/stress> ?p ?o }"
    status, content_type, payload = server.request(
        "POST", "/query", body, {"Content-Type": "application/sparql-query", "Accept": "text/turtle"}
    )
    assert status == 200 and "turtle" in content_type
    assert len(Graph().parse(data=payload.decode(), format="turtle")) >= 3


@pytest.mark.parametrize(
    ("method", "body", "headers"),
    [
        ("POST", b"update=CLEAR+ALL", {"Content-Type": "application/x-www-form-urlencoded"}),
        ("POST", b"DROP ALL", {"Content-Type": "application/sparql-update"}),
        ("GET", None, {}),
        ("PUT", b"<a> <b> <c> .", {"Content-Type": "application/n-triples"}),
        ("DELETE", None, {}),
    ],
)
def test_updates_are_refused_and_change_nothing(
    server: Server, method: str, body: bytes | None, headers: dict[str, str]
) -> None:
    path = "/query?update=CLEAR%20ALL" if method == "GET" else "/query"
    status, _, _ = server.request(method, path, body, headers)
    assert 400 <= status < 500
    count = urllib.parse.quote("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    status, _, payload = server.request(
        "GET", f"/query?query={count}", headers={"Accept": "application/json"}
    )
    assert status == 200 and int(json.loads(payload)["results"]["bindings"][0]["n"]["value"]) > 100


def test_service_is_refused(server: Server) -> None:
    body = b"SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    status, _, payload = server.request("POST", "/query", body, {"Content-Type": "application/sparql-query"})
    assert status == 403 and b"SERVICE is refused" in payload


def test_result_size_limit(server: Server) -> None:
    query = urllib.parse.quote("SELECT * WHERE { ?s ?p ?o . ?a ?b ?c } LIMIT 100000")
    status, _, payload = server.request("GET", f"/query?query={query}", headers={"Accept": "text/csv"})
    assert status == 413 and b"LIMIT" in payload


def test_time_limit_stops_a_runaway_query(server: Server) -> None:
    query = urllib.parse.quote("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }")
    started = time.monotonic()
    status, _, body = server.request("GET", f"/query?query={query}", headers={"Accept": "application/json"})
    assert status == 503 and b"was stopped" in body
    assert time.monotonic() - started < 55  # answered (with an error), did not hang
    status, _, _ = server.request("GET", "/query?query=ASK%7B%7D", headers={"Accept": "application/json"})
    assert status == 200


def test_query_page_is_offline_and_escaped(server: Server) -> None:
    status, content_type, body = server.request("GET", "/")
    page = body.decode("utf-8")
    assert status == 200 and "text/html" in content_type
    assert "<textarea" in page and "causes" in page
    assert (
        "http://"
        not in page.replace("http://www.w3.org", "")
        .replace("http://purl.org", "")
        .replace("http://xmlns.com", "")
        or 'src="http' not in page
    )
    assert 'src="http' not in page and 'href="http' not in page


def test_unknown_path_is_404(server: Server) -> None:
    assert server.request("GET", "/nothing")[0] == 404


# ---------------------------------------------------------------- W3C SPARQL 1.1 Protocol tests


def _manifest() -> list[tuple[str, list[dict[str, Any]]]]:
    graph = Graph().parse(W3C / "manifest.ttl", format="turtle")
    manifest = next(graph.subjects(RDF.type, MF.Manifest))
    tests = []
    for entry in Collection(graph, cast(Any, graph.value(manifest, MF.entries))):
        name = str(entry).rsplit("#", 1)[-1]
        action = graph.value(entry, MF.action)
        requests: list[dict[str, Any]] = []
        for request in Collection(graph, cast(Any, graph.value(action, HT.requests))):
            headers = {}
            header_list = graph.value(request, HT.headers)
            for header in Collection(graph, header_list) if header_list is not None else ():
                headers[str(graph.value(header, HT.fieldName))] = str(graph.value(header, HT.fieldValue))
            body_node = graph.value(request, HT.body)
            body = None
            if body_node is not None:
                encoding = str(graph.value(body_node, CNT.characterEncoding) or "UTF-8")
                body = str(graph.value(body_node, CNT.chars)).encode(encoding.lower())
            response = graph.value(request, HT.resp)
            requests.append(
                {
                    "method": str(graph.value(request, HT.methodName)),
                    "path": str(graph.value(request, HT.absolutePath)),
                    "headers": headers,
                    "body": body,
                    "status": sorted(
                        str(s).rsplit("#", 1)[-1] for s in graph.objects(response, MF.expectedStatus)
                    ),
                    "format": str(graph.value(response, MF.expectedFormat) or ""),
                    "boolean": graph.value(response, MF.expectedBoolean),
                }
            )
        tests.append((name, requests))
    return tests


MANIFEST = _manifest()


def _boolean(content_type: str, body: bytes) -> bool | None:
    if "json" in content_type:
        value = json.loads(body).get("boolean")
        return bool(value) if value is not None else None
    if "xml" in content_type:
        found = ET.fromstring(body).find("{http://www.w3.org/2005/sparql-results#}boolean")
        return found is not None and (found.text or "").strip() == "true"
    return None


_FORMATS = {
    "boolean": ("sparql-results+json", "sparql-results+xml"),
    "tabular": ("sparql-results+json", "sparql-results+xml", "text/csv", "tab-separated-values"),
    "RDF": ("rdf+xml", "turtle", "n-triples", "rdfa", "ld+json", "n-quads", "trig"),
}


@pytest.mark.parametrize(("name", "requests"), MANIFEST, ids=[name for name, _ in MANIFEST])
def test_w3c_protocol(server: Server, name: str, requests: list[dict[str, Any]]) -> None:
    if name.startswith(("update_", "bad_update_")):
        first = requests[0]
        status, _, _ = server.request(
            str(first["method"]),
            str(first["path"]),
            first["body"],
            first["headers"],
        )
        assert 400 <= status < 500, f"a read-only endpoint must refuse updates, got {status}"
        pytest.skip("not applicable: the endpoint is read-only (the update was refused with a 4xx)")
    for request in requests:
        status, content_type, body = server.request(
            str(request["method"]),
            str(request["path"]),
            request["body"],
            request["headers"],
        )
        assert f"StatusCode{status // 100}xx" in request["status"], (status, body[:300])
        expected_format = str(request["format"])
        if expected_format:
            assert any(kind in content_type for kind in _FORMATS[expected_format]), content_type
        if request["boolean"] is not None:
            assert _boolean(content_type, body) == bool(request["boolean"].toPython())


# ---------------------------------------------------------------- load test


def test_bounded_load_on_loopback(server: Server) -> None:
    """Several concurrent clients for a fixed time: no errors; latency percentiles printed."""
    from graph.query.run import named_queries
    from graph.store.stores import prefixed

    body = urllib.parse.urlencode({"query": prefixed(named_queries()["causes"].text)}).encode()
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + 3.0

    def client() -> None:
        connection = http.client.HTTPConnection(server.host, server.port, timeout=30)
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                connection.request(
                    "POST",
                    "/query",
                    body,
                    {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
                )
                response = connection.getresponse()
                payload = response.read()
                ok = response.status == 200 and b"dehydration" in payload
            except (OSError, http.client.HTTPException) as error:
                ok, payload = False, str(error).encode()
                connection.close()
                connection = http.client.HTTPConnection(server.host, server.port, timeout=30)
            with lock:
                if ok:
                    latencies.append(time.perf_counter() - started)
                else:
                    errors.append(payload[:200].decode("utf-8", "replace"))
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors[:3]
    assert len(latencies) >= 6
    cuts = statistics.quantiles(latencies, n=100)
    print(
        f"\nload test: 6 clients, 3 s, {len(latencies)} requests, "
        f"p50 {cuts[49] * 1000:.1f} ms, p90 {cuts[89] * 1000:.1f} ms, p99 {cuts[98] * 1000:.1f} ms"
    )


def test_serve_in_process_defaults_to_loopback() -> None:
    endpoint = start("memory", MINI, port=0)
    try:
        assert endpoint.host == "127.0.0.1"
        thread = threading.Thread(target=endpoint.serve_forever, daemon=True)
        thread.start()
        connection = http.client.HTTPConnection("127.0.0.1", endpoint.port, timeout=30)
        connection.request("GET", "/query?query=ASK%7B%7D", headers={"Accept": "application/json"})
        response = connection.getresponse()
        assert response.status == 200 and json.loads(response.read())["boolean"] is True
        connection.close()
    finally:
        endpoint.close()


def test_serve_refuses_a_remote_store() -> None:
    from graph.cli import main

    assert main(["serve", "--store", "sparql:http://127.0.0.1:9/query", "--port", "0"]) == 2
