"""SPARQL over the graph: named queries (see :mod:`graph.query.named`) and query text, values bound.

Parameters are optional (unbound means "any") unless a header marks them required, and are bound
as values, never formatted into the text: :func:`bind` turns them into RDF terms, and the store
binds them (Oxigraph before evaluation, a remote endpoint as a ``VALUES`` block; see
:mod:`graph.query.stores`). A user's own text is parsed once by the guard (:mod:`graph.query.guard`)
before it runs; the shipped named queries are trusted and go straight to the engine. Parameter kinds:
``entity`` (any name, synonym, brand name or misspelling, resolved by the label index),
``relation`` (a ``bso:`` property by local name), ``text`` (an English literal, ``@en``), ``integer``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import cache
from typing import TYPE_CHECKING, Any

from rdflib import Literal, URIRef
from rdflib.term import Node

from graph.core.errors import QueryError
from graph.core.lookup import Resolver, close_matches
from graph.core.vocab import BSO, GUIDANCE, RELATIONS
from graph.query.guard import check_structure, refuse_network
from graph.query.named import NamedQuery, Param, load_queries, named_queries, prepare, triple_variables
from graph.query.names import answer_index, lookup_of
from graph.query.results import Answer, to_frame
from graph.query.stores import OxigraphStore, Store

if TYPE_CHECKING:
    import pandas as pd
    from rdflib.plugins.sparql.sparql import Query

    from graph.core.lookup import LabelIndex
    from graph.core.model import KnowledgeGraph

__all__ = [
    "NamedQuery",
    "Param",
    "bind",
    "labeller",
    "load_queries",
    "named_queries",
    "parse_params",
    "prepare",
    "run",
    "sparql",
]

_NAME = re.compile(r"[A-Za-z_][\w-]*")


def _named(name: str) -> NamedQuery:
    queries = named_queries()
    if name in queries:
        return queries[name]
    close = close_matches(name, queries)
    hint = f"; did you mean: {', '.join(close)}?" if close else " (bskg query --list shows them)"
    raise QueryError(f"no named query {name!r}{hint}")


def _value(param: Param, value: Any, index: Resolver) -> Node:
    if param.kind == "entity":
        if not isinstance(value, str):
            raise QueryError(f"parameter {param.name}: expected a name, got {type(value).__name__}")
        return index.resolve(value)
    if param.kind == "relation":
        text = str(value).removeprefix(str(BSO._NS)).removeprefix("bso:")
        if text not in RELATIONS and text not in GUIDANCE:
            close = close_matches(text, [*RELATIONS, *GUIDANCE], cutoff=0.6)
            hint = f"; did you mean: {', '.join(close)}?" if close else ""
            raise QueryError(
                f"parameter {param.name}: {str(value)!r} is not a relation of the vocabulary{hint}"
            )
        return BSO[text]
    if param.kind == "integer":
        try:
            return Literal(int(str(value).strip()))
        except ValueError:
            raise QueryError(f"parameter {param.name}: expected an integer, got {str(value)!r}") from None
    if isinstance(value, Literal):
        return value
    return Literal(str(value), lang="en")


def _free_value(name: str, value: Any, index: Resolver) -> Node:
    if isinstance(value, URIRef | Literal):
        return value
    if isinstance(value, bool | int | float):
        return Literal(value)
    return _value(Param(name, "entity", ""), value, index)


def bind(
    named: NamedQuery | None, query: Query | None, params: Mapping[str, Any], index: Resolver
) -> dict[str, Node]:
    """Turn parameter values into RDF terms to bind, checking each names a variable the query can bind.

    For a named query each value is read by its declared kind (``query`` is not needed: the shipped
    queries are checked by the tests, and pass ``None``). For query text (``query``, as the guard
    parsed it), rdflib terms are used as they are, numbers become literals and any other value is
    resolved as an entity name.
    """
    bound: dict[str, Node] = {}
    in_patterns = triple_variables(query) if query is not None else set()
    declared = {p.name: p for p in named.params} if named is not None else {}
    for name, value in params.items():
        if value is None:
            continue
        if named is not None:
            if name not in declared:
                allowed = ", ".join(declared) or "none"
                raise QueryError(f"{named.name} has no parameter {name!r} (parameters: {allowed})")
            bound[name] = _value(declared[name], value, index)
        else:
            if name not in in_patterns:
                raise QueryError(f"cannot bind ?{name}: the query has no triple pattern with ?{name}")
            bound[name] = _free_value(name, value, index)
    for param in named.params if named is not None else ():
        if param.required and param.name not in bound:
            assert named is not None
            raise QueryError(f"{named.name} needs a value for {param.name} (--param {param.name}=...)")
    return bound


@cache
def _vocabulary_labels() -> dict[str, str]:
    """Return the labels of the vocabulary's own terms (urgency levels, classes), read by Oxigraph."""
    import pyoxigraph as ox

    from graph.store.data import data_dir
    from graph.store.oxigraph import read_turtle

    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    ontology = read_turtle(data_dir() / "ontology.ttl")
    return {
        t.subject.value: t.object.value
        for t in ontology.quads_for_pattern(None, label, None)
        if isinstance(t.subject, ox.NamedNode)
    }


