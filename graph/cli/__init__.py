"""The ``bskg`` command line: a thin shell over the public API.

Every command takes ``--data PATH`` (a Turtle file or folder; default: the bundled graph),
question commands take ``--json``. Errors print one line to stderr. Exit codes: 0 success,
1 the graph is invalid (``validate``), 2 bad input (unknown entity, bad option, unreadable
data, invalid query), 130 interrupted.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from graph.cli.common import OneLineParser
from graph.core.errors import GraphError

__all__ = ["build_parser", "main"]

#: Modules that add subcommands; each has ``register(commands, parent)``.
COMMAND_MODULES = (
    "graph.cli.core",
    "graph.cli.curation",
    "graph.cli.questions",
    "graph.cli.html",
    "graph.cli.sparql",
    "graph.cli.hpo",
    "graph.cli.extract",
)


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with every subcommand."""
    parser = OneLineParser(
        prog="bskg",
        description="Explore the back-spasm knowledge graph: what five articles say, with sources and lines.",
    )
    parser.add_argument(
        "--data", metavar="PATH", help="a Turtle file or folder to use instead of the bundled graph"
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    parent = OneLineParser(add_help=False)
    parent.add_argument("--data", metavar="PATH", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(commands, parent)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``bskg`` with ``argv`` (default: the process arguments) and return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.run(args)
        return code
    except GraphError as error:
        print(f"bskg: error: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("bskg: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except RecursionError:  # e.g. JSON nested thousands deep
        print("bskg: error: the input is nested too deeply to read", file=sys.stderr)
        return 2
    except (OSError, UnicodeError) as error:  # a file the command did not check itself: still one line
        print(f"bskg: error: {_describe(error)}", file=sys.stderr)
        return 2


def _describe(error: OSError | UnicodeError) -> str:
    """Return an OS or decoding error as one line, naming the file when it is known.

    >>> _describe(FileNotFoundError(2, "No such file or directory", "x.ttl"))
    'x.ttl: no such file or directory'
    """
    if isinstance(error, OSError) and error.strerror:
        where = f"{error.filename}: " if error.filename is not None else ""
        return f"{where}{error.strerror.lower()}"
    if isinstance(error, UnicodeDecodeError):
        return f"not UTF-8 text: byte 0x{error.object[error.start]:02x} at offset {error.start}"
    return str(error).splitlines()[0] if str(error) else type(error).__name__


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("backspasm-kg")
    except PackageNotFoundError:
        return "unknown"


if __name__ == "__main__":
    sys.exit(main())
