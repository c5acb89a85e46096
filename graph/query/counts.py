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
#: An evidence node as the loaded graph's evidence index counts one: all four parts present.
_EVIDENCE = (
    "?e a rdf:Statement ; rdf:subject ?es ; rdf:predicate ?ep ; rdf:object ?eo ; bso:line ?line . "
    "OPTIONAL { ?e prov:wasDerivedFrom ?from OPTIONAL { ?from a bso:Source ; dcterms:identifier ?id } } "
    'BIND(COALESCE(?id, STR(?from), "?") AS ?src)'
)
_QUERIES = {
    "triples": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "entities": f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ {_TYPED} }}",
    "classes": f"SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE {{ {_TYPED} }} GROUP BY ?c",
    "relations": f"SELECT ?p (COUNT(*) AS ?n) WHERE {{ VALUES ?p {{ {_RELATIONS} }} ?s ?p ?o }} GROUP BY ?p",
    "evidence": (
        f"SELECT ?src (COUNT(*) AS ?n) (SUM(IF(?hedged, 1, 0)) AS ?h) WHERE {{ {_EVIDENCE} "
        "OPTIONAL { ?e bso:claimStrength ?strength } "
        "BIND(COALESCE(?strength = bso:Hedged, false) AS ?hedged) } GROUP BY ?src"
    ),
    "support": (
        "SELECT ?n (COUNT(*) AS ?k) WHERE { { SELECT ?s ?p ?o (COUNT(DISTINCT ?src) AS ?n) WHERE { "
        f"VALUES ?p {{ {_RELATIONS} }} ?s ?p ?o OPTIONAL {{ {_EVIDENCE} "
        "FILTER(?es = ?s && ?ep = ?p && ?eo = ?o) } } GROUP BY ?s ?p ?o } } GROUP BY ?n"
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
    evidence = sorted((src, int(n), int(h or 0)) for src, n, h in _rows(store, "evidence"))
    support: dict[str, int] = {}
    for n, k in _rows(store, "support"):
        key = "3+" if int(n) >= 3 else n
        support[key] = support.get(key, 0) + int(k)
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
        f"{{ SELECT ?e (COUNT(DISTINCT ?src) AS ?k) WHERE {{ VALUES ?c {{ {classes} }} ?e a ?c . "
        f"VALUES ?p {{ bso:treats bso:prevents bso:targets }} ?e ?p ?o OPTIONAL {{ {_EVIDENCE} "
        "FILTER(?es = ?e && ?ep = ?p && ?eo = ?o) } } GROUP BY ?e }"
    )
    return _at_least(store, degree, n), _at_least(store, support, n)
