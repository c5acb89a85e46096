"""The ``%%sparql`` notebook magic: ``%load_ext graph.present.magic``; a cell of SPARQL shows a DataFrame.

``%%sparql [--out NAME] [--param NAME=VALUE ...] [--graph VAR] [--store SPEC] [--timeout S]``
runs the cell against the loaded graph: the variable named by ``--graph`` (default ``kg`` if the
notebook has one, else the bundled graph). ``--out NAME`` keeps the DataFrame in the notebook;
``--param`` binds values (never formatted into the text). ``%sparql`` alone lists the named queries;
``%sparql NAME --param ...`` runs one. IPython is imported here only, when the magic is used.
"""

from __future__ import annotations

import argparse
import shlex
from typing import TYPE_CHECKING, Any

from graph.core.errors import GraphError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["load_ipython_extension", "sparql_magic"]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # argparse would exit the kernel
        raise GraphError(f"%%sparql: {message}")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="%%sparql", add_help=False)
    parser.add_argument("name", nargs="?", help="a named query (line magic)")
    parser.add_argument("--out", "-o", metavar="NAME", help="keep the DataFrame in this variable")
    parser.add_argument("--param", "-p", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--graph", "-g", metavar="VAR", help="the notebook variable holding the graph")
    parser.add_argument("--store", metavar="SPEC", help="memory, oxigraph:PATH or sparql:URL")
    parser.add_argument("--timeout", type=float, metavar="SECONDS")
    return parser


def _graph(namespace: dict[str, Any], variable: str | None) -> Any:
    from graph.core.model import KnowledgeGraph

    if variable is not None:
        if not isinstance(namespace.get(variable), KnowledgeGraph):
            raise GraphError(f"%%sparql: {variable!r} is not a loaded graph (kg = graph.load())")
        return namespace[variable]
    if isinstance(namespace.get("kg"), KnowledgeGraph):
        return namespace["kg"]
    from graph.view.load import load

    namespace["kg"] = load()
    return namespace["kg"]


def sparql_magic(line: str, cell: str | None, namespace: dict[str, Any]) -> pd.DataFrame | None:
    """Run the magic: ``line`` holds the options, ``cell`` the query (``None`` for ``%sparql``).

    >>> notebook = {"kg": kg}
    >>> query = "SELECT ?treatment WHERE { ?treatment bso:targets ?cause }"
    >>> frame = sparql_magic("--out found --param cause=dehydration", query, notebook)
    >>> notebook["found"]["treatment_label"].tolist()
    ['staying hydrated']
    """
    from graph.query.run import named_queries, parse_params, sparql
    from graph.query.stores import open_store

    args = _parser().parse_args(shlex.split(line))
    if cell is None and args.name is None:
        import pandas as pd

        rows = [
            {"name": n, "parameters": ", ".join(p.name for p in q.params), "question": q.question}
            for n, q in named_queries().items()
        ]
        return pd.DataFrame(rows)
    source = cell if cell is not None and cell.strip() else args.name
    if not source:
        raise GraphError("%%sparql: the cell holds no query")
    kg = _graph(namespace, args.graph)
    store = open_store(args.store, kg=kg) if args.store else None
    frame = sparql(kg, source, store=store, timeout=args.timeout, **parse_params(args.param))
    if args.out:
        if not args.out.isidentifier():
            raise GraphError(f"%%sparql: --out {args.out!r} is not a variable name")
        namespace[args.out] = frame
    return frame


def load_ipython_extension(ipython: Any) -> None:
    """Register ``%sparql`` / ``%%sparql`` (called by ``%load_ext graph.present.magic``)."""
    from IPython.core.error import UsageError

    def sparql(line: str, cell: str | None = None) -> pd.DataFrame | None:
        try:
            return sparql_magic(line, cell, ipython.user_ns)
        except GraphError as error:
            raise UsageError(str(error)) from None

    sparql.__doc__ = __doc__
    ipython.register_magic_function(sparql, magic_kind="line_cell", magic_name="sparql")
