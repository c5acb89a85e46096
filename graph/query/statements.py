"""The evidence nodes of chosen relations, fetched from a store by the cheapest end.

Each relation ``(s, p, o)`` of the graph has evidence nodes (``rdf:Statement``: ``rdf:subject s ;
rdf:predicate p ; rdf:object o``, the source line, hedge and frequency). Asked with a ``VALUES``
block of ``(s p o)`` rows, Oxigraph looks each row up by its subject, at a cost per row; when many
of the relations share one end (the 2,475 diseases of one HPO symptom), one query bound by that end
and the predicate costs a fifth of that, and whatever it brings besides the relations asked is left
out before the nodes reach the caller. :func:`statements_into` does the one where it pays
(:data:`HUB` relations or more share an end, which holds at most :data:`PER_RELATION` evidence nodes
for each of them, a count tells), and the rows for the rest.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

import pyoxigraph as ox

from graph.core.vocab import ONTOLOGY
from graph.query.neighbourhood import BATCH, construct_into

if TYPE_CHECKING:
    from graph.query.stores import Store

__all__ = ["HUB", "PER_RELATION", "statements_into"]

#: Relations that must share an end (and predicate) before they are fetched by it.
HUB = 32
#: Evidence nodes an end may hold for each asked relation before it is fetched row by row instead.
PER_RELATION = 4

Edge = tuple[str, str, str]

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_BY_ROWS = (
    "CONSTRUCT {{ ?st ?q ?v }} WHERE {{ VALUES (?s ?p ?o) {{ {rows} }} "
    "?st rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o . ?st ?q ?v }}"
)
_AT_END = (
    "PREFIX rdf: <" + _RDF + "> PREFIX bso: <" + ONTOLOGY + "> "
    "SELECT ?st ?x WHERE {{ ?st rdf:{end} <{node}> ; rdf:predicate bso:{predicate} ; rdf:{other} ?x }}"
)
_STATED = f"SELECT ?st ?s ?p ?o WHERE {{ ?st <{_RDF}subject> ?s ; <{_RDF}predicate> ?p ; <{_RDF}object> ?o }}"
_COUNT = "SELECT (COUNT(*) AS ?n) WHERE {{ ?st rdf:{end} <{node}> ; rdf:predicate bso:{predicate} }}"
# no LIMIT in a sub-SELECT: Virtuoso 7.2 took 15 s over one such query (LIMIT 341) and 10 ms over others
_BY_END = (
    "CONSTRUCT {{ ?st ?q ?v }} WHERE {{ ?st rdf:{end} <{node}> ; rdf:predicate bso:{predicate} . ?st ?q ?v }}"
)
# an attribute's evidence by subject and predicate: Virtuoso 7.2 matches no literal given in VALUES
_ATTRIBUTES = (
    "CONSTRUCT {{ ?st ?q ?v }} WHERE {{ VALUES (?s ?p) {{ {rows} }} "
    "?st rdf:subject ?s ; rdf:predicate ?p . ?st ?q ?v }}"
)


def _groups(edges: set[Edge]) -> list[tuple[str, str, str, set[Edge]]]:
    """Return ``(end, node, predicate, relations)`` for each shared end, the biggest first."""
    found: dict[tuple[str, str, str], set[Edge]] = defaultdict(set)
    for s, p, o in edges:
        found["subject", s, p].add((s, p, o))
        found["object", o, p].add((s, p, o))
    return sorted(((*key, members) for key, members in found.items()), key=lambda g: (-len(g[3]), g[:3]))


def _count(store: Store, end: str, node: str, predicate: str) -> int:
    rows = store.execute(_COUNT.format(end=end, node=node, predicate=predicate), {}, None).rows
    return int(str(rows[0][0])) if rows and rows[0][0] is not None else 0


def _by_end(store: Store, group: tuple[str, str, str, set[Edge]], wanted: set[Edge], local: ox.Store) -> bool:
    """Load the evidence of a group's relations by their shared end; False: it has too many others.

    An end holding more than :data:`PER_RELATION` evidence nodes for each asked relation is left
    to be fetched row by row; evidence nodes it brings that state no relation in ``wanted`` are
    removed again.
    """
    end, node, predicate, members = group
    if _count(store, end, node, predicate) > PER_RELATION * len(members):
        return False
    construct_into(store, _BY_END.format(end=end, node=node, predicate=predicate), local)
    other = "object" if end == "subject" else "subject"
    solutions = local.query(_AT_END.format(end=end, other=other, node=node, predicate=predicate))
    assert isinstance(solutions, ox.QuerySolutions)
    for st, x in [(row[0], row[1]) for row in solutions]:
        relation = (x.value, predicate, node) if end == "object" else (node, predicate, x.value)
        if relation not in wanted:
            for quad in list(local.quads_for_pattern(st, None, None)):
                local.remove(quad)
    return True


def statements_into(
    store: Store, edges: Iterable[Edge], local: ox.Store, attributes: Iterable[tuple[str, str]] = ()
) -> None:
    """Load into ``local`` every evidence node of ``edges`` and of ``attributes``, with all their triples.

    Parameters
    ----------
    store
        Where the graph is held.
    edges
        Relations between entities as ``(subject IRI, predicate local name, object IRI)``.
    local
        The in-memory store the nodes go into.
    attributes
        ``(subject IRI, predicate IRI)`` of attributes (guidance, urgency): the evidence of each of
        their values.
    """
    wanted = set(edges)
    left = set(wanted)
    for end, node, predicate, members in _groups(left):
        members &= left
        if len(members) >= HUB and _by_end(store, (end, node, predicate, members), wanted, local):
            left -= members
    texts = [f"(<{s}> bso:{p} <{o}>)" for s, p, o in sorted(left)]
    for start in range(0, len(texts), BATCH):
        construct_into(store, _BY_ROWS.format(rows=" ".join(texts[start : start + BATCH])), local)
    pairs = [f"(<{s}> <{p}>)" for s, p in sorted(set(attributes))]
    fetched = ox.Store()
    for start in range(0, len(pairs), BATCH):
        construct_into(store, _ATTRIBUTES.format(rows=" ".join(pairs[start : start + BATCH])), fetched)
    local.extend(_stating(fetched, local))


def _stating(fetched: ox.Store, local: ox.Store) -> list[ox.Quad]:
    """Return the quads of the evidence nodes in ``fetched`` whose statement ``local`` holds."""
    solutions = fetched.query(_STATED)
    assert isinstance(solutions, ox.QuerySolutions)
    kept: list[ox.Quad] = []
    for row in solutions:
        node, stated = row[0], ox.Quad(row[1], row[2], row[3], ox.DefaultGraph())
        if stated in local:
            kept += fetched.quads_for_pattern(node, None, None)
    return kept
