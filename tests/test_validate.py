"""Validation: the bundled graph, the mini fixture, and one broken fixture per kind of problem."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Namespace

from graph import load, validate
from graph.core.errors import ParseError
from graph.core.vocab import BSO, RELATIONS
from graph.quality.validate import find_sources

from .conftest import DATA, MINI_SEEDS, REPO

BROKEN = DATA / "broken"


def test_bundled_graph_is_valid_against_the_sources(kg, source_texts):
    report = validate(kg, sources=source_texts)
    assert report.sources == source_texts
    assert [str(v) for v in report.violations] == []
    assert report.counts["lines_checked"] == report.counts["evidence"]


def test_mini_fixture_is_valid(mini):
    report = validate(mini, sources=MINI_SEEDS)
    assert report.conforms, [str(v) for v in report.violations]
    assert report.counts["lines_checked"] == 18


def test_valid_single_file():
    assert validate(load(DATA / "valid.ttl"), sources=MINI_SEEDS).conforms


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("dangling_evidence.ttl", "a triple the graph does not hold"),
        ("no_evidence.ttl", "has no evidence node"),
        ("wrong_range.ttl", "the object of hasSideEffect must be a SideEffect"),
        ("line_out_of_range.ttl", "line 40 is past the end of source-001 (5 lines)"),
        ("wrong_line.ttl", "the cited line names neither the subject nor the object"),
        ("unknown_term.ttl", "bso:treets is not in the vocabulary"),
        ("labels.ttl", "needs exactly one English rdfs:label"),
        ("blank_nodes.ttl", "must be an IRI, not a blank node"),
    ],
)
def test_broken_fixture_fails_with_its_message(fixture, expected):
    report = validate(load(BROKEN / fixture), sources=MINI_SEEDS)
    assert not report.conforms
    messages = [str(v) for v in report.violations]
    assert any(expected in m for m in messages), messages


def test_wrong_range_names_the_entity_and_property():
    report = validate(load(BROKEN / "wrong_range.ttl"), sources=MINI_SEEDS)
    subjects = {(v.focus, v.path) for v in report.violations}
    assert ("stress", "hasSideEffect") in subjects


def test_bad_syntax_names_file_and_line():
    with pytest.raises(ParseError) as caught:
        load(BROKEN / "bad_syntax.ttl")
    assert caught.value.line == 17
    assert str(caught.value).startswith(f"{BROKEN / 'bad_syntax.ttl'}:17: bad Turtle syntax")


def test_line_checks_skip_without_sources(tmp_path: Path):
    report = validate(load(BROKEN / "wrong_line.ttl"), check_lines=False)
    assert report.conforms and report.sources is None


def test_missing_source_file_is_reported(tmp_path: Path):
    report = validate(load(DATA / "valid.ttl"), sources=tmp_path)
    assert any("source file" in str(v) and "not found" in str(v) for v in report.violations)


def test_sources_found_from_environment(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("BSKG_SOURCES", str(tmp_path))
    assert find_sources() == tmp_path
    monkeypatch.delenv("BSKG_SOURCES")
    beside = REPO.parent / "shared" / "seeds"
    assert find_sources() == (beside if beside.is_dir() else None)


def _shape_classes(shapes: Graph, name: str, nested: bool) -> set[str]:
    sh = Namespace("http://www.w3.org/ns/shacl#")
    node = Namespace("https://w3id.org/backspasm-kg/shapes#")[f"{name}-shape"]
    holder = shapes.value(node, sh.property) if nested else node
    members = shapes.value(holder, sh["or"])
    return {str(shapes.value(item, sh["class"])).rsplit("#", 1)[-1] for item in shapes.collection(members)}


@pytest.mark.parametrize("name", RELATIONS)
def test_shapes_agree_with_ontology_domains_and_ranges(name):
    ontology = Graph().parse(REPO / "data" / "ontology.ttl")
    shapes = Graph().parse(REPO / "data" / "shapes.ttl")
    domain = {str(c).rsplit("#", 1)[-1] for c in ontology.objects(BSO[name], BSO.domainIncludes)}
    rng = {str(c).rsplit("#", 1)[-1] for c in ontology.objects(BSO[name], BSO.rangeIncludes)}
    assert _shape_classes(shapes, name, nested=False) == domain
    assert _shape_classes(shapes, name, nested=True) == rng
