"""Evidence fetched by a shared end is exactly the evidence fetched row by row.

:func:`graph.query.statements.statements_into` asks for the evidence of many relations that share
an end with one query bound by that end; these tests compare what it loads with the row-by-row
fetch (``HUB`` too big to apply) on the bundled graph, in a folder, on ``oxigraph serve`` and on
Virtuoso: the same quads, none of a relation that was not asked, and the row-by-row fetch again
where the end holds far more evidence than was asked for.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.cli import main
from graph.core.model import KnowledgeGraph
from graph.query import statements
from graph.query.stores import OxigraphStore, RemoteStore, Store
from graph.query.walked import fetch_walked, walk_steps
from graph.store.data import data_dir
from graph.store.publish import load_into
from tests.servers import DEFAULT_GRAPH, oxigraph_server, virtuoso_server

Edge = tuple[str, str, str]
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = tmp_path_factory.mktemp("bundled")
    assert main(["load", "--into", str(where)]) == 0
    return where


@pytest.fixture(scope="module")
def remote() -> Iterator[str]:
    with oxigraph_server([]) as server:
        assert server.store is not None
        assert main(["load", "--into", server.store]) == 0
        yield server.sparql


@pytest.fixture(scope="module")
def virtuoso() -> Iterator[str]:
    with virtuoso_server([]) as server:
        assert server.store is not None and server.auth is not None
        load_into(server.store, data_dir(), graph=DEFAULT_GRAPH, auth=server.auth, progress=False)
        yield server.endpoint


def _fetched(
    store: Store, edges: set[Edge], hub: int, monkeypatch: pytest.MonkeyPatch
) -> tuple[set[ox.Quad], list[str]]:
    """Return what is loaded with ``HUB = hub``, and the queries asked."""
    monkeypatch.setattr(statements, "HUB", hub)
    calls: list[str] = []
    execute = store.execute

    def counted(text: str, *args: object) -> object:
        calls.append(text)
        return execute(text, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(store, "execute", counted)
    local = ox.Store()
    statements.statements_into(store, edges, local)
    monkeypatch.setattr(store, "execute", execute)
    return set(local), calls


def _by_end(calls: list[str]) -> int:
    """How many evidence fetches were bound by an end (no VALUES rows)."""
    return sum(text.startswith("CONSTRUCT") and "VALUES" not in text for text in calls)


def _counted(calls: list[str]) -> int:
    return sum("COUNT(*)" in text for text in calls)


def _edges(kg: KnowledgeGraph) -> set[Edge]:
    return {(str(s), str(p), str(o)) for s, o, p in kg.nx.edges(keys=True)}


def _ends(quads: set[ox.Quad], which: str) -> set[str]:
    """The subjects (``"subject"``) or objects of the relations the evidence nodes state."""
    return {
        q.object.value
        for q in quads
        if q.predicate.value == f"{_RDF}{which}" and isinstance(q.object, ox.NamedNode)
    }


@pytest.mark.parametrize("where", ["folder", "oxigraph serve", "virtuoso"])
def test_by_end_brings_the_same_evidence_as_row_by_row(
    where: str,
    kg: KnowledgeGraph,
    folder: Path,
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if where == "folder":
        store: Store = OxigraphStore.folder(folder)
    else:
        store = RemoteStore(request.getfixturevalue("remote" if where == "oxigraph serve" else "virtuoso"))
    edges = _edges(kg)
    by_rows, calls = _fetched(store, edges, 10**9, monkeypatch)
    assert _by_end(calls) == 0
    lines = sum(len(kg.nx.edges[s, o, p]["evidence"]) for s, o, p in kg.nx.edges(keys=True))
    assert len({q.subject for q in by_rows}) == lines
    by_ends, calls = _fetched(store, edges, 2, monkeypatch)
    assert _by_end(calls) > 10
    assert by_ends == by_rows


def test_relations_not_asked_are_left_out(
    kg: KnowledgeGraph, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = OxigraphStore.folder(folder)
    spasm = str(kg.index.resolve("back spasm"))
    symptoms = sorted(e for e in _edges(kg) if e[0] == spasm and e[1] == "hasSymptom")
    assert len(symptoms) >= 6
    asked = set(symptoms[:-1])  # all but one of the hub's symptoms: fetched by the hub
    got, calls = _fetched(store, asked, 2, monkeypatch)
    assert _by_end(calls) >= 1
    assert got == _fetched(store, asked, 10**9, monkeypatch)[0]
    assert _ends(got, "object") == {o for _, _, o in asked}
    assert _ends(got, "subject") == {spasm}


def test_an_end_with_far_more_evidence_is_fetched_row_by_row(
    kg: KnowledgeGraph, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = OxigraphStore.folder(folder)
    spasm = str(kg.index.resolve("back spasm"))
    symptoms = sorted(e for e in _edges(kg) if e[0] == spasm and e[1] == "hasSymptom")
    asked = set(symptoms[:1])  # one of many: the hub holds more than PER_RELATION nodes for it
    monkeypatch.setattr(statements, "PER_RELATION", 1)
    got, calls = _fetched(store, asked, 1, monkeypatch)
    assert _counted(calls) == 2 and _by_end(calls) == 0  # both ends counted, then left to the rows
    assert got == _fetched(store, asked, 10**9, monkeypatch)[0]
    assert _ends(got, "object") == {symptoms[0][2]}


def test_guidance_evidence_comes_from_every_store(
    kg: KnowledgeGraph, folder: Path, remote: str, virtuoso: str
) -> None:
    """The evidence of each guidance value (a literal, often language-tagged) is fetched on every engine."""
    spasm = str(kg.index.resolve("back spasm"))
    edges = walk_steps(OxigraphStore.folder(folder), spasm, [[("treats", True, frozenset())]])
    fetched = [
        set(fetch_walked(store, {spasm}, set(edges)))
        for store in (OxigraphStore.folder(folder), RemoteStore(remote), RemoteStore(virtuoso))
    ]
    guidance = {q for q in fetched[0] if q.predicate.value.endswith(("#duration", "#caution", "#timing"))}
    assert len(guidance) >= 5
    assert {(q.subject.value, q.predicate.value) for q in guidance} <= _stated_pairs(fetched[0])
    assert fetched[1] == fetched[0]
    assert fetched[2] == fetched[0]


def _stated_pairs(quads: set[ox.Quad]) -> set[tuple[str, str]]:
    """(subject, predicate) of every statement the evidence nodes state."""
    parts: dict[str, dict[str, str]] = {}
    for q in quads:
        if q.predicate.value in (f"{_RDF}subject", f"{_RDF}predicate") and isinstance(q.object, ox.NamedNode):
            parts.setdefault(str(q.subject), {})[q.predicate.value] = q.object.value
    return {(p[f"{_RDF}subject"], p[f"{_RDF}predicate"]) for p in parts.values() if len(p) == 2}
