"""CLI commands over the traversal questions and the exports.

``treatments``, ``causes``, ``symptoms``, ``red-flags``, ``prevent``, ``side-effects``,
``members``, ``mimics``, ``symptom-of``, ``at-risk``, ``spreads``, ``path``, ``top`` and
``export``. Question commands print a ranked table (``--paths`` adds every justifying path
with its source lines) or, with ``--json``, the shape of :meth:`graph.questions.paths.Ranked.as_dict`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from rdflib import URIRef

from graph.cli.common import add_json_flag, add_quotes_flag, emit_json, graph_of, print_quotes, print_table
from graph.cli.stored import add_store_option, ends, question_graph, resolve, store_of
from graph.core.model import KnowledgeGraph
from graph.questions import traverse
from graph.questions.paths import Hop, Ranked

__all__ = ["chain", "register"]

Question = Callable[[KnowledgeGraph, str], list[Ranked]]

#: command → (function, help, argument help, noun for the answers)
_QUESTIONS: dict[str, tuple[Question, str, str, str]] = {
    "treatments": (
        traverse.treatments_for,
        "treatments linked to a cause (or condition): direct first, each with its path",
        "a cause, condition or symptom, by any name",
        "treatment",
    ),
    "causes": (traverse.causes_of, "causes of a condition or symptom", "a condition or symptom", "cause"),
    "symptoms": (traverse.symptoms_of, "symptoms of a condition", "a condition", "symptom"),
    "prevent": (
        traverse.preventions_for,
        "what prevents a condition or acts on a cause",
        "a condition or cause",
        "prevention",
    ),
    "side-effects": (
        traverse.side_effects,
        "side effects of a medication or drug class",
        "a medication or drug class",
        "side effect",
    ),
    "members": (traverse.members, "medications of a drug class", "a drug class", "medication"),
    "mimics": (
        traverse.mimics,
        "conditions whose pain resembles a condition without being it",
        "a condition",
        "condition",
    ),
    "symptom-of": (
        traverse.conditions_with_symptom,
        "conditions a symptom (e.g. a back spasm) can be a symptom of",
        "a symptom or condition",
        "condition",
    ),
    "at-risk": (traverse.at_risk, "who is most likely to get a condition", "a condition", "group"),
}


def register(commands: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    """Add the traversal and export commands to the ``bskg`` parser."""
    for name, (function, summary, argument, noun) in _QUESTIONS.items():
        sub = commands.add_parser(name, parents=[parent], help=summary, description=summary)
        sub.add_argument("entity", help=argument)
        _common(sub)
        if name == "treatments":
            sub.add_argument(
                "--advised-against",
                action="store_true",
                help="list the treatments the sources advise against instead",
            )
        sub.set_defaults(run=_question, function=function, noun=noun)

    flags = commands.add_parser(
        "red-flags", parents=[parent], help="signs that call for urgent care, most urgent first"
    )
    flags.add_argument("entity", nargs="?", help="a condition (default: every condition)")
    _common(flags)
    flags.set_defaults(run=_red_flags)

    spreads = commands.add_parser(
        "spreads", parents=[parent], help="symptoms that spread beyond the back, and to where"
    )
    spreads.add_argument("entity", nargs="?", help="a symptom or condition (default: all that spread)")
    _common(spreads)
    spreads.set_defaults(run=_spreads)

    route = commands.add_parser(
        "path", parents=[parent], help="the shortest explained path between two entities"
    )
    route.add_argument("a", help="the first entity, by any name")
    route.add_argument("b", help="the second entity, by any name")
    add_json_flag(route)
    add_quotes_flag(route)
    add_store_option(route)
    route.set_defaults(run=_path)

    top = commands.add_parser(
        "top", parents=[parent], help="the most connected entities and the best-supported treatments"
    )
    top.add_argument("-n", type=int, default=10, help="how many of each (default 10)")
    add_json_flag(top)
    add_store_option(top)
    top.set_defaults(run=_top)

    out = commands.add_parser(
        "export", parents=[parent], help="write the graph as turtle, nt, jsonld, graphml or csv"
    )
    out.add_argument(
        "--format",
        required=True,
        choices=["turtle", "nt", "jsonld", "graphml", "csv"],
        help="every triple (turtle, nt, jsonld) or the networkx view (graphml; csv: node and edge tables)",
    )
    out.add_argument(
        "-o", "--output", metavar="FILE", help="write here, atomically (csv: a folder); default: stdout"
    )
    out.set_defaults(run=_export)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--limit", type=int, default=0, metavar="N", help="show at most N answers (default all)"
    )
    parser.add_argument(
        "--paths", action="store_true", help="print every justifying path with its source lines"
    )
    add_json_flag(parser)
    add_quotes_flag(parser)
    add_store_option(parser)


def _asked(args: argparse.Namespace, walks: str) -> KnowledgeGraph:
    """Return the graph to answer from; with ``--store`` the entity is resolved by the store first.

    ``walks`` names the question function whose metapaths the store is asked for.
    """
    if args.entity is not None and store_of(args) is not None:
        args.entity = resolve(args, args.entity)
    return question_graph(args, [str(args.entity)] if args.entity is not None else [], walks=walks)


def chain(kg: KnowledgeGraph, start: URIRef, hops: Sequence[Hop]) -> str:
    """Return a path as one readable chain from ``start``, each arrow in its true direction.

    >>> from graph.questions.traverse import treatments_for
    >>> best = treatments_for(kg, "poor posture")[0]
    >>> chain(kg, best.iri, best.paths[0])
    'good posture –targets→ poor posture'
    """
    text, here = kg.label(start), start
    for h in hops:
        if h.subject == here:
            text, here = f"{text} –{h.predicate}→ {kg.label(h.object)}", h.object
        else:
            text, here = f"{text} ←{h.predicate}– {kg.label(h.subject)}", h.subject
    return text


def _show(kg: KnowledgeGraph, args: argparse.Namespace, results: list[Ranked], noun: str, about: str) -> int:
    if args.limit > 0:
        results = results[: args.limit]
    if args.json:
        emit_json([r.as_dict(kg) for r in results])
        return 0
    if not results:
        print(f"no {noun} found for {about}")
        return 0
    urgent = any(r.urgency for r in results)
    headers = ["#", "score", "support", noun, *(["urgency"] if urgent else []), "best path", "cited by"]
    rows = []
    for number, r in enumerate(results, 1):
        level = [r.urgency[0]["label"] if r.urgency else "-"] if urgent else []
        more = f"  (+{len(r.paths) - 1} more)" if len(r.paths) > 1 else ""
        mark = " [contested]" if r.contested else ""
        best = chain(kg, r.iri, r.paths[0]) + more if r.paths else "-"
        rows.append([number, f"{r.score:.2f}", r.support, r.label + mark, *level, best, " ".join(r.sources)])
    print_table(headers, rows)
    if args.paths:
        for r in results:
            print(f"\n{r.label}:  (ranked by: {r.why})" if r.why else f"\n{r.label}:")
            for p in r.paths:
                print("  " + chain(kg, r.iri, p))
                for h in p:
                    print("      " + h.text(kg))
    shown = [p for r in results for p in (r.paths if args.paths else r.paths[:1])]
    print_quotes(kg, args, [e for p in shown for h in p for e in h.evidence])
    return 0


def _question(args: argparse.Namespace) -> int:
    kg = _asked(args, args.function.__name__)
    about = kg.label(traverse.entity(kg, args.entity))
    if getattr(args, "advised_against", False):
        results = traverse.advised_against(kg, args.entity)
        return _show(kg, args, results, "treatment advised against", about)
    code = _show(kg, args, args.function(kg, args.entity), args.noun, about)
    if args.function is traverse.treatments_for and not args.json:
        against = traverse.advised_against(kg, args.entity)
        _aside(kg, "advised against (not recommended by a source; see --advised-against)", against)
    if args.function in (traverse.side_effects, traverse.members) and not args.json:
        guidance = traverse.usage(kg, traverse.entity(kg, args.entity))
        if guidance:
            print("\nhow to take it (see bskg show for all):")
            for item in guidance:
                where = ", ".join(f"{e['source']}:{e['line']}" for e in item["evidence"])
                print(f"  {item['entity']['label']}: {item['property']} {item['value']!r}  ({where})")
    if args.function is traverse.conditions_with_symptom and not args.json:
        _aside(kg, "not a sign of (a source says so)", traverse.not_sign_of(kg, args.entity))
    return code


def _aside(kg: KnowledgeGraph, heading: str, results: Sequence[Ranked]) -> None:
    """Print answers beside the main one under a heading, each with its best path (none: nothing)."""
    if results:
        print(f"\n{heading}:")
    for r in results:
        print(f"  {r.label}: {chain(kg, r.iri, r.paths[0])}  ({' '.join(r.sources)})")


def _red_flags(args: argparse.Namespace) -> int:
    if args.entity is None and store_of(args) is not None:
        seeds = ends(args, "redFlagFor", subjects=False) + ends(args, "hasSymptom", subjects=True)
        kg = question_graph(args, seeds)
    else:
        kg = _asked(args, "red_flags")
    about = kg.label(traverse.entity(kg, args.entity)) if args.entity else "any condition"
    return _show(kg, args, traverse.red_flags(kg, args.entity), "red flag", about)


def _spreads(args: argparse.Namespace) -> int:
    if args.entity is None and store_of(args) is not None:
        kg = question_graph(args, ends(args, "radiatesTo", subjects=False), 1)
    else:
        kg = _asked(args, "spreads_to")
    if args.entity:
        about = kg.label(traverse.entity(kg, args.entity))
        return _show(kg, args, traverse.spreads_to(kg, args.entity), "body region", about)
    return _show(kg, args, traverse.spreads_to(kg), "symptom", "any symptom")


def _path(args: argparse.Namespace) -> int:
    store = store_of(args)
    if store is None:
        kg = graph_of(args)
    else:
        from graph.query.walked import joined

        args.a, args.b = resolve(args, args.a), resolve(args, args.b)
        kg = joined(store, str(args.a), str(args.b))
    hops = traverse.path(kg, args.a, args.b)
    if args.json:
        emit_json([h.as_dict(kg) for h in hops])
        return 0
    start = traverse.entity(kg, args.a)
    print(chain(kg, start, hops))
    for h in hops:
        print("  " + h.text(kg))
    print_quotes(kg, args, [e for h in hops for e in h.evidence])
    return 0


def _top(args: argparse.Namespace) -> int:
    kg = question_graph(args, everything=True)
    connected = traverse.most_connected(kg, args.n)
    treatments = traverse.best_supported_treatments(kg, args.n)
    if args.json:
        emit_json(
            {
                "most_connected": [r.as_dict(kg) for r in connected],
                "best_supported_treatments": [r.as_dict(kg) for r in treatments],
            }
        )
        return 0
    print("most connected entities")
    print_table(
        ["#", "relations", "sources", "entity", "types"],
        [[i, int(r.score), r.support, r.label, ", ".join(r.types)] for i, r in enumerate(connected, 1)],
    )
    print("\nbest-supported treatments")
    print_table(
        ["#", "sources", "treatment", "what it treats, prevents or targets"],
        [
            [i, r.support, r.label, ", ".join(sorted({kg.label(p[0].object) for p in r.paths}))]
            for i, r in enumerate(treatments, 1)
        ],
    )
    return 0


def _export(args: argparse.Namespace) -> int:
    from graph.present.export import export, serialize

    kg = graph_of(args)
    if args.output:
        for written in export(kg, args.format, args.output):
            print(f"wrote {written}", file=sys.stderr)
        return 0
    sys.stdout.flush()
    sys.stdout.buffer.write(serialize(kg, args.format))
    sys.stdout.buffer.flush()
    return 0
