"""Doctest set-up for the package: every doctest gets ``kg``, the bundled graph (as networkx gives ``nx``)."""

from __future__ import annotations

import pytest

from graph import load
from graph.core.model import KnowledgeGraph


@pytest.fixture(scope="session")
def kg() -> KnowledgeGraph:
    """Load the bundled graph once per test session."""
    return load()


@pytest.fixture(autouse=True)
def _doctest_globals(doctest_namespace: dict[str, object], request: pytest.FixtureRequest) -> None:
    if isinstance(request.node, pytest.DoctestItem):
        doctest_namespace["kg"] = request.getfixturevalue("kg")
