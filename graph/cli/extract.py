"""CLI commands that grow the graph: extract (candidates of a new article) and accept (a review).

See docs/extract.md for the review file and the rules.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from graph.cli.common import add_json_flag, emit_json, graph_of, print_table, read_json_object
from graph.cli.curation import write_if_valid
from graph.core.errors import GraphError
from graph.core.files import atomic_write, locked, read_text
from graph.core.vocab import BS, SOURCE_PREFIX

__all__ = ["register"]


def register(commands: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    """Add ``extract`` and ``accept`` to the ``bskg`` parser."""
    extract = commands.add_parser(
        "extract", parents=[parent], help="propose the relations a new article states, for review"
    )
    extract.add_argument(
        "article", type=Path, help="the article as plain text, a paragraph or list item a line"
    )
    add_json_flag(extract)
    extract.add_argument(
        "-o", "--output", type=Path, help="write the candidates as a review file (curation records)"
    )
    extract.add_argument("--force", action="store_true", help="replace the review file if it exists")
    extract.add_argument("--source", metavar="NNN", help="the new source's id (default: the next free one)")
    extract.add_argument("--title", help="the article's title, for the source record")
    extract.add_argument("--url", help="where the article was published, for the source record")
    extract.set_defaults(run=_extract)

    accept = commands.add_parser(
        "accept", parents=[parent], help="add the accepted relations of a review file to a data folder"
    )
    accept.add_argument("review", type=Path, help="the review file written by bskg extract -o")
    accept.add_argument("--into", type=Path, required=True, help="the data folder to add to (e.g. data/)")
    accept.add_argument("--article", type=Path, help="the article (default: the path the review file names)")
    accept.add_argument(
        "--sources", metavar="DIR", help="folder of the other source texts (default: as validate)"
    )
    accept.set_defaults(run=_accept)


def _extract(args: argparse.Namespace) -> int:
    from graph.extract.extractor import Extractor
    from graph.extract.lines import read_article
    from graph.extract.review import next_source_id, review_records

    lines = read_article(args.article)
    kg = graph_of(args)
    if args.source and (BS[f"source-{args.source}"], None, None) in kg.rdf:
        raise GraphError(f"source {args.source} is already in the graph; choose a new id")
    if args.output and args.output.exists() and not args.force:
        raise GraphError(f"{args.output} exists; pass --force to replace it")
    found = Extractor.of(kg).extract(lines)
    if args.output:
        source: dict[str, Any] = {
            "id": args.source or next_source_id(kg),
            "path": str(args.article.resolve()),
            "fileName": args.article.name,
            "lineCount": len(lines),
        }
        source.update({k: v for k, v in (("title", args.title), ("url", args.url)) if v})
        review = review_records(found, source)
        with locked(args.output):
            atomic_write(args.output, json.dumps(review, indent=2, ensure_ascii=False) + "\n")
        print(f'wrote {args.output}: {len(found)} candidates from {len(lines)} lines, status "proposed"')
        return 0
    if args.json:
        emit_json([c.as_dict() for c in found])
        return 0
    rows = [
        [
            c.line,
            c.subject.label + ("" if c.subject.id else " (new)"),
            c.predicate,
            c.object.label + ("" if c.object.id else " (new)"),
            ",".join(f for f, on in (("hedged", c.hedged), ("negated", c.negated)) if on) or "-",
            f"{c.score:.2f}",
            "; ".join(f"{x['predicate']} {', '.join(x['evidence'])}" for x in c.conflicts) or "-",
        ]
        for c in found
    ]
    print_table(["line", "subject", "predicate", "object", "flags", "score", "contradicts"], rows)
    print(f"{len(found)} candidates from {len(lines)} lines")
    return 0


def _accept(args: argparse.Namespace) -> int:
    from graph.curation.canonical import canonical_turtle
    from graph.curation.records import records_to_graph
    from graph.extract.review import accepted_records
    from graph.quality.validate import find_sources
    from graph.store.data import turtle_graph
    from graph.view.load import load

    review = read_json_object(args.review, "'source', 'entities', 'relations'")
    triples, sources_file = args.into / "triples.ttl", args.into / "sources.ttl"
    if not (triples.is_file() and sources_file.is_file()):
        raise GraphError(f"{args.into}: not a data folder (needs triples.ttl and sources.ttl)")
    kg = load(args.into)
    try:
        records, article = accepted_records(review, kg, args.article)
        part = records_to_graph(records)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise GraphError(f"{args.review}: malformed review: {error!r}") from None
    source = BS["source-" + records["sources"][0]["id"]]
    block = _source_block(part, source)
    for triple in list(part.triples((source, None, None))):
        part.remove(triple)
    folder = find_sources(args.sources)
    with ExitStack() as stack, tempfile.TemporaryDirectory() as texts:
        stack.enter_context(locked(triples))
        stack.enter_context(locked(sources_file))
        for path in folder.iterdir() if folder is not None and folder.is_dir() else ():
            os.symlink(path.resolve(), Path(texts) / path.name)
        beside = Path(texts) / article.name
        if not beside.exists():
            os.symlink(article.resolve(), beside)
        elif beside.read_bytes() != article.read_bytes():
            raise GraphError(
                f"{article.name}: another text of that file name is in {folder}; rename the article"
            )
        merged = turtle_graph(triples) + part
        new = {
            triples: canonical_turtle(merged),
            sources_file: read_text(sources_file).rstrip("\n") + "\n\n" + block,
        }
        write_if_valid(kg, new, texts, "not accepted: the review", check_lines=folder is not None)
    relations = [r for r in records["relations"] if r["evidence"][0][0] == records["sources"][0]["id"]]
    print(
        f"accepted {len(relations)} relations, {len(records['entities'])} new entities and "
        f"{len(records.get('disagreements', []))} disagreements into {args.into} as source "
        f"{records['sources'][0]['id']} ({article.name}); put the article beside the other sources so "
        "bskg validate can check its lines"
    )
    return 0


def _source_block(part: Any, source: Any) -> str:
    """Return the Turtle block that registers a source, in the layout of ``sources.ttl``."""
    from rdflib import RDF, RDFS
    from rdflib.namespace import DCTERMS, PROV

    from graph.core.vocab import BSO

    ident = str(source).removeprefix(SOURCE_PREFIX)
    lines = [f"bs:source-{ident} a bso:Source, prov:Entity ;"]
    order = [
        ("rdfs:label", part.value(source, RDFS.label)),
        ("dcterms:identifier", part.value(source, DCTERMS.identifier)),
        ("bso:fileName", part.value(source, BSO.fileName)),
        ("dcterms:title", part.value(source, DCTERMS.title)),
        ("dcterms:source", part.value(source, DCTERMS.source)),
        ("bso:lineCount", part.value(source, BSO.lineCount)),
    ]
    shown = [(name, value) for name, value in order if value is not None and str(value)]
    for number, (name, value) in enumerate(shown):
        end = " ." if number == len(shown) - 1 else " ;"
        lines.append(f"    {name} {_n3(value)}{end}")
    assert (source, RDF.type, PROV.Entity) in part
    return "\n".join(lines) + "\n"


def _n3(value: Any) -> str:
    from rdflib import XSD, Literal

    if isinstance(value, Literal) and value.datatype == XSD.integer:
        return str(value)
    text: str = value.n3()
    return text
