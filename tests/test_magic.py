"""The %%sparql magic in a real IPython InteractiveShell."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from graph.core.model import KnowledgeGraph

MINI = Path(__file__).parent / "data" / "mini"


@pytest.fixture(scope="module")
def shell() -> Iterator[object]:
    pytest.importorskip("IPython")
    from IPython.testing.globalipapp import start_ipython

    ip = start_ipython()  # type: ignore[no-untyped-call]
    assert ip is not None
    ip.run_line_magic("load_ext", "graph.present.magic")
    yield ip


@pytest.fixture
def notebook(shell: object, mini: KnowledgeGraph) -> object:
    shell.user_ns["kg"] = mini  # type: ignore[attr-defined]
    shell.user_ns.pop("found", None)  # type: ignore[attr-defined]
    return shell


def test_cell_magic_shows_a_dataframe(notebook: object) -> None:
    result = notebook.run_cell_magic(  # type: ignore[attr-defined]
        "sparql", "", "SELECT ?cause WHERE { ?cause bso:causes bs:back_spasm } ORDER BY ?cause"
    )
    assert isinstance(result, pd.DataFrame)
    assert result["cause_label"].tolist() == ["dehydration", "poor posture", "stress"]


def test_out_keeps_the_frame_and_param_binds(notebook: object) -> None:
    notebook.run_cell_magic(  # type: ignore[attr-defined]
        "sparql", "--out found --param cause=dehydration", "SELECT ?t WHERE { ?t bso:targets ?cause }"
    )
    assert notebook.user_ns["found"]["t_label"].tolist() == ["drinking water"]  # type: ignore[attr-defined]


def test_a_whole_cell_runs_through_the_shell(notebook: object) -> None:
    outcome = notebook.run_cell(  # type: ignore[attr-defined]
        "%%sparql -o found -p condition=spasm\nSELECT ?m WHERE { ?m bso:mimics ?condition }\n"
    )
    assert outcome.success
    assert notebook.user_ns["found"]["m_label"].tolist() == ["kidney stones"]  # type: ignore[attr-defined]


def test_line_magic_lists_and_runs_named_queries(notebook: object) -> None:
    listing = notebook.run_line_magic("sparql", "")  # type: ignore[attr-defined]
    assert "treatments_for" in set(listing["name"])
    frame = notebook.run_line_magic("sparql", "red_flags -p condition='back spasm'")  # type: ignore[attr-defined]
    assert frame["flag_label"].tolist() == ["loss of bladder control"]


def test_errors_are_one_line_usage_errors(notebook: object) -> None:
    from IPython.core.error import UsageError

    with pytest.raises(UsageError, match="invalid SPARQL at line 1"):
        notebook.run_cell_magic("sparql", "", "SELECT ?x WHERE { ?x }")  # type: ignore[attr-defined]
    with pytest.raises(UsageError, match="SERVICE"):
        notebook.run_cell_magic("sparql", "", "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")  # type: ignore[attr-defined]
    with pytest.raises(UsageError, match="unrecognized arguments"):
        notebook.run_cell_magic("sparql", "--bogus", "ASK {}")  # type: ignore[attr-defined]
    with pytest.raises(UsageError, match="not a loaded graph"):
        notebook.run_cell_magic("sparql", "--graph nothing", "ASK {}")  # type: ignore[attr-defined]


def test_graph_option_picks_a_variable(notebook: object, mini: KnowledgeGraph) -> None:
    notebook.user_ns["other"] = mini  # type: ignore[attr-defined]
    result = notebook.run_cell_magic("sparql", "--graph other", "ASK { bs:stress bso:causes bs:back_spasm }")  # type: ignore[attr-defined]
    assert result["boolean"].tolist() == [True]


def test_importing_graph_does_not_import_ipython() -> None:
    code = "import sys, graph, graph.query.run, graph.present.magic; print('IPython' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_magic_frame_reads_well(notebook: object) -> None:
    """Labels first, entities as CURIEs, counts as integers; the full IRIs a call away."""
    from graph.query.results import iris

    frame = notebook.run_cell_magic(  # type: ignore[attr-defined]
        "sparql",
        "",
        "SELECT ?cause (COUNT(?e) AS ?n) WHERE { ?cause bso:causes bs:back_spasm . "
        "?e rdf:subject ?cause ; rdf:object bs:back_spasm } GROUP BY ?cause ORDER BY ?cause",
    )
    assert list(frame.columns) == ["cause_label", "cause", "n"]
    assert frame["cause"].tolist()[0] == "bs:dehydration" and str(frame["n"].dtype) == "int64"
    assert iris(frame, "cause").tolist()[0] == "https://w3id.org/backspasm-kg/id/dehydration"
