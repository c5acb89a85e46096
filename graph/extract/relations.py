"""From a read line to relations: predicate cues, the entities on each side, list framing.

A cue's phrase sits between the entities it relates ("X can lead to Y", "Y is caused by X");
a noun cue with nothing before it anchors on the first entity after it ("causes of Y include
X, Z"); a list cue or a line ending with a colon frames the list items that follow it, which
take its relation with its anchor (or the article's topic). Hedges and negation come from
ConText on the two mentions; a negated positive relation becomes the vocabulary's negative
twin, or nothing when it has none.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from graph.extract.cues import Cue

__all__ = [
    "TWINS",
    "Frame",
    "Mention",
    "Pair",
    "cue_matches",
    "frame_of",
    "framed",
    "pairs_in_line",
    "topic_role",
]

#: The negative relation a negated positive one becomes.
TWINS = {"treats": "doesNotTreat", "hasSymptom": "notSignOf", "redFlagFor": "notSignOf"}


@dataclass(frozen=True)
class Mention:
    """A name found in a line: an entity of the lexicon (``entity``) or a new name (``None``)."""

    start: int
    end: int
    text: str
    entity: str | None
    uncertain: bool = False
    negated: bool = False


@dataclass(frozen=True)
class Pair:
    """One proposed relation within a line, before it is checked against the classes."""

    subject: Mention
    predicates: tuple[str, ...]
    object: Mention
    hedged: bool
    negated: bool
    score: float
    context: tuple[int, ...] = ()
    listed: bool = False


@dataclass(frozen=True)
class Frame:
    """What a list intro says its items are: the cue, the anchor and the items' role."""

    cue: Cue
    anchor: Mention | None
    role: str
    hedged: bool
    line: int


def topic_role(role: str) -> str:
    """Return the other role.

    >>> topic_role("subject")
    'object'
    """
    return "object" if role == "subject" else "subject"


def cue_matches(doc: Any, matcher: Any, cues: tuple[Cue, ...]) -> list[tuple[int, int, Cue]]:
    """Return the cue phrases in a doc (keys ``cue-N``, N the cue's index), longest where they overlap."""
    from spacy.tokens import Span
    from spacy.util import filter_spans

    spans = [Span(doc, start, end, label=key) for key, start, end in matcher(doc)]
    return sorted((s.start, s.end, cues[int(s.label_.removeprefix("cue-"))]) for s in filter_spans(spans))


def _pair(left: Mention, right: Mention, cue: Cue, score: float, extra_hedge: bool = False) -> Pair:
    subject, obj = (left, right) if cue.left == "subject" else (right, left)
    hedged = subject.uncertain or obj.uncertain or extra_hedge
    if subject.negated and obj.negated and not cue.negative:
        # the negation precedes the whole claim ("if X does not help, Y…"): unclear, propose nothing
        return Pair(subject, (), obj, hedged, True, score)
    negated = cue.negative or obj.negated or subject.negated  # the negation sits between the two
    return Pair(subject, (cue.predicate, *cue.alternates), obj, hedged, negated, score)


