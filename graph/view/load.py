"""The one way in: Turtle files, a folder of them, or an Oxigraph folder, to one ``KnowledgeGraph``.

Every source goes the same way: into an Oxigraph store (Turtle read by Oxigraph's parser, or a
store on disk opened read-only), then a few SELECTs on it give the label index at once and the
evidence index and the networkx view on first use (:func:`graph.view.build.build`). Loading the
bundled graph takes a few milliseconds, so there is no start-up cache to go stale.
"""

from __future__ import annotations

from pathlib import Path

from graph.core.model import KnowledgeGraph
from graph.store.data import data_dir, data_files, resolve
from graph.store.oxigraph import open_folder, read_files
from graph.view.build import build

__all__ = ["load"]


def load(
    path: str | Path | None = None, *, store: str | Path | None = None, progress: bool | None = None
) -> KnowledgeGraph:
    """Load a graph: the bundled one by default, a Turtle file or folder, or an Oxigraph folder.

    Parameters
    ----------
    path
        A ``.ttl`` file or a folder of them (``shapes.ttl`` left out; the bundled vocabulary is
        always added); ``None`` (default) loads the bundled data, or ``$BSKG_DATA`` when set.
    store
        An Oxigraph folder filled by ``bskg load --into PATH`` (or ``"oxigraph:PATH"``, as
        ``--store`` spells it): its default graph is read instead of ``path``, without copying it
        into memory.
    progress
        Show progress bars on stderr for work past a second (default: when stderr is a terminal).

    Returns
    -------
    KnowledgeGraph
        The store with its networkx view (built on first use), label index and evidence index.

    Raises
    ------
    graph.core.errors.ParseError
        A missing file, or bad Turtle (the message names file and line).
    graph.core.errors.GraphError
        A store that cannot be opened, or a graph with no entities.

    Examples
    --------
    >>> from graph import load
    >>> kg = load()
    >>> kg.label(kg.index.resolve("paracetamol"))
    'acetaminophen'
    """
    if store is not None:
        folder = str(store).removeprefix("oxigraph:")  # the --store spelling works too
        return build(open_folder(folder), f"oxigraph:{folder}", progress=progress)
    chosen = resolve(path)
    files = tuple(data_files(chosen))
    origin = "the bundled data" if chosen is None else str(chosen)
    if chosen is not None and chosen.resolve() == data_dir().resolve():
        origin = "the bundled data"
    return build(read_files(files, progress=progress), origin, files, progress=progress)
