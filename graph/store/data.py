"""Where the graph's Turtle lives: the bundled data folder, a file or a folder of them.

:func:`turtle_graph` gives one file as an rdflib ``Graph`` (read by Oxigraph, like every Turtle
file), for the curation tools that rewrite files in the canonical layout (rdflib's serializer is
the right tool there) and for the SHACL shapes.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from rdflib import Graph

from graph.core.errors import ParseError

__all__ = ["data_dir", "data_files", "resolve", "turtle_graph"]

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


def turtle_graph(path: Path) -> Graph:
    """Return one Turtle file as an rdflib ``Graph``, read by Oxigraph (the one Turtle reader).

    The graph keeps the file's own prefixes, for rdflib's writers (the canonical layout) and
    pySHACL; a broken file is the same one-line :class:`ParseError` as everywhere else.

    >>> len(turtle_graph(data_dir() / "shapes.ttl")) > 0
    True
    """
    from oxrdflib import OxigraphStore
    from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

    from graph.store.oxigraph import read_turtle

    prefixes: dict[str, str] = {}
    store = read_turtle(path, prefixes=prefixes)
    graph = Graph(store=OxigraphStore(store=store), identifier=DATASET_DEFAULT_GRAPH_ID)
    for prefix, namespace in prefixes.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph
