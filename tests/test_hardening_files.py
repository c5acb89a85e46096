"""Writes that a killed process or a hard link could once spoil."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from graph.core.errors import GraphError
from graph.core.files import atomic_write

REPO = Path(__file__).resolve().parent.parent
WRITER = """
import sys
from graph.core.files import atomic_write
payload = b"x" * (64 << 20)
print("ready", flush=True)
while True:
    atomic_write(sys.argv[1], payload)
"""


def _temps(folder: Path) -> list[str]:
    return sorted(name for name in os.listdir(folder) if name.endswith(".tmp"))


def test_a_write_killed_mid_way_leaves_nothing_after_the_next_write(tmp_path: Path) -> None:
    """``kill -9`` during 64 MB writes; a hidden full copy may stay, and the next write removes it."""
    target = tmp_path / "triples.ttl"
    target.write_text("old\n")
    (tmp_path / ".triples.ttl.abcd1234.tmp").write_bytes(b"y" * 1000)  # as an earlier kill left it
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(target)], stdout=subprocess.PIPE, env=env, text=True
    )
    assert writer.stdout is not None and writer.stdout.readline() == "ready\n"
    time.sleep(0.4)
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait(10)
    atomic_write(target, "new\n")
    assert target.read_text() == "new\n"
    assert _temps(tmp_path) == []
    (tmp_path / "other.ttl.abcd1234.tmp").write_text("not ours")  # another file's name: kept
    atomic_write(target, "newer\n")
    assert _temps(tmp_path) == ["other.ttl.abcd1234.tmp"]


def test_hard_linked_files_are_refused_not_split(tmp_path: Path) -> None:
    """Two names of one file: a rewrite through either is refused in one line, both unchanged."""
    first = tmp_path / "a.ttl"
    first.write_text("shared\n")
    second = tmp_path / "b.ttl"
    os.link(first, second)
    for name in (first, second):
        with pytest.raises(GraphError, match="has 2 hard links") as caught:
            atomic_write(name, "mine\n")
        assert "\n" not in str(caught.value)
    assert first.read_text() == second.read_text() == "shared\n"
    assert os.stat(first).st_ino == os.stat(second).st_ino
