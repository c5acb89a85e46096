"""``bskg serve`` against ``oxigraph serve-read-only`` over the same data, under the same bounded load.

Usage::

    python bench/endpoint.py [--clients 8] [--requests 2000] [--store memory|oxigraph]
    python bench/endpoint.py --hostile [--requests 1000]

Both servers run on free loopback ports over the bundled graph (an Oxigraph folder filled with
``bskg load --into``; ``bskg serve`` uses that folder with ``--store oxigraph``, or the Turtle files
with ``--store memory``). Each query is sent ``--requests`` times by ``--clients`` threads on
kept-alive connections, in ``--rounds`` interleaved rounds; the table gives the median round's
requests per second, p50 and p99 latency, errors, and the ratio to Oxigraph's throughput.
``--hostile`` measures ``bskg serve`` alone: a trivial query sent ``--requests`` times in a row,
first on a quiet server, then while a ~900 KB query is being checked and 600 silent sockets
(60 from each of 10 loopback addresses) are held open. Loopback only, bounded in count.
"""

from __future__ import annotations

import argparse
import http.client
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from graph.present.endpoint import free_port  # noqa: E402
from graph.query.stores import prefixed  # noqa: E402
from graph.store.publish import load_into  # noqa: E402
from tests.servers import oxigraph_binary  # noqa: E402

NAMED, PARAM, VALUE = "treatments_for", "cause", "dehydration"
LIMIT_100 = "SELECT * { ?s ?p ?o } LIMIT 100"


@dataclass
class Result:
    """One row of the table."""

    server: str
    query: str
    count: int
    seconds: float
    latencies: list[float]
    errors: int

    def row(self, base: float | None) -> str:
        rate = self.count / self.seconds
        cuts = statistics.quantiles(self.latencies, n=100) if len(self.latencies) > 1 else [0.0] * 99
        ratio = f"{rate / base:.2f}x" if base else "1.00x"
        return (
            f"| {self.server} | {self.query} | {rate:,.0f} | {cuts[49] * 1000:.2f} | "
            f"{cuts[98] * 1000:.2f} | {self.errors} | {ratio} |"
        )


def _wait(port: int, process: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"a server stopped at start-up (exit {process.returncode})")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/query?query=ASK%7B%7D", headers={"Accept": "application/json"})
            if connection.getresponse().status == 200:
                connection.close()
                return
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("a server did not start in time")


def load(port: int, method: str, path: str, body: bytes | None, clients: int, total: int) -> tuple:
    """Send ``total`` requests from ``clients`` threads; return (seconds, latencies, errors)."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    headers = {"Accept": "application/sparql-results+json"}
    if body is not None:
        headers["Content-Type"] = "application/sparql-query"
    share = [total // clients + (1 if i < total % clients else 0) for i in range(clients)]

    def client(count: int) -> None:
        mine, failed = _requests(port, count, method, path, body, headers)
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    threads = [threading.Thread(target=client, args=(n,)) for n in share]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(600)
    return time.perf_counter() - started, latencies, errors[0]


HUGE = "SELECT * { VALUES ?x { " + " ".join(f'"v{i:06}"' for i in range(90_000)) + " } }"


def _requests(
    port: int, total: int, method: str, path: str, body: bytes | None, headers: dict[str, str]
) -> tuple[list[float], int]:
    """Send one request ``total`` times on one kept-alive connection; return latencies and errors."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    latencies, errors = [], 0
    for _ in range(total):
        started = time.perf_counter()
        try:
            connection.request(method, path, body, headers)
            response = connection.getresponse()
            response.read()
            ok = response.status == 200
        except (OSError, http.client.HTTPException):
            ok = False
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        if ok:
            latencies.append(time.perf_counter() - started)
        else:
            errors += 1
    connection.close()
    return latencies, errors


def _latencies(port: int, total: int) -> tuple[list[float], int]:
    """Send ``ASK {}`` ``total`` times on one kept-alive connection; return latencies and errors."""
    return _requests(port, total, "GET", "/query?query=ASK%20%7B%7D", None, {})


