"""Benchmarks of the store path against plain rdflib and plain pyoxigraph, measured in one run.

Usage::

    python bench/run.py            # 10k, 100k and 1M triples, then the CLI (several minutes, ~1 GB)
    python bench/run.py --quick    # 10k and 100k only

Each measurement runs in its own process (so peak memory is that of the measurement alone) on a
graph written by ``bench/generate.py``. Results go to ``bench/results.json`` and the table in
``bench/README.md`` (between the ``<!-- results -->`` markers).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from graph.core.files import atomic_write

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
OUT = BENCH / "out"
PYTHON = sys.executable
BSKG = str(Path(PYTHON).with_name("bskg"))
NAMED = (
    ("treatments_for", "cause", "cause"),
    ("causes", "condition", "condition"),
    ("symptoms", "condition", "condition"),
    ("mimics", "condition", "condition"),
    ("red_flags", "condition", "condition"),
)
RELATION_PREFIX = "https://w3id.org/backspasm-kg/ontology#"


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _timed(function: Any, repeat: int = 1) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def _files(folder: Path) -> list[Path]:
    from graph.store.load import data_files

    return data_files(folder)


# ----------------------------------------------------------------------------- measurements
def measure_rdflib(folder: Path) -> dict[str, Any]:
    """Plain rdflib: parse the Turtle, then ``rdflib_to_networkx_multidigraph`` (every triple an edge)."""
    from rdflib import Graph
    from rdflib.extras.external_graph_libs import rdflib_to_networkx_multidigraph

    started = time.perf_counter()
    graph = Graph()
    for file in _files(folder):
        graph.parse(file, format="turtle")
    parsed = time.perf_counter() - started
    view = rdflib_to_networkx_multidigraph(graph)
    total = time.perf_counter() - started
    return {
        "parse_s": parsed,
        "to_networkx_s": total - parsed,
        "ready_s": total,
        "nodes": view.number_of_nodes(),
        "peak_mb": _peak_mb(),
    }


def measure_oxigraph(folder: Path) -> dict[str, Any]:
    """The practical limit: pyoxigraph's parser and a minimal networkx build (domain edges only)."""
    import networkx as nx
    import pyoxigraph as ox
    from rdflib import URIRef

    started = time.perf_counter()
    view: nx.MultiDiGraph[Any] = nx.MultiDiGraph()
    edges = []
    count = 0
    for file in _files(folder):
        for triple in ox.parse(path=str(file), format=ox.RdfFormat.TURTLE):
            count += 1
            predicate = triple.predicate.value
            if predicate.startswith(RELATION_PREFIX) and isinstance(triple.object, ox.NamedNode):
                edges.append((triple.subject.value, triple.object.value, predicate[len(RELATION_PREFIX) :]))
    parsed = time.perf_counter() - started
    view.add_edges_from((URIRef(s), URIRef(o), key) for s, o, key in edges)
    total = time.perf_counter() - started
    return {"parse_s": parsed, "ready_s": total, "triples": count, "peak_mb": _peak_mb()}


def measure_memory(folder: Path) -> dict[str, Any]:
    """The project's memory path: ``graph.store.load`` (rdflib) and ``kg.nx``."""
    from graph.store.load import load

    started = time.perf_counter()
    kg = load(folder)
    view = kg.nx
    return {"ready_s": time.perf_counter() - started, "edges": view.number_of_edges(), "peak_mb": _peak_mb()}


