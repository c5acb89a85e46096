"""An endpoint filled by ``bskg load --into URL`` finds misspelt names in its own label index."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterator
from typing import Any

import pyoxigraph as ox
import pytest

from graph.cli import main
from graph.query.names import Lookup, lookup_of
from graph.query.stores import open_store
from graph.store import labels
from graph.store.data import data_files
from graph.store.publish import load_into, put_graph
from tests.servers import oxigraph_server
from tests.test_store_names import Counted

EXTRA = (
    b"<https://w3id.org/backspasm-kg/id/tylenolia> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
    b"<https://w3id.org/backspasm-kg/ontology#Condition> .\n"
    b"<https://w3id.org/backspasm-kg/id/tylenolia> <http://www.w3.org/2000/01/rdf-schema#label> "
    b'"tylenolia"@en .\n'
)


@pytest.fixture
def server() -> Iterator[Any]:
    """A fresh ``oxigraph serve`` filled with the bundled graph by ``bskg load --into``."""
    with oxigraph_server([]) as running:
        assert running.store is not None
        load_into(running.store, progress=False)
        yield running


def test_filling_an_endpoint_writes_the_index_of_what_was_sent(server: Any, kg: Any) -> None:
    store = open_store(f"sparql:{server.sparql}")
    found = labels.endpoint_names(server.sparql, labels.census(store.execute(labels.CENSUS, {}, None).rows))
    assert found is not None and found.path.is_file()
    assert found.known(kg.index.resolve("back spasm"))


@pytest.mark.parametrize("text", ["tylenl", "ibuprofin", "muscle spasm in back", "dehydraton"])
def test_a_misspelt_name_is_found_in_the_index_not_by_scanning_labels(
    server: Any, kg: Any, text: str, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = f"sparql:{server.sparql}"
    store = Counted(open_store(spec))
    assert [m.label for m in lookup_of(store).find(text)] == [m.label for m in Lookup(kg.index).find(text)]
    assert not any("CONTAINS" in text for text in store.texts)  # no scan of the endpoint's labels
    assert main(["find", text, "--json"]) == 0
    loaded = json.loads(capsys.readouterr().out)
    assert main(["find", text, "--store", spec, "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == loaded


def test_data_changed_behind_the_index_is_looked_up_on_the_endpoint(server: Any) -> None:
    """Another writer adds a name: the census differs, the index is passed over, the new name found."""
    put_graph(server.store, EXTRA, method="POST")
    store = Counted(open_store(f"sparql:{server.sparql}"))
    assert [m.label for m in lookup_of(store).find("tylenolya")][:1] == ["tylenolia"]
    assert any("CONTAINS" in text for text in store.texts)


def test_a_name_replaced_with_the_census_unchanged_is_never_answered(server: Any) -> None:
    """Same counts, a label changed: the index may point at the entity; its names come from the endpoint."""
    triples = b"".join(
        ox.serialize(ox.parse(path=path, format=ox.RdfFormat.TURTLE), format=ox.RdfFormat.N_TRIPLES)
        for path in data_files(None)
    )
    label = b"<http://www.w3.org/2000/01/rdf-schema#label>"
    changed = triples.replace(label + b' "acetaminophen"@en', label + b' "paracetamolum"@en')
    assert changed != triples
    put_graph(server.store, changed, method="PUT")  # not through bskg: its index is not rewritten
    store = open_store(f"sparql:{server.sparql}")
    found = [m.label for m in lookup_of(store).find("acetaminophn")]
    assert "acetaminophen" not in found
    assert lookup_of(store).resolution("paracetamolum").label == "paracetamolum"


def test_an_index_naming_an_entity_the_endpoint_lost_is_removed(server: Any) -> None:
    """An index pointing at an entity the endpoint does not hold is stale: removed, and the endpoint asked."""
    store = open_store(f"sparql:{server.sparql}")
    path = labels.endpoint_file(server.sparql, labels.census(store.execute(labels.CENSUS, {}, None).rows))
    with contextlib.closing(sqlite3.connect(path)) as db, db:
        db.execute("UPDATE name SET iri = iri || '-gone' WHERE key = 'ibuprofen'")
        db.execute("UPDATE entity SET iri = iri || '-gone' WHERE label = 'ibuprofen'")
    counted = Counted(store)
    assert [m.label for m in lookup_of(counted).find("ibuprofin")][:1] == ["ibuprofen"]
    assert any("CONTAINS" in text for text in counted.texts)
    assert not path.exists()
