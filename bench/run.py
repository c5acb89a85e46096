"""Benchmarks of the one load path against plain rdflib and plain pyoxigraph, measured in one run.

Usage::

    python bench/run.py            # 10k, 100k and 1M triples, then the CLI (several minutes)
    python bench/run.py --quick    # 10k and 100k only
    python bench/run.py --stores   # only "questions on a store" (10k, 100k, 1M, HPO; --quick: 10k, 100k)

Each measurement runs in its own process (so peak memory is that of the measurement alone) on a
graph written by ``bench/generate.py``. A full run writes ``bench/results.json`` and the tables
between the ``<!-- results -->`` markers of ``bench/README.md``; a quick run writes
``bench/results-quick.json`` and the ``<!-- quick -->`` section, leaving the full run's rows alone.
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
#: Every named query with an entity parameter: (query, parameter, class of the entity bound).
NAMED = (
    ("agreed_causes", "condition", "Condition"),
    ("causes", "condition", "Condition"),
    ("class_members", "drug_class", "DrugClass"),
    ("conditions_with_symptom", "symptom", "Symptom"),
    ("connected_treatments", "entity", "Cause"),
    ("drug_class_details", "drug_class", "DrugClass"),
    ("guidance", "entity", "Treatment"),
    ("mimics", "condition", "Condition"),
    ("negative_claims", "subject", "Treatment"),
    ("preventions", "condition", "Condition"),
    ("radiating_symptoms", "symptom", "Symptom"),
    ("red_flags", "condition", "Condition"),
    ("relations", "subject", "Cause"),
    ("risk_groups", "condition", "Condition"),
    ("side_effects", "drug", "Medication"),
    ("symptoms", "condition", "Condition"),
    ("treatments_for", "cause", "Cause"),
    ("what_is", "entity", "Cause"),
)
RELATION_PREFIX = "https://w3id.org/backspasm-kg/ontology#"
_PREFIXES = {
    "bs": "https://w3id.org/backspasm-kg/id/",
    "bso": RELATION_PREFIX,
    "dcterms": "http://purl.org/dc/terms/",
    "owl": "http://www.w3.org/2002/07/owl#",
    "prov": "http://www.w3.org/ns/prov#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


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
    from graph.store.data import data_files

    return data_files(folder)


def _entity_of(kg: Any, kind: str, near: Any) -> Any:
    """Return an entity of a class for a bound named query: one linked to ``near`` when there is one.

    Otherwise the entity of the class with the median number of relations: a typical one, as the
    typical cause is (the first by name is a hub of the generated graph, whose answers grow with it).
    """
    if kind in kg.types(near):
        return near
    for other in list(kg.nx.successors(near)) + list(kg.nx.predecessors(near)):
        if kind in kg.types(other):
            return other
    members = sorted((kg.nx.degree(e), str(e)) for e, kinds in kg.index.types.items() if kind in kinds)
    return (
        next((e for e in kg.index.types if str(e) == members[len(members) // 2][1]), near)
        if members
        else near
    )


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


def measure_bulk(folder: Path) -> dict[str, Any]:
    """The baseline of ``load --into``: pyoxigraph's own bulk load of the files into a new folder store."""
    import pyoxigraph as ox

    with tempfile.TemporaryDirectory() as scratch:
        started = time.perf_counter()
        store = ox.Store(scratch)
        for file in _files(folder):
            store.bulk_load(path=str(file), format=ox.RdfFormat.TURTLE, base_iri=file.resolve().as_uri())
        store.optimize()
        store.flush()
        elapsed = time.perf_counter() - started
        del store
    return {"bulk_load_s": elapsed, "peak_mb": _peak_mb()}


