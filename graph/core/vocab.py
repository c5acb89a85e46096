"""The project's vocabulary as closed rdflib namespaces.

``BSO`` mirrors ``data/ontology.ttl`` term for term (a test keeps the two in sync);
an unknown term raises ``AttributeError`` instead of minting a wrong IRI.

>>> BSO.causes
rdflib.term.URIRef('https://w3id.org/backspasm-kg/ontology#causes')
>>> BSO.treets
Traceback (most recent call last):
...
AttributeError: term 'treets' not in namespace 'https://w3id.org/backspasm-kg/ontology#'
"""

from __future__ import annotations

from typing import Final

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD, DefinedNamespace
from rdflib.term import Literal, Node

__all__ = [
    "BS",
    "BSO",
    "CLASS_NAMES",
    "EDGE_RELATIONS",
    "GUIDANCE",
    "HEDGE_WORDS",
    "LABEL_PREDICATES",
    "NAME_WEIGHTS",
    "NEGATIVE_RELATIONS",
    "ONTOLOGY",
    "POSITIVE_RELATIONS",
    "PREFIXES",
    "RELATIONS",
    "SOURCE_PREFIX",
    "URGENCY_WORDS",
    "as_int",
    "local_name",
    "term",
]

#: The ontology's namespace, written once (``bso:``).
ONTOLOGY: Final = "https://w3id.org/backspasm-kg/ontology#"


class BSO(DefinedNamespace):
    """Terms of the backspasm-kg ontology (``bso:``)."""

    _NS = Namespace(ONTOLOGY)
    _fail = True

    # classes
    Entity: URIRef
    Condition: URIRef
    Cause: URIRef
    Symptom: URIRef
    RedFlag: URIRef
    Treatment: URIRef
    Medication: URIRef
    Prevention: URIRef
    DrugClass: URIRef
    SideEffect: URIRef
    RiskGroup: URIRef
    HealthcareProvider: URIRef
    BodyRegion: URIRef
    UrgencyLevel: URIRef
    Source: URIRef
    Disagreement: URIRef
    ClaimStrength: URIRef

    # claim strengths
    Asserted: URIRef
    Hedged: URIRef

    # urgency levels
    CallEmergencyServices: URIRef
    EmergencyRoom: URIRef
    DoctorImmediately: URIRef
    SeeDoctor: URIRef

    # object properties
    causes: URIRef
    hasSymptom: URIRef
    redFlagFor: URIRef
    urgency: URIRef
    treats: URIRef
    prevents: URIRef
    targets: URIRef
    memberOf: URIRef
    hasSideEffect: URIRef
    mimics: URIRef
    notRecommendedFor: URIRef
    doesNotTreat: URIRef
    notSignOf: URIRef
    riskFactorFor: URIRef
    associatedWith: URIRef
    worsens: URIRef
    radiatesTo: URIRef
    usedAfter: URIRef
    provides: URIRef
    evaluates: URIRef
    refersTo: URIRef

    # datatype properties
    duration: URIRef
    frequency: URIRef
    maxDuration: URIRef
    timing: URIRef
    caution: URIRef
    typicalDuration: URIRef
    line: URIRef
    lineCount: URIRef
    fileName: URIRef
    contextLine: URIRef
    annotationFrequency: URIRef
    hierarchyDepth: URIRef

    # object properties
    claim: URIRef
    contextClaim: URIRef
    claimStrength: URIRef

    # datatype properties
    rank: URIRef

    # annotation properties
    negative: URIRef
    domainIncludes: URIRef
    rangeIncludes: URIRef


#: Entities, sources and evidence nodes (``bs:``).
BS: Final = Namespace("https://w3id.org/backspasm-kg/id/")

#: The IRI of a source is ``bs:source-NNN``.
SOURCE_PREFIX: Final = str(BS) + "source-"

#: Prefixes bound in every graph, query and export.
PREFIXES: Final[dict[str, Namespace]] = {
    "bs": BS,
    "bso": Namespace(ONTOLOGY),
    "dcterms": Namespace(str(DCTERMS)),
    "owl": Namespace(str(OWL)),
    "prov": Namespace(str(PROV)),
    "rdf": Namespace(str(RDF)),
    "rdfs": Namespace(str(RDFS)),
    "skos": Namespace(str(SKOS)),
    "xsd": Namespace(str(XSD)),
}

