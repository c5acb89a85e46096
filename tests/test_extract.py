"""The extractor's rules on short texts written for these tests: hedges, negation, list framing,
the lines that give nothing, and reading without the network."""

from __future__ import annotations

import socket

import pytest

from graph.extract.cues import load_cues
from graph.extract.extractor import Extractor
from graph.extract.lines import classify


@pytest.fixture(scope="module")
def extractor(kg):
    return Extractor.of(kg)


def triples(found):
    return {(c.line, c.subject.label, c.predicate, c.object.label) for c in found}


def test_a_plain_claim_is_asserted_and_linked_to_the_graph(extractor):
    (found,) = extractor.extract(["Dehydration causes back spasms."])
    assert (found.subject.id, found.predicate, found.object.id) == (
        "bs:dehydration",
        "causes",
        "bs:back_spasm",
    )
    assert not found.hedged and not found.negated
    assert found.subject.cls == "Cause" and 0 < found.score <= 1


@pytest.mark.parametrize(
    "line",
    [
        "Dehydration may cause back spasms.",
        "Dehydration can lead to back spasms.",
        "In some cases, dehydration triggers back spasms.",
        "Back spasms might be caused by dehydration.",
    ],
)
def test_hedges_are_marked(extractor, line):
    (found,) = extractor.extract([line])
    assert (found.subject.label, found.predicate, found.object.label) == (
        "dehydration",
        "causes",
        "back spasm",
    )
    assert found.hedged


def test_a_hedge_stops_at_but(extractor):
    found = extractor.extract(["Heat may help at first, but stretching relieves back spasms."])
    assert {(c.subject.label, c.hedged) for c in found} == {("stretching", False)}


@pytest.mark.parametrize(
    ("line", "predicate"),
    [
        ("Heat therapy does not treat back spasms.", "doesNotTreat"),
        ("Ibuprofen won't cure a back spasm.", "doesNotTreat"),
        ("Stretching doesn't relieve back spasms.", "doesNotTreat"),
        ("Bed rest is no longer recommended for back spasms.", "notRecommendedFor"),
        ("Fever is not a sign of a back spasm.", "notSignOf"),
    ],
)
def test_a_negation_becomes_the_negative_relation(extractor, line, predicate):
    found = extractor.extract([line])
    assert [(c.predicate, c.negated) for c in found] == [(predicate, True)]


def test_a_negated_claim_without_a_negative_twin_gives_nothing(extractor):
    assert extractor.extract(["Dehydration does not cause back spasms."]) == []


def test_the_positive_relation_is_never_proposed_for_a_negated_line(extractor):
    found = extractor.extract(["Massage doesn't treat back spasms and heat therapy does not relieve them."])
    assert {c.predicate for c in found} <= {"doesNotTreat", "notRecommendedFor", "notSignOf"}


def test_list_items_take_the_relation_of_the_intro(extractor):
    lines = [
        "Several things can bring on back spasms, including:",
        "- Dehydration: not drinking enough water through the day.",
        "- Carrying a heavy backpack",
        "- Stress",
        "Warm baths help.",
    ]
    found = extractor.extract(lines)
    framed = {(c.line, c.subject.label, c.predicate, c.object.label, c.hedged) for c in found if c.context}
    assert framed == {
        (2, "dehydration", "causes", "back spasm", True),
        (3, "carrying a heavy backpack", "causes", "back spasm", True),
        (4, "stress", "causes", "back spasm", True),
    }
    new = next(c for c in found if c.line == 3)
    assert new.subject.id is None and new.subject.cls == "Cause" and new.context == (1,)


def test_an_intro_without_an_entity_frames_by_the_article_topic(extractor):
    lines = [
        "Back spasms are common in people who sit all day.",
        "See a doctor if you have:",
        "- Fever",
        "- Numbness in the legs",
    ]
    assert {(c.line, c.subject.label, c.predicate, c.object.label) for c in extractor.extract(lines)} >= {
        (3, "fever", "redFlagFor", "back spasm"),
        (4, "numbness in the legs", "redFlagFor", "back spasm"),
    }


def test_a_list_ends_at_the_next_paragraph(extractor):
    lines = ["Common causes of back spasms include:", "- Stress", "Fever is rare."]
    assert {c.line for c in extractor.extract(lines)} == {2}


def test_headings_questions_tables_and_ads_give_nothing(extractor):
    lines = [
        "Dehydration and Back Spasms",
        "Can dehydration cause back spasms?",
        "Cause | Effect |",
        "Dehydration | back spasms |",
        "Book an appointment today: our team treats back spasms caused by dehydration.",
        "Call us now to find out how stretching relieves back spasms.",
    ]
    assert extractor.extract(lines) == []
    kinds = [line.kind for line in classify(lines, load_cues().ignore)]
    assert kinds == ["heading", "question", "table", "table", "ad", "ad"]


