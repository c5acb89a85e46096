"""The findings of issue #14, held over the bundled data: each relation stated by its own line,
list intros and questions kept as context, hedges recorded, every disagreement with its sides.

The source:line references in the comments were read off the five articles; the tests only look at
the bundled triples.
"""

from __future__ import annotations

import pytest
from rdflib import RDF, Literal, URIRef
from rdflib.namespace import PROV

from graph import load
from graph.core.vocab import BS, BSO
from graph.quality.validate import validate

from .conftest import DATA, MINI

SPASM = BS.back_spasm
GUIDANCE = {"duration", "frequency", "maxDuration", "timing", "caution", "typicalDuration"}


def _term(name: str, predicate: str) -> URIRef | Literal:
    if predicate in GUIDANCE:
        return Literal(name, lang="en")
    if name in {"DoctorImmediately", "EmergencyRoom", "SeeDoctor", "CallEmergencyServices"}:
        return BSO[name]
    return BS[name]


def _cites(kg, s: str, p: str, o: str) -> list[tuple[str, int, URIRef]]:
    """(source, line, node) of every evidence node of ``s p o``."""
    rdf = kg.rdf
    found = []
    for node in rdf.subjects(RDF.subject, BS[s]):
        if rdf.value(node, RDF.predicate) == BSO[p] and rdf.value(node, RDF.object) == _term(o, p):
            source = str(rdf.value(node, PROV.wasDerivedFrom)).rsplit("-", 1)[-1]
            found.append((source, int(rdf.value(node, BSO.line)), node))
    return found


def _node(kg, source: str, line: int, s: str, p: str, o: str) -> URIRef:
    nodes = [n for src, ln, n in _cites(kg, s, p, o) if (src, ln) == (source, line)]
    assert len(nodes) == 1, f"no single evidence node {source}:{line} for {s} {p} {o}"
    return nodes[0]


def _evidence_at(kg, source: str, line: int) -> set[tuple[str, str]]:
    rdf = kg.rdf
    out = set()
    for node in rdf.subjects(BSO.line, Literal(line)):
        if str(rdf.value(node, PROV.wasDerivedFrom)).endswith(f"-{source}"):
            s, p = rdf.value(node, RDF.subject), rdf.value(node, RDF.predicate)
            out.add((str(s).rsplit("/", 1)[-1], str(p).rsplit("#", 1)[-1]))
    return out


# ---------------------------------------------------------------- 1. ten relations the lines do not state


@pytest.mark.parametrize(
    ("s", "p", "o"),
    [
        ("acute_back_spasm", "hasSymptom", "inflammation"),  # 004:9 gives a mechanism, not a symptom
        ("spine_surgeon", "provides", "physical_therapy"),  # 004:13 the clinic's own promotion
        ("therapist", "provides", "stress_management"),  # 002:127 a question for the patient
        ("reading", "treats", "back_spasm"),  # 003:55-59 ways to divert oneself from the pain
        ("watching_tv", "treats", "back_spasm"),
        ("meditation", "treats", "back_spasm"),
        ("conversation_with_loved_ones", "treats", "back_spasm"),
        ("muscle_relaxant", "treats", "inflammation"),  # 001:17 a grouped phrase
    ],
)
def test_relations_no_line_states_are_gone(kg, s, p, o):
    assert (BS[s], BSO[p], BS[o]) not in kg.rdf
    assert not _cites(kg, s, p, o)


def test_the_question_002_91_is_not_the_evidence_of_a_duration(kg):
    assert _evidence_at(kg, "002", 91) == set()
    assert (
        SPASM,
        BSO.typicalDuration,
        Literal("can clear on its own but may return", lang="en"),
    ) not in kg.rdf


def test_avoiding_inflammatory_foods_prevents_spasms_only_hedged(kg):
    cites = _cites(kg, "avoiding_inflammatory_foods", "prevents", "back_spasm")
    assert [(src, line) for src, line, _ in cites] == [("004", 14)]  # "You may also be able to prevent ..."
    assert kg.rdf.value(cites[0][2], BSO.claimStrength) == BSO.Hedged


# ---------------------------------------------------------------- 2. stating lines, context lines

