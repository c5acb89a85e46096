"""The 1M-triple graph on Virtuoso 7.2 and ``oxigraph serve`` against the embedded Oxigraph store.

One run: generate the graph (``bench/generate.py``), load it into an Oxigraph folder (embedded,
``load_into(PATH)``), into ``oxigraph serve`` (``load_into`` its Graph Store) and into Virtuoso (a
named graph through ``/sparql-graph-crud-auth``, digest auth), each server on a free loopback port
with its files in a temporary folder and stopped by its process id. Then on each store: a misspelt
name looked up as ``find --store`` does (the label index ``load --into`` wrote beside the folder or
for the endpoint, candidates checked on the store), every named query with its first parameter
bound to a hub entity (``g-condition-0``, ``g-cause-0``, ...) and one traversal question
(``treatments`` for the hub cause ``g-cause-0``) from what its metapaths walk in each store, the
path ``--store`` takes; on the embedded store also on the whole graph loaded
(``graph.load(store=)``). Each store answers
under the same time limit per query (``--query-seconds``: the servers' own limit, ``--timeout-s``
and ``MaxQueryExecutionTime``, and the embedded store's query worker); a query over it is reported
as such, not waited for. Each cell is printed to standard error as it is measured; the markdown table
goes to standard output at the end.

A query whose hub entity has no rows (the hub treatment has no guidance) is bound instead to the
entity with most rows in that query's unbound answer on the embedded store, so that no row of the
table times an empty answer.

Usage::

    PYTHONPATH=. .venv/bin/python bench/servers.py                    # 1M triples (~6 min)
    PYTHONPATH=. .venv/bin/python bench/servers.py --triples 100000   # quicker
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from graph.query.run import named_queries, run
from graph.query.stores import OxigraphStore, RemoteStore, Store
from graph.store.publish import load_into

_GRAPH = "urn:x-bskg:bench"
_INDEX = "name lookup (`find` a hub's name, misspelt)"
_ASKED = "`treatments g-cause-0` from what its metapaths walk"
_WHOLE = "`treatments g-cause-0` on the whole graph loaded"
_CAUSE = "https://w3id.org/backspasm-kg/id/g-cause-0"


def _timed(call: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = call()
    return time.perf_counter() - started, result


def _median(call: Callable[[], Any], runs: int = 3, slow: float = 5.0) -> tuple[float, Any, int]:
    """Median of ``runs`` calls, or the one call when it took over ``slow`` seconds (with the count)."""
    times, result = [], None
    for _ in range(runs):
        seconds, result = _timed(call)
        times.append(seconds)
        if seconds > slow:
            break
    return sorted(times)[len(times) // 2], result, len(times)


def _say(*parts: object) -> None:
    """One measured cell on standard error, as it comes (a 1M run takes minutes)."""
    print(*parts, file=sys.stderr, flush=True)


def _bound_values(store: Store, seconds: float) -> dict[str, dict[str, Any]]:
    """Each query's first parameter bound to a hub entity of its class (``g-<class>-0``, ``generate.py``).

    When the hub gives no rows, the entity with most rows in the query's unbound answer instead.
    """
    hub = "https://w3id.org/backspasm-kg/id/g-{}-0".format
    kinds = {"condition": "condition", "cause": "cause", "symptom": "symptom", "drug_class": "drug-class"}
    kinds |= {"drug": "medication", "entity": "cause", "subject": "cause", "object": "condition"}
    label = run(store, f"SELECT ?l WHERE {{ <{hub('cause')}> rdfs:label ?l }}").rows[0][0]
    values: dict[str, dict[str, Any]] = {}
    for name, query in sorted(named_queries().items()):
        if not query.params:
            continue
        first = query.params[0].name
        value = label if first == "name" else "causes" if first == "predicate" else hub(kinds[first])
        if not run(store, name, timeout=seconds, **{first: value}).rows and first in query.columns:
            unbound = run(store, name, timeout=seconds)
            column = unbound.vars.index(first)
            counts = Counter(str(row[column]) for row in unbound.rows if row[column] is not None)
            value = counts.most_common(1)[0][0] if counts else value
        values[name] = {first: value}
        _say(f"bound {name}: {first}={value}")
    return values


def _question(store: Store) -> tuple[float, int]:
    """``treatments g-cause-0`` from what its metapaths walk in the store (``--store``'s path)."""
    from graph.query.walked import walked
    from graph.questions import metapaths
    from graph.questions.traverse import treatments_for

    steps = [[(s.predicate, s.forward, s.kinds) for s in m.steps] for m in metapaths.WALKS["treatments_for"]]
    return _timed(lambda: len(treatments_for(walked(store, _CAUSE, steps), _CAUSE)))


def _lookup(store: Store, name: str) -> tuple[float, int]:
    """``find`` a misspelt name as ``--store`` does: the store's label index, or the endpoint's."""
    from graph.query.names import lookup_of

    return _timed(lambda: len(lookup_of(store).find(name)))


def _whole_graph_question(folder: Path) -> tuple[float, int]:
    """``treatments g-cause-0`` on the whole graph loaded from the folder (``graph.load(store=)``)."""
    from graph.questions.traverse import treatments_for
    from graph.view.load import load

    return _timed(lambda: len(treatments_for(load(store=folder), _CAUSE)))


def _loaded(label: str, store: Store, expected: int, seconds: float) -> tuple[str, Store, float]:
    """Check that the server holds every triple sent (a short graph would make every row a lie)."""
    held = int(str(run(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", timeout=300).rows[0][0]))
    if held != expected:
        raise SystemExit(f"{label} holds {held:,} of the {expected:,} triples loaded: no table")
    _say(f"{label}: {held:,} triples loaded in {seconds:.1f} s")
    return label, store, seconds


def _servers(folder: Path, stack: ExitStack, limit: int) -> Iterator[tuple[str, Store, float]]:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from tests.servers import oxigraph_server, virtuoso_server

    server = stack.enter_context(oxigraph_server([], query_seconds=limit))
    assert server.store is not None
    seconds, count = _timed(lambda: load_into(server.store or "", folder, progress=False))
    yield _loaded("oxigraph serve", RemoteStore(server.sparql), count, seconds)
    # 1.3 GB of buffers: Virtuoso's guide sizes the pool to the data; the 80 MB of the tests would page
    server = stack.enter_context(virtuoso_server([], query_seconds=limit, buffers=170_000))
    assert server.store is not None
    seconds, count = _timed(lambda: load_into(server.store or "", folder, graph=_GRAPH, auth=server.auth))
    yield _loaded("Virtuoso 7.2", RemoteStore(f"{server.sparql}?default-graph-uri={_GRAPH}"), count, seconds)


def _cell(store: Store, name: str, values: dict[str, Any], limit: int) -> str:
    """Time one bound named query: median (or one run when slow), rows; an error or the limit as such."""
    try:
        median, answer, runs = _median(lambda: run(store, name, timeout=limit + 10, **values))
    except Exception as error:  # noqa: BLE001 (a failing engine is a result to report)
        text = str(error)
        if "time" in text.lower() and ("out" in text.lower() or "limit" in text.lower()):
            return f"over {limit} s"
        return f"error: {text[:60]}"
    note = "" if runs == 3 else ", 1 run"
    return f"{median * 1000:,.0f} ms ({len(answer.rows)}{note})"


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=1_000_000, help="graph size (default 1M)")
    parser.add_argument("--query-seconds", type=int, default=60, help="time limit per query (default 60)")
    args = parser.parse_args(argv)
    limit = args.query_seconds
    with tempfile.TemporaryDirectory(prefix="bskg-bench-servers-") as name, ExitStack() as stack:
        graph_dir, embedded_dir = Path(name) / "graph", Path(name) / "embedded"
        generate = [
            sys.executable,
            str(Path(__file__).with_name("generate.py")),
            "--triples",
            str(args.triples),
        ]
        subprocess.run([*generate, "--out", str(graph_dir)], check=True, capture_output=True)
        columns: dict[str, dict[str, str]] = {}
        seconds, count = _timed(lambda: load_into(str(embedded_dir), graph_dir, progress=False))
        _say(f"embedded: {count} triples loaded in {seconds:.1f} s")
        embedded = OxigraphStore.folder(embedded_dir)
        stores: list[tuple[str, Store, float]] = [("embedded", OxigraphStore.folder(embedded_dir), seconds)]
        values = _bound_values(embedded, limit)
        name = str(run(embedded, f"SELECT ?l WHERE {{ <{_CAUSE}> rdfs:label ?l }}").rows[0][0])
        misspelt = name[:2] + name[3:]
        stores += list(_servers(graph_dir, stack, limit))
        for label, store, took in stores:
            column = columns.setdefault(label, {"load": f"{took:.1f} s"})
            seconds, found = _lookup(store, misspelt)
            column[_INDEX] = f"{seconds * 1000:,.0f} ms ({found})"
            _say(f"{label} / {_INDEX}: {column[_INDEX]}")
            for query in sorted(values):
                column[query] = _cell(store, query, values[query], limit)
                _say(f"{label} / {query}: {column[query]}")
            seconds, answers = _question(store)
            column[_ASKED] = f"{seconds:.2f} s ({answers})"
            _say(f"{label} / {_ASKED}: {column[_ASKED]}")
        seconds, answers = _whole_graph_question(embedded_dir)
        columns["embedded"][_WHOLE] = f"{seconds:.2f} s ({answers})"
        _say(f"embedded / {_WHOLE}: {columns['embedded'][_WHOLE]}")
        rows = ["load", _INDEX, *sorted(values), _ASKED, _WHOLE]
        labels = list(columns)
        print(f"{count:,} triples; named queries: median of 3 (one run when over 5 s), ms (rows);")
        print(f"time limit {limit} s per query on every store\n")
        print("| | " + " | ".join(labels) + " |")
        print("|---|" + "---:|" * len(labels))
        for row in rows:
            print(f"| {row} | " + " | ".join(columns[label].get(row, "-") for label in labels) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