def labeller(index: LabelIndex) -> Callable[[URIRef], str]:
    """Return the label function of answers: an entity's label, a vocabulary term's, or the IRI's end.

    >>> labeller(kg.index)(BSO.EmergencyRoom), labeller(kg.index)(kg.index.resolve("Tylenol"))
    ('go to the emergency room', 'acetaminophen')
    """
    vocabulary = _vocabulary_labels()

    def label(iri: URIRef) -> str:
        return index.labels.get(iri) or vocabulary.get(str(iri)) or index.label(iri)

    return label


def parse_params(pairs: list[str]) -> dict[str, str]:
    """Read ``NAME=VALUE`` pairs (``--param``, ``%%sparql --param``) into a dict, or a one-line error.

    >>> parse_params(["condition=back spasm"])
    {'condition': 'back spasm'}
    """
    params: dict[str, str] = {}
    for pair in pairs:
        name, equals, value = pair.partition("=")
        if not equals or not name.strip():
            raise QueryError(f"--param {pair!r}: write NAME=VALUE")
        params[name.strip()] = value
    return params


def run(store: Store, name_or_text: str, timeout: float | None = None, **params: Any) -> Answer:
    """Run a named query or query text on a store and return its :class:`~graph.query.results.Answer`.

    >>> run(OxigraphStore.of(kg), "SELECT (COUNT(*) AS ?n) WHERE { ?s a bso:Source }").rows[0][0]
    rdflib.term.Literal('5', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#integer'))
    """
    text = name_or_text.strip()
    if _NAME.fullmatch(text):
        named = _named(text)
        return store.execute(named.text, bind(named, None, params, lookup_of(store)), timeout)
    check_structure(name_or_text)  # nesting or chains deep enough to crash the engine
    query = prepare(name_or_text)  # the guard's one parse of a user's text
    refuse_network(query.algebra, store.local_graphs())
    return store.execute(name_or_text, bind(None, query, params, lookup_of(store)), timeout)


def sparql(
    kg: KnowledgeGraph,
    name_or_text: str,
    *,
    store: Store | None = None,
    timeout: float | None = None,
    **params: Any,
) -> pd.DataFrame:
    """Run a named query or SPARQL text and return a DataFrame with a label column beside each IRI column.

    Parameters
    ----------
    kg
        The loaded graph (queried in memory unless ``store`` is given).
    name_or_text
        A named query (``bskg query --list``) or SPARQL text; the project's prefixes are predefined.
    store
        Another store to query (see :func:`graph.query.stores.open_store`).
    timeout
        Seconds before the query is stopped (default :func:`graph.query.guard.get_time_limit`).
    **params
        Values for the query's parameters, bound, never formatted into the text.

    Raises
    ------
    graph.core.errors.QueryError
        Invalid SPARQL (with position), an unknown query or parameter, a refused clause, a timeout.
    graph.core.errors.UnknownEntity
        An entity parameter that names nothing.

    Examples
    --------
    >>> frame = sparql(kg, "treatments_for", cause="dehydration")
    >>> "staying hydrated" in set(frame["treatment_label"])
    True
    """
    target = store if store is not None else OxigraphStore.of(kg)
    answer = run(target, name_or_text, timeout=timeout, **params)
    return to_frame(answer, labeller(answer_index(target, answer)))
