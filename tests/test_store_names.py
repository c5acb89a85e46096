"""Names resolve where the graph lives: a store's label index, kept fresh, never its whole catalogue."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from rdflib.term import Node

from graph.cli import main
from graph.core.errors import Ambiguous, GraphError, UnknownEntity
from graph.core.lookup import LabelIndex
from graph.query.names import CANDIDATES, Lookup, lookup_of
from graph.query.results import Answer
from graph.query.stores import OxigraphStore, Store
from graph.store import labels
from graph.store.publish import load_into


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled graph in an Oxigraph folder, filled the way a user fills one."""
    path = tmp_path_factory.mktemp("store") / "ox"
    load_into(str(path))
    return path


@dataclass
class Counted:
    """A store that counts the queries it runs and the rows they return, and has no catalogue."""

    inner: Store
    spec: str = "counted"
    calls: list[int] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)

    @property
    def url(self) -> str | None:
        """The endpoint's URL (None for a folder), as the lookup reads it."""
        return getattr(self.inner, "url", None)

    def index(self) -> LabelIndex:
        raise AssertionError("the whole label catalogue was read")

    def local_graphs(self) -> frozenset[str]:
        return self.inner.local_graphs()

    def execute(self, text: str, bindings: dict[str, Node], timeout: float | None) -> Answer:
        answer = self.inner.execute(text, bindings, timeout)
        self.calls.append(len(answer.rows))
        self.texts.append(text)
        return answer


def test_loading_a_folder_writes_its_label_index(folder: Path) -> None:
    assert (folder / labels.FILE).is_file()
    names = lookup_of(OxigraphStore.folder(folder))
    assert isinstance(names.names, labels.StoredNames)
    assert names.resolution("Tylenol").label == "acetaminophen"


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("acetaminophen", "acetaminophen"),
        ("ACETAMINOPHEN", "acetaminophen"),
        ("Tylenol", "acetaminophen"),
        ("tylenl", "acetaminophen"),
        ("ibuprofin", "ibuprofen"),
        ("bs:back_spasm", "back spasm"),
        ("back_spasm", "back spasm"),
    ],
)
def test_an_endpoint_resolves_a_name_with_a_few_bounded_queries(folder: Path, text: str, label: str) -> None:
    """Exact names, any case, synonyms, misspellings and ids, without the catalogue: few queries, few rows."""
    store = Counted(OxigraphStore.folder(folder))
    assert Lookup(store=store).resolution(text).label == label
    assert len(store.calls) <= 4 and all(rows <= CANDIDATES for rows in store.calls)


def test_an_exact_name_is_one_lookup_of_its_spellings(folder: Path) -> None:
    store = Counted(OxigraphStore.folder(folder))
    Lookup(store=store).resolve("Tylenol")
    assert len(store.calls) == 2  # the name's spellings, then the labels of the entities found


def test_every_store_follows_the_same_rules(folder: Path, kg: Any) -> None:
    """The tie, the unrelated fuzzy hit and the urgency level, on the folder's index and on an endpoint."""
    for names in (Lookup(kg.index), lookup_of(OxigraphStore.folder(folder))):
        with pytest.raises(Ambiguous):
            names.resolve("spondylolysisospondylolisthesis")
        assert names.find("interaction") == []
        with pytest.raises(UnknownEntity, match="infection"):
            names.resolve("interaction")
        assert [m.label for m in names.find("emergency room")] == ["go to the emergency room"]
        with pytest.raises(UnknownEntity, match="back spasm"):
            names.resolve("bs:back_spasmm")
    assert [m.label for m in Lookup(kg.index).find("relax")] == [
        m.label for m in lookup_of(OxigraphStore.folder(folder)).find("relax")
    ]


def test_a_stale_index_is_rebuilt_when_the_data_changes(tmp_path: Path) -> None:
    path = tmp_path / "ox"
    load_into(str(path))
    before = labels.fingerprint(path)
    assert labels.folder_names(ox.Store.read_only(str(path)), path).path == path / labels.FILE
    with pytest.raises(UnknownEntity):
        lookup_of(OxigraphStore.folder(path)).resolve("zzyzx remedy")
    store = ox.Store(str(path))  # another tool writes a name into the store
    entity = ox.NamedNode("https://w3id.org/backspasm-kg/id/rest")
    store.add(
        ox.Quad(
            entity, ox.NamedNode("http://www.w3.org/2004/02/skos/core#altLabel"), ox.Literal("zzyzx remedy")
        )
    )
    store.flush()
    del store
    assert labels.fingerprint(path) != before
    assert lookup_of(OxigraphStore.folder(path)).resolution("zzyzx remedy").label == "rest"


