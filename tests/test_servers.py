"""The test servers are real: each starts on loopback, holds exactly the bundled triples, and stops by pid."""

from __future__ import annotations

import json
import os
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import pyoxigraph
import pytest

from tests.servers import DEFAULT_GRAPH, Server, oxigraph_server, virtuoso_server

REPO = Path(__file__).resolve().parent.parent
FILES = [REPO / "data" / name for name in ("ontology.ttl", "sources.ttl", "triples.ttl")]
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
Starter = Callable[..., AbstractContextManager[Server]]
STARTERS: dict[str, Starter] = {"oxigraph": oxigraph_server, "virtuoso": virtuoso_server}

pytestmark = pytest.mark.server


def local_count(files: list[Path]) -> int:
    """Count the triples of the files parsed one by one into one in-memory pyoxigraph store."""
    store = pyoxigraph.Store()
    for path in files:
        store.bulk_load(path=str(path), format=pyoxigraph.RdfFormat.TURTLE)
    return len(store)


def remote_count(endpoint: str, query: str = COUNT) -> int:
    """POST a one-cell ``COUNT`` query to a SPARQL endpoint and return the number."""
    request = urllib.request.Request(  # noqa: S310 (loopback http)
        endpoint,
        data=urllib.parse.urlencode({"query": query}).encode("utf-8"),
        headers={
            "Accept": "application/sparql-results+json",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
        rows = json.load(response)["results"]["bindings"]
    return int(rows[0]["n"]["value"])


def alive(pid: int) -> bool:
    """Return whether a process with this id exists (and is not a zombie of ours)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/stat")
    return not (status.exists() and status.read_text().split(") ", 1)[1].startswith("Z"))


@pytest.fixture(scope="module", params=sorted(STARTERS))
def server(request: pytest.FixtureRequest) -> Iterator[Server]:
    """Each engine over the bundled graph, loaded into its default graph."""
    with STARTERS[request.param](FILES) as running:
        yield running


def test_the_server_holds_exactly_the_bundled_triples(server: Server) -> None:
    expected = local_count(FILES)
    assert expected > 5000
    assert remote_count(server.endpoint) == expected
    assert server.endpoint.startswith("http://127.0.0.1:")


def test_the_graph_store_endpoint_is_given(server: Server) -> None:
    assert server.store is not None and server.store.startswith("http://127.0.0.1:")


def test_virtuoso_default_graph_is_the_union_of_every_graph() -> None:
    """Unscoped, Virtuoso's default graph adds its built-in graphs; scoped, it is only our data."""
    with virtuoso_server(FILES[:1]) as running:
        assert running.graph == DEFAULT_GRAPH
        ours = remote_count(running.endpoint)
        assert ours == local_count(FILES[:1])
        assert remote_count(running.sparql) > ours
        named = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{DEFAULT_GRAPH}> {{ ?s ?p ?o }} }}"
        assert remote_count(running.sparql, named) == ours


@pytest.mark.parametrize("engine", sorted(STARTERS))
def test_a_named_graph_holds_the_data_and_the_server_stops_by_pid(engine: str) -> None:
    graph = "https://example.org/bskg-test-graph"
    with STARTERS[engine](FILES[:2], graph) as running:
        assert running.graph == graph
        assert remote_count(running.endpoint) == local_count(FILES[:2])
        named = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
        assert remote_count(running.sparql, named) == local_count(FILES[:2])
        pid, folder = running.pid, running.folder
        assert alive(pid)
    assert not alive(pid)
    assert folder is not None and not folder.exists()


def test_a_missing_virtuoso_skips_or_fails_as_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.delenv("BSKG_REQUIRE_VIRTUOSO", raising=False)
    with pytest.raises(pytest.skip.Exception, match="apt-get install -y virtuoso-opensource"):
        with virtuoso_server(FILES):
            pass
    monkeypatch.setenv("BSKG_REQUIRE_VIRTUOSO", "1")
    with pytest.raises(pytest.fail.Exception, match="BSKG_REQUIRE_VIRTUOSO=1"):
        with virtuoso_server(FILES):
            pass
