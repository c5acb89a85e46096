"""Leave-one-source-out evaluation of ``bskg extract`` on the five curated sources.

For each source k: the lexicon is the graph without source k's evidence (entities only k names
are unknown to it); the extractor reads k; its candidates are compared with the graph's
relations cited from k (same line, same predicate, subject and object by any of their names).
Urgency levels and guidance values are not entity relations and are left out of both sides.

    .venv/bin/python bench/extract.py            # the table and the misses, as Markdown
    .venv/bin/python bench/extract.py --full     # the same with every entity known (an upper bound)
"""

from __future__ import annotations

import argparse
from collections import Counter
from dataclasses import dataclass, field

from rdflib import RDF, URIRef

from graph import load
from graph.core.model import KnowledgeGraph
from graph.core.text import mentions, normalize
from graph.core.vocab import BSO, EDGE_RELATIONS, NEGATIVE_RELATIONS
from graph.extract.candidates import Candidate
from graph.extract.cues import load_cues
from graph.extract.extractor import Extractor
from graph.extract.lines import classify, read_article
from graph.quality.validate import find_sources

Gold = tuple[int, URIRef, str, URIRef, bool]


@dataclass
class Score:
    source: str
    candidates: int = 0
    gold: int = 0
    true: int = 0
    found: int = 0
    hedge_same: int = 0
    negation_pairs: int = 0
    negation_same: int = 0
    uncited: int = 0
    ignored: int = 0
    misses: Counter[str] = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)


def names(kg: KnowledgeGraph, entity: URIRef) -> set[str]:
    return {normalize(n) for n in (kg.label(entity), *kg.index.synonyms.get(entity, ()))}


def same(kg: KnowledgeGraph, named_label: str, named_id: str | None, entity: URIRef) -> bool:
    if named_id is not None and named_id == "bs:" + str(entity).rsplit("/", 1)[-1]:
        return True
    return normalize(named_label) in names(kg, entity)


def gold_of(kg: KnowledgeGraph, source: str) -> list[Gold]:
    found = []
    for (s, p, o), evidence in kg.evidence:
        name = str(p).rsplit("#", 1)[-1]
        if name not in EDGE_RELATIONS or not isinstance(o, URIRef) or not isinstance(s, URIRef):
            continue
        found += [(e.line, s, name, o, e.hedged) for e in evidence if e.source == source]
    return sorted(set(found), key=str)


def evaluate(kg: KnowledgeGraph, source: str, file: str, full: bool = False) -> Score:
    lines = read_article(file)
    extractor = Extractor.of(kg, without_source=None if full else source)
    found: list[Candidate] = extractor.extract(lines)
    known = set(extractor.lex.labels)
    gold = gold_of(kg, source)
    score = Score(source, candidates=len(found), gold=len(gold))
    cited = {g[0] for g in gold} | {e.line for _, ev in kg.evidence for e in ev if e.source == source}
    kinds = {x.number: x.kind for x in classify(lines, load_cues().ignore)}
    matched: set[int] = set()
    for c in found:
        hits = [
            i
            for i, (line, s, p, o, _) in enumerate(gold)
            if line == c.line
            and p == c.predicate
            and same(kg, c.subject.label, c.subject.id, s)
            and same(kg, c.object.label, c.object.id, o)
        ]
        if hits:
            score.true += 1
            matched.update(hits)
            score.hedge_same += gold[hits[0]][4] == c.hedged
        if c.line not in cited:
            score.uncited += 1
        if kinds[c.line] in ("heading", "subheading", "question", "ad", "table", "blank"):
            score.ignored += 1
        for line, s, p, o, _ in gold:  # polarity, whatever the predicate: same line, same two entities
            if (
                line == c.line
                and same(kg, c.subject.label, c.subject.id, s)
                and same(kg, c.object.label, c.object.id, o)
            ):
                score.negation_pairs += 1
                score.negation_same += (p in NEGATIVE_RELATIONS) == c.negated
    score.found = len(matched)
    for i, (line, s, p, o, _) in enumerate(gold):
        if i in matched:
            continue
        text = lines[line - 1]
        here = [c for c in found if c.line == line]
        if kinds[line] not in ("text", "intro", "item"):
            reason = f"line is a {kinds[line]}"
        elif not any(mentions(text, n) for n in names(kg, s)):
            reason = "subject not named on the line (pronoun, paraphrase or implied)"
        elif not any(mentions(text, n) for n in names(kg, o)):
            reason = "object not named on the line (pronoun, paraphrase or implied)"
        elif s not in known or o not in known:
            reason = "named, but only this source names it (new to the lexicon) and no rule proposed it"
        elif any(
            same(kg, c.subject.label, c.subject.id, s) and same(kg, c.object.label, c.object.id, o)
            for c in here
        ):
            reason = "found with another predicate"
        else:
            reason = "both named, no cue pairs them"
        score.misses[reason] += 1
        if len(score.examples) < 3:
            score.examples.append(f"{source}:{line} {kg.label(s)} {p} {kg.label(o)}: {reason}")
    return score


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--full", action="store_true", help="the full lexicon (every source's entities known)"
    )
    args = parser.parse_args()
    kg = load()
    folder = find_sources()
    if folder is None:
        raise SystemExit("the five source texts are not at hand (set BSKG_SOURCES)")
    scores = []
    for node in sorted(kg.rdf.subjects(RDF.type, BSO.Source)):
        ident = str(kg.rdf.value(node, URIRef("http://purl.org/dc/terms/identifier")))
        scores.append(evaluate(kg, ident, str(folder / str(kg.rdf.value(node, BSO.fileName))), args.full))
    print(
        "| source | candidates | graph's relations | correct | found | precision | recall | hedge agreement "
        "| negation agreement | on uncited lines | on headings, questions, tables, ads |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    total = Score("all")
    for s in [*scores, total]:
        if s is not total:
            for name in (
                "candidates",
                "gold",
                "true",
                "found",
                "hedge_same",
                "negation_pairs",
                "negation_same",
                "uncited",
                "ignored",
            ):
                setattr(total, name, getattr(total, name) + getattr(s, name))
            total.misses.update(s.misses)
        print(
            f"| {s.source} | {s.candidates} | {s.gold} | {s.true} | {s.found} "
            f"| {s.true / max(s.candidates, 1):.2f} "
            f"| {s.found / max(s.gold, 1):.2f} | {s.hedge_same / max(s.true, 1):.2f} "
            f"| {s.negation_same / max(s.negation_pairs, 1):.2f} | {s.uncited} | {s.ignored} |"
        )
    print("\nWhy the graph's relations were missed (all sources):\n")
    for reason, count in total.misses.most_common():
        print(f"- {count} × {reason}")
    print("\nExamples:\n")
    for s in scores:
        for example in s.examples:
            print(f"- {example}")


if __name__ == "__main__":
    main()
