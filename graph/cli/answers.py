"""How the question commands print their answers: a table, what its numbers count, its sources.

Each answer's best path is printed as one chain (:func:`chain`); under the table come what
``support`` and ``cited by`` count, one line per source cited (``000 = title (address)``) and the
disagreements that dispute a claim shown; an empty answer says the sources name none.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

from rdflib import URIRef

from graph.cli.common import emit_json, print_quotes, print_table
from graph.cli.legend import claim_disputes, disputed_mark, print_legend
from graph.core.model import KnowledgeGraph
from graph.questions.frames import answer_dict, path_cited_by, path_disputes, path_support
from graph.questions.paths import Hop, Ranked
from graph.questions.sources import none_named, urgency_disputes

__all__ = ["COUNTS", "aside", "chain", "hop_text", "show_answers"]


def chain(kg: KnowledgeGraph, start: URIRef, hops: Sequence[Hop]) -> str:
    """Return a path as one readable chain from ``start``, each arrow in its true direction.

    >>> from graph.questions.traverse import treatments_for
    >>> best = treatments_for(kg, "poor posture")[0]
    >>> chain(kg, best.iri, best.paths[0])
    'good posture –targets→ poor posture'
    """
    text, here = kg.label(start), start
    for h in hops:
        if h.subject == here:
            text, here = f"{text} –{h.predicate}→ {kg.label(h.object)}", h.object
        else:
            text, here = f"{text} ←{h.predicate}– {kg.label(h.subject)}", h.subject
    return text


#: What an empty answer did not find, by the noun of the answers: the sources name none.
_EMPTY = {
    "treatment": "a treatment for {about}",
    "treatment advised against": "a treatment advised against for {about}",
    "cause": "a cause of {about}",
    "symptom": "a symptom of {about}",
    "prevention": "anything that prevents {about}",
    "side effect": "a side effect of {about}",
    "medication": "a medication in {about}",
    "group": "a group at risk of {about}",
    "red flag": "a red flag for {about}",
    "body region": "a place {about} spreads to",
    "mimics": "a condition that mimics {about}",
    "symptom-of": "a condition that has {about} as a symptom",
}

#: What the columns of a question table count, printed under it.
COUNTS = (
    "support = distinct sources behind the best path, counted at its least-cited relation;"
    " cited by = the sources citing any line of the best path",
)


def hop_text(kg: KnowledgeGraph, h: Hop) -> str:
    """Return a hop as ``subject –predicate→ object (source:line, ...)``, marked when disputed."""
    where = ", ".join(e.cite() for e in h.evidence)
    return (
        f"{kg.label(h.subject)} –{h.predicate}→ {kg.label(h.object)} ({where}){disputed_mark(h.disputed(kg))}"
    )


def _rows(kg: KnowledgeGraph, results: Sequence[Ranked], urgent: bool) -> list[list[object]]:
    """Return the table rows: one per answer, and for a red flag one more per further urgency level."""
    rows: list[list[object]] = []
    for number, r in enumerate(results, 1):
        best = r.paths[0] if r.paths else ()
        more = f"  (+{len(r.paths) - 1} more)" if len(r.paths) > 1 else ""
        mark = " [disputed]" if path_disputes(kg, best) else ""
        shown = chain(kg, r.iri, best) + more if best else "-"
        levels: list[dict[str, Any] | None] = [*r.urgency] or [None]
        for index, level in enumerate(levels):
            rating = ["-", "-"]
            if level:
                flagged = " [disputed]" if urgency_disputes(kg, r.iri, level) else ""
                rating = [level["label"] + flagged, _sources_of(level)]
            if index == 0:
                cited = " ".join(path_cited_by(best))
                row = [number, f"{r.score:.2f}", path_support(best), r.label + mark]
                rows.append([*row, *(rating if urgent else []), shown, cited])
            else:
                rows.append(["", "", "", "", *rating, "", ""])
    return rows


def _sources_of(level: dict[str, Any]) -> str:
    return " ".join(sorted({str(source) for source, _ in level.get("evidence", ())}))


def show_answers(
    kg: KnowledgeGraph, args: argparse.Namespace, results: list[Ranked], noun: str, about: str
) -> int:
    """Print ranked answers as a table with its legend (or JSON with ``--json``); return the exit code."""
    if args.limit > 0:
        results = results[: args.limit]
    if args.json:
        emit_json([answer_dict(kg, r) for r in results])
        return 0
    if not results:
        command = getattr(args, "command", "")
        what = _EMPTY.get(command if command in ("mimics", "symptom-of") else noun, "a {noun} for {about}")
        print(none_named(kg, what.format(noun=noun, about=about)))
        return 0
    urgent = any(r.urgency for r in results)
    rated = ["urgency", "rated so by"] if urgent else []
    headers = ["#", "score", "support", noun, *rated, "best path", "cited by"]
    print_table(headers, _rows(kg, results, urgent))
    if args.paths:
        for r in results:
            print(f"\n{r.label}:  (ranked by: {r.why})" if r.why else f"\n{r.label}:")
            for p in r.paths:
                names = " ".join(path_cited_by(p))
                print(f"  {chain(kg, r.iri, p)}  (support {path_support(p)}, cited by {names})")
                for h in p:
                    print("      " + hop_text(kg, h))
    shown = [p for r in results for p in (r.paths if args.paths else r.paths[:1])]
    counts = list(COUNTS)
    if urgent:
        counts.append("rated so by = the sources that give the sign that urgency (most urgent first)")
    cited = {s for p in shown for s in path_cited_by(p)}
    cited |= {s for r in results for u in r.urgency for s in _sources_of(u).split()}
    disputed = claim_disputes(kg, [h for p in shown for h in p])
    for r in results:
        for level in r.urgency:
            claim = f"{r.label} –urgency→ {level['label']}"
            disputed += [(claim, dispute) for dispute in urgency_disputes(kg, r.iri, level)]
    print_legend(kg, cited, disputed, counts)
    print_quotes(kg, args, [e for p in shown for h in p for e in h.evidence])
    return 0


def aside(kg: KnowledgeGraph, heading: str, results: Sequence[Ranked]) -> None:
    """Print answers beside the main one under a heading, each with its best path (none: nothing)."""
    if results:
        print(f"\n{heading}:")
    for r in results:
        mark = disputed_mark(path_disputes(kg, r.paths[0]))
        print(f"  {r.label}{mark}: {chain(kg, r.iri, r.paths[0])}  ({' '.join(path_cited_by(r.paths[0]))})")
