"""backspasm-kg: a knowledge graph of what five public articles say about back spasms.

>>> from graph import load, find
>>> kg = load()
>>> find(kg, "Tylenol")[0].label
'acetaminophen'
"""

from __future__ import annotations

from graph.card import describe
from graph.conflicts import conflicts
from graph.draw import render_html, show_html
from graph.errors import GraphError, ParseError, QueryError, UnknownEntity
from graph.fastload import load_fast
from graph.load import load
from graph.lookup import Match
from graph.model import KnowledgeGraph
from graph.network import to_networkx
from graph.sparql import sparql
from graph.stats import stats
from graph.traverse import path, red_flags, treatments_for
from graph.validate import validate

__all__ = [
    "GraphError",
    "KnowledgeGraph",
    "Match",
    "ParseError",
    "QueryError",
    "UnknownEntity",
    "conflicts",
    "describe",
    "find",
    "load",
    "load_fast",
    "path",
    "red_flags",
    "render_html",
    "show_html",
    "sparql",
    "stats",
    "to_networkx",
    "treatments_for",
    "validate",
]


def find(kg: KnowledgeGraph, text: str, limit: int = 10) -> list[Match]:
    """Return the entities whose label, synonym, brand name or misspelling matches ``text``, best first.

    >>> [m.label for m in find(kg, "Advil")]
    ['ibuprofen']
    """
    return kg.index.find(text, limit=limit)
