"""Rules for the claims a reader is most at risk from: urgent advice, red flags, disagreements, spreads.

Each test states a rule over the whole bundled graph (or over a broken fixture for the checks of
``bskg validate``), not a snapshot of it: a new evidence node that breaks the rule fails the test.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import RDF, URIRef
from rdflib.namespace import PROV

from graph import load, validate
from graph.core.model import KnowledgeGraph
from graph.core.text import mentions
from graph.core.vocab import BS, BSO, URGENCY_WORDS, as_int
from graph.quality.wording import hedged

from .conftest import DATA, MINI_SEEDS

BROKEN = DATA / "broken"


def _evidence(kg: KnowledgeGraph, predicate: URIRef | None = None) -> list[URIRef]:
    rdf = kg.rdf
    if predicate is None:
        nodes = rdf.subjects(RDF.type, RDF.Statement)
    else:
        nodes = rdf.subjects(RDF.predicate, predicate)
    return sorted((n for n in nodes if isinstance(n, URIRef)), key=str)


def _lines(kg: KnowledgeGraph, node: URIRef, texts: dict[str, list[str]]) -> tuple[str, list[str]]:
    """Return the stating line of an evidence node and its context lines, as text."""
    rdf = kg.rdf
    source = str(rdf.value(node, PROV.wasDerivedFrom)).rsplit("-", 1)[-1]
    lines = texts[source]
    context = sorted(as_int(n) for n in rdf.objects(node, BSO.contextLine))
    return lines[as_int(rdf.value(node, BSO.line)) - 1], [lines[n - 1] for n in context]


@pytest.fixture(scope="module")
def texts(source_texts: Path) -> dict[str, list[str]]:
    files = sorted(source_texts.glob("*.txt"))
    return {p.name[:3]: p.read_text(encoding="utf-8").splitlines() for p in files}


# ---------------------------------------------------------------- urgent advice, as firmly as stated


def test_emergency_advice_is_asserted(kg: KnowledgeGraph) -> None:
    """Every red flag and urgency claim is advice the sources give outright (no hedge governs it)."""
    for predicate in (BSO.redFlagFor, BSO.urgency):
        for node in _evidence(kg, predicate):
            assert kg.rdf.value(node, BSO.claimStrength) == BSO.Asserted, node


@pytest.mark.parametrize(
    ("iri", "strength"),
    [
        ("ev-003-003-loss_of_bladder_or_bowel_control-urgency-DoctorImmediately", "Asserted"),
        ("ev-002-131-one_sided_numbness_or_weakness-urgency-EmergencyRoom", "Asserted"),
        ("ev-000-061-acetaminophen-memberOf-nsaid", "Asserted"),  # "can help" governs the treats only
        ("ev-000-061-acetaminophen-treats-pain", "Hedged"),
        ("ev-003-054-leg_elevation-treats-back_spasm", "Asserted"),  # "It is also effective"
        ("ev-002-056-doctor-refersTo-specialist", "Hedged"),  # "they can refer you"
        ("ev-002-080-doctor-refersTo-physical_therapist", "Hedged"),  # "your GP can ... refer you"
    ],
)
def test_a_hedge_marks_only_the_clause_it_governs(kg: KnowledgeGraph, iri: str, strength: str) -> None:
    assert kg.rdf.value(BS[iri], BSO.claimStrength) == BSO[strength]


def test_004_12_may_be_an_option_is_hedged(kg: KnowledgeGraph) -> None:
    timing = [n for n in _evidence(kg, BSO.timing) if kg.rdf.value(n, RDF.subject) == BS.muscle_relaxant]
    at_12 = [n for n in timing if as_int(kg.rdf.value(n, BSO.line)) == 12]
    assert at_12 and all(kg.rdf.value(n, BSO.claimStrength) == BSO.Hedged for n in at_12)


def test_every_hedged_claim_has_a_hedge_word_in_its_lines(
    kg: KnowledgeGraph, texts: dict[str, list[str]]
) -> None:
    for node in _evidence(kg):
        if kg.rdf.value(node, BSO.claimStrength) == BSO.Hedged:
            line, context = _lines(kg, node, texts)
            assert hedged(line) or any(hedged(c) for c in context), node


# ---------------------------------------------------------------- urgency levels and their lines


def test_every_urgency_level_cites_a_line_stating_it(kg: KnowledgeGraph, texts: dict[str, list[str]]) -> None:
    for node in _evidence(kg, BSO.urgency):
        level = str(kg.rdf.value(node, RDF.object)).rsplit("#", 1)[-1]
        line, context = _lines(kg, node, texts)
        words = URGENCY_WORDS[level]
        assert any(mentions(text, w) for text in [line, *context] for w in words), (node, level)


def test_the_hospital_of_000_71_is_not_rated_see_a_doctor(kg: KnowledgeGraph) -> None:
    at_71 = [n for n in _evidence(kg, BSO.urgency) if kg.rdf.value(n, BSO.line).toPython() == 71]
    assert {kg.rdf.value(n, RDF.object) for n in at_71} == {BSO.EmergencyRoom}


def test_a_condition_a_spasm_can_signal_carries_its_urgency(kg: KnowledgeGraph) -> None:
    """003:36: a back spasm can be the symptom of a life-threatening condition needing emergency care."""
    assert (BS.serious_medical_condition, BSO.urgency, BSO.EmergencyRoom) in kg.rdf
    assert (BS.serious_medical_condition, BSO.hasSymptom, BS.back_spasm) in kg.rdf


def test_negatives_never_carry_urgency_or_red_flags(kg: KnowledgeGraph) -> None:
    """What a spasm is not a sign of (002:12-15) gets no level of care through the spasm."""
    pairs = list(kg.rdf.subject_objects(BSO.notSignOf))
    assert pairs
    for sign, condition in pairs:
        assert (condition, BSO.urgency, None) not in kg.rdf
        assert (sign, BSO.redFlagFor, condition) not in kg.rdf
        assert (condition, BSO.hasSymptom, sign) not in kg.rdf


# ---------------------------------------------------------------- entities that mislead


def test_no_red_flag_for_a_non_symptom(kg: KnowledgeGraph) -> None:
    """A red flag is a sign a person feels or shows: never also a cause, a treatment, a condition, …"""
    flags = set(kg.rdf.subjects(RDF.type, BSO.RedFlag))
    assert flags
    for flag in flags:
        assert set(kg.types(flag)) <= {"RedFlag", "Symptom"}, flag
        assert (flag, BSO.redFlagFor, None) in kg.rdf, flag
    # 000:75 and 000:77 name a past injury and the course of a spasm, not signs
    assert not {BS.history_of_back_injury, BS.medication_not_working} & flags


def test_an_ordinary_spasm_does_not_lead_to_the_signs_of_a_compressed_cord(kg: KnowledgeGraph) -> None:
    """003:1's pressure on the nerves is not 003:3's spinal-cord compression with its critical signs."""
    reached, todo = set(), [BS.back_spasm]
    while todo:
        node = todo.pop()
        for nxt in kg.rdf.objects(node, BSO.causes):
            if nxt not in reached:
                reached.add(nxt)
                todo.append(nxt)
    signs = {o for n in reached for o in kg.rdf.objects(n, BSO.hasSymptom)}
    assert BS.loss_of_bladder_or_bowel_control not in signs
    assert (BS.herniated_disc, BSO.causes, BS.nerve_compression) in kg.rdf  # 003:3


def test_a_combined_method_does_not_resolve_to_one_part(kg: KnowledgeGraph) -> None:
    names = [kg.label(BS.heat_therapy), *kg.index.synonyms.get(BS.heat_therapy, ())]
    assert not any("cold" in name.lower() for name in names)


def test_prescription_medication_is_no_drug_class(kg: KnowledgeGraph) -> None:
    assert "DrugClass" not in kg.types(BS.prescription_medication)


def test_acute_back_spasm_is_linked_to_back_spasm(kg: KnowledgeGraph) -> None:
    assert set(kg.rdf.objects(BS.acute_back_spasm, None)) & {BS.back_spasm}


# ---------------------------------------------------------------- disagreements are real


_TWINS = {"treats": {"notRecommendedFor", "doesNotTreat"}, "hasSymptom": {"notSignOf"}}
_CAUSAL = {"causes", "hasSymptom"}
_LIMITS = {"timing", "usedAfter", "maxDuration", "caution"}
_GUIDANCE = {"duration", "frequency", "maxDuration", "timing", "caution"}
Claim = tuple[URIRef, str, object, str]


def _claims(kg: KnowledgeGraph, disagreement: URIRef) -> list[Claim]:
    rdf = kg.rdf
    found = []
    for node in rdf.objects(disagreement, BSO.claim):
        predicate = str(rdf.value(node, RDF.predicate)).rsplit("#", 1)[-1]
        source = str(rdf.value(node, PROV.wasDerivedFrom)).rsplit("-", 1)[-1]
        found.append((rdf.value(node, RDF.subject), predicate, rdf.value(node, RDF.object), source))
    return found


def _related(kg: KnowledgeGraph, a: object, b: object) -> bool:
    """The same entity, or one the graph links to the other (acute back spasm to back spasm)."""
    return a == b or (a, BSO.associatedWith, b) in kg.rdf or (b, BSO.associatedWith, a) in kg.rdf


def _conflict(kg: KnowledgeGraph, one: Claim, other: Claim) -> str:
    """Name the rule by which two claims cannot both hold as stated, or return ``""``."""
    (s1, p1, o1, _), (s2, p2, o2, _) = one, other
    if p2 in _TWINS.get(p1, ()) and s1 == s2 and _related(kg, o1, o2):
        return "positive against negative"
    if {p1, p2} == {"causes", "mimics"} and o1 == o2:
        return "cause against mimic"  # the subjects may name one condition twice (disc prolapse)
    if p1 in _CAUSAL and p2 == "associatedWith" and {s1, o1} == {s2, o2}:
        return "cause against co-occurrence only"
    if p1 == p2 == "urgency" and s1 == s2 and o1 != o2:
        return "different urgency"
    if p1 == p2 and p1 in _GUIDANCE and s1 == s2 and o1 != o2:
        return "different regimen"
    shared = set(kg.types(s1)) & set(kg.types(s2)) & {"Treatment", "Prevention", "DrugClass"}
    if p1 in {"treats", "prevents"} and p2 in _LIMITS and (s1 == s2 or shared):
        return "unconditioned use against a limit"
    return ""


def test_each_disagreement_has_two_sides_that_conflict(kg: KnowledgeGraph) -> None:
    """Two claims of each recorded disagreement, from different sources, conflict by a named rule."""
    records = sorted(kg.rdf.subjects(RDF.type, BSO.Disagreement), key=str)
    assert len(records) >= 10
    for record in records:
        claims = _claims(kg, record)
        rules = {
            _conflict(kg, a, b) or _conflict(kg, b, a) for a in claims for b in claims if a[3] != b[3]
        } - {""}
        assert rules, (record, claims)


def test_acetaminophen_as_an_nsaid_is_disputed(kg: KnowledgeGraph) -> None:
    """000:61's acetaminophen memberOf NSAID and treats inflammation are disputed claims (004:12)."""
    record = BS["disagreement-acetaminophen_nsaid"]
    disputed = {(s, p, o) for s, p, o, _ in _claims(kg, record)}
    assert (BS.acetaminophen, "memberOf", BS.nsaid) in disputed
    assert (BS.acetaminophen, "treats", BS.inflammation) in disputed
    assert (BS.acetaminophen, "doesNotTreat", BS.inflammation) in disputed


