"""Checks of what the cited words say: hedges and urgency levels against the stating lines.

Two rules of ``data/ontology.ttl`` can be checked by machine once the source texts are at hand:

- a hedged evidence node (``bso:Hedged``) needs a hedge word (:data:`graph.core.vocab.HEDGE_WORDS`)
  in its stating line or in one of its context lines: a claim whose lines hold none is asserted;
- an urgency evidence node cites a line, or a context line, that words its level
  (:data:`graph.core.vocab.URGENCY_WORDS`): each urgency level cites the lines that state it.

The reverse of the first (an asserted node on a line with a hedge word) is not a fault: the hedge
may govern another clause of the same line.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rdflib import RDF, URIRef
from rdflib.namespace import PROV
from rdflib.term import Node

from graph.core.model import KnowledgeGraph
from graph.core.text import mentions
from graph.core.vocab import BSO, HEDGE_WORDS, URGENCY_WORDS, as_int

__all__ = ["hedged", "wording_problems"]

#: One problem: (evidence node, check name, message).
Problem = tuple[URIRef, str, str]


def hedged(text: str) -> bool:
    """Tell whether ``text`` holds one of the hedge words.

    >>> hedged("Heat can relax the muscles."), hedged("Go to the emergency room.")
    (True, False)
    """
    return any(mentions(text, word) for word in HEDGE_WORDS)


def _says_level(text: str, level: str) -> bool:
    return any(mentions(text, phrase) for phrase in URGENCY_WORDS.get(level, ()))


def wording_problems(kg: KnowledgeGraph, texts: Mapping[Node, Sequence[str] | None]) -> list[Problem]:
    """Return the evidence nodes whose lines do not bear out their hedge or their urgency level.

    ``texts`` maps each source node to its lines (``None``: the file is missing; nothing is checked).
    """
    rdf = kg.rdf
    problems: list[Problem] = []
    for evidence in sorted(rdf.subjects(RDF.type, RDF.Statement), key=str):
        lines = texts.get(rdf.value(evidence, PROV.wasDerivedFrom) or evidence)
        if not lines or not isinstance(evidence, URIRef):
            continue
        numbers = [as_int(rdf.value(evidence, BSO.line))]
        numbers += sorted(as_int(n) for n in rdf.objects(evidence, BSO.contextLine))
        cited = [lines[n - 1] for n in numbers if 1 <= n <= len(lines)]
        if not cited:
            continue
        if rdf.value(evidence, BSO.claimStrength) == BSO.Hedged and not any(hedged(t) for t in cited):
            message = "marked hedged, but neither its line nor a context line holds a hedge word"
            problems.append((evidence, "hedge", message))
        if rdf.value(evidence, RDF.predicate) == BSO.urgency:
            level = str(rdf.value(evidence, RDF.object)).rsplit("#", 1)[-1]
            if not any(_says_level(text, level) for text in cited):
                message = f"neither its line nor a context line says the level {level}"
                problems.append((evidence, "urgency", message))
    return problems
