"""The canonical Turtle layout: deterministic, lossless, and the bundled file is in it."""

from __future__ import annotations

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from graph.core.errors import GraphError
from graph.curation.canonical import canonical_turtle
from graph.curation.records import records_to_graph
from graph.store.data import turtle_graph

from .conftest import MINI, REPO


def test_round_trip_is_lossless_and_stable():
    original = turtle_graph(MINI / "triples.ttl")
    text = canonical_turtle(original)
    again = Graph().parse(data=text, format="turtle")
    assert isomorphic(original, again)
    assert canonical_turtle(again) == text


def test_evidence_is_one_line_each_sorted_by_source_and_line():
    text = canonical_turtle(turtle_graph(MINI / "triples.ttl"))
    evidence = [line for line in text.splitlines() if line.startswith("bs:ev-")]
    assert len(evidence) == 18
    keys = [
        (line.split("bs:source-")[1][:3], int(line.split("bso:line ", 1)[1].split()[0])) for line in evidence
    ]
    assert keys == sorted(keys)


@pytest.mark.parametrize("name", ["data/triples.ttl", "tests/data/mini/triples.ttl"])
def test_committed_files_are_canonical(name):
    path = REPO / name
    assert path.read_text(encoding="utf-8") == canonical_turtle(turtle_graph(path)), f"run: bskg fmt {name}"


def test_records_reject_unknown_terms():
    with pytest.raises(GraphError, match="unknown class"):
        records_to_graph({"entities": [{"id": "x", "types": ["Thing"], "label": "x"}]})
    with pytest.raises(GraphError, match="unknown property"):
        records_to_graph({"relations": [{"s": "x", "p": "cures", "o": "y", "evidence": [["000", 1]]}]})
    with pytest.raises(GraphError, match="at least one"):
        records_to_graph({"relations": [{"s": "x", "p": "causes", "o": "y", "evidence": []}]})


def test_disagreement_claim_must_match_evidence():
    records = {
        "entities": [{"id": "rest", "types": ["Treatment"], "label": "rest"}],
        "relations": [{"s": "rest", "p": "treats", "o": "back_spasm", "evidence": [["001", 4]]}],
        "disagreements": [
            {
                "id": "x",
                "label": "x",
                "claims": [{"s": "rest", "p": "treats", "o": "back_spasm", "source": "002", "line": 9}],
            }
        ],
    }
    with pytest.raises(GraphError, match="no matching evidence"):
        records_to_graph(records)