def pairs_in_line(
    sentences: list[tuple[int, int]],
    mentions: list[Mention],
    found: list[tuple[int, int, Cue]],
    topic: Mention | None,
    clauses: tuple[int, ...] = (),
    fill: Callable[[int, int, bool], list[Mention]] | None = None,
    words: Sequence[str] = (),
) -> list[Pair]:
    """Pair the mentions of each sentence across the cues found in it.

    ``clauses`` are the tokens that end a clause ("but", "however", ";"): no pair spans one.
    ``fill`` names what an empty side holds (a pronoun for the topic, names the graph lacks).
    ``words`` (the lower-cased tokens) let two habits of English in: a verb after a comma
    (", leading to Y", ", often resulting from X") has the sentence's subject on its left, and
    verbs joined by "and" share theirs ("X can relax the muscles and reduce pain").
    """
    pairs: list[Pair] = []
    for begin, end in sentences:
        here = [m for m in mentions if begin <= m.start and m.end <= end]
        cues = [c for c in found if begin <= c[0] and c[1] <= end]
        bounds = [c for c in cues if c[2].boundary] + [(t, t + 1, None) for t in clauses if begin <= t < end]
        shared: list[Mention] = []
        for start, stop, cue in cues:
            before = max((b[1] for b in bounds if b[1] <= start), default=begin)
            after = min((b[0] for b in bounds if b[0] >= stop), default=end)
            left = [m for m in here if before <= m.start and m.end <= start]
            right = [m for m in here if stop <= m.start and m.end <= after]
            if not cue.boundary:
                left = left[-1:]
            elif fill is not None and cue.kind != "list":
                if cue.kind == "verb" and _after_comma(words, start) and here and here[0].end <= start:
                    left = here[:1]
                elif not left and shared and any(w in ("and", "or") for w in words[before:start]):
                    left = shared
                left = left or fill(before, start, True)
                right = right or fill(stop, after, False)
                shared = left if cue.kind == "verb" else []
            if cue.kind == "list":
                if topic is not None:
                    pairs += [replace(_pair(m, topic, cue, 0.75), listed=True) for m in right]
                continue
            if left and right:
                pairs += [_pair(a, b, cue, 0.9) for a in left for b in right]
            elif (
                right and cue.boundary and len(right) > 1
            ):  # "causes of Y include X, Z"; "to prevent Y, do X"
                anchor, rest = right[0], right[1:]
                pairs += [_pair(m, anchor, cue, 0.8) for m in rest]
            elif cue.topic and topic is not None and (left or right):
                pairs += [_pair(m, topic, cue, 0.7) for m in left or right]
    return pairs


_LINKING = frozenset(
    {"often", "hence", "thus", "thereby", "so", "then", "eventually", "ultimately", "usually"}
)


def _after_comma(words: Sequence[str], start: int) -> bool:
    """Tell whether a cue opens a participle clause: a comma, maybe an adverb, then the cue."""
    back = start - 1
    if 0 <= back < len(words) and words[back] in _LINKING:
        back -= 1
    return 0 <= back < len(words) and words[back] == ","


def frame_of(
    number: int,
    mentions: list[Mention],
    found: list[tuple[int, int, Cue]],
    topic: Mention | None,
    hedged: bool,
) -> Frame | None:
    """Return what a list intro (a line ending with a colon) frames, from its last boundary cue."""
    bounds = [c for c in found if c[2].boundary]
    if not bounds:
        return None
    ends = {m.end for m in mentions}  # "back spasm symptoms" names symptoms; it frames nothing
    listing = [c for c in bounds if c[2].kind == "list" and c[0] not in ends]
    listing.sort(key=lambda c: c[2].predicate != "redFlagFor")  # "…if you have these symptoms:": red flags
    start, stop, cue = listing[0] if listing else bounds[-1]
    left = [m for m in mentions if m.end <= start]
    right = [m for m in mentions if m.start >= stop]
    if cue.kind == "list":
        return Frame(cue, topic, cue.left, hedged, number)
    if right and not left:
        return Frame(cue, right[0], cue.left, hedged, number)
    if not left and not right:
        return Frame(cue, topic, cue.left, hedged, number)
    # "X can mean you have a serious condition, including:": the items are instances of the right side
    return Frame(cue, left[-1], topic_role(cue.left), hedged, number)


def framed(frame: Frame, filler: Mention, hedged: bool, context: tuple[int, ...]) -> Pair | None:
    """Return the relation a list item's name takes from the intro's frame."""
    if frame.anchor is None:
        return None
    subject, obj = (filler, frame.anchor) if frame.role == "subject" else (frame.anchor, filler)
    negated = frame.cue.negative or filler.negated
    return Pair(
        subject,
        (frame.cue.predicate, *frame.cue.alternates),
        obj,
        frame.hedged or hedged,
        negated,
        0.75,
        context,
        listed=True,
    )
