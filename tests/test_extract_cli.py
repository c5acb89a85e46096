"""bskg extract and bskg accept: the review round trip on a short article written for the tests,
and one-line errors that write nothing for each kind of bad input."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from graph.cli import main
from graph.extract.lines import MAX_BYTES
from graph.quality.validate import find_sources

REPO = Path(__file__).resolve().parent.parent
ARTICLE = REPO / "tests" / "data" / "extract" / "desk-work" / "article.txt"


@pytest.fixture
def copy(tmp_path):
    """A copy of the bundled data folder and a sources folder with the article beside the five."""
    shutil.copytree(REPO / "data", tmp_path / "data")
    texts = tmp_path / "texts"
    texts.mkdir()
    seeds = find_sources()
    for path in seeds.iterdir() if seeds else ():
        (texts / path.name).symlink_to(path)
    (texts / ARTICLE.name).symlink_to(ARTICLE)
    return tmp_path, (["--sources", str(texts)] if seeds else [])


def _review(tmp_path, capsys, *extra):
    review = tmp_path / "review.json"
    assert (
        main(["extract", str(ARTICLE), "--source", "005", "--title", "Desk work", "-o", str(review), *extra])
        == 0
    )
    capsys.readouterr()
    return review


def _decide(review, reject=("stress",)):
    data = json.loads(review.read_text())
    for relation in data["relations"]:
        relation["status"] = "rejected" if relation["s"] in reject else "accepted"
    review.write_text(json.dumps(data))
    return data


def test_extract_json_has_the_keys_of_a_candidate(capsys):
    assert main(["extract", str(ARTICLE), "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    keys = {"line", "text", "subject", "predicate", "object", "hedged", "negated", "score", "conflicts"}
    assert found and all(keys <= set(c) for c in found)
    assert all(set(c["subject"]) == {"label", "id", "class"} for c in found)
    lines = ARTICLE.read_text().splitlines()
    assert all(lines[c["line"] - 1] == c["text"] for c in found)
    assert {c["line"] for c in found}.isdisjoint({1, 15, 16})  # heading, question, call to book


def test_review_round_trip(copy, capsys):
    tmp_path, sources = copy
    data = _decide(_review(tmp_path, capsys))
    assert {r["status"] for r in data["relations"]} == {"accepted", "rejected"}
    assert data["relations"][0]["o"] == "back_spasm"
    data["relations"][0]["o"] = "bs:back_spasm"  # a curator may write an id as a CURIE
    (tmp_path / "review.json").write_text(json.dumps(data))
    before = (tmp_path / "data" / "triples.ttl").read_text()
    into = str(tmp_path / "data")
    assert main(["accept", str(tmp_path / "review.json"), "--into", into, *sources]) == 0
    assert "accepted" in capsys.readouterr().out
    assert main(["--data", into, "validate", *sources]) == 0
    assert "valid" in capsys.readouterr().out
    assert main(["--data", into, "treatments", "muscle tension", "--json"]) == 0
    answers = json.dumps(json.loads(capsys.readouterr().out))
    assert "stretching" in answers and "005" in answers
    assert main(["--data", into, "show", "sitting for hours", "--json"]) == 0
    assert "005" in capsys.readouterr().out
    if sources:
        assert main(["--data", into, "show", "sitting for hours", "--quotes", *sources]) == 0
        assert "005:6  - Sitting for hours" in capsys.readouterr().out
    after = (tmp_path / "data" / "triples.ttl").read_text()
    assert "bs:ev-005-007-stress" not in after and after != before
    assert "bs:ev-005-003-dehydration-causes-back_spasm" in after
    assert "bs:disagreement-ibuprofen_doesNotTreat_back_spasm_005" in after
    assert 'dcterms:title "Desk work"@en' in (tmp_path / "data" / "sources.ttl").read_text()
    assert main(["accept", str(tmp_path / "review.json"), "--into", into, *sources]) == 2
    assert "already in the graph" in capsys.readouterr().err


def _unchanged(tmp_path):
    return {p.name: p.read_bytes() for p in (tmp_path / "data").iterdir()}


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d["relations"][0].update(p="treets"), "unknown predicate 'treets'"),
        (lambda d: d["entities"][0].update(types=["Gadget"]), "unknown class 'Gadget'"),
        (lambda d: d["relations"][0].update(evidence=[["005", 99]]), "past the end"),
        (lambda d: d["relations"][0].update(evidence=[["005", 2]]), "names neither"),
        (lambda d: d["relations"][0].update(s="no_such_thing"), "unknown entity 'no_such_thing'"),
        (lambda d: d["relations"][0].update(status="maybe"), "unknown status 'maybe'"),
        (lambda d: d["source"].update(id="002"), "source 002 is already in the graph"),
        (lambda d: d["source"].update(id="12"), "not three digits"),
        (lambda d: [r.update(status="rejected") for r in d["relations"]], "nothing to add"),
        (lambda d: d["relations"][0].update(evidence="005:3"), "malformed review"),
    ],
)
def test_a_bad_review_is_refused_and_nothing_is_written(copy, capsys, edit, message):
    tmp_path, sources = copy
    review = _review(tmp_path, capsys)
    data = _decide(review, reject=())
    edit(data)
    review.write_text(json.dumps(data))
    before = _unchanged(tmp_path)
    assert main(["accept", str(review), "--into", str(tmp_path / "data"), *sources]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
    assert _unchanged(tmp_path) == before


def test_a_review_that_is_not_json_is_refused(copy, capsys):
    tmp_path, sources = copy
    review = _review(tmp_path, capsys)
    review.write_text(review.read_text()[:-20])
    before = _unchanged(tmp_path)
    assert main(["accept", str(review), "--into", str(tmp_path / "data"), *sources]) == 2
    assert "invalid JSON" in capsys.readouterr().err
    assert _unchanged(tmp_path) == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
        ("Dehydration causes back spasms.\n".encode("utf-16"), "binary file"),
        (b"Dehydration causes back spasms \xe9t\xe9.\n", "not UTF-8"),
        (b"", "empty"),
        (b"  \n\n", "empty"),
        (b"x" * (MAX_BYTES + 1), "over the limit"),
    ],
)
def test_a_bad_article_is_refused_and_nothing_is_written(tmp_path, capsys, content, message):
    article = tmp_path / "article.txt"
    article.write_bytes(content)
    review = tmp_path / "review.json"
    assert main(["extract", str(article), "-o", str(review)]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
    assert not review.exists()


def test_a_folder_or_a_taken_source_id_is_refused(tmp_path, capsys):
    review = tmp_path / "review.json"
    assert main(["extract", str(tmp_path), "-o", str(review)]) == 2
    assert "is a folder" in capsys.readouterr().err
    assert main(["extract", str(ARTICLE), "--source", "003", "-o", str(review)]) == 2
    assert "already in the graph" in capsys.readouterr().err
    assert not review.exists()
    review.write_text("{}")
    assert main(["extract", str(ARTICLE), "-o", str(review)]) == 2
    assert "exists" in capsys.readouterr().err
    assert review.read_text() == "{}"
