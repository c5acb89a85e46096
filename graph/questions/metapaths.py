"""The catalogue of named metapaths behind the questions of :mod:`graph.questions.traverse`.

Each name reads from the answer to the asked entity: ``–p→`` follows an edge of the
networkx view in its own direction, ``←p–`` against it. The step's classes constrain the
node on the answer side of that step.
"""

from __future__ import annotations

from graph.questions.paths import Metapath, Step

__all__ = [
    "AGAINST_PATHS",
    "CAUSE_PATHS",
    "CLASS_PATHS",
    "MEMBER_PATHS",
    "MIMIC_PATHS",
    "NOT_SIGN_PATHS",
    "PREVENTION_PATHS",
    "RED_FLAG_PATHS",
    "RISK_PATHS",
    "SIDE_EFFECT_PATHS",
    "SPREADING_PATHS",
    "SPREAD_PATHS",
    "SYMPTOM_OF_PATHS",
    "SYMPTOM_PATHS",
    "TREATMENT_KINDS",
    "TREATMENT_PATHS",
    "WALKS",
]

TREATMENT_KINDS = frozenset({"Treatment", "Prevention", "Medication", "DrugClass"})
_MED, _CLASS, _PREVENTION = frozenset({"Medication"}), frozenset({"DrugClass"}), frozenset({"Prevention"})
_SYMPTOM = frozenset({"Symptom", "RedFlag"})


def _m(name: str, *steps: tuple[str, bool, frozenset[str]]) -> Metapath:
    return Metapath(name, tuple(Step(p, forward, kinds) for p, forward, kinds in steps))


_NONE: frozenset[str] = frozenset()
TREATMENT_PATHS = (
    _m("Treatment –targets→ Cause", ("targets", True, TREATMENT_KINDS)),
    _m("Treatment –treats→ Condition", ("treats", True, TREATMENT_KINDS)),
    _m(
        "Medication –memberOf→ DrugClass –targets→ Cause", ("memberOf", True, _MED), ("targets", True, _CLASS)
    ),
    _m(
        "Medication –memberOf→ DrugClass –treats→ Condition",
        ("memberOf", True, _MED),
        ("treats", True, _CLASS),
    ),
    _m(
        "Treatment –treats→ Condition ←causes– Cause",
        ("treats", True, TREATMENT_KINDS),
        ("causes", False, _NONE),
    ),
    _m(
        "Treatment –targets→ Cause ←causes– Cause",
        ("targets", True, TREATMENT_KINDS),
        ("causes", False, _NONE),
    ),
    _m(
        "Medication –memberOf→ DrugClass –treats→ Condition ←causes– Cause",
        ("memberOf", True, _MED),
        ("treats", True, _CLASS),
        ("causes", False, _NONE),
    ),
)
AGAINST_PATHS = (
    _m("Treatment –notRecommendedFor→ Condition", ("notRecommendedFor", True, _NONE)),
    _m("Treatment –doesNotTreat→ Condition", ("doesNotTreat", True, _NONE)),
    _m(
        "Treatment –notRecommendedFor→ Condition ←causes– Cause",
        ("notRecommendedFor", True, _NONE),
        ("causes", False, _NONE),
    ),
    _m(
        "Treatment –doesNotTreat→ Condition ←causes– Cause",
        ("doesNotTreat", True, _NONE),
        ("causes", False, _NONE),
    ),
)
CAUSE_PATHS = (
    _m("Cause –causes→ Condition", ("causes", True, _NONE)),
    _m("Cause –causes→ Cause –causes→ Condition", ("causes", True, _NONE), ("causes", True, _NONE)),
)
SYMPTOM_PATHS = (
    _m("Symptom ←hasSymptom– Condition", ("hasSymptom", False, _NONE)),
    _m("Symptom –associatedWith→ Condition", ("associatedWith", True, _SYMPTOM)),
)
RED_FLAG_PATHS = (
    _m("RedFlag –redFlagFor→ Condition", ("redFlagFor", True, frozenset({"RedFlag"}))),
    _m("RedFlag ←hasSymptom– Condition", ("hasSymptom", False, frozenset({"RedFlag"}))),
)
PREVENTION_PATHS = (
    _m("Prevention –prevents→ Condition", ("prevents", True, _NONE)),
    _m("Prevention –targets→ Cause", ("targets", True, _PREVENTION)),
    _m(
        "Prevention –targets→ Cause –causes→ Condition",
        ("targets", True, _PREVENTION),
        ("causes", True, _NONE),
    ),
    _m("Prevention –prevents→ Condition ←causes– Cause", ("prevents", True, _NONE), ("causes", False, _NONE)),
)
SIDE_EFFECT_PATHS = (
    _m("SideEffect ←hasSideEffect– Medication", ("hasSideEffect", False, _NONE)),
    _m(
        "SideEffect ←hasSideEffect– DrugClass ←memberOf– Medication",
        ("hasSideEffect", False, _NONE),
        ("memberOf", False, _CLASS),
    ),
)
MEMBER_PATHS = (_m("Medication –memberOf→ DrugClass", ("memberOf", True, _NONE)),)
MIMIC_PATHS = (_m("Condition –mimics→ Condition", ("mimics", True, _NONE)),)
SYMPTOM_OF_PATHS = (
    _m("Condition –hasSymptom→ Symptom", ("hasSymptom", True, _NONE)),
    _m("Condition ←associatedWith– Symptom", ("associatedWith", False, _NONE)),
)
NOT_SIGN_PATHS = (_m("Condition ←notSignOf– Symptom", ("notSignOf", False, _NONE)),)
RISK_PATHS = (_m("RiskGroup –riskFactorFor→ Condition", ("riskFactorFor", True, _NONE)),)
SPREAD_PATHS = (
    _m("BodyRegion ←radiatesTo– Symptom", ("radiatesTo", False, _NONE)),
    _m(
        "BodyRegion ←radiatesTo– Symptom ←hasSymptom– Condition",
        ("radiatesTo", False, _NONE),
        ("hasSymptom", False, _SYMPTOM),
    ),
)
SPREADING_PATHS = (_m("Symptom –radiatesTo→ BodyRegion", ("radiatesTo", True, _NONE)),)
CLASS_PATHS = (_m("DrugClass ←memberOf– Medication", ("memberOf", False, _NONE)),)

#: The metapaths each question function of :mod:`graph.questions.traverse` follows from the asked
#: entity, with those of the answers its command prints beside it (advised against, not a sign of,
#: a drug's classes for its usage): exactly what a store is asked for that question.
WALKS: dict[str, tuple[Metapath, ...]] = {
    "treatments_for": TREATMENT_PATHS + AGAINST_PATHS,
    "advised_against": AGAINST_PATHS,
    "causes_of": CAUSE_PATHS,
    "symptoms_of": SYMPTOM_PATHS,
    "red_flags": RED_FLAG_PATHS,
    "preventions_for": PREVENTION_PATHS,
    "side_effects": SIDE_EFFECT_PATHS + CLASS_PATHS,
    "members": MEMBER_PATHS + CLASS_PATHS,
    "mimics": MIMIC_PATHS,
    "conditions_with_symptom": SYMPTOM_OF_PATHS + NOT_SIGN_PATHS,
    "not_sign_of": NOT_SIGN_PATHS,
    "at_risk": RISK_PATHS,
    "spreads_to": SPREAD_PATHS,
}
