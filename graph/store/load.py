"""Loading the graph: the bundled data, or any Turtle file or folder of them."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from rdflib import Graph
from rdflib.plugins.parsers.notation3 import BadSyntax

from graph.core.errors import ParseError
from graph.core.lookup import LabelIndex
from graph.core.model import KnowledgeGraph
from graph.core.vocab import PREFIXES

__all__ = ["data_dir", "data_files", "load", "read_turtle"]

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


def load(path: str | Path | None = None) -> KnowledgeGraph:
    """Load a graph: the bundled one by default, or a Turtle file or folder.

    Parameters
    ----------
    path
        A ``.ttl`` file or a folder of them; ``None`` (default) loads the bundled
        data. The environment variable ``BSKG_DATA`` sets another default.

    Returns
    -------
    KnowledgeGraph
        The rdflib graph with its label index; the networkx view is built on first use.

    Raises
    ------
    graph.core.errors.ParseError
        When a file is missing or is not valid Turtle (the message names file and line).

    Examples
    --------
    >>> from graph import load
    >>> kg = load()
    >>> kg.label(kg.index.resolve("paracetamol"))
    'acetaminophen'
    """
    if path is None and os.environ.get("BSKG_DATA"):
        path = os.environ["BSKG_DATA"]
    files = data_files(path)
    # --- start-up cache hook (graph/cache.py): a parsed copy keyed by the files' bytes ---
    from graph.store.cache import cached

    return cached(files, lambda: _parse(files))


def _parse(files: list[Path]) -> KnowledgeGraph:
    """Parse the files into a new graph with its label index."""
    rdf = Graph(bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        rdf.bind(prefix, namespace)
    for file in files:
        read_turtle(file, into=rdf)
    return KnowledgeGraph(rdf=rdf, index=LabelIndex.build(rdf), files=tuple(files))
