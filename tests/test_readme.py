"""Every ``console`` example of the README and of ``docs/*.md`` runs as pasted, with its exit code and lines.

Each ``$ command`` line of a fenced ``console`` block (in README.md and in every page of ``docs/``)
is run by ``bash`` in an empty working folder that has the repository's ``tests/``, ``docs/`` and
``data/`` beside it (so relative paths in the examples work) and the source texts at
``../shared/seeds`` when they are at hand. The lines the page shows after a command must all appear
in what it prints (tables compared with their column widths and rules ignored; ``…`` marks lines
left out). The exit code is 2 when the page shows ``bskg: error:``, 1 for ``INVALID`` or
``no path between``, 0 otherwise.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from .conftest import REPO

README = REPO / "README.md"
#: The pages whose examples run: the README first, then the reference in docs/.
PAGES = (README, *sorted((REPO / "docs").glob("*.md")))

#: Commands that start a server or a notebook (tested by their own suites, not here).
_LONG_RUNNING = re.compile(r"(^|\s)(make lab|bskg serve|curl|oxigraph serve)\b|&\s*$|http://127\.0\.0\.1")
#: Commands whose output depends on the five source texts.
_NEEDS_SOURCES = re.compile(r"\.\./shared/seeds|coverage --text|--quotes")


@dataclass(frozen=True)
class Example:
    """One ``$ command`` of a page and the lines shown after it."""

    page: str
    line: int
    command: str
    shown: tuple[str, ...]

    @property
    def exit_code(self) -> int:
        if any(line.startswith("bskg: error:") for line in self.shown):
            return 2
        if any(line.startswith(("INVALID", "no path between")) for line in self.shown):
            return 1
        return 0


def examples(page: Path) -> list[Example]:
    """Return every command of a page's ``console`` blocks, in order."""
    found: list[Example] = []
    inside = False
    command: tuple[int, str] | None = None
    shown: list[str] = []

    def close() -> None:
        if command is not None:
            found.append(Example(page.name, command[0], command[1], tuple(shown)))

    for number, text in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
        if text.startswith("```"):
            if inside:
                close()
                command, shown = None, []
            inside = text.strip() == "```console"
            continue
        if not inside:
            continue
        if text.startswith("$ "):
            close()
            command, shown = (number, text[2:]), []
        elif command is not None:
            shown.append(text)
    return found


def _tokens(line: str) -> list[str]:
    """Split a line into words, dropping table rules and alignment (widths differ, words don't)."""
    return [token for token in line.split() if token.strip("-") or len(token) < 3]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("readme")
    work = root / "work"
    work.mkdir()
    for name in ("tests", "docs", "data"):
        (work / name).symlink_to(REPO / name)
    return work


EXAMPLES = [example for page in PAGES for example in examples(page)]
#: Examples that show a known bug, each failing the run the day it is fixed (strict).
KNOWN_BUGS: dict[str, str] = {}


def test_the_readme_has_examples_to_run() -> None:
    assert len(EXAMPLES) > 30
    assert all(example.command for example in EXAMPLES)
    assert len(examples(README)) >= 5, "the README's tour shows real commands"


def test_the_readme_is_a_newcomers_page() -> None:
    """The README stays short: the reference lives in docs/, each page linked from it."""
    text = README.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 260
    for page in PAGES[1:]:
        assert f"docs/{page.name}" in text, f"the README does not link docs/{page.name}"


def _marks(example: Example) -> list[pytest.MarkDecorator]:
    return [
        pytest.mark.xfail(reason=why, strict=True)
        for key, why in KNOWN_BUGS.items()
        if key in example.command
    ]


@pytest.mark.parametrize(
    "example", [pytest.param(e, id=f"{e.page}:L{e.line}", marks=_marks(e)) for e in EXAMPLES]
)
def test_example_runs_as_pasted(example: Example, workdir: Path, request: pytest.FixtureRequest) -> None:
    if _LONG_RUNNING.search(example.command):
        pytest.skip("starts a server or a notebook: tests/test_serve.py and tests/test_lab.py run those")
    if _NEEDS_SOURCES.search(example.command):
        sources: Path = request.getfixturevalue("source_texts")
        seeds = workdir.parent / "shared" / "seeds"
        if not seeds.exists():
            seeds.parent.mkdir(exist_ok=True)
            seeds.symlink_to(sources)
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.pop("BSKG_SOURCES", None)
    env.pop("BSKG_DATA", None)
    env["COLUMNS"] = "200"
    bash = shutil.which("bash") or "/bin/bash"
    done = subprocess.run(
        [bash, "-c", example.command],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    printed = done.stdout + done.stderr
    assert "Traceback" not in printed, printed
    where = f"{example.page} line {example.line}: {example.command}"
    assert done.returncode == example.exit_code, f"{where}\n{printed}"
    lines = [_tokens(line) for line in printed.splitlines()]
    for expected in example.shown:
        words = _tokens(expected)
        if not words or expected.strip() == "…":
            continue
        assert words in lines, f"{where}\nmissing: {expected}\n{printed}"
