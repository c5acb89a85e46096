"""The ``KnowledgeGraph`` value: the Oxigraph store, its networkx view, its label and evidence indexes."""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import Graph, URIRef

from graph.core.evidence import EvidenceIndex
from graph.core.lookup import LabelIndex
from graph.core.vocab import PREFIXES

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["KnowledgeGraph"]


@dataclass(frozen=True, eq=False, repr=False)
class KnowledgeGraph:
    """The loaded graph. Build it with :func:`graph.load`; operations are module functions over it.

    Attributes
    ----------
    store
        The ``pyoxigraph.Store`` that holds every triple (vocabulary, sources, entities, relations,
        evidence) in its default graph, and runs SPARQL (:func:`graph.sparql`).
    index
        Labels, synonyms and classes of every entity, for lookups.
    evidence
        The evidence nodes keyed by the triple each supports.
    origin
        Where the triples came from: ``bundled data``, a path, or ``oxigraph:PATH``.
    files
        The Turtle files read (empty when the triples came from an Oxigraph folder).
    triples
        How many triples the default graph holds.
    relations
        How many domain relations (edges of the view) the graph states.

    Examples
    --------
    >>> kg.label(kg.index.resolve("Tylenol"))
    'acetaminophen'
    >>> len(repr(kg)) < 200
    True
    """

    store: Any
    index: LabelIndex
    evidence: EvidenceIndex
    origin: str
    files: tuple[Path, ...] = ()
    triples: int = 0
    relations: int = 0
    view: Callable[[], nx.MultiDiGraph[URIRef]] | None = field(default=None, compare=False)

    @cached_property
    def nx(self) -> nx.MultiDiGraph[URIRef]:
        """The networkx view of the domain relations (see :mod:`graph.view.build`), built on first use."""
        if self.view is None:
            import networkx as nx  # only a graph built without a view gets here

            return nx.MultiDiGraph()
        return self.view()

    @cached_property
    def rdf(self) -> Graph:
        """An rdflib ``Graph`` over the same Oxigraph store (oxrdflib): rdflib's API, Oxigraph's engine.

        >>> from graph.core.vocab import BSO
        >>> (kg.index.resolve("stress"), BSO.causes, kg.index.resolve("back spasm")) in kg.rdf
        True
        """
        # oxrdflib is imported on first use: most commands never need rdflib's Graph API
        from oxrdflib import OxigraphStore
        from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

        graph = Graph(store=OxigraphStore(store=self.store), identifier=DATASET_DEFAULT_GRAPH_ID)
        for prefix, namespace in PREFIXES.items():
            graph.bind(prefix, namespace)
        return graph

    def label(self, node: URIRef) -> str:
        """Return the preferred label of an entity, or its IRI's last segment."""
        return self.index.label(node)

    def types(self, node: URIRef) -> tuple[str, ...]:
        """Return the local names of the classes asserted for an entity."""
        return self.index.types.get(node, ())

    def summary(self) -> dict[str, object]:
        """Return the counts shown by ``repr`` and in a notebook."""
        return {
            "origin": self.origin,
            "triples": self.triples,
            "entities": len(self.index.types),
            "relations": self.relations,
            "evidence": len(self.evidence),
        }

    def __repr__(self) -> str:
        counts = self.summary()
        return (
            f"<KnowledgeGraph {counts['triples']} triples, {counts['entities']} entities, "
            f"{counts['relations']} relations, {counts['evidence']} evidence lines from {self.origin}>"
        )

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><th style='text-align:left'>{html.escape(str(key))}</th>"
            f"<td style='text-align:left'>{html.escape(str(value))}</td></tr>"
            for key, value in self.summary().items()
        )
        return f"<table><caption>KnowledgeGraph</caption>{rows}</table>"
