"""Questions on a store: the CLI asked of an Oxigraph folder and of ``oxigraph serve``, whole process.

For each size, a graph from ``bench/generate.py`` is put in an Oxigraph folder (``bskg load --into``)
and in a fresh ``oxigraph serve`` (its Graph Store endpoint); each question command then runs in its
own process with ``--store oxigraph:FOLDER`` and with ``--store sparql:URL``, and its wall time and
peak memory (the process's own, from ``/usr/bin/time``) are set against the same command on the bundled
graph (no store, a bundled entity). Typical entities have the median degree of their relation; the
hub is ``g-condition-0``. Run by ``bench/run.py --stores``; reads nothing but the generated graphs.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
BSKG = str(Path(sys.executable).with_name("bskg"))
ID = "https://w3id.org/backspasm-kg/id/"

#: label → (the command on the bundled graph, the command on a generated one: {cause}, {condition}, …)
COMMANDS: dict[str, tuple[list[str], list[str]]] = {
    "treatments (typical cause)": (
        ["treatments", "dehydration", "--limit", "3"],
        ["treatments", "{cause}", "--limit", "3"],
    ),
    "symptoms (typical condition)": (
        ["symptoms", "back spasm", "--limit", "3"],
        ["symptoms", "{condition}", "--limit", "3"],
    ),
    "red-flags (hub)": (
        ["red-flags", "back spasm", "--limit", "3"],
        ["red-flags", "g-condition-0", "--limit", "3"],
    ),
    "symptom-of (typical symptom)": (
        ["symptom-of", "back spasm", "--limit", "3"],
        ["symptom-of", "{symptom}", "--limit", "3"],
    ),
    "path (cause to condition)": (["path", "stress", "back spasm"], ["path", "{cause}", "{condition}"]),
    "query treatments_for": (
        ["query", "treatments_for", "-p", "cause=dehydration"],
        ["query", "treatments_for", "-p", "cause={cause}"],
    ),
}


def typical(triples_ttl: Path, predicate: str, subjects: bool) -> str:
    """Return the local name of the entity with the median degree of ``predicate`` (as subject or object)."""
    degree: Counter[str] = Counter()
    with triples_ttl.open(encoding="utf-8") as handle:
        for line in handle:
            parts = line.split()
            if len(parts) >= 3 and parts[1] == f"bso:{predicate}" and not parts[0].startswith("bs:g-ev"):
                degree[parts[0] if subjects else parts[2]] += 1
    ranked = sorted(degree.items(), key=lambda item: (item[1], item[0]))
    return ranked[len(ranked) // 2][0].removeprefix("bs:")


#: ``/usr/bin/time``: the peak of the command itself (``wait4`` from this process would count the
#: pages a fork shares with it, so a big parent would set every child's peak).
TIME = "/usr/bin/time"


def run_once(argv: list[str], env: dict[str, str]) -> dict[str, Any]:
    """Run one command; return its wall time, peak RSS (MB) and exit code."""
    timed = Path(TIME).is_file()
    started = time.perf_counter()
    done = subprocess.run(  # noqa: S603 (our own CLI)
        [TIME, "-f", "%M", *argv] if timed else argv,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=REPO,
        check=False,
    )
    wall = time.perf_counter() - started
    lines = done.stderr.strip().splitlines()
    peak = float(lines.pop()) / 1024 if timed and lines and lines[-1].isdigit() else float("nan")
    return {
        "wall_s": wall,
        "peak_mb": peak,
        "exit": done.returncode,
        "error": lines[-1:] if done.returncode else [],
    }


def measure(sizes: list[int]) -> dict[str, Any]:
    """Measure every command on the bundled graph and on each size's folder and server."""
    sys.path.insert(0, str(REPO))
    from bench.generate import generate, typical_cause
    from tests.servers import oxigraph_server

    env = {**os.environ, "BSKG_STORE": ""}
    results: dict[str, Any] = {"bundled": {}, "sizes": {}}
    for label, (bundled, _) in COMMANDS.items():
        run_once([BSKG, *bundled], env)  # warm the OS cache
        runs = [run_once([BSKG, *bundled], env) for _ in range(3)]
        results["bundled"][label] = {
            "wall_s": statistics.median(r["wall_s"] for r in runs),
            "peak_mb": max(r["peak_mb"] for r in runs),
        }
        print(f"bundled {label}: {results['bundled'][label]}", file=sys.stderr)
    for size in sizes:
        graph = BENCH / "out" / f"g{size}"
        counts = generate(size, graph)
        names = {
            "cause": typical_cause(graph / "triples.ttl").removeprefix(ID),
            "condition": typical(graph / "triples.ttl", "hasSymptom", subjects=True),
            "symptom": typical(graph / "triples.ttl", "hasSymptom", subjects=False),
        }
        folder = BENCH / "out" / f"s{size}"
        fill = [BSKG, "--data", str(graph), "load", "--into", str(folder), "--force"]
        subprocess.run(fill, check=True, env=env)  # noqa: S603 (our own CLI)
        entry: dict[str, Any] = {"counts": counts, "entities": names, "oxigraph": {}, "sparql": {}}
        with oxigraph_server([]) as server:
            # in its own process, so that this one stays small
            subprocess.run(
                [BSKG, "--data", str(graph), "load", "--into", server.store or ""], check=True, env=env
            )
            for kind, spec in (("oxigraph", f"oxigraph:{folder}"), ("sparql", f"sparql:{server.sparql}")):
                for label, (_, template) in COMMANDS.items():
                    argv = [BSKG, *(part.format(**names) for part in template), "--store", spec]
                    entry[kind][label] = run_once(argv, env)
                    print(f"{size:,} {kind} {label}: {entry[kind][label]}", file=sys.stderr)
                fetch = [sys.executable, "-m", "bench.stored", spec, *names.values()]
                done = subprocess.run(fetch, capture_output=True, text=True, cwd=REPO, env=env, check=False)  # noqa: S603
                for label, seconds in (json.loads(done.stdout) if done.returncode == 0 else {}).items():
                    entry[kind][label]["fetch_s"] = seconds
        results["sizes"][str(size)] = entry
    return results


