"""Rules the data checks keep, each stated by a test that fails when the rule is dropped.

- Validation compares each source's ``bso:lineCount`` with its text (``graph/quality/validate.py``).
- A disagreement needs two sources: one source stating both sides is not one
  (``graph/quality/conflicts.py``).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from graph import load
from graph.core.model import KnowledgeGraph
from graph.quality.conflicts import conflicts
from graph.quality.validate import validate

from .conftest import MINI, MINI_SEEDS

EVIDENCE = (
    "bs:{name} a rdf:Statement ; rdf:subject bs:{s} ; rdf:predicate bso:{p} ; rdf:object bs:{o} ; "
    "prov:wasDerivedFrom bs:source-{source} ; bso:line {line} ; bso:claimStrength bso:Asserted .\n"
)


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "graph"
    folder.mkdir()
    for file in MINI.glob("*.ttl"):
        shutil.copy(file, folder / file.name)
    return folder


def _state(folder: Path, s: str, p: str, o: str, source: str, line: int) -> None:
    """Add a relation and the evidence that one source line states it."""
    with (folder / "triples.ttl").open("a", encoding="utf-8") as out:
        out.write(f"\nbs:{s} bso:{p} bs:{o} .\n")
        out.write(EVIDENCE.format(name=f"ev-rule-{s}-{p}-{o}", s=s, p=p, o=o, source=source, line=line))


# ---------------------------------------------------------------- lineCount


def test_the_mini_graph_passes_the_line_count_check() -> None:
    report = validate(load(MINI), sources=MINI_SEEDS)
    assert not [v for v in report.violations if v.path == "lineCount"], report.violations


@pytest.mark.parametrize("delta", [1, -1])
def test_a_wrong_line_count_is_a_violation(tmp_path: Path, delta: int) -> None:
    folder = _copy(tmp_path)
    sources = folder / "sources.ttl"
    text = sources.read_text(encoding="utf-8")
    assert "bso:lineCount 9 ." in text
    sources.write_text(text.replace("bso:lineCount 9 .", f"bso:lineCount {9 + delta} ."), encoding="utf-8")
    report = validate(load(folder), sources=MINI_SEEDS)
    found = [v for v in report.violations if v.path == "lineCount"]
    assert len(found) == 1 and not report.conforms
    assert f"says {9 + delta} lines" in found[0].message and "000_mini.txt has 9" in found[0].message


# ---------------------------------------------------------------- disagreements need two sources


@pytest.fixture
def contradicted(tmp_path: Path) -> KnowledgeGraph:
    """The mini graph plus one source contradicting itself and two sources contradicting each other."""
    folder = _copy(tmp_path)
    _state(folder, "ibuprofen", "doesNotTreat", "back_spasm", "000", 5)  # 000 also says it treats
    _state(folder, "kidney_stones", "causes", "back_spasm", "000", 6)  # 001 says it mimics
    return load(folder)


def _pairs(kg: KnowledgeGraph) -> set[frozenset[tuple[str, str]]]:
    return {frozenset((kg.label(c.subject), c.predicate) for c in found.claims) for found in conflicts(kg)}


def test_two_sources_stating_opposite_things_disagree(contradicted: KnowledgeGraph) -> None:
    assert frozenset({("kidney stones", "causes"), ("kidney stones", "mimics")}) in _pairs(contradicted)


def test_one_source_contradicting_itself_is_no_disagreement(contradicted: KnowledgeGraph) -> None:
    assert ("ibuprofen", "doesNotTreat") not in {claim for pair in _pairs(contradicted) for claim in pair}
    for found in conflicts(contradicted):
        assert len({source for claim in found.claims for source in claim.sources}) >= 2, found.id
