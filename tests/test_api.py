"""The public API: every exported name imports and documents itself; importing is cheap and quiet."""

from __future__ import annotations

import subprocess
import sys

import pytest

import graph


@pytest.mark.parametrize("name", graph.__all__)
def test_exported_name_has_a_docstring(name):
    obj = getattr(graph, name)
    assert obj.__doc__ and obj.__doc__.strip(), name


def test_all_is_sorted_and_complete():
    assert list(graph.__all__) == sorted(graph.__all__)


def test_import_is_warning_free_and_lazy():
    code = (
        # pyoxigraph is the engine (11 ms to import); these are imported only by what needs them
        "import sys, graph; heavy = [m for m in ('pyvis', 'pandas', 'IPython', 'pyshacl', 'networkx', "
        "'oxrdflib', 'tqdm') "
        "if m in sys.modules]; print(','.join(heavy))"
    )
    done = subprocess.run([sys.executable, "-Werror", "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""
