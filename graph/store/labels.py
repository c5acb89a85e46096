"""A store's label index on disk: every name of every entity, found by key, by words and by typo.

An Oxigraph folder keeps its index in ``bskg-labels.sqlite`` inside the folder (written when the
folder is filled, ``bskg load --into``), or, when the folder cannot be written, under
``$XDG_CACHE_HOME/bskg`` keyed by the folder's path. The index records the **fingerprint** of the
data it was built from: the name, size and modification time of every file of the store (Oxigraph
writes new files, and changes ``CURRENT``, whenever its data changes; opening it read-only changes
nothing), so a store filled again, or written by another tool, gets its index rebuilt on first use.

The index is a SQLite table of names (normalised key, entity, weight, name as written) with an
index on the key (exact names), a full-text table with the ``trigram`` tokenizer (a name that
contains the words asked, without reading every name) and the length of each key (the only names
within fuzzy reach of a text are those of a near length). :class:`StoredNames` answers
:class:`graph.core.lookup.Names` from it, so the store resolves names with the same rules as a
loaded graph, without loading its names.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import tempfile
import urllib.parse
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import URIRef
from rdflib.namespace import RDF

from graph.core.errors import GraphError
from graph.core.lookup import TERM, LabelIndex
from graph.core.vocab import BSO, CLASS_NAMES, LABEL_PREDICATES, local_name
from graph.store.progress import progress_bar

__all__ = [
    "CENSUS",
    "FILE",
    "StoredNames",
    "build",
    "census",
    "endpoint_file",
    "endpoint_names",
    "fingerprint",
    "folder_names",
    "index_file",
    "refresh",
    "remember_endpoint",
]

#: The index's file name inside an Oxigraph folder.
FILE = "bskg-labels.sqlite"
#: Bumped when the layout of the index or the way names are normalised changes.
VERSION = "1"
#: Files of an Oxigraph (RocksDB) folder that change without its data changing.
_VOLATILE = ("LOCK", "LOG")


def fingerprint(folder: Path) -> str:
    """Return a digest of the name, size and modification time of every data file of a store folder."""
    digest = hashlib.sha256(VERSION.encode())
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        if entry.name.startswith((FILE, ".", *_VOLATILE)) or not entry.is_file():
            continue
        info = entry.stat()
        digest.update(f"{entry.name}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _cache_dir() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "bskg"


def _cache_file(folder: Path) -> Path:
    key = hashlib.sha256(str(folder.resolve()).encode()).hexdigest()[:24]
    return _cache_dir() / f"labels-{key}.sqlite"


#: How many names of each name predicate, and members of each class, a graph holds: one query, a
#: count per index range (33 ms on 1M triples in Oxigraph), asked of the data before it is sent
#: and of the endpoint before its index is used.
CENSUS = (
    "SELECT ?k ?n WHERE { "
    + " UNION ".join(
        [f'{{ SELECT ("{p}" AS ?k) (COUNT(*) AS ?n) WHERE {{ ?s <{p}> ?l }} }}' for p in LABEL_PREDICATES]
        + [
            f'{{ SELECT ("{c}" AS ?k) (COUNT(*) AS ?n) WHERE {{ ?s a <{BSO[c]}> }} }}'
            for c in (*CLASS_NAMES, "UrgencyLevel")
        ]
    )
    + " }"
)


def census(rows: Iterable[Sequence[Any]]) -> str:
    """Return the census of a graph from the rows of :data:`CENSUS` (``key``, ``count``) as one line."""
    counts = {str(key): int(str(count)) for key, count in rows}
    return ";".join(f"{key}={counts[key]}" for key in sorted(counts))


def endpoint_file(url: str, stamp: str) -> Path:
    """Return where the label index of the server at ``url`` holding the graph of census ``stamp`` is kept.

    Keyed by the server (scheme, host and port: its Graph Store URL and its query URL share them)
    and by the census, in ``$XDG_CACHE_HOME/bskg``.
    """
    parts = urllib.parse.urlsplit(url)
    server = f"{parts.scheme}://{parts.hostname}:{parts.port or (443 if parts.scheme == 'https' else 80)}"
    key = hashlib.sha256(f"{server}\0{stamp}".encode()).hexdigest()[:24]
    return _cache_dir() / f"labels-endpoint-{key}.sqlite"


def remember_endpoint(url: str, store: Any, *, progress: bool | None = None) -> Path:
    """Write the label index of the graph just sent to the server at ``url`` (``store``: that graph)."""
    stamp = census((row["k"].value, row["n"].value) for row in store.query(CENSUS))
    target = endpoint_file(url, stamp)
    try:
        _write(target, collect(store, progress=progress), stamp)
    except (OSError, sqlite3.Error) as error:
        raise GraphError(f"cannot write the label index of {url} at {target}: {error}") from None
    return target


def endpoint_names(url: str, stamp: str) -> StoredNames | None:
    """Return the index written when the server at ``url`` was filled, if its census is still ``stamp``."""
    path = endpoint_file(url, stamp)
    return StoredNames(path) if _stamp(path) == stamp else None


def index_file(folder: Path) -> Path:
    """Return where a store folder's index is written: in the folder if it can be written, else the cache."""
    return folder / FILE if os.access(folder, os.W_OK) else _cache_file(folder)


