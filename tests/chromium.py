"""Headless Chromium for the browser tests: Debian's program driven by Playwright's Python package.

One launcher for every browser test (``browser`` fixture in ``tests/conftest.py``). Without Chromium
or Playwright the tests skip and say why, unless ``BSKG_REQUIRE_BROWSER=1`` (as in CI).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

__all__ = ["CHROMIUM", "FLAGS", "launch", "unavailable"]

CHROMIUM = os.environ.get("BSKG_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
#: Flags for a closed network: no background requests, no component updates, no sync.
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def unavailable(reason: str) -> None:
    """Skip the test, or fail it when ``BSKG_REQUIRE_BROWSER=1``."""
    if os.environ.get("BSKG_REQUIRE_BROWSER") == "1":
        pytest.fail(f"BSKG_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def launch() -> Iterator[Any]:
    """Yield a running headless Chromium, closed afterwards."""
    if not (Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)):
        unavailable(f"no Chromium at {CHROMIUM} (apt-get install chromium, or set BSKG_CHROMIUM)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the playwright Python package is not installed")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield chromium
        chromium.close()