# ---------------------------------------------------------------- spreads are spreads


def test_no_loose_radiates_to(kg: KnowledgeGraph, texts: dict[str, list[str]]) -> None:
    """A radiatesTo claim cites a line that speaks of spreading (radiate, spread), not only of a place."""
    for node in _evidence(kg, BSO.radiatesTo):
        line, _ = _lines(kg, node, texts)
        assert mentions(line, "radiate") or mentions(line, "spread"), node


# ---------------------------------------------------------------- bskg validate reports what the rules forbid


@pytest.mark.parametrize(
    ("fixture", "check", "expected"),
    [
        (
            "wrong_hedge.ttl",
            "hedge",
            "marked hedged, but neither its line nor a context line holds a hedge word",
        ),
        ("wrong_urgency.ttl", "urgency", "neither its line nor a context line says the level EmergencyRoom"),
        (
            "red_flag_not_a_symptom.ttl",
            "shacl",
            "a red flag is a symptom, never also a condition, cause, treatment, "
            "prevention, drug class, side effect, risk group, provider or body region",
        ),
    ],
)
def test_validate_reports_a_broken_fixture(fixture: str, check: str, expected: str) -> None:
    report = validate(load(BROKEN / fixture), sources=MINI_SEEDS)
    assert not report.conforms
    assert expected in [v.message for v in report.violations if v.check == check]


