"""Helpers shared by the CLI command modules: loading once, JSON and table output."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from graph.core.evidence import Evidence
from graph.core.model import KnowledgeGraph

__all__ = [
    "Handler",
    "add_json_flag",
    "add_quotes_flag",
    "emit_json",
    "graph_of",
    "print_quotes",
    "print_table",
]

Handler = Callable[[argparse.Namespace], int]

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
