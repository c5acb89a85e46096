"""The endpoint as a client sees it: a real ``bskg serve`` on a free loopback port (issue #13)."""

from __future__ import annotations

import http.client
import json
import os
import socket
import statistics
import subprocess
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import pytest
from rdflib import RDF, Graph, Namespace, URIRef
from rdflib.collection import Collection

from graph.present.endpoint import start
from graph.store.publish import load_into
from tests.servers import bskg_serve, children

pytestmark = pytest.mark.server

REPO = Path(__file__).resolve().parent.parent
MINI = REPO / "tests" / "data" / "mini"
W3C = REPO / "tests" / "data" / "w3c-sparql-protocol"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
RDFS_LABEL = URIRef("http://www.w3.org/2000/01/rdf-schema#label")
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Server:
    port: int
    process: subprocess.Popen[str]

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, str, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, response.getheader("Content-Type") or "", response.read()
        finally:
            connection.close()

    def raw(self, data: bytes, wait: float = 5) -> bytes:
        with socket.create_connection(("127.0.0.1", self.port), timeout=wait) as sock:
            sock.sendall(data)
            return sock.recv(65536)

    def family(self) -> list[int]:
        """The server process and its children (the query workers)."""
        return [self.process.pid, *children(self.process.pid)]


def _cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / TICKS


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An Oxigraph store: the mini graph in the default graph, the W3C test data in named graphs."""
    import pyoxigraph as ox

    folder = tmp_path_factory.mktemp("served")
    load_into(str(folder), MINI)
    manifest = Graph().parse(W3C / "manifest.ttl", format="turtle")
    store = ox.Store(str(folder))
    for node in manifest.objects(None, UT.graphData):
        name, file = str(manifest.value(node, RDFS_LABEL)), str(manifest.value(node, UT.graph))
        data = (W3C / Path(urllib.parse.urlsplit(file).path).name).read_bytes()
        store.load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(name))
    store.flush()
    del store
    return folder


@pytest.fixture(scope="module")
def server(store_dir: Path) -> Iterator[Server]:
    arguments = ["serve", "--store", f"oxigraph:{store_dir}", "--timeout", "2", "--max-bytes", "200000"]
    with bskg_serve(arguments, {"BSKG_SERVE_WORKERS": "2"}) as (port, process):
        yield Server(port, process)


def _q(text: str) -> str:
    return "/query?query=" + urllib.parse.quote(text)


# ---------------------------------------------------------------- finding 1: duplicated headers


@pytest.mark.parametrize("order", ["form-first", "query-first"])
def test_duplicated_content_type_is_refused_and_nothing_connects_out(server: Server, order: str) -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.2", 0))
        listener.listen(5)
        listener.settimeout(1.5)
        target = f"http://127.0.0.2:{listener.getsockname()[1]}/sparql"
        kinds = ["application/x-www-form-urlencoded", "application/sparql-query"]
        if order == "query-first":
            kinds.reverse()
        text = f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}"
        body = urllib.parse.quote(text).replace("SERVICE", "%53ERVICE") if order == "query-first" else text
        request = (
            f"POST /query HTTP/1.1\r\nHost: x\r\nContent-Type: {kinds[0]}\r\nContent-Type: {kinds[1]}\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n{body}"
        ).encode()
        assert server.raw(request).startswith(b"HTTP/1.1 400")
        form = urllib.parse.urlencode({"query": text}).replace("SERVICE", "%53ERVICE").encode()
        status, _, _ = server.request(
            "POST", "/query", form, {"Content-Type": "application/x-www-form-urlencoded"}
        )
        assert status == 403
        with pytest.raises(TimeoutError):
            listener.accept()


# ---------------------------------------------------------------- finding 2: one port, no engine to reach


def test_only_the_asked_port_listens(server: Server) -> None:
    inodes = set()
    for pid in server.family():
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            target = os.readlink(fd) if fd.is_symlink() else ""
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    listening = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for row in Path(table).read_text().splitlines()[1:]:
            cols = row.split()
            if cols[3] == "0A" and cols[9] in inodes:
                listening.add(int(cols[1].rsplit(":", 1)[1], 16))
    assert listening == {server.port}
    status, _, body = server.request("GET", "/query")
    assert status == 400 and b"127.0.0.1:" not in body
    # relative IRIs resolve against the endpoint the client called, never against another port
    status, _, body = server.request(
        "GET", _q("CONSTRUCT { <rel> <p> <o> } WHERE {}"), headers={"Accept": "application/n-triples"}
    )
    assert status == 200 and body.startswith(f"<http://127.0.0.1:{server.port}/rel>".encode())


# ---------------------------------------------------------------- finding 3: runaway queries stop


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_runaway_queries_are_killed_and_cpu_stops(server: Server) -> None:
    killed: set[int] = set()
    for _ in range(2):  # two rounds: every worker (2) runs a runaway query, twice
        workers = set(server.family()[1:])
        killed |= workers
        results: list[int] = []

        def ask(into: list[int] = results) -> None:
            into.append(server.request("GET", _q(RUNAWAY))[0])

        threads = [threading.Thread(target=ask) for _ in workers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert results == [503] * len(workers)
        time.sleep(1.0)
        assert not [pid for pid in killed if _alive(pid)]  # SIGKILLed within a second of the limit
    deadline = time.monotonic() + 30
    while len(server.family()) < 3 and time.monotonic() < deadline:  # the replacements start
        time.sleep(0.2)
    status, _, body = server.request("GET", _q("ASK { ?s ?p ?o }"), headers={"Accept": "application/json"})
    assert status == 200 and json.loads(body)["boolean"] is True
    time.sleep(1.5)
    before = _cpu_seconds(server.family())
    time.sleep(1.0)
    assert _cpu_seconds(server.family()) - before < 0.3  # nobody left computing


# ---------------------------------------------------------------- finding 4: keep-alive is fast


def test_keep_alive_requests_do_not_stall(server: Server) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    times = []
    for _ in range(40):
        started = time.perf_counter()
        connection.request("POST", "/query", b"ASK {}", {"Content-Type": "application/sparql-query"})
        response = connection.getresponse()
        assert response.status == 200 and b"true" in response.read()
        times.append(time.perf_counter() - started)
    connection.close()
    assert statistics.median(times) < 0.02, statistics.median(times)


# ---------------------------------------------------------------- finding 5: protocol details


def test_construct_and_describe_default_to_turtle(server: Server) -> None:
    for text in ("CONSTRUCT WHERE { bs:stress ?p ?o }", "DESCRIBE bs:stress"):
        status, kind, body = server.request("GET", _q(text))
        assert status == 200 and kind.startswith("text/turtle")
        assert len(Graph().parse(data=body.decode(), format="turtle")) >= 3


def test_head_options_and_missing_query(server: Server) -> None:
    assert server.request("GET", "/query")[0] == 400
    assert server.request("GET", "/query", headers={"Accept": "*/*"})[0] == 400
    status, kind, body = server.request("GET", "/query", headers={"Accept": "text/turtle"})
    described = Graph().parse(data=body.decode(), format="turtle")
    sd = Namespace("http://www.w3.org/ns/sparql-service-description#")
    assert status == 200 and kind.startswith("text/turtle")
    assert (URIRef(f"http://127.0.0.1:{server.port}/query"), sd.endpoint, None) in described
    status, kind, body = server.request("HEAD", _q("ASK {}"))
    assert status == 200 and "sparql-results+json" in kind and body == b""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    connection.request("OPTIONS", "/query")
    response = connection.getresponse()
    assert response.status == 204 and "POST" in (response.getheader("Allow") or "")
    connection.close()


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"POST /query HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\nASK {}",
        b"GET /query?query=\xff HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /query?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n",
    ],
    ids=["bad-content-length", "raw-xff", "bad-header"],
)
def test_malformed_requests_get_400(server: Server, request_bytes: bytes) -> None:
    assert server.raw(request_bytes).startswith(b"HTTP/1.1 400")


def test_body_limit(server: Server) -> None:
    big = b"ASK {} #" + b"x" * 2_000_000
    status, _, _ = server.request("POST", "/query", big, {"Content-Type": "application/sparql-query"})
    assert status == 413


def test_slow_bodies_time_out_and_half_sent_requests_cost_no_threads() -> None:
    endpoint = start("memory", MINI, port=0, timeout=5, read_timeout=1.0)
    thread = threading.Thread(target=endpoint.serve_forever, daemon=True)
    thread.start()
    sockets = []
    try:
        for _ in range(100):  # from another address: at most 64 connections per client are held
            sock = socket.create_connection(
                ("127.0.0.1", endpoint.port), timeout=10, source_address=("127.0.0.2", 0)
            )
            sock.sendall(
                b"POST /query HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                b"Content-Length: 100\r\n\r\nASK"
            )
            sockets.append(sock)
        assert threading.active_count() < 20
        started = time.monotonic()
        assert sockets[0].recv(4096).startswith(b"HTTP/1.1 408")
        assert time.monotonic() - started < 5
        connection = http.client.HTTPConnection("127.0.0.1", endpoint.port, timeout=10)
        connection.request("GET", _q("ASK {}"))
        assert connection.getresponse().status == 200
        connection.close()
    finally:
        for sock in sockets:
            sock.close()
        endpoint.close()
    assert endpoint.host == "127.0.0.1"


def test_result_size_limit(server: Server) -> None:
    status, _, body = server.request("GET", _q("SELECT * WHERE { ?s ?p ?o . ?a ?b ?c } LIMIT 100000"))
    assert status == 413 and b"LIMIT" in body


@pytest.mark.parametrize(
    ("method", "path", "body", "headers"),
    [
        ("POST", "/query", b"update=CLEAR+ALL", {"Content-Type": "application/x-www-form-urlencoded"}),
        ("POST", "/query", b"DROP ALL", {"Content-Type": "application/sparql-update"}),
        ("POST", "/query", b"DROP ALL", {"Content-Type": "application/sparql-query"}),
        ("GET", "/query?update=CLEAR%20ALL", None, {}),
        ("PUT", "/query", b"<a> <b> <c> .", {"Content-Type": "application/n-triples"}),
        ("DELETE", "/query", None, {}),
        ("GET", _q("SELECT * FROM <http://evil.example/g> { ?s ?p ?o }"), None, {}),
        ("GET", _q("SELECT * { SERVICE SILENT ?x { ?s ?p ?o } }"), None, {}),
        ("GET", _q("SELECT * { \\u0053ERVICE <http://127.0.0.2:9/> { ?s ?p ?o } }"), None, {}),
    ],
)
def test_updates_and_outside_reads_are_refused(
    server: Server, method: str, path: str, body: bytes | None, headers: dict[str, str]
) -> None:
    status, _, _ = server.request(method, path, body, headers)
    assert 400 <= status < 500


# ---------------------------------------------------------------- extra routes


def test_named_queries_route(server: Server) -> None:
    status, kind, body = server.request(
        "GET", "/named/treatments_for?cause=dehydration", headers={"Accept": "text/csv"}
    )
    assert status == 200 and kind.startswith("text/csv") and b"id/drinking_water" in body
    assert server.request("GET", "/named/treatments_for?caus=x")[0] == 400
    assert server.request("GET", "/named/no_such_query")[0] == 400
    status, _, body = server.request("GET", "/queries.json")
    listed = json.loads(body)
    assert status == 200 and {"name", "params", "text"} <= set(listed[0])
    assert server.request("GET", "/static/../../graph/__init__.py")[0] == 404
    status, kind, _ = server.request("GET", "/")
    assert status == 200 and "text/html" in kind


# ---------------------------------------------------------------- W3C SPARQL 1.1 Protocol tests


def _manifest() -> list[tuple[str, list[dict[str, Any]]]]:
    graph = Graph().parse(W3C / "manifest.ttl", format="turtle")
    manifest = next(graph.subjects(RDF.type, MF.Manifest))
    tests = []
    for entry in Collection(graph, cast(Any, graph.value(manifest, MF.entries))):
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
                    "status": {str(s).rsplit("#", 1)[-1] for s in graph.objects(response, MF.expectedStatus)},
                    "format": str(graph.value(response, MF.expectedFormat) or ""),
                    "boolean": graph.value(response, MF.expectedBoolean),
                }
            )
        tests.append((str(entry).rsplit("#", 1)[-1], requests))
    return tests


MANIFEST = _manifest()
_FORMATS = {
    "boolean": ("sparql-results+json", "sparql-results+xml"),
    "tabular": ("sparql-results+json", "sparql-results+xml", "text/csv", "tab-separated-values"),
    "RDF": ("rdf+xml", "turtle", "n-triples"),
}


@pytest.mark.parametrize(("name", "requests"), MANIFEST, ids=[name for name, _ in MANIFEST])
def test_w3c_protocol(server: Server, name: str, requests: list[dict[str, Any]]) -> None:
    if name.startswith(("update_", "bad_update_")):
        first = requests[0]
        status, _, _ = server.request(first["method"], first["path"], first["body"], first["headers"])
        assert 400 <= status < 500, f"a read-only endpoint must refuse updates, got {status}"
        pytest.skip("not applicable: the endpoint is read-only (the update was refused with a 4xx)")
    for request in requests:
        status, kind, body = server.request(
            request["method"], request["path"], request["body"], request["headers"]
        )
        assert f"StatusCode{status // 100}xx" in request["status"], (status, body[:300])
        if request["format"]:
            assert any(k in kind for k in _FORMATS[request["format"]]), kind
        if request["boolean"] is not None:
            assert json.loads(body)["boolean"] is bool(request["boolean"].toPython())


# ---------------------------------------------------------------- bounded load


def test_bounded_load_keep_alive(server: Server) -> None:
    """4 clients x 200 requests on kept-alive connections, loopback only: no errors."""
    body = b"SELECT ?s WHERE { ?s a bso:Cause }"
    errors: list[str] = []
    latencies: list[float] = []
    lock = threading.Lock()

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        for _ in range(200):
            started = time.perf_counter()
            try:
                connection.request("POST", "/query", body, {"Content-Type": "application/sparql-query"})
                response = connection.getresponse()
                ok = response.status == 200 and b"dehydration" in response.read()
            except (OSError, http.client.HTTPException) as error:
                ok = False
                with lock:
                    errors.append(str(error))
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
            with lock:
                (latencies if ok else errors).append(time.perf_counter() - started)  # type: ignore[arg-type]
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors and len(latencies) == 800


# ---------------------------------------------------------------- clients and formats


def test_sparqlwrapper_select_ask_construct(server: Server) -> None:
    from SPARQLWrapper import JSON, TURTLE, SPARQLWrapper

    client = SPARQLWrapper(f"http://127.0.0.1:{server.port}/query")
    client.setReturnFormat(JSON)
    client.setQuery("SELECT ?label WHERE { ?cause bso:causes ?c ; rdfs:label ?label } ORDER BY ?label")
    rows = cast(Any, client.queryAndConvert())["results"]["bindings"]
    assert [row["label"]["value"] for row in rows] == ["dehydration", "poor posture", "stress"]
    client.setQuery("ASK { <https://w3id.org/backspasm-kg/id/stress> ?p ?o }")
    assert cast(Any, client.queryAndConvert())["boolean"] is True
    client.setMethod("POST")
    client.setReturnFormat(TURTLE)
    client.setQuery("CONSTRUCT WHERE { bs:stress ?p ?o }")
    graph = Graph().parse(data=cast(Any, client.queryAndConvert()), format="turtle")
    assert (URIRef("https://w3id.org/backspasm-kg/id/stress"), RDF.type, None) in graph


@pytest.mark.parametrize(
    ("accept", "kind"),
    [
        ("application/sparql-results+json", "sparql-results+json"),
        ("application/sparql-results+xml", "sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "tab-separated-values"),
        ("text/csv;q=0.2, application/sparql-results+xml;q=0.9", "sparql-results+xml"),
    ],
)
def test_content_negotiation(server: Server, accept: str, kind: str) -> None:
    status, content_type, body = server.request(
        "GET", _q("SELECT ?s WHERE { ?s a bso:Cause }"), headers={"Accept": accept}
    )
    assert status == 200 and kind in content_type and b"dehydration" in body


@pytest.mark.parametrize(
    ("accept", "kind"), [("application/n-triples", "n-triples"), ("application/rdf+xml", "rdf+xml")]
)
def test_graph_formats(server: Server, accept: str, kind: str) -> None:
    status, content_type, body = server.request("GET", _q("DESCRIBE bs:stress"), headers={"Accept": accept})
    fmt = "nt" if kind == "n-triples" else "xml"
    assert status == 200 and kind in content_type and len(Graph().parse(data=body.decode(), format=fmt)) >= 3
    assert server.request("GET", _q("DESCRIBE bs:stress"), headers={"Accept": "image/png"})[0] == 406
