"""A killable worker: run one call in a forked child process and stop it for real at its time limit.

Oxigraph evaluates in Rust and cannot be interrupted from Python, so a query that must stop at a
time limit runs in a child process forked from this one: the child shares the loaded store (no
copy, no reload), sends its answer back over a pipe, and is killed (SIGKILL) when the limit
passes, so its CPU time ends with it. Where ``fork`` is not available the call runs in this
process without a limit.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
from collections.abc import Callable
from typing import TypeVar, cast

from graph.core.errors import GraphError, QueryError

__all__ = ["call_with_time_limit", "can_fork"]

T = TypeVar("T")


def can_fork() -> bool:
    """Tell whether this platform can fork a worker (Linux and the BSDs; not Windows).

    >>> isinstance(can_fork(), bool)
    True
    """
    return sys.platform != "win32" and "fork" in multiprocessing.get_all_start_methods()


def _child(work: Callable[[], object], conn: object) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    try:
        outcome: tuple[str, object] = ("ok", work())
    except GraphError as error:
        outcome = ("graph-error", str(error))
    except Exception as error:  # reported to the parent as one line
        outcome = ("error", str(error).splitlines()[0] if str(error) else type(error).__name__)
    try:
        conn.send(outcome)  # type: ignore[attr-defined]
    finally:
        os._exit(0)  # no atexit handlers, no flushing of the parent's buffers in the child


def call_with_time_limit(work: Callable[[], T], seconds: float) -> T:
    """Return ``work()`` computed in a forked child, or raise :class:`QueryError` past ``seconds``.

    ``work`` must return something picklable (query results as bytes or plain data).

    >>> call_with_time_limit(lambda: sum(range(10)), 5)
    45
    >>> import itertools
    >>> call_with_time_limit(lambda: [None for _ in itertools.count()], 0.2)
    Traceback (most recent call last):
    ...
    graph.core.errors.QueryError: the query ran for more than 0.2 s and was stopped (...
    """
    if not seconds > 0:
        raise QueryError(f"the time limit must be a positive number of seconds, not {seconds!r}")
    if not can_fork():
        return work()
    context = multiprocessing.get_context("fork")
    parent, child = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(work, child), daemon=True)
    process.start()
    child.close()
    try:
        ready = parent.poll(seconds)
        outcome = parent.recv() if ready else None
    except EOFError:
        outcome = ("error", f"the query worker stopped (exit code {process.exitcode})")
    except BaseException:  # Ctrl-C in the caller: stop the query too
        process.kill()
        process.join()
        raise
    finally:
        parent.close()
    if outcome is None:
        process.kill()
        process.join()
        raise QueryError(
            f"the query ran for more than {seconds:g} s and was stopped "
            "(set a longer time limit with --timeout or timeout=, or add a LIMIT)"
        )
    process.join()
    status, value = outcome
    if status == "graph-error":
        raise QueryError(str(value))
    if status == "error":
        raise QueryError(str(value))
    return cast(T, value)
