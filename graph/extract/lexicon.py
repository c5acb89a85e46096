"""The names the extractor looks for: every entity of the graph by each of its names, with its classes.

The lexicon is the one ``bskg find`` searches (labels, synonyms, brand names, misspellings);
it also carries the vocabulary's domain and range of each relation, so a pair of entities is
only proposed for a relation their classes fit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import RDFS, URIRef

from graph.core.model import KnowledgeGraph
from graph.core.vocab import BSO, CLASS_NAMES, RELATIONS

__all__ = ["Lexicon", "lexicon"]


@dataclass(frozen=True)
class Lexicon:
    """Entities by name, their classes, and which classes each relation joins.

    Attributes
    ----------
    names
        ``(name, entity)`` pairs, every name of every entity known to the lexicon.
    labels, types
        The preferred label and the classes of each entity.
    domains, ranges
        For each relation, the classes its subject and object may have (subclasses included).
    parents
        Each class with the classes above it (itself included).
    """

    names: tuple[tuple[str, URIRef], ...]
    labels: dict[URIRef, str]
    types: dict[URIRef, tuple[str, ...]]
    domains: dict[str, frozenset[str]] = field(default_factory=dict)
    ranges: dict[str, frozenset[str]] = field(default_factory=dict)
    parents: dict[str, frozenset[str]] = field(default_factory=dict)

    def fits(self, predicate: str, subject: Iterable[str], obj: Iterable[str]) -> bool:
        """Tell whether entities of these classes can be joined by ``predicate``.

        >>> lex = lexicon(kg)
        >>> lex.fits("treats", ["Medication"], ["Symptom"]), lex.fits("treats", ["Symptom"], ["Medication"])
        (True, False)
        """
        above = self.parents
        s = {p for c in subject for p in above.get(c, {c})}
        o = {p for c in obj for p in above.get(c, {c})}
        return bool(s & self.domains.get(predicate, frozenset())) and bool(
            o & self.ranges.get(predicate, frozenset())
        )

    def role_class(self, predicate: str, role: str) -> str:
        """Return the class a new entity gets when it takes ``role`` (subject/object) in ``predicate``.

        >>> lexicon(kg).role_class("treats", "subject")
        'Treatment'
        """
        allowed = self.domains if role == "subject" else self.ranges
        for name in sorted(CLASS_NAMES, key=lambda c: c == "Condition"):  # the more specific class first
            if name in allowed.get(predicate, frozenset()):
                return name
        return "Condition"


def _class_closure(kg: KnowledgeGraph) -> dict[str, frozenset[str]]:
    parents: dict[str, set[str]] = {name: {name} for name in CLASS_NAMES}
    for name in CLASS_NAMES:
        for parent in kg.rdf.objects(BSO[name], RDFS.subClassOf):
            local = str(parent).rsplit("#", 1)[-1]
            if local in parents:
                parents[name].add(local)
    for _ in CLASS_NAMES:  # settle chains (RedFlag ⊂ Symptom ⊂ Entity)
        for name, above in parents.items():
            parents[name] = set().union(*(parents.get(p, {p}) for p in above))
    return {name: frozenset(above) for name, above in parents.items()}


def _schema(kg: KnowledgeGraph, link: URIRef) -> dict[str, frozenset[str]]:
    found: dict[str, frozenset[str]] = {}
    for name in RELATIONS:
        classes = {str(c).rsplit("#", 1)[-1] for c in kg.rdf.objects(BSO[name], link)}
        if "Entity" in classes:
            classes |= set(CLASS_NAMES)
        found[name] = frozenset(classes)
    return found


def lexicon(kg: KnowledgeGraph, without_source: str | None = None) -> Lexicon:
    """Build the lexicon of a graph, optionally as if one source had never been read.

    Parameters
    ----------
    kg
        The graph whose entities and names are looked for.
    without_source
        A source id (``"002"``): entities that only this source's evidence names are left out,
        so the extractor meets them as new (the leave-one-source-out evaluation).

    Examples
    --------
    >>> lex = lexicon(kg)
    >>> ("tylenol", kg.index.resolve("acetaminophen")) in [(n.lower(), e) for n, e in lex.names]
    True
    """
    index = kg.index
    keep = set(index.types)
    if without_source is not None:
        named: dict[URIRef, set[str]] = {}
        for (s, _, o), evidence in kg.evidence:
            for node in (s, o):
                if isinstance(node, URIRef):
                    named.setdefault(node, set()).update(e.source for e in evidence)
        keep = {e for e in keep if named.get(e, set()) - {without_source} or e not in named}
    names = sorted(
        {(name, entity) for entity in keep for name in (index.label(entity), *index.synonyms.get(entity, ()))}
    )
    return Lexicon(
        names=tuple(names),
        labels={e: index.label(e) for e in keep},
        types={e: index.types.get(e, ()) for e in keep},
        domains=_schema(kg, BSO.domainIncludes),
        ranges=_schema(kg, BSO.rangeIncludes),
        parents=_class_closure(kg),
    )
