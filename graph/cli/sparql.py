"""CLI commands for SPARQL: ``query`` (named, file, stdin), ``serve`` (the endpoint), ``load --into``."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from pathlib import Path

from graph.cli.common import count, emit_json, graph_of, port, print_table, seconds
from graph.core.errors import GraphError, QueryError
from graph.query.guard import time_limit
from graph.query.results import FORMATS, Answer, display_rows, write_answer
from graph.query.run import parse_params
from graph.query.stores import Store, open_store
from graph.store.spec import StoreSpec

__all__ = ["register"]


def register(commands: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    """Add the SPARQL commands to the ``bskg`` parser."""
    query = commands.add_parser(
        "query",
        parents=[parent],
        help="run a named SPARQL query, a .rq file or a query from stdin",
        description="Run a named query (see --list), a .rq file, or '-' for a query on stdin. "
        "Prefixes bs:, bso:, rdf:, rdfs:, skos:, prov:, dcterms:, owl:, xsd: are predefined.",
    )
    query.add_argument("query", nargs="?", metavar="NAME|FILE|-", help="a named query, a .rq file, or -")
    query.add_argument(
        "--param",
        "-p",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="bind a parameter (repeatable); entity names may be any synonym, brand name or misspelling",
    )
    query.add_argument("--list", action="store_true", help="list the named queries with their questions")
    query.add_argument(
        "--format",
        "-f",
        choices=("table", *FORMATS),
        default="table",
        help="table (labels), or the endpoint's formats: json, xml, csv, tsv (W3C SPARQL results) for "
        "SELECT/ASK; turtle (the default), ntriples, rdfxml for CONSTRUCT/DESCRIBE",
    )
    _store_options(query)
    query.set_defaults(run=_query)

    serve = commands.add_parser(
        "serve", parents=[parent], help="a read-only SPARQL 1.1 endpoint with a query page"
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=port, default=7878, help="port (default 7878; 0 picks a free one)")
    serve.add_argument(
        "--max-bytes",
        type=count,
        default=None,
        metavar="N",
        help="largest result sent, in bytes (default 10000000); bigger results get HTTP 413",
    )
    serve.add_argument(
        "--max-body",
        type=count,
        default=None,
        metavar="N",
        help="largest request body, in bytes (default 1000000); bigger requests get HTTP 413",
    )
    serve.add_argument(
        "--workers",
        type=count,
        default=None,
        metavar="N",
        help="query worker processes (default: the CPU count, at least 2; $BSKG_SERVE_WORKERS)",
    )
    serve.add_argument(
        "--max-memory",
        type=count,
        default=None,
        metavar="MB",
        help="memory each query worker may take beyond its open store (default 1024); past it the "
        "query gets HTTP 503 and the worker is replaced",
    )
    _store_options(serve)
    serve.set_defaults(run=_serve)

    fill = commands.add_parser(
        "load", parents=[parent], help="fill an Oxigraph store or a remote Graph Store with the graph"
    )
    fill.add_argument(
        "--into",
        required=True,
        metavar="PATH|URL",
        help="an Oxigraph folder (created if needed; only its default graph is replaced) or a Graph "
        "Store Protocol URL",
    )
    fill.add_argument(
        "--graph",
        metavar="IRI",
        default=None,
        help="on an endpoint, the named graph to replace (default: its default graph)",
    )
    fill.add_argument(
        "--user",
        metavar="NAME",
        default=None,
        help="the endpoint's user (default $BSKG_STORE_USER); the password is read from "
        "$BSKG_STORE_PASSWORD, never from the command line",
    )
    fill.add_argument(
        "--insecure-basic",
        action="store_true",
        help="answer a plain-http server's Basic challenge (sends the password in clear; "
        "digest and https need no flag)",
    )
    fill.add_argument(
        "--force",
        action="store_true",
        help="replace a store's graph even with fewer triples than it holds",
    )
    fill.set_defaults(run=_load)


def _store_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--store",
        default=None,
        metavar="SPEC",
        help="memory (default; $BSKG_STORE), oxigraph:PATH, or sparql:URL",
    )
    parser.add_argument(
        "--timeout",
        type=seconds,
        default=None,
        metavar="SECONDS",
        help="stop a query after this long (default 30; $BSKG_QUERY_TIMEOUT)",
    )


def _spec(args: argparse.Namespace) -> str:
    """Return ``--store`` as given (an empty one is an error, not the default), else ``$BSKG_STORE``."""
    return str(args.store) if args.store is not None else os.environ.get("BSKG_STORE") or "memory"


def _store(args: argparse.Namespace) -> Store:
    spec = StoreSpec.parse(_spec(args))
    return open_store(spec, graph_of(args) if spec.kind == "memory" else None)


def _source(text: str) -> str:
    if text == "-":
        return sys.stdin.read()
    path = Path(text)
    if text.endswith(".rq") or (len(text) < 4096 and "\n" not in text and path.is_file()):
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise QueryError(f"cannot read {text}: {error}") from None
    return text


def _list(args: argparse.Namespace) -> int:
    from graph.query.run import named_queries

    queries = named_queries()
    if args.format == "json":
        emit_json([q.as_dict() for q in queries.values()])
        return 0
    rows = [
        [name, ", ".join(p.name + ("*" if p.required else "") for p in q.params), q.question]
        for name, q in queries.items()
    ]
    print_table(["name", "parameters", "question"], rows)
    return 0


def _query(args: argparse.Namespace) -> int:
    from graph.query.run import labeller, run

    if args.list:
        return _list(args)
    if not args.query:
        raise GraphError("name a query (bskg query --list shows them), a .rq file, or - for stdin")
    from graph.query.names import answer_index

    with time_limit(args.timeout):  # every request of this command, the name lookups' too
        store = _store(args)
        answer = run(store, _source(args.query), timeout=args.timeout, **parse_params(args.param))
        _print(answer, args.format, labeller(answer_index(store, answer)))
    return 0


def _print(answer: Answer, form: str, label) -> None:  # type: ignore[no-untyped-def]
    if answer.graph is not None and FORMATS.get(form, ("", ""))[1] != "graph":
        form = "turtle"  # CONSTRUCT and DESCRIBE print Turtle unless asked for another RDF format
    if form != "table":
        data = write_answer(answer, form)
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    elif answer.kind == "ASK":
        print(json.dumps(bool(answer.boolean)))
    else:
        headers, rows = display_rows(answer, label)
        print_table(headers, rows)
        print(f"({len(rows)} row{'s' if len(rows) != 1 else ''})", file=sys.stderr)


def _serve(args: argparse.Namespace) -> int:
    from graph.present.endpoint import DEFAULT_MAX_BODY, DEFAULT_MAX_BYTES, start
    from graph.query.pool import DEFAULT_MEMORY

    if args.workers is not None and args.workers < 1:
        raise GraphError("--workers must be 1 or more")
    if args.max_memory is not None and args.max_memory < 16:
        raise GraphError("--max-memory must be 16 (MB) or more")
    endpoint = start(
        store=_spec(args),
        data=getattr(args, "data", None),
        host=args.host,
        port=args.port,
        timeout=args.timeout,
        max_bytes=args.max_bytes or DEFAULT_MAX_BYTES,
        workers=args.workers,
        max_body=args.max_body or DEFAULT_MAX_BODY,
        memory=args.max_memory << 20 if args.max_memory else DEFAULT_MEMORY,
    )
    print(f"SPARQL endpoint {endpoint.url}query · query page {endpoint.url} · read-only · Ctrl-C stops")
    sys.stdout.flush()

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        endpoint.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        endpoint.close()
    return 0


def _load(args: argparse.Namespace) -> int:
    from graph.store.publish import load_into

    user = args.user or os.environ.get("BSKG_STORE_USER")
    auth = None
    if user:
        password = os.environ.get("BSKG_STORE_PASSWORD")
        if password is None:
            raise GraphError(f"--user {user}: set the password in $BSKG_STORE_PASSWORD")
        auth = (user, password)
    count = load_into(
        args.into,
        getattr(args, "data", None),
        graph=args.graph,
        auth=auth,
        force=args.force,
        insecure_basic=args.insecure_basic,
    )
    print(f"loaded {count} triples into {args.into}")
    return 0
