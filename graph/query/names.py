"""Names looked up where the data lives: a store resolves a name without reading its label catalogue.

:func:`lookup_of` gives every store one :class:`Lookup` with the rules of
:func:`graph.core.lookup.resolve_in`:

* the loaded graph (``memory``): its label index, already in memory;
* an Oxigraph folder: its label index on disk (:mod:`graph.store.labels`), built when the folder
  was filled and rebuilt when its data changed;
* an endpoint: bounded SPARQL. The text's exact spellings (as typed, lower case, capitalised, title
  case, upper case; plain and ``@en``) are one lookup each in the store's index of literals
  (``VALUES ?l {…} ?s ?p ?l``). Only when no entity has the name itself are partial and misspelt
  names looked for: in the label index written when ``bskg load --into URL`` filled the server,
  if the server's census of names and classes (:data:`graph.store.labels.CENSUS`, one query) is
  still the one it was written for; else with a query for names that contain a fragment of each
  word (``CONTAINS``, at most :data:`CANDIDATES` rows). Either way the candidates' names and classes
  are then read from the endpoint itself (an index entity the endpoint no longer has makes the
  index stale: it is removed and the ``CONTAINS`` query asked), and become a small label index,
  ranked with the same code as the loaded graph's.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Literal, URIRef
from rdflib.namespace import RDFS

from graph.core.lookup import (
    LabelIndex,
    Match,
    Names,
    Resolution,
    find_in,
    id_forms,
    resolve_in,
)
from graph.core.rules import suggestions
from graph.core.text import normalize, tokens
from graph.core.vocab import BSO, CLASS_NAMES, LABEL_PREDICATES, local_name
from graph.query.values import term_text

if TYPE_CHECKING:
    from graph.query.results import Answer
    from graph.query.stores import Store
    from graph.store.labels import StoredNames

__all__ = ["CANDIDATES", "Lookup", "answer_index", "labels_of", "lookup_of"]

#: Rows the fragment query of an endpoint may return.
CANDIDATES = 2000
#: Best matches of a store's label index whose names are read from the endpoint.
_FROM_INDEX = 50
#: Entities named in one ``VALUES`` block.
_BATCH = 400
_CLASSES = ", ".join(f"bso:{name}" for name in (*CLASS_NAMES, "UrgencyLevel"))
_LEVEL = str(BSO.UrgencyLevel)
_PREDICATES = ", ".join(f"<{p}>" for p in LABEL_PREDICATES)
_LOCAL = {str(BSO[name]): name for name in CLASS_NAMES}


@dataclass
class Lookup:
    """Find and resolve names in one graph, wherever its names are kept."""

    names: Names | None = None
    store: Store | None = None
    _seen: dict[str, LabelIndex] = field(default_factory=dict, repr=False)

    def _names(self, text: str) -> Names:
        if self.names is not None:
            return self.names
        if text not in self._seen:
            assert self.store is not None
            self._seen[text] = _candidates(self.store, text, lambda: self._endpoint_index)
        return self._seen[text]

    @functools.cached_property
    def _endpoint_index(self) -> StoredNames | None:
        """The endpoint's label index written when it was filled, if still current (asked once)."""
        return _endpoint_index(self.store)

    def resolution(self, text: str | URIRef) -> Resolution:
        """Return the entity ``text`` names, with the others that answer to the same name."""
        return resolve_in(self._names(str(text)), text)

    def resolve(self, text: str | URIRef) -> URIRef:
        """Return the entity ``text`` names (see :func:`graph.core.lookup.resolve_in`)."""
        return self.resolution(text).iri

    def find(self, text: str, limit: int = 10) -> list[Match]:
        """Return the entities (and urgency levels) that answer to ``text``, best first.

        An IRI, CURIE or id of an entity that is not also a name finds that entity alone (score 1.0).
        """
        names = self._names(text)
        if not names.named(normalize(text)):
            for iri in id_forms(text):
                if names.known(iri):
                    return [Match(iri, names.label(iri), names.types_of(iri), 1.0, text.strip(), "id")]
        return find_in(names, text, limit)


def lookup_of(store: Store, *, progress: bool | None = None) -> Lookup:
    """Return the :class:`Lookup` of a store (the folder's label index is built here if missing or stale)."""
    from graph.query.stores import OxigraphStore

    if isinstance(store, OxigraphStore):
        if store.spec == "memory":
            return Lookup(store.index())
        from graph.store.labels import folder_names

        folder = Path(store.spec.removeprefix("oxigraph:"))
        return Lookup(folder_names(store.store, folder, progress=progress))
    return Lookup(store=store)


def _spellings(text: str) -> list[Literal]:
    typed = " ".join(text.split())
    forms = dict.fromkeys([typed, typed.lower(), typed.capitalize(), typed.title(), typed.upper()])
    return [Literal(form, lang=lang) for form in forms for lang in (None, "en")]


def _fragments(text: str) -> list[list[str]]:
    """Return, for each word of the text, pieces a misspelt or partial name still shares with it."""
    return [sorted({word} if len(word) <= 4 else {word[:4], word[-4:]}) for word in tokens(text)]


def _holding(pieces: list[list[str]], every: bool) -> str:
    """Return a test that a label holds a piece of every word (``every``) or of any word."""
    tests = [
        "(" + " || ".join(f"CONTAINS(LCASE(STR(?l)), {term_text(Literal(p))})" for p in word) + ")"
        for word in pieces
    ]
    return (" && " if every else " || ").join(tests)


