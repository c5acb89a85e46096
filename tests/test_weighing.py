"""Weighing evidence on screen: hedged lines marked, quotes beside source:line, coverage and stats counts."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph import load, treatments_for
from graph.cli import main
from graph.core.model import KnowledgeGraph
from graph.quality.coverage import coverage
from graph.questions.stats import stats

from .conftest import MINI, MINI_SEEDS


def test_show_marks_a_hedged_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "avoiding sugary and inflammatory foods"]) == 0
    assert "004:14 (hedged)" in capsys.readouterr().out


def test_quotes_print_the_cited_line(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["--data", str(MINI), "show", "ibuprofen", "--quotes", "--sources", str(MINI_SEEDS)]
    assert main(argv) == 0
    out = capsys.readouterr().out
    line = (MINI_SEEDS / "000_mini.txt").read_text(encoding="utf-8").splitlines()[3].strip()
    assert f"000:4  {line}" in out


def test_quotes_on_questions_path_and_conflicts(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (
        ["treatments", "dehydration", "--quotes"],
        ["path", "dehydration", "ibuprofen", "--quotes"],
        ["conflicts", "--quotes"],
    ):
        assert main(["--data", str(MINI), *argv, "--sources", str(MINI_SEEDS)]) == 0
        assert "quoted lines" in capsys.readouterr().out


def test_quotes_without_the_texts_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["--data", str(MINI), "show", "ibuprofen", "--quotes", "--sources", str(tmp_path / "no")]) == 2
    )
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--quotes needs the source texts" in err


def test_quotes_of_the_bundled_graph(source_texts: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["show", "avoiding sugary and inflammatory foods", "--quotes", "--sources", str(source_texts)])
        == 0
    )
    quoted = [line for line in capsys.readouterr().out.splitlines() if line.startswith("  004:14 (hedged)  ")]
    assert quoted and len(quoted[0]) > 40


def test_coverage_lists_context_only_and_hedged_lines(kg: KnowledgeGraph) -> None:
    by_source = {c.source: c for c in coverage(kg)}
    assert 53 in by_source["000"].context  # a list's intro: frames relations, states none
    assert 53 not in by_source["000"].cited and 53 not in by_source["000"].uncited
    assert 14 in by_source["004"].hedged
    assert set(by_source["004"].hedged) <= set(by_source["004"].cited)


def test_stats_count_hedged_evidence(kg: KnowledgeGraph) -> None:
    summary = stats(kg)
    assert 0 < summary["hedged_evidence"] < summary["evidence"]
    assert sum(summary["hedged_per_source"].values()) == summary["hedged_evidence"]


def test_an_asserted_answer_ranks_above_a_hedged_one_at_equal_support(tmp_path: Path) -> None:
    """Two treatments, one source each: the one whose line asserts comes first, whatever the labels."""
    (tmp_path / "g.ttl").write_text(_RANKING, encoding="utf-8")
    kg = load(tmp_path)
    answers = treatments_for(kg, "cramp")
    assert [a.label for a in answers] == ["zinc rub", "aloe rub"]
    assert answers[0].score == answers[1].score


_RANKING = """
@prefix bs: <https://w3id.org/backspasm-kg/id/> .
@prefix bso: <https://w3id.org/backspasm-kg/ontology#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

bs:cramp a bso:Condition ; rdfs:label "cramp"@en .
bs:aloe a bso:Treatment ; rdfs:label "aloe rub"@en ; bso:treats bs:cramp .
bs:zinc a bso:Treatment ; rdfs:label "zinc rub"@en ; bso:treats bs:cramp .
bs:source-000 a bso:Source ; dcterms:identifier "000" .
bs:ev-1 a rdf:Statement ; rdf:subject bs:aloe ; rdf:predicate bso:treats ; rdf:object bs:cramp ;
    prov:wasDerivedFrom bs:source-000 ; bso:line 1 ; bso:claimStrength bso:Hedged .
bs:ev-2 a rdf:Statement ; rdf:subject bs:zinc ; rdf:predicate bso:treats ; rdf:object bs:cramp ;
    prov:wasDerivedFrom bs:source-000 ; bso:line 2 ; bso:claimStrength bso:Asserted .
"""


def test_the_page_quotes_lines_only_when_asked(tmp_path: Path) -> None:
    line = (MINI_SEEDS / "000_mini.txt").read_text(encoding="utf-8").splitlines()[1].strip()
    plain, quoted = tmp_path / "plain.html", tmp_path / "quoted.html"
    assert main(["--data", str(MINI), "html", "-o", str(plain)]) == 0
    assert (
        main(["--data", str(MINI), "html", "-o", str(quoted), "--quotes", "--sources", str(MINI_SEEDS)]) == 0
    )
    assert line not in plain.read_text(encoding="utf-8")  # a page never carries source text by default
    assert f"000:2: {line}" in quoted.read_text(encoding="utf-8")
