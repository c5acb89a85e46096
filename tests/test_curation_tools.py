"""Conflicts, coverage and fmt on the mini fixture, through the API and the CLI."""

from __future__ import annotations

import json
import shutil

from graph.cli import main
from graph.quality.conflicts import conflicts
from graph.quality.coverage import coverage

from .conftest import DATA, MINI, MINI_SEEDS


def test_curated_conflict_has_claims_from_two_sources(mini):
    (found,) = conflicts(mini)
    assert found.origin == "curated"
    sides = {(mini.label(c.subject), c.predicate, c.negative, c.sources) for c in found.claims}
    assert sides == {
        ("rest", "treats", False, ("001",)),
        ("bed rest", "notRecommendedFor", True, ("000",)),
    }


def test_detected_conflict_between_treats_and_not_recommended(tmp_path):
    text = (MINI / "triples.ttl").read_text()
    extra = (
        "bs:bed_rest bso:treats bs:back_spasm .\n"
        "bs:ev-001-004-bed_rest-treats-back_spasm a rdf:Statement ; rdf:subject bs:bed_rest ; "
        "rdf:predicate bso:treats ; rdf:object bs:back_spasm ; "
        "prov:wasDerivedFrom bs:source-001 ; bso:line 4 .\n"
    )
    shutil.copy(MINI / "sources.ttl", tmp_path / "sources.ttl")
    (tmp_path / "triples.ttl").write_text(text + extra)
    from graph import load

    found = [c for c in conflicts(load(tmp_path)) if c.origin == "detected"]
    assert len(found) == 1
    assert [c.predicate for c in found[0].claims] == ["treats", "notRecommendedFor"]


def test_coverage_lists_uncited_lines(mini):
    report = {c.source: c for c in coverage(mini)}
    assert report["000"].uncited == (1,)
    assert report["001"].share == 1.0


def test_cli_conflicts_and_coverage_json(capsys):
    assert main(["--data", str(MINI), "conflicts", "--json"]) == 0
    (found,) = json.loads(capsys.readouterr().out)
    assert {"id", "label", "comment", "origin", "claims"} == set(found)
    assert found["claims"][0]["evidence"] == [{"source": "000", "line": 9, "hedged": False}]
    assert main(["--data", str(MINI), "coverage", "--json", "--text", "--sources", str(MINI_SEEDS)]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[0]["uncited"][0]["line"] == 1 and "made-up" in rows[0]["uncited"][0]["text"]
    assert main(["--data", str(MINI), "coverage", "--source", "999"]) == 2
    assert "no source '999'" in capsys.readouterr().err


def test_fmt_rewrites_atomically_and_check_reports(tmp_path, capsys):
    target = tmp_path / "t.ttl"
    shutil.copy(DATA / "valid.ttl", target)
    assert main(["fmt", "--check", str(target)]) == 1
    assert main(["fmt", str(target)]) == 0
    assert main(["fmt", "--check", str(target)]) == 0
    assert [p.name for p in tmp_path.iterdir()] == ["t.ttl"]
    capsys.readouterr()
    broken = tmp_path / "b.ttl"
    shutil.copy(DATA / "broken" / "bad_syntax.ttl", broken)
    before = broken.read_bytes()
    assert main(["fmt", str(broken)]) == 2
    assert broken.read_bytes() == before


def test_add_writes_a_valid_fact_and_refuses_an_invalid_one(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("BSKG_SOURCES", str(MINI_SEEDS))
    shutil.copytree(MINI, tmp_path / "g")
    target = tmp_path / "g" / "triples.ttl"
    base = ["--data", str(tmp_path / "g"), "add"]
    assert (
        main(
            [*base, "stress", "causes", "back spasm", "--source", "001", "--line", "3", "--file", str(target)]
        )
        == 2
    )
    out, err = capsys.readouterr()
    assert "names neither the subject nor the object" in out
    assert err.strip().endswith("unchanged)")
    assert target.read_text() == (MINI / "triples.ttl").read_text()
    argv = [
        *base,
        "cyclobenzaprine",
        "treats",
        "spasms",
        "--source",
        "000",
        "--line",
        "5",
        "--file",
        str(target),
    ]
    assert main(argv) == 0
    assert "added cyclobenzaprine treats back spasm (000:5)" in capsys.readouterr().out
    text = target.read_text()
    assert "bs:ev-000-005-cyclobenzaprine-treats-back_spasm a rdf:Statement" in text
    assert main(["fmt", "--check", str(target)]) == 0


def test_import_records_writes_canonical_turtle_and_refuses_to_overwrite(tmp_path, capsys):
    records = tmp_path / "r.json"
    records.write_text(
        json.dumps(
            {
                "entities": [{"id": "stress", "types": ["Cause"], "label": "stress"}],
                "attributes": [{"s": "stress", "p": "caution", "value": "x", "evidence": [["001", 1]]}],
            }
        )
    )
    out = tmp_path / "t.ttl"
    assert main(["import-records", str(records), "-o", str(out)]) == 0
    assert main(["fmt", "--check", str(out)]) == 0
    before = out.read_bytes()
    assert main(["import-records", str(records), "-o", str(out)]) == 2
    assert "exists; pass --force" in capsys.readouterr().err
    assert out.read_bytes() == before
    records.write_text("{not json")
    assert main(["import-records", str(records), "-o", str(tmp_path / "x.ttl")]) == 2
    assert "r.json:1: invalid JSON" in capsys.readouterr().err
    records.write_text(json.dumps({"entities": [{"id": "x"}]}))
    assert main(["import-records", str(records), "-o", str(tmp_path / "x.ttl")]) == 2
    assert "malformed record" in capsys.readouterr().err
    assert not (tmp_path / "x.ttl").exists()
