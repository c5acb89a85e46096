"""Hostile command lines: every one is a one-line error with exit status 2, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graph.cli import main

MINI = Path(__file__).resolve().parent / "data" / "mini"


def _one_line_error(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    try:
        code = main(argv)
    except SystemExit as stop:
        code = stop.code  # type: ignore[assignment]
    captured = capsys.readouterr()
    assert code == 2, captured
    assert captured.err.count("\n") == 1 and "Traceback" not in captured.err, captured.err
    return captured.err


@pytest.mark.parametrize("value", ["inf", "1e400", "-1", "nan", "0", "soon"])
def test_timeouts_that_are_not_seconds(value: str, capsys: pytest.CaptureFixture[str]) -> None:
    err = _one_line_error(["query", "ASK {}", f"--timeout={value}"], capsys)
    assert "not a number of seconds" in err


@pytest.mark.parametrize("value", ["-1", "70000", "http", "1e3"])
def test_ports_that_are_not_ports(value: str, capsys: pytest.CaptureFixture[str]) -> None:
    err = _one_line_error(["serve", f"--port={value}"], capsys)
    assert "not a port" in err


@pytest.mark.parametrize("option", ["--workers", "--max-bytes", "--max-body", "--max-memory"])
def test_counts_below_one(option: str, capsys: pytest.CaptureFixture[str]) -> None:
    err = _one_line_error(["serve", f"{option}=-5"], capsys)
    assert "whole number of 1 or more" in err


@pytest.mark.parametrize("url", ["http://[::1", "http://[::1]:99999/q", "http://[zz]/q"])
def test_malformed_store_urls(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    _one_line_error(["query", "ASK {}", "--store", f"sparql:{url}"], capsys)


def test_deeply_nested_json_records(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    records = tmp_path / "records.json"
    records.write_text('{"entities": ' + "[" * 100_000 + "]" * 100_000 + "}")
    err = _one_line_error(["import-records", str(records), "-o", str(tmp_path / "out.ttl")], capsys)
    assert "nested too deeply" in err
    assert not (tmp_path / "out.ttl").exists()


@pytest.mark.parametrize("bad", ["../escape", "a/b", "x y", ""])
def test_record_ids_must_be_local_names(bad: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    records = tmp_path / "records.json"
    entity = {"id": bad, "types": ["Cause"], "label": "x"}
    records.write_text(json.dumps({"entities": [entity]}))
    err = _one_line_error(["import-records", str(records), "-o", str(tmp_path / "out.ttl")], capsys)
    assert "use letters, digits, _ and - only" in err
    assert not (tmp_path / "out.ttl").exists()


def test_a_path_deep_enough_to_crash_the_engine_is_refused_locally(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``bskg query`` on the local store: a 15,000-step path is refused before it reaches Oxigraph."""
    import io

    monkeypatch.setattr(
        "sys.stdin", io.StringIO("SELECT * { ?s " + "/".join(["bso:causes"] * 15_000) + " ?o }")
    )
    err = _one_line_error(["query", "-"], capsys)
    assert "at most 2000 are allowed" in err
