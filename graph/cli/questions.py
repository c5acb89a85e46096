"""CLI commands over the traversal questions and the exports.

``treatments``, ``causes``, ``symptoms``, ``red-flags``, ``prevent``, ``side-effects``,
``members``, ``mimics``, ``symptom-of``, ``at-risk``, ``spreads``, ``path``, ``top`` and
``export``. Question commands print a ranked table (``--paths`` adds every justifying path
with its source lines) or, with ``--json``, the shape of :meth:`graph.questions.paths.Ranked.as_dict`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from graph.cli.answers import aside, chain, hop_text, show_answers
from graph.cli.common import add_json_flag, add_quotes_flag, emit_json, graph_of, print_quotes, print_table
from graph.cli.legend import claim_disputes, print_legend
from graph.cli.stored import add_store_option, ends, question_graph, resolve, store_of
from graph.core.model import KnowledgeGraph
from graph.questions import traverse
from graph.questions.frames import path_cited_by
from graph.questions.paths import Ranked
from graph.questions.sources import level_named

__all__ = ["register"]

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
    flags.add_argument(
        "--urgency",
        metavar="LEVEL",
        help="only the signs some source rates this urgent or more: CallEmergencyServices, EmergencyRoom,"
        " DoctorImmediately or SeeDoctor (the vocabulary's levels; their labels work too)",
    )
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


def _question(args: argparse.Namespace) -> int:
    kg = _asked(args, args.function.__name__)
    about = kg.label(traverse.entity(kg, args.entity))
    if getattr(args, "advised_against", False):
        results = traverse.advised_against(kg, args.entity)
        return show_answers(kg, args, results, "treatment advised against", about)
    code = show_answers(kg, args, args.function(kg, args.entity), args.noun, about)
    if args.function is traverse.treatments_for and not args.json:
        against = traverse.advised_against(kg, args.entity)
        aside(kg, "advised against (not recommended by a source; see --advised-against)", against)
    if args.function in (traverse.side_effects, traverse.members) and not args.json:
        guidance = traverse.usage(kg, traverse.entity(kg, args.entity))
        if guidance:
            print("\nhow to take it (see bskg show for all):")
            for item in guidance:
                where = ", ".join(f"{e['source']}:{e['line']}" for e in item["evidence"])
                print(f"  {item['entity']['label']}: {item['property']} {item['value']!r}  ({where})")
    if args.function is traverse.conditions_with_symptom and not args.json:
        aside(kg, "not a sign of (a source says so)", traverse.not_sign_of(kg, args.entity))
    return code


def _red_flags(args: argparse.Namespace) -> int:
    if args.entity is None and store_of(args) is not None:
        seeds = ends(args, "redFlagFor", subjects=False) + ends(args, "hasSymptom", subjects=True)
        kg = question_graph(args, seeds)
    else:
        kg = _asked(args, "red_flags")
    about = kg.label(traverse.entity(kg, args.entity)) if args.entity else "any condition"
    results = traverse.red_flags(kg, args.entity)
    if args.urgency:
        level = level_named(kg, args.urgency)
        results = [r for r in results if any(u["rank"] <= level.rank for u in r.urgency)]
        about += f" rated '{level.label}' or more urgent"
    return show_answers(kg, args, results, "red flag", about)


def _spreads(args: argparse.Namespace) -> int:
    if args.entity is None and store_of(args) is not None:
        kg = question_graph(args, ends(args, "radiatesTo", subjects=False), 1)
    else:
        kg = _asked(args, "spreads_to")
    if args.entity:
        about = kg.label(traverse.entity(kg, args.entity))
        return show_answers(kg, args, traverse.spreads_to(kg, args.entity), "body region", about)
    return show_answers(kg, args, traverse.spreads_to(kg), "symptom", "any symptom")


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
        print("  " + hop_text(kg, h))
    counts = ["each hop: the source lines that state it"]
    print_legend(kg, path_cited_by(hops), claim_disputes(kg, hops), counts)
    print_quotes(kg, args, [e for h in hops for e in h.evidence])
    return 0


def _top(args: argparse.Namespace) -> int:
    store = store_of(args)
    if store is None:
        kg = graph_of(args)
        connected = traverse.most_connected(kg, args.n)
        treatments = traverse.best_supported_treatments(kg, args.n)
    else:  # rank, with the same code, the neighbourhood of the entities that can make the first n
        from graph.core.vocab import EDGE_RELATIONS
        from graph.query.counts import top_candidates
        from graph.questions.metapaths import TREATMENT_KINDS

        hubs, backed = top_candidates(store, args.n, tuple(EDGE_RELATIONS), tuple(sorted(TREATMENT_KINDS)))
        kg = question_graph(args, sorted({*hubs, *backed}), 1)
        everyone = kg.nx.number_of_nodes()
        connected = [r for r in traverse.most_connected(kg, everyone) if str(r.iri) in hubs][: max(args.n, 0)]
        treatments = [r for r in traverse.best_supported_treatments(kg, everyone) if str(r.iri) in backed]
        treatments = treatments[: max(args.n, 0)]
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
