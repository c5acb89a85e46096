"""Finding entities by any of their names: labels, synonyms, brand names and misspellings.

Matching ignores case, punctuation and plurals (``graph.core.text``) and tolerates typos
(``rapidfuzz``'s Indel similarity, imported on the first fuzzy lookup so that commands which never
look a name up do not pay for it). Scores run from 0 to 1: 1.0 for the preferred label, 0.95 for a synonym,
0.9 for a recorded misspelling, less for partial and fuzzy matches.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import URIRef

from graph.core.errors import UnknownEntity
from graph.core.text import normalize
from graph.core.vocab import BS, PREFIXES, local_name

__all__ = ["LabelIndex", "Match", "close_matches", "curie", "similar"]

_FUZZY_CUTOFF = 0.72
_ACCEPT = 0.8


#: Prefixes, longest namespace first, so the most specific one names an IRI.
_BY_LENGTH = sorted(((p, str(ns)) for p, ns in PREFIXES.items()), key=lambda item: -len(item[1]))


def curie(iri: URIRef | str) -> str:
    """Return an IRI as a CURIE with the project's prefixes, or unchanged when none fits.

    >>> curie("https://w3id.org/backspasm-kg/id/back_spasm"), curie("http://e/a")
    ('bs:back_spasm', 'http://e/a')
    """
    text = str(iri)
    for prefix, namespace in _BY_LENGTH:
        local = text[len(namespace) :]
        if text.startswith(namespace) and local and not any(ch in local for ch in "/#?"):
            return f"{prefix}:{local}"
    return text


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


@dataclass(frozen=True)
class Match:
    """One entity found for a text, with the name that matched and how well."""

    iri: URIRef
    label: str
    types: tuple[str, ...]
    score: float
    matched: str


@dataclass
class LabelIndex:
    """Names, preferred labels and classes of every entity in a graph (built by :mod:`graph.view.build`).

    Attributes
    ----------
    labels
        The preferred label (``rdfs:label``) of each entity.
    types
        The domain classes of each entity, by local name, in the vocabulary's order.
    synonyms
        The other names of each entity: synonyms, brand names, misspellings.
    names
        Every normalised name, with the entities it names, the weight of the name (see
        :data:`graph.core.vocab.NAME_WEIGHTS`) and the name as written.
    terms
        The labels of the vocabulary's own individuals that relations point at (urgency levels),
        so they are shown by label too; they are not entities and are never found by name.
    """

    labels: dict[URIRef, str] = field(default_factory=dict)
    types: dict[URIRef, tuple[str, ...]] = field(default_factory=dict)
    synonyms: dict[URIRef, tuple[str, ...]] = field(default_factory=dict)
    names: dict[str, list[tuple[URIRef, float, str]]] = field(default_factory=dict)
    terms: dict[URIRef, str] = field(default_factory=dict)

    def label(self, entity: URIRef) -> str:
        """Return the preferred label of an entity (its IRI's last segment if it has none)."""
        if entity in self.labels:
            return self.labels[entity]
        if entity in self.terms:
            return self.terms[entity]
        return local_name(entity)

    def find(self, text: str, limit: int = 10) -> list[Match]:
        """Return the entities that answer to ``text``, best first.

        >>> [m.label for m in kg.index.find("tylenol")]
        ['acetaminophen']
        >>> kg.index.find("muscle relaxers")[0].label
        'muscle relaxant'
        """
        query = normalize(text)
        if not query:
            return []
        best: dict[URIRef, tuple[float, str]] = {}

        def offer(entity: URIRef, score: float, name: str) -> None:
            if score > best.get(entity, (0.0, ""))[0]:
                best[entity] = (round(score, 3), name)

        for entity, weight, name in self.names.get(query, ()):
            offer(entity, weight, name)
        for key, entries in self.names.items():
            if key == query:
                continue
            padded_key, padded_query = f" {key} ", f" {query} "
            if padded_query in padded_key or padded_key in padded_query:
                overlap = min(len(key), len(query)) / max(len(key), len(query))
                for entity, weight, name in entries:
                    offer(entity, weight * (0.55 + 0.3 * overlap), name)
        for key, ratio in similar(query, (k for k in self.names if k != query), _FUZZY_CUTOFF):
            for entity, weight, name in self.names[key]:
                offer(entity, weight * ratio * 0.92, name)
        ranked = sorted(best.items(), key=lambda item: (-item[1][0], self.label(item[0])))
        return [
            Match(entity, self.label(entity), self.types.get(entity, ()), score, name)
            for entity, (score, name) in ranked[:limit]
        ]

    def suggest(self, text: str, limit: int = 3) -> list[str]:
        """Return the closest names to ``text`` for a "did you mean" line."""
        keys = close_matches(normalize(text), self.names, n=limit, cutoff=0.5)
        return [self.names[key][0][2] for key in keys]

    def resolve(self, text: str) -> URIRef:
        """Return the one entity ``text`` names: an IRI, ``bs:id``, an id, or a name.

        Raises :class:`graph.core.errors.UnknownEntity`, with suggestions, when no entity
        answers clearly.

        >>> kg.index.resolve("bs:dehydration") == kg.index.resolve("Dehydration")
        True
        """
        candidate = text.strip()
        if candidate and not any(ch.isspace() or ch in '<>"{}|^`\\' for ch in candidate):
            for iri in (URIRef(candidate), URIRef(str(BS) + candidate.removeprefix("bs:"))):
                if iri in self.types:
                    return iri
        matches = self.find(candidate, limit=2)
        if matches and matches[0].score >= _ACCEPT:
            if len(matches) == 1 or matches[1].score < matches[0].score:
                return matches[0].iri
        names = [m.label for m in matches] if matches else self.suggest(candidate)
        raise UnknownEntity(text, names)
