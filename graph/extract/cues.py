"""The data file of cues (``cues.json``): predicate phrases, ConText rules, ignored phrases."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from graph.core.errors import GraphError
from graph.core.vocab import NEGATIVE_RELATIONS, RELATIONS

__all__ = ["Cue", "Cues", "load_cues"]


@dataclass(frozen=True)
class Cue:
    """A group of phrases that state one relation.

    Attributes
    ----------
    predicate
        A relation of the vocabulary.
    left
        The role (``subject`` or ``object``) of the entities before the phrase.
    kind
        ``verb`` (entities on both sides), ``noun`` ("causes of Y include X": with nothing before
        it, the first entity after the phrase is the anchor) or ``list`` (introduces a list whose
        items take the ``left`` role, the article's topic the other).
    negative
        The phrase itself says that something is not so.
    topic
        With nothing on one side, the article's topic takes that role.
    boundary
        The phrase ends the reach of the cues before and after it.
    alternates
        Predicates tried when the classes of the two entities do not fit ``predicate``.
    """

    predicate: str
    left: str
    kind: str
    phrases: tuple[str, ...]
    negative: bool = False
    topic: bool = False
    boundary: bool = True
    alternates: tuple[str, ...] = ()


@dataclass(frozen=True)
class Cues:
    """Everything ``cues.json`` holds.

    Besides the relation cues and ConText rules: ``ignore`` (advertising, calls to book),
    ``enumeration`` (words a list of names follows), ``clauses`` (words that start a clause no
    pair reaches across), ``pronouns`` (words that stand for the article's topic) and
    ``sections`` (words of a heading or question that tell what the list under it states:
    predicate, the items' role, words) and ``vague`` (words that name a kind of thing, not a
    thing: a new name made only of them is not proposed).
    """

    relations: tuple[Cue, ...]
    context: tuple[dict[str, str], ...]
    ignore: tuple[str, ...]
    enumeration: tuple[str, ...]
    clauses: tuple[str, ...] = ()
    pronouns: tuple[str, ...] = ()
    sections: tuple[tuple[str, str, tuple[str, ...]], ...] = ()
    vague: frozenset[str] = frozenset()


def _cue(entry: dict[str, Any]) -> Cue:
    cue = Cue(
        predicate=entry["predicate"],
        left=entry["left"],
        kind=entry["kind"],
        phrases=tuple(entry["phrases"]),
        negative=bool(entry.get("negative", False)),
        topic=bool(entry.get("topic", False)),
        boundary=bool(entry.get("boundary", True)),
        alternates=tuple(entry.get("alternates", ())),
    )
    for name in (cue.predicate, *cue.alternates):
        if name not in RELATIONS:
            raise GraphError(f"cues.json: {name!r} is not a relation of the vocabulary")
    if cue.negative != (cue.predicate in NEGATIVE_RELATIONS):
        raise GraphError(f"cues.json: {cue.predicate} and its 'negative' flag disagree")
    if cue.left not in ("subject", "object") or cue.kind not in ("verb", "noun", "list"):
        raise GraphError(f"cues.json: bad 'left' or 'kind' in the cues of {cue.predicate}")
    return cue


@cache
def load_cues() -> Cues:
    """Read the packaged ``cues.json`` once.

    >>> cues = load_cues()
    >>> any("caused by" in cue.phrases for cue in cues.relations)
    True
    """
    text = resources.files("graph.extract").joinpath("cues.json").read_text(encoding="utf-8")
    data = json.loads(text)
    return Cues(
        relations=tuple(_cue(entry) for entry in data["relations"]),
        context=tuple(data["context"]),
        ignore=tuple(data["ignore"]),
        enumeration=tuple(data["enumeration"]),
        clauses=tuple(data.get("clauses", ())),
        pronouns=tuple(data.get("pronouns", ())),
        sections=tuple((s["predicate"], s["role"], tuple(s["words"])) for s in data.get("sections", ())),
        vague=frozenset(data.get("vague", ())),
    )
