"""The guard for user text: keep queries off the network, refuse updates, and the query limits.

A user's query is parsed once (rdflib's parser) and :func:`refuse_network` checks the parsed query:
``SERVICE`` in any form and ``FROM``/``FROM NAMED`` naming a graph the store does not hold are
refused, so a query can never make the engine call out; updates do not parse as queries and are
refused everywhere (the graph is read-only). The shipped named queries are trusted and skip it.
:func:`get_time_limit` is the limit a query gets; :mod:`graph.query.worker` enforces it.

The endpoint never parses on its event loop: a :class:`Check` is answered by a query worker
(:func:`verdict`), under the same time limit as the query, and :class:`Limits` caps a worker's
memory. :func:`check_structure` refuses, by a linear scan, queries nested or chained so deeply
that a parser or the engine would overflow its stack.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from graph.core.errors import QueryError

if TYPE_CHECKING:
    from rdflib.plugins.sparql.parserutils import CompValue

__all__ = [
    "DEFAULT_TIMEOUT",
    "MAX_DEPTH",
    "MAX_OPERATORS",
    "OUT_OF_MEMORY",
    "Check",
    "Limits",
    "Verdict",
    "check_structure",
    "get_time_limit",
    "network_keywords",
    "refuse_network",
    "set_time_limit",
    "time_limit",
    "verdict",
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


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Make ``seconds`` the default time limit inside a ``with`` block (``None`` leaves it as it is).

    >>> with time_limit(2):
    ...     get_time_limit()
    2.0
    """
    if seconds is None:
        yield
        return
    if not seconds > 0:
        raise QueryError(f"the time limit must be a positive number of seconds, not {seconds!r}")
    _limit.append(float(seconds))
    try:
        yield
    finally:
        _limit.pop()


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


#: Deepest nesting of ``(``, ``{`` and ``[`` a user's query may have (Oxigraph overflows its stack
#: somewhere between 1,000 and 5,000 levels).
MAX_DEPTH = 200
#: Most operators (``/ | ^ + * ! && || = < >`` and a free-standing ``-``) one query may hold: a
#: property path or expression chained over ~12,000 steps crashes the engine.
MAX_OPERATORS = 2000
_OPERATOR = re.compile(r"&&|\|\||[<>!=]=?|[/|^+*]|(?<![\w.:-])-(?![\w:-])")
_BRACKETS = re.compile(r"[(){}\[\]]")
_SHAPES = {"SELECT": "solutions", "ASK": "solutions", "CONSTRUCT": "graph", "DESCRIBE": "graph"}


def check_structure(text: str) -> None:
    """Refuse a query nested deeper than :data:`MAX_DEPTH` or with more than :data:`MAX_OPERATORS`.

    A linear scan (strings, IRIs and comments skipped), cheap enough for any body the endpoint
    accepts.

    >>> check_structure("SELECT * { ?s <http://x/a>/<http://x/b> ?o }")
    >>> check_structure("ASK { " + "{" * 300 + "}" * 300 + " }")
    Traceback (most recent call last):
    ...
    graph.core.errors.QueryError: the query nests brackets 301 deep: at most 200 levels are allowed
    """
    plain = _STRIP.sub(" ", text)
    depth = deepest = 0
    for match in _BRACKETS.finditer(plain):
        depth += 1 if match.group() in "({[" else -1
        deepest = max(deepest, depth)
    if deepest > MAX_DEPTH:
        raise QueryError(f"the query nests brackets {deepest} deep: at most {MAX_DEPTH} levels are allowed")
    operators = sum(1 for _ in _OPERATOR.finditer(plain))
    if operators > MAX_OPERATORS:
        raise QueryError(
            f"the query chains {operators} operators (path steps, comparisons, arithmetic): "
            f"at most {MAX_OPERATORS} are allowed"
        )


@dataclass(frozen=True)
class Verdict:
    """What the guard decided: the result shape of an allowed query, or a refusal."""

    shape: str = ""
    status: int = 200
    message: str = ""


def verdict(text: str, local_graphs: Collection[str] = ()) -> Verdict:
    """Check a user's query: structure, syntax (rdflib), updates, SERVICE and FROM outside the store.

    Slow on large texts (rdflib's parser), so the endpoint asks a query worker (:class:`Check`).

    >>> verdict("SELECT * { SERVICE <http://127.0.0.2/> { ?s ?p ?o } }").status
    403
    >>> verdict("ASK { ?s a bso:Cause }").shape
    'solutions'
    """
    from graph.query.named import prepare

    try:
        check_structure(text)
    except QueryError as error:
        return Verdict(status=400, message=str(error))
    try:
        query = prepare(text)
    except QueryError as error:
        refused = "updates are refused" in str(error)
        return Verdict(status=403 if refused else 400, message=str(error).removeprefix("query: "))
    if "SERVICE" in network_keywords(text):
        return Verdict(status=403, message="SERVICE is refused: queries may not call other endpoints")
    try:
        refuse_network(query.algebra, local_graphs)
    except QueryError as error:
        return Verdict(status=403, message=str(error))
    return Verdict(shape=_SHAPES[query.algebra.name.removesuffix("Query").upper()])


@dataclass(frozen=True)
class Check:
    """A message for a query worker: answer with the :func:`verdict` on ``text``."""

    text: str
    local_graphs: frozenset[str] = frozenset()

    def answer(self) -> Verdict:
        """Run the guard (in the worker process)."""
        return verdict(self.text, self.local_graphs)


#: The exit status of a worker that ran out of memory in Python code (Rust code aborts: SIGABRT).
OUT_OF_MEMORY = 75


@dataclass(frozen=True)
class Limits:
    """A message for a query worker: cap its memory at what it uses now plus ``memory`` bytes.

    The worker sets ``RLIMIT_AS`` once its store is open, so a query that grows past the cap
    fails to allocate and the worker dies; its pool reports a 503 and starts another.
    """

    memory: int

    def answer(self) -> int:
        """Set the cap (in the worker process) and return it in bytes (0: not supported here)."""
        if not sys.platform.startswith("linux"):
            return 0
        import resource

        used = 0
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    used = int(line.split()[1]) * 1024
        cap = used + self.memory
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
        return cap
