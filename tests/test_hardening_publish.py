"""``bskg load --into``: credentials never in clear, and targets that are neither a folder nor http(s)."""

from __future__ import annotations

import http.server
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from graph.cli import main
from graph.core.errors import GraphError
from graph.store.publish import load_into

MINI = Path(__file__).resolve().parent / "data" / "mini"


def _handler(scheme: str) -> type[http.server.BaseHTTPRequestHandler]:
    class Asking(http.server.BaseHTTPRequestHandler):
        """A Graph Store that asks for ``scheme`` credentials and records what it was sent."""

        sent: list[str] = []

        def log_message(self, format: str, *args: object) -> None:
            return None

        def _challenge(self) -> bool:
            given = self.headers.get("Authorization")
            if given is not None:
                type(self).sent.append(given)
                return False
            self.send_response(401)
            realm = 'realm="store"'
            extra = ', nonce="abc", qop="auth", algorithm=MD5' if scheme == "Digest" else ""
            self.send_header("WWW-Authenticate", f"{scheme} {realm}{extra}")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return True

        def do_HEAD(self) -> None:
            if not self._challenge():
                self.send_response(200)
                self.end_headers()

        def do_PUT(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            if not self._challenge():
                self.send_response(201)
                self.send_header("Content-Length", "0")
                self.end_headers()

        def do_POST(self) -> None:
            self.do_PUT()

    return Asking


@contextmanager
def _store(scheme: str) -> Iterator[tuple[str, list[str]]]:
    handler = _handler(scheme)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/store", handler.sent
    finally:
        server.shutdown()
        server.server_close()


def test_basic_over_plain_http_is_refused_and_nothing_is_sent() -> None:
    with _store("Basic") as (url, sent), pytest.raises(GraphError, match="--insecure-basic"):
        load_into(url, MINI, auth=("user", "secret"))
    assert sent == []


def test_basic_over_plain_http_only_when_asked() -> None:
    with _store("Basic") as (url, sent):
        assert load_into(url, MINI, auth=("user", "secret"), insecure_basic=True) > 0
    assert sent and all(value.startswith("Basic ") for value in sent)


def test_digest_over_plain_http_works() -> None:
    with _store("Digest") as (url, sent):
        assert load_into(url, MINI, auth=("user", "secret")) > 0
    assert sent and all(value.startswith("Digest ") and "secret" not in value for value in sent)


@pytest.mark.parametrize("target", ["", "   ", "file:///tmp/x", "ftp://127.0.0.1/x"])
def test_targets_that_are_neither_folder_nor_http_are_one_line_errors(
    target: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["--data", str(MINI), "load", "--into", target]) == 2
    error = capsys.readouterr().err
    assert error.startswith("bskg: error: --into") and error.count("\n") == 1
    assert os.listdir(tmp_path) == []


def test_a_store_spec_names_its_folder_and_a_query_url_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--into oxigraph:DIR`` fills DIR (not a folder called ``oxigraph:``); ``sparql:URL`` is refused."""
    monkeypatch.chdir(tmp_path)
    assert main(["--data", str(MINI), "load", "--into", "oxigraph:store"]) == 0
    assert sorted(os.listdir(tmp_path)) == ["store"]
    capsys.readouterr()
    assert main(["--data", str(MINI), "load", "--into", "sparql:http://127.0.0.1:9/query"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("bskg: error: --into sparql:") and error.count("\n") == 1
    assert sorted(os.listdir(tmp_path)) == ["store"]
