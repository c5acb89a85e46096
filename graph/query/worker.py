"""A loaded graph's query worker: a child forked from the process that holds the store.

Queries on a loaded graph (``bskg query``, :func:`graph.sparql`, ``%%sparql``) run in one child
process forked from this one the first time it is needed: it shares the loaded store (no copy, no
reload) and answers over a socket pair with the loop every query worker runs
(:func:`graph.query.workers.serve_requests`). A query past its time limit kills that child
(SIGKILL, so its CPU time ends with it) and raises the one time-limit error
(:func:`graph.query.workers.timeout_error`); the next query forks a new one. Where ``fork`` is not
available the query runs in this process without a limit. (The endpoint's pool,
:mod:`graph.query.pool`, starts its workers from a recipe instead: a server must not fork itself
mid-request.)
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import socket
import sys
from typing import Any

from graph.core.errors import QueryError
from graph.query.workers import (
    Reply,
    Request,
    _outcome,
    _receive,
    _send,
    respond,
    serve_requests,
    timeout_error,
)

__all__ = ["Worker", "can_fork"]


def can_fork() -> bool:
    """Tell whether this platform can fork a worker (Linux and the BSDs; not Windows).

    >>> isinstance(can_fork(), bool)
    True
    """
    return sys.platform != "win32" and "fork" in multiprocessing.get_all_start_methods()


class Worker:
    """A child forked once to run a store's queries, until one runs past its time limit.

    >>> import pyoxigraph as ox
    >>> worker = Worker(ox.Store())
    >>> worker.call(Request("ASK {}"), 5).body
    b'{"head":{},"boolean":true}'
    >>> worker.close()
    """

    def __init__(self, store: Any) -> None:
        self.store = store
        self._pid: int | None = None
        self._sock: socket.socket | None = None

    def _start(self) -> socket.socket:
        if self._pid is not None and self._sock is not None:
            return self._sock
        parent, child = socket.socketpair()
        pid = os.fork()
        if pid == 0:  # the child: answer until the parent closes its end, then leave at once
            try:
                parent.close()
                signal.signal(signal.SIGINT, signal.SIG_IGN)
                serve_requests(self.store, child)
            finally:
                os._exit(0)
        child.close()
        self._pid, self._sock = pid, parent
        return parent

    def call(self, request: Request, seconds: float) -> Reply:
        """Return the reply to ``request``, or raise :class:`QueryError` once ``seconds`` have passed."""
        if not seconds > 0:
            raise QueryError(f"the time limit must be a positive number of seconds, not {seconds!r}")
        if not can_fork():
            return _outcome(*respond(self.store, request))
        sock = self._start()
        try:
            sock.settimeout(None)
            _send(sock, request)
            sock.settimeout(seconds)
            status, payload = _receive(sock)
        except TimeoutError:
            self.close()
            raise timeout_error(seconds) from None
        except (EOFError, OSError):
            self.close()
            raise QueryError("the query worker stopped; run the query again") from None
        except BaseException:  # Ctrl-C in the caller: stop the work too
            self.close()
            raise
        return _outcome(status, payload)

    def close(self) -> None:
        """Stop the child (killed: it may be in the middle of a runaway query)."""
        if self._pid is not None:
            with contextlib.suppress(OSError):
                os.kill(self._pid, signal.SIGKILL)
            with contextlib.suppress(OSError):
                os.waitpid(self._pid, 0)
        if self._sock is not None:
            self._sock.close()
        self._pid, self._sock = None, None
