"""A pool of killable query workers for the endpoint (asyncio): a query past its limit kills its worker.

The workers are those of :mod:`graph.query.workers`. A query waits for an idle worker and runs
within the time limit (waiting counts too); past it, the worker gets SIGKILL at once, so its
CPU use stops, and a replacement starts in the background. The guard runs in a worker too
(:meth:`WorkerPool.check`), so no parse ever holds the event loop. Each worker's address space
is capped (``memory`` bytes beyond what it holds once its store is open); a worker that dies,
out of memory or crashed, is replaced and its query gets :class:`WorkerLost`, logged in one line.
"""

from __future__ import annotations

import asyncio
import contextlib
import pickle
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Any

from graph.core.errors import GraphError, QueryError
from graph.query.guard import OUT_OF_MEMORY, Check, Limits, Verdict
from graph.query.workers import (
    _HEADER,
    Recipe,
    Reply,
    Request,
    _handshake,
    _kill,
    _outcome,
    _reap,
    _spawn,
    timeout_error,
)

__all__ = ["DEFAULT_MEMORY", "WorkerLost", "WorkerPool"]

#: Bytes of address space a worker may take beyond what it holds with its store open.
DEFAULT_MEMORY = 1 << 30


class WorkerLost(QueryError):
    """The worker running a query died (out of memory or crashed); it has been replaced."""


def _wait_exit(process: subprocess.Popen[bytes], seconds: float) -> int | None:
    with contextlib.suppress(subprocess.TimeoutExpired):
        return process.wait(seconds)
    return None


def _cause(code: int | None, memory: int | None) -> str:
    """Say in a few words why a worker ended, from its exit status.

    >>> _cause(-6, 1 << 30)
    'ran out of memory (the cap is 1024 MB beyond the store)'
    >>> _cause(-11, None)
    'crashed (signal SIGSEGV)'
    """
    if code == OUT_OF_MEMORY or (code == -signal.SIGABRT and memory):
        cap = f" (the cap is {memory // (1 << 20)} MB beyond the store)" if memory else ""
        return f"ran out of memory{cap}"
    if code is not None and code < 0:
        return f"crashed (signal {signal.Signals(-code).name})"
    return "stopped" if code is None else f"stopped (exit status {code})"


@dataclass(eq=False)
class _Worker:
    process: subprocess.Popen[bytes]
    sock: socket.socket
    reader: asyncio.StreamReader | None = None
    writer: asyncio.StreamWriter | None = None

    async def attach(self) -> None:
        self.sock.setblocking(False)
        self.reader, self.writer = await asyncio.open_connection(sock=self.sock, limit=1 << 16)

    async def ask(self, request: Request | Check | Limits) -> tuple[str, Any]:
        assert self.reader is not None and self.writer is not None
        data = pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL)
        self.writer.write(_HEADER.pack(len(data)) + data)
        header = await self.reader.readexactly(_HEADER.size)
        body = await self.reader.readexactly(_HEADER.unpack(header)[0])
        message: tuple[str, Any] = pickle.loads(body)  # noqa: S301 (our own child)
        return message

    def kill(self) -> None:
        if self.writer is not None:
            with contextlib.suppress(RuntimeError):  # the event loop may be closed already
                self.writer.close()
        _kill(self.process, self.sock)


