"""Real SPARQL servers for tests: ``oxigraph serve`` and OpenLink Virtuoso 7.2 on free loopback ports.

Each context manager makes a temporary folder, starts the server with its files there, loads the
given Turtle files, waits until the SPARQL endpoint answers, yields a :class:`Server` and at the end
stops the server by its process id (``SIGTERM``, then ``SIGKILL`` after a time limit) and removes
the folder.

Virtuoso has no separate default graph: a query's default graph is the union of every graph,
including its own built-in ones (about 2,500 triples on an empty database). Data is therefore
always loaded into a named graph (``graph_iri``, or :data:`DEFAULT_GRAPH` when none is asked for)
and :attr:`Server.endpoint` carries a ``default-graph-uri`` parameter, so that queries sent there
see only the loaded data. Virtuoso missing: the test is skipped, or fails when
``BSKG_REQUIRE_VIRTUOSO=1``.

>>> Server("oxigraph", "http://127.0.0.1:1/query", None, None, 0).endpoint
'http://127.0.0.1:1/query'
>>> Server("virtuoso", "http://127.0.0.1:1/sparql", None, "urn:x:g", 0).endpoint
'http://127.0.0.1:1/sparql?default-graph-uri=urn%3Ax%3Ag'
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from graph.present.endpoint import free_port

REPO = Path(__file__).resolve().parent.parent

__all__ = ["DEFAULT_GRAPH", "Server", "oxigraph_binary", "oxigraph_server", "virtuoso_server"]


def oxigraph_binary() -> str:
    """Return the ``oxigraph`` server program of the ``oxigraph`` PyPI package (beside this Python)."""
    beside = Path(sys.executable).parent / "oxigraph"
    found = str(beside) if beside.is_file() else shutil.which("oxigraph")
    if found is None:
        pytest.fail("the oxigraph server is not installed: pip install oxigraph (part of the test extra)")
    return found


#: The graph Virtuoso's data goes into when no graph is named (Virtuoso has no default graph of its own).
DEFAULT_GRAPH = "urn:x-bskg:default"
#: Virtuoso's administrator on a new database: the Graph Store Protocol endpoint needs these (HTTP digest).
VIRTUOSO_USER = ("dba", "dba")
INSTALL_VIRTUOSO = "apt-get install -y virtuoso-opensource (Debian), which provides virtuoso-t"
START_SECONDS = 60.0
STOP_SECONDS = 20.0

_VIRTUOSO_INI = """\
[Database]
DatabaseFile = {folder}/virtuoso.db
ErrorLogFile = {folder}/virtuoso.log
LockFile = {folder}/virtuoso.lck
TransactionFile = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DirsAllowed = {folder}
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty_buffers}

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {folder}
ServerThreads = 4

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = {query_seconds}
"""


@dataclass(frozen=True)
class Server:
    """A running SPARQL server.

    Attributes
    ----------
    engine : str
        ``"oxigraph"`` or ``"virtuoso"``.
    sparql : str
        The SPARQL 1.1 Protocol endpoint, unscoped (on Virtuoso its default graph is every graph).
    store : str or None
        The Graph Store Protocol endpoint (Virtuoso's needs HTTP digest auth, see ``auth``).
    graph : str or None
        The named graph the data was loaded into (None: Oxigraph's default graph).
    pid : int
        The server's process id.
    auth : tuple of str, optional
        User and password for the Graph Store Protocol endpoint, if it needs them.
    folder : Path or None
        The temporary folder holding the server's files.
    sql_port : int or None
        Virtuoso's SQL port, for ``isql-vt 127.0.0.1:PORT dba dba`` (its bulk loader).
    """

    engine: str
    sparql: str
    store: str | None
    graph: str | None
    pid: int
    auth: tuple[str, str] | None = None
    folder: Path | None = None
    sql_port: int | None = None

    @property
    def endpoint(self) -> str:
        """Return the SPARQL endpoint whose default graph is the loaded data (for ``sparql:URL``)."""
        if self.graph is None:
            return self.sparql
        return f"{self.sparql}?{urllib.parse.urlencode({'default-graph-uri': self.graph})}"


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a server by its process id: ``SIGTERM``, then ``SIGKILL`` if it outlives the time limit."""
    if process.poll() is None:
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(STOP_SECONDS)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait(STOP_SECONDS)


def _answers(url: str) -> bool:
    """Return whether a SPARQL endpoint answers ``ASK {}`` with HTTP 200."""
    ask = f"{url}?{urllib.parse.urlencode({'query': 'ASK {}'})}"
    try:
        with urllib.request.urlopen(ask, timeout=2) as response:  # noqa: S310 (loopback http)
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def _wait_ready(process: subprocess.Popen[bytes], url: str, log: Path, name: str) -> None:
    """Wait until the endpoint answers; fail the test with the log's end if the server dies or stalls."""
    deadline = time.monotonic() + START_SECONDS
    while not _answers(url):
        if process.poll() is not None or time.monotonic() > deadline:
            tail = log.read_text("utf-8", "replace").strip().splitlines()[-5:] if log.exists() else []
            pytest.fail(f"{name} did not start within {START_SECONDS:g} s: {' | '.join(tail)}")
        time.sleep(0.1)


@contextmanager
def _running(argv: list[str], folder: Path, url: str, name: str) -> Iterator[subprocess.Popen[bytes]]:
    """Start ``argv`` with its output in ``folder/server.log``, wait for ``url``, stop it at the end."""
    log = folder / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(argv, cwd=folder, stdin=subprocess.DEVNULL, stdout=out, stderr=out)
    try:
        _wait_ready(process, url, log, name)
        yield process
    finally:
        _stop(process)


@contextmanager
def oxigraph_server(
    turtle_files: Sequence[Path], graph_iri: str | None = None, query_seconds: int | None = None
) -> Iterator[Server]:
    """Run ``oxigraph serve`` on a free loopback port over the given Turtle files.

    Parameters
    ----------
    turtle_files : sequence of Path
        Loaded with ``oxigraph load`` into a fresh ``--location`` before the server starts.
    graph_iri : str, optional
        Load into this named graph instead of the default graph.
    query_seconds : int, optional
        The server's time limit per query (``--timeout-s``); none by default.

    Yields
    ------
    Server
        ``sparql`` is ``/query``, ``store`` is the Graph Store Protocol endpoint ``/store``.
    """
    with tempfile.TemporaryDirectory(prefix="bskg-oxigraph-") as name:
        folder = Path(name)
        data = folder / "data"
        if turtle_files:
            load = [oxigraph_binary(), "load", "--location", str(data), "--file", *map(str, turtle_files)]
            if graph_iri is not None:
                load += ["--graph", graph_iri]
            done = subprocess.run(load, capture_output=True, text=True, timeout=300, check=False)
            if done.returncode != 0:
                pytest.fail(f"oxigraph load failed: {done.stderr.strip().splitlines()[-1:]}")
        base = f"http://127.0.0.1:{free_port()}"
        argv = [oxigraph_binary(), "serve", "--location", str(data), "--bind", base.removeprefix("http://")]
        if query_seconds is not None:
            argv += ["--timeout-s", str(query_seconds)]
        with _running(argv, folder, f"{base}/query", "oxigraph serve") as process:
            yield Server("oxigraph", f"{base}/query", f"{base}/store", graph_iri, process.pid, folder=folder)


def virtuoso_binary() -> str:
    """Return ``virtuoso-t``, or skip the test (fail it when ``BSKG_REQUIRE_VIRTUOSO=1``)."""
    found = shutil.which("virtuoso-t")
    if found is None:
        reason = f"Virtuoso is not installed: {INSTALL_VIRTUOSO}"
        if os.environ.get("BSKG_REQUIRE_VIRTUOSO") == "1":
            pytest.fail(f"{reason} (BSKG_REQUIRE_VIRTUOSO=1)")
        pytest.skip(reason)
    return found


def graph_store_put(
    url: str, graph: str, data: bytes, auth: tuple[str, str] | None, replace: bool = True
) -> None:
    """Send Turtle to a Graph Store Protocol endpoint: ``PUT`` (replace) or ``POST`` (add to) ``?graph=``.

    Raises
    ------
    AssertionError
        When the server refuses it (with the HTTP status).
    """
    opener = urllib.request.build_opener()
    if auth is not None:
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        passwords.add_password(None, url, *auth)
        opener = urllib.request.build_opener(urllib.request.HTTPDigestAuthHandler(passwords))
    request = urllib.request.Request(  # noqa: S310 (loopback http)
        f"{url}?{urllib.parse.urlencode({'graph': graph})}",
        data=data,
        headers={"Content-Type": "text/turtle"},
        method="PUT" if replace else "POST",
    )
    try:
        with opener.open(request, timeout=300) as response:
            response.read()
    except urllib.error.HTTPError as error:
        raise AssertionError(f"{url} refused graph {graph}: HTTP {error.code}") from None


@contextmanager
def virtuoso_server(
    turtle_files: Sequence[Path],
    graph_iri: str | None = None,
    query_seconds: int = 120,
    buffers: int = 10_000,
) -> Iterator[Server]:
    """Run Virtuoso (``virtuoso-t +foreground``) on free loopback ports over the given Turtle files.

    Parameters
    ----------
    turtle_files : sequence of Path
        Sent to Virtuoso's Graph Store Protocol endpoint, the first with ``PUT``, the others with
        ``POST`` (each file keeps its own blank nodes, as when parsed one by one).
    graph_iri : str, optional
        The named graph to load into; :data:`DEFAULT_GRAPH` when None.
    query_seconds : int
        The server's time limit per query (``MaxQueryExecutionTime``; a query over it is an HTTP 500).
    buffers : int
        Pages of 8 kB in Virtuoso's buffer pool (``NumberOfBuffers``; 10,000 is 80 MB, enough for tests).

    Yields
    ------
    Server
        ``sparql`` is ``/sparql``; ``endpoint`` adds ``default-graph-uri``; ``store`` is
        ``/sparql-graph-crud-auth`` (digest auth as ``auth``).
    """
    binary = virtuoso_binary()
    graph = graph_iri or DEFAULT_GRAPH
    with tempfile.TemporaryDirectory(prefix="bskg-virtuoso-") as name:
        folder = Path(name)
        http_port, sql_port = free_port(), free_port()
        ini = _VIRTUOSO_INI.format(
            folder=folder,
            sql_port=sql_port,
            http_port=http_port,
            query_seconds=query_seconds,
            buffers=buffers,
            dirty_buffers=buffers * 3 // 5,
        )
        (folder / "virtuoso.ini").write_text(ini, "utf-8")
        base = f"http://127.0.0.1:{http_port}"
        argv = [binary, "+configfile", str(folder / "virtuoso.ini"), "+foreground"]
        with _running(argv, folder, f"{base}/sparql", "virtuoso-t") as process:
            store = f"{base}/sparql-graph-crud-auth"
            for number, path in enumerate(turtle_files):
                graph_store_put(store, graph, Path(path).read_bytes(), VIRTUOSO_USER, replace=number == 0)
            yield Server(
                "virtuoso", f"{base}/sparql", store, graph, process.pid, VIRTUOSO_USER, folder, sql_port
            )


@contextmanager
def bskg_serve(
    arguments: list[str], env: dict[str, str] | None = None
) -> Iterator[tuple[int, subprocess.Popen[str]]]:
    """Start ``python -m graph ARGUMENTS --port P`` (a ``serve`` command) on a free loopback port.

    Yields the port and the process once it says it is listening; stops it by its pid afterwards and
    fails the test if its log holds a traceback.
    """
    port = free_port()
    command = [sys.executable, "-m", "graph", *arguments, "--port", str(port)]
    full_env = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO, env=full_env
    )
    assert process.stdout is not None and process.stderr is not None
    line = process.stdout.readline()
    if "SPARQL endpoint" not in line:
        process.kill()
        pytest.fail(f"bskg serve did not start: {line} {process.stderr.read()}")
    try:
        yield port, process
    finally:
        process.terminate()
        process.wait(20)
        log = process.stderr.read()
        assert "Traceback" not in log, log


def children(pid: int) -> list[int]:
    """Return the process ids whose parent is ``pid`` (read from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found
