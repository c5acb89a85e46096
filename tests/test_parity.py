"""Every named query gives the same rows on the four stores: memory, an Oxigraph folder,
``oxigraph serve`` and Virtuoso 7.2 (issue #16).

The bundled graph is loaded into each store the way a user would (``load_into``: a folder, the
Oxigraph server's Graph Store Protocol endpoint, Virtuoso's ``/sparql-graph-crud-auth`` with a
named graph and digest credentials) and every named query runs unbound (unless a parameter is
required), with each parameter bound alone, and with all of them bound together. Rows are compared
in order, cell by cell as (text, datatype or language); the items of aggregated lists are compared
sorted (SPARQL leaves ``GROUP_CONCAT`` order to the engine). Virtuoso is skipped with a reason when
it is not installed, and missing it fails the run when ``BSKG_REQUIRE_VIRTUOSO=1``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rdflib import Literal

from graph.cli import main
from graph.core.model import KnowledgeGraph
from graph.query.results import Answer
from graph.query.run import named_queries, run
from graph.query.stores import OxigraphStore, RemoteStore, Store
from graph.store.data import data_dir, data_files
from graph.store.publish import load_into
from tests.servers import DEFAULT_GRAPH, oxigraph_server, virtuoso_server
from tests.test_pinned import QUESTIONS as PINNED
from tests.test_queries import normalise

pytestmark = pytest.mark.server

#: A value for every parameter of every named query, names as a user types them (bundled graph).
VALUES: dict[str, dict[str, str]] = {
    "agreed_causes": {"condition": "back spasm"},
    "by_name": {"name": "Tylenol"},
    "causes": {"condition": "back spasm"},
    "class_members": {"drug_class": "NSAID"},
    "conditions_with_symptom": {"symptom": "back spasm"},
    "connected_treatments": {"entity": "herniated disc"},
    "drug_class_details": {"drug_class": "muscle relaxant"},
    "evidence": {"subject": "stress", "predicate": "causes", "object": "back spasm"},
    "guidance": {"entity": "rest"},
    "mimics": {"condition": "back spasm"},
    "negative_claims": {"subject": "bed rest"},
    "preventions": {"condition": "back spasm"},
    "radiating_symptoms": {"symptom": "backache"},
    "red_flags": {"condition": "back spasm"},
    "relations": {"subject": "ibuprofin", "object": "back spasm"},
    "risk_groups": {"condition": "back spasm"},
    "side_effects": {"drug": "cyclobenzaprine"},
    "symptoms": {"condition": "back spasm"},
    "treatments_for": {"cause": "dehydration"},
    "what_is": {"entity": "Advil"},
}


def _cases() -> list[tuple[str, dict[str, str]]]:
    """Each query unbound (unless a parameter is required), each parameter alone, and all together."""
    cases: list[tuple[str, dict[str, str]]] = []
    for name, query in sorted(named_queries().items()):
        values = VALUES.get(name, {})
        assert {p.name for p in query.params} == set(values), f"VALUES misses a parameter of {name}"
        if not any(p.required for p in query.params):
            cases.append((name, {}))
        cases.extend((name, {key: value}) for key, value in values.items())
        if len(values) > 1:
            cases.append((name, dict(values)))
    return cases


CASES = _cases()


def _id(case: tuple[str, dict[str, str]]) -> str:
    name, params = case
    return name + "".join(f"[{key}={value}]" for key, value in params.items())


def _kinds(answer: Answer) -> list[list[str]]:
    """Each cell's datatype or language (empty for an IRI, a plain string or no value)."""
    return [
        [(term.language or str(term.datatype or "")) if isinstance(term, Literal) else "" for term in row]
        for row in answer.rows
    ]


Table = tuple[list[str], list[list[str]], list[list[str]]]


def _table(store: Store, name: str, params: dict[str, Any]) -> Table:
    answer = run(store, name, **params)
    return [str(v) for v in answer.vars], normalise(answer), _kinds(answer)


@pytest.fixture(scope="module")
def files() -> list[Path]:
    return data_files(data_dir())


@pytest.fixture(scope="module")
def folder_store(files: list[Path], tmp_path_factory: pytest.TempPathFactory) -> OxigraphStore:
    folder = tmp_path_factory.mktemp("parity-oxigraph")
    load_into(str(folder), data_dir(), progress=False)
    return OxigraphStore.folder(folder)


