"""Progress bars: shown on a terminal for work past a second, never in a pipe or a test."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from graph.store.progress import progress_bar, step


def test_a_long_step_shows_its_name_on_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    with step("checking the shapes", show=True):
        time.sleep(1.3)
    assert "checking the shapes" in capsys.readouterr().err


def test_a_short_step_shows_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    with step("quick", show=True):
        pass
    assert capsys.readouterr().err == ""


def test_a_bar_counts_what_it_is_given(capsys: pytest.CaptureFixture[str]) -> None:
    items = list(progress_bar(iterable=range(3), desc="counting", show=False))
    assert items == [0, 1, 2]


def test_nothing_is_printed_into_a_pipe() -> None:
    for command in (["stats"], ["validate"], ["export", "--format", "nt"]):
        done = subprocess.run(
            [sys.executable, "-m", "graph", *command],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0 and done.stderr == "", (command, done.stderr)
