"""What one question walks, fetched from a store step by step, and built locally.

A question about one entity follows a few named metapaths from it (``Treatment –treats→
Condition ←causes– Cause``). :func:`walked` turns each step of them into one ``SELECT`` whose
``VALUES`` block holds the frontier (at most :data:`~graph.query.neighbourhood.BATCH` entities a
query), so a hub costs the answers its metapaths reach, not its whole neighbourhood. It then fetches
what the view reads about exactly those entities and relations (classes, names, guidance, urgency,
the negative claims between them, the evidence nodes of each walked relation with their sources and
the disagreements that claim them) into an in-memory Oxigraph store, and the one builder,
:func:`graph.view.build.build`, makes the :class:`~graph.core.model.KnowledgeGraph` the question code
answers from, with the same answers as on the whole graph.

A metapath is given here as its steps, ``(predicate, forward, kinds)`` read from the answer to the
asked entity, as :class:`graph.questions.paths.Step` holds them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import pyoxigraph as ox

from graph.core.errors import GraphError
from graph.core.vocab import (
    CLASS_NAMES,
    GUIDANCE,
    LABEL_PREDICATES,
    NEGATIVE_RELATIONS,
    ONTOLOGY,
    POSITIVE_RELATIONS,
)
from graph.query.neighbourhood import BATCH, LIMIT, construct_into
from graph.query.statements import statements_into
from graph.view.build import build

if TYPE_CHECKING:
    from graph.core.model import KnowledgeGraph
    from graph.query.stores import Store

__all__ = ["Steps", "fetch_walked", "joined", "shortest_edges", "walk_steps", "walked"]

#: A metapath's steps: ``(predicate local name, forward, classes of the answer-side node)``.
Steps = Sequence[tuple[str, bool, frozenset[str]]]
Edge = tuple[str, str, str]

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_PROV = "http://www.w3.org/ns/prov#wasDerivedFrom"
_STEP = (
    "SELECT DISTINCT ?here ?other WHERE {{ VALUES ?here {{ {here} }} {pattern} "
    "?other a ?kind . VALUES ?kind {{ {kinds} }} FILTER(isIRI(?other)) }}"
)
_ATTRIBUTES = (
    ["rdf:type", *(f"<{p}>" for p in LABEL_PREDICATES)]
    + [f"bso:{name}" for name in GUIDANCE]
    + ["bso:urgency", "bso:hierarchyDepth"]
)
_ABOUT = {ONTOLOGY + name for name in (*GUIDANCE, "urgency")}
# the subject is bound and the predicates filtered: a VALUES block of predicates makes Oxigraph
# scan each predicate's whole table first
_DESCRIBE = (
    "CONSTRUCT {{ ?n ?p ?o }} WHERE {{ VALUES ?n {{ {here} }} ?n ?p ?o FILTER(?p IN ({predicates})) }}"
)
_EVERYTHING = "CONSTRUCT {{ ?n ?p ?o }} WHERE {{ VALUES ?n {{ {here} }} ?n ?p ?o }}"
_NAMED = "rdfs:label, rdfs:comment"
# one branch a predicate: ``?s ?p ?o`` filtered by predicate reads every triple of each subject
_NEGATIVE = (
    "SELECT ?s ?p ?o WHERE {{ VALUES ?s {{ {here} }} "
    + " UNION ".join(
        f"{{{{ ?s bso:{name} ?o BIND(bso:{name} AS ?p) }}}}" for name in sorted(NEGATIVE_RELATIONS)
    )
    + " FILTER(isIRI(?o)) }}"
)
# one query a direction: a UNION under a VALUES block is planned slowly (Virtuoso, Oxigraph)
_AROUND = (
    "SELECT DISTINCT ?s ?p ?o WHERE {{ VALUES ?{bound} {{ {here} }} ?s ?p ?o "
    "FILTER(?p IN ({positive})) ?{other} a ?kind FILTER(isIRI(?{other}) && ?kind IN ({kinds})) }}"
)
_CLAIMS = (
    "CONSTRUCT {{ ?d a bso:Disagreement . ?d bso:claim ?st }} WHERE {{ VALUES ?st {{ {here} }} "
    "?d bso:claim ?st . ?d a bso:Disagreement }}"
)


def _blocks(items: Iterable[str], size: int = BATCH) -> Iterable[list[str]]:
    ordered = sorted(set(items))
    for start in range(0, len(ordered), size):
        yield ordered[start : start + size]


def _iris(block: Iterable[str]) -> str:
    return " ".join(f"<{iri}>" for iri in block)


def walk_steps(store: Store, target: str, metapaths: Sequence[Steps], *, limit: int = LIMIT) -> set[Edge]:
    """Return the relations ``(subject, predicate, object)`` the metapaths reach from ``target``.

    Each step is one query per batch of its frontier, in the order the question walks it (from the
    asked entity out); a step shared by several metapaths from the same frontier is asked once.

    Raises
    ------
    graph.core.errors.GraphError
        The metapaths reach more than ``limit`` entities.
    """
    known: dict[tuple[str, bool, frozenset[str]], dict[str, set[str]]] = {}
    edges: set[Edge] = set()
    seen = {target}
    for steps in metapaths:
        frontier = {target}
        for predicate, forward, kinds in reversed(steps):
            cache = known.setdefault((predicate, forward, kinds), {})
            missing = frontier - cache.keys()
            for block in _blocks(missing):
                for here in block:
                    cache[here] = set()
                pattern = f"?other bso:{predicate} ?here ." if forward else f"?here bso:{predicate} ?other ."
                classes = " ".join(f"bso:{name}" for name in sorted(kinds or CLASS_NAMES))
                query = _STEP.format(here=_iris(block), pattern=pattern, kinds=classes)
                for asked, found in store.execute(query, {}, None).rows:
                    if asked is not None and found is not None:
                        cache[str(asked)].add(str(found))
            reached: set[str] = set()
            for node in frontier:
                for other in cache[node]:
                    reached.add(other)
                    edges.add((other, predicate, node) if forward else (node, predicate, other))
            seen |= reached
            if len(seen) > limit:
                raise GraphError(
                    f"the question asked of {store.spec} reaches more than {limit} entities: ask about "
                    "a narrower entity, or load the graph locally (bskg --data)"
                )
            frontier = reached
    return edges


def _objects(local: ox.Store, predicate: str) -> set[str]:
    return {
        quad.object.value
        for quad in local.quads_for_pattern(None, ox.NamedNode(predicate), None)
        if isinstance(quad.object, ox.NamedNode)
    }


def fetch_walked(store: Store, targets: set[str], edges: set[Edge]) -> ox.Store:
    """Return an in-memory store with every triple the view reads about ``edges``, their ends and ``targets``.

    The ends' classes, names, guidance and urgency (with their evidence); the walked relations and
    the negative claims between their ends; the evidence nodes of all of them, with their sources,
    the urgency levels and the disagreements that claim them.
    """
    local = ox.Store()
    nodes = targets | {s for s, _, _ in edges} | {o for _, _, o in edges}
    predicates = ", ".join(_ATTRIBUTES)
    for block in _blocks(nodes):
        construct_into(store, _DESCRIBE.format(here=_iris(block), predicates=predicates), local)
        for s, p, o in store.execute(_NEGATIVE.format(here=_iris(block)), {}, None).rows:
            if s is not None and p is not None and str(o) in nodes:
                edges.add((str(s), str(p).removeprefix(ONTOLOGY), str(o)))
    # the evidence of each attribute (guidance, urgency): every value of it was fetched above
    attributes = {
        (quad.subject.value, quad.predicate.value)
        for quad in local
        if quad.predicate.value in _ABOUT and isinstance(quad.subject, ox.NamedNode)
    }
    local.extend(
        ox.Quad(ox.NamedNode(s), ox.NamedNode(ONTOLOGY + p), ox.NamedNode(o), ox.DefaultGraph())
        for s, p, o in edges
    )
    statements_into(store, edges, local, attributes)
    statements = {
        quad.subject.value
        for quad in local.quads_for_pattern(None, ox.NamedNode(_RDF + "subject"), None)
        if isinstance(quad.subject, ox.NamedNode)
    }
    for block in _blocks(statements):
        construct_into(store, _CLAIMS.format(here=_iris(block)), local)
    for block in _blocks(_objects(local, _PROV) | _objects(local, ONTOLOGY + "urgency")):
        construct_into(store, _EVERYTHING.format(here=_iris(block)), local)
    disagreements = {
        quad.subject.value
        for quad in local.quads_for_pattern(None, ox.NamedNode(ONTOLOGY + "claim"), None)
        if isinstance(quad.subject, ox.NamedNode)
    }
    for block in _blocks(disagreements):  # their names and accounts, not their other claims
        construct_into(store, _DESCRIBE.format(here=_iris(block), predicates=_NAMED), local)
    return local


def walked(store: Store, target: str, metapaths: Sequence[Steps], *, limit: int = LIMIT) -> KnowledgeGraph:
    """Return the graph of what ``metapaths`` reach from ``target`` in ``store``, built by the one builder.

    Parameters
    ----------
    store
        Where the graph is held (:func:`graph.query.stores.open_store`).
    target
        The asked entity's IRI (resolved already).
    metapaths
        The steps of each metapath the question follows, read from the answer to ``target``.
    limit
        Refuse a question that reaches more entities than this (a one-line error).
    """
    return build(fetch_walked(store, {target}, walk_steps(store, target, metapaths, limit=limit)), store.spec)


def _around(store: Store, nodes: set[str]) -> set[Edge]:
    """Return the positive relations between ``nodes`` and any entity, either direction."""
    positive = ", ".join(f"bso:{name}" for name in POSITIVE_RELATIONS)
    kinds = ", ".join(f"bso:{name}" for name in CLASS_NAMES)
    found: set[Edge] = set()
    for block in _blocks(nodes):
        for bound, other in (("s", "o"), ("o", "s")):
            text = _AROUND.format(bound=bound, other=other, here=_iris(block), positive=positive, kinds=kinds)
            for s, p, o in store.execute(text, {}, None).rows:
                if s is not None and p is not None and o is not None and str(s) != str(o):
                    found.add((str(s), str(p).removeprefix(ONTOLOGY), str(o)))
    return found


def _distances(edges: set[Edge], start: str) -> dict[str, int]:
    neighbours: dict[str, set[str]] = {}
    for s, _, o in edges:
        neighbours.setdefault(s, set()).add(o)
        neighbours.setdefault(o, set()).add(s)
    found, level, depth = {start: 0}, [start], 0
    while level:
        depth += 1
        level = [n for here in level for n in sorted(neighbours.get(here, ())) if n not in found]
        for node in level:
            found.setdefault(node, depth)
    return found


def shortest_edges(store: Store, a: str, b: str, *, limit: int = LIMIT) -> set[Edge]:
    """Return every positive relation on a shortest path between ``a`` and ``b`` (none: no path).

    Balls around both ends grow one hop at a time, the smaller frontier first, and keep the
    relations they cross; once they meet, every relation of every shortest path is among them
    (each has an end the search expanded), and only those are kept.
    """
    seen, frontiers, edges = [{a}, {b}], [{a}, {b}], set[Edge]()
    while not seen[0] & seen[1] and all(frontiers):
        side = 0 if len(frontiers[0]) <= len(frontiers[1]) else 1
        crossed = _around(store, frontiers[side])
        edges |= crossed
        reached = {o for s, _, o in crossed if s in frontiers[side]} | {
            s for s, _, o in crossed if o in frontiers[side]
        }
        frontiers[side] = reached - seen[side]
        seen[side] |= reached
        if len(seen[0] | seen[1]) > limit:
            raise GraphError(
                f"the path asked of {store.spec} reaches more than {limit} entities: ask about "
                "narrower entities, or load the graph locally (bskg --data)"
            )
    if not seen[0] & seen[1]:
        return set()
    from_a, from_b = _distances(edges, a), _distances(edges, b)
    length = from_a.get(b)
    if length is None:
        return set()

    def on_path(x: str, y: str) -> bool:
        return x in from_a and y in from_b and from_a[x] + 1 + from_b[y] == length

    return {(s, p, o) for s, p, o in edges if on_path(s, o) or on_path(o, s)}


def joined(store: Store, a: str, b: str, *, limit: int = LIMIT) -> KnowledgeGraph:
    """Return the graph of every shortest path between ``a`` and ``b``, built by the one builder."""
    return build(fetch_walked(store, {a, b}, shortest_edges(store, a, b, limit=limit)), store.spec)
