"""The one exception family the API raises and the CLI turns into a one-line message."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

__all__ = ["Ambiguous", "GraphError", "ParseError", "QueryError", "UnknownEntity", "WrongKind"]


class GraphError(Exception):
    """Base of every error the package raises on purpose.

    ``exit_code`` is the process exit status the CLI uses for it.
    """

    exit_code = 2


class ParseError(GraphError):
    """A data file could not be read or parsed; names the file and line.

    >>> str(ParseError("data/triples.ttl", 12, "expected '.'"))
    "data/triples.ttl:12: expected '.'"
    """

    def __init__(self, file: str | Path, line: int | None, reason: str) -> None:
        self.file = str(file)
        self.line = line
        self.reason = reason
        where = f"{self.file}:{line}" if line is not None else self.file
        super().__init__(f"{where}: {reason}")


class UnknownEntity(GraphError):
    """No entity answers to a name; carries the closest names as suggestions.

    >>> str(UnknownEntity("tylenl", ["Tylenol", "tinnitus"]))
    "no entity matches 'tylenl'; did you mean: Tylenol, tinnitus?"
    """

    def __init__(self, text: str, suggestions: Sequence[str] = ()) -> None:
        self.text = text
        self.suggestions = list(suggestions)
        message = f"no entity matches {text!r}"
        if self.suggestions:
            message += "; did you mean: " + ", ".join(self.suggestions) + "?"
        super().__init__(message)


class Ambiguous(UnknownEntity):
    """A name answers equally well to several entities: refused, with each of them named.

    >>> str(Ambiguous("spondylo", ["spondylolisthesis", "spondylolysis"])).split(";")[0]
    "'spondylo' names several entities equally: spondylolisthesis, spondylolysis"
    """

    def __init__(self, text: str, candidates: Sequence[str]) -> None:
        super().__init__(text, candidates)
        self.args = (
            f"{text!r} names several entities equally: {', '.join(candidates)}; "
            "give one of these names or an id",
        )


class WrongKind(GraphError):
    """An entity exists but is not of a kind the question accepts."""


class QueryError(GraphError):
    """A SPARQL query is invalid, refused, or ran out of time."""
