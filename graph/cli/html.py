"""CLI command ``bskg html``: write the interactive graph page."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from graph.cli.common import add_json_flag, add_quotes_flag, emit_json
from graph.cli.stored import add_store_option, question_graph, resolve, store_of
from graph.core.errors import GraphError
from graph.core.model import KnowledgeGraph
from graph.present.draw import DEFAULT_TITLE, display_graph, render_html
from graph.present.quotes import open_quotes

__all__ = ["DEFAULT_OUTPUT", "register"]

#: Where ``bskg html`` writes unless told otherwise (relative to the current folder).
DEFAULT_OUTPUT = "out/graph.html"


def register(commands: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    """Add ``bskg html`` to the ``bskg`` parser."""
    page = commands.add_parser(
        "html",
        parents=[parent],
        help="write the graph as one self-contained interactive HTML page",
        description="Write the graph, or one entity's neighbourhood, as one HTML file that works offline.",
    )
    page.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        default=DEFAULT_OUTPUT,
        help=f"the page to write, '-' for standard output (default: {DEFAULT_OUTPUT})",
    )
    page.add_argument(
        "--focus", metavar="NAME", help="draw only this entity's neighbourhood (any of its names)"
    )
    page.add_argument(
        "--depth", type=int, default=1, metavar="N", help="hops around --focus, either direction (default 1)"
    )
    page.add_argument(
        "--types",
        nargs="+",
        metavar="CLASS",
        help="draw only entities of these classes, e.g. Medication DrugClass",
    )
    page.add_argument(
        "--min-support",
        type=int,
        default=1,
        metavar="K",
        help="draw only relations stated by at least K sources (default 1)",
    )
    page.add_argument(
        "--max-nodes",
        type=int,
        default=400,
        metavar="N",
        help="refuse to draw more nodes than this (default 400)",
    )
    page.add_argument("--title", default=DEFAULT_TITLE, help="the page heading")
    add_json_flag(page)
    add_quotes_flag(page)
    add_store_option(page)
    page.set_defaults(run=_html)


def _page_graph(args: argparse.Namespace, options: dict[str, Any]) -> KnowledgeGraph:
    """Return the graph to draw from: the loaded one, or what the page draws, fetched from the store.

    From a store: the focus's neighbourhood within ``--depth`` first, which decides the page's
    entities (a page over ``--max-nodes`` is refused from it, before anything more is fetched),
    then every relation of those entities, for their connection counts and details.
    """
    if store_of(args) is None:
        return question_graph(args)
    near = question_graph(args, [str(args.focus)], args.depth)
    view = display_graph(near, **options)
    if view.number_of_nodes() > args.max_nodes:
        return near  # render_html refuses it, naming the count
    return question_graph(args, sorted(str(node) for node in view), 1)


def _html(args: argparse.Namespace) -> int:
    if store_of(args) is not None:
        if not args.focus:
            raise GraphError("html --store draws one neighbourhood: give --focus NAME")
        args.focus = resolve(args, args.focus)
    options = {"focus": args.focus, "depth": args.depth, "types": args.types, "min_support": args.min_support}
    kg = _page_graph(args, options)
    to_stdout = args.output == "-"
    quotes = open_quotes(kg, args.sources) if args.quotes else None
    text = render_html(
        kg,
        None if to_stdout else args.output,
        max_nodes=args.max_nodes,
        title=args.title,
        quotes=quotes,
        **options,
    )
    if to_stdout:
        sys.stdout.write(text)
        return 0
    view = display_graph(kg, **options)
    summary = {"path": args.output, "nodes": view.number_of_nodes(), "edges": view.number_of_edges()}
    if args.json:
        emit_json(summary)
    else:
        print(f"wrote {args.output}: {summary['nodes']} nodes, {summary['edges']} relations")
    return 0
