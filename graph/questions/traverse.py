"""The competency questions as named, typed paths over the networkx view.

Each question function takes the asked entity as an IRI or any of its names, and returns
:class:`~graph.questions.paths.Ranked` answers, best first, each carrying the paths that justify
it with the evidence of every hop (see :mod:`graph.questions.paths` for the scores). Negative
claims (``notRecommendedFor``, ``doesNotTreat``, ``notSignOf``) are never part of a
positive answer; :func:`advised_against` and :func:`not_sign_of` report them.

Examples
--------
>>> [r.label for r in treatments_for(kg, "dehydration")][:1]
['staying hydrated']
>>> [h.predicate for h in treatments_for(kg, "dehydration")[0].paths[0]]
['targets']
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from rdflib import URIRef

from graph.core.errors import GraphError, WrongKind
from graph.core.model import KnowledgeGraph
from graph.core.vocab import NEGATIVE_RELATIONS
from graph.questions.metapaths import (
    AGAINST_PATHS,
    CAUSE_PATHS,
    MEMBER_PATHS,
    MIMIC_PATHS,
    NOT_SIGN_PATHS,
    PREVENTION_PATHS,
    RED_FLAG_PATHS,
    RISK_PATHS,
    SIDE_EFFECT_PATHS,
    SPREAD_PATHS,
    SPREADING_PATHS,
    SYMPTOM_OF_PATHS,
    SYMPTOM_PATHS,
    TREATMENT_PATHS,
)
from graph.questions.paths import Hop, Metapath, Ranked, hop, order, rank, walk, why
from graph.questions.ranking import best_supported_treatments, most_connected, usage

__all__ = [
    "NoPath",
    "advised_against",
    "at_risk",
    "best_supported_treatments",
    "causes_of",
    "conditions_with_symptom",
    "entity",
    "members",
    "mimics",
    "most_connected",
    "not_sign_of",
    "path",
    "preventions_for",
    "red_flags",
    "side_effects",
    "spreads_to",
    "symptoms_of",
    "treatments_for",
    "usage",
]

#: What each kind of entity can be asked about (for WrongKind messages).
ASK = {
    "Cause": "treatments, prevent, causes",
    "Condition": "treatments, causes, symptoms, red-flags, prevent, mimics, at-risk",
    "Symptom": "treatments, causes, symptom-of",
    "RedFlag": "symptom-of, red-flags",
    "Medication": "side-effects, show, path",
    "DrugClass": "members, side-effects, show",
}


def entity(kg: KnowledgeGraph, name: URIRef | str) -> URIRef:
    """Resolve an IRI or any name to an entity IRI (:class:`~graph.core.errors.UnknownEntity` if none).

    >>> entity(kg, "Tylenol") == entity(kg, "bs:acetaminophen")
    True
    """
    return kg.index.resolve(name)


def _of_kind(kg: KnowledgeGraph, name: URIRef | str, kinds: Iterable[str], question: str) -> URIRef:
    iri = entity(kg, name)
    types = kg.types(iri)
    wanted = tuple(kinds)
    if not set(wanted).intersection(types):
        kind = " and ".join(types) or "entity"
        names = [re.sub(r"(?<=[a-z])(?=[A-Z])", " ", k).lower() for k in wanted]
        expected = ", ".join(names[:-1]) + " or " + names[-1] if len(names) > 1 else names[0]
        ask = "; ".join(f"for a {t} ask: {ASK[t]}" for t in types if t in ASK) or "ask: show, path"
        raise WrongKind(f"{kg.label(iri)!r} is a {kind}, not a {expected}: no {question} to give; {ask}")
    return iri


def _ask(kg: KnowledgeGraph, target: URIRef, paths: Iterable[Metapath]) -> list[Ranked]:
    found = ((m, answer, hops) for m in paths for answer, hops in walk(kg, target, m))
    return rank(kg, found, exclude=(target,))


def treatments_for(kg: KnowledgeGraph, cause: URIRef | str) -> list[Ranked]:
    """Find the treatments and preventions linked to a cause (or a condition or symptom), most direct first.

    First those that act on it (``targets``, or ``treats``), then those for the conditions it
    causes; medications are also reached through their drug class. A path is dropped when a
    source makes a negative claim (``notRecommendedFor``, ``doesNotTreat``) from the answer to
    a node of that path; treatments the sources advise against are in :func:`advised_against`.

    >>> [r.label for r in treatments_for(kg, "stress")][:1]
    ['stress management']
    """
    iri = _of_kind(kg, cause, ("Cause", "Condition", "Symptom"), "treatments")
    found = (
        (m, answer, hops)
        for m in TREATMENT_PATHS
        for answer, hops in walk(kg, iri, m)
        if not any(_denied(kg, answer, node) for h in hops for node in (h.subject, h.object))
    )
    return rank(kg, found, exclude=(iri,))


def _denied(kg: KnowledgeGraph, answer: URIRef, node: URIRef) -> bool:
    """Tell whether a source makes a negative claim from ``answer`` to ``node`` (looked up, not scanned)."""
    keys = kg.nx.get_edge_data(answer, node) or {}
    return any(key in NEGATIVE_RELATIONS for key in keys)


def advised_against(kg: KnowledgeGraph, target: URIRef | str) -> list[Ranked]:
    """Find the treatments a source advises against (or says do not help) for a target or what it causes.

    >>> [r.label for r in advised_against(kg, "back spasm")]
    ['bed rest']
    """
    return _ask(kg, entity(kg, target), AGAINST_PATHS)


def causes_of(kg: KnowledgeGraph, target: URIRef | str) -> list[Ranked]:
    """Find the causes of a condition or symptom: direct causes, then causes of those causes.

    >>> [(r.label, r.support, r.sources) for r in causes_of(kg, "back spasm") if r.label == "stress"]
    [('stress', 2, ('000', '002'))]
    """
    iri = _of_kind(kg, target, ("Condition", "Symptom", "Cause"), "causes")
    return _ask(kg, iri, CAUSE_PATHS)


def symptoms_of(kg: KnowledgeGraph, condition: URIRef | str) -> list[Ranked]:
    """Find the symptoms of a condition (red flags among them carry their urgency).

    >>> "muscle twitching" in [r.label for r in symptoms_of(kg, "back spasm")]
    True
    """
    return _ask(kg, _of_kind(kg, condition, ("Condition",), "symptoms"), SYMPTOM_PATHS)


def red_flags(kg: KnowledgeGraph, condition: URIRef | str | None = None) -> list[Ranked]:
    """Find the signs that call for urgent care, for one condition or all, most urgent first.

    Score: ``1 / rank`` of the most urgent level (1 call emergency services, 0.5 emergency
    room, 0.33 doctor immediately, 0.25 see a doctor; 0 with none) plus ``0.01 × support``.

    >>> [r.urgency[0]["level"] for r in red_flags(kg, "back spasm")][:1]
    ['CallEmergencyServices']
    """
    if condition is None:
        targets = sorted({v for _, v, k in kg.nx.edges(keys=True) if k == "redFlagFor"})
        targets += sorted({u for u, _, k in kg.nx.edges(keys=True) if k == "hasSymptom"} - set(targets))
    else:
        targets = [_of_kind(kg, condition, ("Condition",), "red flags")]
    found = ((m, a, h) for t in targets for m in RED_FLAG_PATHS for a, h in walk(kg, t, m))
    results = []
    for r in rank(kg, found):
        level = min((u["rank"] for u in r.urgency), default=0)
        score = round((1 / level if level else 0) + 0.01 * r.support, 3)
        flag = Ranked(r.iri, r.label, r.types, score, r.support, r.paths, r.urgency)
        results.append(replace(flag, why=why(kg, flag)))
    return sorted(results, key=lambda r: order(kg, r))


def preventions_for(kg: KnowledgeGraph, target: URIRef | str) -> list[Ranked]:
    """Find what prevents a condition or acts on a cause, each with the cause it acts on when known.

    >>> "staying hydrated" in [r.label for r in preventions_for(kg, "dehydration")]
    True
    """
    iri = _of_kind(kg, target, ("Condition", "Cause"), "preventions")
    return _ask(kg, iri, PREVENTION_PATHS)


def side_effects(kg: KnowledgeGraph, drug: URIRef | str) -> list[Ranked]:
    """Find the side effects of a medication or a drug class (a medication inherits its class's).

    >>> sorted(r.label for r in side_effects(kg, "cyclobenzaprine"))
    ['confusion', 'dizziness', 'drowsiness', 'reduced reaction time']
    """
    return _ask(kg, _of_kind(kg, drug, ("Medication", "DrugClass"), "side effects"), SIDE_EFFECT_PATHS)


def members(kg: KnowledgeGraph, drug_class: URIRef | str) -> list[Ranked]:
    """Find the medications that belong to a drug class.

    >>> sorted(r.label for r in members(kg, "muscle relaxant"))
    ['cyclobenzaprine', 'metaxalone', 'methocarbamol']
    """
    return _ask(kg, _of_kind(kg, drug_class, ("DrugClass",), "members"), MEMBER_PATHS)


def mimics(kg: KnowledgeGraph, condition: URIRef | str) -> list[Ranked]:
    """Find the conditions whose pain resembles the condition without being it.

    >>> sorted(r.label for r in mimics(kg, "back spasm"))[:3]
    ['herniated disc', 'lordosis', 'scoliosis']
    """
    return _ask(kg, _of_kind(kg, condition, ("Condition",), "mimics"), MIMIC_PATHS)


def conditions_with_symptom(kg: KnowledgeGraph, symptom: URIRef | str) -> list[Ranked]:
    """Find the conditions a symptom (e.g. a back spasm) can be a symptom of; see :func:`not_sign_of`.

    >>> "kidney stones" in [r.label for r in conditions_with_symptom(kg, "back spasm")]
    True
    """
    iri = _of_kind(kg, symptom, ("Symptom", "RedFlag", "Condition"), "conditions")
    return _ask(kg, iri, SYMPTOM_OF_PATHS)


def not_sign_of(kg: KnowledgeGraph, symptom: URIRef | str) -> list[Ranked]:
    """Find the conditions a source says the symptom is *not* a sign of.

    >>> [r.label for r in not_sign_of(kg, "back spasm")]
    ['labor', 'multiple sclerosis']
    """
    return _ask(kg, entity(kg, symptom), NOT_SIGN_PATHS)


def at_risk(kg: KnowledgeGraph, condition: URIRef | str) -> list[Ranked]:
    """Find the groups of people most likely to get a condition.

    >>> [r.label for r in at_risk(kg, "back spasm")][:1]
    ['athletes']
    """
    return _ask(kg, _of_kind(kg, condition, ("Condition",), "risk groups"), RISK_PATHS)


def spreads_to(kg: KnowledgeGraph, entity_: URIRef | str | None = None) -> list[Ranked]:
    """Find the body regions a symptom or condition spreads to (all of them when none is given).

    >>> [r.label for r in spreads_to(kg, "back spasm")]
    ['hip', 'leg']
    """
    if entity_ is not None:
        return _ask(kg, entity(kg, entity_), SPREAD_PATHS)
    regions = sorted({v for _, v, k in kg.nx.edges(keys=True) if k == "radiatesTo"})
    return rank(kg, ((m, u, h) for r in regions for m in SPREADING_PATHS for u, h in walk(kg, r, m)))


#: One hop's weight in :func:`path` (support takes off at most a tenth of it).
_SCALE = 1_000_000


def _first_best(view: Any, start: URIRef, end: URIRef) -> list[URIRef] | None:
    """Return the lightest path, the first by node IRIs among equally light ones (None: no path).

    Distances from both ends, then a walk from ``start`` that takes the smallest next node still
    on a lightest path: the same path whatever the order the graph's edges were added in.
    """
    import networkx as nx

    to_end = nx.single_source_dijkstra_path_length(view, end, weight="weight")
    if start not in to_end:
        return None
    nodes, here = [start], start
    while here != end:
        here = min(
            (n for n in view[here] if n in to_end and view[here][n]["weight"] + to_end[n] == to_end[here]),
            key=str,
        )
        nodes.append(here)
    return nodes


class NoPath(GraphError):
    """Two entities are not connected in the graph (exit code 1)."""

    exit_code = 1


def path(kg: KnowledgeGraph, a: URIRef | str, b: URIRef | str) -> list[Hop]:
    """Find the shortest explained path between two entities, best-supported among the shortest.

    Edges are followed in either direction (negative claims are not followed) and each hop
    is reported in its true direction, listed from ``a`` to ``b``.

    >>> [h.text(kg).split(" (")[0] for h in path(kg, "herniated disc", "ice")]
    ['herniated disc –causes→ back spasm', 'cold therapy –treats→ back spasm']
    """
    import networkx as nx

    start, end = entity(kg, a), entity(kg, b)
    if start == end:
        return []
    view: nx.Graph[URIRef] = nx.Graph()
    best: dict[tuple[URIRef, URIRef], tuple[int, str, URIRef, URIRef]] = {}
    for u, v, key, data in kg.nx.edges(keys=True, data=True):
        if data["negative"] or u == v:
            continue
        pair = (u, v) if str(u) <= str(v) else (v, u)
        candidate = (-int(data["support"]), str(key), u, v)
        if pair not in best or candidate < best[pair]:
            best[pair] = candidate
    for (x, y), (negated_support, _, _, _) in sorted(best.items()):
        # one per hop, plus a little less for better-supported hops: fewest hops first, then support
        # (integers, so equal paths weigh exactly the same)
        view.add_edge(x, y, weight=_SCALE + round(_SCALE / 10 / (1 + -negated_support)))
    if start not in view or end not in view:
        raise NoPath(f"no path between {kg.label(start)!r} and {kg.label(end)!r}")
    nodes = _first_best(view, start, end)
    if nodes is None:
        raise NoPath(f"no path between {kg.label(start)!r} and {kg.label(end)!r}")
    hops = []
    for x, y in zip(nodes, nodes[1:], strict=False):
        _, key, u, v = best[(x, y) if str(x) <= str(y) else (y, x)]
        hops.append(hop(kg, u, v, key))
    return hops
