"""A start-up cache of parsed graphs, keyed by the content of the Turtle files.

Parsing the bundled Turtle with rdflib takes ~140 ms; unpickling the parsed graph and its label
index ~30 ms. :func:`cached` keeps one pickle per set of files under the user's cache folder,
keyed by a SHA-256 of each file's path and bytes, of the package's own code (every file under
``graph/``: what builds the cached graph, its index and its view) and of the versions of Python and
rdflib, so any change to ``data/`` or to the code makes a new key and the old entry is never read.

The cache folder is ``$BSKG_CACHE``, else ``$XDG_CACHE_HOME/backspasm-kg``, else
``~/.cache/backspasm-kg``; ``BSKG_CACHE=off`` turns the cache off. Only files this process
wrote are read back (a pickle runs code when loaded: the folder must be the user's own).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from graph.core.model import KnowledgeGraph

__all__ = ["cache_dir", "cache_key", "cached"]

_FORMAT = 1
#: The package folder whose files are hashed into every key.
_PACKAGE = Path(__file__).resolve().parents[1]


def cache_dir() -> Path | None:
    """Return the cache folder, or ``None`` when the cache is off (``BSKG_CACHE=off``).

    >>> cache_dir() is None or cache_dir().name != ""
    True
    """
    setting = os.environ.get("BSKG_CACHE", "")
    if setting.lower() in ("off", "0", "no", "false"):
        return None
    if setting:
        return Path(setting)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "backspasm-kg"


def code_digest(package: Path = _PACKAGE) -> str:
    """Return a SHA-256 of every file of the package (its code, queries and templates) and their paths.

    A cached graph was built by this code: when any of it changes, so does the key.

    >>> len(code_digest()) == 64
    True
    """
    digest = hashlib.sha256()
    for file in sorted(package.rglob("*")):
        if file.is_file() and "__pycache__" not in file.parts and file.suffix != ".pyc":
            digest.update(file.relative_to(package).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(file.read_bytes()).digest())
    return digest.hexdigest()


def cache_key(files: Sequence[Path], package: Path = _PACKAGE) -> str:
    """Return the key of a set of files: a hash of versions, the package's code, each file's path and bytes.

    >>> from graph.store.load import data_files
    >>> len(cache_key(data_files())) == 64
    True
    """
    import rdflib

    digest = hashlib.sha256()
    digest.update(f"{_FORMAT}|{sys.version}|{rdflib.__version__}|{code_digest(package)}".encode())
    for file in files:
        digest.update(str(file.resolve()).encode() + b"\0")
        digest.update(hashlib.sha256(file.read_bytes()).digest())
    return digest.hexdigest()


def cached(files: Sequence[Path], build: Callable[[], KnowledgeGraph]) -> KnowledgeGraph:
    """Return the graph of ``files`` from the cache, or ``build()`` it and store it.

    Any failure to read or write the cache falls back to ``build()``; errors of ``build``
    (such as a :class:`~graph.core.errors.ParseError`) propagate and nothing is cached.
    """
    from graph.core.model import KnowledgeGraph

    folder = cache_dir()
    if folder is None:
        return build()
    try:
        key = cache_key(files)
    except OSError:
        return build()
    entry = folder / f"{key}.pickle"
    if entry.is_file() and _owned(entry):
        try:
            with entry.open("rb") as handle:
                rdf, index, paths = pickle.load(handle)  # noqa: S301 (our own file; see module doc)
            return KnowledgeGraph(rdf=rdf, index=index, files=tuple(paths))
        except Exception:  # noqa: S110 (a stale or broken entry: rebuild it)
            pass
    kg = build()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=folder, prefix=".entry.", suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            pickle.dump((kg.rdf, kg.index, kg.files), handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(name, entry)
    except (OSError, pickle.PicklingError, RecursionError):
        pass
    return kg


def _owned(path: Path) -> bool:
    """Tell whether the file belongs to this user and no one else may write it."""
    try:
        info = path.stat()
    except OSError:
        return False
    getuid = getattr(os, "getuid", None)
    mine = getuid is None or info.st_uid == getuid()
    return mine and not info.st_mode & 0o022