class WorkerPool:
    """``size`` worker processes over one recipe; a query past ``timeout`` kills and replaces its worker.

    Create it (the workers start and open the store at once, so errors show early), then call
    :meth:`attach` inside the event loop before :meth:`run`, and :meth:`close` at the end.
    """

    def __init__(
        self, recipe: Recipe, size: int = 2, timeout: float = 30.0, memory: int | None = DEFAULT_MEMORY
    ) -> None:
        if not timeout > 0:
            raise QueryError(f"the time limit must be a positive number of seconds, not {timeout!r}")
        self.recipe, self.size, self.timeout, self.memory = recipe, max(1, size), timeout, memory
        self.replaced = 0
        started = [_spawn(recipe) for _ in range(self.size)]
        self.graphs: frozenset[str] = frozenset()
        try:
            for process, sock in started:
                self.graphs = frozenset(_handshake(process, sock, 300.0))
        except GraphError:
            for process, sock in started:
                _kill(process, sock)
            raise
        self._workers = [_Worker(process, sock) for process, sock in started]
        self._idle: asyncio.Queue[_Worker] | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    async def attach(self) -> None:
        """Connect the workers to the running event loop and cap their memory."""
        self._idle = asyncio.Queue()
        for worker in self._workers:
            await self._ready(worker)
            self._idle.put_nowait(worker)

    async def _ready(self, worker: _Worker) -> None:
        await worker.attach()
        if self.memory:
            await asyncio.wait_for(worker.ask(Limits(self.memory)), 60)

    async def run(self, request: Request, deadline: float | None = None) -> Reply:
        """Run a request on an idle worker before ``deadline`` (default: the time limit from now)."""
        status, payload = await self._ask(request, deadline)
        return _outcome(status, payload)

    async def check(self, text: str, deadline: float | None = None) -> Verdict:
        """Guard a user's query text in a worker (:func:`graph.query.guard.verdict`), within the limit."""
        status, payload = await self._ask(Check(text, self.graphs), deadline)
        if status != "ok":
            raise QueryError(str(payload))
        assert isinstance(payload, Verdict)
        return payload

    async def _ask(self, message: Request | Check, deadline: float | None) -> tuple[str, Any]:
        """Send a message to an idle worker and return its answer; waiting for a worker counts."""
        assert self._idle is not None, "call attach() in the event loop first"
        if deadline is None:
            deadline = time.monotonic() + self.timeout
        try:
            worker = await asyncio.wait_for(self._idle.get(), max(0.01, deadline - time.monotonic()))
        except TimeoutError:
            raise QueryError(f"every query worker stayed busy for {self.timeout:g} s: try again") from None
        try:
            outcome = await asyncio.wait_for(
                worker.ask(message),
                max(0.01, deadline - time.monotonic()),
            )
        except TimeoutError:
            self._replace(worker)
            raise timeout_error(self.timeout) from None
        except (OSError, EOFError, asyncio.IncompleteReadError):
            code = await asyncio.to_thread(_wait_exit, worker.process, 2.0)
            self._replace(worker)
            lost = WorkerLost(
                f"the query worker {_cause(code, self.memory)} and was replaced: "
                "ask for less (add a LIMIT, fewer joins)"
            )
            sys.stderr.write(f"bskg serve: query worker {worker.process.pid} {_cause(code, self.memory)}\n")
            raise lost from None
        except asyncio.CancelledError:
            self._replace(worker)
            raise
        self._idle.put_nowait(worker)
        return outcome

    def _replace(self, worker: _Worker) -> None:
        """Kill a worker now (SIGKILL) and start a new one in the background."""
        worker.kill()
        self._workers.remove(worker)
        self.replaced += 1
        task = asyncio.get_running_loop().create_task(self._respawn(worker))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _respawn(self, dead: _Worker) -> None:
        await asyncio.to_thread(_reap, dead.process)
        process, sock = _spawn(self.recipe)
        try:
            await asyncio.to_thread(_handshake, process, sock, 300.0)
        except (GraphError, asyncio.CancelledError):
            _kill(process, sock)
            return
        worker = _Worker(process, sock)
        try:
            await self._ready(worker)
        except (OSError, EOFError, asyncio.IncompleteReadError, TimeoutError):
            _kill(process, sock)
            return
        self._workers.append(worker)
        assert self._idle is not None
        self._idle.put_nowait(worker)

    def pids(self) -> list[int]:
        """Return the process ids of the live workers."""
        return [w.process.pid for w in self._workers]

    def close(self) -> None:
        """Kill every worker and wait for them to end."""
        for task in list(self._tasks):
            task.cancel()
        for worker in self._workers:
            worker.kill()
        for worker in self._workers:
            _reap(worker.process)
        self._workers = []