# intros, headings and questions that state nothing by themselves
PURE_CONTEXT = [
    ("000", 6),
    ("000", 25),
    ("000", 34),
    ("000", 72),
    ("000", 53),
    ("001", 6),
    ("002", 12),
    ("002", 14),
    ("002", 18),
    ("002", 32),
    ("002", 38),
    ("002", 40),
    ("002", 44),
    ("002", 75),
    ("002", 91),
    ("002", 96),
    ("002", 127),
    ("003", 6),
    ("003", 16),
    ("003", 21),
]
# intros that also state a relation of their own, and only that one
OWN_CLAIMS = {
    ("000", 69): {("back_spasm", "typicalDuration")},
    ("001", 19): {("self_care", "treats")},
    ("002", 24): {("serious_medical_condition", "hasSymptom")},
    ("002", 85): {("self_care", "prevents"), ("self_care", "caution")},
    ("002", 118): {("serious_medical_condition", "hasSymptom")},
    ("003", 28): {("muscle_overuse", "causes")},
    ("003", 36): {("serious_medical_condition", "hasSymptom"), ("serious_medical_condition", "urgency")},
    ("003", 44): {("self_care", "treats")},
    ("003", 63): {("exercise", "treats")},
    ("004", 2): {
        ("muscle_strain", "causes"),
        ("muscle_strain", "typicalDuration"),
        ("underlying_medical_condition", "causes"),
    },
    ("004", 8): {
        ("inactivity", "causes"),
        ("rest", "caution"),
        ("staying_active", "targets"),
        ("staying_active", "treats"),
    },
}


@pytest.mark.parametrize(("source", "line"), sorted(set(PURE_CONTEXT)))
def test_no_evidence_cites_a_pure_intro_or_question(kg, source, line):
    assert _evidence_at(kg, source, line) == set()


@pytest.mark.parametrize(("source", "line"), sorted(OWN_CLAIMS))
def test_intros_keep_only_what_they_state_themselves(kg, source, line):
    assert _evidence_at(kg, source, line) == OWN_CLAIMS[(source, line)]


@pytest.mark.parametrize(
    ("source", "line", "s", "p", "o", "context"),
    [
        ("000", 26, "back_spasm", "hasSymptom", "backache", {25}),
        ("000", 7, "poor_posture", "causes", "back_spasm", {6}),  # the heading frames the paragraph
        ("000", 73, "numbness", "redFlagFor", "back_spasm", {69, 72}),
        ("002", 34, "herniated_disc", "mimics", "back_spasm", {32}),
        ("002", 13, "back_spasm", "notSignOf", "multiple_sclerosis", {12}),
        ("002", 41, "chest_pain", "redFlagFor", "back_spasm", {40}),
        ("002", 103, "buttock_pain", "associatedWith", "back_spasm", {96, 97}),
        ("004", 3, "spinal_disc_damage", "causes", "back_spasm", {2}),
        # 000:61 names the drugs; the heading 000:60 is what says over-the-counter
        ("000", 61, "ibuprofen", "memberOf", "otc_pain_reliever", {60}),
    ],
)
def test_the_item_line_is_the_evidence_and_its_intro_the_context(kg, source, line, s, p, o, context):
    node = _node(kg, source, line, s, p, o)
    assert {int(c) for c in kg.rdf.objects(node, BSO.contextLine)} == context


def test_context_lines_frame_from_before_and_are_never_the_stating_line(kg):
    rdf = kg.rdf
    pairs = [(int(rdf.value(n, BSO.line)), int(c)) for n, _, c in rdf.triples((None, BSO.contextLine, None))]
    assert len(pairs) > 100
    assert all(context < line for line, context in pairs)


@pytest.mark.parametrize(
    ("source", "line", "s", "p", "o"),
    [
        ("003", 67, "exercise", "treats", "back_spasm"),  # the line says never exercise at onset
        ("000", 15, "stress", "causes", "muscle_tension"),  # tension and stress both cramp muscles
        ("002", 38, "stress", "causes", "back_spasm"),  # a question; the answer names neither
    ],
)
def test_evidence_wrong_in_substance_is_gone(kg, source, line, s, p, o):
    assert (source, line) not in {(src, ln) for src, ln, _ in _cites(kg, s, p, o)}


# ---------------------------------------------------------------- 3. hedges


def test_every_evidence_node_has_exactly_one_strength_from_the_closed_list(kg):
    rdf = kg.rdf
    nodes = set(rdf.subjects(RDF.type, RDF.Statement))
    for node in nodes:
        assert set(rdf.objects(node, BSO.claimStrength)) in ({BSO.Asserted}, {BSO.Hedged}), node
    hedged = sum(1 for n in nodes if rdf.value(n, BSO.claimStrength) == BSO.Hedged)
    assert 0 < hedged < len(nodes)


