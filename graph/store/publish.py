"""Putting the graph where a team keeps it: an Oxigraph folder, or a Graph Store Protocol endpoint.

Either way only the graph named is replaced: a folder's default graph (its named graphs are kept),
or, on an endpoint, the default graph (``PUT ?default``) or the named graph given with ``graph``.
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox

from graph.core.errors import GraphError
from graph.store.data import data_files, resolve
from graph.store.oxigraph import fill, read_files

__all__ = ["load_into"]

#: Seconds an endpoint may take to take the graph.
_PUT_TIMEOUT = 600.0


def load_into(
    target: str,
    data: str | Path | None = None,
    *,
    graph: str | None = None,
    force: bool = False,
    progress: bool | None = None,
) -> int:
    """Fill a store with the graph of ``data`` (default: the bundled one); return the triple count.

    ``target`` is a folder (an Oxigraph store, created if needed; its default graph is replaced,
    and a store holding more than the new data is only replaced with ``force``) or an http(s)
    Graph Store Protocol URL such as ``http://127.0.0.1:7878/store`` (``PUT ?default``, or
    ``PUT ?graph=IRI`` with ``graph``).
    """
    files = data_files(resolve(data))
    if urllib.parse.urlsplit(target).scheme not in ("http", "https"):
        if graph is not None:
            raise GraphError("--graph names a graph of an endpoint; a folder store takes the default graph")
        return fill(Path(target), files, force=force, progress=progress)
    store = read_files(files, progress=progress)
    payload = ox.serialize(
        store.quads_for_pattern(None, None, None, ox.DefaultGraph()), format=ox.RdfFormat.N_TRIPLES
    )
    separator = "&" if "?" in target else "?"
    which = "default" if graph is None else "graph=" + urllib.parse.quote(graph, safe="")
    request = urllib.request.Request(  # noqa: S310 (http(s) only)
        f"{target}{separator}{which}",
        data=payload,
        headers={"Content-Type": "application/n-triples"},
        method="PUT",
    )
    try:
        with urllib.request.urlopen(request, timeout=_PUT_TIMEOUT) as response:  # noqa: S310
            response.read()
    except urllib.error.HTTPError as error:
        raise GraphError(f"{target} refused the graph: HTTP {error.code} {error.reason}") from None
    except (urllib.error.URLError, OSError) as error:
        raise GraphError(f"cannot reach {target}: {getattr(error, 'reason', error)}") from None
    return len(store)
