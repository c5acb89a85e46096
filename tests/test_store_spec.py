"""One store-spec parser: ``--store`` reads the same way for queries, questions and ``serve``."""

from __future__ import annotations

import pytest

from graph.cli import main
from graph.core.errors import GraphError
from graph.query.stores import open_store
from graph.query.workers import Recipe
from graph.store.spec import StoreSpec

from .conftest import MINI

GOOD = [
    ("memory", StoreSpec("memory")),
    (" memory ", StoreSpec("memory")),
    ("oxigraph:/tmp/a:b", StoreSpec("oxigraph", "/tmp/a:b")),
    ("sparql:http://127.0.0.1:7878/query", StoreSpec("sparql", "http://127.0.0.1:7878/query")),
    (
        "sparql:https://[::1]:8890/sparql?default-graph-uri=x",
        StoreSpec("sparql", "https://[::1]:8890/sparql?default-graph-uri=x"),
    ),
]
BAD = [
    ("", "empty store"),
    ("   ", "empty store"),
    ("oxigraph:", "names no place"),
    ("oxigraph: ", "names no place"),
    ("sparql:", "names no place"),
    ("redis:x", "unknown store"),
    ("memory:x", "unknown store"),
    ("Memory", "unknown store"),
    ("/tmp/folder", "unknown store"),
    ("sparql:http://[::1", "not a URL (Invalid IPv6 URL)"),
    ("sparql:http://127.0.0.1:99999/q", "not a URL (Port out of range"),
    ("sparql:http://127.0.0.1:x/q", "not a URL"),
    ("sparql:ftp://example.org/q", "must be an http(s) URL"),
    ("sparql:http:///q", "must be an http(s) URL with a host"),
    ("sparql:file:///etc/passwd", "must be an http(s) URL"),
]


@pytest.mark.parametrize(("text", "spec"), GOOD)
def test_good_specs(text: str, spec: StoreSpec) -> None:
    assert StoreSpec.parse(text) == spec
    assert StoreSpec.parse(str(spec)) == spec


@pytest.mark.parametrize(("text", "message"), BAD)
def test_bad_specs_are_one_line(text: str, message: str) -> None:
    with pytest.raises(GraphError) as caught:
        StoreSpec.parse(text)
    assert message in str(caught.value) and "\n" not in str(caught.value)


@pytest.mark.parametrize(("text", "message"), BAD)
def test_queries_and_serve_read_specs_alike(text: str, message: str) -> None:
    """``open_store`` (query, questions, magic) and ``Recipe.from_spec`` (serve) give the same error."""
    errors = []
    for reader in (lambda: open_store(text), lambda: Recipe.from_spec(text, MINI)):
        with pytest.raises(GraphError) as caught:
            reader()
        errors.append(str(caught.value))
    assert errors[0] == errors[1] and message in errors[0]


@pytest.mark.parametrize("command", ["query", "serve"])
@pytest.mark.parametrize("text", ["", "oxigraph:", "sparql:http://[::1", "gopher:x"])
def test_the_cli_prints_one_line(capsys: pytest.CaptureFixture[str], command: str, text: str) -> None:
    argv = ["--data", str(MINI), command, "--store", text]
    argv += ["ASK {}"] if command == "query" else ["--port", "0"]
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("bskg: error: ") and err.count("\n") == 1, err
