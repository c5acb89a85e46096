"""Curation coverage: per source, the lines that state a relation, frame one, hedge one, or say nothing cited.

A line is *cited* when it is the stating line (``bso:line``) of some evidence; a *context* line only
frames relations (``bso:contextLine``: a list's intro, a heading, a question) and states none;
*hedged* lines are cited lines that hedge their claim. The rest is *uncited*.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import RDF
from rdflib.namespace import DCTERMS

from graph.core.model import KnowledgeGraph
from graph.core.vocab import BSO, as_int

__all__ = ["SourceCoverage", "coverage"]


@dataclass(frozen=True)
class SourceCoverage:
    """Cited and uncited lines of one source."""

    source: str
    file_name: str
    lines: int
    cited: tuple[int, ...]
    uncited: tuple[int, ...]
    context: tuple[int, ...] = ()
    hedged: tuple[int, ...] = ()

    @property
    def share(self) -> float:
        """The share of the source's lines that some evidence cites (0 to 1)."""
        return len(self.cited) / self.lines if self.lines else 0.0

    def as_dict(self, texts: dict[int, str] | None = None) -> dict[str, object]:
        """Return the JSON shape of one source in ``bskg coverage --json``."""
        uncited: list[object] = list(self.uncited)
        if texts is not None:
            uncited = [{"line": n, "text": texts.get(n, "")} for n in self.uncited]
        return {
            "source": self.source,
            "file": self.file_name,
            "lines": self.lines,
            "cited": len(self.cited),
            "share": round(self.share, 3),
            "context_only": list(self.context),
            "hedged": list(self.hedged),
            "uncited": uncited,
        }


def coverage(kg: KnowledgeGraph) -> list[SourceCoverage]:
    """Report, per source, the lines that no evidence cites.

    >>> [(c.source, c.lines) for c in coverage(kg)][:2]
    [('000', 93), ('001', 29)]
    """
    rdf = kg.rdf
    cited: dict[str, set[int]] = {}
    framing: dict[str, set[int]] = {}
    hedging: dict[str, set[int]] = {}
    for _, evidence in kg.evidence:
        for item in evidence:
            cited.setdefault(item.source, set()).add(item.line)
            framing.setdefault(item.source, set()).update(item.context)
            if item.hedged:
                hedging.setdefault(item.source, set()).add(item.line)
    report = []
    for source in rdf.subjects(RDF.type, BSO.Source):
        ident = str(rdf.value(source, DCTERMS.identifier) or source)
        count = as_int(rdf.value(source, BSO.lineCount))
        lines = cited.get(ident, set())
        context = framing.get(ident, set()) - lines
        report.append(
            SourceCoverage(
                source=ident,
                file_name=str(rdf.value(source, BSO.fileName) or ""),
                lines=count,
                cited=tuple(sorted(n for n in lines if 1 <= n <= count)),
                uncited=tuple(n for n in range(1, count + 1) if n not in lines and n not in context),
                context=tuple(sorted(n for n in context if 1 <= n <= count)),
                hedged=tuple(sorted(hedging.get(ident, set()))),
            )
        )
    return sorted(report, key=lambda c: c.source)


def source_lines(folder: Path | None, file_name: str) -> dict[int, str]:
    """Return the numbered lines of a source text, or nothing when it is not at hand."""
    if folder is None or not (folder / file_name).is_file():
        return {}
    text = (folder / file_name).read_text(encoding="utf-8")
    return dict(enumerate(text.splitlines(), start=1))