# ---------------------------------------------------------------- the numbers beside an answer agree


@pytest.mark.parametrize(
    ("question", "entity"),
    [
        ("preventions_for", "dehydration"),
        ("treatments_for", "dehydration"),
        ("treatments_for", "back spasm"),
        ("causes_of", "back spasm"),
        ("red_flags", "back spasm"),
    ],
)
def test_cited_by_counts_what_support_counts(kg: KnowledgeGraph, question: str, entity: str) -> None:
    """An answer's sources are the ones its support counts: never a source of a path not shown."""
    from graph.questions import traverse

    for answer in getattr(traverse, question)(kg, entity):
        assert len(answer.sources) == answer.support, answer.label
    hydrated = next(a for a in traverse.preventions_for(kg, "dehydration") if a.label == "staying hydrated")
    assert hydrated.sources == ("000",)  # 000:35 and 000:67; 002 and 003 state only dehydration's link


def test_the_red_flags_query_cites_the_lines_of_each_level(
    kg: KnowledgeGraph, texts: dict[str, list[str]]
) -> None:
    """Each row (sign, level) of the red_flags named query cites lines that word that level."""
    from graph import sparql

    rows = sparql(kg, "red_flags", condition="back spasm").to_dict("records")
    assert rows
    for row in rows:
        flag, level = str(row["flag"]).removeprefix("bs:"), str(row["urgency"]).removeprefix("bso:")
        for cited in str(row["evidence"]).split(", "):
            source, line = cited.split(":")
            node = BS[f"ev-{source}-{int(line):03d}-{flag}-urgency-{level}"]
            stated, context = _lines(kg, node, texts)
            words = URGENCY_WORDS[level]
            assert any(mentions(t, w) for t in [stated, *context] for w in words), (flag, level, cited)


def test_a_condition_shows_its_urgency_in_json(kg: KnowledgeGraph) -> None:
    """symptom-of answers carry the level of care a source gives the condition (003:36-42)."""
    from graph.questions.traverse import conditions_with_symptom

    answers = {a.label: a.as_dict(kg) for a in conditions_with_symptom(kg, "back spasm")}
    levels = [u["level"] for u in answers["serious medical condition"]["urgency"]]
    assert levels == ["EmergencyRoom"]
    assert "urgency" not in answers["stiff person syndrome"]  # 002:27 gives no level