def measure_fast(folder: Path, typical: str, hub: str) -> dict[str, Any]:
    """The store path: ``load_fast``, then traversals, a focus view, and named queries vs raw pyoxigraph."""
    import pyoxigraph as ox
    from rdflib import URIRef

    from graph.present.draw import render_html
    from graph.questions.traverse import causes_of, symptoms_of, treatments_for
    from graph.store.fastload import fill_store, load_fast

    result: dict[str, Any] = {}
    started = time.perf_counter()
    fast = load_fast(folder, progress=False)
    result["ready_s"] = time.perf_counter() - started
    result["peak_mb"] = _peak_mb()
    result["edges"] = fast.nx.number_of_edges()
    kg = fast.knowledge_graph()
    typical_iri, hub_iri = URIRef(typical), URIRef(hub)
    condition = max(fast.nx.successors(typical_iri), key=str)
    result["traversal_ms"] = {
        "treatments_for typical cause": 1000 * _timed(lambda: treatments_for(kg, typical_iri), 7)[0],
        "treatments_for hub cause": 1000 * _timed(lambda: treatments_for(kg, hub_iri), 3)[0],
        "causes_of condition": 1000 * _timed(lambda: causes_of(kg, condition), 7)[0],
        "symptoms_of condition": 1000 * _timed(lambda: symptoms_of(kg, condition), 7)[0],
    }
    result["treatments_typical_count"] = len(treatments_for(kg, typical_iri))
    with tempfile.TemporaryDirectory() as scratch:
        page = Path(scratch) / "focus.html"
        result["focus_html_s"] = _timed(lambda: render_html(kg, page, focus=typical_iri, depth=1), 3)[0]
        store_dir = Path(scratch) / "store"
        started = time.perf_counter()
        fill_store(store_dir, folder)
        result["fill_store_s"] = time.perf_counter() - started
        started = time.perf_counter()
        reopened = load_fast(store=store_dir, progress=False)
        result["ready_from_store_s"] = time.perf_counter() - started
        del reopened
        result["named_queries_ms"] = _named_queries(store_dir, typical_iri, condition, ox)
    return result


def _named_queries(store_dir: Path, cause: Any, condition: Any, ox: Any) -> dict[str, dict[str, float]]:
    """Time each named query via ``graph.query.run.run`` on the Oxigraph store and on raw pyoxigraph."""
    from graph.query.run import _named, run
    from graph.store.oxigraph import OxigraphStore
    from graph.store.stores import prefixed

    store = OxigraphStore(store_dir)
    started = time.perf_counter()
    store.index()
    first = time.perf_counter() - started
    raw = ox.Store.read_only(str(store_dir))
    found: dict[str, dict[str, float]] = {"(label index of the store, once)": {"ours": 1000 * first}}
    for name, param, kind in NAMED:
        value = cause if kind == "cause" else condition
        text = prefixed(_named(name).text) + f"\nVALUES ?{param} {{ <{value}> }}"
        rows_raw = len(list(raw.query(text)))
        ours_s, answer = _timed(lambda n=name, p=param, v=value: run(store, n, **{p: v}), 5)
        raw_s, _ = _timed(lambda t=text: list(raw.query(t)), 5)
        found[name] = {
            "ours": 1000 * ours_s,
            "raw": 1000 * raw_s,
            "rows": len(answer.rows),
            "rows_raw": rows_raw,
        }
    store.close()
    return found


def measure_cli() -> dict[str, Any]:
    """Wall time of the CLI on the bundled graph against importing rdflib and networkx."""
    env = {**os.environ, "BSKG_CACHE": os.environ.get("BSKG_CACHE", "")}
    commands = {
        'python -c "import rdflib, networkx"': [PYTHON, "-c", "import rdflib, networkx"],
        "bskg find tylenol": [BSKG, "find", "tylenol"],
        "bskg treatments dehydration": [BSKG, "treatments", "dehydration"],
        "bskg query treatments_for --param cause=dehydration": [
            BSKG,
            "query",
            "treatments_for",
            "--param",
            "cause=dehydration",
        ],
    }
    found: dict[str, Any] = {}
    for label, command in commands.items():
        subprocess.run(command, capture_output=True, env=env, check=False)  # warm the OS cache
        times = []
        for _ in range(5):
            started = time.perf_counter()
            done = subprocess.run(command, capture_output=True, env=env, check=False)
            times.append(time.perf_counter() - started)
        found[label] = {"median_s": statistics.median(times), "exit": done.returncode}
    return found


