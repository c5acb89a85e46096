"""The canonical Turtle layout of ``data/triples.ttl``: same graph, same bytes, readable diffs.

Entities come first, one block each (types, labels, guidance, then relations in
vocabulary order), then disagreements, then one evidence node per line, sorted by
source and line. ``bskg fmt`` rewrites a file in this layout; a test keeps the bundled
file in it.
"""

from __future__ import annotations

import hashlib
import re

from rdflib import RDF, RDFS, SKOS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, XSD
from rdflib.term import Node

from graph.core.vocab import BS, BSO, GUIDANCE, PREFIXES, RELATIONS, as_int, local_name

__all__ = ["canonical_turtle", "evidence_iri"]

_HEADER_PREFIXES = ("bs", "bso", "prov", "rdf", "rdfs", "skos", "xsd")
_PREDICATE_ORDER = [
    RDF.type,
    RDFS.label,
    SKOS.prefLabel,
    SKOS.altLabel,
    SKOS.hiddenLabel,
    SKOS.definition,
    RDFS.comment,
    *(BSO[name] for name in GUIDANCE),
    *(BSO[name] for name in RELATIONS),
    BSO.claim,
]
_EVIDENCE_ORDER = [RDF.type, RDF.subject, RDF.predicate, RDF.object, PROV.wasDerivedFrom, BSO.line]


def evidence_iri(subject: URIRef, predicate: URIRef, obj: Node, source: str, line: int) -> URIRef:
    """Mint the IRI of an evidence node from what it states, so the same fact gets the same name.

    >>> str(evidence_iri(BS.stress, BSO.causes, BS.back_spasm, "000", 14))
    'https://w3id.org/backspasm-kg/id/ev-000-014-stress-causes-back_spasm'
    """
    if isinstance(obj, Literal):
        tail = hashlib.sha1(str(obj).encode("utf-8")).hexdigest()[:8]  # noqa: S324 - a name, not security
    else:
        tail = local_name(obj)
    return BS[f"ev-{source}-{line:03d}-{local_name(subject)}-{local_name(predicate)}-{tail}"]


def canonical_turtle(rdf: Graph) -> str:
    r"""Serialise a graph of entities, relations, disagreements and evidence in the canonical layout.

    >>> g = Graph()
    >>> _ = g.add((BS.stress, RDF.type, BSO.Cause))
    >>> _ = g.add((BS.stress, RDFS.label, Literal("stress", lang="en")))
    >>> print(canonical_turtle(g).split("\n\n")[1].strip())
    bs:stress a bso:Cause ;
        rdfs:label "stress"@en .
    """
    names = _Names(rdf)
    evidence = sorted(set(rdf.subjects(RDF.type, RDF.Statement)), key=lambda n: _evidence_key(rdf, n))
    disagreements = sorted(set(rdf.subjects(RDF.type, BSO.Disagreement)), key=str)
    skip = set(evidence) | set(disagreements)
    entities = sorted({s for s in rdf.subjects() if s not in skip}, key=str)
    parts = [_block(rdf, names, node) for node in entities]
    if disagreements:
        parts.append("# ---------------------------------------------------------------- disagreements")
        parts += [_block(rdf, names, node) for node in disagreements]
    if evidence:
        parts.append(
            "# ---------------------------------------------------------------- evidence (source, line)\n"
            + "\n".join(_evidence_line(rdf, names, node) for node in evidence)
        )
    body = "\n\n".join(parts)
    return names.header(body) + "\n\n" + body + "\n"


class _Names:
    def __init__(self, rdf: Graph) -> None:
        self.manager = rdf.namespace_manager
        for prefix in _HEADER_PREFIXES:
            self.manager.bind(prefix, PREFIXES[prefix], override=True, replace=True)
        self.manager.bind("dcterms", DCTERMS, override=True, replace=True)

    def header(self, body: str) -> str:
        """Declare the standard prefixes and any other prefix the body uses."""
        declared = dict(self.manager.namespaces())
        used = [
            p for p in sorted(declared) if p not in _HEADER_PREFIXES and re.search(rf"(^|[\s,(]){p}:", body)
        ]
        lines = [f"@prefix {p}: <{PREFIXES[p]}> ." for p in _HEADER_PREFIXES]
        lines += [f"@prefix {p}: <{declared[p]}> ." for p in used]
        return "\n".join(lines)

    def __call__(self, node: Node) -> str:
        if node == RDF.type:
            return "a"
        if isinstance(node, Literal) and node.datatype == XSD.integer:
            return str(int(node))
        if isinstance(node, URIRef | Literal):
            return node.n3(self.manager)
        return node.n3()


def _order(predicate: Node) -> tuple[int, str]:
    try:
        return (_PREDICATE_ORDER.index(predicate), "")  # type: ignore[arg-type]
    except ValueError:
        return (len(_PREDICATE_ORDER), str(predicate))


def _block(rdf: Graph, names: _Names, node: Node) -> str:
    predicates = sorted(set(rdf.predicates(node)), key=_order)
    lines = []
    for predicate in predicates:
        objects = sorted((names(o) for o in rdf.objects(node, predicate)), key=lambda t: (t.lower(), t))
        lines.append(f"{names(predicate)} {', '.join(objects)}")
    return f"{names(node)} " + " ;\n    ".join(lines) + " ."


def _evidence_key(rdf: Graph, node: Node) -> tuple[str, int, str]:
    source = str(rdf.value(node, PROV.wasDerivedFrom) or "")
    line = rdf.value(node, BSO.line)
    return (source, as_int(line), str(node))


def _evidence_line(rdf: Graph, names: _Names, node: Node) -> str:
    known = [p for p in _EVIDENCE_ORDER if (node, p, None) in rdf]
    extra = sorted(set(rdf.predicates(node)) - set(_EVIDENCE_ORDER), key=str)
    fields = []
    for predicate in known + extra:
        objects = sorted(names(o) for o in rdf.objects(node, predicate))
        fields.append(f"{names(predicate)} {', '.join(objects)}")
    return f"{names(node)} " + " ; ".join(fields) + " ."
