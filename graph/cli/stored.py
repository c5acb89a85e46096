"""Where a question's graph comes from: the loaded graph, or the neighbourhood fetched from ``--store``.

With ``--store oxigraph:PATH`` or ``--store sparql:URL`` (or ``$BSKG_STORE``) a question command
resolves its entities with the store's label index, fetches only the neighbourhood the question
walks (:mod:`graph.query.neighbourhood`) and answers from it with the same code as on a loaded graph.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rdflib import URIRef

from graph.cli.common import graph_of
from graph.core.model import KnowledgeGraph
from graph.questions import metapaths
from graph.questions.paths import Metapath

if TYPE_CHECKING:
    from graph.query.names import Lookup
    from graph.query.stores import Store

__all__ = ["DEPTH", "add_store_option", "ends", "lookup", "question_graph", "resolve", "store_of"]

#: The stores opened by this process, by spec.
_OPENED: dict[str, Store] = {}

#: Relations the longest question walks from the asked entity: the neighbourhood fetched for it.
DEPTH = max(
    len(path.steps)
    for name in metapaths.__all__
    if name.endswith("_PATHS")
    for path in getattr(metapaths, name)
    if isinstance(path, Metapath)
)


def add_store_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--store`` to a question command."""
    parser.add_argument(
        "--store",
        default=None,
        metavar="SPEC",
        help="answer from memory (default; $BSKG_STORE), oxigraph:PATH or sparql:URL, fetching only "
        "the neighbourhood the question needs",
    )


def _spec(args: argparse.Namespace) -> str:
    given = getattr(args, "store", None)
    return str(given) if given is not None else os.environ.get("BSKG_STORE") or "memory"


def store_of(args: argparse.Namespace) -> Store | None:
    """Return the store named by ``--store``, or None for the loaded graph (``memory``); opened once."""
    from graph.query.stores import open_store

    spec = _spec(args)
    if spec == "memory":
        return None
    if spec not in _OPENED:
        _OPENED[spec] = open_store(spec)
    return _OPENED[spec]


def lookup(args: argparse.Namespace) -> Lookup:
    """Return where names are looked up: the store's label index, or the loaded graph's."""
    from graph.query.names import Lookup, lookup_of

    store = store_of(args)
    return Lookup(graph_of(args).index) if store is None else lookup_of(store)


def resolve(args: argparse.Namespace, name: str) -> URIRef:
    """Resolve a name where the graph lives, saying on stderr which other entities share the name."""
    resolution = lookup(args).resolution(name)
    note = resolution.note(name)
    if note:
        print(f"bskg: {note}", file=sys.stderr)
    return resolution.iri


def ends(args: argparse.Namespace, predicate: str, subjects: bool) -> list[str]:
    """Return the subjects (or objects) of one relation in the store: the seeds of an all-entity question."""
    store = store_of(args)
    assert store is not None
    side = "?e ?p ?o" if subjects else "?s ?p ?e"
    query = f"SELECT DISTINCT ?e WHERE {{ VALUES ?p {{ bso:{predicate} }} {side} FILTER(isIRI(?e)) }}"
    return sorted(str(row[0]) for row in store.execute(query, {}, None).rows if row[0] is not None)


def question_graph(
    args: argparse.Namespace,
    seeds: Sequence[str] = (),
    depth: int = DEPTH,
    *,
    walks: str | None = None,
) -> KnowledgeGraph:
    """Return the graph to answer from: the loaded one, or what the question needs from the store.

    ``walks`` names the question function (a key of :data:`graph.questions.metapaths.WALKS`) asked
    of one seed: only its metapaths are fetched from the store. Otherwise the neighbourhood of
    ``seeds`` within ``depth`` relations is.
    """
    from graph.query.neighbourhood import neighbourhood

    store = store_of(args)
    if store is None:
        return graph_of(args)
    if walks is not None and len(seeds) == 1:
        from graph.query.walked import walked

        steps = [[(s.predicate, s.forward, s.kinds) for s in m.steps] for m in metapaths.WALKS[walks]]
        return walked(store, str(seeds[0]), steps)
    return neighbourhood(store, seeds, depth)
