"""backspasm-kg: a knowledge graph of what five public articles say about back spasms.

>>> from graph import load, find
>>> kg = load()
>>> find(kg, "Tylenol")[0].label
'acetaminophen'
"""

from __future__ import annotations

from graph.core.errors import GraphError, ParseError, QueryError, UnknownEntity
from graph.core.lookup import Match
from graph.core.model import KnowledgeGraph
from graph.present.draw import render_html, show_html
from graph.quality.conflicts import conflicts
from graph.quality.validate import validate
from graph.query.run import sparql
from graph.questions.card import describe
from graph.questions.stats import stats
from graph.questions.traverse import path, red_flags, treatments_for
from graph.store.fastload import load_fast
from graph.store.load import load
from graph.view.build import to_networkx

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
