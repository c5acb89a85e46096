"""The store path for large graphs: pyoxigraph parses, the networkx view is built straight from its triples.

:func:`graph.store.load` builds an rdflib memory graph (about 30k triples/s and 1 GB for a million
triples). :func:`load_fast` never does: it reads the Turtle files with pyoxigraph's Rust parser
(or the triples of a persistent Oxigraph store filled once with :func:`fill_store`) and, in one
pass, builds the same networkx view (:func:`graph.view.build.to_networkx`: same nodes, edges and
attributes) and the same :class:`~graph.core.lookup.LabelIndex` as the memory path. SPARQL runs on a
pyoxigraph ``Store``: the persistent one, or an in-memory one filled on first use.

Needs the optional ``pyoxigraph`` package (extra ``oxigraph``).
"""

from __future__ import annotations

import os
import sys
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import Graph, URIRef

from graph.core.errors import GraphError, ParseError, QueryError
from graph.core.lookup import _NAME_WEIGHTS, LabelIndex
from graph.core.text import normalize
from graph.core.vocab import BSO, CLASS_NAMES, GUIDANCE, NEGATIVE_RELATIONS, PREFIXES

if TYPE_CHECKING:
    import networkx as nx

    from graph.core.model import KnowledgeGraph

__all__ = ["FastGraph", "fill_store", "load_fast"]

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_TYPE = _RDF + "type"
_STATEMENT = _RDF + "Statement"
_SUBJECT, _PREDICATE, _OBJECT = _RDF + "subject", _RDF + "predicate", _RDF + "object"
_DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom"
_IDENTIFIER = "http://purl.org/dc/terms/identifier"
_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
_BSO = str(BSO.causes).rsplit("#", 1)[0] + "#"
_LINE, _RANK, _CLAIM, _URGENCY = _BSO + "line", _BSO + "rank", _BSO + "claim", _BSO + "urgency"
_SOURCE, _DISAGREEMENT = _BSO + "Source", _BSO + "Disagreement"
_CLASSES = {_BSO + name: name for name in CLASS_NAMES}
_NAMES = {str(predicate): (str(predicate), weight) for predicate, weight in _NAME_WEIGHTS}
_GUIDANCE = {_BSO + name: name for name in GUIDANCE}
#: Average bytes per triple of the project's Turtle, to estimate progress before parsing ends.
_BYTES_PER_TRIPLE = 33

Key = tuple[str, str, str]


