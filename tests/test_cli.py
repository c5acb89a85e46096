"""The CLI in-process (obonet style) and as a subprocess; bad input gives one line and an exit code."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from graph.cli import main

from .conftest import DATA, MINI, MINI_SEEDS


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_find_json_shape(capsys):
    code, out, _ = run(capsys, "--data", str(MINI), "find", "Advil", "--json")
    assert code == 0
    rows = json.loads(out)
    assert rows[0]["label"] == "ibuprofen"
    assert set(rows[0]) == {"id", "label", "types", "score"}
    assert rows[0]["id"] == "https://w3id.org/backspasm-kg/id/ibuprofen"
    assert rows[0]["types"] == ["Medication"]


def test_data_option_after_the_command(capsys):
    code, out, _ = run(capsys, "find", "Advil", "--data", str(MINI))
    assert code == 0 and "ibuprofen" in out


def test_find_no_match_exits_2_with_did_you_mean(capsys):
    code, out, err = run(capsys, "--data", str(MINI), "find", "dehydrashun syndrome")
    assert code == 2 and out == ""
    assert err.count("\n") == 1
    assert err.startswith("bskg: error: no entity matches") and "did you mean: dehydration" in err


def test_show_json_shape(capsys):
    code, out, _ = run(capsys, "--data", str(MINI), "show", "muscle relaxants", "--json")
    assert code == 0
    card = json.loads(out)
    assert set(card) == {"id", "label", "types", "synonyms", "properties", "relations", "sources"}
    assert card["properties"] == [
        {
            "predicate": "maxDuration",
            "value": "three days",
            "evidence": [{"source": "000", "line": 5, "hedged": False}],
            "disputed": [],
        }
    ]
    assert [s["id"] for s in card["sources"]] == ["000", "001"]
    relations = {(r["subject"]["label"], r["predicate"], r["object"]["label"]) for r in card["relations"]}
    assert ("cyclobenzaprine", "memberOf", "muscle relaxant") in relations
    assert ("muscle relaxant", "hasSideEffect", "drowsiness") in relations
    side = next(r for r in card["relations"] if r["predicate"] == "hasSideEffect")
    assert side["evidence"] == [{"source": "000", "line": 6, "hedged": False}]
    assert set(side["subject"]) == {"id", "label"}


def test_show_text(capsys):
    code, out, _ = run(capsys, "--data", str(MINI), "show", "Advil")
    assert code == 0
    assert out.startswith("ibuprofen  [Medication]")
    assert "memberOf" in out and "000:4" in out


def test_show_unknown_entity(capsys):
    code, _, err = run(capsys, "--data", str(MINI), "show", "xyzzy")
    assert code == 2 and err == "bskg: error: no entity matches 'xyzzy'\n"


def test_validate_good_and_bad(capsys, monkeypatch):
    monkeypatch.setenv("BSKG_SOURCES", str(MINI_SEEDS))
    code, out, _ = run(capsys, "--data", str(MINI), "validate")
    assert code == 0 and out.startswith("valid")
    code, out, _ = run(capsys, "--data", str(DATA / "broken" / "wrong_range.ttl"), "validate", "--json")
    assert code == 1
    report = json.loads(out)
    assert report["conforms"] is False
    assert {"focus", "iri", "path", "message", "check"} == set(report["violations"][0])


def test_malformed_turtle_is_one_line_and_exit_2(capsys):
    code, out, err = run(capsys, "--data", str(DATA / "broken" / "bad_syntax.ttl"), "stats")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "bad_syntax.ttl:17: bad Turtle syntax" in err


def test_missing_data_path(capsys, tmp_path):
    code, _, err = run(capsys, "--data", str(tmp_path / "nope.ttl"), "stats")
    assert code == 2 and "no such file or folder" in err


def test_bad_option_exits_2(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["find"])
    assert caught.value.code == 2
    with pytest.raises(SystemExit) as caught:
        main(["find", "x", "--limit", "many"])
    assert caught.value.code == 2


def test_stats_json(capsys):
    code, out, _ = run(capsys, "--data", str(MINI), "stats", "--json")
    assert code == 0
    summary = json.loads(out)
    assert summary["entities"] == 14
    assert summary["relations_per_property"]["causes"] == 3
    assert summary["evidence_per_source"] == {"000": 12, "001": 6}
    assert summary["relations_by_support"] == {"1": 14, "2": 1}
    assert summary["disagreements"] == 1


def test_console_script_and_module_run_as_subprocesses():
    script = Path(sys.executable).with_name("bskg")
    for exe in ([str(script)], [sys.executable, "-m", "graph"]):
        done = subprocess.run(
            [*exe, "--data", str(MINI), "find", "Advil", "--json"],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)[0]["label"] == "ibuprofen"


def test_subprocess_error_has_no_traceback():
    done = subprocess.run(
        [sys.executable, "-m", "graph", "--data", str(DATA / "broken" / "bad_syntax.ttl"), "validate"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and done.stderr.count("\n") == 1
