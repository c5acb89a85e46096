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
    "as_int",
    "BSO",
    "CLASS_NAMES",
    "GUIDANCE",
    "LABEL_PREDICATES",
    "NEGATIVE_RELATIONS",
    "PREFIXES",
    "RELATIONS",
    "SOURCE_PREFIX",
]


class BSO(DefinedNamespace):
    """Terms of the backspasm-kg ontology (``bso:``)."""

    _NS = Namespace("https://w3id.org/backspasm-kg/ontology#")
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
    "bso": Namespace(str(BSO._NS)),
    "dcterms": Namespace(str(DCTERMS)),
    "owl": Namespace(str(OWL)),
    "prov": Namespace(str(PROV)),
    "rdf": Namespace(str(RDF)),
    "rdfs": Namespace(str(RDFS)),
    "skos": Namespace(str(SKOS)),
    "xsd": Namespace(str(XSD)),
}

#: Predicates that name an entity, strongest first (preferred, synonym, misspelling).
LABEL_PREDICATES: Final = (RDFS.label, SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel)

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

#: Literal properties that carry usage guidance, in the project's words.
GUIDANCE: Final = ("duration", "frequency", "maxDuration", "timing", "caution", "typicalDuration")


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
