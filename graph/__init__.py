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
from graph.extract.extractor import extract
from graph.present.draw import render_html, show_html
from graph.quality.conflicts import conflicts
from graph.quality.validate import validate
from graph.query.run import sparql
from graph.questions.card import describe
from graph.questions.paths import Hop, Ranked
from graph.questions.stats import stats
from graph.questions.traverse import (
    advised_against,
    at_risk,
    best_supported_treatments,
    causes_of,
    conditions_with_symptom,
    members,
    mimics,
    most_connected,
    path,
    preventions_for,
    red_flags,
    side_effects,
    spreads_to,
    symptoms_of,
    treatments_for,
)
from graph.view.build import to_networkx
from graph.view.load import load

__all__ = [
    "GraphError",
    "Hop",
    "KnowledgeGraph",
    "Match",
    "ParseError",
    "QueryError",
    "Ranked",
    "UnknownEntity",
    "advised_against",
    "at_risk",
    "best_supported_treatments",
    "causes_of",
    "conditions_with_symptom",
    "conflicts",
    "describe",
    "extract",
    "find",
    "load",
    "members",
    "mimics",
    "most_connected",
    "path",
    "preventions_for",
    "red_flags",
    "render_html",
    "show_html",
    "side_effects",
    "sparql",
    "spreads_to",
    "stats",
    "symptoms_of",
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