def collect(store: Any, *, progress: bool | None = None) -> LabelIndex:
    """Return the label index of a pyoxigraph store: its entities' classes and names, its urgency levels.

    Read with Oxigraph's own index of each predicate (and of each class), not with SPARQL.
    """
    graph = ox.DefaultGraph()
    kind = ox.NamedNode(str(RDF.type))
    types: dict[str, list[str]] = defaultdict(list)
    names: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    with progress_bar(desc="indexing names", unit=" names", show=progress) as bar:
        for name in CLASS_NAMES:
            for quad in store.quads_for_pattern(None, kind, ox.NamedNode(str(BSO[name])), graph):
                if isinstance(quad.subject, ox.NamedNode):
                    types[quad.subject.value].append(name)
        for predicate in LABEL_PREDICATES:
            for quad in store.quads_for_pattern(None, ox.NamedNode(str(predicate)), None, graph):
                if isinstance(quad.object, ox.Literal):
                    names[quad.subject.value][str(predicate)].add(quad.object.value)
                    bar.update(1)
    level = ox.NamedNode(str(BSO.UrgencyLevel))
    levels = [quad.subject.value for quad in store.quads_for_pattern(None, kind, level, graph)]
    return LabelIndex.of(types, names, levels)


def _write(target: Path, index: LabelIndex, stamp: str) -> None:
    """Write the index to ``target`` atomically (a temporary file beside it, then a rename)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(handle)
    try:
        with contextlib.closing(sqlite3.connect(temporary)) as db:
            db.executescript(
                "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);"
                "CREATE TABLE entity(iri TEXT PRIMARY KEY, label TEXT, types TEXT, term INTEGER);"
                "CREATE TABLE name(key TEXT, iri TEXT, weight REAL, name TEXT, size INTEGER);"
                "CREATE VIRTUAL TABLE words USING fts5(padded, tokenize='trigram');"
            )
            db.executemany("INSERT INTO meta VALUES (?, ?)", [("version", VERSION), ("fingerprint", stamp)])
            rows = [(str(e), index.label(e), "\t".join(index.types[e]), 0) for e in index.types]
            rows += [(str(e), label, TERM, 1) for e, label in index.terms.items()]
            db.executemany("INSERT INTO entity VALUES (?, ?, ?, ?)", rows)
            db.executemany(
                "INSERT INTO name VALUES (?, ?, ?, ?, ?)",
                (
                    (key, str(entity), weight, name, len(key))
                    for key, entries in index.names.items()
                    for entity, weight, name in entries
                ),
            )
            db.executemany("INSERT INTO words(padded) VALUES (?)", ((f" {key} ",) for key in index.names))
            db.executescript("CREATE INDEX by_key ON name(key); CREATE INDEX by_size ON name(size, key);")
            db.commit()
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def build(store: Any, folder: Path, *, progress: bool | None = None) -> Path:
    """Build the label index of the Oxigraph folder ``folder`` (open as ``store``); return its file."""
    target = index_file(folder)
    stamp = fingerprint(folder)
    try:
        _write(target, collect(store, progress=progress), stamp)
    except (OSError, sqlite3.Error) as error:
        raise GraphError(f"cannot write the label index of {folder} at {target}: {error}") from None
    return target


def refresh(folder: Path, *, progress: bool | None = None) -> Path:
    """Build the label index of an Oxigraph folder just filled (``bskg load --into``); return its file."""
    from graph.store.oxigraph import open_folder

    return build(open_folder(folder), folder, progress=progress)


def _stamp(path: Path) -> str | None:
    """Return the fingerprint an index file was built for (None: absent, unreadable, another version)."""
    if not path.is_file():
        return None
    try:
        with contextlib.closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as db:
            meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
    except sqlite3.Error:
        return None
    return meta.get("fingerprint") if meta.get("version") == VERSION else None


def folder_names(store: Any, folder: Path, *, progress: bool | None = None) -> StoredNames:
    """Return the names of an Oxigraph folder from its index, (re)built first if missing or stale."""
    stamp = fingerprint(folder)
    for path in (folder / FILE, _cache_file(folder)):
        if _stamp(path) == stamp:
            return StoredNames(path)
    return StoredNames(build(store, folder, progress=progress))


class StoredNames:
    """:class:`graph.core.lookup.Names` read from an index file: each lookup one indexed query."""

    def __init__(self, path: Path) -> None:
        try:
            self.db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        except sqlite3.Error as error:
            raise GraphError(f"cannot read the label index {path}: {error}") from None
        self._entities: dict[URIRef, tuple[str, tuple[str, ...], bool] | None] = {}
        self.path = path

    def _entity(self, entity: URIRef) -> tuple[str, tuple[str, ...], bool] | None:
        if entity not in self._entities:
            row = self.db.execute(
                "SELECT label, types, term FROM entity WHERE iri = ?", (str(entity),)
            ).fetchone()
            self._entities[entity] = (
                None if row is None else (row[0], tuple(row[1].split("\t")), bool(row[2]))
            )
        return self._entities[entity]

    def named(self, key: str) -> Sequence[tuple[URIRef, float, str]]:
        """Return the entities named ``key`` (a normalised name), in the loaded index's order."""
        rows = self.db.execute("SELECT iri, weight, name FROM name WHERE key = ? ORDER BY rowid", (key,))
        return [(URIRef(iri), weight, name) for iri, weight, name in rows]

    def containing(self, key: str) -> Iterable[str]:
        """Return the names holding ``key`` word for word (trigram search), and the names in it."""
        words = key.split()
        found: set[str] = set()
        for start in range(len(words)):
            for end in range(start + 1, len(words) + 1):
                run = " ".join(words[start:end])
                if self.db.execute("SELECT 1 FROM name WHERE key = ? LIMIT 1", (run,)).fetchone():
                    found.add(run)
        query = "SELECT padded FROM words WHERE padded LIKE ? ORDER BY abs(length(padded) - ?) LIMIT ?"
        rows = self.db.execute(query, (f"% {key} %", len(key) + 2, 500))
        found.update(row[0].strip() for row in rows)
        return found

    def near(self, key: str, cutoff: float) -> Iterable[str]:
        """Return the names whose length lets their Indel similarity to ``key`` reach ``cutoff``."""
        low, high = len(key) * cutoff / (2 - cutoff), len(key) * (2 - cutoff) / cutoff
        rows = self.db.execute(
            "SELECT DISTINCT key FROM name WHERE size BETWEEN ? AND ?", (int(low), int(high) + 1)
        )
        return [row[0] for row in rows]

    def label(self, entity: URIRef) -> str:
        """Return the preferred label of an entity or urgency level (its IRI's last segment if none)."""
        found = self._entity(entity)
        return found[0] if found else local_name(entity)

    def types_of(self, entity: URIRef) -> tuple[str, ...]:
        """Return the classes of an entity (``UrgencyLevel`` for an urgency level)."""
        found = self._entity(entity)
        return found[1] if found else ()

    def known(self, entity: URIRef) -> bool:
        """Tell whether ``entity`` is one of the store's entities."""
        found = self._entity(entity)
        return found is not None and not found[2]
