"""The 1M-triple graph on Virtuoso 7.2 and ``oxigraph serve`` against the embedded Oxigraph store.

One run: generate the graph (``bench/generate.py``), load it into an Oxigraph folder (embedded,
``load_into(PATH)``), into ``oxigraph serve`` (``load_into`` its Graph Store) and into Virtuoso (a
named graph through ``/sparql-graph-crud-auth``, digest auth), each server on a free loopback port
with its files in a temporary folder and stopped by its process id. Then on each store: every named
query with its first parameter bound to a hub entity (``g-condition-0``, ``g-cause-0``, ...)
and one traversal question (``treatments`` for the hub cause ``g-cause-0``: on the embedded store the
loaded graph, on a server the fetched neighbourhood). Prints a markdown table.

Usage::

    PYTHONPATH=. .venv/bin/python bench/servers.py                    # 1M triples (~3 min)
    PYTHONPATH=. .venv/bin/python bench/servers.py --triples 100000   # quicker
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from graph.query.run import named_queries, run
from graph.query.stores import OxigraphStore, RemoteStore, Store
from graph.store.publish import load_into

_GRAPH = "urn:x-bskg:bench"
_CAUSE = "https://w3id.org/backspasm-kg/id/g-cause-0"


def _timed(call: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = call()
    return time.perf_counter() - started, result


def _median(call: Callable[[], Any], runs: int = 3) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(runs):
        seconds, result = _timed(call)
        times.append(seconds)
    return sorted(times)[len(times) // 2], result


def _bound_values(store: Store) -> dict[str, dict[str, Any]]:
    """Each query's first parameter bound to a hub entity of its class (``g-<class>-0``, ``generate.py``)."""
    hub = "https://w3id.org/backspasm-kg/id/g-{}-0".format
    kinds = {"condition": "condition", "cause": "cause", "symptom": "symptom", "drug_class": "drug-class"}
    kinds |= {"drug": "medication", "entity": "cause", "subject": "cause", "object": "condition"}
    label = run(store, f"SELECT ?l WHERE {{ <{hub('cause')}> rdfs:label ?l }}").rows[0][0]
    values: dict[str, dict[str, Any]] = {}
    for name, query in sorted(named_queries().items()):
        if query.params:
            first = query.params[0].name
            value = label if first == "name" else "causes" if first == "predicate" else hub(kinds[first])
            values[name] = {first: hub("treatment") if name == "guidance" else value}
    return values


def _question(store: Store | None, folder: Path) -> tuple[float, int]:
    """``treatments g-cause-0``: the loaded graph (embedded), or the neighbourhood fetched from a server."""
    from graph.cli.stored import DEPTH
    from graph.query.neighbourhood import neighbourhood
    from graph.questions.traverse import treatments_for
    from graph.view.load import load

    def ask() -> int:
        kg = load(store=folder) if store is None else neighbourhood(store, [_CAUSE], DEPTH)
        return len(treatments_for(kg, _CAUSE))

    return _timed(ask)


def _servers(folder: Path, stack: ExitStack) -> Iterator[tuple[str, Store, float]]:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from tests.servers import oxigraph_server, virtuoso_server

    server = stack.enter_context(oxigraph_server([]))
    assert server.store is not None
    seconds, _ = _timed(lambda: load_into(server.store or "", folder, progress=False))
    yield "oxigraph serve", RemoteStore(server.sparql), seconds
    server = stack.enter_context(virtuoso_server([]))
    assert server.store is not None
    seconds, _ = _timed(lambda: load_into(server.store or "", folder, graph=_GRAPH, auth=server.auth))
    yield "Virtuoso 7.2", RemoteStore(f"{server.sparql}?default-graph-uri={_GRAPH}"), seconds


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=1_000_000, help="graph size (default 1M)")
    args = parser.parse_args(argv)
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
        embedded = OxigraphStore.folder(embedded_dir)
        stores: list[tuple[str, Store | None, Store, float]] = [("embedded", None, embedded, seconds)]
        values = _bound_values(embedded)
        stores += [(label, store, store, took) for label, store, took in _servers(graph_dir, stack)]
        for label, remote, store, took in stores:
            column = columns.setdefault(label, {"load": f"{took:.1f} s"})
            for name in sorted(values):
                try:
                    median, answer = _median(lambda s=store, n=name: run(s, n, timeout=300, **values[n]))
                    column[name] = f"{median * 1000:.0f} ms ({len(answer.rows)})"
                except Exception as error:  # noqa: BLE001 (a failing engine is a result to report)
                    column[name] = f"error: {str(error)[:40]}"
            seconds, answers = _question(remote, embedded_dir)
            column["treatments g-cause-0"] = f"{seconds:.2f} s ({answers})"
        rows = ["load", *sorted(values), "treatments g-cause-0"]
        labels = list(columns)
        print(f"{count} triples; named queries: median of 3, milliseconds (rows)\n")
        print("| | " + " | ".join(labels) + " |")
        print("|---|" + "---|" * len(labels))
        for row in rows:
            print(f"| {row} | " + " | ".join(columns[label].get(row, "-") for label in labels) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