#: Predicates that name an entity, with the score a lookup gives a match on each: the preferred
#: label, a synonym or brand name, a misspelling found in the sources.
NAME_WEIGHTS: Final[tuple[tuple[URIRef, float], ...]] = (
    (RDFS.label, 1.0),
    (SKOS.prefLabel, 1.0),
    (SKOS.altLabel, 0.95),
    (SKOS.hiddenLabel, 0.9),
)

#: Predicates that name an entity, strongest first.
LABEL_PREDICATES: Final = tuple(predicate for predicate, _ in NAME_WEIGHTS)

#: The domain classes every entity draws its types from.
CLASS_NAMES: Final = (
    "Condition",
    "Cause",
    "Symptom",
    "RedFlag",
    "Treatment",
    "Medication",
    "Prevention",
    "DrugClass",
    "SideEffect",
    "RiskGroup",
    "HealthcareProvider",
    "BodyRegion",
)

#: Properties that relate two entities: the edges of the networkx view.
RELATIONS: Final = (
    "causes",
    "hasSymptom",
    "redFlagFor",
    "urgency",
    "treats",
    "prevents",
    "targets",
    "memberOf",
    "hasSideEffect",
    "mimics",
    "notRecommendedFor",
    "doesNotTreat",
    "notSignOf",
    "riskFactorFor",
    "associatedWith",
    "worsens",
    "radiatesTo",
    "usedAfter",
    "provides",
    "evaluates",
    "refersTo",
)

#: Relations that state that something is *not* so; never read them as their positive twin.
NEGATIVE_RELATIONS: Final = frozenset({"notRecommendedFor", "doesNotTreat", "notSignOf"})

#: The relations that become edges of the networkx view: every entity-to-entity relation but
#: ``urgency`` (its object is an urgency level, a node attribute of the red flag).
EDGE_RELATIONS: Final = tuple(name for name in RELATIONS if name != "urgency")

#: The edge relations that state something is so (the negative ones are never read as these).
POSITIVE_RELATIONS: Final = tuple(name for name in EDGE_RELATIONS if name not in NEGATIVE_RELATIONS)

#: Literal properties that carry usage guidance, in the project's words.
GUIDANCE: Final = ("duration", "frequency", "maxDuration", "timing", "caution", "typicalDuration")


#: Words and phrases that hedge a claim (the rule is in ``data/ontology.ttl``, ``bso:Hedged``): an
#: evidence node is hedged only when one of them governs the clause that states its claim, in its
#: own line or in the list intro or heading recorded as its context line.
HEDGE_WORDS: Final = (
    "may",
    "might",
    "could",
    "can",
    "possible",
    "possibly",
    "potentially",
    "sometimes",
    "at times",
    "some",
    "often",
    "likely",
    "usually",
)

#: Phrases that state each urgency level, as the sources word them: an urgency evidence node's
#: line, or a context line of it, says one of its level's phrases.
URGENCY_WORDS: Final[dict[str, tuple[str, ...]]] = {
    "CallEmergencyServices": ("call 911", "emergency number", "call emergency services"),
    "EmergencyRoom": ("emergency room", "ER", "emergency case", "emergency department", "hospital"),
    "DoctorImmediately": ("immediately", "immediate", "right away", "urgent"),
    "SeeDoctor": ("see a doctor", "see your doctor", "medical attention"),
}


def as_int(node: Node | int | None, default: int = 0) -> int:
    """Return the integer value of an RDF literal (``default`` when there is none).

    >>> as_int(Literal(12)), as_int(None)
    (12, 0)
    """
    if node is None:
        return default
    if isinstance(node, int):
        return node
    value = node.toPython() if isinstance(node, Literal) else node
    try:
        return int(str(value))
    except ValueError:
        return default


def local_name(iri: Node | str) -> str:
    """Return the last segment of an IRI: what follows its last ``#`` or ``/``.

    >>> local_name(BSO.treats), local_name("https://w3id.org/backspasm-kg/id/back_spasm")
    ('treats', 'back_spasm')
    """
    text = str(iri)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def term(name: str) -> URIRef:
    """Return the ``bso:`` IRI of a local name (typed, unlike ``BSO[name]``).

    >>> term("treats") == BSO.treats
    True
    """
    return URIRef(ONTOLOGY + name)
