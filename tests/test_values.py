"""Values bound on the parsed query: braces, ``WHERE`` and quotes in strings, comments, IRIs fool nothing."""

from __future__ import annotations

import pytest
from rdflib import Literal, URIRef

from graph.core.errors import QueryError
from graph.core.model import KnowledgeGraph
from graph.query.values import is_graph_query, with_values

C = URIRef("http://e/C")
BLOCK = "VALUES (?c) { (<http://e/C>) }"

#: Queries whose strings, comments and IRIs hold braces, WHERE, UNION, SELECT and quotes.
HOSTILE = [
    'SELECT ?x WHERE { ?x a ?c . FILTER(?x != "} WHERE { ?y a ?c }") }',
    "SELECT ?x WHERE { # } UNION { ?x ?p ?o }\n ?x a ?c }",
    "SELECT ?x WHERE { ?x a ?c ; <http://e/WHERE#}> ?o }".replace("#}", "#x"),
    "SELECT ?x # {\nWHERE { ?x a ?c . FILTER(?x != '''}\n{''') }",
    'SELECT ?x WHERE { ?x a ?c . FILTER(?x != "\\"}{") }',
    "PREFIX w: <http://e/where{>\nSELECT ?x WHERE { ?x a ?c }".replace("{>", ">"),
    'SELECT ?x WHERE { ?x a ?c ; ?p "{ SELECT ?c WHERE {" }',
    'CONSTRUCT { ?x ?p "}" } WHERE { ?x a ?c ; ?p ?o }',
]


def _blocks(text: str) -> int:
    return text.count(BLOCK)


@pytest.mark.parametrize("text", HOSTILE)
def test_blocks_land_in_the_where_group_only(text: str) -> None:
    bound = with_values(text, {"c": C})
    assert _blocks(bound) == 2
    before, group = bound.split("{", 1) if "CONSTRUCT" not in text else bound.split("WHERE", 1)
    assert BLOCK not in before  # nothing lands in the head, a comment or a string


@pytest.mark.parametrize("text", HOSTILE)
def test_bound_queries_answer_as_substitution_does(mini: KnowledgeGraph, text: str) -> None:
    """In process, the text binding gives the rows Oxigraph's own substitution gives."""
    cause = URIRef("https://w3id.org/backspasm-kg/ontology#Cause")
    store = mini.store
    options = {"prefixes": {}}
    bound = with_values(text.replace("http://e/C", str(cause)), {"c": cause})
    text_rows = store.query(bound, **options)
    import pyoxigraph as ox

    wide = text.replace("SELECT ?x", "SELECT ?x ?c", 1)
    native = store.query(wide, substitutions={ox.Variable("c"): ox.NamedNode(str(cause))}, **options)
    if isinstance(text_rows, ox.QuerySolutions):
        assert sorted(str(r["x"]) for r in text_rows) == sorted(str(r["x"]) for r in native)
    else:
        assert sorted(map(str, text_rows)) == sorted(map(str, native))


@pytest.mark.parametrize(
    "value",
    [
        Literal('x" } UNION { ?s ?p ?o } #', lang="en"),
        Literal("'''}{'''"),
        Literal('a\\" } WHERE {'),
        Literal("\\u007D"),
        Literal("line\n} # {"),
    ],
)
def test_hostile_values_stay_one_term(mini: KnowledgeGraph, value: Literal) -> None:
    text = "SELECT ?s WHERE { ?s rdfs:label ?label }"
    bound = with_values(text, {"label": value})
    assert bound.count("VALUES (?label)") == 2
    solutions = mini.store.query(bound, prefixes={"rdfs": "http://www.w3.org/2000/01/rdf-schema#"})
    assert list(solutions) == []  # bound, matched nothing, injected nothing


def test_an_iri_that_is_not_one_is_refused() -> None:
    with pytest.raises(QueryError, match="cannot bind"):
        with_values("SELECT ?x WHERE { ?x a ?c }", {"c": URIRef("http://e/a> } { ?s ?p ?o")})


def test_placement_kept_for_the_engines() -> None:
    """First and last in WHERE, first in each UNION branch, inside a sub-SELECT that projects it."""
    union = with_values("SELECT ?x WHERE { { ?x a ?c } UNION { ?x ?p ?c } }", {"c": C})
    assert union.count(BLOCK) == 4 and union.startswith(f"SELECT ?x WHERE {{ {BLOCK}\n {{ {BLOCK}\n ?x a")
    wrapped = with_values("SELECT ?x WHERE { { SELECT ?x ?c WHERE { ?x a ?c } } }", {"c": C})
    assert wrapped.count(BLOCK) == 2 and wrapped.index(BLOCK) > wrapped.index("SELECT ?x ?c WHERE")
    outside = with_values("SELECT ?x WHERE { { SELECT ?x WHERE { ?x a ?c } } ?x ?p ?c }", {"c": C})
    assert outside.index(BLOCK) < outside.index("SELECT ?x WHERE {", 10)


def test_escaped_braces_outside_strings_are_not_braces() -> None:
    """Oxigraph reads ``\\u007B`` only inside strings; the parser check refuses what it cannot place."""
    with pytest.raises(QueryError) as caught:
        with_values("SELECT ?x WHERE { ?x a ?c . ?x ?p \\u007B }", {"c": C})
    assert "\n" not in str(caught.value)


def test_a_group_that_is_never_closed_is_one_line() -> None:
    with pytest.raises(QueryError) as caught:
        with_values('SELECT ?x WHERE { ?x a ?c . FILTER(?x != "}")', {"c": C})
    assert "\n" not in str(caught.value)


def test_graph_queries_are_told_by_their_tokens() -> None:
    assert is_graph_query('SELECT ?x WHERE { ?x ?p "CONSTRUCT" }') is False
    assert is_graph_query("# CONSTRUCT\nASK {}") is False
    assert is_graph_query("PREFIX a: <http://e/SELECT>\nDESCRIBE <http://e/x>") is True


def test_every_shipped_query_places_its_blocks_where_the_parser_has_its_where_group() -> None:
    """Bound values skip the parse for shipped queries: it is done here, for each parameter."""
    from graph.query.named import named_queries
    from graph.query.values import _places, is_shipped

    queries = named_queries().values()
    assert all(is_shipped(query.text) for query in queries)
    assert not is_shipped("SELECT ?x WHERE { ?x ?p ?o }")
    for query in queries:
        for param in query.params:
            _places.__wrapped__(query.text, (param.name,), True)  # raises when misplaced
