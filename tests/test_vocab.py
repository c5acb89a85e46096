"""The closed vocabulary in code agrees with data/ontology.ttl, term for term."""

from __future__ import annotations

import pytest
from rdflib import OWL, RDF, Graph

from graph.core.vocab import BSO, CLASS_NAMES, GUIDANCE, NEGATIVE_RELATIONS, RELATIONS

from .conftest import REPO

NS = str(BSO._NS)


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(REPO / "data" / "ontology.ttl")


def _declared(ontology: Graph) -> set[str]:
    return {str(s)[len(NS) :] for s in ontology.subjects(RDF.type, None) if str(s).startswith(NS)}


def test_python_and_turtle_declare_the_same_terms(ontology):
    in_code = {name for name in BSO.__annotations__ if not name.startswith("_")}
    assert in_code == _declared(ontology)


def test_unknown_term_raises():
    with pytest.raises(AttributeError):
        _ = BSO.treets


def test_relations_are_the_object_properties_with_domains(ontology):
    with_domain = {
        str(p)[len(NS) :]
        for p in ontology.subjects(RDF.type, OWL.ObjectProperty)
        if (p, BSO.domainIncludes, None) in ontology
    }
    assert set(RELATIONS) == with_domain


def test_negative_relations_are_marked_in_the_ontology(ontology):
    marked = {str(p)[len(NS) :] for p in ontology.subjects(BSO.negative, None)}
    assert marked == set(NEGATIVE_RELATIONS)


def test_guidance_properties_and_classes_are_declared(ontology):
    declared = _declared(ontology)
    assert set(GUIDANCE) <= declared
    assert set(CLASS_NAMES) <= declared
    for name in GUIDANCE:
        assert (BSO[name], RDF.type, OWL.DatatypeProperty) in ontology


@pytest.mark.parametrize("term", sorted(name for name in BSO.__annotations__ if not name.startswith("_")))
def test_every_term_has_label_and_comment(ontology, term):
    from rdflib import RDFS

    assert ontology.value(BSO[term], RDFS.label) is not None, term
    if term not in ("CallEmergencyServices", "EmergencyRoom", "DoctorImmediately", "SeeDoctor"):
        assert ontology.value(BSO[term], RDFS.comment) is not None, term
