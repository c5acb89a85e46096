"""Binding values for an engine that takes text: a ``VALUES`` block first and last in the ``WHERE`` group.

A shipped named query's values, on every engine (Oxigraph in process too), and any value sent to an
endpoint, go in a ``VALUES`` block as the first and again as the last element of the query's
``WHERE`` group, or of the inner ``SELECT``'s when the query is wrapped and that ``SELECT``
projects the variable; Oxigraph substitutes the values of a user's own text before evaluation
(``substitutions``), and a variable it cannot substitute gets the blocks. Joining the same one-row
block twice changes no answer; it is there twice because Oxigraph joins it where it stands: first
serves a query that starts with a wide scan (``evidence``: 1 ms first, 513 ms last on the
1M-triple bench graph), last one that starts with a list of predicates or an ``OPTIONAL``
(``relations``: 4,153 ms first, 1 ms last); both at once took the better of the two for every
named query. A ``WHERE`` that is only a ``UNION`` also gets the block first in each branch
(:func:`_union_branches`), and an ``OPTIONAL`` group that names a bound variable, directly in a
group that starts with the block, gets it first too (:func:`_optionals`): Oxigraph plans an
optional group without knowing the values bound outside it, so ``causes`` for one condition
walked every statement of the 1M-triple bench graph, 53 ms bound by ``substitutions`` or by the
blocks outside only, 0.35 ms with the block inside. Never after the query: Virtuoso does not
join a trailing block with a group that holds a ``BIND`` (``graph/query/queries/README.md``).
Terms are written by Oxigraph's own serialiser.

The places are found on the query's tokens (:func:`tokens`: strings, IRIs, comments, variables,
braces, keywords), never by searching its text, so a brace or a ``WHERE`` inside a string, an IRI
or a comment is never taken for syntax. Then the parser checks the result: the bound query must
parse (rdflib, with the project's prefixes) with one more ``VALUES`` in its algebra per block
placed, or the binding is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.term import Node

from graph.core.errors import QueryError

__all__ = [
    "Token",
    "is_graph_query",
    "is_shipped",
    "ox_term",
    "term_text",
    "tokens",
    "values_block",
    "with_values",
]

_TOKEN = re.compile(
    r"""(?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
                   |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
      |(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
      |(?P<comment>\#[^\n\r]*)
      |(?P<var>[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]+)
      |(?P<brace>[{}])
      |(?P<paren>[()])
      |(?P<name>(?:[^\W\d][\w.-]*)?:(?:[\w.:%-]|\\.)*|[^\W\d]\w*)
      |(?P<space>\s+)
      |(?P<other>.)""",
    re.X | re.S,
)


@dataclass(frozen=True)
class Token:
    """One token of a query: its kind (``string``, ``iri``, ``var``, ``brace``, ...), text and offset."""

    kind: str
    text: str
    start: int

    def word(self, *words: str) -> bool:
        """Tell whether the token is one of the keywords ``words`` (any case)."""
        return self.kind == "name" and self.text.upper() in words


def tokens(text: str) -> list[Token]:
    r"""Split query text into tokens, as Oxigraph reads it, leaving out white space and comments.

    Codepoint escapes (``\u007B``) are left as they are: Oxigraph reads them only inside strings.

    >>> [t.text for t in tokens('SELECT ?x { ?x <http://e/a#b> "}" } # }')]
    ['SELECT', '?x', '{', '?x', '<http://e/a#b>', '"}"', '}']
    """
    found = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind not in ("space", "comment"):
            found.append(Token(kind, match.group(), match.start()))
    return found


def is_graph_query(text: str) -> bool:
    r"""Tell whether a query is a ``CONSTRUCT`` or ``DESCRIBE`` (its first form keyword, not in a string).

    >>> is_graph_query('SELECT ("CONSTRUCT" AS ?x) {}'), is_graph_query("# SELECT\nDESCRIBE bs:a")
    (False, True)
    """
    for token in tokens(text):
        if token.word("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
            return token.text.upper() in ("CONSTRUCT", "DESCRIBE")
    return False


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
    firsts, closing = _places(text, tuple(bindings), not is_shipped(text))
    text = f"{text[:closing]}\n {block}\n{text[closing:]}"  # last, then from the end backwards
    for start in reversed(firsts):
        text = f"{text[: start + 1]} {block}\n{text[start + 1 :]}"
    return text


def is_shipped(text: str) -> bool:
    """Tell whether ``text`` is one of the shipped named queries, whose placements the suite checks."""
    return text in _shipped_texts()


@lru_cache(maxsize=1)
def _shipped_texts() -> frozenset[str]:
    """Return the texts of the shipped named queries (read once: every bound call asks)."""
    from graph.query.named import named_queries

    return frozenset(query.text for query in named_queries().values())


@lru_cache(maxsize=256)
def _places(text: str, names: tuple[str, ...], checked: bool = True) -> tuple[tuple[int, ...], int]:
    """Return the offsets of the ``{`` after which a block goes first, and of the ``}`` it goes before.

    Found on the tokens, then (``checked``) checked by parsing the query with blocks in those places:
    a user's text always; a shipped named query by the test suite, for each of its parameters
    (tests/test_values.py), since the parse costs a command about half a second.
    """
    found = tokens(text)
    opening = _descend(found, _where_opening(found), names)
    closing = _closing(found, opening)
    firsts = [opening, *(_union_branches(found, opening, closing) or [])]
    firsts += [inner for group in firsts for inner in _optionals(found, group, names)]
    offsets = tuple(found[i].start for i in sorted(firsts))
    if checked:
        _check(text, names, offsets, found[closing].start)
    return offsets, found[closing].start


def _check(text: str, names: tuple[str, ...], firsts: tuple[int, ...], closing: int) -> None:
    """Parse the query with probe blocks in place: each must be one more ``VALUES`` in the algebra."""
    from graph.query.guard import walk
    from graph.query.named import prepare

    probe = f"VALUES ({' '.join(f'?{name}' for name in names)}) {{ ({' '.join('UNDEF' for _ in names)}) }}"
    bound = f"{text[:closing]}\n {probe}\n{text[closing:]}"
    for start in reversed(firsts):
        bound = f"{bound[: start + 1]} {probe}\n{bound[start + 1 :]}"

    def count(query: str) -> int:
        return sum(1 for node in walk(prepare(query).algebra) if node.name == "values")

    if count(bound) != count(text) + len(firsts) + 1:
        raise QueryError("cannot bind values: the query's WHERE group was not found where the parser has it")


def _where_opening(found: list[Token]) -> int:
    """Return the index of the ``{`` that opens the query's ``WHERE`` group.

    It is the first ``{``, except in ``CONSTRUCT { template }``, where it is the first after the template.

    >>> _where_opening(tokens("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"))
    7
    """
    braces = [i for i, t in enumerate(found) if t.text == "{" and t.kind == "brace"]
    if not braces:
        raise QueryError("the query has no WHERE group to bind values in")
    first = braces[0]
    if first > 0 and found[first - 1].word("CONSTRUCT"):
        after = _closing(found, first)
        following = [i for i in braces if i > after]
        if not following:
            raise QueryError("the query has no WHERE group to bind values in")
        return following[0]
    return first


def _closing(found: list[Token], opening: int) -> int:
    """Return the index of the ``}`` that closes the group opened at index ``opening``.

    >>> _closing(tokens("{ { } a }"), 0)
    4
    """
    depth = 0
    for index in range(opening, len(found)):
        if found[index].kind == "brace":
            depth += 1 if found[index].text == "{" else -1
            if depth == 0:
                return index
    raise QueryError("the query's WHERE group is not closed")


def _projected(found: list[Token], select: int) -> tuple[set[str], int]:
    """Return the variables the ``SELECT`` at index ``select`` projects, and the index of its ``{``.

    >>> found = tokens("SELECT ?a (COUNT(?b) AS ?c) WHERE { ?a ?b ?c }")
    >>> sorted(_projected(found, 0)[0]), _projected(found, 0)[1]
    (['a', 'c'], 11)
    """
    names: set[str] = set()
    depth = 0
    for index in range(select + 1, len(found)):
        token = found[index]
        if token.kind == "brace":
            return names, index
        depth += {"(": 1, ")": -1}.get(token.text, 0) if token.kind == "paren" else 0
        if token.kind == "var" and (depth == 0 or found[index - 1].word("AS")):
            names.add(token.text[1:])
    raise QueryError("the sub-SELECT has no WHERE group")


def _descend(found: list[Token], opening: int, names: tuple[str, ...]) -> int:
    """Return the ``{`` of the innermost ``WHERE`` when a group starts with a sub-``SELECT`` of ``names``.

    A wrapped query (aggregate inside, ``COALESCE`` outside) gets its values where its triple
    patterns are, so every engine joins them before aggregating; only when the inner ``SELECT``
    projects every bound variable, so the answer is the same.

    >>> found = tokens("SELECT ?x WHERE { { SELECT ?x WHERE { ?x a ?c } } }")
    >>> found[_descend(found, 3, ("x",))].start, found[_descend(found, 3, ("c",))].start
    (36, 16)
    """
    while (
        opening + 2 < len(found)
        and found[opening + 1].text == "{"
        and found[opening + 1].kind == "brace"
        and found[opening + 2].word("SELECT")
    ):
        projected, following = _projected(found, opening + 2)
        if not set(names) <= projected:
            break
        opening = following
    return opening


def _optionals(found: list[Token], opening: int, names: tuple[str, ...]) -> list[int]:
    """Return where each ``OPTIONAL`` group directly in a group that starts with the block opens, recursively.

    Only an ``OPTIONAL`` of more than one triple pattern (or ``VALUES``) that names a bound
    variable, and is not a sub-``SELECT`` (a scope of its own). The values go first in it too: its
    left side already holds them, so the rows it may add are the same, but Oxigraph, which
    evaluates such a group on its own before joining it (a hash join), then starts it from the
    bound entity rather than from every statement of the graph (module doc). A group of one
    pattern Oxigraph already evaluates once per row with the row's values: it is left as written,
    and so is the order its rows come in (the items of an aggregated list: ``what_is`` bound to
    acetaminophen lists "Tylenol, paracetamol"; with a block inside, "paracetamol, Tylenol").

    >>> found = tokens("{ ?a ?b ?c OPTIONAL { ?c ?d ?e ; ?f ?g OPTIONAL { ?e ?f ?g . ?g ?h ?i } } "
    ...                "OPTIONAL { ?h ?i ?j } }")
    >>> [found[i].start for i in _optionals(found, 0, ("c",))], _optionals(found, 0, ("e",))
    ([20], [5, 13])
    """
    placed: list[int] = []
    closing = _closing(found, opening)
    index = opening + 1
    while index < closing:
        token = found[index]
        if token.word("OPTIONAL") and found[index + 1].text == "{" and found[index + 1].kind == "brace":
            start, end = index + 1, _closing(found, index + 1)
            inside = {t.text[1:] for t in found[start:end] if t.kind == "var"}
            several = _patterns(found, start, end) > 1
            if several and not found[start + 1].word("SELECT") and inside & set(names):
                placed += [start, *_optionals(found, start, names)]
            index = end + 1
        elif token.kind == "brace" and token.text == "{":
            index = _closing(found, index) + 1
        else:
            index += 1
    return placed


def _patterns(found: list[Token], opening: int, closing: int) -> int:
    """Return how many triple patterns and ``VALUES`` blocks stand directly in a group.

    Not those in a nested group or a call (``FILTER``, ``BIND``): what Oxigraph joins in the group.

    >>> _patterns(tokens("{ ?a ?b ?c , ?d ; ?e ?f . BIND(1 AS ?g) FILTER(?a) VALUES ?h { 1 } }"), 0, 26)
    4
    """
    count, depth, pending, inline = 0, 0, False, False
    for token in found[opening + 1 : closing]:
        if token.kind in ("brace", "paren"):
            depth += 1 if token.text in "{(" else -1
            inline = inline and not (depth == 0 and token.text == "}")
        elif depth > 0 or inline:
            continue
        elif token.word("VALUES"):
            count, pending, inline = count + pending + 1, False, True
        elif token.text in ".;,":
            count, pending = count + pending, False
        elif not token.word("OPTIONAL", "FILTER", "BIND", "MINUS"):
            pending = True
    return count + pending


def _union_branches(found: list[Token], opening: int, closing: int) -> list[int] | None:
    """Return where each branch opens when the group is only ``{ A } UNION { B } ...``, else None.

    The values then also go first into every branch (a join with a union is the union of the
    joins): a block only outside the union was joined after every branch was evaluated in full,
    over 60 s on ``oxigraph serve`` on the 1M-triple bench graph for ``connected_treatments``;
    22 ms in process with the block outside and in each branch, which also kept ``symptoms`` at
    115 ms (620 ms in the branches only). Not last in a branch: with the block last in one that
    holds ``FILTER NOT EXISTS`` (``preventions``) Virtuoso 7.2's compiler fails (``SP031 ...
    sparp_gp_deprecate()``). A branch that is a sub-``SELECT`` has a scope of its own: such a
    union gets the block outside only.

    >>> found = tokens("{ { ?a ?b ?c } UNION { ?c ?b ?a } }")
    >>> _union_branches(found, 0, 12), _union_branches(tokens("{ { ?a ?b ?c } ?c ?d ?e }"), 0, 9)
    ([1, 7], None)
    """
    branches: list[int] = []
    index = opening + 1
    while True:
        if index >= closing or found[index].text != "{" or found[index].kind != "brace":
            return None
        if found[index + 1].word("SELECT"):
            return None
        branches.append(index)
        index = _closing(found, index) + 1
        if index == closing:
            return branches if len(branches) > 1 else None
        if not found[index].word("UNION"):
            return None
        index += 1