def table(results: dict[str, Any]) -> str:
    """Return the Markdown table of the results, ratios to the bundled graph, misses marked."""
    lines = [
        "### Questions on a store (whole process: wall time and peak memory, ratio to the bundled graph)",
        "",
        "Targets at 1M: ≤ 2x for a typical entity, ≤ 3x for a hub, peak ≤ 400 MB.",
        "",
        "*fetch + answer*: the same question in one process, its entities given as IRIs: what",
        "the store is asked for the question's metapaths (or shortest paths) and the answer,",
        "past resolving names.",
        "",
        "| triples | command | store | wall s | ratio | peak MB | fetch + answer s | |",
        "|---:|---|---|---:|---:|---:|---:|---|",
    ]
    for label, base in results["bundled"].items():
        wall, peak = base["wall_s"], base["peak_mb"]
        lines.append(f"| bundled | {label} | memory | {wall:.2f} | 1.00x | {peak:.0f} | | |")
    for size, entry in results["sizes"].items():
        for kind in ("oxigraph", "sparql"):
            for label, item in entry[kind].items():
                base = results["bundled"][label]
                ratio = item["wall_s"] / base["wall_s"]
                target = 3.0 if "hub" in label else 2.0
                verdict = ""
                if int(size) >= 1_000_000:
                    met = ratio <= target and item["peak_mb"] <= 400
                    verdict = "met" if met else "**missed**"
                if item["exit"]:
                    verdict = f"exit {item['exit']}: {' '.join(item['error'])}"
                fetched = f"{item['fetch_s']:.2f}" if "fetch_s" in item else ""
                lines.append(
                    f"| {entry['counts']['triples']:,} | {label} | {kind} | {item['wall_s']:.2f} "
                    f"| {ratio:.2f}x | {item['peak_mb']:.0f} | {fetched} | {verdict} |"
                )
    return "\n".join(lines) + "\n"


def fetch_only(spec: str, names: dict[str, str]) -> dict[str, float]:
    """Time what each question fetches and answers in this process, its entities given as IRIs.

    The part of a command past resolving its names: the walked metapaths (or the shortest paths)
    fetched from the store, built and answered by the same code as in memory.
    """
    from rdflib import URIRef

    from graph.query.run import named_queries
    from graph.query.stores import open_store
    from graph.query.walked import joined, walked
    from graph.questions import metapaths, traverse

    store = open_store(spec)
    store.execute("ASK { ?s ?p ?o }", {}, None)  # the query worker started, as in a command
    cause, condition, symptom = (ID + names[key] for key in ("cause", "condition", "symptom"))
    hub = ID + "g-condition-0"

    def ask(name: str, entity: str) -> None:
        steps = [[(s.predicate, s.forward, s.kinds) for s in m.steps] for m in metapaths.WALKS[name]]
        getattr(traverse, name)(walked(store, entity, steps), entity)

    jobs = {
        "treatments (typical cause)": lambda: ask("treatments_for", cause),
        "symptoms (typical condition)": lambda: ask("symptoms_of", condition),
        "red-flags (hub)": lambda: ask("red_flags", hub),
        "symptom-of (typical symptom)": lambda: ask("conditions_with_symptom", symptom),
        "path (cause to condition)": lambda: traverse.path(joined(store, cause, condition), cause, condition),
        "query treatments_for": lambda: store.execute(
            named_queries()["treatments_for"].text, {"cause": URIRef(cause)}, None
        ),
    }
    ask("mimics", condition)  # networkx and the builder imported, as a command has them
    found = {}
    for label, job in jobs.items():
        started = time.perf_counter()
        job()
        found[label] = time.perf_counter() - started
    return found


if __name__ == "__main__":  # python -m bench.stored SPEC CAUSE CONDITION SYMPTOM
    spec, *given = sys.argv[1:]
    print(json.dumps(fetch_only(spec, dict(zip(("cause", "condition", "symptom"), given, strict=True)))))
