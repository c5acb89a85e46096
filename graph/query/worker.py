"""A killable worker: queries run in a forked child process that is stopped for real at its time limit.

Oxigraph evaluates in Rust and cannot be interrupted from Python, so a query that must stop at a
time limit runs in a child process forked from this one: the child shares the loaded store (no
copy, no reload), answers over a pipe, and is killed (SIGKILL) when a query passes its limit, so
its CPU time ends with it; the next query forks a new child. Where ``fork`` is not available the
call runs in this process without a limit. (The endpoint's pool, :mod:`graph.query.pool`, keeps
several long-lived workers of its own, started from a recipe because a server must not fork
itself mid-request.)
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
from collections.abc import Callable
from typing import Any

from graph.core.errors import GraphError, QueryError

__all__ = ["Worker", "can_fork"]


def can_fork() -> bool:
    """Tell whether this platform can fork a worker (Linux and the BSDs; not Windows).

    >>> isinstance(can_fork(), bool)
    True
    """
    return sys.platform != "win32" and "fork" in multiprocessing.get_all_start_methods()


def _serve(work: Callable[[object], object], conn: object) -> None:
    """Answer each message with ``work(message)``: the loop of a :class:`Worker`'s child."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    while True:
        try:
            message = conn.recv()  # type: ignore[attr-defined]
        except (EOFError, OSError):
            os._exit(0)
        try:
            outcome: tuple[str, object] = ("ok", work(message))
        except GraphError as error:
            outcome = ("graph-error", str(error))
        except Exception as error:  # reported to the parent as one line
            outcome = ("error", str(error).splitlines()[0] if str(error) else type(error).__name__)
        conn.send(outcome)  # type: ignore[attr-defined]


class Worker:
    """A child process forked once, answering calls until one runs past its time limit.

    The child is forked from this process the first time it is needed, so it shares what this
    process has loaded (the store) without copying or reloading it; each call costs a message
    over a pipe. A call past its limit kills the child (its CPU use stops with it) and the next
    call forks a new one. Where ``fork`` is not available, calls run in this process, unlimited.

    >>> worker = Worker(lambda n: n * 2)
    >>> worker.call(21, 5)
    42
    >>> worker.close()
    """

    def __init__(self, work: Callable[[object], object]) -> None:
        self.work = work
        self._process: multiprocessing.process.BaseProcess | None = None
        self._conn: Any = None

    def _start(self) -> Any:
        if self._process is not None and self._process.is_alive():
            return self._conn
        context = multiprocessing.get_context("fork")
        parent, child = context.Pipe()
        process = context.Process(target=_serve, args=(self.work, child), daemon=True)
        process.start()
        child.close()
        self._process, self._conn = process, parent
        return parent

    def call(self, message: object, seconds: float) -> Any:
        """Return ``work(message)`` computed by the child, or raise :class:`QueryError` past ``seconds``."""
        if not seconds > 0:
            raise QueryError(f"the time limit must be a positive number of seconds, not {seconds!r}")
        if not can_fork():
            return self.work(message)
        conn = self._start()
        try:
            conn.send(message)
            outcome = conn.recv() if conn.poll(seconds) else None
        except (EOFError, OSError):
            self.close()
            raise QueryError("the query worker stopped; run the query again") from None
        except BaseException:  # Ctrl-C in the caller: stop the work too
            self.close()
            raise
        if outcome is None:
            self.close()
            raise QueryError(
                f"the query ran for more than {seconds:g} s and was stopped "
                "(set a longer time limit with --timeout or timeout=, or add a LIMIT)"
            )
        status, value = outcome
        if status != "ok":
            raise QueryError(str(value))
        return value

    def close(self) -> None:
        """Stop the child (killed: it may be in the middle of a runaway query)."""
        if self._process is not None:
            self._process.kill()
            self._process.join()
        if self._conn is not None:
            self._conn.close()
        self._process, self._conn = None, None
