"""The endpoint under hostile load: no request stalls the others, every worker death is a clean 503."""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.servers import bskg_serve, children

pytestmark = pytest.mark.server

REPO = Path(__file__).resolve().parent.parent
MINI = REPO / "tests" / "data" / "mini"
#: About 900 KB of VALUES: rdflib's parser needs far longer than the time limit for it.
HUGE = "SELECT * { VALUES ?x { " + " ".join(f'"v{i:06}"' for i in range(90_000)) + " } }"
#: A cross join sorted whole: memory grows by hundreds of MB a second.
VALUES = " ".join(str(i) for i in range(300))
GREEDY = (
    f"SELECT * {{ VALUES ?a {{ {VALUES} }} VALUES ?b {{ {VALUES} }} VALUES ?c {{ {VALUES} }} }}"
    " ORDER BY ?c ?b ?a LIMIT 1"
)


@dataclass
class Served:
    port: int
    process: subprocess.Popen[str]

    def ask(self, text: str, method: str = "GET") -> tuple[int, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            if method == "GET":
                connection.request("GET", "/query?query=" + urllib.parse.quote(text))
            else:
                headers = {"Content-Type": "application/sparql-query"}
                connection.request("POST", "/query", body=text.encode(), headers=headers)
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def workers(self) -> list[int]:
        return children(self.process.pid)


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    """``bskg serve`` on the mini graph: 2 workers, 5 s per query, 300 MB of memory per worker."""
    arguments = ["--data", str(MINI), "serve", "--timeout", "5", "--max-memory", "300"]
    with bskg_serve(arguments, {"BSKG_SERVE_WORKERS": "2", "RUST_BACKTRACE": "0"}) as (port, process):
        yield Served(port, process)


def _two_workers(served: Served) -> None:
    """Wait (at most 30 s) until both workers are up again."""
    for _ in range(300):
        if len(served.workers()) == 2 and served.ask("ASK {}")[0] == 200:
            return
        time.sleep(0.1)
    pytest.fail("the workers were not replaced")


def test_a_huge_query_does_not_hold_the_others(served: Served) -> None:
    """The guard parses in a worker: while a 900 KB query is checked, a trivial one answers."""
    assert 850_000 < len(HUGE) < 1_000_000
    finished: dict[str, float] = {}

    def huge() -> None:
        finished["status"] = served.ask(HUGE, "POST")[0]
        finished["huge"] = time.monotonic()

    thread = threading.Thread(target=huge)
    thread.start()
    time.sleep(1.0)
    assert served.ask("ASK {}") == (200, b'{"head":{},"boolean":true}')
    finished["trivial"] = time.monotonic()
    thread.join(60)
    assert finished["trivial"] < finished["huge"]
    assert finished["status"] in (200, 503)
    _two_workers(served)


def test_a_query_past_the_memory_cap_gets_503_and_a_new_worker(served: Served) -> None:
    """A worker capped at 300 MB dies on a greedy sort long before the 5 s limit; it is replaced."""
    before = set(served.workers())
    status, body = served.ask(GREEDY)
    assert status == 503, body
    assert b"ran out of memory" in body and body.count(b"\n") == 1
    _two_workers(served)
    assert set(served.workers()) != before


@pytest.mark.parametrize(
    ("shape", "text"),
    [
        ("path", "SELECT * { ?s " + "/".join(["bso:causes"] * 15_000) + " ?o }"),
        ("alternatives", "SELECT * { ?s " + "|".join(["bso:causes"] * 15_000) + " ?o }"),
        ("groups", "ASK { " + "{" * 5_000 + "}" * 5_000 + " }"),
        ("sum", "ASK { FILTER(" + " + ".join(["1"] * 15_000) + " > 0) }"),
    ],
)
def test_queries_that_would_overflow_the_engine_are_refused(served: Served, shape: str, text: str) -> None:
    """Chains and nesting that crash Oxigraph's parser or evaluator get a 400 before they reach it."""
    workers = set(served.workers())
    status, body = served.ask(text, "POST")
    assert status == 400 and b"at most" in body, body
    assert set(served.workers()) == workers


def test_a_crashed_worker_is_a_clean_503_and_is_replaced(served: Served) -> None:
    """Workers killed by SIGSEGV mid-query: the client gets one line, the log one line, new workers."""
    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    answers: list[tuple[int, bytes]] = []
    before = set(served.workers())
    thread = threading.Thread(target=lambda: answers.append(served.ask(runaway)))
    thread.start()
    time.sleep(1.0)  # well inside the 5 s limit: the query is running on one of them
    for pid in before:
        os.kill(pid, signal.SIGSEGV)
    thread.join(30)
    status, body = answers[0]
    assert status == 503 and b"crashed (signal SIGSEGV)" in body and body.count(b"\n") == 1, body
    _two_workers(served)
    assert set(served.workers()) != before


def test_a_client_leaving_mid_upload_is_one_quiet_line(served: Served) -> None:
    """A POST whose client closes after 10 of 100,000 bytes: no traceback (the fixture checks the log)."""
    import socket

    for _ in range(3):
        with socket.create_connection(("127.0.0.1", served.port), timeout=10) as sock:
            sock.sendall(
                b"POST /query HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                b"Content-Length: 100000\r\n\r\nASK { ?s ?"
            )
            time.sleep(0.2)
    time.sleep(0.5)
    assert served.ask("ASK {}")[0] == 200
