"""Finding entities by any of their names: labels, synonyms, brand names and misspellings.

Matching ignores case, punctuation and plurals (``graph.core.text``) and tolerates typos.
:class:`LabelIndex` holds a loaded graph's names in memory; the rules that rank and resolve names
(the same for a store's index on disk and an endpoint) are in :mod:`graph.core.rules`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from rdflib import URIRef
from rdflib.namespace import RDFS

from graph.core.rules import (
    ACCEPT,
    CLOSE,
    TERM,
    Match,
    Names,
    Resolution,
    Resolver,
    close_matches,
    find_in,
    id_forms,
    resolve_in,
    similar,
    suggestions,
)
from graph.core.text import normalize
from graph.core.vocab import CLASS_NAMES, NAME_WEIGHTS, PREFIXES, local_name

__all__ = [
    "ACCEPT",
    "CLOSE",
    "TERM",
    "LabelIndex",
    "Match",
    "Names",
    "Resolution",
    "Resolver",
    "close_matches",
    "curie",
    "find_in",
    "id_forms",
    "resolve_in",
    "similar",
]

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
        Every normalised name, with the entities (and urgency levels) it names, the weight of the
        name (see :data:`graph.core.vocab.NAME_WEIGHTS`) and the name as written.
    terms
        The labels of the vocabulary's own individuals that relations point at (urgency levels),
        so they are shown by label too; ``find`` lists them, but a name never resolves to one.
    """

    labels: dict[URIRef, str] = field(default_factory=dict)
    types: dict[URIRef, tuple[str, ...]] = field(default_factory=dict)
    synonyms: dict[URIRef, tuple[str, ...]] = field(default_factory=dict)
    names: dict[str, list[tuple[URIRef, float, str]]] = field(default_factory=dict)
    terms: dict[URIRef, str] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        types: Mapping[str, Iterable[str]],
        names: Mapping[str, Mapping[str, Iterable[str]]],
        levels: Iterable[str] = (),
    ) -> LabelIndex:
        """Build the index from each entity's classes, its names by predicate IRI, and the urgency levels.

        The one builder of label indexes: the loaded graph's (:mod:`graph.view.tables`) and a store's
        (:mod:`graph.store.labels`).
        """
        index = cls()
        found_names: dict[str, list[tuple[URIRef, float, str]]] = {}
        label_key = str(RDFS.label)
        ordered: dict[tuple[str, ...], tuple[str, ...]] = {}  # few distinct sets of classes: one tuple each
        keys = [(str(predicate), weight) for predicate, weight in NAME_WEIGHTS]
        for name in sorted(types, key=str):  # rdflib compares IRIs in Python: str is ten times faster
            entity = name if isinstance(name, URIRef) else URIRef(name)  # a URIRef key is kept as it is
            classes = tuple(types[name])
            if classes not in ordered:
                ordered[classes] = tuple(sorted(set(classes), key=CLASS_NAMES.index))
            index.types[entity] = ordered[classes]
            synonyms: list[str] = []
            found = names.get(str(name), {})
            for key, weight in keys:
                for value in sorted(found.get(key, ())):
                    if key == label_key and entity not in index.labels:
                        index.labels[entity] = value
                    elif weight < 1.0:
                        synonyms.append(value)
                    key_of = normalize(value)
                    if key_of in found_names:
                        found_names[key_of].append((entity, weight, value))
                    else:
                        found_names[key_of] = [(entity, weight, value)]
            index.synonyms[entity] = tuple(synonyms)
        for level in sorted(levels):
            labels = sorted(names.get(level, {}).get(label_key, ()))
            if labels:
                index.terms[URIRef(level)] = labels[0]
                found_names.setdefault(normalize(labels[0]), []).append((URIRef(level), 1.0, labels[0]))
        index.names = found_names
        return index

    def label(self, entity: URIRef) -> str:
        """Return the preferred label of an entity (its IRI's last segment if it has none)."""
        if entity in self.labels:
            return self.labels[entity]
        if entity in self.terms:
            return self.terms[entity]
        return local_name(entity)

    def named(self, key: str) -> Sequence[tuple[URIRef, float, str]]:
        """Return the entities named ``key`` (a normalised name)."""
        return self.names.get(key, ())

    def containing(self, key: str) -> Iterable[str]:
        """Return every normalised name (the caller keeps those that contain ``key`` or are in it)."""
        return self.names

    def near(self, key: str, cutoff: float) -> Iterable[str]:
        """Return every normalised name (the caller keeps the close ones)."""
        return self.names

    def types_of(self, entity: URIRef) -> tuple[str, ...]:
        """Return the classes of an entity, or ``("UrgencyLevel",)`` for an urgency level."""
        return self.types.get(entity) or ((TERM,) if entity in self.terms else ())

    def known(self, entity: URIRef) -> bool:
        """Tell whether ``entity`` is one of the graph's entities."""
        return entity in self.types

    def find(self, text: str, limit: int = 10) -> list[Match]:
        """Return the entities that answer to ``text``, best first.

        >>> [m.label for m in kg.index.find("tylenol")]
        ['acetaminophen']
        >>> kg.index.find("muscle relaxers")[0].label
        'muscle relaxant'
        """
        return find_in(self, text, limit)

    def suggest(self, text: str, limit: int = 3) -> list[str]:
        """Return the closest names to ``text`` for a "did you mean" line."""
        return suggestions(self, text)[:limit]

    def resolve(self, text: str | URIRef) -> URIRef:
        """Return the one entity ``text`` names: an IRI, ``bs:id``, an id, or a name.

        Raises :class:`graph.core.errors.UnknownEntity`, with suggestions, when no entity
        answers clearly (:class:`graph.core.errors.Ambiguous` when several answer equally).

        >>> kg.index.resolve("bs:dehydration") == kg.index.resolve("Dehydration")
        True
        """
        return resolve_in(self, text).iri
