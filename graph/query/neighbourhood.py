"""The part of a server-held graph a question needs, fetched with bounded queries and built locally.

A question about one entity only ever walks a few hops from it, so ``bskg treatments X --store
sparql:URL`` does not download the graph: it finds the entities within ``depth`` relations of the
asked ones (either direction, one ``SELECT`` per hop), fetches with ``CONSTRUCT`` what the view is
made of for exactly those entities (their classes, names, guidance, urgency, relations, the evidence
nodes of those relations with their sources, and the disagreements that claim them), loads that into
an in-memory Oxigraph store and builds the :class:`~graph.core.model.KnowledgeGraph` with the one
builder, :func:`graph.view.build.build`. The same networkx code then answers, with the same answer
as on the whole graph as long as ``depth`` covers the question's longest metapath. Every query names
at most :data:`BATCH` entities and stops at ``limit`` entities, so a hub cannot pull in the graph.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import pyoxigraph as ox

from graph.core.errors import GraphError
from graph.core.vocab import EDGE_RELATIONS
from graph.view.build import build

if TYPE_CHECKING:
    from graph.core.model import KnowledgeGraph
    from graph.query.stores import Store

__all__ = ["BATCH", "LIMIT", "between", "connecting", "fetch", "neighbourhood", "reachable"]

#: Entities named in one query's ``VALUES`` block.
BATCH = 400
#: Entities a neighbourhood may hold unless the caller allows more.
LIMIT = 20_000

_EDGES = " ".join(f"bso:{name}" for name in EDGE_RELATIONS)
_STEP = (
    "SELECT DISTINCT ?next WHERE {{ VALUES ?here {{ {here} }} VALUES ?p {{ " + _EDGES + " }}"
    " {{ ?here ?p ?next }} UNION {{ ?next ?p ?here }} FILTER(isIRI(?next)) }}"
)
_DESCRIBE = "CONSTRUCT {{ ?n ?p ?o }} WHERE {{ VALUES ?n {{ {here} }} ?n ?p ?o }}"
_POINTING = "SELECT DISTINCT ?x WHERE {{ VALUES ?n {{ {here} }} ?x {predicate} ?n }}"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_BSO = "https://w3id.org/backspasm-kg/ontology#"


def _batches(items: Sequence[str]) -> Iterable[str]:
    for start in range(0, len(items), BATCH):
        yield " ".join(f"<{iri}>" for iri in items[start : start + BATCH])


def _step(store: Store, here: Iterable[str]) -> set[str]:
    """Return the entities one relation away from ``here``, either direction."""
    found: set[str] = set()
    for block in _batches(sorted(here)):
        answer = store.execute(_STEP.format(here=block), {}, None)
        found.update(str(row[0]) for row in answer.rows if row[0] is not None)
    return found


def _bounded(seen: set[str], limit: int, origin: str) -> None:
    if len(seen) > limit:
        raise GraphError(
            f"the neighbourhood asked of {origin} holds more than {limit} entities: ask about a "
            "narrower entity, or load the graph locally (bskg --data)"
        )


def reachable(store: Store, seeds: Iterable[str], depth: int, *, limit: int = LIMIT) -> set[str]:
    """Return the entities within ``depth`` relations of ``seeds`` (them included), at most ``limit``."""
    seen = set(seeds)
    frontier = set(seen)
    for _ in range(depth):
        if not frontier:
            break
        frontier = _step(store, frontier) - seen
        seen |= frontier
        _bounded(seen, limit, store.spec)
    return seen


def between(store: Store, a: str, b: str, *, limit: int = LIMIT) -> set[str]:
    """Return the entities on every shortest path between ``a`` and ``b`` (and a few more).

    Balls around both ends grow one hop at a time, the smaller first, until they meet: every node
    of a shortest path then lies in one of them. When a ball stops growing there is no path and the
    balls are returned as they are (the question then says so).
    """
    balls, frontiers = [{a}, {b}], [{a}, {b}]
    while not balls[0] & balls[1] and all(frontiers):
        side = 0 if len(frontiers[0]) <= len(frontiers[1]) else 1
        frontiers[side] = _step(store, frontiers[side]) - balls[side]
        balls[side] |= frontiers[side]
        _bounded(balls[0] | balls[1], limit, store.spec)
    return balls[0] | balls[1]


def construct_into(store: Store, query: str, local: ox.Store) -> None:
    """Run a CONSTRUCT on ``store`` and load its N-Triples into ``local`` as they came."""
    answer = store.execute(query, {}, None)
    if answer.is_graph and answer.payload:
        local.load(answer.payload, format=ox.RdfFormat.N_TRIPLES)


def _describe(store: Store, subjects: Iterable[str], local: ox.Store) -> None:
    """Copy every triple whose subject is one of ``subjects`` into ``local``."""
    for block in _batches(sorted(set(subjects))):
        construct_into(store, _DESCRIBE.format(here=block), local)


def _pointing(store: Store, predicate: str, objects: Iterable[str]) -> set[str]:
    """Return the subjects of ``predicate`` triples whose object is one of ``objects``."""
    found: set[str] = set()
    for block in _batches(sorted(set(objects))):
        answer = store.execute(_POINTING.format(here=block, predicate=f"<{predicate}>"), {}, None)
        found.update(str(row[0]) for row in answer.rows if row[0] is not None)
    return found


def _objects(local: ox.Store, predicate: str) -> set[str]:
    return {
        quad.object.value
        for quad in local.quads_for_pattern(None, ox.NamedNode(predicate), None)
        if isinstance(quad.object, ox.NamedNode)
    }


def fetch(store: Store, entities: Iterable[str]) -> ox.Store:
    """Return an in-memory Oxigraph store with every triple the view reads about ``entities``.

    Their own triples; the evidence nodes whose subject they are; those nodes' sources, the
    urgency levels of red flags, and the disagreements that claim the evidence. Each step is a
    plain ``VALUES``-bound pattern (Virtuoso plans a ``UNION`` of them slowly).
    """
    local = ox.Store()
    entities = set(entities)
    _describe(store, entities, local)
    statements = _pointing(store, _RDF + "subject", entities)
    _describe(store, statements, local)
    levels = _objects(local, _BSO + "urgency")
    sources = _objects(local, "http://www.w3.org/ns/prov#wasDerivedFrom")
    disagreements = _pointing(store, _BSO + "claim", statements)
    _describe(store, levels | sources | disagreements, local)
    return local


def neighbourhood(store: Store, seeds: Iterable[str], depth: int, *, limit: int = LIMIT) -> KnowledgeGraph:
    """Return the graph of the entities within ``depth`` relations of ``seeds``, built by the one builder.

    Parameters
    ----------
    store
        Where the graph is held (:func:`graph.query.stores.open_store`; ``sparql:URL`` above all).
    seeds
        Entity IRIs the question is about.
    depth
        Relations to follow out from the seeds, either direction (the question's longest metapath).
    limit
        Refuse a neighbourhood of more entities than this (a one-line error).

    Raises
    ------
    graph.core.errors.GraphError
        More than ``limit`` entities, or none found (an IRI the store does not hold).
    """
    return build(fetch(store, reachable(store, seeds, depth, limit=limit)), store.spec)


def connecting(store: Store, a: str, b: str, *, limit: int = LIMIT) -> KnowledgeGraph:
    """Return the graph that holds every shortest path between two entities (see :func:`between`)."""
    return build(fetch(store, between(store, a, b, limit=limit)), store.spec)
