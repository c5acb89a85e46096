"""Every named query parses, runs on the mini fixture and answers exactly tests/data/expected/<name>.csv."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from graph.core.errors import QueryError
from graph.core.model import KnowledgeGraph
from graph.query.named import check, expand
from graph.query.results import Answer
from graph.query.run import load_queries, named_queries, run
from graph.query.stores import OxigraphStore

EXPECTED = Path(__file__).parent / "data" / "expected"
BROKEN = Path(__file__).parent / "data" / "sparql"
QUESTIONS = Path(__file__).resolve().parent.parent / "docs" / "QUESTIONS.md"

#: Values for required parameters when a query runs on the mini fixture.
ARGS: dict[str, dict[str, Any]] = {"connected_treatments": {"entity": "kidney stones"}}

_PREFIXES = (
    ("https://w3id.org/backspasm-kg/id/", "bs:"),
    ("https://w3id.org/backspasm-kg/ontology#", "bso:"),
)
#: Aggregated lists whose order SPARQL leaves open: compared as sorted items.
_LISTS = ("evidence", "side_effects", "max_duration", "synonyms", "types", "disagreements")


def _cell(name: str, term: object) -> str:
    if term is None:
        return ""
    text = str(term)
    for long, short in _PREFIXES:
        if text.startswith(long):
            return short + text[len(long) :]
    if name in _LISTS:
        separator = "; " if "; " in text else ", "
        return separator.join(sorted(text.split(separator)))
    return text


def normalise(answer: Answer) -> list[list[str]]:
    """Rows as text: IRIs shortened, aggregated lists sorted; row order kept (queries ORDER BY)."""
    return [[_cell(name, term) for name, term in zip(answer.vars, row, strict=True)] for row in answer.rows]


def read_expected(name: str) -> tuple[list[str], list[list[str]]]:
    with (EXPECTED / f"{name}.csv").open(newline="", encoding="utf-8") as stream:
        header, *rows = list(csv.reader(stream))
    return header, rows


@pytest.mark.parametrize("name", sorted(named_queries()))
def test_query_matches_expected(mini: KnowledgeGraph, name: str) -> None:
    answer = run(OxigraphStore.of(mini), name, **ARGS.get(name, {}))
    header, rows = read_expected(name)
    assert list(answer.vars) == header == list(named_queries()[name].columns)
    assert normalise(answer) == rows


def test_every_query_has_expected_answers() -> None:
    assert sorted(p.stem for p in EXPECTED.glob("*.csv")) == sorted(named_queries())


def test_every_query_runs_on_the_bundled_graph(kg: KnowledgeGraph) -> None:
    for name in named_queries():
        params: dict[str, Any] = {"entity": "herniated disc"} if name == "connected_treatments" else {}
        answer = run(OxigraphStore.of(kg), name, **params)
        assert answer.kind == "SELECT"


def test_every_competency_question_has_a_named_query() -> None:
    numbers = {q.question.split(".", 1)[0] for q in named_queries().values()}
    asked = {line.split(".", 1)[0] for line in QUESTIONS.read_text().splitlines() if line[:1].isdigit()}
    assert len(asked) == 14
    assert asked <= numbers


def test_headers_describe_parameters_and_columns() -> None:
    for query in named_queries().values():
        assert query.title and query.question and query.columns
        for param in query.params:
            assert param.kind in ("entity", "relation", "text", "integer") and param.help


@pytest.mark.parametrize(
    ("file", "message"),
    [
        ("syntax/bad.rq", r"bad: invalid SPARQL at line 6, column \d+"),
        ("unbound/loose.rq", r"loose: parameter \?thing appears in no triple pattern"),
        ("columns/wrong.rq", r"wrong: the header lists columns \('a', 'b'\), the query selects \('a',\)"),
        ("header/noquestion.rq", r"noquestion: the comment header has no '# question:' line"),
        ("kind/oddkind.rq", r"oddkind: bad header line"),
    ],
)
def test_a_broken_query_fails_at_load_with_name_and_position(file: str, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        load_queries(BROKEN / Path(file).parent)


def test_queries_are_read_once() -> None:
    assert named_queries() is named_queries()
    assert named_queries()["causes"].prepared is named_queries()["causes"].prepared


@pytest.mark.parametrize("name", sorted(named_queries()))
def test_every_shipped_query_passes_the_checks(name: str) -> None:
    """The shipped queries are trusted at run time because each passes here: parse, binding, columns."""
    check(named_queries()[name])


def test_vocabulary_lists_are_never_written_by_hand() -> None:
    """Lists of relations come from graph.core.vocab through placeholders, not from the .rq files."""
    folder = Path(__file__).parent.parent / "graph" / "query" / "queries"
    for path in sorted(folder.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        listed = [name for name in ("bso:causes", "bso:hasSymptom", "bso:notSignOf") if name in text]
        assert len(listed) < 3, f"{path.name} lists relations by hand: use {{{{edge_relations}}}} and friends"


def test_an_unknown_placeholder_is_an_error() -> None:
    with pytest.raises(QueryError, match="unknown placeholder"):
        expand("VALUES ?p { {{relationz}} }", "mine")


def _direct(node: Any) -> tuple[int, bool]:
    """Return the triple patterns directly in a group, and whether a ``VALUES`` block is one of its parts.

    Directly: through joins, filters, binds and the left side of an ``OPTIONAL``; not into its
    right side, a ``UNION`` or a sub-``SELECT`` (groups of their own).
    """
    if node.name == "BGP":
        return len(node["triples"] or ()), False
    if node.name == "ToMultiSet":
        return 0, node["p"].name == "values"
    parts = {"Join": ("p1", "p2"), "LeftJoin": ("p1",), "Filter": ("p",), "Extend": ("p",)}.get(node.name, ())
    found = [_direct(node[part]) for part in parts]
    return sum(count for count, _ in found), any(block for _, block in found)


@pytest.mark.parametrize("name", sorted(name for name, query in named_queries().items() if query.params))
def test_an_entity_bound_optional_lookup_starts_from_the_bound_value(name: str) -> None:
    """Each ``OPTIONAL`` of several triple patterns gets the bound value first (README.md, rules 1 and 8).

    Oxigraph plans an optional group without what is bound outside it: one that does not start
    from the value walks every statement of the graph (``causes`` for one condition of the 1M-triple
    bench graph, 53 ms; 0.35 ms from the value). Bound as the engines get it, for each parameter.
    """
    from rdflib import Literal, URIRef

    from graph.query.guard import walk
    from graph.query.named import prepare
    from graph.query.values import with_values

    query = named_queries()[name]
    for param in query.params:
        value = URIRef("http://e/x") if param.kind in ("entity", "relation") else Literal("x")
        algebra = prepare(with_values(query.text, {param.name: value})).algebra
        for node in walk(algebra):
            if node.name == "LeftJoin" and _direct(node["p2"])[0] > 1:
                assert _direct(node["p2"])[1], f"{name}: an OPTIONAL does not start from ?{param.name}"
