"""Shared fixtures: the mini fixture graph and paths (the bundled ``kg`` fixture is in ../conftest.py)."""

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
def mini() -> KnowledgeGraph:
    """A 14-entity fixture graph with its own two source texts in tests/data/seeds."""
    return load(MINI)

