"""Generate a synthetic graph in the project's vocabulary and evidence model, at any size.

The graph has the bundled graph's shape: typed entities with one English ``rdfs:label`` (some
with ``skos:altLabel`` synonyms), domain relations between entities of the classes the shapes
allow, every relation (and every guidance literal and urgency) backed by one or two evidence
nodes (``rdf:Statement`` with source and line), red flags with urgency levels, and a few
``bso:Disagreement`` nodes. Object choice follows a power law, so a few conditions and
causes are hubs and most entities have one or two edges (skewed degrees, like real graphs).

The output is deterministic for a given size and seed: the same bytes every run. It is written
with plain string formatting (no rdflib), so 1M triples take a few seconds.

Usage::

    python bench/generate.py --triples 100000 --out bench/out/g100k
    # writes bench/out/g100k/triples.ttl and bench/out/g100k/sources.ttl;
    # graph.load("bench/out/g100k") and graph.store.fastload.load_fast("bench/out/g100k") read it.
"""

from __future__ import annotations

import argparse
import functools
import json
import random
import sys
from collections.abc import Callable
from pathlib import Path

from graph.core.files import atomic_write

PREFIXES = (
    "@prefix bs: <https://w3id.org/backspasm-kg/id/> .\n"
    "@prefix bso: <https://w3id.org/backspasm-kg/ontology#> .\n"
    "@prefix dcterms: <http://purl.org/dc/terms/> .\n"
    "@prefix prov: <http://www.w3.org/ns/prov#> .\n"
    "@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .\n"
    "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
    "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n\n"
)

#: Share of the entities in each class (local name, IRI stem, share).
CLASSES = (
    ("Condition", "condition", 0.16),
    ("Cause", "cause", 0.18),
    ("Symptom", "symptom", 0.16),
    ("RedFlag", "red-flag", 0.05),
    ("Treatment", "treatment", 0.12),
    ("Medication", "medication", 0.10),
    ("Prevention", "prevention", 0.07),
    ("DrugClass", "drug-class", 0.02),
    ("SideEffect", "side-effect", 0.06),
    ("RiskGroup", "risk-group", 0.04),
    ("HealthcareProvider", "provider", 0.02),
    ("BodyRegion", "body-region", 0.02),
)

#: Relations with the classes of their subject and object (as the shapes allow) and weight.
RELATION_SCHEMA = (
    ("causes", ("Cause",), "Condition", 0.20),
    ("hasSymptom", ("Condition",), "Symptom", 0.14),
    ("redFlagFor", ("RedFlag",), "Condition", 0.05),
    ("treats", ("Treatment", "Medication"), "Condition", 0.16),
    ("prevents", ("Prevention",), "Condition", 0.06),
    ("targets", ("Prevention", "Treatment"), "Cause", 0.07),
    ("memberOf", ("Medication",), "DrugClass", 0.05),
    ("hasSideEffect", ("Medication",), "SideEffect", 0.06),
    ("mimics", ("Condition",), "Condition", 0.03),
    ("notRecommendedFor", ("Treatment",), "Condition", 0.03),
    ("doesNotTreat", ("Medication",), "Condition", 0.01),
    ("notSignOf", ("Symptom",), "Condition", 0.01),
    ("riskFactorFor", ("RiskGroup",), "Condition", 0.05),
    ("associatedWith", ("Symptom",), "Condition", 0.03),
    ("worsens", ("Cause",), "Symptom", 0.02),
    ("radiatesTo", ("Symptom",), "BodyRegion", 0.01),
    ("evaluates", ("HealthcareProvider",), "Condition", 0.02),
)

