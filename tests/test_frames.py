"""Table forms of cards, paths, ranked answers and conflicts: labels first, CURIEs last, integers kept."""

from __future__ import annotations

import pandas as pd
from rdflib import Literal

from graph import conflicts, describe, most_connected, path, red_flags, treatments_for
from graph.core.model import KnowledgeGraph
from graph.quality.conflicts import conflicts_frame
from graph.query.run import labeller
from graph.questions.card import relations_frame
from graph.questions.frames import path_frame, ranked_frame


def no_iris_or_local_names(frame: pd.DataFrame, kg: KnowledgeGraph, columns: list[str]) -> None:
    for column in columns:
        for value in frame[column]:
            assert not str(value).startswith("http"), (column, value)
    labels = {kg.label(node) for node in kg.nx}
    for column in ("subject", "object", "label"):
        if column in frame:
            assert set(frame[column]) <= labels, column


def test_card_frame_uses_labels_not_local_names(kg: KnowledgeGraph) -> None:
    card = describe(kg, kg.index.resolve("Tylenol"))
    frame = card.frame(kg)
    assert list(frame.columns) == [
        "subject",
        "predicate",
        "object",
        "support",
        "evidence",
        "subject_id",
        "object_id",
    ]
    nsaid = frame[frame["object_id"] == "bs:nsaid"].iloc[0]
    assert (nsaid["object"], nsaid["support"], nsaid["evidence"]) == ("NSAID", 1, "000:61")
    assert str(frame["support"].dtype) == "int64" and len(frame) == len(card.relations)
    no_iris_or_local_names(frame, kg, list(frame.columns))


def test_path_frame_shows_contested_hops(kg: KnowledgeGraph) -> None:
    hops = path(kg, "herniated disc", "heat therapy")
    frame = path_frame(kg, hops)
    assert frame[["subject", "predicate", "object"]].values.tolist() == [
        ["herniated disc", "causes", "back spasm"],
        ["heat therapy", "treats", "back spasm"],
    ]
    assert frame["contested"].tolist() == [h.contested for h in hops]
    assert list(frame.columns)[-2:] == ["subject_id", "object_id"]
    assert frame.equals(relations_frame(kg, hops))


def test_ranked_frame_keeps_counts_integers(kg: KnowledgeGraph) -> None:
    hubs = ranked_frame(kg, most_connected(kg, 10))
    assert hubs.iloc[0][["label", "score", "id"]].tolist() == [
        "back spasm",
        kg.nx.degree(kg.index.resolve("back spasm")),
        "bs:back_spasm",
    ]
    assert str(hubs["score"].dtype) == "int64" and ".0" not in hubs[["score", "support"]].to_string()
    treatments = ranked_frame(kg, treatments_for(kg, "dehydration"))
    assert treatments.iloc[0]["label"] == "staying hydrated"
    assert treatments.iloc[0]["path"] == "staying hydrated –targets→ dehydration"
    assert str(treatments["score"].dtype) == "float64" and list(treatments.columns)[0] == "label"
    no_iris_or_local_names(treatments, kg, list(treatments.columns))


def test_ranked_frame_of_red_flags_has_urgency(kg: KnowledgeGraph) -> None:
    flags = red_flags(kg)
    frame = ranked_frame(kg, flags)
    assert frame["urgency"].iloc[0] == ", ".join(u["label"] for u in flags[0].urgency)
    assert list(frame.columns)[-1] == "id"
    assert ranked_frame(kg, []).empty


def test_conflicts_frame_has_a_row_per_claim_with_labels(kg: KnowledgeGraph) -> None:
    found = conflicts(kg)
    frame = conflicts_frame(kg)
    assert len(frame) == sum(len(c.claims) for c in found)
    assert list(frame.columns)[:5] == ["conflict", "origin", "subject", "predicate", "object"]
    acetaminophen = frame[frame["subject_id"] == "bs:acetaminophen"]
    assert "NSAID" in set(acetaminophen["object"]) and "nsaid" not in set(frame["object"])
    assert frame["negative"].dtype == bool
    assert "go to the emergency room" in set(frame["object"])  # an urgency level by its label
    assert "EmergencyRoom" not in set(frame["object"])
    values = {str(c.object) for conflict in found for c in conflict.claims if isinstance(c.object, Literal)}
    levels = {
        labeller(kg.index)(c.object)
        for conflict in found
        for c in conflict.claims
        if c.predicate == "urgency"
    }
    entities = frame[~frame["object"].isin(values | levels)]
    no_iris_or_local_names(entities, kg, list(frame.columns))
