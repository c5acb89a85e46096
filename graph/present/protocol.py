"""SPARQL 1.1 Protocol requests for the endpoint: read one request once, guard its query, pick a format.

A request is read once (:func:`read_query`): its query text, dataset IRIs and the refusals the
protocol calls for (no query, two queries, an update, a wrong or duplicated ``Content-Type``,
bad UTF-8, a body too big or too slow). The text that the guard checks, in a query worker
(:func:`graph.query.guard.verdict`), is the text the worker runs; :class:`Verdicts` remembers
verdicts by the exact text, so a query sent again is not parsed again. :func:`negotiate` reads
``Accept`` (quality values, wildcards).
"""

from __future__ import annotations

import asyncio
import sys
import urllib.parse
from collections import OrderedDict
from dataclasses import dataclass
from email.message import Message

from starlette.requests import ClientDisconnect, Request

from graph.query.guard import Verdict

__all__ = [
    "Parsed",
    "ProtocolError",
    "Verdicts",
    "negotiate",
    "read_body",
    "read_query",
    "service_description",
]

#: Media types offered, in order of preference (the first is the default), per result shape.
OFFERS: dict[str, tuple[tuple[str, str], ...]] = {
    "solutions": (
        ("application/sparql-results+json", "json"),
        ("application/sparql-results+xml", "xml"),
        ("text/csv", "csv"),
        ("text/tab-separated-values", "tsv"),
        ("application/json", "json"),
        ("application/xml", "xml"),
        ("text/xml", "xml"),
    ),
    "graph": (
        ("text/turtle", "turtle"),
        ("application/n-triples", "ntriples"),
        ("application/rdf+xml", "rdfxml"),
        ("application/x-turtle", "turtle"),
        ("text/plain", "ntriples"),
        ("application/xml", "rdfxml"),
    ),
}
_SHAPES = {"SELECT": "solutions", "ASK": "solutions", "CONSTRUCT": "graph", "DESCRIBE": "graph"}
_FORM = "application/x-www-form-urlencoded"


