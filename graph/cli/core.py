"""CLI commands over the foundation: find, show, sources, validate, stats."""

from __future__ import annotations

import argparse

from graph.cli.common import add_json_flag, add_quotes_flag, emit_json, graph_of, print_quotes, print_table
from graph.cli.legend import claim_disputes, disputed_mark, print_legend
from graph.cli.stored import add_store_option, lookup, question_graph, resolve, store_of
from graph.quality.validate import validate
from graph.questions.card import describe
from graph.questions.sources import Dispute, sources
from graph.questions.stats import stats

__all__ = ["register"]


def register(commands: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    """Add the foundation commands to the ``bskg`` parser."""
    find = commands.add_parser(
        "find", parents=[parent], help="find entities by any name, synonym or misspelling"
    )
    find.add_argument("text", help="a name, brand name, synonym or misspelling")
    find.add_argument("--limit", type=int, default=10, help="at most this many matches (default 10)")
    add_json_flag(find)
    add_store_option(find)
    find.set_defaults(run=_find)

    show = commands.add_parser("show", parents=[parent], help="everything the graph says about one entity")
    show.add_argument("text", help="the entity, by any of its names")
    add_json_flag(show)
    add_quotes_flag(show)
    add_store_option(show)
    show.set_defaults(run=_show)

    listing = commands.add_parser(
        "sources", parents=[parent], help="the source articles: id, title, publisher, address"
    )
    add_json_flag(listing)
    listing.set_defaults(run=_sources)

    check = commands.add_parser(
        "validate", parents=[parent], help="check the graph: SHACL, vocabulary, cited lines"
    )
    check.add_argument(
        "--sources",
        metavar="DIR",
        help="folder of the source texts (default: $BSKG_SOURCES or ../shared/seeds)",
    )
    check.add_argument("--shapes", metavar="FILE", help="SHACL shapes (default: the bundled shapes.ttl)")
    add_json_flag(check)
    check.set_defaults(run=_validate)

    summary = commands.add_parser(
        "stats", parents=[parent], help="counts of triples, entities, relations, evidence"
    )
    add_json_flag(summary)
    add_store_option(summary)
    summary.set_defaults(run=_stats)


def _find(args: argparse.Namespace) -> int:
    names = lookup(args)
    matches = names.find(args.text, limit=max(args.limit, 1))
    if not matches:
        names.resolve(args.text)  # raises, with the closest names as suggestions
    if args.json:
        emit_json(
            [{"id": str(m.iri), "label": m.label, "types": list(m.types), "score": m.score} for m in matches]
        )
    else:
        print_table(
            ["score", "label", "types", "matched name"],
            [[f"{m.score:.2f}", m.label, ", ".join(m.types), m.matched] for m in matches],
        )
    return 0


def _show(args: argparse.Namespace) -> int:
    iri = resolve(args, args.text)
    kg = question_graph(args, [str(iri)], 1)
    card = describe(kg, iri)
    if args.json:
        emit_json(card.as_dict(kg))
        return 0
    print(f"{card.label}  [{', '.join(card.types)}]")
    print(f"  id: {card.iri}")
    if card.synonyms:
        print(f"  also: {', '.join(card.synonyms)}")
    disputed: list[tuple[str, Dispute]] = []
    for predicate, value, evidence in card.properties:
        found = card.property_disputes(kg, predicate, value)
        disputed += [(f"{card.label} {predicate} {value!r}", d) for d in found]
        where = ", ".join(e.cite() for e in evidence)
        print(f"  {predicate}: {value}  ({where}){disputed_mark(found)}")
    if card.relations:
        print()
        rows = []
        for r in card.relations:
            found = r.disputed(kg)
            disputed += claim_disputes(kg, [r])
            where = ", ".join(e.cite() for e in r.evidence) + disputed_mark(found)
            rows.append([kg.label(r.subject), r.predicate, kg.label(r.object), r.support, where])
        print_table(["subject", "predicate", "object", "support", "evidence (source:line)"], rows)
    counts = ["support = distinct sources stating the relation"] if card.relations else []
    print_legend(kg, card.cited(), disputed, counts)
    cited = [e for _, _, evidence in card.properties for e in evidence]
    print_quotes(kg, args, cited + [e for r in card.relations for e in r.evidence])
    return 0


def _sources(args: argparse.Namespace) -> int:
    known = sources(graph_of(args)).values()
    if args.json:
        emit_json([source.as_dict() for source in known])
        return 0
    print_table(
        ["source", "title", "publisher", "address", "file", "lines"],
        [
            [s.id, s.title or "-", s.publisher or "-", s.address or "-", s.file or "-", s.lines or "-"]
            for s in known
        ],
    )
    return 0


def _validate(args: argparse.Namespace) -> int:
    kg = graph_of(args)
    report = validate(kg, sources=args.sources, shapes=args.shapes)
    if args.json:
        emit_json(report.as_dict())
    else:
        for violation in report.violations:
            print(violation)
        counts = report.counts
        where = (
            f"against {report.sources}" if report.sources else "(source texts not found: lines not checked)"
        )
        verdict = "valid" if report.conforms else f"INVALID: {len(report.violations)} problem(s)"
        print(
            f"{verdict} · {counts['triples']} triples, {counts['entities']} entities, "
            f"{counts['evidence']} evidence nodes, {counts['lines_checked']} cited lines checked {where}"
        )
    return 0 if report.conforms else 1


def _stats(args: argparse.Namespace) -> int:
    store = store_of(args)
    if store is None:
        summary = stats(graph_of(args))
    else:
        from graph.query.counts import summary as counted

        summary = counted(store)
    if args.json:
        emit_json(summary)
        return 0
    for key, value in summary.items():
        if isinstance(value, dict):
            print(f"{key.replace('_', ' ')}:")
            for name, count in value.items():
                print(f"  {name:<22} {count}")
        else:
            print(f"{key.replace('_', ' ')}: {value}")
    return 0
