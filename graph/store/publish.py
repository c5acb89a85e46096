"""Putting the graph where a team keeps it: an Oxigraph folder, or a Graph Store Protocol endpoint.

Either way only the graph named is replaced: a folder's default graph (its named graphs are kept),
or, on an endpoint, the default graph (``PUT ?default``) or the named graph given with ``graph``.

Virtuoso has no default graph of its own (a query's default graph is the union of all graphs), so
it takes the graph with ``graph`` at ``http://HOST:8890/sparql-graph-crud-auth``, with HTTP digest
credentials. The digest challenge is fetched first with a bodiless ``HEAD``, so that the graph
itself is sent once, already authorised: Virtuoso resets the connection when a large body arrives
before its challenge.

On an endpoint the triples go out in the order the files state them, not in the store's index
order, and at most :data:`CHUNK` to a request: the first request replaces the graph (``PUT``), the
others add to it (``POST``); triples with blank nodes all go in the first, since a blank node's
label means one node within one request only. Virtuoso's multi-threaded loader deadlocked on a
1M-triple graph sorted by subject (``SR172: Transaction deadlocked``, nine times in nine) and
hung on two of eight single ``PUT`` s of it in file order; sent 100,000 triples at a time it took
the graph eight times in eight. A request it deadlocked on is sent again (replacing or adding the
same triples twice is harmless). Virtuoso does not undo the part of a failed request it had
written, so a refusal says that the graph may now hold part of the data.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from pathlib import Path

import pyoxigraph as ox

from graph.core.errors import GraphError
from graph.store.data import data_files, resolve
from graph.store.labels import refresh, remember_endpoint
from graph.store.oxigraph import fill, read_files
from graph.store.progress import progress_bar
from graph.store.spec import StoreSpec

__all__ = ["load_into", "put_graph"]

#: Seconds an endpoint may take to take the graph.
_PUT_TIMEOUT = 600.0
#: How many times a request the server deadlocked on is sent (Virtuoso: SQL state 40001).
_PUT_TRIES = 3
#: Triples per request to an endpoint (see the module doc).
CHUNK = 100_000


def load_into(
    target: str,
    data: str | Path | None = None,
    *,
    graph: str | None = None,
    auth: tuple[str, str] | None = None,
    force: bool = False,
    progress: bool | None = None,
    insecure_basic: bool = False,
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
        ``(user, password)`` for an endpoint that asks for HTTP digest authentication, or basic
        over HTTPS.
    force
        Replace a folder's default graph even when it holds more triples than the new data.
    progress
        Show progress bars (default: on a terminal only).
    insecure_basic
        Answer a plain-HTTP server's Basic challenge too (the password then travels in clear).

    Raises
    ------
    graph.core.errors.GraphError
        A folder given ``graph``, an endpoint that refuses the graph or cannot be reached.
    """
    if not target.strip():
        raise GraphError("--into needs a folder or an http(s) Graph Store URL, not an empty string")
    if target.startswith(("oxigraph:", "sparql:")):  # a --store spec: the folder it names, or refused
        spec = StoreSpec.parse(target)
        if spec.kind != "oxigraph":
            raise GraphError(
                f"--into {target}: give the server's Graph Store URL (e.g. http://HOST:7878/store), "
                "not the query URL of --store"
            )
        target = spec.where
    if "://" in target and urllib.parse.urlsplit(target).scheme not in ("http", "https"):
        scheme = target.split("://", 1)[0]
        raise GraphError(f"--into {target}: {scheme}:// is not supported: give a folder or an http(s) URL")
    files = data_files(resolve(data))
    if urllib.parse.urlsplit(target).scheme not in ("http", "https"):
        if graph is not None:
            raise GraphError("--graph names a graph of an endpoint; a folder store takes the default graph")
        count = fill(Path(target), files, force=force, progress=progress)
        refresh(Path(target), progress=progress)  # the names, for lookups without reading them all
        return count
    sent = read_files(files, progress=progress)  # every file checked before anything is sent
    count = len(sent)
    requests = in_requests(in_file_order(files))
    sending = progress_bar(total=len(requests), unit=" requests", desc=f"sending to {target}", show=progress)
    with sending as bar:
        for number, payload in enumerate(requests):
            put_graph(
                target,
                payload,
                graph=graph,
                auth=auth,
                method="POST" if number else "PUT",
                insecure_basic=insecure_basic,
            )
            bar.update(1)
    remember_endpoint(target, sent, progress=progress)  # its names, for lookups of misspelt names
    return count


def in_requests(ntriples: bytes, size: int | None = None) -> list[bytes]:
    r"""Split N-Triples into requests of at most ``size`` triples, every blank-node triple in the first.

    >>> in_requests(b"<a:s> <a:p> <a:o> .\n<a:t> <a:p> _:b .\n<a:u> <a:p> <a:o> .\n", size=1)
    [b'<a:t> <a:p> _:b .\n', b'<a:s> <a:p> <a:o> .\n', b'<a:u> <a:p> <a:o> .\n']
    """
    size = size or CHUNK
    lines = ntriples.splitlines(keepends=True)
    blank = [line for line in lines if _has_blank(line)]
    named = [line for line in lines if not _has_blank(line)] if blank else lines
    requests = [b"".join(named[start : start + size]) for start in range(0, len(named), size)]
    return [b"".join(blank), *requests] if blank else requests or [b""]


