"""The answers of every CLI question and named query, pinned: a change of engine or layout changes none.

``tests/data/pinned/answers.json`` holds what each command below printed with ``--json`` (named
queries: ``--format json``, rows sorted) on the bundled data. A change to the data or to what an
answer means updates the pins on purpose: ``BSKG_PIN=write pytest tests/test_pinned.py``, and the
diff of that file shows every answer that moved.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from graph.cli import main

PINS = Path(__file__).parent / "data" / "pinned" / "answers.json"

_ENTITIES = ("dehydration", "poor posture", "stress", "back spasm", "inflammation", "herniated disc")
QUESTIONS: list[list[str]] = [
    *(["treatments", name, "--json"] for name in _ENTITIES),
    ["treatments", "back spasm", "--advised-against", "--json"],
    *(["causes", name, "--json"] for name in ("back spasm", "pain")),
    ["symptoms", "back spasm", "--json"],
    ["red-flags", "--json"],
    ["red-flags", "back spasm", "--json"],
    ["prevent", "back spasm", "--json"],
    *(["side-effects", name, "--json"] for name in ("cyclobenzaprine", "muscle relaxant", "ibuprofen")),
    ["members", "NSAID", "--json"],
    ["mimics", "back spasm", "--json"],
    ["symptom-of", "back spasm", "--json"],
    ["at-risk", "back spasm", "--json"],
    ["spreads", "--json"],
    ["path", "herniated disc", "heat therapy", "--json"],
    ["path", "stress", "ibuprofen", "--json"],
    ["top", "-n", "10", "--json"],
    ["find", "tylenol", "--json"],
    ["show", "muscle relaxant", "--json"],
    ["conflicts", "--json"],
    ["stats", "--json"],
]
#: Each named query unbound (where it may be) and with a typical value bound.
QUERIES: list[list[str]] = [
    ["agreed_causes"],
    ["agreed_causes", "-p", "condition=back spasm"],
    ["best_supported_treatments"],
    ["by_name", "-p", "name=Tylenol"],
    ["causes"],
    ["causes", "-p", "condition=back spasm"],
    ["class_members"],
    ["class_members", "-p", "drug_class=NSAID"],
    ["conditions_with_symptom"],
    ["conditions_with_symptom", "-p", "symptom=back spasm"],
    ["connected_treatments", "-p", "entity=herniated disc"],
    ["disagreements"],
    ["drug_class_details"],
    ["drug_class_details", "-p", "drug_class=muscle relaxant"],
    ["evidence", "-p", "subject=stress", "-p", "predicate=causes", "-p", "object=back spasm"],
    ["guidance"],
    ["guidance", "-p", "entity=muscle relaxant"],
    ["mimics"],
    ["mimics", "-p", "condition=back spasm"],
    ["most_connected"],
    ["negative_claims"],
    ["negative_claims", "-p", "subject=bed rest"],
    ["preventions"],
    ["preventions", "-p", "condition=back spasm"],
    ["radiating_symptoms"],
    ["radiating_symptoms", "-p", "symptom=back spasm"],
    ["red_flags"],
    ["red_flags", "-p", "condition=back spasm"],
    ["relations"],
    ["relations", "-p", "subject=stress"],
    ["risk_groups"],
    ["risk_groups", "-p", "condition=back spasm"],
    ["side_effects"],
    ["side_effects", "-p", "drug=cyclobenzaprine"],
    ["sources"],
    ["symptoms"],
    ["symptoms", "-p", "condition=back spasm"],
    ["treatments_for"],
    ["treatments_for", "-p", "cause=dehydration"],
    ["what_is", "-p", "entity=tylenol"],
]
COMMANDS = QUESTIONS + [["query", *argv, "--format", "json"] for argv in QUERIES]


def _key(argv: list[str]) -> str:
    return " ".join(argv)


#: Columns that aggregate a list with GROUP_CONCAT, whose item order SPARQL leaves to the engine.
_LISTS = ("evidence", "side_effects", "max_duration", "synonyms", "types", "disagreements")


def _sorted_items(column: str, cell: dict[str, str]) -> dict[str, str]:
    if column not in _LISTS or cell.get("type") != "literal":
        return cell
    separator = "; " if "; " in cell["value"] else ", "
    return {**cell, "value": separator.join(sorted(cell["value"].split(separator)))}


def _normal(argv: list[str], data: Any) -> Any:
    if argv[0] == "query" and isinstance(data, dict) and "results" in data:
        rows = [{k: _sorted_items(k, v) for k, v in row.items()} for row in data["results"]["bindings"]]
        data["results"]["bindings"] = sorted(rows, key=lambda row: json.dumps(row, sort_keys=True))
    return data


def _answer(argv: list[str], capsys: pytest.CaptureFixture[str]) -> Any:
    capsys.readouterr()
    assert main(argv) == 0
    return _normal(argv, json.loads(capsys.readouterr().out))


@pytest.fixture(scope="module")
def pins() -> dict[str, Any]:
    if os.environ.get("BSKG_PIN") == "write" or not PINS.is_file():
        return {}
    loaded: dict[str, Any] = json.loads(PINS.read_text(encoding="utf-8"))
    return loaded


def test_pins_cover_every_command(pins: dict[str, Any]) -> None:
    if os.environ.get("BSKG_PIN") == "write":
        pytest.skip("writing the pins")
    assert sorted(pins) == sorted(_key(argv) for argv in COMMANDS)


@pytest.mark.parametrize("argv", COMMANDS, ids=_key)
def test_answer_is_pinned(argv: list[str], pins: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    answer = _answer(argv, capsys)
    if os.environ.get("BSKG_PIN") == "write":
        current = json.loads(PINS.read_text(encoding="utf-8")) if PINS.is_file() else {}
        current[_key(argv)] = answer
        PINS.parent.mkdir(parents=True, exist_ok=True)
        PINS.write_text(json.dumps(current, indent=1, sort_keys=True, ensure_ascii=False) + "\n", "utf-8")
        return
    assert answer == _normal(argv, pins[_key(argv)])