@pytest.fixture(scope="module")
def oxigraph_remote() -> Iterator[RemoteStore]:
    with oxigraph_server([]) as server:
        assert server.store is not None
        load_into(server.store, data_dir(), progress=False)
        yield RemoteStore(server.sparql)


@pytest.fixture(scope="module")
def virtuoso_remote() -> Iterator[RemoteStore]:
    with virtuoso_server([]) as server:
        assert server.store is not None and server.auth is not None
        load_into(server.store, data_dir(), graph=DEFAULT_GRAPH, auth=server.auth, progress=False)
        yield RemoteStore(server.endpoint)


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_oxigraph_folder_and_server_match_memory(
    kg: KnowledgeGraph,
    folder_store: OxigraphStore,
    oxigraph_remote: RemoteStore,
    case: tuple[str, dict[str, str]],
) -> None:
    name, params = case
    expected = _table(OxigraphStore.of(kg), name, params)
    assert expected[1], f"{_id(case)} has no rows: choose a value that answers"
    assert _table(folder_store, name, params) == expected
    assert _table(oxigraph_remote, name, params) == expected


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_virtuoso_matches_memory(
    kg: KnowledgeGraph, virtuoso_remote: RemoteStore, case: tuple[str, dict[str, str]]
) -> None:
    name, params = case
    assert _table(virtuoso_remote, name, params) == _table(OxigraphStore.of(kg), name, params)


def test_every_query_has_a_case_unbound_or_bound() -> None:
    assert {name for name, _ in CASES} == set(named_queries())


#: The question commands that take ``--store`` (graph/cli/questions.py), as pinned in test_pinned.
_ASKING = {"treatments", "causes", "symptoms", "red-flags", "prevent", "side-effects", "members"}
_ASKING |= {"mimics", "symptom-of", "at-risk", "spreads", "path", "top"}
QUESTIONS = [argv for argv in PINNED if argv[0] in _ASKING]
QUESTIONS += [["spreads", "back spasm", "--json"], ["path", "labor", "stretching", "--json"]]
QUESTIONS += [["red-flags", "back spasm", "--paths"], ["treatments", "dehydration"]]


def _printed(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("argv", QUESTIONS, ids=" ".join)
@pytest.mark.parametrize("engine", ["oxigraph", "virtuoso"])
def test_questions_answer_the_same_from_a_server(
    argv: list[str], engine: str, request: pytest.FixtureRequest, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each question fetches its neighbourhood from the server and prints what the local graph gives."""
    store: RemoteStore = request.getfixturevalue(f"{engine}_remote")
    local = _printed(argv, capsys)
    assert local[0] == 0
    assert _printed([*argv, "--store", f"sparql:{store.url}"], capsys) == local


@pytest.mark.parametrize("engine", ["oxigraph", "virtuoso"])
def test_html_focus_draws_the_same_page_from_a_server(
    engine: str, request: pytest.FixtureRequest, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store: RemoteStore = request.getfixturevalue(f"{engine}_remote")
    argv = ["html", "--focus", "Tylenol", "--depth", "2", "-o", "-"]
    local = _printed(argv, capsys)
    assert local[0] == 0 and "acetaminophen" in local[1]
    assert _printed([*argv, "--store", f"sparql:{store.url}"], capsys) == local
    assert main(["html", "--store", f"sparql:{store.url}", "-o", str(tmp_path / "x.html")]) == 2
    assert (
        capsys.readouterr().err.strip()
        == "bskg: error: html --store draws one neighbourhood: give --focus NAME"
    )


def test_a_hub_cannot_pull_in_the_graph(oxigraph_remote: RemoteStore) -> None:
    """The neighbourhood is bounded: more entities than the limit is a one-line error."""
    from graph.core.errors import GraphError
    from graph.query.neighbourhood import neighbourhood

    spasm = "https://w3id.org/backspasm-kg/id/back_spasm"
    assert len(neighbourhood(oxigraph_remote, [spasm], 1).index.types) > 20
    with pytest.raises(GraphError, match="holds more than 20 entities"):
        neighbourhood(oxigraph_remote, [spasm], 2, limit=20)