def test_enumerated_names_the_graph_lacks_are_proposed(extractor):
    found = extractor.extract(
        ["Back spasms can be triggered by things such as drafty rooms and long drives."]
    )
    new = {c.subject.label for c in found if c.subject.id is None}
    assert new == {"drafty rooms", "long drives"}
    assert all(c.predicate == "causes" and c.object.label == "back spasm" and c.hedged for c in found)


def test_a_claim_against_the_graph_names_its_evidence(extractor):
    (found,) = extractor.extract(["Ibuprofen does not treat back spasms."])
    (conflict,) = found.conflicts
    assert conflict["predicate"] == "treats" and conflict["evidence"]


def test_classes_decide_between_a_cue_and_its_alternates(extractor):
    (found,) = extractor.extract(["Muscle relaxants can cause drowsiness."])
    assert (found.subject.label, found.predicate, found.object.label) == (
        "muscle relaxant",
        "hasSideEffect",
        "drowsiness",
    )


def test_extracting_opens_no_network_connection(kg, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the extractor tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    found = Extractor.of(kg, without_source="004").extract(["Stretching relieves back spasms."])
    assert [c.predicate for c in found] == ["treats"]


def test_leaving_a_source_out_forgets_the_entities_only_it_names(kg):
    from graph.extract.lexicon import lexicon

    full, without = lexicon(kg), lexicon(kg, without_source="002")
    assert set(without.labels) < set(full.labels)
    assert kg.index.resolve("back spasm") in without.labels


def test_a_negation_before_the_whole_claim_proposes_nothing(extractor):
    found = extractor.extract(["If stretching does not help, ibuprofen may relieve back spasms."])
    assert not [c for c in found if c.predicate == "doesNotTreat"]  # ibuprofen is not negated
    assert extractor.extract(["There is no proof that massage treats back spasms."]) == []


def test_an_item_head_can_end_with_a_dash(extractor):
    lines = ["Home remedies for back spasms include:", "• Heat therapy – a warm pack on the sore spot."]
    found = extractor.extract(lines)
    assert ("heat therapy", "treats", "back spasm") in {
        (c.subject.label, c.predicate, c.object.label) for c in found
    }


def test_may_does_not_hedge_what_class_a_drug_is_in(extractor):
    found = extractor.extract(["Your doctor may suggest a muscle relaxant such as cyclobenzaprine."])
    member = [c for c in found if c.predicate == "memberOf"]
    assert [(c.subject.label, c.object.label, c.hedged) for c in member] == [
        ("cyclobenzaprine", "muscle relaxant", False)
    ]


def test_a_paragraph_that_starts_with_a_name_and_a_dash_is_an_item(extractor):
    lines = ["Relief for back spasms", "Moist heat – a warm towel on the back for twenty minutes."]
    assert [line.kind for line in classify(lines, load_cues().ignore)] == ["heading", "item"]
    found = extractor.extract(lines)
    assert {(c.subject.label, c.predicate, c.object.label) for c in found} == {
        ("heat therapy", "treats", "back spasm")
    }


def test_a_paragraph_under_a_treatment_heading_treats_the_topic(extractor):
    lines = [
        "Back spasms are common after a long day.",
        "How to treat a back spasm",
        "Most people do well with a warm bath and gentle stretching at home.",
    ]
    found = {(c.line, c.subject.label, c.predicate, c.object.label) for c in extractor.extract(lines)}
    assert found == {(3, "heat therapy", "treats", "back spasm"), (3, "stretching", "treats", "back spasm")}


def test_a_verb_after_a_comma_takes_the_sentence_subject(extractor):
    found = extractor.extract(
        ["Muscle strain is a common cause of back spasms, often resulting from an injury."]
    )
    triples = {(c.subject.label, c.predicate, c.object.label) for c in found}
    assert ("injury", "causes", "muscle strain") in triples
    assert ("injury", "causes", "back spasm") not in triples


def test_verbs_joined_by_and_share_their_subject(extractor):
    found = extractor.extract(["A heating pad can relax the muscles and reduce pain."])
    assert ("heat therapy", "treats", "pain", True) in {
        (c.subject.label, c.predicate, c.object.label, c.hedged) for c in found
    }


def test_a_numbered_title_above_a_paragraph_gives_nothing_itself(extractor):
    lines = [
        "Treatment options",
        "1. Heat therapy",
        "A warm compress on the back eases the spasm for most people.",
    ]
    kinds = [line.kind for line in classify(lines, load_cues().ignore)]
    assert kinds == ["heading", "subheading", "text"]
    assert {c.line for c in extractor.extract(lines)} <= {3}
