"""JupyterLab really starts with the project's environment, serves notebooks/, and shuts down."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import pytest

from .conftest import REPO
from .jupyter import running_lab

pytestmark = pytest.mark.server


def _get(url: str, token: str) -> object:
    request = urllib.request.Request(url, headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - loopback only
        return json.loads(response.read())


def test_jupyterlab_starts_lists_notebooks_and_stops(tmp_path: Path):
    with running_lab(REPO / "notebooks", tmp_path) as lab:
        listing = _get(f"{lab.base}/api/contents/", lab.token)
        names = {item["name"] for item in listing["content"]}  # type: ignore[index]
        assert {"01-explore.ipynb", "02-sparql.ipynb"} <= names
        specs = _get(f"{lab.base}/api/kernelspecs", lab.token)
        assert "python3" in specs["kernelspecs"]  # type: ignore[index]
        with urllib.request.urlopen(f"{lab.base}/lab?token={lab.token}", timeout=10) as page:  # noqa: S310
            assert page.status == 200 and b"JupyterLab" in page.read()
    assert lab.process.returncode is not None  # stopped by its own process id
