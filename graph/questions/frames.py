"""Table forms of the questions' answers: DataFrames with labels first, CURIEs last, integers kept.

The question functions return small dataclasses (:class:`~graph.questions.paths.Ranked`,
:class:`~graph.questions.paths.Hop`); these functions lay them out for a notebook. pandas is
imported only when a table is asked for.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from graph.core.lookup import curie
from graph.core.model import KnowledgeGraph
from graph.questions.card import relations_frame
from graph.questions.paths import Hop, Ranked
from graph.questions.sources import Dispute, urgency_disputes

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["answer_dict", "path_cited_by", "path_disputes", "path_frame", "path_support", "ranked_frame"]


def _path_text(kg: KnowledgeGraph, hops: tuple[Hop, ...]) -> str:
    return "; ".join(f"{kg.label(h.subject)} –{h.predicate}→ {kg.label(h.object)}" for h in hops)


def path_support(hops: Iterable[Hop]) -> int:
    """Return a path's support: the distinct sources of its least-cited relation (0 for no hop)."""
    return min((len(h.sources) for h in hops), default=0)


def path_cited_by(hops: Iterable[Hop]) -> list[str]:
    """Return the sources that cite any line of a path, in id order."""
    return sorted({s for h in hops for s in h.sources})


def path_disputes(kg: KnowledgeGraph, hops: Iterable[Hop]) -> list[Dispute]:
    """Return the disagreements that dispute some relation of a path, by id."""
    return sorted({d for h in hops for d in h.disputed(kg)})


def answer_dict(kg: KnowledgeGraph, answer: Ranked) -> dict[str, Any]:
    """Return the JSON shape of one answer, with every count named for what it counts.

    :meth:`~graph.questions.paths.Ranked.as_dict` (``support`` is the best path's, counted at its
    least-cited relation) plus: ``best_path_cited_by`` (the sources citing any line of the best
    path), ``cited_by`` (of any of its paths), ``path_support`` (per path, in order: ``{"support",
    "cited_by"}``), ``disputed`` (ids of the disagreements that dispute some relation of its paths;
    each hop carries its own) and, for red flags, the ``sources`` that rate each urgency level and
    the disagreements that dispute it (``disputed``).

    >>> from graph.questions.traverse import treatments_for
    >>> data = answer_dict(kg, treatments_for(kg, "dehydration")[0])
    >>> data["support"], data["best_path_cited_by"], data["path_support"][0]["support"]
    (1, ['000'], 1)
    """
    data = answer.as_dict(kg)
    best = answer.paths[0] if answer.paths else ()
    data["best_path_cited_by"] = path_cited_by(best)
    data["cited_by"] = list(answer.sources)
    data["path_support"] = [{"support": path_support(p), "cited_by": path_cited_by(p)} for p in answer.paths]
    data["disputed"] = sorted({d.id for p in answer.paths for d in path_disputes(kg, p)})
    for level in data.get("urgency", ()):
        level["sources"] = sorted({e["source"] for e in level["evidence"]})
        level["disputed"] = [d.id for d in urgency_disputes(kg, answer.iri, level)]
    return data


def ranked_frame(kg: KnowledgeGraph, answers: Iterable[Ranked]) -> pd.DataFrame:
    """Return ranked answers (treatments, causes, red flags, hubs, ...) as a DataFrame.

    Columns: ``label``, ``types``, ``score``, ``support``, ``sources``, ``contested``, ``disputed``
    (the ids of the disagreements that dispute it), ``path``
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
            "disputed": ", ".join(sorted({d.id for p in answer.paths for d in path_disputes(kg, p)})),
            "path": _path_text(kg, answer.paths[0]) if answer.paths else "",
        }
        if answer.urgency:
            row["urgency"] = ", ".join(str(u["label"]) for u in answer.urgency)
        rows.append({**row, "id": curie(answer.iri)})
    columns = ["label", "types", "score", "support", "sources", "contested", "disputed", "path"]
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
