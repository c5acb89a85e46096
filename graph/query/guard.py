"""The safe engine: keep user queries off the network and stop the ones that run too long.

rdflib's engine fetches the IRIs of ``FROM``, ``FROM NAMED`` and ``SERVICE`` (and of ``USING``
and ``LOAD`` in updates), and pyoxigraph calls ``SERVICE`` endpoints over HTTP. :func:`refuse_network`
turns such a query into a :class:`~graph.core.errors.QueryError` before it runs; updates are refused
everywhere (the graph is read-only). :func:`call_with_time_limit` stops a runaway rdflib query
for real: the query runs in a worker thread, and past the limit an exception is raised inside
that thread (rdflib evaluates in Python, so it lands at the next bytecode) until the thread
ends, instead of leaving it spinning.
"""

from __future__ import annotations

import ctypes
import os
import re
import threading
import time
from collections.abc import Callable, Collection, Iterator
from typing import Any, TypeVar, cast

from rdflib import URIRef
from rdflib.plugins.sparql.parserutils import CompValue

from graph.core.errors import QueryError

__all__ = [
    "DEFAULT_TIMEOUT",
    "get_time_limit",
    "network_keywords",
    "refuse_network",
    "set_time_limit",
    "call_with_time_limit",
    "walk",
]

#: Seconds a query may run before it is stopped, unless told otherwise (``$BSKG_QUERY_TIMEOUT``).
DEFAULT_TIMEOUT = 30.0

_limit: list[float] = []
T = TypeVar("T")


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
    for part in walk(algebra):
        if part.name == "ServiceGraphPattern":
            term = part["term"] if "term" in part else None
            name = f"<{term}>" if isinstance(term, URIRef) else str(term)
            raise QueryError(f"SERVICE {name} is refused: queries may not call other endpoints")


class QueryTimeout(BaseException):
    """Raised inside the worker thread of a query that ran out of time; never reaches the caller."""


def _set_async_exc(thread: int, exception: type[BaseException]) -> int:
    """Raise ``exception`` in another thread at its next bytecode; return how many threads got it."""
    found: int = ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread), ctypes.py_object(exception)
    )
    return found


def call_with_time_limit(work: Callable[[], T], seconds: float | None = None) -> T:
    """Return ``work()``, or stop it and raise :class:`QueryError` once it runs past ``seconds``.

    ``work`` runs in a worker thread while the caller waits. Past the limit the caller raises
    :class:`QueryTimeout` inside the worker, again and again (rdflib swallows some exceptions
    in bare ``except:`` clauses) until the worker ends, so the query really stops; the caller
    itself is never interrupted. Code blocked in one long C call stops when that call returns.

    >>> import itertools
    >>> call_with_time_limit(lambda: sum(range(10)), 5)
    45
    >>> call_with_time_limit(lambda: [None for _ in itertools.count()], 0.2)
    Traceback (most recent call last):
    ...
    graph.core.errors.QueryError: the query ran for more than 0.2 s and was stopped (set a longer ...
    """
    limit = get_time_limit() if seconds is None else seconds
    if not limit > 0:
        raise QueryError(f"the time limit must be a positive number of seconds, not {limit!r}")
    outcome: dict[str, Any] = {}
    done = threading.Event()

    def run() -> None:
        try:
            outcome["value"] = work()
        except QueryTimeout:
            outcome["stopped"] = True
        except BaseException as error:  # handed to the caller
            outcome["error"] = error
        finally:
            done.set()

    worker = threading.Thread(target=run, name="bskg-query", daemon=True)
    worker.start()
    try:
        finished = done.wait(limit)
    except BaseException:  # e.g. Ctrl-C in the caller: stop the query too
        _stop(worker, done)
        raise
    if not finished:
        _stop(worker, done)
        raise QueryError(
            f"the query ran for more than {limit:g} s and was stopped "
            "(set a longer time limit with --timeout or timeout=, or add a LIMIT)"
        )
    if "error" in outcome:
        raise outcome["error"]
    return cast(T, outcome["value"])


def _stop(worker: threading.Thread, done: threading.Event, patience: float = 10.0) -> None:
    """Interrupt the worker until it ends (or ``patience`` seconds pass: it is then stuck in C)."""
    deadline = time.monotonic() + patience
    while not done.is_set() and worker.ident is not None and time.monotonic() < deadline:
        _set_async_exc(worker.ident, QueryTimeout)
        done.wait(0.02)
    worker.join(max(0.0, deadline - time.monotonic()))


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
