"""Table forms of the questions' answers: DataFrames with labels first, CURIEs last, integers kept.

The question functions return small dataclasses (:class:`~graph.questions.paths.Ranked`,
:class:`~graph.questions.paths.Hop`); these functions lay them out for a notebook. pandas is
imported only when a table is asked for.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from graph.core.lookup import curie
from graph.core.model import KnowledgeGraph
from graph.questions.card import relations_frame
from graph.questions.paths import Hop, Ranked

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["path_frame", "ranked_frame"]


def _path_text(kg: KnowledgeGraph, hops: tuple[Hop, ...]) -> str:
    return "; ".join(f"{kg.label(h.subject)} –{h.predicate}→ {kg.label(h.object)}" for h in hops)


def ranked_frame(kg: KnowledgeGraph, answers: Iterable[Ranked]) -> pd.DataFrame:
    """Return ranked answers (treatments, causes, red flags, hubs, ...) as a DataFrame.

    Columns: ``label``, ``types``, ``score``, ``support``, ``sources``, ``contested``, ``path``
    (the best path, as labels), ``urgency`` for red flags, and ``id`` (a CURIE) last. A score
    that is a count (the degree of a hub, the support of a treatment) stays an integer.

    >>> from graph.questions.ranking import most_connected
    >>> ranked_frame(kg, most_connected(kg, 1))[["label", "score"]].values.tolist()
    [['back spasm', 152]]
    """
    import pandas as pd

    answers = list(answers)
    rows: list[dict[str, object]] = []
    for answer in answers:
        row: dict[str, object] = {
            "label": answer.label,
            "types": ", ".join(answer.types),
            "score": answer.score,
            "support": answer.support,
            "sources": ", ".join(answer.sources),
            "contested": answer.contested,
            "path": _path_text(kg, answer.paths[0]) if answer.paths else "",
        }
        if answer.urgency:
            row["urgency"] = ", ".join(str(u["label"]) for u in answer.urgency)
        rows.append({**row, "id": curie(answer.iri)})
    columns = ["label", "types", "score", "support", "sources", "contested", "path"]
    if any("urgency" in row for row in rows):
        columns.append("urgency")
    frame = pd.DataFrame(rows, columns=[*columns, "id"])
    counts = all(float(a.score).is_integer() for a in answers)
    return frame.astype({"score": "int64" if counts else "float64", "support": "int64"})


def path_frame(kg: KnowledgeGraph, hops: Iterable[Hop]) -> pd.DataFrame:
    """Return the hops of a path (:func:`graph.questions.traverse.path`) as a DataFrame with labels.

    >>> from graph.questions.traverse import path
    >>> path_frame(kg, path(kg, "herniated disc", "heat therapy"))[["subject", "object"]].values.tolist()
    [['herniated disc', 'back spasm'], ['heat therapy', 'back spasm']]
    """
    return relations_frame(kg, hops)