# ----------------------------------------------------------------------------- driver
def _child(kind: str, folder: Path, typical: str = "", hub: str = "") -> dict[str, Any]:
    """Run one measurement in a fresh process and return its JSON."""
    command = [PYTHON, str(Path(__file__).resolve()), "--one", kind, str(folder), typical, hub]
    done = subprocess.run(command, capture_output=True, text=True, cwd=REPO, check=False)
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1:] or ["failed"]}
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def _machine() -> dict[str, Any]:
    memory = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) // 1024 // 1024} GB"
    except OSError:
        pass
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import networkx
    import pyoxigraph
    import rdflib

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory": memory,
        "python": platform.python_version(),
        "os": platform.platform(),
        "rdflib": rdflib.__version__,
        "pyoxigraph": pyoxigraph.__version__,
        "networkx": networkx.__version__,
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }


def run(sizes: list[int], repeat: int) -> dict[str, Any]:
    """Generate each size, measure every path, then the CLI; return the results."""
    sys.path.insert(0, str(BENCH))
    from generate import generate, typical_cause

    results: dict[str, Any] = {"machine": _machine(), "repeat": repeat, "sizes": {}}
    for size in sizes:
        folder = OUT / f"g{size}"
        counts = generate(size, folder)
        typical = typical_cause(folder / "triples.ttl")
        hub = "https://w3id.org/backspasm-kg/id/g-cause-0"
        entry: dict[str, Any] = {"counts": counts, "typical_cause": typical, "runs": {}}
        print(f"{size:,} triples: {counts}", file=sys.stderr)
        kinds = ["rdflib", "oxigraph", "fast"] + (["memory"] if size <= 100_000 else [])
        for kind in kinds:
            runs = [_child(kind, folder, typical, hub) for _ in range(repeat if kind != "fast" else 1)]
            entry["runs"][kind] = runs
            print(f"  {kind}: {[r.get('ready_s', r.get('error')) for r in runs]}", file=sys.stderr)
        results["sizes"][str(size)] = entry
    print("CLI", file=sys.stderr)
    results["cli"] = measure_cli()
    return results


def _median(runs: list[dict[str, Any]], key: str) -> float:
    values = [run[key] for run in runs if key in run]
    return statistics.median(values) if values else float("nan")


