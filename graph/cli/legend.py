"""The lines under an answer: what its numbers count, which articles its ids are, what is disputed."""

from __future__ import annotations

from collections.abc import Iterable

from graph.core.model import KnowledgeGraph
from graph.questions.card import Relation
from graph.questions.sources import Dispute, legend

__all__ = ["claim_disputes", "disputed_mark", "print_legend"]


def claim_disputes(kg: KnowledgeGraph, relations: Iterable[Relation]) -> list[tuple[str, Dispute]]:
    """Pair each disputed relation, as ``subject –predicate→ object``, with each disagreement disputing it."""
    return [
        (f"{kg.label(r.subject)} –{r.predicate}→ {kg.label(r.object)}", dispute)
        for r in relations
        for dispute in r.disputed(kg)
    ]


def disputed_mark(found: Iterable[Dispute]) -> str:
    """Return ``" [disputed: id, id]"`` for the disagreements given, ``""`` for none.

    >>> disputed_mark([Dispute("acetaminophen_nsaid", "is acetaminophen an NSAID")])
    ' [disputed: acetaminophen_nsaid]'
    """
    ids = sorted({d.id for d in found})
    return f" [disputed: {', '.join(ids)}]" if ids else ""


def print_legend(
    kg: KnowledgeGraph,
    cited: Iterable[str],
    disputed: Iterable[tuple[str, Dispute]] = (),
    counts: Iterable[str] = (),
) -> None:
    """Print, after a blank line, what each count means, the sources cited and the disputes shown.

    ``disputed`` pairs a claim as shown (``"acetaminophen –memberOf→ NSAID"``) with a disagreement
    that disputes it.
    """
    lines = list(counts)
    titles = legend(kg, cited)
    if titles:
        lines.append("sources:")
        lines += [f"  {line}" for line in titles]
    claims: dict[Dispute, set[str]] = {}
    for claim, dispute in disputed:
        claims.setdefault(dispute, set()).add(claim)
    if claims:
        lines.append("disputed by another source (see bskg conflicts):")
        for dispute in sorted(claims):
            lines.append(f"  {dispute.id} = {dispute.label}: {'; '.join(sorted(claims[dispute]))}")
    if lines:
        print()
        for line in lines:
            print(line)