def measure_ours(folder: Path, typical: str, hub: str) -> dict[str, Any]:
    """The project's one load path (``graph.load`` + ``kg.nx``), then questions, a page and named queries."""
    from rdflib import URIRef

    from graph.present.draw import render_html
    from graph.query.run import run
    from graph.query.stores import OxigraphStore
    from graph.questions.traverse import causes_of, symptoms_of, treatments_for
    from graph.store.publish import load_into
    from graph.view.load import load

    result: dict[str, Any] = {}
    started = time.perf_counter()
    kg = load(folder, progress=False)
    view = kg.nx
    result["ready_s"] = time.perf_counter() - started
    result["peak_mb"] = _peak_mb()
    result["edges"] = view.number_of_edges()
    typical_iri, hub_iri = URIRef(typical), URIRef(hub)
    condition = max(view.successors(typical_iri), key=str)
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
        load_into(str(store_dir), folder, progress=False)
        result["load_into_s"] = time.perf_counter() - started
        started = time.perf_counter()
        reopened = load(store=store_dir, progress=False)
        result["ready_from_store_s"] = time.perf_counter() - started
        del reopened
    store = OxigraphStore.of(kg)
    raw = kg.store
    found: dict[str, dict[str, float]] = {}
    for name, param, kind in NAMED:
        value = _entity_of(kg, kind, condition if kind == "Condition" else typical_iri)
        text = _named_text(name)
        substitutions = {_ox_variable(param): _ox_node(value)}
        rows_raw = len(list(raw.query(text, prefixes=_PREFIXES, substitutions=substitutions)))
        ours_s, answer = _timed(lambda n=name, p=param, v=value: run(store, n, **{p: v}), 5)
        raw_s, _ = _timed(
            lambda t=text, sub=substitutions: list(raw.query(t, prefixes=_PREFIXES, substitutions=sub)), 5
        )
        found[name] = {
            "ours": 1000 * ours_s,
            "raw": 1000 * raw_s,
            "rows": len(answer.rows),
            "rows_raw": rows_raw,
        }
    result["named_queries_ms"] = found
    return result


def _named_text(name: str) -> str:
    from graph.query.run import named_queries

    return named_queries()[name].text


def _ox_variable(name: str) -> Any:
    import pyoxigraph as ox

    return ox.Variable(name)


def _ox_node(value: Any) -> Any:
    import pyoxigraph as ox

    return ox.NamedNode(str(value))


def measure_cli() -> dict[str, Any]:
    """Wall time of the CLI on the bundled graph against importing rdflib and networkx."""
    env = dict(os.environ)
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
        for kind in ("rdflib", "oxigraph", "bulk", "ours"):
            runs = [_child(kind, folder, typical, hub) for _ in range(repeat if kind != "ours" else 1)]
            entry["runs"][kind] = runs
            print(
                f"  {kind}: {[r.get('ready_s', r.get('bulk_load_s', r.get('error'))) for r in runs]}",
                file=sys.stderr,
            )
        results["sizes"][str(size)] = entry
    print("CLI", file=sys.stderr)
    results["cli"] = measure_cli()
    return results


def _median(runs: list[dict[str, Any]], key: str) -> float:
    values = [run[key] for run in runs if key in run]
    return statistics.median(values) if values else float("nan")


def _verdict(value: float, target: float, better: str) -> str:
    met = value <= target if better == "lower" else value >= target
    return "met" if met else "**missed**"