def test_a_folder_that_cannot_be_written_keeps_its_index_in_the_cache(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = tmp_path / "copy"
    copy.mkdir()
    for file in folder.iterdir():
        if file.name != labels.FILE:
            (copy / file.name).write_bytes(file.read_bytes())
    (copy / labels.FILE).write_bytes(b"an index of other data")  # stale, and the folder read-only
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(labels.os, "access", lambda *_: False)
    names = lookup_of(OxigraphStore.folder(copy))
    assert names.resolve("Advil") and names.names.path.parent == tmp_path / "cache" / "bskg"
    assert lookup_of(OxigraphStore.folder(copy)).names.path == names.names.path  # found again, not rebuilt


@pytest.mark.parametrize("where", ["missing", "file"])
def test_a_missing_store_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], where: str
) -> None:
    path = tmp_path / "nothing"
    if where == "file":
        path.write_text("not a store")
    for argv in (["find", "Advil"], ["show", "Advil"], ["treatments", "stress"]):
        assert main([*argv, "--store", f"oxigraph:{path}"]) == 2
        err = capsys.readouterr().err
        assert err.startswith("bskg: error: no Oxigraph store at") and err.count("\n") == 1


def test_find_and_show_on_a_store_answer_as_on_the_loaded_graph(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for argv in (
        ["find", "relaxant", "--json"],
        ["find", "bs:rest", "--json"],
        ["show", "Tylenol", "--json"],
    ):
        assert main(argv) == 0
        loaded = json.loads(capsys.readouterr().out)
        assert main([*argv, "--store", f"oxigraph:{folder}"]) == 0
        assert json.loads(capsys.readouterr().out) == loaded, argv


PARKINSON = """@prefix bs: <https://w3id.org/backspasm-kg/id/> .
@prefix bso: <https://w3id.org/backspasm-kg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
bs:pd a bso:Condition ; rdfs:label "Parkinson disease"@en .
bs:pd4 a bso:Condition ; rdfs:label "Parkinson disease 4"@en ; skos:altLabel "Parkinson disease"@en .
"""


def _folder_of(tmp_path: Path, turtle: str) -> Path:
    """Return an Oxigraph folder filled with ``turtle`` by ``load --into``."""
    data = tmp_path / "data.ttl"
    data.write_text(turtle, encoding="utf-8")
    load_into(str(tmp_path / "ox"), data)
    return tmp_path / "ox"


def _both_lookups(path: Path) -> tuple[Lookup, Lookup]:
    """The folder's label index, and the bounded queries an endpoint gets, over the same store."""
    return lookup_of(OxigraphStore.folder(path)), Lookup(store=OxigraphStore.folder(path))


def test_a_name_several_entities_share_is_answered_for_the_exact_label(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """One entity's label is another's synonym: the label wins, and the other is named on stderr."""
    path = _folder_of(tmp_path, PARKINSON)
    for names in _both_lookups(path):
        resolution = names.resolution("parkinson disease")
        assert (resolution.label, resolution.others) == ("Parkinson disease", ("Parkinson disease 4",))
    assert main(["show", "Parkinson disease", "--store", f"oxigraph:{path}", "--json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["label"] == "Parkinson disease"
    assert "also names Parkinson disease 4; answering for Parkinson disease" in captured.err


NUMBERED = """@prefix bs: <https://w3id.org/backspasm-kg/id/> .
@prefix bso: <https://w3id.org/backspasm-kg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
bs:pd4 a bso:Condition ; rdfs:label "Parkinson disease 4"@en .
bs:pd11 a bso:Condition ; rdfs:label "Parkinson disease 11"@en .
bs:pd13 a bso:Condition ; rdfs:label "Parkinson disease 13"@en .
"""


def test_a_name_no_entity_has_says_which_close_ones_it_passed_over(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """No exact label: the closest partial match answers, and stderr names the other close ones."""
    path = _folder_of(tmp_path, NUMBERED)
    for names in _both_lookups(path):
        resolution = names.resolution("parkinson disease")
        assert resolution.label == "Parkinson disease 4"
        assert resolution.nearest and set(resolution.others) == {
            "Parkinson disease 11",
            "Parkinson disease 13",
        }
    assert main(["show", "Parkinson disease", "--store", f"oxigraph:{path}", "--json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["label"] == "Parkinson disease 4"
    assert (
        "'Parkinson disease' is no entity's name; answering for the closest, Parkinson disease 4"
        in captured.err
    )
    assert main(["show", "Parkinson disease 13", "--store", f"oxigraph:{path}", "--json"]) == 0
    assert capsys.readouterr().err == ""


def test_an_index_that_cannot_be_read_is_a_one_line_error(tmp_path: Path) -> None:
    with pytest.raises(GraphError, match="cannot read the label index"):
        labels.StoredNames(tmp_path / "absent" / labels.FILE)


def test_load_takes_the_store_as_the_cli_spells_it(folder: Path, kg: Any) -> None:
    from graph import load

    stored = load(store=f"oxigraph:{folder}")
    assert stored.index.resolve("tylenl") == kg.index.resolve("tylenl")
    assert stored.triples == kg.triples