@dataclass(frozen=True, eq=False, repr=False)
class FastGraph:
    """A graph loaded through pyoxigraph: its networkx view, label index and a SPARQL store.

    Attributes
    ----------
    nx
        The networkx view, identical to :func:`graph.view.build.to_networkx` of the same data.
    index
        Labels, synonyms and classes of every entity (the same as the memory path's).
    files
        The Turtle files read (empty when read from a persistent store).
    store_path
        The persistent Oxigraph store read, or ``None``.
    triples
        How many triples were read.

    Examples
    --------
    >>> fast = load_fast()
    >>> fast.label(fast.index.resolve("Tylenol"))
    'acetaminophen'
    >>> fast.nx.number_of_edges() == kg.nx.number_of_edges()
    True
    """

    nx: nx.MultiDiGraph[URIRef]
    index: LabelIndex
    files: tuple[Path, ...] = ()
    store_path: Path | None = None
    triples: int = 0
    _memo: dict[str, Any] = field(default_factory=dict, repr=False)

    def __repr__(self) -> str:
        where = f"store={str(self.store_path)!r}" if self.store_path else f"files={len(self.files)}"
        return (
            f"<FastGraph {where} triples={self.triples} nodes={self.nx.number_of_nodes()} "
            f"edges={self.nx.number_of_edges()}>"
        )

    def label(self, node: URIRef) -> str:
        """Return the preferred label of an entity, or its IRI's last segment."""
        return self.index.label(node)

    def types(self, node: URIRef) -> tuple[str, ...]:
        """Return the local names of the classes asserted for an entity."""
        return self.index.types.get(node, ())

    @cached_property
    def store(self) -> Any:
        """The ``pyoxigraph.Store`` to run SPARQL on: the persistent one, or one filled in memory now."""
        import pyoxigraph as ox

        if self.store_path is not None:
            return ox.Store.read_only(str(self.store_path))
        store = ox.Store()
        for file in self.files:
            store.bulk_load(path=str(file), format=ox.RdfFormat.TURTLE, base_iri=file.resolve().as_uri())
        return store

    def knowledge_graph(self) -> KnowledgeGraph:
        """Return a :class:`~graph.core.model.KnowledgeGraph` for the traversal and drawing functions.

        Its ``nx`` and ``index`` are this graph's; its rdflib graph is **empty** (that is the
        point of this path), so run SPARQL with :meth:`query`, not ``kg.sparql``.

        >>> from graph.questions.traverse import treatments_for
        >>> answers = treatments_for(load_fast().knowledge_graph(), "dehydration")
        >>> "staying hydrated" in [r.label for r in answers]
        True
        """
        from graph.core.model import KnowledgeGraph

        if "kg" not in self._memo:
            kg = KnowledgeGraph(rdf=Graph(), index=self.index, files=self.files)
            kg.__dict__["nx"] = self.nx  # fill the cached property: the view is already built
            self._memo["kg"] = kg
        found: KnowledgeGraph = self._memo["kg"]
        return found

    def query(self, text: str, **bindings: URIRef | str | int | float) -> list[dict[str, str]]:
        """Run a SPARQL SELECT (project prefixes predefined) with bound values; rows of plain strings.

        Values are substituted before evaluation (never formatted into the text): an IRI
        (``URIRef``) binds as an IRI, anything else as a literal.

        >>> from graph.core.vocab import BS
        >>> rows = load_fast().query(
        ...     "SELECT ?t WHERE { ?t bso:targets ?c }", c=URIRef(str(BS) + "dehydration"))
        >>> len(rows) > 0
        True
        """
        import pyoxigraph as ox

        if bindings:
            # a trailing VALUES block of terms serialised by pyoxigraph (escaped, never raw text)
            variables = " ".join(f"?{name}" for name in bindings)
            terms = " ".join(str(_ox_term(ox, value)) for value in bindings.values())
            text = f"{text}\nVALUES ({variables}) {{ ({terms}) }}"
        try:
            results = self.store.query(text, prefixes={p: str(ns) for p, ns in PREFIXES.items()})
        except (SyntaxError, ValueError) as error:
            raise QueryError(f"invalid SPARQL: {error}") from None
        if not isinstance(results, ox.QuerySolutions):
            raise QueryError("only SELECT queries are supported here")
        names = [variable.value for variable in results.variables]
        return [
            {name: term.value for name, term in zip(names, solution, strict=True) if term is not None}
            for solution in results
        ]


def _ox_term(ox: Any, value: URIRef | str | int | float) -> Any:
    if isinstance(value, URIRef):
        return ox.NamedNode(str(value))
    return ox.Literal(value) if isinstance(value, str) else ox.Literal(str(value))


def fill_store(target: str | Path, path: str | Path | None = None) -> int:
    """Bulk-load the Turtle files of a graph into a persistent Oxigraph store; return the triple count.

    The store at ``target`` is created if needed and its default graph replaced. No rdflib
    graph is built, so a million triples take seconds. Open it with ``load_fast(store=target)``
    or ``bskg query --store oxigraph:TARGET``.
    """
    import pyoxigraph as ox

    from graph.store.load import data_files

    files = data_files(path)
    folder = Path(target)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        store = ox.Store(str(folder))
    except OSError as error:
        raise GraphError(f"cannot open an Oxigraph store at {folder}: {error}") from None
    store.clear()
    for file in files:
        try:
            store.bulk_load(path=str(file), format=ox.RdfFormat.TURTLE, base_iri=file.resolve().as_uri())
        except SyntaxError as error:
            raise ParseError(file, _line_of(error), f"bad Turtle syntax: {error}") from None
    store.optimize()
    count: int = len(store)
    store.flush()
    return count


