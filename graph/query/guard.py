"""The guard for user text: keep queries off the network, refuse updates, and the time limit.

A user's query is parsed once (rdflib's parser) and :func:`refuse_network` checks the parsed query:
``SERVICE`` in any form and ``FROM``/``FROM NAMED`` naming a graph the store does not hold are
refused, so a query can never make the engine call out; updates do not parse as queries and are
refused everywhere (the graph is read-only). The shipped named queries are trusted and skip it.
:func:`get_time_limit` is the limit a query gets; :mod:`graph.query.worker` enforces it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Collection, Iterator
from typing import TYPE_CHECKING, Any

from graph.core.errors import QueryError

if TYPE_CHECKING:
    from rdflib.plugins.sparql.parserutils import CompValue

__all__ = [
    "DEFAULT_TIMEOUT",
    "get_time_limit",
    "network_keywords",
    "refuse_network",
    "set_time_limit",
    "walk",
]

#: Seconds a query may run before it is stopped, unless told otherwise (``$BSKG_QUERY_TIMEOUT``).
DEFAULT_TIMEOUT = 30.0

_limit: list[float] = []


def get_time_limit() -> float:
    """Return the time limit in seconds: the last :func:`set_time_limit`, ``$BSKG_QUERY_TIMEOUT`` or 30.

    >>> get_time_limit() > 0
    True
    """
    if _limit:
        return _limit[-1]
    try:
        value = float(os.environ.get("BSKG_QUERY_TIMEOUT", DEFAULT_TIMEOUT))
    except ValueError:
        return DEFAULT_TIMEOUT
    return value if value > 0 else DEFAULT_TIMEOUT


def set_time_limit(seconds: float) -> None:
    """Set the default time limit of every query of this process (seconds, more than 0)."""
    if not seconds > 0:
        raise QueryError(f"the time limit must be a positive number of seconds, not {seconds!r}")
    _limit[:] = [float(seconds)]


def walk(node: Any) -> Iterator[CompValue]:
    """Yield every node of a parsed query's algebra, depth first."""
    # rdflib's parser module is imported only where a query was parsed by it (start-up time)
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(node, CompValue):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list | tuple):
        for item in node:
            yield from walk(item)


def refuse_network(algebra: CompValue, local_graphs: Collection[str] = ()) -> None:
    """Refuse a parsed query that would reach outside the store.

    ``FROM`` and ``FROM NAMED`` may only name graphs the store holds (``local_graphs``);
    ``SERVICE`` is always refused.

    >>> from rdflib.plugins.sparql import prepareQuery
    >>> refuse_network(prepareQuery("SELECT * FROM <http://evil.example/x> { ?s ?p ?o }").algebra)
    Traceback (most recent call last):
    ...
    graph.core.errors.QueryError: FROM <http://evil.example/x> is refused: queries may not load graphs ...
    """
    for clause in (algebra["datasetClause"] if "datasetClause" in algebra else None) or ():
        named = "default" not in clause
        iri = clause["named"] if named else clause["default"]
        keyword = "FROM NAMED" if named else "FROM"
        if str(iri) not in local_graphs:
            raise QueryError(
                f"{keyword} <{iri}> is refused: queries may not load graphs from outside the store "
                "(the graph is queried as it is; drop the clause)"
            )
    from rdflib import URIRef

    for part in walk(algebra):
        if part.name == "ServiceGraphPattern":
            term = part["term"] if "term" in part else None
            name = f"<{term}>" if isinstance(term, URIRef) else str(term)
            raise QueryError(f"SERVICE {name} is refused: queries may not call other endpoints")


_KEYWORD = re.compile(
    r"(?<![\w?$:\\-])(SERVICE|LOAD|INSERT|DELETE|CLEAR|DROP|CREATE|ADD|MOVE|COPY)(?![\w:-])", re.I
)
_STRIP = re.compile(
    r"'''.*?'''|\"\"\".*?\"\"\"|'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\"|<[^<>\"{}|^`\\\s]*>|#[^\n]*",
    re.S,
)
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def network_keywords(text: str) -> list[str]:
    """Return the keywords of a query text that could reach outside or change a store, upper-cased.

    A lexical check for the endpoint, which must not parse every query with rdflib: strings,
    IRIs and comments are skipped, code-point escapes are decoded first, so ``?service``,
    ``"customer service"`` and ``<http://x/service>`` do not count.

    >>> network_keywords('SELECT * { ?service ?p "a SERVICE" SERVICE <http://x/> { ?s ?p ?o } }')
    ['SERVICE']
    """

    def decode(match: re.Match[str]) -> str:
        try:
            return chr(int(match.group(1) or match.group(2), 16))
        except ValueError:
            return "\ufffd"

    plain = _STRIP.sub(" ", _CODEPOINT.sub(decode, text))
    return sorted({m.group(1).upper() for m in _KEYWORD.finditer(plain)})