URGENCY = ("CallEmergencyServices", "EmergencyRoom", "DoctorImmediately", "SeeDoctor")
GUIDANCE = ("duration", "frequency", "maxDuration", "timing")
SYLLABLES = ("ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "ze", "pa", "do", "gu", "fe", "ha", "jo", "ri")
LINES_PER_SOURCE = 500
TRIPLES_PER_RELATION = 9.3  # measured: relation + evidence (1.3 nodes on average) + entity share


def word(number: int) -> str:
    """Return a pronounceable, unique word for a number (``0`` → ``ka``)."""
    parts = []
    number += 1
    while number:
        number, rest = divmod(number - 1, len(SYLLABLES))
        parts.append(SYLLABLES[rest])
    return "".join(reversed(parts))


def skewed(rng: random.Random, n: int, power: float = 2.2) -> Callable[[], int]:
    """Return a picker of indexes 0..n-1 with a power-law skew (index 0 is the hub)."""
    uniform = rng.random

    def pick() -> int:
        return min(n - 1, int(n * uniform() ** power))

    return pick


def generate(triples: int, out: Path, seed: int = 8) -> dict[str, int]:
    """Write ``triples.ttl`` and ``sources.ttl`` of a graph of about ``triples`` triples to ``out``.

    Returns the counts written (triples, entities, relations, evidence nodes, sources).
    """
    rng = random.Random(seed)
    relations_target = max(40, int(triples / TRIPLES_PER_RELATION))
    n_entities = max(len(CLASSES) * 3, int(relations_target * 0.55))
    sources = max(5, n_entities // 2000)
    entities: dict[str, list[str]] = {}
    for name, stem, share in CLASSES:
        count = max(3, int(n_entities * share))
        entities[name] = [f"bs:g-{stem}-{i}" for i in range(count)]
    pickers = {name: skewed(rng, len(members)) for name, members in entities.items()}
    uniform = {name: functools.partial(rng.randrange, len(members)) for name, members in entities.items()}
    counts = {"triples": 0, "entities": 0, "relations": 0, "evidence": 0, "sources": sources}
    out.mkdir(parents=True, exist_ok=True)
    lines: list[str] = [PREFIXES]
    emit = lines.append
    evidence_lines: list[str] = []
    ev_emit = evidence_lines.append
    ev_count = 0
    claims: list[tuple[str, int]] = []
    claim_rate = max(0.002, min(0.05, 300 / (relations_target * 1.3)))

    def evidence(subject: str, predicate: str, obj: str) -> int:
        nonlocal ev_count
        n = 2 if rng.random() < 0.3 else 1
        for _ in range(n):
            ev_count += 1
            node = f"bs:g-ev-{ev_count}"
            source = rng.randrange(sources)
            line = 1 + rng.randrange(LINES_PER_SOURCE)
            ev_emit(
                f"{node} a rdf:Statement ; rdf:subject {subject} ; rdf:predicate {predicate} ; "
                f"rdf:object {obj} ; prov:wasDerivedFrom bs:source-g{source:04d} ; bso:line {line} ; "
                "bso:claimStrength bso:Asserted .\n"
            )
            if len(claims) < 200 and rng.random() < claim_rate:
                claims.append((node, source))
        return 6 * n

    total = 0
    # entities: type, label, sometimes a synonym, sometimes guidance; red flags get urgency
    for name, stem, _share in CLASSES:
        for i, iri in enumerate(entities[name]):
            label = f"{word(i)} {stem.replace('-', ' ')}"
            emit(f'{iri} a bso:{name} ; rdfs:label "{label}"@en')
            total += 2
            if rng.random() < 0.25:
                emit(f' ; skos:altLabel "{word(i)}{word(i + 7)} {stem.replace("-", " ")}"@en')
                total += 1
            if name in ("Treatment", "Medication") and rng.random() < 0.2:
                prop = GUIDANCE[rng.randrange(len(GUIDANCE))]
                value = f'"{1 + rng.randrange(14)} days"@en'
                emit(f" ; bso:{prop} {value}")
                total += 1 + evidence(iri, f"bso:{prop}", value)
            if name == "RedFlag":
                level = f"bso:{URGENCY[rng.randrange(len(URGENCY))]}"
                emit(f" ; bso:urgency {level}")
                total += 1 + evidence(iri, "bso:urgency", level)
            emit(" .\n")
            counts["entities"] += 1
    # relations
    weights = [weight for *_rest, weight in RELATION_SCHEMA]
    seen: set[tuple[str, str, str]] = set()
    while total < triples - 20:
        name, subject_classes, object_class, _w = rng.choices(RELATION_SCHEMA, weights)[0]
        subject_class = subject_classes[rng.randrange(len(subject_classes))]
        subject = entities[subject_class][uniform[subject_class]()]
        obj = entities[object_class][pickers[object_class]()]
        key = (subject, name, obj)
        if subject == obj or key in seen:
            continue
        seen.add(key)
        emit(f"{subject} bso:{name} {obj} .\n")
        total += 1 + evidence(subject, f"bso:{name}", obj)
        counts["relations"] += 1
    # disagreements: pairs of evidence nodes
    pairs = [(a, b) for (a, sa), (b, sb) in zip(claims[::2], claims[1::2], strict=False) if sa != sb]
    for number, (first, second) in enumerate(pairs):
        emit(
            f'bs:g-disagreement-{number} a bso:Disagreement ; rdfs:label "disagreement {number}"@en ; '
            f"bso:claim {first}, {second} .\n"
        )
        total += 4
    lines.extend(evidence_lines)
    counts["evidence"] = ev_count
    source_lines = [PREFIXES]
    for source in range(sources):
        source_lines.append(
            f'bs:source-g{source:04d} a bso:Source, prov:Entity ; rdfs:label "source g{source:04d}"@en ; '
            f'dcterms:identifier "g{source:04d}" ; bso:fileName "g{source:04d}.txt" ; '
            f"bso:lineCount {LINES_PER_SOURCE} .\n"
        )
        total += 6
    counts["triples"] = total
    atomic_write(out / "triples.ttl", "".join(lines))
    atomic_write(out / "sources.ttl", "".join(source_lines))
    return counts


def typical_cause(triples_ttl: Path) -> str:
    """Return the IRI of the cause with the median out-degree of ``causes`` (for benchmarks)."""
    degree: dict[str, int] = {}
    with triples_ttl.open(encoding="utf-8") as handle:
        for line in handle:
            if " bso:causes " in line and not line.startswith("bs:g-ev"):
                subject = line.split(" ", 1)[0]
                degree[subject] = degree.get(subject, 0) + 1
    ranked = sorted(degree.items(), key=lambda item: (item[1], item[0]))
    return "https://w3id.org/backspasm-kg/id/" + ranked[len(ranked) // 2][0].removeprefix("bs:")


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and write a graph."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=10_000, help="about how many triples (10k … 3M)")
    parser.add_argument("--out", type=Path, required=True, help="folder to write triples.ttl and sources.ttl")
    parser.add_argument("--seed", type=int, default=8)
    args = parser.parse_args(argv)
    if args.triples < 500:
        parser.error("--triples must be at least 500")
    counts = generate(args.triples, args.out, args.seed)
    json.dump(counts, sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
