"""The ``KnowledgeGraph`` value: the rdflib graph, its label index and, on first use, its networkx view."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import Graph, URIRef

from graph.core.evidence import EvidenceIndex
from graph.core.lookup import LabelIndex

if TYPE_CHECKING:
    import networkx as nx
    import pandas as pd

__all__ = ["KnowledgeGraph"]


@dataclass(frozen=True, eq=False)
class KnowledgeGraph:
    """The loaded graph. Build it with :func:`graph.store.load`; operations are module functions.

    Attributes
    ----------
    rdf
        Every triple: vocabulary, sources, entities, relations and evidence nodes.
    index
        Labels, synonyms and classes of every entity, for lookups.
    files
        The Turtle files the graph was read from.

    Examples
    --------
    >>> kg.label(kg.index.resolve("Tylenol"))
    'acetaminophen'
    """

    rdf: Graph
    index: LabelIndex
    files: tuple[Path, ...] = field(default=())

    @cached_property
    def evidence(self) -> EvidenceIndex:
        """The evidence nodes keyed by the triple each supports, built on first use."""
        return EvidenceIndex(self.rdf)

    @cached_property
    def nx(self) -> nx.MultiDiGraph[URIRef]:
        """The networkx view of the domain relations, built on first use (see ``graph.view.build``)."""
        from graph.view.build import to_networkx

        return to_networkx(self)

    def label(self, node: URIRef) -> str:
        """Return the preferred label of an entity, or its IRI's last segment."""
        return self.index.label(node)

    def types(self, node: URIRef) -> tuple[str, ...]:
        """Return the local names of the classes asserted for an entity."""
        return self.index.types.get(node, ())

    def sparql(self, query: str, **params: Any) -> pd.DataFrame:
        """Run a named query or SPARQL text with bound parameters; see :func:`graph.query.run.sparql`."""
        from graph.query.run import sparql

        return sparql(self, query, **params)