class ProtocolError(Exception):
    """A request the endpoint answers with ``status`` and a one-line ``message``."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


@dataclass(frozen=True)
class Parsed:
    """The query of a request and the dataset it names (``None``: the store's own)."""

    text: str
    default_graph: tuple[str, ...] | None
    named_graphs: tuple[str, ...] | None


def _media_type(value: str) -> tuple[str, dict[str, str]]:
    message = Message()
    message["content-type"] = value
    params = {k.lower(): v for k, v in message.get_params(failobj=[])[1:] if isinstance(v, str)}
    return message.get_content_type(), params


def _pairs(encoded: bytes | str, where: str) -> list[tuple[str, str]]:
    raw = encoded.decode("latin-1") if isinstance(encoded, bytes) else encoded
    try:
        return urllib.parse.parse_qsl(raw, keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise ProtocolError(400, f"the {where} is not UTF-8 once percent-decoded") from None
    except ValueError as error:
        raise ProtocolError(400, f"the {where} is malformed: {error}") from None


async def read_body(request: Request, limit: int, seconds: float) -> bytes:
    """Read the body of a request, at most ``limit`` bytes, within ``seconds`` (413 or 408 beyond)."""
    declared = request.headers.getlist("content-length")
    if len(declared) == 1 and declared[0].isdigit() and int(declared[0]) > limit:
        raise ProtocolError(413, f"the request body is larger than {limit} bytes")
    chunks: list[bytes] = []
    size = 0

    async def collect() -> None:
        nonlocal size
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise ProtocolError(413, f"the request body is larger than {limit} bytes")
            chunks.append(chunk)

    try:
        await asyncio.wait_for(collect(), seconds)
    except TimeoutError:
        raise ProtocolError(408, f"the request body did not arrive within {seconds:g} s") from None
    except ClientDisconnect:  # nobody to answer: one line in the log, no traceback
        sys.stderr.write("bskg serve: a client disconnected in the middle of its request body\n")
        raise ProtocolError(400, "the client disconnected before the whole body arrived") from None
    return b"".join(chunks)


async def read_query(request: Request, limit: int, seconds: float) -> Parsed:
    """Read the query and dataset of a GET or POST request, refusing what the protocol refuses."""
    kinds = request.headers.getlist("content-type")
    if len(kinds) > 1:
        raise ProtocolError(400, "the request has more than one Content-Type header")
    fields = _pairs(request.scope.get("query_string", b""), "query string")
    direct: list[str] = []
    if request.method == "POST":
        if not kinds:
            raise ProtocolError(400, "a POST needs a Content-Type: application/sparql-query or a form")
        media, params = _media_type(kinds[0])
        charset = params.get("charset", "utf-8").lower()
        if media == "application/sparql-update":
            raise ProtocolError(403, "updates are refused: this endpoint is read-only")
        if media not in ("application/sparql-query", _FORM):
            raise ProtocolError(
                415, f"unsupported Content-Type {media}: send application/sparql-query or a form"
            )
        if charset not in ("utf-8", "utf8"):
            raise ProtocolError(415, f"unsupported charset {charset}: send UTF-8")
        body = await read_body(request, limit, seconds)
        if media == _FORM:
            fields += _pairs(body, "form body")
        else:
            try:
                direct.append(body.decode("utf-8"))
            except UnicodeDecodeError:
                raise ProtocolError(400, "the query is not valid UTF-8") from None
    names = [name for name, _ in fields]
    if "update" in names or "using-graph-uri" in names or "using-named-graph-uri" in names:
        raise ProtocolError(403, "updates are refused: this endpoint is read-only")
    queries = direct + [value for name, value in fields if name == "query"]
    if not queries:
        raise ProtocolError(400, "no query: send ?query=... (GET), a form with query=, or a SPARQL body")
    if len(queries) > 1:
        raise ProtocolError(400, "more than one query in the request: send exactly one")
    default = tuple(value for name, value in fields if name == "default-graph-uri")
    named = tuple(value for name, value in fields if name == "named-graph-uri")
    dataset = bool(default or named)
    return Parsed(queries[0], default if dataset else None, named if dataset else None)


class Verdicts:
    """The guard's verdicts on query texts already seen, kept while their texts total ``budget`` bytes.

    >>> seen = Verdicts(budget=10)
    >>> seen.put("ASK {}", Verdict("solutions")); seen.get("ASK {}").shape
    'solutions'
    >>> seen.put("ASK { }", Verdict("solutions")); seen.get("ASK {}") is None
    True
    """

    def __init__(self, budget: int = 8 << 20) -> None:
        self.budget, self.size = budget, 0
        self._seen: OrderedDict[str, Verdict] = OrderedDict()

    def get(self, text: str) -> Verdict | None:
        """Return the verdict on ``text``, if it is remembered."""
        found = self._seen.get(text)
        if found is not None:
            self._seen.move_to_end(text)
        return found

    def put(self, text: str, verdict: Verdict) -> None:
        """Remember a verdict, forgetting the oldest ones past the budget (texts over it: never)."""
        if len(text) > self.budget or text in self._seen:
            return
        self._seen[text] = verdict
        self.size += len(text)
        while self.size > self.budget:
            old, _ = self._seen.popitem(last=False)
            self.size -= len(old)


def negotiate(accept: str | None, shape: str) -> tuple[str, str] | None:
    """Return the (media type, format) that best fits ``Accept`` for a result shape, or ``None``.

    >>> negotiate(None, "graph")
    ('text/turtle', 'turtle')
    >>> negotiate("text/csv;q=0.5, application/sparql-results+xml", "solutions")
    ('application/sparql-results+xml', 'xml')
    >>> negotiate("image/png", "solutions") is None
    True
    """
    offers = OFFERS[shape]
    if not accept or not accept.strip():
        return offers[0]
    ranges: list[tuple[str, float]] = []
    for part in accept.split(","):
        media, params = _media_type(part.strip() or "x/none")
        try:
            quality = float(params.get("q", "1"))
        except ValueError:
            quality = 0.0
        ranges.append((media, quality))
    best: tuple[float, int] = (0.0, 0)
    chosen = None
    for order, offer in enumerate(offers):
        kind = offer[0]
        fitting = [
            (3 if media == kind else 2 if media == kind.split("/")[0] + "/*" else 1, quality)
            for media, quality in ranges
            if media in (kind, kind.split("/")[0] + "/*", "*/*")
        ]
        if not fitting:
            continue
        quality = max(fitting)[1]
        if quality > best[0] or (quality == best[0] and chosen is None):
            best, chosen = (quality, -order), offer
    return chosen if chosen is not None and best[0] > 0 else None


_SD = "http://www.w3.org/ns/sparql-service-description#"
_RESULT_FORMATS = ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV")
_RDF_FORMATS = ("Turtle", "N-Triples", "RDF_XML")


def service_description(endpoint: str, result_format: str) -> bytes:
    """Serialize the SPARQL 1.1 Service Description of the endpoint (for a GET without a query).

    >>> b"SPARQL11Query" in service_description("http://127.0.0.1:7878/query", "ntriples")
    True
    """
    import pyoxigraph as ox

    service = ox.NamedNode(endpoint)
    sd = {
        name: ox.NamedNode(_SD + name)
        for name in ("Service", "endpoint", "supportedLanguage", "resultFormat")
    }
    triples = [
        ox.Triple(service, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), sd["Service"]),
        ox.Triple(service, sd["endpoint"], service),
        ox.Triple(service, sd["supportedLanguage"], ox.NamedNode(_SD + "SPARQL11Query")),
    ]
    for name in _RESULT_FORMATS + _RDF_FORMATS:
        triples.append(
            ox.Triple(service, sd["resultFormat"], ox.NamedNode("http://www.w3.org/ns/formats/" + name))
        )
    form = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES}.get(
        result_format, ox.RdfFormat.RDF_XML
    )
    data = ox.serialize(
        triples, format=form, prefixes={"sd": _SD} if form != ox.RdfFormat.N_TRIPLES else None
    )
    return data or b""
