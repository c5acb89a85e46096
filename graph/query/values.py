"""Binding values for an engine that takes text: a ``VALUES`` block first and last in the ``WHERE`` group.

Oxigraph substitutes a selected variable before evaluation; any other variable, and every value
sent to an endpoint, gets a ``VALUES`` block as the first and again as the last element of the
query's ``WHERE`` group, or of the inner ``SELECT``'s when the query is wrapped and that ``SELECT``
projects the variable. Joining the same one-row block twice changes no answer; it is there twice
because Oxigraph joins it where it stands: first serves a query that starts with a wide scan
(``evidence``: 1 ms first, 513 ms last on the 1M-triple bench graph), last one that starts with a
list of predicates or an ``OPTIONAL`` (``relations``: 4,153 ms first, 1 ms last); both at once
took the better of the two for every named query. A ``WHERE`` that is only a ``UNION`` also gets
the block first in each branch (:func:`_union_branches`). Never after the query: Virtuoso
does not join a trailing block with a group that holds a ``BIND``
(``graph/query/queries/README.md``). Terms are written by Oxigraph's own serialiser.
"""

from __future__ import annotations

import re
from typing import Any

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.term import Node

from graph.core.errors import QueryError

__all__ = ["SKIP", "ox_term", "term_text", "values_block", "with_values"]


