"""Named queries: the ``graph/queries/*.rq`` files, their comment headers, parsed once, all together.

A header has ``# title:``, ``# question:``, ``# param NAME (KIND[, required]): help`` lines and
``# columns:``. Lists of vocabulary terms are never written by hand: ``{{name}}`` expands, when the
file is read, to the terms of :data:`PLACEHOLDERS`, generated from :mod:`graph.core.vocab`
(``VALUES ?p { {{positive_relations}} }``).

:func:`check` verifies that a query parses (or fails with its name and position), that every
parameter is selected and appears in a triple pattern (so binding before evaluation, as Oxigraph
does, and a ``VALUES`` block, as a remote endpoint gets, give the same rows) and that the columns
are the ones selected. The shipped queries are checked by the test suite and trusted at run time
(no parse on the way to the engine); a folder of a user's own queries is checked when it is read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from graph.core.errors import QueryError
from graph.core.vocab import (
    CLASS_NAMES,
    EDGE_RELATIONS,
    GUIDANCE,
    LABEL_PREDICATES,
    NEGATIVE_RELATIONS,
    POSITIVE_RELATIONS,
    PREFIXES,
)
from graph.query.guard import walk

if TYPE_CHECKING:
    from rdflib.plugins.sparql.sparql import Query

__all__ = [
    "KINDS",
    "PLACEHOLDERS",
    "NamedQuery",
    "Param",
    "check",
    "expand",
    "load_queries",
    "named_queries",
    "prepare",
    "triple_variables",
]

#: What ``{{name}}`` in a ``.rq`` file stands for: vocabulary terms, space-separated (for ``VALUES``),
#: comma-separated for ``IN (...)`` where the name ends in ``_list``, or a property path of
#: alternatives (``bso:a|bso:b``) where it ends in ``_path``.
PLACEHOLDERS: dict[str, str] = {
    "edge_relations": " ".join(f"bso:{name}" for name in EDGE_RELATIONS),
    "positive_relations": " ".join(f"bso:{name}" for name in POSITIVE_RELATIONS),
    "positive_relations_path": "|".join(f"bso:{name}" for name in POSITIVE_RELATIONS),
    "negative_relations": " ".join(f"bso:{name}" for name in sorted(NEGATIVE_RELATIONS)),
    "negative_relations_list": ", ".join(f"bso:{name}" for name in sorted(NEGATIVE_RELATIONS)),
    "guidance": " ".join(f"bso:{name}" for name in GUIDANCE),
    "classes": " ".join(f"bso:{name}" for name in CLASS_NAMES),
    "label_predicates": " ".join(f"<{predicate}>" for predicate in LABEL_PREDICATES),
}
_PLACEHOLDER = re.compile(r"\{\{\s*(\w+)\s*\}\}")

KINDS = ("entity", "relation", "text", "integer")
_HEADER = re.compile(r"#\s*(title|question|columns|param)\b\s*:?\s*(.*)")
_PARAM = re.compile(r"([A-Za-z_]\w*)\s*\((\w+)(,\s*required)?\)\s*:\s*(.*)")


@dataclass(frozen=True)
class Param:
    """One parameter of a named query: the variable it binds, its kind and what it means."""

    name: str
    kind: str
    help: str
    required: bool = False


@dataclass(frozen=True, eq=False)
class NamedQuery:
    """A ``.rq`` file (placeholders expanded) and its header."""

    name: str
    title: str
    question: str
    params: tuple[Param, ...]
    columns: tuple[str, ...]
    text: str

    @cached_property
    def prepared(self) -> Query:
        """The query parsed by rdflib (for :func:`check`; running it needs no parse)."""
        return prepare(self.text, name=self.name)

    def as_dict(self) -> dict[str, object]:
        """Return ``{"name", "title", "question", "params", "columns"}`` (``--list --format json``)."""
        return {
            "name": self.name,
            "title": self.title,
            "question": self.question,
            "params": [
                {"name": p.name, "kind": p.kind, "required": p.required, "help": p.help} for p in self.params
            ],
            "columns": list(self.columns),
        }


def prepare(text: str, name: str = "query") -> Query:
    """Parse SPARQL text with the project's prefixes, or raise :class:`QueryError` with the position.

    >>> prepare("SELECT ?x WHERE { ?x a bso:Cause }").algebra.name
    'SelectQuery'
    >>> prepare("SELECT ?x WHERE { ?x a }", name="mine")
    Traceback (most recent call last):
    ...
    graph.core.errors.QueryError: mine: invalid SPARQL at line 1, column 19: ...
    """
    # rdflib's SPARQL parser is imported only for user text and checks (start-up time)
    from rdflib.plugins.sparql import prepareQuery

    try:
        return prepareQuery(text, initNs=dict(PREFIXES))
    except Exception as error:
        if _is_update(text):
            raise QueryError(f"{name}: updates are refused: the graph is read-only") from None
        line, column = getattr(error, "lineno", None), getattr(error, "col", None)
        if line is not None and column is not None:
            reason = getattr(error, "msg", str(error))
            raise QueryError(f"{name}: invalid SPARQL at line {line}, column {column}: {reason}") from None
        raise QueryError(f"{name}: invalid SPARQL: {error}") from None


def _is_update(text: str) -> bool:
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        parseUpdate(text)
    except Exception:
        return False
    return True


def triple_variables(query: Query) -> set[str]:
    """Return the variables that appear in a triple pattern of a parsed query."""
    from rdflib import Variable

    found: set[str] = set()
    for part in walk(query.algebra):
        if part.name == "BGP":
            for triple in (part["triples"] if "triples" in part else None) or ():
                found.update(str(term) for term in triple if isinstance(term, Variable))
    return found


def expand(text: str, name: str = "query") -> str:
    """Return query text with every ``{{placeholder}}`` replaced by its vocabulary terms.

    >>> expand("VALUES ?p { {{negative_relations}} }")
    'VALUES ?p { bso:doesNotTreat bso:notRecommendedFor bso:notSignOf }'
    """

    def term_list(match: re.Match[str]) -> str:
        key = match.group(1)
        if key not in PLACEHOLDERS:
            raise QueryError(f"{name}: unknown placeholder {{{{{key}}}}} (known: {', '.join(PLACEHOLDERS)})")
        return PLACEHOLDERS[key]

    return _PLACEHOLDER.sub(term_list, text)


def _parse_file(path: Path) -> NamedQuery:
    name = path.stem
    text = expand(path.read_text(encoding="utf-8"), name)
    header: dict[str, str] = {}
    params: list[Param] = []
    for line in text.splitlines():
        match = _HEADER.match(line.strip())
        if match is None:
            continue
        key, value = match.groups()
        if key != "param":
            header.setdefault(key, value.strip())
            continue
        found = _PARAM.match(value)
        if found is None or found.group(2) not in KINDS:
            raise QueryError(
                f"{name}: bad header line {line!r}: "
                f"use '# param NAME (KIND[, required]): help', KIND in {KINDS}"
            )
        params.append(Param(found.group(1), found.group(2), found.group(4), bool(found.group(3))))
    for key in ("title", "question", "columns"):
        if key not in header:
            raise QueryError(f"{name}: the comment header has no '# {key}:' line")
    columns = tuple(c.strip() for c in header["columns"].split(",") if c.strip())
    return NamedQuery(name, header["title"], header["question"], tuple(params), columns, text)


def check(query: NamedQuery) -> None:
    """Raise :class:`QueryError` unless a query parses, binds what it declares and selects its columns."""
    prepared = query.prepared
    algebra = prepared.algebra
    projected = tuple(str(v) for v in (algebra["PV"] if "PV" in algebra else None) or ())
    in_patterns = triple_variables(prepared)
    for param in query.params:
        if param.name not in in_patterns:
            raise QueryError(f"{query.name}: parameter ?{param.name} appears in no triple pattern")
        if algebra.name == "SelectQuery" and param.name not in projected:
            raise QueryError(f"{query.name}: parameter ?{param.name} is not selected (it cannot be bound)")
    if algebra.name == "SelectQuery" and projected != query.columns:
        raise QueryError(
            f"{query.name}: the header lists columns {query.columns}, the query selects {projected}"
        )


def load_queries(folder: str | Path | None = None) -> dict[str, NamedQuery]:
    """Read every ``.rq`` file of a folder (default: the shipped ``graph/query/queries``), all at once.

    A user's folder is checked as it is read (:func:`check`); the shipped queries are checked by the
    test suite.

    >>> "causes" in load_queries()
    True
    """
    root = Path(folder) if folder is not None else Path(str(resources.files("graph.query"))) / "queries"
    return _load_folder(str(root.resolve()), folder is not None)


@cache
def _load_folder(root: str, checked: bool) -> dict[str, NamedQuery]:
    files = sorted(Path(root).glob("*.rq"))
    if not files:
        raise QueryError(f"{root}: no .rq file")
    queries = {path.stem: _parse_file(path) for path in files}
    for query in queries.values() if checked else ():
        check(query)
    return queries


def named_queries() -> dict[str, NamedQuery]:
    """Return the bundled named queries by name, parsed once per process."""
    return load_queries()