def _rows(store: Store, query: str) -> list[tuple[str, ...]]:
    answer = store.execute(query, {}, None)
    return [tuple("" if cell is None else str(cell) for cell in row) for row in answer.rows]


def _endpoint_index(store: Store | None) -> StoredNames | None:
    """Return the label index written when the endpoint was filled, if its census still matches."""
    from graph.store.labels import CENSUS, census, endpoint_names

    url = getattr(store, "url", None)
    if store is None or url is None:
        return None
    return endpoint_names(url, census(store.execute(CENSUS, {}, None).rows))


def _from_index(index: StoredNames, text: str) -> list[str]:
    """Return the entities the index finds for ``text``, and those its "did you mean" names name."""
    found = [str(match.iri) for match in find_in(index, text, _FROM_INDEX)]
    for name in suggestions(index, text):
        found += [str(entity) for entity, _, _ in index.named(normalize(name))]
    return list(dict.fromkeys(found))


def _indexed_rows(
    store: Store, index: StoredNames, text: str, shape: Callable[[str], str]
) -> list[tuple[str, ...]] | None:
    """Return the rows of the entities the endpoint's index finds for ``text``, read from the endpoint.

    None when the index names an entity the endpoint no longer holds: the index is stale, and removed.
    """
    wanted = _from_index(index, text)
    rows: list[tuple[str, ...]] = []
    for start in range(0, len(wanted), _BATCH):
        block = " ".join(term_text(URIRef(iri)) for iri in wanted[start : start + _BATCH])
        rows += _rows(store, shape(f"VALUES ?s {{ {block} }}"))
    if set(wanted) - {row[0] for row in rows}:
        index.db.close()
        index.path.unlink(missing_ok=True)
        return None
    return rows


def _containing_rows(store: Store, text: str, shape: Callable[[str, str], str]) -> list[tuple[str, ...]]:
    """Return the rows of names holding a fragment of every word of ``text`` (else of any word)."""
    pieces = _fragments(text)
    nearest = f"ORDER BY ABS(STRLEN(?l) - {len(text)})"  # names of a near length first
    for every in (True, False) if len(pieces) > 1 else (True,) if pieces else ():
        found = _rows(store, shape(f"FILTER({_holding(pieces, every)})", nearest))
        if found:
            return found
    return []


def _candidates(store: Store, text: str, index: Callable[[], StoredNames | None]) -> LabelIndex:
    """Return a label index of the entities an endpoint holds that may answer to ``text``."""
    types: dict[str, list[str]] = defaultdict(list)
    names: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))

    def shape(pattern: str, order: str = "") -> str:  # FILTER(IN), not VALUES: two VALUES joined scan
        return (
            f"SELECT ?s ?p ?l ?c WHERE {{ {pattern} ?s ?p ?l FILTER(?p IN ({_PREDICATES})) "
            f"?s a ?c FILTER(?c IN ({_CLASSES})) }} {order} LIMIT {CANDIDATES}"
        )

    exact = "VALUES ?l { " + " ".join(term_text(s) for s in _spellings(text)) + " }"
    rows = _rows(store, shape(exact))
    if not any(normalize(label) == normalize(text) for _, _, label, _ in rows):
        forms = id_forms(text)
        for iri in forms:
            query = f"SELECT ?c WHERE {{ {term_text(iri)} a ?c }}"
            rows += [(str(iri), "", "", klass) for (klass,) in _rows(store, query)]
        if not any(klass in _LOCAL for _, _, _, klass in rows):
            wanted = local_name(forms[0]) if forms and ":" in text else text
            stored = index()
            found = None if stored is None else _indexed_rows(store, stored, wanted, shape)
            rows += _containing_rows(store, wanted, shape) if found is None else found
    levels: set[str] = set()
    for subject, predicate, label, klass in rows:
        if klass in _LOCAL:
            types[subject].append(_LOCAL[klass])
        elif klass == _LEVEL:
            levels.add(subject)
        if predicate:
            names[subject][predicate].add(label)
    for subject, label in labels_of(store, [*types, *levels]).items():
        names[subject][str(RDFS.label)].add(label)
    return LabelIndex.of(types, names, levels)


def labels_of(store: Store, entities: Iterable[str]) -> dict[str, str]:
    """Return the preferred label of each entity that has one, fetched :data:`_BATCH` at a time."""
    wanted = sorted(set(entities))
    found: dict[str, str] = {}
    for start in range(0, len(wanted), _BATCH):
        block = " ".join(term_text(URIRef(iri)) for iri in wanted[start : start + _BATCH])
        query = f"SELECT ?s ?l WHERE {{ VALUES ?s {{ {block} }} ?s rdfs:label ?l }}"
        for subject, label in _rows(store, query):
            if subject not in found or label < found[subject]:
                found[subject] = label
    return found


def answer_index(store: Store, answer: Answer) -> LabelIndex:
    """Return a label index for an answer's label columns: the loaded graph's, or the labels of its IRIs."""
    from graph.query.stores import OxigraphStore

    if isinstance(store, OxigraphStore) and store.spec == "memory":
        return store.index()
    iris = {str(cell) for row in answer.rows for cell in row if isinstance(cell, URIRef)}
    return LabelIndex(labels={URIRef(iri): label for iri, label in labels_of(store, iris).items()})
