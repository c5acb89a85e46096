"""A pool of killable query workers for the endpoint (asyncio): a query past its limit kills its worker.

The workers are those of :mod:`graph.query.workers`. A query waits for an idle worker and runs
within the time limit (waiting counts too); past it, the worker gets SIGKILL at once, so its
CPU use stops, and a replacement starts in the background.
"""

from __future__ import annotations

import asyncio
import contextlib
import pickle
import socket
import subprocess
import time
from dataclasses import dataclass
from typing import Any

from graph.core.errors import GraphError, QueryError
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

__all__ = ["WorkerPool"]


@dataclass(eq=False)
class _Worker:
    process: subprocess.Popen[bytes]
    sock: socket.socket
    reader: asyncio.StreamReader | None = None
    writer: asyncio.StreamWriter | None = None

    async def attach(self) -> None:
        self.sock.setblocking(False)
        self.reader, self.writer = await asyncio.open_connection(sock=self.sock, limit=1 << 16)

    async def ask(self, request: Request) -> tuple[str, Any]:
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

    def __init__(self, recipe: Recipe, size: int = 2, timeout: float = 30.0) -> None:
        if not timeout > 0:
            raise QueryError(f"the time limit must be a positive number of seconds, not {timeout!r}")
        self.recipe, self.size, self.timeout = recipe, max(1, size), timeout
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
        """Connect the workers to the running event loop."""
        self._idle = asyncio.Queue()
        for worker in self._workers:
            await worker.attach()
            self._idle.put_nowait(worker)

    async def run(self, request: Request) -> Reply:
        """Run a request on an idle worker within the time limit (waiting for one counts too)."""
        assert self._idle is not None, "call attach() in the event loop first"
        deadline = time.monotonic() + self.timeout
        try:
            worker = await asyncio.wait_for(self._idle.get(), self.timeout)
        except TimeoutError:
            raise QueryError(f"every query worker stayed busy for {self.timeout:g} s: try again") from None
        try:
            status, payload = await asyncio.wait_for(
                worker.ask(request), max(0.01, deadline - time.monotonic())
            )
        except TimeoutError:
            self._replace(worker)
            raise timeout_error(self.timeout) from None
        except (OSError, EOFError, asyncio.IncompleteReadError, asyncio.CancelledError):
            self._replace(worker)
            raise
        self._idle.put_nowait(worker)
        return _outcome(status, payload)

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
        await worker.attach()
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