def hostile(requests: int) -> int:
    """Measure a trivial query on a quiet ``bskg serve``, then under the hostile mix; print the table."""
    import socket

    port = free_port()
    command = [sys.executable, "-m", "graph", "serve", "--port", str(port)]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    rows = []
    silent: list[socket.socket] = []
    stop = threading.Event()
    huge_answers: list[int] = []
    try:
        _wait(port, server)
        _latencies(port, 200)  # warm-up
        rows.append(("quiet server", *_latencies(port, requests)))

        def flood() -> None:  # the 900 KB query, again and again, until told to stop
            while not stop.is_set():
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                headers = {"Content-Type": "application/sparql-query"}
                connection.request("POST", "/query", HUGE.encode(), headers)
                huge_answers.append(connection.getresponse().status)
                connection.close()

        thread = threading.Thread(target=flood)
        thread.start()
        for number in range(10):
            for _ in range(60):
                sock = socket.socket()
                sock.bind((f"127.0.1.{number + 1}", 0))
                sock.connect(("127.0.0.1", port))
                silent.append(sock)
        time.sleep(1.0)  # the huge query is being checked by now
        latencies, errors = _latencies(port, requests)
        held = sum(1 for sock in silent if _still_open(sock))
        rows.append(
            (f"900 KB query + {len(silent)} silent sockets ({held} still held after)", latencies, errors)
        )
        stop.set()
        thread.join(180)
    finally:
        stop.set()
        for sock in silent:
            sock.close()
        server.terminate()
        server.wait(20)
    print(f"ASK {{}} sent {requests} times in a row · keep-alive · {os.cpu_count()} CPUs · loopback\n")
    print("| while | p50 ms | p99 ms | max ms | errors |")
    print("|---|---|---|---|---|")
    for label, latencies, errors in rows:
        cuts = statistics.quantiles(latencies, n=100)
        print(
            f"| {label} | {cuts[49] * 1000:.2f} | {cuts[98] * 1000:.2f} | "
            f"{max(latencies) * 1000:.2f} | {errors} |"
        )
    print(f"\nthe 900 KB queries were answered {huge_answers} (503: stopped at the time limit)")
    return 0


def _still_open(sock: object) -> bool:
    import select
    import socket

    assert isinstance(sock, socket.socket)
    poller = select.poll()
    poller.register(sock, select.POLLIN)
    return not poller.poll(0)


def main() -> int:
    """Run both servers, the same load on each, and print the markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--store", choices=("memory", "oxigraph"), default="memory")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per row; the median round is shown")
    parser.add_argument("--workers", type=int, default=None, help="query workers of bskg serve")
    parser.add_argument("--hostile", action="store_true", help="the hostile mix instead (bskg only)")
    args = parser.parse_args()
    if args.hostile:
        return hostile(min(args.requests, 5000))
    from graph.query.run import named_queries

    named_text = prefixed(named_queries()[NAMED].text) + f"\nVALUES ?{PARAM} {{ bs:{VALUE} }}"
    bound_path = f"/named/{NAMED}?{PARAM}={VALUE}"
    with tempfile.TemporaryDirectory(prefix="bskg-bench-") as scratch:
        folder = Path(scratch) / "store"
        triples = load_into(str(folder))
        servers: dict[str, subprocess.Popen[bytes]] = {}
        ports: dict[str, int] = {}
        try:
            ports["oxigraph"] = free_port()
            command = [oxigraph_binary(), "serve-read-only", "--location", str(folder)]
            command += ["--bind", f"127.0.0.1:{ports['oxigraph']}"]
            servers["oxigraph"] = subprocess.Popen(
                command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            ports["bskg"] = free_port()
            store = "memory" if args.store == "memory" else f"oxigraph:{folder}"
            command = [sys.executable, "-m", "graph", "serve", "--store", store, "--port", str(ports["bskg"])]
            env = {**os.environ, "PYTHONPATH": str(REPO)}
            if args.workers:
                env["BSKG_SERVE_WORKERS"] = str(args.workers)
            servers["bskg"] = subprocess.Popen(
                command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
            )
            for name, process in servers.items():
                _wait(ports[name], process)
            plans = [
                ("oxigraph", f"{NAMED} (text + VALUES)", "POST", "/query", named_text.encode()),
                ("bskg", f"{NAMED} (text + VALUES)", "POST", "/query", named_text.encode()),
                ("bskg", f"{NAMED} via {bound_path}", "GET", bound_path, None),
                ("oxigraph", "LIMIT 100", "GET", "/query?query=" + urllib.parse.quote(LIMIT_100), None),
                ("bskg", "LIMIT 100", "GET", "/query?query=" + urllib.parse.quote(LIMIT_100), None),
            ]
            for name, _, method, path, body in plans:
                load(ports[name], method, path, body, args.clients, min(args.requests, 200))  # warm-up
            rounds: list[list[Result]] = [[] for _ in plans]
            for _ in range(args.rounds):  # interleaved, so a slow moment of the machine hits every row
                for runs, (name, label, method, path, body) in zip(rounds, plans, strict=True):
                    seconds, latencies, errors = load(
                        ports[name], method, path, body, args.clients, args.requests
                    )
                    runs.append(Result(name, label, args.requests, seconds, latencies, errors))
            results = [sorted(runs, key=lambda r: r.seconds)[len(runs) // 2] for runs in rounds]
        finally:
            for process in servers.values():
                process.terminate()
                process.wait(20)
    print(
        f"{triples} triples · {args.clients} clients · {args.requests} requests per row · keep-alive · "
        f"bskg serve --store {args.store} · {os.cpu_count()} CPUs · median of {args.rounds} rounds\n"
    )
    print("| server | query | req/s | p50 ms | p99 ms | errors | vs Oxigraph |")
    print("|---|---|---|---|---|---|---|")
    base: dict[str, float] = {}
    for result in results:
        key = "LIMIT" if "LIMIT" in result.query else "named"
        rate = result.count / result.seconds
        if result.server == "oxigraph":
            base[key] = rate
        print(result.row(None if result.server == "oxigraph" else base.get(key)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
