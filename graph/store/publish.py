"""Putting the graph where a team keeps it: an Oxigraph folder, or a Graph Store Protocol endpoint.

Either way only the graph named is replaced: a folder's default graph (its named graphs are kept),
or, on an endpoint, the default graph (``PUT ?default``) or the named graph given with ``graph``.

Virtuoso has no default graph of its own (a query's default graph is the union of all graphs), so
it takes the graph with ``graph`` at ``http://HOST:8890/sparql-graph-crud-auth``, with HTTP digest
credentials. The digest challenge is fetched first with a bodiless ``HEAD``, so that the graph
itself is sent once, already authorised: Virtuoso resets the connection when a large body arrives
before its challenge.
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

__all__ = ["load_into", "put_graph"]

#: Seconds an endpoint may take to take the graph.
_PUT_TIMEOUT = 600.0


def load_into(
    target: str,
    data: str | Path | None = None,
    *,
    graph: str | None = None,
    auth: tuple[str, str] | None = None,
    force: bool = False,
    progress: bool | None = None,
) -> int:
    """Fill a store with the graph of ``data`` (default: the bundled one); return the triple count.

    Parameters
    ----------
    target
        A folder (an Oxigraph store, created if needed; its default graph is replaced, and a store
        holding more than the new data is only replaced with ``force``) or an http(s) Graph Store
        Protocol URL such as ``http://127.0.0.1:7878/store`` (``PUT ?default``) or Virtuoso's
        ``http://127.0.0.1:8890/sparql-graph-crud-auth`` (with ``graph`` and ``auth``).
    data
        The folder or file of Turtle to load (default: the bundled graph).
    graph
        On an endpoint, the named graph to replace (``PUT ?graph=IRI``); nothing else is touched.
    auth
        ``(user, password)`` for an endpoint that asks for HTTP digest or basic authentication.
    force
        Replace a folder's default graph even when it holds more triples than the new data.
    progress
        Show progress bars (default: on a terminal only).

    Raises
    ------
    graph.core.errors.GraphError
        A folder given ``graph``, an endpoint that refuses the graph or cannot be reached.
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
    put_graph(target, bytes(payload or b""), graph=graph, auth=auth)
    return len(store)


def _challenge(opener: urllib.request.OpenerDirector, url: str) -> dict[str, str] | None:
    """Return the digest challenge a bodiless ``HEAD`` to ``url`` gets (None when none is asked)."""
    try:
        with opener.open(urllib.request.Request(url, method="HEAD"), timeout=60) as response:  # noqa: S310
            response.read()
    except urllib.error.HTTPError as error:
        header = error.headers.get("WWW-Authenticate", "") if error.code == 401 else ""
        if header.lower().startswith("digest "):
            pairs = urllib.request.parse_http_list(header[len("digest ") :])
            return urllib.request.parse_keqv_list(pairs)
    return None


def put_graph(
    target: str, payload: bytes, *, graph: str | None = None, auth: tuple[str, str] | None = None
) -> None:
    """Replace one graph of a Graph Store Protocol endpoint with N-Triples (``PUT``).

    Parameters
    ----------
    target
        The Graph Store Protocol URL.
    payload
        The graph as N-Triples.
    graph
        The named graph to replace; None replaces the endpoint's default graph.
    auth
        ``(user, password)``: digest (challenge fetched first, see the module doc) or basic.
    """
    separator = "&" if "?" in target else "?"
    which = "default" if graph is None else "graph=" + urllib.parse.quote(graph, safe="")
    url = f"{target}{separator}{which}"
    request = urllib.request.Request(  # noqa: S310 (http(s) only)
        url, data=payload, headers={"Content-Type": "application/n-triples"}, method="PUT"
    )
    opener = urllib.request.build_opener()
    if auth is not None:
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        passwords.add_password(None, target, *auth)
        digest = urllib.request.HTTPDigestAuthHandler(passwords)
        opener = urllib.request.build_opener(digest, urllib.request.HTTPBasicAuthHandler(passwords))
        try:
            challenge = _challenge(urllib.request.build_opener(), url)
        except (urllib.error.URLError, OSError) as error:
            raise GraphError(f"cannot reach {target}: {getattr(error, 'reason', error)}") from None
        if challenge is not None:
            answer = digest.get_authorization(request, challenge)
            if answer is not None:
                request.add_unredirected_header("Authorization", f"Digest {answer}")
    try:
        with opener.open(request, timeout=_PUT_TIMEOUT) as response:
            response.read()
    except urllib.error.HTTPError as error:
        hint = " (check the user and $BSKG_STORE_PASSWORD)" if error.code in (401, 403) else ""
        raise GraphError(f"{target} refused the graph: HTTP {error.code} {error.reason}{hint}") from None
    except (urllib.error.URLError, OSError) as error:
        raise GraphError(f"cannot reach {target}: {getattr(error, 'reason', error)}") from None
