"""Writes never lose a fact, and bad paths or encodings are one line (issue #13, findings 7-10).

Real processes, real files: concurrent ``bskg add`` subprocesses on one file, a write that runs out
of room under a file-size limit, modes, owners, symlinks and FIFOs, unwritable places.
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import stat
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import Literal

from graph.cli import main
from graph.core.errors import GraphError
from graph.core.files import atomic_write, lock_file, locked
from graph.core.vocab import BS, BSO
from graph.store.data import turtle_graph

from .conftest import DATA, MINI, MINI_SEEDS, REPO

ROOT = os.geteuid() == 0


def _bskg(*argv: str, preexec: Callable[[], None] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m graph`` in a subprocess, as a user would run ``bskg``."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "BSKG_SOURCES": str(MINI_SEEDS)}
    return subprocess.run(
        [sys.executable, "-m", "graph", *argv],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        preexec_fn=preexec,
        check=False,
    )


def _one_line_error(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("bskg: error: "), done.stderr
    return lines[0]


@pytest.fixture
def graph_copy(tmp_path: Path) -> Path:
    """A writable copy of the mini fixture graph; returns its triples.ttl."""
    shutil.copytree(MINI, tmp_path / "g")
    return tmp_path / "g" / "triples.ttl"


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


# Finding 7: two concurrent adds both said "added" and one fact was lost.
def test_eight_concurrent_adds_keep_all_eight_facts(graph_copy: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO), "BSKG_SOURCES": str(MINI_SEEDS)}
    notes = [f"concurrent note {n}" for n in range(8)]
    started = [
        subprocess.Popen(
            [sys.executable, "-m", "graph", "--data", str(graph_copy.parent), "add", "muscle relaxant"]
            + ["caution", note, "--source", "000", "--line", "5", "--file", str(graph_copy)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for note in notes
    ]
    outputs = [process.communicate(timeout=120) for process in started]
    assert [p.returncode for p in started] == [0] * 8, [err for _, err in outputs]
    graph = turtle_graph(graph_copy)  # still valid Turtle
    kept = {str(o) for o in graph.objects(BS["muscle_relaxant"], BSO["caution"])}
    assert set(notes) <= kept
    evidence = [s for s in graph.subjects(BSO["line"], Literal(5)) if "muscle_relaxant-caution" in str(s)]
    assert len(evidence) >= 8
    assert main(["fmt", "--check", str(graph_copy)]) == 0
    assert _leftovers(graph_copy.parent) == []  # no lock file, no temporary file left behind


def test_the_lock_is_exclusive_and_a_second_writer_gives_up_in_one_line(tmp_path: Path) -> None:
    target = tmp_path / "t.ttl"
    target.write_text("old")
    failures: list[str] = []

    def second_writer() -> None:
        try:
            with locked(target, timeout=0.3):
                target.write_text("second")
        except GraphError as error:
            failures.append(str(error))

    with locked(target) as real:
        assert real == target.resolve() and lock_file(target).exists()
        atomic_write(target, "first")  # the holder itself writes without waiting
        other = threading.Thread(target=second_writer)
        other.start()
        other.join(timeout=10)
    assert failures == [f"cannot write {target}: another process is writing it (waited 0.3 s)"]
    assert target.read_text() == "first"
    assert not lock_file(target).exists()


# Finding 8: add and fmt turned a 0600 file into 0644; fmt replaced a symlink with a file.
def test_add_and_fmt_keep_a_private_file_private(graph_copy: Path) -> None:
    graph_copy.chmod(0o600)
    done = _bskg(
        "--data", str(graph_copy.parent), "add", "muscle relaxant", "caution", "a private note",
        "--source", "000", "--line", "5", "--file", str(graph_copy),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(graph_copy.stat().st_mode) == 0o600
    graph_copy.write_text(graph_copy.read_text() + "\n\n")  # not canonical any more
    assert main(["fmt", str(graph_copy)]) == 0
    assert stat.S_IMODE(graph_copy.stat().st_mode) == 0o600
    assert main(["fmt", "--check", str(graph_copy)]) == 0


def test_fmt_through_a_symlink_rewrites_the_target_and_keeps_the_link(tmp_path: Path) -> None:
    real = tmp_path / "data" / "real.ttl"
    real.parent.mkdir()
    shutil.copy(DATA / "valid.ttl", real)
    real.chmod(0o640)
    link = tmp_path / "link.ttl"
    link.symlink_to(real)
    chain = tmp_path / "chain.ttl"
    chain.symlink_to(link)
    assert main(["fmt", "--check", str(chain)]) == 1
    assert main(["fmt", str(chain)]) == 0
    assert chain.is_symlink() and link.is_symlink() and os.readlink(link) == str(real)
    assert main(["fmt", "--check", str(real)]) == 0
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    assert _leftovers(tmp_path) == [] and _leftovers(real.parent) == []


def test_a_dangling_symlink_gets_its_target_created(tmp_path: Path) -> None:
    link = tmp_path / "out.html"
    link.symlink_to(tmp_path / "pages" / "graph.html")
    atomic_write(link, "<p>page</p>")
    assert link.is_symlink() and (tmp_path / "pages" / "graph.html").read_text() == "<p>page</p>"


@pytest.mark.skipif(not ROOT, reason="only root can give a file to another owner to begin with")
def test_the_owner_and_group_are_kept(tmp_path: Path) -> None:
    target = tmp_path / "shared.ttl"
    target.write_text("old")
    os.chown(target, 65534, 65534)
    target.chmod(0o640)
    atomic_write(target, "new")
    info = target.stat()
    assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (65534, 65534, 0o640)
    assert target.read_text() == "new"


def test_a_new_file_gets_the_umask_mode(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        atomic_write(tmp_path / "new.ttl", "x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.ttl").stat().st_mode) == 0o640


def test_a_pipe_is_written_into_not_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    atomic_write(fifo, "through the pipe")
    reader.join(timeout=10)
    assert received == [b"through the pipe"]
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def _file_size_limit(limit: int) -> Callable[[], None]:
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a too-large write fails with EFBIG instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def test_a_write_that_runs_out_of_room_leaves_the_old_file_whole(tmp_path: Path) -> None:
    page = tmp_path / "graph.html"
    page.write_text("the old page\n" * 10)
    before = page.read_bytes()
    done = _bskg("--data", str(MINI), "html", "-o", str(page), preexec=_file_size_limit(4096))
    line = _one_line_error(done)
    assert line == f"bskg: error: cannot write {page}: file too large"
    assert page.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.html"]


# Finding 10 (and the rest of its kind): every bad path or encoding is one line, exit 2.
def _bad_inputs(tmp: Path) -> dict[str, tuple[list[str], str]]:
    binary = tmp / "binary.ttl"
    binary.write_bytes(bytes(range(256)) * 4)
    latin = tmp / "latin1.ttl"
    latin.write_bytes((MINI / "triples.ttl").read_text().replace("back spasm", "caf\u00e9").encode("latin-1"))
    folder = tmp / "folder.ttl"
    folder.mkdir()
    records = tmp / "r.json"
    records.write_text('{"entities": []}')
    add = ["--data", str(MINI), "add", "rest", "treats", "back spasm", "--source", "001", "--line", "13"]
    return {
        "html into /proc/version": (
            ["--data", str(MINI), "html", "-o", "/proc/version"],
            "cannot write /proc/version: cannot create files in /proc: no such file or directory",
        ),
        "html into a folder that cannot be made": (
            ["--data", str(MINI), "html", "-o", "/proc/missing/graph.html"],
            "cannot create the folder /proc/missing",
        ),
        "html into a read-only folder": (
            ["--data", str(MINI), "html", "-o", "/sys/graph.html"],
            "cannot write /sys/graph.html: cannot create files in /sys:",
        ),
        "html below a file": (
            ["--data", str(MINI), "html", "-o", f"{binary}/graph.html"],
            f"{binary} is a file, not a folder",
        ),
        "html onto a folder": (
            ["--data", str(MINI), "html", "-o", str(folder)],
            f"cannot write {folder}: it is a folder, not a file",
        ),
        "export onto a folder": (
            ["--data", str(MINI), "export", "--format", "turtle", "-o", str(folder)],
            "it is a folder, not a file",
        ),
        "fmt a binary file": (["fmt", str(binary)], f"{binary}:1: binary data (a NUL byte), not a text file"),
        "fmt a Latin-1 file": (["fmt", str(latin)], f"{latin}:10: not UTF-8 text: byte 0xe9 at column 20"),
        "fmt --check a Latin-1 file": (["fmt", "--check", str(latin)], "not UTF-8 text"),
        "fmt a folder": (["fmt", str(folder)], f"{folder}: is a folder, not a file"),
        "fmt a device": (["fmt", "/dev/null"], "/dev/null: not a regular file"),
        "add to a Latin-1 file": ([*add, "--file", str(latin)], f"{latin}:10: not UTF-8 text"),
        "add to a folder": ([*add, "--file", str(folder)], f"{folder}: is a folder, not a file"),
        "import-records from a binary file": (
            ["import-records", str(binary), "-o", str(tmp / "out.ttl")],
            "binary data",
        ),
        "import-records onto a folder": (
            ["import-records", str(records), "-o", str(folder), "--force"],
            "it is a folder, not a file",
        ),
    }


BAD_CASES = (
    "html into /proc/version",
    "html into a folder that cannot be made",
    "html into a read-only folder",
    "html below a file",
    "html onto a folder",
    "export onto a folder",
    "fmt a binary file",
    "fmt a Latin-1 file",
    "fmt --check a Latin-1 file",
    "fmt a folder",
    "fmt a device",
    "add to a Latin-1 file",
    "add to a folder",
    "import-records from a binary file",
    "import-records onto a folder",
)


@pytest.mark.parametrize("case", BAD_CASES)
def test_bad_paths_and_encodings_are_one_line(case: str, tmp_path: Path) -> None:
    inputs = _bad_inputs(tmp_path)
    assert sorted(inputs) == sorted(BAD_CASES)
    argv, expected = inputs[case]
    contents = {p: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    line = _one_line_error(_bskg(*argv))
    assert expected in line
    assert {p: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()} == contents  # nothing touched
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["binary.ttl", "latin1.ttl", "folder.ttl", "r.json"]
    )


@pytest.mark.skipif(ROOT, reason="root writes into a folder whatever its mode")
def test_a_read_only_folder_is_one_line(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        line = _one_line_error(_bskg("--data", str(MINI), "html", "-o", str(folder / "graph.html")))
    finally:
        folder.chmod(0o700)
    assert f"cannot create files in {folder}: permission denied" in line


# Finding 9's remaining command: an empty file is an error for export too.
def test_export_of_an_empty_graph_is_an_error(tmp_path: Path) -> None:
    empty = tmp_path / "empty.ttl"
    empty.write_text("")
    line = _one_line_error(
        _bskg("--data", str(empty), "export", "--format", "turtle", "-o", str(tmp_path / "x"))
    )
    assert "no entities in" in line
    assert not (tmp_path / "x").exists()
