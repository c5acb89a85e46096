"""Finding entities by any of their names: labels, synonyms, brand names and misspellings.

Matching ignores case, punctuation and plurals (``graph.core.text``) and tolerates typos
(``difflib``). Scores run from 0 to 1: 1.0 for the preferred label, 0.95 for a synonym,
0.9 for a recorded misspelling, less for partial and fuzzy matches.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import RDF, RDFS, SKOS, Graph, URIRef

from graph.core.errors import UnknownEntity
from graph.core.text import normalize
from graph.core.vocab import BS, BSO, CLASS_NAMES

__all__ = ["LabelIndex", "Match"]

_NAME_WEIGHTS = ((RDFS.label, 1.0), (SKOS.prefLabel, 1.0), (SKOS.altLabel, 0.95), (SKOS.hiddenLabel, 0.9))
_FUZZY_CUTOFF = 0.72
_ACCEPT = 0.8


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
    """Names, preferred labels and classes of every entity in a graph."""

    labels: dict[URIRef, str] = field(default_factory=dict)
    types: dict[URIRef, tuple[str, ...]] = field(default_factory=dict)
    synonyms: dict[URIRef, tuple[str, ...]] = field(default_factory=dict)
    names: dict[str, list[tuple[URIRef, float, str]]] = field(default_factory=dict)

    @classmethod
    def build(cls, rdf: Graph) -> LabelIndex:
        """Index every subject typed with a domain class of the vocabulary."""
        classes = {BSO[name]: name for name in CLASS_NAMES}
        types: dict[URIRef, list[str]] = defaultdict(list)
        for subject, klass in rdf.subject_objects(RDF.type):
            if isinstance(klass, URIRef) and klass in classes and isinstance(subject, URIRef):
                types[subject].append(classes[klass])
        index = cls()
        names: dict[str, list[tuple[URIRef, float, str]]] = defaultdict(list)
        for entity, kinds in types.items():
            index.types[entity] = tuple(sorted(kinds, key=CLASS_NAMES.index))
            synonyms: list[str] = []
            for predicate, weight in _NAME_WEIGHTS:
                for value in sorted(str(v) for v in rdf.objects(entity, predicate)):
                    if predicate == RDFS.label and entity not in index.labels:
                        index.labels[entity] = value
                    elif predicate in (SKOS.altLabel, SKOS.hiddenLabel):
                        synonyms.append(value)
                    names[normalize(value)].append((entity, weight, value))
            index.synonyms[entity] = tuple(synonyms)
        index.names = dict(names)
        return index

    def label(self, entity: URIRef) -> str:
        """Return the preferred label of an entity (its IRI's last segment if it has none)."""
        if entity in self.labels:
            return self.labels[entity]
        text = str(entity)
        return text.rsplit("/", 1)[-1].rsplit("#", 1)[-1]

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
            ratio = difflib.SequenceMatcher(None, query, key).ratio()
            if ratio >= _FUZZY_CUTOFF:
                for entity, weight, name in entries:
                    offer(entity, weight * ratio * 0.92, name)
        ranked = sorted(best.items(), key=lambda item: (-item[1][0], self.label(item[0])))
        return [
            Match(entity, self.label(entity), self.types.get(entity, ()), score, name)
            for entity, (score, name) in ranked[:limit]
        ]

    def suggest(self, text: str, limit: int = 3) -> list[str]:
        """Return the closest names to ``text`` for a "did you mean" line."""
        keys = difflib.get_close_matches(normalize(text), list(self.names), n=limit, cutoff=0.5)
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
