"""Both notebooks, run on a real kernel, opened in a real JupyterLab in headless Chromium.

Each notebook is executed with nbclient into a temporary folder, JupyterLab serves that folder on a
loopback port, and Chromium (the project's flags, every request not to 127.0.0.1 refused) opens it.
The tests assert what the screenshots show and save them as ``notebook-*.png`` (the README's) under
``out/screenshots/``, or ``docs/`` with ``BSKG_SCREENSHOTS=docs`` (``make screenshots``).
Without Chromium they skip, unless ``BSKG_REQUIRE_BROWSER=1``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import pytest

from .conftest import REPO
from .jupyter import Lab, running_lab
from .test_browser import DOCS
from .test_notebooks import LABEL_FIRST

pytestmark = [pytest.mark.browser, pytest.mark.notebook]

NOTEBOOKS = ("01-explore.ipynb", "02-sparql.ipynb")
WINDOW = {"width": 1400, "height": 1000}
OUTPUT = ".jp-OutputArea-output"
ERROR = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.error"]'
STDERR = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
#: JupyterLab's user settings for the run: no news prompt, no update check, every cell in the page.
SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}


def _execute(name: str, folder: Path) -> None:
    """Run one notebook top to bottom on the ``python3`` kernel and write it, outputs and all, to folder."""
    from nbclient import NotebookClient

    notebook = nbformat.read(REPO / "notebooks" / name, as_version=4)
    NotebookClient(
        notebook,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(REPO / "notebooks")}},
    ).execute()
    nbformat.write(notebook, folder / name)


def _in_window(element: Any) -> bool:
    """Whether the element is shown and its top edge lies within the screenshot's window."""
    box = element.bounding_box() if element.is_visible() else None
    return box is not None and 0 <= box["y"] < WINDOW["height"] and box["height"] > 0


@pytest.fixture(scope="module")
def lab(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """Both notebooks executed into one folder, and JupyterLab serving it; stopped by its process id."""
    root = tmp_path_factory.mktemp("lab-root")
    for name in NOTEBOOKS:
        _execute(name, root)
    home = tmp_path_factory.mktemp("lab-home")
    settings = home / "settings"
    for relative, values in SETTINGS.items():
        (settings / relative).parent.mkdir(parents=True, exist_ok=True)
        (settings / relative).write_text(json.dumps(values))
    with running_lab(root, home, settings) as lab:
        yield lab


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_in_jupyterlab(name: str, browser: Any, lab: Lab) -> None:
    """The notebook opens with its outputs: heading, a label-first DataFrame, no IRIs up front, no errors."""
    heading = nbformat.read(lab.root / name, as_version=4).cells[0].source.splitlines()[0].lstrip("# ")
    refused: list[str] = []

    def route(request: Any) -> None:
        if request.request.url.startswith("http://127.0.0.1:"):
            request.continue_()
        else:
            refused.append(request.request.url)
            request.abort()

    context = browser.new_context(viewport=WINDOW)
    try:
        page = context.new_page()
        page.route("**/*", route)
        page.goto(f"{lab.base}/lab/tree/{name}?reset&token={lab.token}")  # reset: no restored tabs
        page.wait_for_selector(f"{OUTPUT} table.dataframe", timeout=45_000)
        page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=30_000)
        page.keyboard.press("Control+b")  # fold the file browser: the notebook gets the width
        page.locator(".jp-NotebookPanel-notebook").first.click(position={"x": 5, "y": 5})
        page.wait_for_timeout(500)

        assert _in_window(page.get_by_role("heading", name=heading).first), heading
        first_output = page.locator(OUTPUT).first
        assert _in_window(first_output)
        assert "https://w3id.org/" not in first_output.inner_text()
        firsts = page.eval_on_selector_all(
            f"{OUTPUT} table.dataframe thead tr:first-child",
            "rows => rows.map(r => Array.from(r.querySelectorAll('th'))"
            ".map(th => th.textContent.trim()).find(text => text) || '')",
        )
        assert any(f in LABEL_FIRST or f.endswith("_label") for f in firsts), firsts
        assert page.locator(f"{OUTPUT} table.dataframe").first.is_visible()
        assert page.locator(STDERR).count() == 0
        assert page.locator(ERROR).count() == 0
        DOCS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(DOCS / f"notebook-{name.removesuffix('.ipynb')}.png"))
    finally:
        context.close()
    assert refused == [], "JupyterLab asked for something beyond loopback"
