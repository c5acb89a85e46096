"""Shared fixtures: the bundled graph, the mini fixture graph, and doctest globals."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph import load
from graph.model import KnowledgeGraph

DATA = Path(__file__).parent / "data"
MINI = DATA / "mini"
MINI_SEEDS = DATA / "seeds"
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def kg() -> KnowledgeGraph:
    """The bundled graph, loaded once per test session."""
    return load()


@pytest.fixture(scope="session")
def mini() -> KnowledgeGraph:
    """A 14-entity fixture graph with its own two source texts in tests/data/seeds."""
    return load(MINI)


@pytest.fixture(autouse=True)
def _doctest_globals(doctest_namespace: dict[str, object], request: pytest.FixtureRequest) -> None:
    """Give every doctest ``kg`` (the bundled graph), as networkx gives its doctests ``nx``."""
    if isinstance(request.node, pytest.DoctestItem):
        doctest_namespace["kg"] = request.getfixturevalue("kg")
