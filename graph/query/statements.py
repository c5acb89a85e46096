"""The evidence nodes of chosen relations, fetched from a store by the cheapest end.

Each relation ``(s, p, o)`` of the graph has evidence nodes (``rdf:Statement``: ``rdf:subject s ;
rdf:predicate p ; rdf:object o``, the source line, hedge and frequency). Asked with a ``VALUES``
block of ``(s p o)`` rows, Oxigraph looks each row up by its subject, at a cost per row; when many
of the relations share one end (the 2,475 diseases of one HPO symptom), one query bound by that end
and the predicate costs a fifth of that, and whatever it brings besides the relations asked is left
out before the nodes reach the caller. :func:`statements_into` does the one where it pays
(:data:`HUB` relations or more share an end, which holds at most :data:`PER_RELATION` evidence nodes
for each of them), and the rows for the rest.
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
# at most ``limit`` evidence nodes: an end with many more than were asked is fetched row by row
_BY_END = (
    "CONSTRUCT {{ ?st ?q ?v }} WHERE {{ {{ SELECT ?st WHERE {{ ?st rdf:{end} <{node}> ; "
    "rdf:predicate bso:{predicate} }} LIMIT {limit} }} ?st ?q ?v }}"
)


def _groups(edges: set[Edge]) -> list[tuple[str, str, str, set[Edge]]]:
    """Return ``(end, node, predicate, relations)`` for each shared end, the biggest first."""
    found: dict[tuple[str, str, str], set[Edge]] = defaultdict(set)
    for s, p, o in edges:
        found["subject", s, p].add((s, p, o))
        found["object", o, p].add((s, p, o))
    return sorted(((*key, members) for key, members in found.items()), key=lambda g: (-len(g[3]), g[:3]))


def _by_end(store: Store, group: tuple[str, str, str, set[Edge]], wanted: set[Edge], local: ox.Store) -> bool:
    """Load the evidence of a group's relations by their shared end; False: it has too many others.

    Evidence nodes at that end that state no relation in ``wanted`` are removed again; when the
    end has more than :data:`PER_RELATION` nodes for each asked relation, so are the group's own,
    and the group is left to be fetched row by row.
    """
    end, node, predicate, members = group
    limit = PER_RELATION * len(members) + 1
    construct_into(store, _BY_END.format(end=end, node=node, predicate=predicate, limit=limit), local)
    other = "object" if end == "subject" else "subject"
    solutions = local.query(_AT_END.format(end=end, other=other, node=node, predicate=predicate))
    assert isinstance(solutions, ox.QuerySolutions)
    found = [(row[0], row[1]) for row in solutions]
    whole = len(found) < limit
    for st, x in found:
        relation = (x.value, predicate, node) if end == "object" else (node, predicate, x.value)
        if relation not in wanted or not whole and relation in members:
            for quad in list(local.quads_for_pattern(st, None, None)):
                local.remove(quad)
    return whole


def statements_into(store: Store, edges: Iterable[Edge], local: ox.Store, rows: Iterable[str] = ()) -> None:
    """Load into ``local`` every evidence node of ``edges`` and of ``rows``, with all their triples.

    Parameters
    ----------
    store
        Where the graph is held.
    edges
        Relations between entities as ``(subject IRI, predicate local name, object IRI)``.
    local
        The in-memory store the nodes go into.
    rows
        More relations as ``VALUES`` rows in SPARQL, ``(<s> bso:p "literal")``: asked row by row.
    """
    wanted = set(edges)
    left = set(wanted)
    for end, node, predicate, members in _groups(left):
        members &= left
        if len(members) < HUB:
            continue
        if _by_end(store, (end, node, predicate, members), wanted, local):
            left -= members
    texts = [*rows, *(f"(<{s}> bso:{p} <{o}>)" for s, p, o in sorted(left))]
    for start in range(0, len(texts), BATCH):
        construct_into(store, _BY_ROWS.format(rows=" ".join(texts[start : start + BATCH])), local)
