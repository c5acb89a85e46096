"""One time-limit mechanism: a query past its limit is killed in its worker, whoever asked for it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from graph.cli import main
from graph.core.errors import QueryError
from graph.query.workers import timeout_error

from .conftest import MINI, REPO

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
TICKS = os.sysconf("SC_CLK_TCK")


def _children_cpu() -> dict[int, float]:
    """CPU seconds of each live child of this process."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == os.getpid() and fields[0] != "Z":
            found[int(entry.name)] = (int(fields[11]) + int(fields[12])) / TICKS
    return found


def test_bskg_query_timeout_is_one_line_and_quick() -> None:
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "graph", "--data", str(MINI), "query", RUNAWAY, "--timeout", "1"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        timeout=120,
    )
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == f"bskg: error: {timeout_error(1)}\n"
    assert time.monotonic() - started < 15


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_the_stopped_query_frees_the_cpu(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--data", str(MINI), "query", RUNAWAY, "--timeout", "1"]) == 2
    assert capsys.readouterr().err == f"bskg: error: {timeout_error(1)}\n"
    before = _children_cpu()
    time.sleep(1.0)
    after = _children_cpu()
    busy = {pid: after[pid] - before[pid] for pid in after if pid in before}
    assert all(used < 0.3 for used in busy.values()), busy  # no child still computing


def test_the_endpoint_and_the_cli_give_the_same_error() -> None:
    """The pool (endpoint) and the forked worker (CLI, API, magic) raise the one time-limit error."""
    from graph.query.pool import WorkerPool
    from graph.query.workers import Recipe, Request

    pool = WorkerPool(Recipe.from_spec("memory", MINI), 1, 1.0)
    try:
        import asyncio

        async def ask() -> None:
            await pool.attach()
            await pool.run(Request(RUNAWAY))

        with pytest.raises(QueryError) as caught:
            asyncio.run(ask())
    finally:
        pool.close()
    assert str(caught.value) == str(timeout_error(1))
