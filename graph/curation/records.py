"""Building curated Turtle from plain records: entities, relations, guidance and disagreements.

Curators (and the curation import) describe facts as records with their evidence, and this
module mints the evidence nodes, so the Turtle always pairs each relation with the source
lines behind it. The records format is the one of ``bskg import-records`` (see README).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from rdflib import RDF, RDFS, SKOS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV

from graph.core.errors import GraphError
from graph.core.vocab import BS, BSO, CLASS_NAMES, GUIDANCE, RELATIONS
from graph.curation.canonical import evidence_iri

__all__ = ["add_fact", "records_to_graph"]

_URGENCY = {"CallEmergencyServices", "EmergencyRoom", "DoctorImmediately", "SeeDoctor"}


_ID = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]*")


def _id(value: object) -> str:
    """Return an entity id that is a plain local name (letters, digits, ``_``, ``-``), or refuse it.

    >>> _id("../etc/passwd")
    Traceback (most recent call last):
    ...
    graph.core.errors.GraphError: id '../etc/passwd': use letters, digits, _ and - only
    """
    if not isinstance(value, str) or not _ID.fullmatch(value):
        raise GraphError(f"id {value!r}: use letters, digits, _ and - only")
    return value


def _entity(name: str) -> URIRef:
    if name in _URGENCY:
        return BSO[name]
    return BS[_id(name)]


def add_fact(
    rdf: Graph,
    subject: URIRef,
    predicate: URIRef,
    obj: URIRef | Literal,
    evidence: Iterable[tuple[str, int]],
    hedged: bool = False,
) -> list[URIRef]:
    """Add a triple and one evidence node per (source, line); return the evidence IRIs.

    Each evidence node records whether its line asserts the claim or hedges it (``hedged``).

    >>> g = Graph()
    >>> [str(e) for e in add_fact(g, BS.stress, BSO.causes, BS.back_spasm, [("000", 14)])]
    ['https://w3id.org/backspasm-kg/id/ev-000-014-stress-causes-back_spasm']
    """
    pairs = sorted(set((_id(str(s)), int(n)) for s, n in evidence))
    if not pairs:
        raise GraphError(f"{subject} {predicate} {obj}: a fact needs at least one (source, line)")
    rdf.add((subject, predicate, obj))
    minted = []
    for source, line in pairs:
        node = evidence_iri(subject, predicate, obj, source, line)
        rdf.add((node, RDF.type, RDF.Statement))
        rdf.add((node, RDF.subject, subject))
        rdf.add((node, RDF.predicate, predicate))
        rdf.add((node, RDF.object, obj))
        rdf.add((node, PROV.wasDerivedFrom, BS[f"source-{source}"]))
        rdf.add((node, BSO.line, Literal(line)))
        rdf.add((node, BSO.claimStrength, BSO.Hedged if hedged else BSO.Asserted))
        minted.append(node)
    return minted


def _add_source(rdf: Graph, source: Mapping[str, Any]) -> None:
    """Register a source: ``{"id": "005", "fileName", "lineCount", "title"?, "url"?}``."""
    node = BS[f"source-{source['id']}"]
    rdf.add((node, RDF.type, BSO.Source))
    rdf.add((node, RDF.type, PROV.Entity))
    rdf.add((node, RDFS.label, Literal(f"source {source['id']}", lang="en")))
    rdf.add((node, DCTERMS.identifier, Literal(str(source["id"]))))
    rdf.add((node, BSO.fileName, Literal(str(source["fileName"]))))
    rdf.add((node, BSO.lineCount, Literal(int(source["lineCount"]))))
    if source.get("title"):
        rdf.add((node, DCTERMS.title, Literal(source["title"], lang="en")))
    if source.get("url"):
        rdf.add((node, DCTERMS.source, Literal(source["url"], datatype=XSD.anyURI)))


def records_to_graph(records: Mapping[str, Any]) -> Graph:
    """Turn curation records into a graph.

    Records have ``sources``, ``entities``, ``relations``, ``attributes`` and ``disagreements``.

    >>> g = records_to_graph({
    ...     "entities": [{"id": "stress", "types": ["Cause"], "label": "stress"},
    ...                  {"id": "back_spasm", "types": ["Condition"], "label": "back spasm"}],
    ...     "relations": [{"s": "stress", "p": "causes", "o": "back_spasm", "evidence": [["000", 14]]}],
    ... })
    >>> len(g)
    12
    """
    rdf = Graph()
    for source in records.get("sources", []):
        _add_source(rdf, source)
    for entity in records.get("entities", []):
        node = BS[_id(entity["id"])]
        for kind in entity["types"]:
            if kind not in CLASS_NAMES:
                raise GraphError(f"entity {entity['id']}: unknown class {kind!r}")
            rdf.add((node, RDF.type, BSO[kind]))
        rdf.add((node, RDFS.label, Literal(entity["label"], lang="en")))
        for alt in entity.get("altLabels", []):
            rdf.add((node, SKOS.altLabel, Literal(alt, lang="en")))
        for hidden in entity.get("hiddenLabels", []):
            rdf.add((node, SKOS.hiddenLabel, Literal(hidden, lang="en")))
    for relation in records.get("relations", []):
        if relation["p"] not in RELATIONS:
            raise GraphError(f"relation {relation}: unknown property {relation['p']!r}")
        add_fact(
            rdf,
            BS[_id(relation["s"])],
            BSO[relation["p"]],
            _entity(relation["o"]),
            relation["evidence"],
            bool(relation.get("hedged")),
        )
    for attribute in records.get("attributes", []):
        if attribute["p"] not in GUIDANCE:
            raise GraphError(f"attribute {attribute}: unknown property {attribute['p']!r}")
        value = Literal(attribute["value"], lang="en")
        add_fact(
            rdf,
            BS[_id(attribute["s"])],
            BSO[attribute["p"]],
            value,
            attribute["evidence"],
            bool(attribute.get("hedged")),
        )
    for disagreement in records.get("disagreements", []):
        node = BS[f"disagreement-{_id(disagreement['id'])}"]
        rdf.add((node, RDF.type, BSO.Disagreement))
        rdf.add((node, RDFS.label, Literal(disagreement["label"], lang="en")))
        if disagreement.get("comment"):
            rdf.add((node, RDFS.comment, Literal(disagreement["comment"], lang="en")))
        for claim in disagreement["claims"]:
            obj = _entity(claim["o"]) if claim["p"] in RELATIONS else Literal(claim["o"], lang="en")
            claim_node = evidence_iri(
                BS[_id(claim["s"])], BSO[claim["p"]], obj, claim["source"], int(claim["line"])
            )
            if (claim_node, RDF.type, RDF.Statement) not in rdf:
                raise GraphError(f"disagreement {disagreement['id']}: claim {claim} has no matching evidence")
            rdf.add((node, BSO.claim, claim_node))
    return rdf