@pytest.mark.parametrize(
    ("source", "line", "s", "p", "o", "strength"),
    [
        ("004", 14, "warming_up", "prevents", "back_spasm", "Hedged"),  # you may also be able to
        ("000", 13, "magnesium_deficiency", "causes", "back_spasm", "Hedged"),  # may cause
        ("002", 11, "back_spasm", "radiatesTo", "leg", "Hedged"),  # sometimes ... can radiate
        ("004", 12, "nsaid", "treats", "inflammation", "Hedged"),  # can also control
        ("004", 12, "acetaminophen", "doesNotTreat", "inflammation", "Asserted"),
        ("002", 69, "bed_rest", "notRecommendedFor", "back_spasm", "Asserted"),
        ("003", 67, "exercise", "notRecommendedFor", "acute_back_spasm", "Asserted"),
        ("000", 73, "numbness", "redFlagFor", "back_spasm", "Asserted"),  # same line hedges nerve compression
        ("000", 73, "nerve_compression", "hasSymptom", "numbness", "Hedged"),
    ],
)
def test_strength_follows_the_stating_line(kg, source, line, s, p, o, strength):
    assert kg.rdf.value(_node(kg, source, line, s, p, o), BSO.claimStrength) == BSO[strength]


# ---------------------------------------------------------------- 4. disagreements


def test_nsaids_for_inflammation_are_not_contested(kg):
    edges = {(u, v): d for u, v, k, d in kg.nx.edges(keys=True, data=True) if k == "treats"}
    for drug in ("nsaid", "ibuprofen", "aspirin"):
        assert edges[(BS[drug], BS.inflammation)]["contested"] is False, drug
    # what 004:12 does dispute stays contested
    assert edges[(BS.acetaminophen, BS.inflammation)]["contested"] is True
    context = set(kg.rdf.objects(BS["disagreement-acetaminophen_nsaid"], BSO.contextClaim))
    assert _node(kg, "004", 12, "nsaid", "treats", "inflammation") in context


def test_a_context_claim_is_never_also_disputed(kg):
    rdf = kg.rdf
    for disagreement in rdf.subjects(RDF.type, BSO.Disagreement):
        assert not set(rdf.objects(disagreement, BSO.claim)) & set(
            rdf.objects(disagreement, BSO.contextClaim)
        )


C = tuple[str, int, str, str, str]
DISAGREEMENTS: dict[str, list[list[C]]] = {
    # 1. sciatica: a predisposing condition (000:91) against co-occurring only (002:104)
    "sciatica_cause_vs_cooccurrence": [
        [("000", 91, "sciatica", "causes", "back_spasm")],
        [("002", 104, "sciatica", "associatedWith", "back_spasm")],
    ],
    # 2. backache: a symptom (000:26) against co-occurring only (002:98)
    "pains_symptom_vs_cooccurrence": [
        [("000", 26, "back_spasm", "hasSymptom", "backache")],
        [("002", 98, "backache", "associatedWith", "back_spasm")],
    ],
    # 3. disc damage
    "herniated_disc_cause_vs_mimic": [
        [
            ("004", 3, "spinal_disc_damage", "causes", "back_spasm"),
            ("004", 6, "degenerative_disc_disease", "causes", "back_spasm"),
        ],
        [("002", 34, "herniated_disc", "mimics", "back_spasm")],
    ],
    # 4. heat early
    "heat_or_cold_first": [
        [("004", 10, "heat_therapy", "treats", "back_spasm")],
        [
            ("003", 47, "heat_therapy", "usedAfter", "cold_therapy"),
            ("003", 46, "cold_therapy", "timing", "first, right after the spasm or injury"),
        ],
    ],
    # 5. ice/heat regimens
    "heat_and_ice_regimens": [
        [("000", 57, "heat_therapy", "frequency", "3-5 times a day")],
        [("002", 70, "heat_therapy", "duration", "20-30 minutes per application")],
        [("003", 48, "heat_therapy", "frequency", "every four hours until the spasm eases")],
    ],
    # 6. urgency of the same red flags
    "red_flag_urgency": [
        [
            ("002", 45, "loss_of_bladder_or_bowel_control", "urgency", "DoctorImmediately"),
            ("002", 119, "loss_of_bladder_or_bowel_control", "urgency", "DoctorImmediately"),
        ],
        [
            ("002", 131, "loss_of_bladder_or_bowel_control", "urgency", "EmergencyRoom"),
            ("003", 23, "loss_of_bladder_or_bowel_control", "urgency", "EmergencyRoom"),
        ],
    ],
    # 7. over-the-counter NSAIDs: self-care (000:60, 002:130) or after a doctor (003:61)
    "otc_nsaids_self_care_vs_doctor": [
        [
            ("000", 60, "otc_pain_reliever", "treats", "back_spasm"),
            ("002", 130, "otc_pain_reliever", "treats", "back_spasm"),
        ],
        [
            ("003", 61, "nsaid", "timing", "when self-care has not helped"),
            ("003", 61, "doctor", "provides", "nsaid"),
        ],
    ],
    # 8. prevention assured (000:35) against "cannot be 100% preventable" (002:85)
    "prevention_assured_vs_not_fully": [
        [("000", 35, "staying_hydrated", "prevents", "back_spasm")],
        [("002", 85, "self_care", "caution", "cannot prevent every back cramp")],
    ],
    # 9. exercise at onset (000:55, 001:21) against never during the initial encounter (003:67)
    "exercise_at_onset": [
        [("000", 55, "exercise", "treats", "back_spasm"), ("001", 21, "exercise", "treats", "back_spasm")],
        [("003", 67, "exercise", "notRecommendedFor", "acute_back_spasm")],
    ],
    # 10. muscle relaxants as routine (002:130) against only for severe pain (004:12, 001:17)
    "muscle_relaxants_routine_vs_severe_pain": [
        [("002", 130, "muscle_relaxant", "treats", "pain")],
        [
            ("004", 12, "muscle_relaxant", "timing", "when the discomfort is intense (prescription)"),
            ("001", 17, "muscle_relaxant", "timing", "in some cases, for severe pain"),
        ],
    ],
}