def load_fast(
    path: str | Path | None = None, *, store: str | Path | None = None, progress: bool | None = None
) -> FastGraph:
    """Load a graph through pyoxigraph and build its networkx view and label index directly.

    Parameters
    ----------
    path
        A Turtle file or folder (as :func:`graph.store.load`); ``None`` means the bundled data.
    store
        A persistent Oxigraph store filled by :func:`fill_store` (or ``bskg load --into``);
        when given, its triples are read instead of ``path``.
    progress
        Show a progress line on stderr for loads past one second (default: when stderr is a TTY).

    Raises
    ------
    graph.core.errors.ParseError
        A missing file or bad Turtle (with file and line).
    graph.core.errors.GraphError
        A store that cannot be opened.

    Examples
    --------
    >>> fast = load_fast("tests/data/mini")
    >>> fast.label(fast.index.resolve("Advil"))
    'ibuprofen'
    """
    import pyoxigraph as ox

    from graph.store.load import data_files

    show = sys.stderr.isatty() if progress is None else progress
    builder = _Builder()
    started = time.perf_counter()
    if store is not None:
        folder = Path(store)
        if not folder.is_dir():
            raise GraphError(f"no Oxigraph store at {folder} (fill one with: bskg load --into {folder})")
        try:
            opened = ox.Store.read_only(str(folder))
        except OSError as error:
            raise GraphError(f"cannot open the Oxigraph store {folder}: {error}") from None
        total = len(opened)
        builder.feed(_report(opened.quads_for_pattern(None, None, None, None), str(folder), total, show))
        graph, index = builder.build()
        return FastGraph(graph, index, (), folder, builder.count)
    if path is None and os.environ.get("BSKG_DATA"):
        path = os.environ["BSKG_DATA"]
    files = data_files(path)
    for file in files:
        estimate = max(1, file.stat().st_size // _BYTES_PER_TRIPLE)
        try:
            triples = ox.parse(path=str(file), format=ox.RdfFormat.TURTLE, base_iri=file.resolve().as_uri())
            builder.feed(_report(triples, file.name, estimate, show))
        except SyntaxError as error:
            raise ParseError(file, _line_of(error), f"bad Turtle syntax: {error}") from None
        except OSError as error:
            raise ParseError(file, None, f"cannot read: {error}") from None
    graph, index = builder.build()
    if show and time.perf_counter() - started > 1:
        sys.stderr.write(f"\rloaded {builder.count:,} triples in {time.perf_counter() - started:.1f} s\n")
    return FastGraph(graph, index, tuple(files), None, builder.count)


def _line_of(error: SyntaxError) -> int | None:
    return error.lineno if isinstance(error.lineno, int) else None


def _report(items: Iterable[Any], name: str, total: int, show: bool) -> Iterator[Any]:
    """Yield ``items``, printing a progress line to stderr every 100k items once a second has passed."""
    if not show:
        yield from items
        return
    started = time.perf_counter()
    shown = False
    for number, item in enumerate(items, 1):
        if number % 100_000 == 0 and time.perf_counter() - started > 1:
            percent = min(99, 100 * number // total)
            sys.stderr.write(f"\rloading {name}: {number:,} triples (~{percent}%)")
            sys.stderr.flush()
            shown = True
        yield item
    if shown:
        sys.stderr.write(f"\rloading {name}: done{' ' * 30}\n")


class _Builder:
    """Collects what the view and the index need from one pass over the triples."""

    def __init__(self) -> None:
        self.count = 0
        self.types: dict[str, list[str]] = defaultdict(list)
        self.names: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        self.statements: set[str] = set()
        self.ev_subject: dict[str, str] = {}
        self.ev_predicate: dict[str, str] = {}
        self.ev_object: dict[str, str] = {}
        self.ev_source: dict[str, str] = {}
        self.ev_line: dict[str, str] = {}
        self.sources: set[str] = set()
        self.identifiers: dict[str, str] = {}
        self.disagreements: set[str] = set()
        self.claims: list[tuple[str, str]] = []
        self.relations: dict[str, set[tuple[str, str]]] = defaultdict(set)
        self.guidance: dict[str, dict[str, set[tuple[str, str]]]] = defaultdict(lambda: defaultdict(set))
        self.urgency: dict[str, set[str]] = defaultdict(set)
        self.ranks: dict[str, str] = {}
        self.blank_entities: set[str] = set()

    def feed(self, triples: Iterable[Any]) -> None:
        """Sort each triple into the tables it belongs to."""
        import pyoxigraph as ox

        named, literal = ox.NamedNode, ox.Literal
        edge_predicates = {_BSO + name: name for name in _edge_relations()}
        types, names, relations = self.types, self.names, self.relations
        count = 0
        for triple in triples:
            count += 1
            predicate = triple.predicate.value
            subject_term, obj = triple.subject, triple.object
            subject = subject_term.value
            if predicate == _TYPE:
                klass = obj.value
                if klass in _CLASSES:
                    if isinstance(subject_term, named):
                        types[subject].append(_CLASSES[klass])
                elif klass == _STATEMENT:
                    self.statements.add(subject)
                elif klass == _SOURCE:
                    self.sources.add(subject)
                elif klass == _DISAGREEMENT:
                    self.disagreements.add(subject)
            elif predicate in edge_predicates:
                if isinstance(obj, named) and isinstance(subject_term, named):
                    relations[edge_predicates[predicate]].add((subject, obj.value))
            elif predicate in _NAMES:
                names[subject][predicate].add(obj.value)
            elif predicate == _SUBJECT:
                self.ev_subject[subject] = obj.value
            elif predicate == _PREDICATE:
                self.ev_predicate[subject] = obj.value
            elif predicate == _OBJECT:
                self.ev_object[subject] = obj.value if isinstance(obj, named) else str(obj)
            elif predicate == _DERIVED:
                self.ev_source[subject] = obj.value
            elif predicate == _LINE:
                self.ev_line[subject] = obj.value
            elif predicate == _IDENTIFIER:
                self.identifiers[subject] = obj.value
            elif predicate == _CLAIM:
                self.claims.append((subject, obj.value))
            elif predicate == _URGENCY:
                if isinstance(obj, named):
                    self.urgency[subject].add(obj.value)
            elif predicate in _GUIDANCE:
                if isinstance(obj, literal):
                    self.guidance[subject][_GUIDANCE[predicate]].add((obj.value, str(obj)))
            elif predicate == _RANK:
                self.ranks[subject] = obj.value
        self.count += count

    def evidence(self) -> dict[Key, list[tuple[str, int, str]]]:
        """Return the evidence of each triple as sorted ``(source, line, node)`` (as ``EvidenceIndex``)."""
        found: dict[Key, list[tuple[str, int, str]]] = defaultdict(list)
        ids = {source: self.identifiers.get(source, source) for source in self.sources}
        subjects, predicates, objects = self.ev_subject, self.ev_predicate, self.ev_object
        sources, lines = self.ev_source, self.ev_line
        for node in self.statements:
            subject, predicate, obj = subjects.get(node), predicates.get(node), objects.get(node)
            line = lines.get(node)
            if subject is None or predicate is None or obj is None or line is None:
                continue
            source = sources.get(node)
            label = ids.get(source, source) if source is not None else "?"
            found[(subject, predicate, obj)].append((label, _as_int(line, 0), node))
        return found

    def build(self) -> tuple[nx.MultiDiGraph[URIRef], LabelIndex]:
        """Return the networkx view and the label index."""
        import networkx as nx

        index = self._index()
        entities = index.types
        iri = {str(entity): entity for entity in entities}
        evidence = self.evidence()
        contested = {claim for subject, claim in self.claims if subject in self.disagreements}
        graph: nx.MultiDiGraph[URIRef] = nx.MultiDiGraph()
        empty: list[tuple[str, int, str]] = []
        nodes = []
        for entity in sorted(entities, key=str):
            name = str(entity)
            guidance: dict[str, list[dict[str, Any]]] = {}
            given = self.guidance.get(name) if name in self.guidance else None
            for prop in GUIDANCE if given else ():
                values = given.get(prop) if given else None
                if not values:
                    continue
                for value, key in sorted(values):
                    cites = evidence.get((name, _BSO + prop, key), empty)
                    guidance.setdefault(prop, []).append(
                        {"value": value, "evidence": sorted({(s, line) for s, line, _ in cites})}
                    )
            nodes.append(
                (
                    entity,
                    {
                        "label": index.label(entity),
                        "types": index.types.get(entity, ()),
                        "synonyms": tuple(index.synonyms.get(entity, ())),
                        "guidance": guidance,
                    },
                )
            )
        graph.add_nodes_from(nodes)
        edges: list[Any] = []
        for name in _edge_relations():
            predicate = _BSO + name
            negative = name in NEGATIVE_RELATIONS
            for subject, obj in sorted(self.relations.get(name, ())):
                if subject not in iri or obj not in iri:
                    continue
                cites = evidence.get((subject, predicate, obj), empty)
                edges.append(
                    (
                        iri[subject],
                        iri[obj],
                        name,
                        {
                            "predicate": name,
                            "evidence": sorted({(s, line) for s, line, _ in cites}),
                            "support": len({s for s, _, _ in cites}),
                            "negative": negative,
                            "contested": any(node in contested for _, _, node in cites),
                        },
                    )
                )
        graph.add_edges_from(edges)
        for flag in sorted(self.urgency):
            if flag in iri:
                graph.nodes[iri[flag]]["urgency"] = self._urgency(flag, evidence)
        return graph, index

    def _urgency(self, flag: str, evidence: dict[Key, list[tuple[str, int, str]]]) -> list[dict[str, Any]]:
        levels = []
        for level in self.urgency[flag]:
            local = level.rsplit("#", 1)[-1]
            labels = self.names.get(level, {}).get(_LABEL)
            cites = evidence.get((flag, _URGENCY, level), [])
            rank = self.ranks.get(level)
            levels.append(
                {
                    "level": local,
                    "rank": _as_int(rank, 99) if rank is not None else 99,
                    "label": min(labels) if labels else local,
                    "evidence": sorted({(s, line) for s, line, _ in cites}),
                }
            )
        return sorted(levels, key=lambda item: (item["rank"], item["level"]))

    def _index(self) -> LabelIndex:
        """Build the label index exactly as :meth:`LabelIndex.build` does."""
        index = LabelIndex()
        names: dict[str, list[tuple[URIRef, float, str]]] = defaultdict(list)
        for name in sorted(self.types):
            entity = URIRef(name)
            index.types[entity] = tuple(sorted(self.types[name], key=CLASS_NAMES.index))
            synonyms: list[str] = []
            found = self.names.get(name, {})
            for predicate, weight in _NAME_WEIGHTS:
                key = str(predicate)
                for value in sorted(found.get(key, ())):
                    if key == _LABEL and entity not in index.labels:
                        index.labels[entity] = value
                    elif weight < 1.0:
                        synonyms.append(value)
                    names[normalize(value)].append((entity, weight, value))
            index.synonyms[entity] = tuple(synonyms)
        index.names = dict(names)
        return index


def _as_int(value: str, default: int) -> int:
    try:
        return int(value)
    except ValueError:
        return default


def _edge_relations() -> Sequence[str]:
    from graph.view.build import EDGE_RELATIONS

    return EDGE_RELATIONS