def table(results: dict[str, Any]) -> str:
    """Return the markdown tables of the results."""
    machine = results["machine"]
    lines = [
        f"Measured {machine['date']} on {machine['cpu']} ({machine['cores']} cores, {machine['memory']}), "
        f"Python {machine['python']}, rdflib {machine['rdflib']}, pyoxigraph {machine['pyoxigraph']}, "
        f"networkx {machine['networkx']}. Load times are medians of {results['repeat']} runs "
        "(the store path: one run); query and traversal times are medians of 3–7 calls.",
        "",
        "### Load to a ready graph (seconds) and peak memory (MB)",
        "",
        "| triples | rdflib parse + `rdflib_to_networkx_multidigraph` "
        "| pyoxigraph parse + minimal nx (limit) "
        "| **load_fast** (parse + full view + index) | ratio to limit | speed-up over rdflib "
        "| memory path (`graph.load` + `kg.nx`) | from a persistent store | peak MB rdflib / limit / ours |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for _size, entry in results["sizes"].items():
        runs = entry["runs"]
        rdf, limit = _median(runs["rdflib"], "ready_s"), _median(runs["oxigraph"], "ready_s")
        fast = runs["fast"][0]
        ours = fast.get("ready_s", float("nan"))
        memory = _median(runs.get("memory", []), "ready_s")
        lines.append(
            f"| {entry['counts']['triples']:,} | {rdf:.2f} | {limit:.2f} | **{ours:.2f}** "
            f"| {ours / limit:.2f}x "
            f"| {rdf / ours:.1f}x | {'—' if memory != memory else f'{memory:.2f}'} "
            f"| {fast.get('ready_from_store_s', float('nan')):.2f} "
            f"| {_median(runs['rdflib'], 'peak_mb'):.0f} / {_median(runs['oxigraph'], 'peak_mb'):.0f} "
            f"/ {fast.get('peak_mb', float('nan')):.0f} |"
        )
    lines += [
        "",
        "### Traversals on the networkx view (ms) and a focus-view HTML page (s)",
        "",
        "| triples | treatments, typical cause | treatments, hub cause | causes of a condition "
        "| symptoms of a condition | focus-view HTML (s) |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for _size, entry in results["sizes"].items():
        fast = entry["runs"]["fast"][0]
        t = fast.get("traversal_ms", {})
        lines.append(
            f"| {entry['counts']['triples']:,} | {t.get('treatments_for typical cause', 0):.3f} "
            f"| {t.get('treatments_for hub cause', 0):.3f} | {t.get('causes_of condition', 0):.3f} "
            f"| {t.get('symptoms_of condition', 0):.3f} | {fast.get('focus_html_s', 0):.3f} |"
        )
    lines += [
        "",
        "### Named queries (ms): `graph.query.run.run` on `--store oxigraph:PATH` "
        "vs the same text on raw pyoxigraph",
        "",
        "| triples | query | ours | raw pyoxigraph | ratio | rows |",
        "|---:|---|---:|---:|---:|---:|",
    ]
    for _size, entry in results["sizes"].items():
        fast = entry["runs"]["fast"][0]
        for name, item in fast.get("named_queries_ms", {}).items():
            raw = item.get("raw")
            ratio = f"{item['ours'] / raw:.2f}x" if raw else "—"
            lines.append(
                f"| {entry['counts']['triples']:,} | {name} | {item['ours']:.1f} "
                f"| {'—' if raw is None else f'{raw:.1f}'} | {ratio} | {item.get('rows', '')} |"
            )
    lines += [
        "",
        "### CLI wall time on the bundled graph (median of 5, seconds)",
        "",
        "| command | seconds | ratio to `import rdflib, networkx` |",
        "|---|---:|---:|",
    ]
    cli = results.get("cli", {})
    base = cli.get('python -c "import rdflib, networkx"', {}).get("median_s", float("nan"))
    for label, item in cli.items():
        lines.append(f"| `{label}` | {item['median_s']:.3f} | {item['median_s'] / base:.2f}x |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks, or one measurement (``--one KIND FOLDER TYPICAL HUB``, internal)."""
    parser = argparse.ArgumentParser(description="backspasm-kg benchmarks")
    parser.add_argument("--quick", action="store_true", help="10k and 100k triples only")
    parser.add_argument("--repeat", type=int, default=3, help="runs per baseline (median)")
    parser.add_argument(
        "--one", nargs=4, metavar=("KIND", "FOLDER", "TYPICAL", "HUB"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    if args.one:
        kind, folder, typical, hub = args.one
        sys.path.insert(0, str(REPO))
        measure = {
            "rdflib": lambda: measure_rdflib(Path(folder)),
            "oxigraph": lambda: measure_oxigraph(Path(folder)),
            "memory": lambda: measure_memory(Path(folder)),
            "fast": lambda: measure_fast(Path(folder), typical, hub),
        }[kind]
        json.dump(measure(), sys.stdout)
        return 0
    sizes = [10_000, 100_000] if args.quick else [10_000, 100_000, 1_000_000]
    results = run(sizes, args.repeat)
    results["quick"] = args.quick
    atomic_write(BENCH / "results.json", json.dumps(results, indent=2) + "\n")
    readme = BENCH / "README.md"
    text = (
        readme.read_text(encoding="utf-8")
        if readme.exists()
        else "# Benchmarks\n\n<!-- results -->\n<!-- /results -->\n"
    )
    start, end = "<!-- results -->", "<!-- /results -->"
    if start not in text:
        text += f"\n{start}\n{end}\n"
    head, _, rest = text.partition(start)
    _, _, tail = rest.partition(end)
    atomic_write(readme, f"{head}{start}\n{table(results)}{end}{tail}")
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