def _has_blank(line: bytes) -> bool:
    """Return whether an N-Triples line has a blank node as its subject or object."""
    subject, _, rest = line.partition(b" ")
    _, _, value = rest.partition(b"> ")  # the predicate is always an IRI
    return subject.startswith(b"_:") or value.startswith(b"_:")


def in_file_order(files: Sequence[Path]) -> bytes:
    r"""Return the triples of Turtle ``files`` as N-Triples, in the order the files state them.

    >>> from graph.store.data import data_files
    >>> in_file_order(data_files()).count(b"\n") >= 5000
    True
    """
    parts = [
        ox.serialize(
            ox.parse(path=str(file), format=ox.RdfFormat.TURTLE, base_iri=file.resolve().as_uri()),
            format=ox.RdfFormat.N_TRIPLES,
        )
        for file in files
    ]
    return b"".join(bytes(part or b"") for part in parts)


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
    target: str,
    payload: bytes,
    *,
    graph: str | None = None,
    auth: tuple[str, str] | None = None,
    method: str = "PUT",
    insecure_basic: bool = False,
) -> None:
    """Replace (``PUT``) or add to (``POST``) one graph of a Graph Store Protocol endpoint.

    A request the server deadlocked on (Virtuoso's SQL state 40001) is sent again, up to
    three times; a refusal says the graph may now hold part of the data after a ``POST`` (the
    earlier requests were taken) or a server error (Virtuoso keeps what it had written).

    Parameters
    ----------
    target
        The Graph Store Protocol URL.
    payload
        The graph, or this request's part of it, as N-Triples.
    graph
        The named graph to replace; None replaces the endpoint's default graph.
    auth
        ``(user, password)``: digest (challenge fetched first, see the module doc), or basic over
        HTTPS only (over plain HTTP it would send the password in clear) unless ``insecure_basic``.
    method
        ``PUT`` replaces the graph, ``POST`` adds to it.
    insecure_basic
        Allow basic authentication over plain HTTP.
    """
    separator = "&" if "?" in target else "?"
    which = "default" if graph is None else "graph=" + urllib.parse.quote(graph, safe="")
    url = f"{target}{separator}{which}"
    request = urllib.request.Request(  # noqa: S310 (http(s) only)
        url, data=payload, headers={"Content-Type": "application/n-triples"}, method=method
    )
    opener = urllib.request.build_opener()
    basic = False
    if auth is not None:
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        passwords.add_password(None, target, *auth)
        digest = urllib.request.HTTPDigestAuthHandler(passwords)
        basic = urllib.parse.urlsplit(target).scheme == "https" or insecure_basic
        handlers = [digest, urllib.request.HTTPBasicAuthHandler(passwords)] if basic else [digest]
        opener = urllib.request.build_opener(*handlers)
        try:
            challenge = _challenge(urllib.request.build_opener(), url)
        except (urllib.error.URLError, OSError) as error:
            raise GraphError(f"cannot reach {target}: {getattr(error, 'reason', error)}") from None
        if challenge is not None:
            answer = digest.get_authorization(request, challenge)
            if answer is not None:
                request.add_unredirected_header("Authorization", f"Digest {answer}")
    partial = " (the graph may now hold part of the data: load it again)"
    for attempt in range(1, _PUT_TRIES + 1):
        try:
            with opener.open(request, timeout=_PUT_TIMEOUT) as response:
                response.read()
            return
        except urllib.error.HTTPError as error:
            asked = error.headers.get("WWW-Authenticate", "") if error.code == 401 else ""
            if auth is not None and asked.lower().startswith("basic") and not basic:
                raise GraphError(
                    f"{target} asks for Basic authentication, which would send the password in clear "
                    "over plain HTTP: use https:// or digest, or allow it with --insecure-basic"
                ) from None
            if error.code in (401, 403):
                raise GraphError(
                    f"{target} refused the graph: HTTP {error.code} {error.reason} "
                    "(check the user and $BSKG_STORE_PASSWORD)"
                ) from None
            said = _said(error.read())
            if "40001" in said and attempt < _PUT_TRIES:
                continue  # Virtuoso deadlocked on its own loader threads; the same triples again are harmless
            part = partial if error.code >= 500 or method == "POST" else ""
            detail = f": {said}" if said else ""
            refused = f"{target} refused the graph: HTTP {error.code} {error.reason}"
            raise GraphError(f"{refused}{detail}{part}") from None
        except (urllib.error.URLError, OSError) as error:
            part = partial if method == "POST" else ""
            raise GraphError(f"cannot reach {target}: {getattr(error, 'reason', error)}{part}") from None


def _said(body: bytes) -> str:
    """Return the text of an error page on one line (tags dropped), cut at 200 characters.

    >>> _said(b"<html><h1>500</h1><h3>Error 40001</h3><xmp>SR172: Transaction deadlocked</xmp></html>")
    '500 Error 40001 SR172: Transaction deadlocked'
    """
    text = re.sub(r"<title>.*?</title>|<[^>]*>", " ", body.decode("utf-8", "replace"), flags=re.S | re.I)
    return " ".join(text.split())[:200]