def ox_term(term: Node) -> Any:
    """Return the pyoxigraph term of an rdflib IRI or literal (the only values a parameter takes)."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)) if term.datatype else None)
    raise QueryError(f"cannot bind {term!r}")


def term_text(term: Node) -> str:
    r"""Write an IRI or literal in SPARQL syntax, escaped by Oxigraph's own serialiser.

    >>> term_text(Literal('x" } UNION { ?s ?p ?o } #', lang="en"))
    '"x\\" } UNION { ?s ?p ?o } #"@en'
    """
    try:
        return str(ox_term(term))
    except ValueError as error:
        raise QueryError(f"cannot bind {term!r}: {error}") from None


def values_block(bindings: dict[str, Node]) -> str:
    """Return a ``VALUES`` block that binds values for an endpoint (empty when none)."""
    if not bindings:
        return ""
    names = " ".join(f"?{name}" for name in bindings)
    row = " ".join(term_text(term) for term in bindings.values())
    return f"VALUES ({names}) {{ ({row}) }}"


def with_values(text: str, bindings: dict[str, Node]) -> str:
    r"""Return query text with the ``VALUES`` block first and last in its ``WHERE`` group (module doc).

    >>> with_values("SELECT ?x WHERE { ?x a ?c }", {"c": URIRef("http://e/C")})
    'SELECT ?x WHERE { VALUES (?c) { (<http://e/C>) }\n ?x a ?c \n VALUES (?c) { (<http://e/C>) }\n}'
    """
    block = values_block(bindings)
    if not block:
        return text
    masked = SKIP.sub(lambda m: " " * len(m.group(0)), text)
    opening = _descend(masked, _where_opening(text), list(bindings))
    closing = _closing(masked, opening)
    text = f"{text[:closing]}\n {block}\n{text[closing:]}"  # last, then from the end backwards
    for start in reversed([opening, *(_union_branches(masked, opening, closing) or [])]):
        text = f"{text[: start + 1]} {block}\n{text[start + 1 :]}"
    return text


def _union_branches(masked: str, opening: int, closing: int) -> list[int] | None:
    """Return where each branch opens when the group is only ``{ A } UNION { B } ...``, else None.

    The values then also go first into every branch (a join with a union is the union of the
    joins): a block only outside the union was joined after every branch was evaluated in full,
    over 60 s on ``oxigraph serve`` on the 1M-triple bench graph for ``connected_treatments``;
    22 ms in process with the block outside and in each branch, which also kept ``symptoms`` at
    115 ms (620 ms in the branches only). Not last in a branch: with the block last in one that
    holds ``FILTER NOT EXISTS`` (``preventions``) Virtuoso 7.2's compiler fails (``SP031 ...
    sparp_gp_deprecate()``). A branch that is a sub-``SELECT`` has a scope of its own: such a
    union gets the block outside only.

    >>> masked = "{ { ?a ?b ?c } UNION { ?c ?b ?a } }"
    >>> _union_branches(masked, 0, 34), _union_branches("{ { ?a ?b ?c } ?c ?d ?e }", 0, 24)
    ([2, 21], None)
    """
    branches: list[int] = []
    position = opening + 1
    while True:
        gap = masked[position:closing]
        start = position + len(gap) - len(gap.lstrip())
        if start >= closing or masked[start] != "{" or re.match(r"\{\s*SELECT\b", masked[start:], re.I):
            return None
        branches.append(start)
        position = _closing(masked, start) + 1
        rest = masked[position:closing]
        if not rest.strip():
            return branches if len(branches) > 1 else None
        union = re.match(r"\s*UNION\b", rest, re.I)
        if union is None:
            return None
        position += union.end()


SKIP = re.compile(
    r"'''.*?'''|\"\"\".*?\"\"\"|'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\"|<[^<>\"{}|^`\\\s]*>|#[^\n]*", re.S
)


def _where_opening(text: str) -> int:
    """Return the position of the ``{`` that opens the query's ``WHERE`` group.

    It is the first ``{`` outside strings, IRIs and comments, except in ``CONSTRUCT { template }``,
    where it is the first ``{`` after the template.

    >>> _where_opening("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    29
    """
    masked = SKIP.sub(lambda m: " " * len(m.group(0)), text)
    first = masked.find("{")
    if first < 0:
        raise QueryError("the query has no WHERE group to bind values in")
    if re.search(r"\bCONSTRUCT\s*$", masked[:first], re.I):
        depth = 0
        for position in range(first, len(masked)):
            depth += {"{": 1, "}": -1}.get(masked[position], 0)
            if depth == 0:
                following = masked.find("{", position)
                if following < 0:
                    raise QueryError("the query has no WHERE group to bind values in")
                return following
    return first


def _closing(masked: str, opening: int) -> int:
    """Return the position of the ``}`` that closes the group opened at ``opening``.

    >>> _closing("{ { } a }", 0)
    8
    """
    depth = 0
    for position in range(opening, len(masked)):
        depth += {"{": 1, "}": -1}.get(masked[position], 0)
        if depth == 0:
            return position
    raise QueryError("the query's WHERE group is not closed")


def _projected(clause: str) -> set[str]:
    """Return the variables a ``SELECT`` clause projects: bare ones and ``AS`` targets.

    >>> sorted(_projected(" ?a (COUNT(?b) AS ?c) "))
    ['a', 'c']
    """
    targets = set(re.findall(r"\bAS\s+[?$](\w+)", clause, re.I))
    while (flat := re.sub(r"\([^()]*\)", " ", clause)) != clause:
        clause = flat
    return targets | set(re.findall(r"[?$](\w+)", clause))


def _descend(masked: str, opening: int, names: list[str]) -> int:
    """Return the ``{`` of the innermost ``WHERE`` when a group starts with a sub-``SELECT`` of ``names``.

    A wrapped query (aggregate inside, ``COALESCE`` outside) gets its values where its triple
    patterns are, so every engine joins them before aggregating; only when the inner ``SELECT``
    projects every bound variable, so the answer is the same.

    >>> text = "SELECT ?x WHERE { { SELECT ?x WHERE { ?x a ?c } } }"
    >>> text[_descend(text, 16, ["x"]) :], text[_descend(text, 16, ["c"]) :]
    ('{ ?x a ?c } } }', '{ { SELECT ?x WHERE { ?x a ?c } } }')
    """
    while (inner := re.match(r"\{\s*\{\s*SELECT\b", masked[opening:], re.I)) is not None:
        following = masked.find("{", opening + inner.end())
        projected = _projected(masked[opening + inner.end() : following])
        if following < 0 or not set(names) <= projected:
            break
        opening = following
    return opening
