"""Named, typed paths over the networkx view, and the ranked answers they justify.

A :class:`Metapath` is a chain of typed relations read **from the answer to the asked
entity**, e.g. ``Treatment –treats→ Condition ←causes– Cause``: an arrow ``–p→`` follows
an edge in its own direction, ``←p–`` against it. :func:`walk` finds every instance of a
metapath that ends at the asked entity, with networkx's ``predecessors``/``successors``
restricted to the edge key; :func:`rank` turns the instances into :class:`Ranked` answers.

Scores: ``directness + 0.01 × support``, where directness is ``1 / hops`` of the
shortest metapath that reaches the answer (1 for one hop, 0.5 for two, 0.33 for three)
and support is the number of distinct sources behind its best path, counted at the
path's weakest hop (a path is only as well supported as its least-cited relation). So
answers rank by directness first, then by how many sources back them. At equal score they rank
by what else the data carries, in this order: an asserted best path before one every line hedges;
the annotation frequency of the best path (imported annotations: the share of patients its
source saw the feature in, at the path's weakest hop; known before unknown); the answer's depth
in its ontology's hierarchy (imported terms: the more specific first); the number of distinct
paths that reach it; and only then the label. :attr:`Ranked.why` says it in words.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from rdflib import URIRef

from graph.core.evidence import Evidence
from graph.core.model import KnowledgeGraph
from graph.questions.card import Relation

__all__ = ["Hop", "Metapath", "Ranked", "Step", "frequency", "hop", "order", "rank", "walk", "why"]


@dataclass(frozen=True)
class Hop(Relation):
    """One edge of a path, in its true direction, with the source lines that state it.

    A :class:`graph.questions.card.Relation` (same fields and JSON shape) that also knows whether a
    disagreement contests it.
    """

    contested: bool = field(default=False, compare=False)

    @property
    def sources(self) -> frozenset[str]:
        """The distinct sources that state this hop."""
        return frozenset(e.source for e in self.evidence)

    def text(self, kg: KnowledgeGraph) -> str:
        """Return the hop as ``subject –predicate→ object (source:line, ...)``."""
        where = ", ".join(e.cite() for e in self.evidence)
        mark = " [contested]" if self.contested else ""
        return f"{kg.label(self.subject)} –{self.predicate}→ {kg.label(self.object)} ({where}){mark}"


@dataclass(frozen=True)
class Ranked:
    """One answer: an entity, its score and support, and the paths that justify it.

    ``urgency`` is filled for red flags and for conditions a source gives a level of care for
    (003:36): ``{"level", "rank", "label", "evidence"}`` dicts, most urgent first (the node
    attribute of the networkx view). ``why`` says what ranked it where it is (see the module
    docstring).
    """

    iri: URIRef
    label: str
    types: tuple[str, ...]
    score: float
    support: int
    paths: tuple[tuple[Hop, ...], ...]
    urgency: tuple[dict[str, Any], ...] = ()
    why: str = ""

    @property
    def contested(self) -> bool:
        """True when some hop of its paths is a claim that another source disputes."""
        return any(h.contested for p in self.paths for h in p)

    @property
    def sources(self) -> tuple[str, ...]:
        """The sources its support counts: those behind the weakest hop of its best-supported path.

        So ``len(answer.sources) == answer.support`` always; a source cited only by a path that
        does not carry the support, or by a stronger hop of it, is not counted here (every path's
        lines are in :attr:`paths`).
        """
        if not self.paths:
            return ()
        path = max(self.paths, key=_support)  # the first of the best-supported, in rank order
        weakest = min(path, key=lambda h: len(h.sources))
        return tuple(sorted(weakest.sources))

    def as_dict(self, kg: KnowledgeGraph) -> dict[str, Any]:
        """Return ``{"id", "label", "types", "score", "support", "contested", "why", "paths"}`` (JSON).

        Red flags, and conditions a source gives a level of care for, also carry ``"urgency"``:
        ``[{"level", "rank", "label", "evidence"}]``.
        """
        data: dict[str, Any] = {
            "id": str(self.iri),
            "label": self.label,
            "types": list(self.types),
            "score": self.score,
            "support": self.support,
            "contested": self.contested,
            "why": self.why,
            "paths": [[h.as_dict(kg) for h in p] for p in self.paths],
        }
        if "RedFlag" in self.types or self.urgency:
            data["urgency"] = [
                {**u, "evidence": [{"source": s, "line": n} for s, n in u["evidence"]]} for u in self.urgency
            ]
        return data


@dataclass(frozen=True)
class Step:
    """One relation of a metapath: ``forward`` when its edge points toward the asked entity.

    ``kinds`` are the classes the node on the answer side of the step must have (any of
    them; empty: no constraint).
    """

    predicate: str
    forward: bool = True
    kinds: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Metapath:
    """A named chain of steps, read from the answer to the asked entity."""

    name: str
    steps: tuple[Step, ...]

    @property
    def hops(self) -> int:
        """The number of relations in the chain."""
        return len(self.steps)


def hop(kg: KnowledgeGraph, subject: URIRef, obj: URIRef, predicate: str) -> Hop:
    """Return the hop for an edge of the networkx view (its evidence and contested flag)."""
    data = kg.nx.edges[subject, obj, predicate]
    hedged, shares = set(data["hedged"]), data.get("frequencies", {})
    evidence = tuple(
        Evidence(source, line, hedged=(source, line) in hedged, frequency=shares.get((source, line)))
        for source, line in data["evidence"]
    )
    return Hop(subject, predicate, obj, evidence, bool(data["contested"]))


def walk(kg: KnowledgeGraph, target: URIRef, metapath: Metapath) -> Iterator[tuple[URIRef, tuple[Hop, ...]]]:
    """Yield ``(answer, hops)`` for every simple instance of ``metapath`` ending at ``target``.

    Hops are listed from the answer to ``target``, each in its true direction.

    Examples
    --------
    >>> m = Metapath("Treatment –targets→ Cause", (Step("targets", True, frozenset({"Treatment"})),))
    >>> [kg.label(a) for a, _ in walk(kg, kg.index.resolve("dehydration"), m)]
    ['staying hydrated']
    """
    graph = kg.nx

    def extend(
        node: URIRef, index: int, seen: tuple[URIRef, ...], hops: tuple[Hop, ...]
    ) -> Iterator[tuple[URIRef, tuple[Hop, ...]]]:
        if index < 0:
            yield node, hops
            return
        step = metapath.steps[index]
        if step.forward:  # the edge runs answer side → node: look at predecessors
            pairs = [(other, node) for other in graph.predecessors(node)]
        else:
            pairs = [(node, other) for other in graph.successors(node)]
        for subject, obj in sorted(set(pairs)):
            other = subject if step.forward else obj
            if other in seen or not graph.has_edge(subject, obj, key=step.predicate):
                continue
            if step.kinds and not step.kinds.intersection(graph.nodes[other]["types"]):
                continue
            found = hop(kg, subject, obj, step.predicate)
            yield from extend(other, index - 1, (*seen, other), (found, *hops))

    if target in graph:
        yield from extend(target, len(metapath.steps) - 1, (target,), ())


def rank(
    kg: KnowledgeGraph,
    found: Iterable[tuple[Metapath, URIRef, tuple[Hop, ...]]],
    *,
    exclude: Iterable[URIRef] = (),
) -> list[Ranked]:
    """Group metapath instances by answer and rank them (see the module docstring)."""
    skip = set(exclude)
    paths: dict[URIRef, list[tuple[Hop, ...]]] = defaultdict(list)
    best: dict[URIRef, int] = {}
    for metapath, answer, hops in found:
        if answer in skip or hops in paths[answer]:
            continue
        paths[answer].append(hops)
        best[answer] = min(best.get(answer, metapath.hops), metapath.hops)
    results = []
    for answer, chains in paths.items():
        if not chains:
            continue
        chains.sort(key=lambda p: (len(p), -_support(p), not _asserted(p), [_key(kg, h) for h in p]))
        support = max(_support(p) for p in chains)
        score = round(1 / best[answer] + 0.01 * support, 3)
        ranked = Ranked(
            answer, kg.label(answer), kg.types(answer), score, support, tuple(chains), _urgency(kg, answer)
        )
        results.append(replace(ranked, why=why(kg, ranked)))
    results.sort(key=lambda r: order(kg, r))
    return results


def frequency(hops: tuple[Hop, ...]) -> float | None:
    """Return a path's annotation frequency: its weakest hop's best-attested share (None: unknown)."""
    shares = [max((e.frequency for e in h.evidence if e.frequency is not None), default=None) for h in hops]
    known = [f for f in shares if f is not None]
    return min(known) if known and len(known) == len(shares) else None


def _frequency(r: Ranked) -> float | None:
    return max((f for f in map(frequency, r.paths) if f is not None), default=None)


def _depth(kg: KnowledgeGraph, node: URIRef) -> int | None:
    depth = kg.nx.nodes[node].get("depth") if node in kg.nx else None
    return int(depth) if depth is not None else None


def order(kg: KnowledgeGraph, r: Ranked) -> tuple[Any, ...]:
    """Return the sort key of an answer, best first (see the module docstring)."""
    share, depth = _frequency(r), _depth(kg, r.iri)
    return (
        -r.score,
        not _asserted(r.paths[0]) if r.paths else True,
        share is None,
        -(share or 0.0),
        depth is None,
        -(depth or 0),
        -len(r.paths),
        r.label.lower(),
        str(r.iri),
    )


def why(kg: KnowledgeGraph, r: Ranked) -> str:
    """Return in words what ranks an answer where it is, strongest reason first.

    >>> from graph.questions.traverse import causes_of
    >>> [why(kg, r) for r in causes_of(kg, "back spasm") if r.label == "stress"]
    ['1 hop; 2 sources; hedged only; 2 paths']
    """
    hops = min((len(p) for p in r.paths), default=0)
    share, depth = _frequency(r), _depth(kg, r.iri)
    parts = [
        *([f"urgency {r.urgency[0]['label']}"] if r.urgency else []),
        f"{hops} hop{'s' if hops != 1 else ''}",
        f"{r.support} source{'s' if r.support != 1 else ''}",
        "asserted" if r.paths and _asserted(r.paths[0]) else "hedged only",
        *([f"seen in {share:.0%} of patients (annotation frequency)"] if share is not None else []),
        *([f"depth {depth} in its hierarchy"] if depth is not None else []),
        f"{len(r.paths)} path{'s' if len(r.paths) != 1 else ''}",
    ]
    return "; ".join(parts)


def _asserted(hops: tuple[Hop, ...]) -> bool:
    """Tell whether every hop of a path has a line that asserts it (none only hedges)."""
    return all(any(not e.hedged for e in h.evidence) for h in hops)


def _support(hops: tuple[Hop, ...]) -> int:
    return min((len(h.sources) for h in hops), default=0)


def _urgency(kg: KnowledgeGraph, node: URIRef) -> tuple[dict[str, Any], ...]:
    return tuple(kg.nx.nodes[node].get("urgency", ())) if node in kg.nx else ()


def _key(kg: KnowledgeGraph, h: Hop) -> tuple[str, str, str]:
    return (kg.label(h.subject).lower(), h.predicate, kg.label(h.object).lower())
