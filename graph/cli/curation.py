"""CLI commands for curators: conflicts, coverage, fmt, add, import-records."""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from graph.cli.common import (
    add_json_flag,
    add_quotes_flag,
    emit_json,
    graph_of,
    print_quotes,
    print_table,
    read_json_object,
)
from graph.cli.stored import add_store_option, question_graph, store_of
from graph.core.errors import GraphError
from graph.core.files import atomic_write, locked, read_text, require_file
from graph.core.model import KnowledgeGraph
from graph.curation.canonical import canonical_turtle
from graph.quality.conflicts import conflicts
from graph.quality.coverage import coverage, source_lines
from graph.quality.validate import find_sources
from graph.store.data import turtle_graph

__all__ = ["register", "write_if_valid"]


def register(commands: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    """Add the curation commands to the ``bskg`` parser."""
    found = commands.add_parser(
        "conflicts", parents=[parent], help="disagreements between sources, claim against claim"
    )
    add_json_flag(found)
    add_quotes_flag(found)
    add_store_option(found)
    found.set_defaults(run=_conflicts)

    cover = commands.add_parser(
        "coverage", parents=[parent], help="per source, the lines no evidence cites and the share cited"
    )
    cover.add_argument("--source", metavar="NNN", help="only this source (e.g. 002)")
    cover.add_argument("--text", action="store_true", help="show the text of each uncited line")
    cover.add_argument("--sources", metavar="DIR", help="folder of the source texts (for --text)")
    add_json_flag(cover)
    cover.set_defaults(run=_coverage)

    fmt = commands.add_parser(
        "fmt", parents=[parent], help="rewrite a Turtle file in the canonical, diff-friendly layout"
    )
    fmt.add_argument("file", type=Path, help="the Turtle file to rewrite (e.g. data/triples.ttl)")
    fmt.add_argument("--check", action="store_true", help="only report whether the file is canonical")
    fmt.set_defaults(run=_fmt)

    add = commands.add_parser(
        "add",
        parents=[parent],
        help="add a relation (or a guidance value) with its evidence to a Turtle file, if it stays valid",
    )
    add.add_argument("subject", help="the subject entity, by any of its names")
    add.add_argument("predicate", help="a relation (e.g. causes) or a guidance property (e.g. maxDuration)")
    add.add_argument("object", help="the object entity by name, or the guidance text")
    add.add_argument("--source", required=True, metavar="NNN", help="the source that states it (e.g. 002)")
    add.add_argument("--line", required=True, type=int, help="the 1-based line of the source that states it")
    add.add_argument(
        "--hedged",
        action="store_true",
        help="the line hedges the claim (may, can, in some cases...); default: it asserts it",
    )
    add.add_argument(
        "--file", type=Path, required=True, help="the Turtle file to add to (e.g. data/triples.ttl)"
    )
    add.add_argument("--sources", metavar="DIR", help="folder of the source texts (default: as validate)")
    add.set_defaults(run=_add)

    records = commands.add_parser(
        "import-records", parents=[parent], help="turn curation records (JSON) into canonical Turtle"
    )
    records.add_argument(
        "records", type=Path, help="a JSON file of entities, relations, attributes, disagreements"
    )
    records.add_argument("-o", "--output", type=Path, required=True, help="the Turtle file to write")
    records.add_argument("--force", action="store_true", help="replace the output file if it exists")
    records.set_defaults(run=_import_records)


def _conflicts(args: argparse.Namespace) -> int:
    store = store_of(args)
    if store is None:
        kg = graph_of(args)
    else:  # only the entities the disagreements involve, with their relations and evidence
        from graph.quality.conflicts import OPPOSED
        from graph.query.counts import conflict_seeds

        opposed = tuple(name for pair in OPPOSED for name in pair)
        kg = question_graph(args, conflict_seeds(store, opposed), 0)
    found = conflicts(kg)
    if args.json:
        emit_json([c.as_dict(kg) for c in found])
        return 0
    for number, conflict in enumerate(found, start=1):
        print(f"{number}. {conflict.label}  [{conflict.origin}]")
        if conflict.comment:
            print(f"   {conflict.comment}")
        for claim in conflict.claims:
            where = ", ".join(e.cite() for e in claim.evidence)
            print(f"   - {kg.label(claim.subject)} {claim.predicate} {kg.label(claim.object)}  ({where})")
    if not found:
        print("no disagreements between sources")
    print_quotes(kg, args, [e for conflict in found for claim in conflict.claims for e in claim.evidence])
    return 0


def _coverage(args: argparse.Namespace) -> int:
    kg = graph_of(args)
    report = coverage(kg)
    if args.source:
        report = [c for c in report if c.source == args.source]
        if not report:
            raise GraphError(f"no source {args.source!r} in the graph")
    folder = find_sources(args.sources) if args.text else None
    texts = {c.source: source_lines(folder, c.file_name) for c in report} if args.text else {}
    if args.json:
        emit_json([c.as_dict(texts.get(c.source)) if args.text else c.as_dict() for c in report])
        return 0
    rows = [
        [
            c.source,
            c.lines,
            len(c.cited),
            f"{c.share:.0%}",
            len(c.hedged),
            _ranges(c.context),
            _ranges(c.uncited),
        ]
        for c in report
    ]
    print_table(["source", "lines", "cited", "share", "hedged", "context only", "uncited lines"], rows)
    if args.text:
        for c in report:
            for line in c.uncited:
                text = texts[c.source].get(line, "")
                print(f"{c.source}:{line}: {text[:100]}")
    return 0


def _ranges(numbers: tuple[int, ...]) -> str:
    """Compress 1,2,3,7 into '1-3, 7'."""
    parts: list[str] = []
    for n in numbers:
        if parts and parts[-1].split("-")[-1] == str(n - 1):
            parts[-1] = f"{parts[-1].split('-')[0]}-{n}"
        else:
            parts.append(str(n))
    return ", ".join(parts) or "-"


def _add(args: argparse.Namespace) -> int:
    from rdflib import Literal

    from graph.core.vocab import BSO, GUIDANCE, RELATIONS
    from graph.curation.records import add_fact

    kg = graph_of(args)
    target: Path = require_file(args.file)
    if args.predicate not in RELATIONS + GUIDANCE:
        raise GraphError(
            f"unknown property {args.predicate!r}; use one of: {', '.join(RELATIONS + GUIDANCE)}"
        )
    subject = kg.index.resolve(args.subject)
    obj = Literal(args.object, lang="en") if args.predicate in GUIDANCE else kg.index.resolve(args.object)
    with locked(target):  # read, check and write as one step: a concurrent add waits, then adds to ours
        read_text(target)
        part = turtle_graph(target)
        minted = add_fact(part, subject, BSO[args.predicate], obj, [(args.source, args.line)], args.hedged)
        write_if_valid(kg, {target: canonical_turtle(part)}, args.sources, "not added: the fact")
    print(
        f"added {kg.label(subject)} {args.predicate} {obj if isinstance(obj, Literal) else kg.label(obj)}"
        f" ({args.source}:{args.line}) as {minted[0]}"
    )
    return 0


def write_if_valid(
    kg: KnowledgeGraph,
    texts: dict[Path, str],
    sources: str | Path | None,
    what: str,
    check_lines: bool = True,
) -> None:
    """Write new contents of some of a graph's files, only if the graph they make validates.

    The graph is loaded from a scratch folder with the new texts and copies of ``kg``'s other
    files, checked by :func:`graph.quality.validate.validate` (SHACL, vocabulary, cited lines
    against ``sources``), then each file is written atomically. Callers hold the files' locks.

    Raises
    ------
    graph.core.errors.GraphError
        When the graph would be invalid (the violations are printed first); nothing is written.
    """
    from graph.quality.validate import validate
    from graph.view.load import load

    with tempfile.TemporaryDirectory() as scratch:
        for target, text in texts.items():
            (Path(scratch) / target.name).write_text(text, encoding="utf-8")
        changed = {p.resolve() for p in texts}
        for other in kg.files:
            if other.resolve() not in changed:
                shutil.copy(other, Path(scratch) / f"_{other.name}")
        report = validate(load(Path(scratch)), sources=sources, check_lines=check_lines)
    if not report.conforms:
        for violation in report.violations:
            print(violation)
        names = ", ".join(str(p) for p in texts)
        raise GraphError(f"{what} would make the graph invalid ({names} unchanged)")
    for target, text in texts.items():
        atomic_write(target, text)


def _import_records(args: argparse.Namespace) -> int:

    from graph.curation.records import records_to_graph

    data = read_json_object(args.records, "'entities', 'relations', ...")
    try:
        text = canonical_turtle(records_to_graph(data))
    except (KeyError, TypeError, ValueError) as error:
        raise GraphError(f"{args.records}: malformed record: {error!r}") from error
    with locked(args.output):  # the check and the write as one step
        if args.output.exists() and not args.force:
            raise GraphError(f"{args.output} exists; pass --force to replace it")
        atomic_write(args.output, text)
    print(f"wrote {args.output} ({text.count(chr(10))} lines)")
    return 0


def _fmt(args: argparse.Namespace) -> int:
    path: Path = require_file(args.file)
    if args.check:
        if read_text(path) != canonical_turtle(turtle_graph(path)):
            print(f"{path}: not in canonical layout (run: bskg fmt {path})")
            return 1
        print(f"{path}: canonical")
        return 0
    with locked(path):  # an add between our read and our write would otherwise be lost
        current = read_text(path)
        canonical = canonical_turtle(turtle_graph(path))
        if current != canonical:
            atomic_write(path, canonical)
    print(f"{path}: rewritten" if current != canonical else f"{path}: already canonical")
    return 0
