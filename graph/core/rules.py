"""The rules of naming an entity, the same wherever a graph's names are kept.

:func:`find_in` ranks and :func:`resolve_in` decides over any :class:`Names`: the loaded graph's
:class:`graph.core.lookup.LabelIndex`, a store's label index on disk
(:class:`graph.store.labels.StoredNames`) or the candidates an endpoint returns
(:mod:`graph.query.names`). Scores run from 0 to 1: 1.0 for the preferred label, 0.95 for a
synonym, 0.9 for a recorded misspelling, less for partial and fuzzy matches (``rapidfuzz``, imported
on the first fuzzy lookup).

The rules of resolution, in order:

1. An IRI, a CURIE (``bs:stress``) or an entity's id names that entity; an IRI or CURIE that names
   no entity is unknown (with suggestions from its last segment), never read as a name.
2. Otherwise the best match must score at least :data:`ACCEPT` (a guess is a suggestion, not an
   answer) and be the only one with its score: two entities that answer equally well (a tie)
   are refused with both named.
3. A fuzzy match only counts when it reads as a typo of the name (one edit in four letters at most,
   :data:`CLOSE`) or as the name run into other letters ("scoliosisthe": one holds the other
   whole, the shorter at least six letters and 0.6 of the longer's length): "interaction"
   shares letters with "infection" but is neither, so it is a suggestion, not a match.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from rdflib import URIRef

from graph.core.errors import Ambiguous, UnknownEntity
from graph.core.text import normalize
from graph.core.vocab import BS, PREFIXES, local_name

__all__ = [
    "ACCEPT",
    "CLOSE",
    "TERM",
    "Match",
    "Names",
    "Resolution",
    "Resolver",
    "close_matches",
    "find_in",
    "id_forms",
    "reads_as_typo",
    "resolve_in",
    "similar",
    "suggestions",
]

#: Fuzzy candidates below this Indel similarity are not considered at all.
_FUZZY_CUTOFF = 0.72
#: The highest score a partial or fuzzy match can reach (0.85 partial, 0.92 fuzzy).
_FUZZY_BEST = 0.92
#: A name resolves only to a match scoring at least this.
ACCEPT = 0.8
#: Other close matches named when a text is no entity's name.
_NEAR_NAMED = 4
#: A fuzzy match this similar to a name is a typo of it: at most one edit in four letters
#: (Levenshtein, normalised by the longer length).
CLOSE = 0.75
#: A name run into other letters must keep at least this many letters and this share of the length
#: ("rest" is in "stress" by chance).
_SHORTEST, _LENGTH_RATIO = 6, 0.6
#: Names considered per kind of partial match (the nearest in length, the most similar), so that a
#: word every name holds costs the same on a large store as on the bundled graph.
_MOST = 500
#: The class shown for the vocabulary's urgency levels, which ``find`` lists but never resolves to.
TERM = "UrgencyLevel"


def similar(text: str, choices: Iterable[str], cutoff: float) -> list[tuple[str, float]]:
    """Return the choices whose similarity to ``text`` is at least ``cutoff`` (0 to 1), best first.

    Similarity is rapidfuzz's normalised Indel similarity, ``2 × LCS / (len(a) + len(b))``;
    ties keep alphabetical order.

    >>> [(choice, round(score, 3)) for choice, score in similar("ibuprofin", ["ibuprofen", "rest"], 0.5)]
    [('ibuprofen', 0.889)]
    """
    from rapidfuzz import process
    from rapidfuzz.distance import Indel

    found = process.extract(
        text, list(choices), scorer=Indel.normalized_similarity, score_cutoff=cutoff, limit=None
    )
    return sorted(((choice, score) for choice, score, _ in found), key=lambda c: (-c[1], c[0]))


def close_matches(text: str, choices: Iterable[str], n: int = 3, cutoff: float = 0.5) -> list[str]:
    """Return up to ``n`` choices close to ``text``, best first, for a "did you mean" line.

    >>> close_matches("treatment_for", ["treatments_for", "red_flags", "causes"])
    ['treatments_for']
    """
    return [choice for choice, _ in similar(text, choices, cutoff)[:n]]


def reads_as_typo(text: str, name: str) -> bool:
    """Tell whether a fuzzy match of ``text`` to ``name`` counts (rule 3 of the module doc).

    >>> reads_as_typo("ibuprofin", "ibuprofen"), reads_as_typo("interaction", "infection")
    (True, False)
    """
    from rapidfuzz.distance import Levenshtein

    if Levenshtein.normalized_similarity(text, name) >= CLOSE:
        return True
    short, long = sorted((len(text), len(name)))
    if short < _SHORTEST or short / long < _LENGTH_RATIO:
        return False
    return text in name or name in text


@dataclass(frozen=True)
class Match:
    """One entity found for a text, with the name that matched and how well."""

    iri: URIRef
    label: str
    types: tuple[str, ...]
    score: float
    matched: str
    how: str = "name"
    """``name`` (the text is one of its names), ``part`` (word for word in a name, or a name in the
    text) or ``typo`` (a fuzzy match that reads as a misspelling)."""


@dataclass(frozen=True)
class Resolution:
    """The entity a name resolved to, and the other entities that answer to the same name."""

    iri: URIRef
    label: str
    matched: str
    others: tuple[str, ...] = ()
    #: ``text`` is none of the answer's names: it was the closest of several partial or fuzzy matches.
    nearest: bool = False

    def note(self, text: str) -> str | None:
        """Return a line saying which other entities answer to ``text`` as well (None if none)."""
        if not self.others:
            return None
        if self.nearest:
            return (
                f"{text!r} is no entity's name; answering for the closest, {self.label} "
                f"(also close: {', '.join(self.others)})"
            )
        return f"{text!r} also names {', '.join(self.others)}; answering for {self.label}"


class Resolver(Protocol):
    """Anything that turns a name into the one entity it names (a label index, a store's lookup)."""

    def resolve(self, text: str | URIRef) -> URIRef:
        """Return the entity ``text`` names, or raise :class:`~graph.core.errors.UnknownEntity`."""
        ...


class Names(Protocol):
    """What :func:`find_in` and :func:`resolve_in` ask of wherever a graph's names are kept."""

    def named(self, key: str) -> Sequence[tuple[URIRef, float, str]]:
        """Return ``(entity, weight, name as written)`` for every name normalised to ``key``."""
        ...

    def containing(self, key: str) -> Iterable[str]:
        """Return normalised names (at least) that contain ``key`` word-wise or that ``key`` contains."""
        ...

    def near(self, key: str, cutoff: float) -> Iterable[str]:
        """Return normalised names (at least) whose Indel similarity to ``key`` may reach ``cutoff``."""
        ...

    def label(self, entity: URIRef) -> str:
        """Return the preferred label of an entity or urgency level."""
        ...

    def types_of(self, entity: URIRef) -> tuple[str, ...]:
        """Return the classes of an entity by local name (:data:`TERM` for an urgency level)."""
        ...

    def known(self, entity: URIRef) -> bool:
        """Tell whether ``entity`` is an entity of the graph (typed with a domain class)."""
        ...


def _rank(names: Names, text: str) -> tuple[list[Match], list[str]]:
    """Return the matches of ``text``, best first, and the names of the fuzzy hits refused."""
    query = normalize(text)
    if not query:
        return [], []
    best: dict[URIRef, tuple[float, str, str]] = {}

    def offer(entity: URIRef, score: float, name: str, how: str = "name") -> None:
        if score > best.get(entity, (0.0, "", ""))[0]:
            best[entity] = (round(score, 3), name, how)

    for entity, weight, name in names.named(query):
        offer(entity, weight, name)
    padded_query = f" {query} "
    held = sorted(set(names.containing(query)), key=lambda k: (abs(len(k) - len(query)), k))
    for key in held[:_MOST]:
        padded_key = f" {key} "
        if key != query and (padded_query in padded_key or padded_key in padded_query):
            overlap = min(len(key), len(query)) / max(len(key), len(query))
            for entity, weight, name in names.named(key):
                offer(entity, weight * (0.55 + 0.3 * overlap), name, "part")
    refused: list[str] = []
    near = {k for k in names.near(query, _FUZZY_CUTOFF) if k != query}
    for key, ratio in similar(query, near, _FUZZY_CUTOFF)[:_MOST]:
        entries = names.named(key)
        if not reads_as_typo(query, key):
            refused.extend(name for _, _, name in entries[:1])
            continue
        for entity, weight, name in entries:
            offer(entity, weight * ratio * 0.92, name, "typo")
    ranked = sorted(best.items(), key=lambda item: (-item[1][0], names.label(item[0])))
    matches = [
        Match(entity, names.label(entity), names.types_of(entity), score, name, how)
        for entity, (score, name, how) in ranked
    ]
    return matches, refused


def _exactly(names: Names, entries: Sequence[tuple[URIRef, float, str]]) -> list[Match]:
    """Return the matches of a text that is one of the graph's names, best first."""
    best: dict[URIRef, tuple[float, str]] = {}
    for entity, weight, name in entries:
        if weight > best.get(entity, (0.0, ""))[0]:
            best[entity] = (weight, name)
    ranked = sorted(best.items(), key=lambda item: (-item[1][0], names.label(item[0])))
    return [Match(e, names.label(e), names.types_of(e), score, name) for e, (score, name) in ranked]


def find_in(names: Names, text: str, limit: int = 10) -> list[Match]:
    """Return the entities (and urgency levels) that answer to ``text``, best first."""
    return _rank(names, text)[0][:limit]


def suggestions(names: Names, text: str, found: Sequence[str] = ()) -> list[str]:
    """Return up to three names for a "did you mean" line: the matches found, else the closest names."""
    if found:
        return list(found)[:3]
    query = normalize(text)
    keys = close_matches(query, names.near(query, 0.5), n=3, cutoff=0.5)
    return [names.named(key)[0][2] for key in keys if names.named(key)]


def _as_iri(text: str) -> URIRef | None:
    """Return the IRI a text spells (``http…``, ``bs:id``, or another project CURIE), or None."""
    if any(ch.isspace() or ch in '<>"{}|^`\\' for ch in text) or ":" not in text:
        return None
    prefix, _, local = text.partition(":")
    if prefix in PREFIXES and not local.startswith("//"):
        return URIRef(str(PREFIXES[prefix]) + local)
    return URIRef(text) if local.startswith("//") or prefix in ("urn", "mailto") else None


def id_forms(text: str | URIRef) -> list[URIRef]:
    """Return the IRIs a text may spell as an IRI, a CURIE or an entity id (none for a name with spaces).

    >>> [str(iri) for iri in id_forms("bs:stress") + id_forms("stress") + id_forms("back pain")]
    ['https://w3id.org/backspasm-kg/id/stress', 'https://w3id.org/backspasm-kg/id/stress']
    """
    candidate = str(text).strip()
    if isinstance(text, URIRef):
        return [URIRef(candidate)]
    iri = _as_iri(candidate)
    if iri is not None:
        return [iri]
    if candidate and not any(ch.isspace() or ch in '<>"{}|^`\\:' for ch in candidate):
        return [URIRef(str(BS) + candidate)]
    return []


def resolve_in(names: Names, text: str | URIRef) -> Resolution:
    """Return the one entity ``text`` names: an IRI, a CURIE, an id, or a name (see the module rules).

    Raises :class:`~graph.core.errors.UnknownEntity` with suggestions when no entity answers
    clearly, :class:`~graph.core.errors.Ambiguous` when several answer equally well.
    """
    candidate = str(text).strip()
    spelled = id_forms(text)
    for iri in spelled:
        if names.known(iri):
            return Resolution(iri, names.label(iri), candidate)
    if spelled and (isinstance(text, URIRef) or ":" in candidate):
        local = local_name(spelled[0])
        wanted = local.replace("_", " ")
        matches, refused = _rank(names, wanted)
        raise UnknownEntity(str(text), suggestions(names, wanted, [m.label for m in matches] + refused))
    exact = names.named(normalize(candidate))
    if exact and max(weight for _, weight, _ in exact) > _FUZZY_BEST:
        matches, refused = _exactly(names, exact), []  # no partial or fuzzy match scores as high
    else:
        matches, refused = _rank(names, candidate)
    accepted = [m for m in matches if m.score >= ACCEPT and names.known(m.iri)]
    if not accepted:
        raise UnknownEntity(str(text), suggestions(names, candidate, [m.label for m in matches] + refused))
    top = accepted[0]
    tied = [m.label for m in accepted if m.score == top.score]
    if len(tied) > 1:
        raise Ambiguous(str(text), tied)
    key = normalize(candidate)
    if all(entity != top.iri for entity, _, _ in exact):
        close = list(dict.fromkeys(m.label for m in accepted[1:] if m.iri != top.iri))
        shown = close[:_NEAR_NAMED] + (
            [f"{len(close) - _NEAR_NAMED} more"] if len(close) > _NEAR_NAMED else []
        )
        return Resolution(top.iri, top.label, top.matched, tuple(shown), nearest=True)
    others = sorted({names.label(e) for e, _, _ in names.named(key) if e != top.iri and names.known(e)})
    return Resolution(top.iri, top.label, top.matched, tuple(others))
