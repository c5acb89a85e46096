"""Quotes on screen: the text of each cited line beside ``source:line``, when the source texts are at hand.

The texts are found as ``bskg validate`` finds them (``--sources DIR``, ``$BSKG_SOURCES``, then
``../shared/seeds``) and are read, never copied: a page or output built with them is the user's own.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import RDF
from rdflib.namespace import DCTERMS

from graph.core.errors import GraphError
from graph.core.evidence import Evidence
from graph.core.model import KnowledgeGraph
from graph.core.vocab import BSO
from graph.quality.coverage import source_lines
from graph.quality.validate import find_sources
from graph.questions.sources import sources

__all__ = ["Quotes", "open_quotes"]


@dataclass
class Quotes:
    """The lines of the source texts of a graph, by source id."""

    folder: Path
    files: dict[str, str]
    names: dict[str, str] = field(default_factory=dict)
    _lines: dict[str, dict[int, str]] = field(default_factory=dict, repr=False)

    def text(self, source: str, line: int) -> str | None:
        """Return the text of one line of a source (stripped), or ``None`` when it is not there."""
        if source not in self._lines:
            name = self.files.get(source)
            try:
                self._lines[source] = source_lines(self.folder, name) if name else {}
            except (OSError, UnicodeDecodeError):
                self._lines[source] = {}
        found = self._lines[source].get(line)
        return found.strip() if found is not None else None

    def lines(self, evidence: Iterable[Evidence]) -> list[str]:
        """Return ``source:line  text`` for each distinct stating line (and its context lines), in order.

        Each source's lines come after a line that names it (``000 = title (address):``) when the
        graph records its title or address.
        """
        seen: dict[tuple[str, int], str] = {}
        for item in evidence:
            for line, role in [(item.line, "hedged" if item.hedged else "")] + [
                (n, "context") for n in item.context
            ]:
                key = (item.source, line)
                if key not in seen:
                    mark = f" ({role})" if role else ""
                    seen[key] = (
                        f"{item.source}:{line}{mark}  {self.text(item.source, line) or '(line not found)'}"
                    )
        found: list[str] = []
        previous = None
        for source, line in sorted(seen):
            if source != previous and source in self.names:
                found.append(f"{self.names[source]}:")
            previous = source
            found.append(seen[source, line])
        return found


def open_quotes(kg: KnowledgeGraph, folder: str | Path | None = None) -> Quotes:
    """Return the quotes of a graph's sources, or a one-line error saying how to point at the texts.

    >>> open_quotes(kg, "/nonexistent")
    Traceback (most recent call last):
    ...
    graph.core.errors.GraphError: --quotes needs the source texts: /nonexistent is not a folder (...
    """
    found = find_sources(folder)
    if found is None or not found.is_dir():
        where = f"{found} is not a folder" if found is not None else "none found"
        raise GraphError(
            f"--quotes needs the source texts: {where} (point at them with --sources DIR or $BSKG_SOURCES)"
        )
    rdf = kg.rdf
    files = {
        str(rdf.value(source, DCTERMS.identifier)): str(rdf.value(source, BSO.fileName))
        for source in rdf.subjects(RDF.type, BSO.Source)
    }
    return Quotes(found, files, {ident: source.describe() for ident, source in sources(kg).items()})