@pytest.mark.parametrize("name", ["rest_vs_bed_rest", "leg_numbness_weakness_red_flag_vs_symptom"])
def test_false_disagreements_are_gone(kg, name):
    """Rest is not bed rest (003:49, 004:8 agree with 002:69); a sign may be both urgent and common."""
    assert (BS[f"disagreement-{name}"], RDF.type, BSO.Disagreement) not in kg.rdf


@pytest.mark.parametrize("name", sorted(DISAGREEMENTS))
def test_disagreement_recorded_with_its_sides(kg, name):
    rdf = kg.rdf
    node = BS[f"disagreement-{name}"]
    assert (node, RDF.type, BSO.Disagreement) in rdf
    disputed = set(rdf.objects(node, BSO.claim))
    for side in DISAGREEMENTS[name]:
        for claim in side:
            assert _node(kg, *claim) in disputed, claim
    sources = {str(rdf.value(c, PROV.wasDerivedFrom)) for c in disputed}
    assert len(sources) >= 2


# ---------------------------------------------------------------- 5. claims that were missed


@pytest.mark.parametrize(
    ("source", "line", "s", "p", "o"),
    [
        (
            "003",
            3,
            "nerve_damage",
            "typicalDuration",
            "may be permanent, even once the compression is relieved",
        ),
    ],
)
def test_missed_claims_are_recorded(kg, source, line, s, p, o):
    _node(kg, source, line, s, p, o)


def test_heat_helping_tissues_heal_is_not_read_as_treating_an_injury(kg):
    """004:10 says heat increases circulation and helps tissues heal; it names no injury."""
    assert (BS.heat_therapy, BSO.treats, BS.injury) not in kg.rdf


@pytest.mark.parametrize(
    "values",
    [(), (BSO.Asserted, BSO.Hedged), (BSO.SeeDoctor,)],
    ids=["missing", "two", "outside-the-list"],
)
def test_shapes_hold_one_strength_from_the_closed_list(values):
    graph = load(DATA / "valid.ttl")
    node = next(graph.rdf.subjects(RDF.type, RDF.Statement))
    graph.rdf.remove((node, BSO.claimStrength, None))
    for value in values:
        graph.rdf.add((node, BSO.claimStrength, value))
    report = validate(graph, check_lines=False)
    assert [v.path for v in report.violations] == ["claimStrength"]


def test_shapes_refuse_a_context_line_equal_to_the_stating_line():
    graph = load(DATA / "valid.ttl")
    node = next(graph.rdf.subjects(RDF.type, RDF.Statement))
    graph.rdf.add((node, BSO.contextLine, graph.rdf.value(node, BSO.line)))
    report = validate(graph, check_lines=False)
    assert [v.path for v in report.violations] == ["contextLine"]


def test_shapes_refuse_a_claim_that_is_both_disputed_and_context():
    graph = load(MINI)
    disagreement = next(graph.rdf.subjects(RDF.type, BSO.Disagreement))
    graph.rdf.add((disagreement, BSO.contextClaim, next(graph.rdf.objects(disagreement, BSO.claim))))
    report = validate(graph, check_lines=False)
    assert [v.path for v in report.violations] == ["contextClaim"]
