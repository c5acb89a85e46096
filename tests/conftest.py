"""Shared fixtures: the mini fixture graph and paths (the bundled ``kg`` fixture is in ../conftest.py)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graph import load
from graph.core.model import KnowledgeGraph
from graph.quality.validate import find_sources

from . import chromium

DATA = Path(__file__).parent / "data"
MINI = DATA / "mini"
MINI_SEEDS = DATA / "seeds"
REPO = Path(__file__).resolve().parent.parent
#: Where the tests save the README's screenshots: ``out/screenshots/`` (git-ignored), so ``make test``
#: leaves the checkout clean; ``docs/`` only when asked (``make screenshots``: ``BSKG_SCREENSHOTS=docs``).
SCREENSHOTS = REPO / "docs" if os.environ.get("BSKG_SCREENSHOTS") == "docs" else REPO / "out" / "screenshots"


@pytest.fixture(scope="session", autouse=True)
def _own_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Keep what the suite caches (label indexes of endpoints and read-only folders) in a temporary folder."""
    before = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if before is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = before


@pytest.fixture(scope="session")
def mini() -> KnowledgeGraph:
    """A 14-entity fixture graph with its own two source texts in tests/data/seeds."""
    return load(MINI)


#: Set to 1 (as CI's second run does) to make a missing source text a failure instead of a skip.
REQUIRE_SOURCES = "BSKG_REQUIRE_SOURCES"


@pytest.fixture(scope="session")
def source_texts() -> Path:
    """The folder of the five source texts, found as ``bskg validate`` finds it, or skip.

    The texts are never part of the repository: point at them with ``BSKG_SOURCES=DIR`` (or keep
    them in ``../shared/seeds`` beside the checkout). With ``BSKG_REQUIRE_SOURCES=1`` their
    absence fails the test instead.
    """
    found = find_sources()
    if found is not None and len(list(found.glob("00[0-4]_*.txt"))) == 5:
        return found
    where = f"{found} holds fewer than five of them" if found is not None else "none found"
    reason = (
        f"the five source texts are not at hand ({where}): set BSKG_SOURCES=DIR "
        "or place them in ../shared/seeds beside the checkout"
    )
    if os.environ.get(REQUIRE_SOURCES) == "1":
        pytest.fail(f"{REQUIRE_SOURCES}=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Chromium (tests/chromium.py): skips, or fails with BSKG_REQUIRE_BROWSER=1, without it."""
    yield from chromium.launch()
