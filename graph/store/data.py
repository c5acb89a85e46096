"""Where the graph's Turtle lives: the bundled data folder, a file or a folder of them.

:func:`read_turtle` parses one file into an rdflib ``Graph``, for the curation tools that rewrite
files in the canonical layout (rdflib's serializer is the right tool there); the graph itself is
loaded into Oxigraph by :mod:`graph.store.oxigraph`.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from rdflib import Graph
from rdflib.plugins.parsers.notation3 import BadSyntax

from graph.core.errors import ParseError

__all__ = ["data_dir", "data_files", "read_turtle", "resolve"]

#: Files of a data folder that are not part of the graph itself.
_NOT_GRAPH = frozenset({"shapes.ttl"})


def data_dir() -> Path:
    """Return the folder of the bundled data: ``graph/_data`` in a wheel, ``data/`` in a checkout.

    >>> (data_dir() / "triples.ttl").is_file()
    True
    """
    packaged = Path(str(resources.files("graph"))) / "_data"
    if (packaged / "ontology.ttl").is_file():
        return packaged
    return Path(__file__).resolve().parents[2] / "data"


def resolve(path: str | Path | None = None) -> Path | None:
    """Return the data path asked for: ``path``, else ``$BSKG_DATA``, else ``None`` (the bundled data)."""
    if path is None and os.environ.get("BSKG_DATA"):
        return Path(os.environ["BSKG_DATA"])
    return None if path is None else Path(path)


def data_files(path: str | Path | None = None) -> list[Path]:
    """Return the Turtle files that make up a graph, the vocabulary first.

    ``path`` may be a Turtle file or a folder of them (``shapes.ttl`` is left out);
    ``None`` means the bundled data. The bundled vocabulary is always included.
    """
    vocabulary = data_dir() / "ontology.ttl"
    root = data_dir() if path is None else Path(path)
    if not root.exists():
        raise ParseError(root, None, "no such file or folder")
    if root.is_dir():
        found = sorted(p for p in root.glob("*.ttl") if p.name not in _NOT_GRAPH)
        if not found:
            raise ParseError(root, None, "folder holds no .ttl file")
    else:
        found = [root]
    ordered = [vocabulary] + [p for p in found if p.resolve() != vocabulary.resolve()]
    return ordered


def read_turtle(path: Path, into: Graph | None = None) -> Graph:
    """Parse one Turtle file, turning any parser failure into a :class:`ParseError` with its line."""
    graph = into if into is not None else Graph()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ParseError(path, None, f"cannot read: {error}") from error
    try:
        graph.parse(data=text, format="turtle", publicID=path.resolve().as_uri())
    except BadSyntax as error:
        reason = str(error._why) if hasattr(error, "_why") else "bad syntax"
        raise ParseError(path, error.lines + 1, f"bad Turtle syntax: {reason}") from error
    except Exception as error:  # rdflib raises several unrelated types for bad terms
        raise ParseError(path, None, f"bad Turtle: {error}") from error
    return graph
