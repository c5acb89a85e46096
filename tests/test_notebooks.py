"""Every notebook runs top to bottom on a real Jupyter kernel, and none is committed with outputs."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nbformat
import pytest

from .conftest import REPO

NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))
#: The first column of a table that is not a SPARQL frame: a label, a name, a conflict's label.
LABEL_FIRST = {"label", "subject", "conflict", "name", "entity"}
pytestmark = pytest.mark.notebook


def test_there_are_notebooks():
    assert [p.name for p in NOTEBOOKS] == ["01-explore.ipynb", "02-sparql.ipynb", "03-grow.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_without_outputs(path: Path):
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{path.name}: strip outputs"


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], nbformat.NotebookNode]:
    """Run each notebook once, on a real kernel, in a temporary folder; return it with its outputs."""
    from nbclient import NotebookClient

    done: dict[str, nbformat.NotebookNode] = {}

    def run(name: str) -> nbformat.NotebookNode:
        if name not in done:
            folder = tmp_path_factory.mktemp(name.split(".")[0])
            notebook = nbformat.read(REPO / "notebooks" / name, as_version=4)
            NotebookClient(
                notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(folder)}}
            ).execute()
            nbformat.write(notebook, folder / name)
            done[name] = notebook
        return done[name]

    return run


def outputs(notebook: nbformat.NotebookNode) -> list[dict[str, Any]]:
    return [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_runs_top_to_bottom(path: Path, executed: Callable[[str], nbformat.NotebookNode]) -> None:
    notebook = executed(path.name)
    text = "\n".join(
        str(output.get("text", "")) + str(output.get("data", {}).get("text/plain", ""))
        for output in outputs(notebook)
    )
    assert "Traceback" not in text
    assert not [o for o in outputs(notebook) if o.get("output_type") == "error"]
    warnings = [o["text"] for o in outputs(notebook) if o.get("name") == "stderr" and "Warning" in o["text"]]
    assert not warnings


def test_first_output_of_explore_is_short(executed: Callable[[str], nbformat.NotebookNode]) -> None:
    first = outputs(executed("01-explore.ipynb"))[0]
    data = first.get("data", {})
    assert data.get("text/plain", "").startswith("<KnowledgeGraph ")
    assert all(len(str(shown)) < 500 for shown in data.values()), {k: len(str(v)) for k, v in data.items()}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_tables_lead_with_labels_and_show_no_iris(
    path: Path, executed: Callable[[str], nbformat.NotebookNode]
) -> None:
    """Every DataFrame a notebook shows starts with a label column and holds no full IRI."""
    tables = [
        o["data"]["text/html"]
        for o in outputs(executed(path.name))
        if 'class="dataframe"' in str(o.get("data", {}).get("text/html", ""))
    ]
    assert len(tables) >= 4
    for table in tables:
        assert "https://w3id.org/" not in table and "159.0" not in table
        header = re.search(r"<thead>.*?</thead>", table, re.S)
        assert header is not None
        columns = re.findall(r"<th>([^<]*)</th>", header.group(0))
        assert columns, table[:300]
        first = next(column for column in columns if column)
        assert first in LABEL_FIRST or first.endswith("_label"), columns
