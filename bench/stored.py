"""Questions on a store: the CLI asked of an Oxigraph folder and of ``oxigraph serve``, whole process.

For each size, a graph from ``bench/generate.py`` (and the HPO written by ``bskg import-hpo``) is
put in an Oxigraph folder (``bskg load --into``) and in a fresh ``oxigraph serve`` (its Graph Store
endpoint); each question command then runs in its own process with ``--store oxigraph:FOLDER`` and
with ``--store sparql:URL``, and its wall time and peak memory (the process's own, from
``/usr/bin/time``) are set against the same command on the bundled graph (no store, a bundled
entity). Typical entities have the median degree of their relation; the hub is ``g-condition-0``
(a hub symptom: the one with most conditions). Run by ``bench/run.py --stores``; reads nothing but
the graphs it writes.
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

#: label → (the command on the bundled graph, on a generated one, on the HPO; ``None``: the HPO has
#: no such relation). ``{cause}``, ``{condition}``, ``{symptom}``, ``{hub}`` are ids; ``*_name`` an
#: entity's label; ``*_typo`` the label with one letter dropped.
COMMANDS: dict[str, tuple[list[str], list[str], list[str] | None]] = {
    "find (a name)": (
        ["find", "muscle strain"],
        ["find", "{cause_name}"],
        ["find", "{condition_name}"],
    ),
    "find (misspelt)": (
        ["find", "dehydraton"],
        ["find", "{cause_typo}"],
        ["find", "{condition_typo}"],
    ),
    "show (typical entity)": (["show", "stress"], ["show", "{cause}"], ["show", "{condition}"]),
    "treatments (typical cause)": (
        ["treatments", "dehydration", "--limit", "3"],
        ["treatments", "{cause}", "--limit", "3"],
        None,
    ),
    "symptoms (typical condition)": (
        ["symptoms", "back spasm", "--limit", "3"],
        ["symptoms", "{condition}", "--limit", "3"],
        ["symptoms", "{condition}", "--limit", "3"],
    ),
    "red-flags (hub)": (
        ["red-flags", "back spasm", "--limit", "3"],
        ["red-flags", "{hub}", "--limit", "3"],
        None,
    ),
    "symptom-of (typical symptom)": (
        ["symptom-of", "back spasm", "--limit", "3"],
        ["symptom-of", "{symptom}", "--limit", "3"],
        ["symptom-of", "{symptom}", "--limit", "3"],
    ),
    "symptom-of (hub)": (
        ["symptom-of", "back spasm", "--limit", "3"],
        ["symptom-of", "{hub_symptom}", "--limit", "3"],
        ["symptom-of", "{hub_symptom}", "--limit", "3"],
    ),
    "path (cause to condition)": (
        ["path", "stress", "back spasm"],
        ["path", "{cause}", "{condition}"],
        ["path", "{condition}", "{symptom}"],
    ),
    "query treatments_for": (
        ["query", "treatments_for", "-p", "cause=dehydration"],
        ["query", "treatments_for", "-p", "cause={cause}"],
        None,
    ),
}


def degrees(triples_ttl: Path, predicate: str, subjects: bool) -> list[tuple[str, int]]:
    """Return the local names of the subjects (or objects) of ``predicate``, fewest relations first."""
    degree: Counter[str] = Counter()
    with triples_ttl.open(encoding="utf-8") as handle:
        for line in handle:
            parts = line.split()
            if len(parts) >= 3 and parts[1] == f"bso:{predicate}" and not parts[0].startswith("bs:g-ev"):
                degree[parts[0] if subjects else parts[2]] += 1
    ranked = sorted(degree.items(), key=lambda item: (item[1], item[0]))
    return [(name.removeprefix("bs:"), count) for name, count in ranked]


def typical(triples_ttl: Path, predicate: str, subjects: bool) -> str:
    """Return the local name of the entity with the median degree of ``predicate`` (as subject or object)."""
    ranked = degrees(triples_ttl, predicate, subjects)
    return ranked[len(ranked) // 2][0]


def misspelt(name: str) -> str:
    """Return ``name`` with the second letter of its longest word dropped (one edit: a typo)."""
    words = name.split(" ")
    longest = max(range(len(words)), key=lambda i: len(words[i]))
    words[longest] = words[longest][:1] + words[longest][2:]
    return " ".join(words)


def entities(graph: Path, folder: Path, generated: bool) -> dict[str, str]:
    """Return the entities the commands ask about, and the names of the cause (or condition) asked."""
    import pyoxigraph as ox

    from bench.generate import typical_cause

    ttl = graph / "triples.ttl"
    found = {
        "condition": typical(ttl, "hasSymptom", subjects=True),
        "symptom": typical(ttl, "hasSymptom", subjects=False),
        "hub_symptom": degrees(ttl, "hasSymptom", subjects=False)[-1][0],
    }
    if generated:
        found["cause"] = typical_cause(ttl).removeprefix(ID)
        found["hub"] = "g-condition-0"
    store = ox.Store.read_only(str(folder))
    for key in ("cause", "condition"):
        if key in found:
            label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
            quads = store.quads_for_pattern(ox.NamedNode(ID + found[key]), label, None, ox.DefaultGraph())
            name = next(iter(quads)).object
            assert isinstance(name, ox.Literal)
            found[f"{key}_name"] = name.value
            found[f"{key}_typo"] = misspelt(found[f"{key}_name"])
    found["triples"] = str(len(store))
    return found


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


def measure(sizes: list[int], hpo: bool = True) -> dict[str, Any]:
    """Measure every command on the bundled graph and on each graph's folder and server.

    The graphs: one from ``bench/generate.py`` per size, and (``hpo``) the HPO written by
    ``bskg import-hpo``.
    """
    sys.path.insert(0, str(REPO))
    from bench.generate import generate
    from tests.servers import oxigraph_server

    env = {**os.environ, "BSKG_STORE": ""}
    results: dict[str, Any] = {"bundled": {}, "sizes": {}}
    for label, (bundled, _, _) in COMMANDS.items():
        run_once([BSKG, *bundled], env)  # warm the OS cache
        runs = [run_once([BSKG, *bundled], env) for _ in range(3)]
        results["bundled"][label] = {
            "wall_s": statistics.median(r["wall_s"] for r in runs),
            "peak_mb": max(r["peak_mb"] for r in runs),
        }
        print(f"bundled {label}: {results['bundled'][label]}", file=sys.stderr)
    graphs: list[tuple[str, Path]] = []
    for size in sizes:
        generate(size, BENCH / "out" / f"g{size}")
        graphs.append((str(size), BENCH / "out" / f"g{size}"))
    if hpo:
        subprocess.run([BSKG, "import-hpo", "--out", str(BENCH / "out" / "hpo")], check=True, env=env)  # noqa: S603
        graphs.append(("hpo", BENCH / "out" / "hpo"))
    for key, graph in graphs:
        folder = BENCH / "out" / f"s{key}"
        fill = [BSKG, "--data", str(graph), "load", "--into", str(folder), "--force"]
        subprocess.run(fill, check=True, env=env)  # noqa: S603 (our own CLI)
        names = entities(graph, folder, generated=key != "hpo")
        entry: dict[str, Any] = {
            "triples": int(names["triples"]),
            "entities": names,
            "oxigraph": {},
            "sparql": {},
        }
        with oxigraph_server([]) as server:
            # in its own process, so that this one stays small
            subprocess.run(  # noqa: S603 (our own CLI)
                [BSKG, "--data", str(graph), "load", "--into", server.store or ""], check=True, env=env
            )
            for kind, spec in (("oxigraph", f"oxigraph:{folder}"), ("sparql", f"sparql:{server.sparql}")):
                for label, (_, template, on_hpo) in COMMANDS.items():
                    chosen = on_hpo if key == "hpo" else template
                    if chosen is None:
                        continue
                    argv = [BSKG, *(part.format(**names) for part in chosen), "--store", spec]
                    entry[kind][label] = run_once(argv, env)
                    print(f"{key} {kind} {label}: {entry[kind][label]}", file=sys.stderr)
                fetch = [sys.executable, "-m", "bench.stored", spec, json.dumps(names)]
                done = subprocess.run(fetch, capture_output=True, text=True, cwd=REPO, env=env, check=False)  # noqa: S603
                for label, seconds in (json.loads(done.stdout) if done.returncode == 0 else {}).items():
                    entry[kind][label]["fetch_s"] = seconds
        results["sizes"][key] = entry
    return results


def table(results: dict[str, Any]) -> str:
    """Return the Markdown table of the results, ratios to the bundled graph, misses marked."""
    lines = [
        "### Questions on a store (whole process: wall time and peak memory, ratio to the bundled graph)",
        "",
        "Targets at 1M: ≤ 2x for a typical entity, ≤ 3x for a hub and on the HPO, peak ≤ 400 MB.",
        "The HPO (`bskg import-hpo`) has no treatments, red flags or causes: those rows are not run on it;",
        "its typical condition and symptom have the median number of `hasSymptom` relations, its hub",
        "symptom the most. The bundled graph's row for a hub symptom is `symptom-of back spasm`.",
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
                target = 3.0 if "hub" in label or size == "hpo" else 2.0
                verdict = ""
                if size == "hpo" or int(size) >= 1_000_000:
                    met = ratio <= target and item["peak_mb"] <= 400
                    verdict = "met" if met else "**missed**"
                if item["exit"]:
                    verdict = f"exit {item['exit']}: {' '.join(item['error'])}"
                fetched = f"{item['fetch_s']:.2f}" if "fetch_s" in item else ""
                graph = f"{'HPO ' if size == 'hpo' else ''}{entry['triples']:,}"
                lines.append(
                    f"| {graph} | {label} | {kind} | {item['wall_s']:.2f} "
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
    iri = {
        key: ID + value
        for key, value in names.items()
        if key in ("cause", "condition", "symptom", "hub", "hub_symptom")
    }

    def ask(name: str, entity: str) -> None:
        steps = [[(s.predicate, s.forward, s.kinds) for s in m.steps] for m in metapaths.WALKS[name]]
        getattr(traverse, name)(walked(store, entity, steps), entity)

    jobs: dict[str, Any] = {
        "symptoms (typical condition)": lambda: ask("symptoms_of", iri["condition"]),
        "symptom-of (typical symptom)": lambda: ask("conditions_with_symptom", iri["symptom"]),
        "symptom-of (hub)": lambda: ask("conditions_with_symptom", iri["hub_symptom"]),
    }
    if "cause" in iri:  # a generated graph: the HPO has no causes, treatments or red flags
        cause, condition = iri["cause"], iri["condition"]
        jobs["treatments (typical cause)"] = lambda: ask("treatments_for", cause)
        jobs["red-flags (hub)"] = lambda: ask("red_flags", iri["hub"])
        jobs["path (cause to condition)"] = lambda: traverse.path(
            joined(store, cause, condition), cause, condition
        )
        jobs["query treatments_for"] = lambda: store.execute(
            named_queries()["treatments_for"].text, {"cause": URIRef(cause)}, None
        )
    else:
        condition, symptom = iri["condition"], iri["symptom"]
        jobs["path (cause to condition)"] = lambda: traverse.path(
            joined(store, condition, symptom), condition, symptom
        )
    ask("mimics", iri["condition"])  # networkx and the builder imported, as a command has them
    found = {}
    for label, job in jobs.items():
        started = time.perf_counter()
        job()
        found[label] = time.perf_counter() - started
    return found


if __name__ == "__main__":  # python -m bench.stored SPEC '{"cause": …, "condition": …, …}'
    spec, given = sys.argv[1:]
    print(json.dumps(fetch_only(spec, json.loads(given))))
