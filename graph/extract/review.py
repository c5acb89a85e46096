"""The review file: candidates as curation records with a status, and the records ``accept`` lands.

``bskg extract -o review.json`` writes the records format of ``bskg import-records``
(``entities``, ``relations``) plus the article's ``source`` and, on each relation, its
``status`` (``proposed``; the curator sets ``accepted`` or ``rejected``), the line's text,
score, negation and conflicts. :func:`accepted_records` checks a reviewed file against the
graph and the article and returns only what was accepted, with the source to register and a
disagreement for each accepted claim that contradicts one of the graph's.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from rdflib import RDF, URIRef

from graph.core.errors import GraphError
from graph.core.model import KnowledgeGraph
from graph.core.text import mentions
from graph.core.vocab import BS, BSO, CLASS_NAMES, RELATIONS, SOURCE_PREFIX
from graph.extract.candidates import OPPOSED, Candidate
from graph.extract.lines import read_article

__all__ = ["STATUSES", "accepted_records", "next_source_id", "review_records"]

#: The statuses a relation of a review file may have.
STATUSES = ("proposed", "accepted", "rejected")

_SOURCE_ID = re.compile(r"^\d{3}$")


def next_source_id(kg: KnowledgeGraph) -> str:
    """Return the first three-digit source id the graph does not use.

    >>> next_source_id(kg)
    '005'
    """
    used = {str(s).removeprefix(SOURCE_PREFIX) for s in kg.rdf.subjects(RDF.type, BSO.Source)}
    return next(f"{n:03d}" for n in range(1000) if f"{n:03d}" not in used)


def review_records(candidates: list[Candidate], source: dict[str, Any]) -> dict[str, Any]:
    """Return candidates as a review file: curation records with ``"status": "proposed"``."""
    entities: dict[str, dict[str, Any]] = {}
    relations = []
    for c in candidates:
        for named in (c.subject, c.object):
            if named.id is None:
                entities.setdefault(
                    named.key,
                    {"id": named.key, "types": [named.cls], "label": named.label, "status": "proposed"},
                )
        relations.append(
            {
                "s": c.subject.key,
                "p": c.predicate,
                "o": c.object.key,
                "evidence": [[source["id"], c.line]],
                "hedged": c.hedged,
                "status": "proposed",
                "negated": c.negated,
                "score": c.score,
                "text": c.text,
                "subject": c.subject.as_dict(),
                "object": c.object.as_dict(),
                "conflicts": list(c.conflicts),
            }
        )
    return {"source": source, "entities": list(entities.values()), "relations": relations}


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise GraphError(message)


def _source(
    review: dict[str, Any], kg: KnowledgeGraph, article: Path | None
) -> tuple[dict[str, Any], list[str]]:
    source = review.get("source")
    _require(
        isinstance(source, dict), "the review file has no 'source' object (write it with bskg extract -o)"
    )
    assert isinstance(source, dict)
    ident = str(source.get("id", ""))
    _require(bool(_SOURCE_ID.match(ident)), f"source id {ident!r} is not three digits")
    _require(
        (URIRef(SOURCE_PREFIX + ident), None, None) not in kg.rdf,
        f"source {ident} is already in the graph; give the article a new id (--source)",
    )
    path = article or Path(str(source.get("path", "")))
    lines = read_article(path)
    count = source.get("lineCount", len(lines))
    _require(count == len(lines), f"{path}: has {len(lines)} lines, the review says {count}; re-run extract")
    found = {"id": ident, "fileName": path.name, "lineCount": len(lines)}
    for key in ("title", "url"):
        if source.get(key):
            found[key] = str(source[key])
    return found, lines


def accepted_records(
    review: dict[str, Any], kg: KnowledgeGraph, article: Path | None = None
) -> tuple[dict[str, Any], Path]:
    """Check a reviewed file and return the curation records of what was accepted, and the article.

    Raises
    ------
    graph.core.errors.GraphError
        On an unknown status, class, predicate or entity, a line past the end of the article or
        one that names neither entity, a source id the graph has, or a missing article.
    """
    source, lines = _source(review, kg, article)
    ident = source["id"]
    entities = {}
    for entity in review.get("entities", []):
        _require(isinstance(entity, dict) and "id" in entity, f"entity {entity!r}: needs an 'id'")
        for kind in entity.get("types", []):
            _require(kind in CLASS_NAMES, f"entity {entity['id']}: unknown class {kind!r}")
        entities[str(entity["id"])] = entity
    local = _local_ids(kg)
    accepted, used = [], {}
    for number, relation in enumerate(review.get("relations", []), start=1):
        where = f"relation {number}"
        _require(isinstance(relation, dict), f"{where}: not a JSON object")
        status = relation.get("status", "proposed")
        _require(status in STATUSES, f"{where}: unknown status {status!r} (use {', '.join(STATUSES)})")
        if status != "accepted":
            continue
        _require(relation.get("p") in RELATIONS, f"{where}: unknown predicate {relation.get('p')!r}")
        names, keys = [], {}
        for role in ("s", "o"):
            key = keys[role] = str(relation.get(role, "")).removeprefix("bs:")
            if key in entities:
                used[key] = entities[key]
                names.append(str(entities[key].get("label", key)))
            else:
                _require(
                    key in local,
                    f"{where}: unknown entity {key!r}",
                )
                names += [kg.label(BS[key]), *kg.index.synonyms.get(BS[key], ())]
        evidence = relation.get("evidence") or [[ident, 0]]
        for cited, line in evidence:
            _require(str(cited) == ident, f"{where}: cites source {cited}, not the article's {ident}")
            _require(
                isinstance(line, int) and 1 <= line <= len(lines),
                f"{where}: line {line} is past the end ({len(lines)} lines)",
            )
            _require(
                any(mentions(lines[line - 1], n) for n in names),
                f"{where}: line {line} names neither {relation['s']} nor {relation['o']}",
            )
        accepted.append(
            {
                "s": keys["s"],
                "p": relation["p"],
                "o": keys["o"],
                "evidence": evidence,
                "hedged": bool(relation.get("hedged")),
            }
        )
    _require(bool(accepted), 'no relation has "status": "accepted"; nothing to add')
    for entity in used.values():
        _require(
            bool(entity.get("types")) and bool(entity.get("label")),
            f"entity {entity['id']}: needs types and a label",
        )
    records: dict[str, Any] = {
        "sources": [source],
        "entities": [{k: v for k, v in e.items() if k != "status"} for e in used.values()],
        "relations": accepted,
    }
    _add_disagreements(records, kg, ident)
    return records, Path(str(review["source"].get("path", ""))) if article is None else article


def _local_ids(kg: KnowledgeGraph) -> set[str]:
    return {str(e).removeprefix(str(BS)) for e in kg.index.types}


def _add_disagreements(records: dict[str, Any], kg: KnowledgeGraph, ident: str) -> None:
    """Record a disagreement for each accepted claim the graph contradicts, with both sides' evidence."""
    for relation in list(records["relations"]):
        s, p, o = BS[relation["s"]], relation["p"], BS[relation["o"]]
        for a, b in OPPOSED:
            other = b if p == a else a if p == b else None
            evidence = kg.evidence.get((s, BSO[other], o)) if other else []
            if not other or not evidence:
                continue
            claims = [
                {"s": relation["s"], "p": p, "o": relation["o"], "source": ident, "line": line}
                for _, line in relation["evidence"]
            ]
            for e in evidence:  # the graph's side, repeated with its own evidence so the records stand alone
                records["relations"].append(
                    {
                        "s": relation["s"],
                        "p": other,
                        "o": relation["o"],
                        "evidence": [[e.source, e.line]],
                        "hedged": e.hedged,
                    }
                )
                claims.append(
                    {"s": relation["s"], "p": other, "o": relation["o"], "source": e.source, "line": e.line}
                )
            records.setdefault("disagreements", []).append(
                {
                    "id": f"{relation['s']}_{p}_{relation['o']}_{ident}",
                    "label": f"{_name(kg, s)} {p} or {other} {_name(kg, o)}: {ident} against the graph",
                    "claims": claims,
                }
            )


def _name(kg: KnowledgeGraph, entity: URIRef) -> str:
    return kg.label(entity) if entity in kg.index.types else str(entity).removeprefix(str(BS))
