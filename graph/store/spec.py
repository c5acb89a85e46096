"""The ``--store`` spelling, read once: ``memory``, ``oxigraph:PATH`` or ``sparql:URL``.

Every reader of a store spec (``bskg query``, ``bskg serve``, the questions, the ``%%sparql``
magic) parses it with :meth:`StoreSpec.parse`, so a bad spec is the same one-line error everywhere.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass
from typing import Literal

from graph.core.errors import GraphError

__all__ = ["StoreSpec"]

_USE = "use memory, oxigraph:PATH or sparql:URL"


@dataclass(frozen=True)
class StoreSpec:
    """A parsed ``--store``: ``kind`` is ``memory``, ``oxigraph`` (``where`` a folder) or ``sparql`` (a URL).

    >>> StoreSpec.parse("oxigraph:/tmp/kg")
    StoreSpec(kind='oxigraph', where='/tmp/kg')
    >>> str(StoreSpec.parse("sparql:http://127.0.0.1:7878/query"))
    'sparql:http://127.0.0.1:7878/query'
    >>> StoreSpec.parse("sparql:http://[::1")
    Traceback (most recent call last):
    ...
    graph.core.errors.GraphError: store 'sparql:http://[::1': not a URL (Invalid IPv6 URL)
    """

    kind: Literal["memory", "oxigraph", "sparql"]
    where: str = ""

    def __str__(self) -> str:
        return self.kind if self.kind == "memory" else f"{self.kind}:{self.where}"

    @classmethod
    def parse(cls, text: str) -> StoreSpec:
        """Read a spec, or raise :class:`~graph.core.errors.GraphError` in one line."""
        spec = text.strip()
        if not spec:
            raise GraphError(f"empty store: {_USE}")
        if spec == "memory":
            return cls("memory")
        kind, colon, where = spec.partition(":")
        if not colon or kind not in ("oxigraph", "sparql"):
            raise GraphError(f"unknown store {text!r}: {_USE}")
        if not where.strip():
            name = "a folder (oxigraph:PATH)" if kind == "oxigraph" else "an endpoint URL (sparql:URL)"
            raise GraphError(f"store {text!r} names no place: give {name}")
        if kind == "oxigraph":
            return cls("oxigraph", where)
        return cls("sparql", _url(text, where))


def _url(text: str, where: str) -> str:
    """Return ``where`` when it is an http(s) URL with a host (and a valid port, if any)."""
    try:
        parts = urllib.parse.urlsplit(where)
        parts.port  # noqa: B018 - raises ValueError on a port out of range or not a number
    except ValueError as error:
        raise GraphError(f"store {text!r}: not a URL ({error})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise GraphError(f"store {text!r}: the endpoint must be an http(s) URL with a host")
    return where
