"""Helpers shared by the CLI command modules: loading once, JSON and table output."""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from graph.core.errors import GraphError
from graph.core.evidence import Evidence
from graph.core.files import read_text
from graph.core.model import KnowledgeGraph

__all__ = [
    "Handler",
    "OneLineParser",
    "count",
    "port",
    "seconds",
    "add_json_flag",
    "add_quotes_flag",
    "emit_json",
    "graph_of",
    "print_quotes",
    "print_table",
]

Handler = Callable[[argparse.Namespace], int]


class OneLineParser(argparse.ArgumentParser):
    """An argument parser whose errors are one line on stderr (exit 2), as every other ``bskg`` error."""

    def error(self, message: str) -> NoReturn:
        """Print ``PROG: error: MESSAGE (PROG --help)`` and exit with status 2."""
        self.exit(2, f"{self.prog}: error: {message.splitlines()[0]} (see {self.prog} --help)\n")


def seconds(text: str) -> float:
    """Read a time limit: a finite number of seconds above 0 (argparse type).

    >>> seconds("2.5")
    2.5
    >>> seconds("inf")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: 'inf' is not a number of seconds above 0 (like 30 or 2.5)
    """
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0 or value > 1e9:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds above 0 (like 30 or 2.5)")
    return value


def port(text: str) -> int:
    """Read a TCP port: a whole number from 0 (any free port) to 65535 (argparse type).

    >>> port("70000")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: '70000' is not a port: give a whole number from 0 to 65535
    """
    if not text.strip().isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port: give a whole number from 0 to 65535")
    return int(text)


def count(text: str) -> int:
    """Read a whole number of 1 or more (argparse type).

    >>> count("-1")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: '-1' is not a whole number of 1 or more
    """
    if not text.strip().isdigit() or int(text) < 1 or len(text.strip()) > 18:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of 1 or more")
    return int(text)


_LOADED: dict[str | None, KnowledgeGraph] = {}


def graph_of(args: argparse.Namespace) -> KnowledgeGraph:
    """Load the graph named by ``--data`` (the bundled one by default), once per process."""
    from graph.view.load import load

    path = getattr(args, "data", None)
    if path not in _LOADED:
        _LOADED[path] = load(path)
    return _LOADED[path]


def emit_json(data: Any) -> None:
    """Print data as indented JSON with keys in a stable order."""
    json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


def print_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """Print rows as an aligned plain-text table."""
    cells = [[str(c) for c in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    for number, row in enumerate(cells):
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
        if number == 0:
            print("  ".join("-" * width for width in widths))


def add_json_flag(parser: argparse.ArgumentParser) -> None:
    """Add the ``--json`` flag every question command takes."""
    parser.add_argument("--json", action="store_true", help="print stable machine-readable JSON")


def add_quotes_flag(parser: argparse.ArgumentParser) -> None:
    """Add ``--quotes`` (print the text of each cited line) and ``--sources DIR`` (where the texts are)."""
    parser.add_argument(
        "--quotes", action="store_true", help="print the text of each cited line (needs the source texts)"
    )
    if not any("--sources" in action.option_strings for action in parser._actions):
        parser.add_argument(
            "--sources",
            metavar="DIR",
            help="folder of the source texts (default: $BSKG_SOURCES or ../shared/seeds)",
        )


def print_quotes(kg: KnowledgeGraph, args: argparse.Namespace, evidence: Iterable[Evidence]) -> None:
    """With ``--quotes``, print the text of each cited line after the answer (one-line error without them)."""
    if not getattr(args, "quotes", False):
        return
    from graph.present.quotes import open_quotes

    lines = open_quotes(kg, getattr(args, "sources", None)).lines(evidence)
    if lines:
        print("\nquoted lines (source:line, then the text the graph cites):")
        for line in lines:
            print(f"  {line}")


def read_json_object(path: str | Path, expected: str) -> dict[str, Any]:
    """Read a JSON object from ``path``; bad JSON or another value is one line naming ``expected``."""
    try:
        data = json.loads(read_text(path))
    except json.JSONDecodeError as error:
        raise GraphError(f"{path}:{error.lineno}: invalid JSON: {error.msg}") from None
    if not isinstance(data, dict):
        raise GraphError(f"{path}: expected a JSON object with {expected}")
    return data