def table(results: dict[str, Any]) -> str:
    """Return the markdown tables of the results, the issue's targets first."""
    machine = results["machine"]
    sizes = results["sizes"]
    first, last = sizes[min(sizes, key=int)], sizes[max(sizes, key=int)]
    ours_first, ours_last = first["runs"]["ours"][0], last["runs"]["ours"][0]
    lines = [
        f"Measured {machine['date']} on {machine['cpu']} ({machine['cores']} cores, {machine['memory']}), "
        f"Python {machine['python']}, rdflib {machine['rdflib']}, pyoxigraph {machine['pyoxigraph']}, "
        f"networkx {machine['networkx']}. Baseline loads are medians of {results['repeat']} runs (ours: one "
        "run, each in a fresh process); query and traversal times are medians of 3–7 calls.",
        "",
        f"### Targets ({int(max(sizes, key=int)):,} against {int(min(sizes, key=int)):,} requested triples)",
        "",
        "| measure | value | target | |",
        "|---|---:|---:|---|",
    ]
    limit = _median(last["runs"]["oxigraph"], "ready_s")
    rdf = _median(last["runs"]["rdflib"], "ready_s")
    ours = ours_last.get("ready_s", float("nan"))
    rows: list[tuple[str, float, str, float, str]] = [
        ("load to ready / (pyoxigraph parse + minimal nx)", ours / limit, "x", 1.5, "lower"),
        (
            "load to ready: times faster than rdflib parse + `rdflib_to_networkx_multidigraph`",
            rdf / ours,
            "x",
            15,
            "higher",
        ),
        ("peak memory, load to ready (MB)", ours_last.get("peak_mb", float("nan")), "", 600, "lower"),
    ]
    growth = ours_last.get("traversal_ms", {}), ours_first.get("traversal_ms", {})
    key = "treatments_for typical cause"
    if key in growth[0] and key in growth[1]:
        rows.append(
            (
                f"`treatments_for`, typical cause: growth ({growth[0][key]:.2f} / {growth[1][key]:.2f} ms)",
                growth[0][key] / growth[1][key],
                "x",
                3,
                "lower",
            )
        )
    named_last, named_first = ours_last.get("named_queries_ms", {}), ours_first.get("named_queries_ms", {})
    for name in sorted(named_last):
        if name in named_first:
            big, small = named_last[name]["ours"], named_first[name]["ours"]
            answers = f"{named_last[name]['rows']} / {named_first[name]['rows']} rows"
            rows.append(
                (
                    f"named query `{name}`, entity bound: growth ({big:.1f} / {small:.1f} ms; {answers})",
                    big / small,
                    "x",
                    3,
                    "lower",
                )
            )
    if "focus_html_s" in ours_last and "focus_html_s" in ours_first:
        big, small = ours_last["focus_html_s"], ours_first["focus_html_s"]
        rows.append((f"focus-view HTML: growth ({big:.3f} / {small:.3f} s)", big / small, "x", 3, "lower"))
    if "ready_from_store_s" in ours_last:
        rows.append(
            (
                "label index and view of an Oxigraph store / the Turtle load path",
                ours_last["ready_from_store_s"] / ours,
                "x",
                1.5,
                "lower",
            )
        )
    bulk = _median(last["runs"]["bulk"], "bulk_load_s")
    if "load_into_s" in ours_last:
        rows.append(
            (
                f"`load --into` a folder / pyoxigraph bulk load "
                f"({ours_last['load_into_s']:.1f} / {bulk:.1f} s)",
                ours_last["load_into_s"] / bulk,
                "x",
                1.5,
                "lower",
            )
        )
    cli = results.get("cli", {})
    base = cli.get('python -c "import rdflib, networkx"', {}).get("median_s", float("nan"))
    for label, target in (
        ("bskg find tylenol", 0.5),
        ("bskg treatments dehydration", 1.0),
        ("bskg query treatments_for --param cause=dehydration", 1.0),
    ):
        if label in cli:
            rows.append(
                (
                    f'`{label}` / `python -c "import rdflib, networkx"`',
                    cli[label]["median_s"] / base,
                    "x",
                    target,
                    "lower",
                )
            )
    for text, value, unit, target, better in rows:
        shown = f"{value:.0f}" if unit == "" else f"{value:.2f}{unit}"
        goal = f"{'≤' if better == 'lower' else '≥'} {target:g}{unit}"
        lines.append(f"| {text} | {shown} | {goal} | {_verdict(value, target, better)} |")
    lines += [
        "",
        "### Load to a ready graph (seconds) and peak memory (MB)",
        "",
        "| triples | rdflib parse + `rdflib_to_networkx_multidigraph` "
        "| pyoxigraph parse + minimal nx (limit) | **ours** (`graph.load` + `kg.nx`) | ratio to limit "
        "| speed-up over rdflib | from an Oxigraph folder "
        "| `load --into` / bulk load (s) | peak MB rdflib / limit / ours |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for _size, entry in sizes.items():
        runs = entry["runs"]
        rdf_s, limit_s = _median(runs["rdflib"], "ready_s"), _median(runs["oxigraph"], "ready_s")
        mine = runs["ours"][0]
        ready = mine.get("ready_s", float("nan"))
        lines.append(
            f"| {entry['counts']['triples']:,} | {rdf_s:.2f} | {limit_s:.2f} | **{ready:.2f}** "
            f"| {ready / limit_s:.2f}x | {rdf_s / ready:.1f}x "
            f"| {mine.get('ready_from_store_s', float('nan')):.2f} "
            f"| {mine.get('load_into_s', float('nan')):.2f} / {_median(runs['bulk'], 'bulk_load_s'):.2f} "
            f"| {_median(runs['rdflib'], 'peak_mb'):.0f} / {_median(runs['oxigraph'], 'peak_mb'):.0f} "
            f"/ {mine.get('peak_mb', float('nan')):.0f} |"
        )
    lines += [
        "",
        "### Traversals on the networkx view (ms) and a focus-view HTML page (s)",
        "",
        "| triples | treatments, typical cause | treatments, hub cause | causes of a condition "
        "| symptoms of a condition | focus-view HTML (s) |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for _size, entry in sizes.items():
        mine = entry["runs"]["ours"][0]
        t = mine.get("traversal_ms", {})
        lines.append(
            f"| {entry['counts']['triples']:,} | {t.get('treatments_for typical cause', 0):.3f} "
            f"| {t.get('treatments_for hub cause', 0):.3f} | {t.get('causes_of condition', 0):.3f} "
            f"| {t.get('symptoms_of condition', 0):.3f} | {mine.get('focus_html_s', 0):.3f} |"
        )
    lines += [
        "",
        "### Named queries, entity bound (ms): `graph.query.run.run` vs the same text on the raw store",
        "",
        "| triples | query | ours | raw pyoxigraph | ratio | rows |",
        "|---:|---|---:|---:|---:|---:|",
    ]
    for _size, entry in sizes.items():
        mine = entry["runs"]["ours"][0]
        for name, item in mine.get("named_queries_ms", {}).items():
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
    for label, item in cli.items():
        lines.append(f"| `{label}` | {item['median_s']:.3f} | {item['median_s'] / base:.2f}x |")
    return "\n".join(lines) + "\n"


def _write_section(readme: Path, marker: str, body: str) -> None:
    """Replace the text between ``<!-- marker -->`` and ``<!-- /marker -->`` (added if missing)."""
    text = readme.read_text(encoding="utf-8") if readme.exists() else "# Benchmarks\n"
    start, end = f"<!-- {marker} -->", f"<!-- /{marker} -->"
    if start not in text:
        text += f"\n{start}\n{end}\n"
    head, _, rest = text.partition(start)
    _, _, tail = rest.partition(end)
    atomic_write(readme, f"{head}{start}\n{body}{end}{tail}")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks, or one measurement (``--one KIND FOLDER TYPICAL HUB``, internal)."""
    parser = argparse.ArgumentParser(description="backspasm-kg benchmarks")
    parser.add_argument("--quick", action="store_true", help="10k and 100k triples only")
    parser.add_argument("--repeat", type=int, default=3, help="runs per baseline (median)")
    parser.add_argument(
        "--stores", action="store_true", help='only the table "questions on a store" (bench/stored.py)'
    )
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
            "bulk": lambda: measure_bulk(Path(folder)),
            "ours": lambda: measure_ours(Path(folder), typical, hub),
        }[kind]
        json.dump(measure(), sys.stdout)
        return 0
    sizes = [10_000, 100_000] if args.quick else [10_000, 100_000, 1_000_000]
    if args.stores:
        sys.path.insert(0, str(REPO))
        from bench import stored

        measured = stored.measure(sizes, hpo=not args.quick)
        measured["machine"] = _machine()
        atomic_write(BENCH / "stores.json", json.dumps(measured, indent=2) + "\n")
        body = f"Measured {measured['machine']['date']}.\n\n" + stored.table(measured)
        _write_section(BENCH / "README.md", "stores", body)
        print(body)
        return 0
    results = run(sizes, args.repeat)
    results["quick"] = args.quick
    # a quick run keeps the last full run's tables and results: it writes its own section and file
    name, marker = ("results-quick.json", "quick") if args.quick else ("results.json", "results")
    atomic_write(BENCH / name, json.dumps(results, indent=2) + "\n")
    _write_section(BENCH / "README.md", marker, table(results))
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
