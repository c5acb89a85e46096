"""Whole-graph summaries computed in the store: counts by aggregate SPARQL, never a fetch of the graph.

``bskg stats --store`` and ``bskg conflicts --store`` need the whole graph in memory when it is
loaded; on a store, :func:`summary` asks for the same counts as :func:`graph.questions.stats.stats`
with a few ``GROUP BY`` queries (one row per class, relation, source or support level), and
:func:`conflict_seeds` finds the few entities a disagreement involves, so that only their
neighbourhood is fetched.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from graph.core.vocab import CLASS_NAMES, RELATIONS

if TYPE_CHECKING:
    from graph.query.stores import Store

__all__ = ["conflict_seeds", "summary", "top_candidates"]

_CLASSES = " ".join(f"bso:{name}" for name in CLASS_NAMES)
_RELATIONS = " ".join(f"bso:{name}" for name in RELATIONS)
_TYPED = f"VALUES ?c {{ {_CLASSES} }} ?s a ?c FILTER(isIRI(?s))"


#: The parts of an evidence node the loaded graph's evidence index requires.
_EVIDENCE = "?e rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; bso:line ?line ; a rdf:Statement ."
_QUERIES = {
    "triples": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "entities": f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ {_TYPED} }}",
    "classes": f"SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE {{ {_TYPED} }} GROUP BY ?c",
    "relations": f"SELECT ?p (COUNT(*) AS ?n) WHERE {{ VALUES ?p {{ {_RELATIONS} }} ?s ?p ?o }} GROUP BY ?p",
    "evidence": (
        f"SELECT ?from (COUNT(*) AS ?n) (SUM(IF(?strength = bso:Hedged, 1, 0)) AS ?h) WHERE {{ {_EVIDENCE} "
        "OPTIONAL { ?e prov:wasDerivedFrom ?from } OPTIONAL { ?e bso:claimStrength ?strength } } "
        "GROUP BY ?from"
    ),
    "sources": "SELECT ?from ?id WHERE { ?from a bso:Source ; dcterms:identifier ?id }",
    "support": (  # relations with evidence, by how many sources; the others have none
        "SELECT ?n (COUNT(*) AS ?k) WHERE { { SELECT ?s ?p ?o (COUNT(DISTINCT ?from) AS ?n) WHERE { "
        f"VALUES ?p {{ {_RELATIONS} }} ?e rdf:predicate ?p ; rdf:subject ?s ; rdf:object ?o ; "
        "bso:line ?line ; prov:wasDerivedFrom ?from } GROUP BY ?s ?p ?o } } GROUP BY ?n"
    ),
    "disagreements": "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d a bso:Disagreement }",
}


def _rows(store: Store, name: str) -> list[list[str]]:
    answer = store.execute(_QUERIES[name], {}, None)
    return [["" if cell is None else str(cell) for cell in row] for row in answer.rows]


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1]


def summary(store: Store) -> dict[str, object]:
    """Return what :func:`graph.questions.stats.stats` returns, counted by the store."""
    per_class = {_local(c): int(n) for c, n in _rows(store, "classes")}
    per_property = {_local(p): int(n) for p, n in _rows(store, "relations")}
    ids = dict((source, id_) for source, id_ in _rows(store, "sources"))
    by_source: dict[str, tuple[int, int]] = {}
    for source, n, h in _rows(store, "evidence"):
        key = ids.get(source, source or "?")
        held = by_source.get(key, (0, 0))
        by_source[key] = (held[0] + int(n), held[1] + int(h or 0))
    evidence = sorted((key, n, h) for key, (n, h) in by_source.items())
    support = {"0": sum(per_property.values())}
    for n, k in _rows(store, "support"):
        key = "3+" if int(n) >= 3 else n
        support[key] = support.get(key, 0) + int(k)
        support["0"] -= int(k)
    return {
        "triples": int(_rows(store, "triples")[0][0]),
        "entities": int(_rows(store, "entities")[0][0]),
        "entities_per_class": {name: per_class[name] for name in CLASS_NAMES if per_class.get(name)},
        "relations": sum(per_property.values()),
        "relations_per_property": {name: per_property[name] for name in RELATIONS if per_property.get(name)},
        "evidence": sum(n for _, n, _ in evidence),
        "evidence_per_source": {src: n for src, n, _ in evidence},
        "hedged_evidence": sum(h for _, _, h in evidence),
        "hedged_per_source": {src: h for src, _, h in evidence if h},
        "relations_by_support": {key: support[key] for key in ("0", "1", "2", "3+") if support.get(key)},
        "disagreements": int(_rows(store, "disagreements")[0][0]),
    }


def conflict_seeds(store: Store, opposed: tuple[str, ...]) -> list[str]:
    """Return the entities a disagreement involves: those its claims name, and both ends of ``opposed``."""
    relations = " ".join(f"bso:{name}" for name in opposed)
    query = (
        "SELECT DISTINCT ?e WHERE { "
        "{ ?d a bso:Disagreement ; bso:claim ?c . ?c rdf:subject ?e } "
        "UNION { ?d a bso:Disagreement ; bso:claim ?c . ?c rdf:object ?e } "
        f"UNION {{ VALUES ?p {{ {relations} }} ?e ?p ?x }} UNION {{ VALUES ?p {{ {relations} }} ?x ?p ?e }} "
        "FILTER(isIRI(?e)) }"
    )
    answer = store.execute(query, {}, None)
    return sorted(str(row[0]) for row in answer.rows if row[0] is not None)


def _at_least(store: Store, grouped: str, n: int) -> list[str]:
    """Return the entities whose count in ``grouped`` (``?e ?k`` per entity) reaches the ``n``-th highest."""
    ranked = f"SELECT ?e ?k WHERE {{ {grouped} }} ORDER BY DESC(?k) LIMIT {max(n, 1)}"
    rows = store.execute(ranked, {}, None).rows
    if not rows:
        return []
    floor = int(str(rows[-1][1]))
    kept = f"SELECT ?e WHERE {{ {grouped} FILTER(?k >= {floor}) }}"
    return sorted(str(row[0]) for row in store.execute(kept, {}, None).rows if row[0] is not None)


def top_candidates(
    store: Store, n: int, edges: tuple[str, ...], kinds: tuple[str, ...]
) -> tuple[list[str], list[str]]:
    """Return the entities that may rank in the first ``n`` of ``bskg top``: most related, best supported.

    Every entity whose count reaches the ``n``-th highest is kept (ties included), so ranking their
    neighbourhood gives the same first ``n`` as ranking the whole graph.
    """
    relations = " ".join(f"bso:{name}" for name in edges)
    degree = (
        f"{{ SELECT ?e (COUNT(*) AS ?k) WHERE {{ VALUES ?p {{ {relations} }} "
        "{ ?e ?p ?o FILTER(isIRI(?o)) } UNION { ?s ?p ?e FILTER(isIRI(?s)) } } GROUP BY ?e }"
    )
    classes = " ".join(f"bso:{name}" for name in kinds)
    support = (
        f"{{ SELECT ?e (COUNT(DISTINCT ?from) AS ?k) WHERE {{ VALUES ?c {{ {classes} }} ?e a ?c . "
        "VALUES ?p { bso:treats bso:prevents bso:targets } ?e ?p ?o OPTIONAL { ?ev rdf:predicate ?p ; "
        "rdf:subject ?e ; rdf:object ?o ; bso:line ?line ; prov:wasDerivedFrom ?from } } GROUP BY ?e }"
    )
    return _at_least(store, degree, n), _at_least(store, support, n)
