"""Named queries: the ``graph/queries/*.rq`` files, their comment headers, parsed once, all together.

A header has ``# title:``, ``# question:``, ``# param NAME (KIND[, required]): help`` lines and
``# columns:``. Loading checks that each query parses (or fails with its name and position), that
every parameter appears in a triple pattern (so binding before evaluation, as rdflib and Oxigraph
do, and a trailing ``VALUES`` block, as a remote endpoint gets, give the same rows) and that the
columns are the ones selected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from rdflib import Variable
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query

from graph.core.errors import QueryError
from graph.core.vocab import PREFIXES
from graph.query.guard import walk

__all__ = ["KINDS", "NamedQuery", "Param", "load_queries", "named_queries", "prepare", "triple_variables"]

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
    """A parsed ``.rq`` file and its header."""

    name: str
    title: str
    question: str
    params: tuple[Param, ...]
    columns: tuple[str, ...]
    text: str
    prepared: Query

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
    found: set[str] = set()
    for part in walk(query.algebra):
        if part.name == "BGP":
            for triple in (part["triples"] if "triples" in part else None) or ():
                found.update(str(term) for term in triple if isinstance(term, Variable))
    return found


def _parse_file(path: Path) -> NamedQuery:
    name = path.stem
    text = path.read_text(encoding="utf-8")
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
    prepared = prepare(text, name=name)
    in_patterns = triple_variables(prepared)
    for param in params:
        if param.name not in in_patterns:
            raise QueryError(f"{name}: parameter ?{param.name} appears in no triple pattern")
    columns = tuple(c.strip() for c in header["columns"].split(",") if c.strip())
    algebra = prepared.algebra
    projected = tuple(str(v) for v in (algebra["PV"] if "PV" in algebra else None) or ())
    if prepared.algebra.name == "SelectQuery" and projected != columns:
        raise QueryError(f"{name}: the header lists columns {columns}, the query selects {projected}")
    return NamedQuery(name, header["title"], header["question"], tuple(params), columns, text, prepared)


def load_queries(folder: str | Path | None = None) -> dict[str, NamedQuery]:
    """Parse every ``.rq`` file of a folder (default: the bundled ``graph/queries``), all at once.

    >>> "causes" in load_queries()
    True
    """
    root = Path(folder) if folder is not None else Path(str(resources.files("graph.query"))) / "queries"
    return _load_folder(str(root.resolve()))


@cache
def _load_folder(root: str) -> dict[str, NamedQuery]:
    files = sorted(Path(root).glob("*.rq"))
    if not files:
        raise QueryError(f"{root}: no .rq file")
    return {path.stem: _parse_file(path) for path in files}


def named_queries() -> dict[str, NamedQuery]:
    """Return the bundled named queries by name, parsed once per process."""
    return load_queries()
