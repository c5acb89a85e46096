"""New names: what an empty side of a cue holds, and which new names are no names.

A side with a pronoun ("they", "it") holds the article's topic; the subject side of a cue with no
known entity holds the names listed there ("Athletes, and people who lift heavy objects, are more
likely to…"), each at most six words, without modals, auxiliaries and articles at its edges.
"""

from __future__ import annotations

import re
from typing import Any

from graph.extract.relations import Mention

__all__ = ["PUNCT", "fill_side", "vague"]

PUNCT = " .,;:!?\"'()"

#: Words an empty side's names never start or end with (modals, auxiliaries, adverbs, connectives).
EDGE_WORDS = frozenset(
    (
        "a all also an and any are be been being but can certain could did do does even for generally "
        "help helps in is its just may might must n't not of often on only or other really should so some "
        "sometimes that the their then to typically usually very was were will would your"
    ).split()
)
#: Names that stand for no entity.
NOBODY = frozenset(
    [
        "a person",
        "anyone",
        "doctor",
        "doctors",
        "everyone",
        "he",
        "here",
        "how",
        "i",
        "one",
        "people",
        "person",
        "she",
        "someone",
        "there",
        "we",
        "what",
        "which",
        "who",
        "why",
        "you",
        "your doctor",
    ]
)


def fill_side(
    doc: Any, start: int, end: int, left: bool, topic: Mention | None, pronouns: set[str]
) -> list[Mention]:
    """Return what an empty side of a cue holds: the topic for a pronoun, else (left only) new names."""
    words = [t.lower_ for t in doc[start:end]]
    if topic is not None and any(w in pronouns for w in words):
        return [topic]
    if not left or not 0 < end - start <= 14:
        return []
    found, first = [], start
    for i in range(start, end + 1):
        if i < end and doc[i].lower_ not in (",", "and", "or", ";", "(", ")"):
            continue
        a, b = first, i
        while a < b and doc[a].lower_ in EDGE_WORDS:
            a += 1
        while b > a and doc[b - 1].lower_ in EDGE_WORDS:
            b -= 1
        text = doc[a:b].text.strip(PUNCT)
        if 0 < b - a <= 6 and text and text.lower() not in NOBODY and not doc[a].is_punct:
            found.append(Mention(a, b, text, None))
        first = i + 1
    return found


def vague(mention: Mention, words_vague: frozenset[str], pronouns: set[str]) -> bool:
    """Tell whether a new name is no name: only vague words, or a pronoun or verb inside."""
    if mention.entity is not None:
        return False
    words = re.findall(r"[a-z0-9]+", mention.text.lower())
    if all(w in words_vague or w in EDGE_WORDS for w in words):
        return True
    return any(w in NOBODY or w in pronouns or w in ("is", "are", "was", "were") for w in words)
