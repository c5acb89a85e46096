"""graph.query.run and `bskg query`: DataFrames with labels, bound values, the safe engine, formats, CLI."""

from __future__ import annotations

import http.server
import io
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Literal, URIRef

from graph.cli import main
from graph.core.errors import GraphError, QueryError, UnknownEntity
from graph.core.model import KnowledgeGraph
from graph.core.vocab import BS
from graph.query.guard import get_time_limit, network_keywords, set_time_limit
from graph.query.results import iris
from graph.query.run import load_queries, named_queries, run, sparql
from graph.query.stores import OxigraphStore
from graph.query.worker import Worker
from graph.query.workers import Request

DATA = Path(__file__).parent / "data"
MINI = DATA / "mini"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
HOSTILE = ['x" } UNION { ?s ?p ?o } #', "'; DROP ALL; '", "} UNION {", '"""', "\\", "<http://e/>", "?s"]


# ---------------------------------------------------------------- DataFrames and parameters


def test_dataframe_puts_labels_first_and_entities_as_curies(mini: KnowledgeGraph) -> None:
    frame = sparql(mini, "causes", condition="back spasm")
    assert list(frame.columns) == [
        "cause_label",
        "condition_label",
        "cause",
        "condition",
        "support",
        "evidence",
    ]
    assert frame["cause_label"].tolist() == ["dehydration", "poor posture", "stress"]
    assert frame["support"].tolist() == [2, 1, 1]
    assert str(frame["support"].dtype) == "int64"
    assert frame["cause"].iloc[0] == "bs:dehydration"
    assert not any(str(value).startswith("http") for column in frame for value in frame[column])
    assert iris(frame, "cause").iloc[0] == str(BS.dehydration)
    assert iris(frame.head(1), "condition").tolist() == [str(BS.back_spasm)]  # attrs follow slices


def test_integers_stay_integers_when_some_are_unbound(mini: KnowledgeGraph) -> None:
    frame = sparql(
        mini,
        "SELECT ?cause ?n WHERE { ?cause bso:causes bs:back_spasm "
        "OPTIONAL { FILTER(?cause = bs:dehydration) BIND(159 AS ?n) } } ORDER BY ?cause",
    )
    assert str(frame["n"].dtype) == "Int64"
    assert frame["n"].iloc[0] == 159 and "159.0" not in frame.to_string()
    assert frame["n"].isna().tolist() == [False, True, True]


def test_construct_frame_reads_as_labelled_triples(mini: KnowledgeGraph) -> None:
    frame = sparql(mini, "CONSTRUCT { ?d bso:memberOf ?c } WHERE { ?d bso:memberOf ?c }")
    assert list(frame.columns)[:3] == ["subject_label", "predicate_label", "object_label"]
    assert frame.iloc[1][["subject_label", "predicate_label", "object_label", "predicate"]].tolist() == [
        "ibuprofen",
        "member of",
        "NSAID",
        "bso:memberOf",
    ]


def test_kg_sparql_method_and_query_text(mini: KnowledgeGraph) -> None:
    frame = sparql(mini, "SELECT ?drug WHERE { ?drug bso:memberOf ?class }", **{"class": "NSAIDs"})
    assert frame["drug_label"].tolist() == ["ibuprofen"]


def test_entity_parameters_take_any_name(mini: KnowledgeGraph) -> None:
    by_misspelling = sparql(mini, "relations", subject="ibuprofin")
    by_brand = sparql(mini, "relations", subject="Advil")
    assert by_misspelling.equals(by_brand)
    assert set(by_brand["predicate"]) == {"bso:treats", "bso:memberOf"}


def test_unknown_entity_parameter_suggests(mini: KnowledgeGraph) -> None:
    assert sparql(mini, "relations", subject="ibuprofan").equals(
        sparql(mini, "relations", subject="ibuprofen")
    )
    with pytest.raises(UnknownEntity, match="no entity matches 'ibuprofen tablets'; did you mean: ibuprofen"):
        sparql(mini, "relations", subject="ibuprofen tablets")


def test_relation_parameter(mini: KnowledgeGraph) -> None:
    frame = sparql(mini, "evidence", subject="dehydration", predicate="bso:causes")
    assert frame[["source", "line"]].values.tolist() == [["000", 2], ["001", 2]]
    with pytest.raises(QueryError, match="'cuses' is not a relation of the vocabulary; did you mean: causes"):
        sparql(mini, "evidence", predicate="cuses")


def test_integer_and_text_parameters(mini: KnowledgeGraph, tmp_path: Path) -> None:
    (tmp_path / "lines.rq").write_text(
        "# title: t\n# question: q\n# param line (integer): a line\n# param name (text): a name\n"
        "# columns: s, line, name\n"
        "SELECT ?s ?line ?name WHERE { ?e bso:line ?line ; rdf:subject ?s . ?s rdfs:label ?name }\n"
    )
    query = load_queries(tmp_path)["lines"]
    from graph.query.run import bind

    bound = bind(query, None, {"line": " 4 ", "name": "ibuprofen"}, mini.index)
    assert bound == {"line": Literal(4), "name": Literal("ibuprofen", lang="en")}
    answer = OxigraphStore.of(mini).execute(query.text, bound, 10)
    assert answer.rows[0][0] == BS.ibuprofen
    with pytest.raises(QueryError, match="parameter line: expected an integer, got 'four'"):
        bind(query, None, {"line": "four"}, mini.index)


def test_parameter_errors(mini: KnowledgeGraph) -> None:
    with pytest.raises(QueryError, match=r"causes has no parameter 'cause' \(parameters: condition\)"):
        sparql(mini, "causes", cause="stress")
    with pytest.raises(QueryError, match="connected_treatments needs a value for entity"):
        sparql(mini, "connected_treatments")
    with pytest.raises(QueryError, match="no named query 'cuases'; did you mean: causes"):
        sparql(mini, "cuases")
    with pytest.raises(QueryError, match=r"cannot bind \?nope: the query has no triple pattern with \?nope"):
        sparql(mini, "SELECT ?s WHERE { ?s a bso:Cause }", nope="x")


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_values_match_nothing_and_change_nothing(mini: KnowledgeGraph, value: str) -> None:
    size = len(mini.rdf)
    assert sparql(mini, "by_name", name=value).empty
    assert sparql(mini, "SELECT ?s WHERE { ?s rdfs:label ?l }", l=Literal(value)).empty
    with pytest.raises(UnknownEntity):
        sparql(mini, "causes", condition=value + " zzzz qqqq")
    assert len(mini.rdf) == size
    assert not sparql(mini, "causes").empty


def test_named_queries_never_read_negative_claims_as_positive(mini: KnowledgeGraph) -> None:
    assert "bed rest" not in set(sparql(mini, "treatments_for", cause="dehydration")["treatment_label"])
    assert "bed rest" not in set(sparql(mini, "best_supported_treatments")["treatment_label"])
    assert sparql(mini, "negative_claims")["subject_label"].tolist() == ["bed rest"]


# ---------------------------------------------------------------- the bundled graph, checked against sources


def test_tylenol_is_acetaminophen(kg: KnowledgeGraph) -> None:
    assert sparql(kg, "what_is", entity="Tylenol")["label"].tolist() == ["acetaminophen"]
    assert sparql(kg, "by_name", name="Tylenol")["entity_label"].tolist() == ["acetaminophen"]


def test_staying_hydrated_targets_dehydration(kg: KnowledgeGraph) -> None:
    frame = sparql(kg, "treatments_for", cause="dehydration")
    first = frame[frame["hops"] == 1]
    assert first["treatment_label"].tolist() == ["staying hydrated"]
    assert first["path"].tolist() == ["staying hydrated -targets-> dehydration"]


def test_stress_causes_back_spasms_on_these_lines(kg: KnowledgeGraph) -> None:
    frame = sparql(kg, "evidence", subject="stress", predicate="causes", object="back spasm")
    lines = set(zip(frame["source"], frame["line"], strict=True))
    # 000:15 "cramp due to tension and/or stress" (heading 000:14 is context), 002:22 "stress can tense"
    assert {("000", 15), ("002", 22)} <= lines


def test_bundled_answers_match_the_sources(kg: KnowledgeGraph) -> None:
    causes = set(sparql(kg, "causes", condition="back spasm")["cause_label"])
    assert {"dehydration", "stress", "poor posture"} <= causes
    radiating = set(sparql(kg, "radiating_symptoms", symptom="back spasm")["region_label"])
    assert {"leg", "hip"} <= radiating  # 002:11 "spreads to ... the legs or hips"
    assert {"athletes", "people who lift heavy objects"} <= set(sparql(kg, "risk_groups")["group_label"])
    assert "spinal stenosis" in set(sparql(kg, "mimics", condition="back spasm")["mimic_label"])  # 002:35
    nsaids = sparql(kg, "class_members", drug_class="NSAID").set_index("medication_label")
    assert {"ibuprofen", "acetaminophen"} <= set(nsaids.index)  # 000:61
    assert bool(nsaids.loc["acetaminophen", "contested"]) and not bool(nsaids.loc["ibuprofen", "contested"])
    flags = sparql(kg, "red_flags", condition="back spasm")
    assert "loss of bladder or bowel control" in set(flags["flag_label"])  # 002:44-45
    assert flags["rank"].is_monotonic_increasing
    assert len(sparql(kg, "disagreements")) >= 2


# ---------------------------------------------------------------- the safe engine


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802
        self.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/turtle")
        self.end_headers()
        self.wfile.write(b"<http://e/s> <http://e/p> <http://e/o> .")

    do_POST = do_GET  # noqa: N815

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        return


@pytest.fixture
def listener() -> Iterator[str]:
    """A loopback HTTP server that records every request: the network a query must never reach."""
    _Recorder.hits = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("SELECT * FROM <{u}> WHERE {{ ?s ?p ?o }}", "FROM <{u}> is refused"),
        ("SELECT * FROM NAMED <{u}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}", "FROM NAMED <{u}> is refused"),
        ("SELECT * WHERE {{ SERVICE <{u}> {{ ?s ?p ?o }} }}", "SERVICE <{u}> is refused"),
        ("SELECT * WHERE {{ ?x a bso:Cause OPTIONAL {{ SERVICE SILENT <{u}> {{ ?x ?p ?o }} }} }}", "SERVICE"),
        ("ASK {{ {{ SELECT * WHERE {{ SERVICE <{u}> {{ ?s ?p ?o }} }} }} }}", "SERVICE"),
        ("LOAD <{u}>", "updates are refused"),
        ("INSERT DATA {{ <{u}> <{u}> <{u}> }}", "updates are refused"),
        ("DELETE WHERE {{ ?s ?p ?o }}", "updates are refused"),
    ],
)
def test_queries_never_reach_the_network(
    mini: KnowledgeGraph, listener: str, template: str, message: str
) -> None:
    size = len(mini.rdf)
    with pytest.raises(QueryError, match=message.format(u=listener).replace("?", r"\?")):
        sparql(mini, template.format(u=listener))
    assert _Recorder.hits == [] and len(mini.rdf) == size


def test_the_cli_refuses_with_one_line(listener: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["--data", str(MINI), "query", f"SELECT * WHERE {{ SERVICE <{listener}> {{ ?s ?p ?o }} }}"]) == 2
    )
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "SERVICE" in err and _Recorder.hits == []


def test_a_runaway_query_is_stopped(mini: KnowledgeGraph) -> None:
    threads = threading.active_count()
    started = time.monotonic()
    with pytest.raises(QueryError, match="ran for more than 0.5 s and was stopped"):
        sparql(mini, RUNAWAY, timeout=0.5)
    assert time.monotonic() - started < 20
    assert threading.active_count() == threads  # the worker that ran the query has ended
    assert not sparql(mini, "causes").empty  # and the engine still answers


def test_the_default_time_limit_is_settable(mini: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("graph.query.guard._limit", [])
    monkeypatch.setenv("BSKG_QUERY_TIMEOUT", "0.4")
    assert get_time_limit() == 0.4
    set_time_limit(0.3)
    assert get_time_limit() == 0.3
    with pytest.raises(QueryError, match="more than 0.3 s"):
        sparql(mini, RUNAWAY)
    with pytest.raises(QueryError, match="positive"):
        set_time_limit(0)


def test_one_worker_answers_many_calls_and_is_replaced_after_a_timeout(mini: KnowledgeGraph) -> None:
    worker = Worker(mini.store)
    first = worker._start() and worker._pid
    for number in range(50):
        reply = worker.call(Request(f"SELECT ({number} AS ?n) {{}}"), 5)
        assert f'"value":"{number}"'.encode() in reply.body
    assert worker._pid == first  # one child answered them all
    with pytest.raises(QueryError, match="was stopped"):
        worker.call(Request(RUNAWAY), 0.3)
    assert first is not None and not Path(f"/proc/{first}").exists()  # killed and reaped
    assert worker.call(Request("ASK {}"), 5).body == b'{"head":{},"boolean":true}'  # a new child answers
    assert worker._pid != first
    worker.close()


def test_the_cli_timeout_option(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--data", str(MINI), "query", RUNAWAY, "--timeout", "0.3"]) == 2
    assert "was stopped" in capsys.readouterr().err


def test_network_keywords_ignore_strings_iris_and_variables() -> None:
    assert network_keywords('SELECT ?service WHERE { ?s <http://e/SERVICE> "SERVICE" } # SERVICE') == []
    assert network_keywords("SELECT * { \\u0053ERVICE <http://x/> { ?s ?p ?o } }") == ["SERVICE"]
    assert network_keywords("select * { service <x> {} }") == ["SERVICE"]


# ---------------------------------------------------------------- `bskg query`


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["--data", str(MINI), "query", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_table_shows_labels(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "causes", "--param", "condition=spasm")
    assert code == 0
    assert out.splitlines()[0].split() == ["cause", "condition", "support", "evidence"]
    assert "dehydration   back spasm  2" in out and "https://" not in out


def test_cli_json_is_w3c_results(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "mimics", "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["head"]["vars"] == ["mimic", "condition", "support", "evidence"]
    row = data["results"]["bindings"][0]
    assert row["mimic"] == {"type": "uri", "value": str(BS.kidney_stones)}
    assert row["support"] == {
        "type": "literal",
        "value": "1",
        "datatype": "http://www.w3.org/2001/XMLSchema#integer",
    }


def test_cli_csv_and_tsv(capsys: pytest.CaptureFixture[str]) -> None:
    _, csv_out, _ = _run(capsys, "red_flags", "-f", "csv")
    assert csv_out.splitlines()[0] == "flag,condition,urgency,rank,evidence"
    assert csv_out.endswith("\r\n")
    _, tsv_out, _ = _run(capsys, "red_flags", "-f", "tsv")
    assert tsv_out.splitlines()[0] == "?flag\t?condition\t?urgency\t?rank\t?evidence"
    assert f"<{BS.loss_of_bladder_control}>" in tsv_out and '"000:7"' in tsv_out


def test_cli_ask_construct_and_describe(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "ASK { bs:stress bso:causes bs:back_spasm }")
    assert (code, out) == (0, "true\n")
    code, out, _ = _run(capsys, "ASK { bs:stress bso:causes bs:back_spasm }", "-f", "json")
    assert json.loads(out) == {"head": {}, "boolean": True}
    code, out, _ = _run(
        capsys, "CONSTRUCT { ?c bso:causes bs:back_spasm } WHERE { ?c bso:causes bs:back_spasm }"
    )
    assert code == 0 and "@prefix bs:" in out and "bs:stress bso:causes bs:back_spasm" in out
    code, out, _ = _run(capsys, "DESCRIBE bs:stress", "-f", "json")
    assert code == 0 and 'rdfs:label "stress"@en' in out


def test_cli_file_and_stdin(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    file = tmp_path / "mine.rq"
    file.write_text("SELECT ?t WHERE { ?t bso:targets ?cause }\n")
    code, out, _ = _run(capsys, str(file), "-p", "cause=dehydration")
    assert code == 0 and "drinking water" in out
    monkeypatch.setattr("sys.stdin", io.StringIO("SELECT ?m WHERE { ?m bso:mimics ?c }"))
    code, out, _ = _run(capsys, "-")
    assert code == 0 and "kidney stones" in out


def test_cli_list(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "--list")
    assert code == 0 and "treatments_for" in out and "2. Which treatments are linked to dehydration?" in out
    code, out, _ = _run(capsys, "--list", "-f", "json")
    listed = {q["name"]: q for q in json.loads(out)}
    assert set(listed) == set(named_queries())
    assert listed["treatments_for"]["params"] == [
        {
            "name": "cause",
            "kind": "entity",
            "required": False,
            "help": listed["treatments_for"]["params"][0]["help"],
        }
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["SELECT * WHERE { ?s ?p }"], "invalid SPARQL at line 1, column"),
        (["causes", "-p", "condition=tylenl zzz"], "no entity matches"),
        (["causes", "-p", "condition"], "write NAME=VALUE"),
        ([], "name a query"),
        (["nosuchquery"], "no named query 'nosuchquery'"),
        (["/no/such/file.rq"], "cannot read /no/such/file.rq"),
        (["causes", "--store", "oxigraph:/no/such/folder"], "no Oxigraph store at"),
    ],
)
def test_cli_errors_are_one_line_with_exit_2(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, _, err = _run(capsys, *args)
    assert code == 2 and err.startswith("bskg: error: ") and message in err and err.count("\n") == 1


# ---------------------------------------------------------------- twins in graph.questions.traverse


TWINS = [
    ("treatments_for", "cause", "dehydration", "treatments_for", "treatment"),
    ("mimics", "condition", "back spasm", "mimics", "mimic"),
    ("preventions", "condition", "back spasm", "preventions_for", "prevention"),
    ("symptoms", "condition", "back spasm", "symptoms_of", "symptom"),
    ("conditions_with_symptom", "symptom", "back spasm", "conditions_with_symptom", "condition"),
    ("side_effects", "drug", "ibuprofen", "side_effects", "effect"),
    ("class_members", "drug_class", "NSAID", "members", "medication"),
    ("red_flags", "condition", "back spasm", "red_flags", "flag"),
]


@pytest.mark.parametrize(("query", "param", "value", "function", "column"), TWINS)
def test_named_query_and_networkx_twin_agree(
    kg: KnowledgeGraph, query: str, param: str, value: str, function: str, column: str
) -> None:
    traverse = pytest.importorskip("graph.questions.traverse")
    params: dict[str, Any] = {param: value}
    frame = sparql(kg, query, **params)
    twin = getattr(traverse, function)(kg, value)
    assert set(iris(frame, column)) == {str(r.iri) for r in twin}


def test_most_connected_and_best_supported_agree_with_networkx(kg: KnowledgeGraph) -> None:
    traverse = pytest.importorskip("graph.questions.traverse")
    frame = sparql(kg, "most_connected")
    degrees = dict(zip(iris(frame, "entity"), frame["degree"], strict=True))
    for ranked in traverse.most_connected(kg, n=10):
        assert degrees[str(ranked.iri)] == kg.nx.degree(ranked.iri)
    best = sparql(kg, "best_supported_treatments")
    support = dict(zip(iris(best, "treatment"), best["support"], strict=True))
    for ranked in traverse.best_supported_treatments(kg, n=10):
        assert support[str(ranked.iri)] == ranked.support


def test_connected_treatments_agree_with_the_networkx_shortest_path(kg: KnowledgeGraph) -> None:
    traverse = pytest.importorskip("graph.questions.traverse")
    frame = sparql(kg, "connected_treatments", entity="herniated disc")
    assert not frame.empty
    for treatment, hops in set(zip(iris(frame, "treatment"), frame["hops"], strict=True)):
        assert len(traverse.path(kg, "herniated disc", URIRef(treatment))) == hops


# ---------------------------------------------------------------- property-based: any text, no crash


PARAMETERS = [(name, p.name) for name, q in sorted(named_queries().items()) for p in q.params]


@pytest.mark.parametrize(("name", "param"), PARAMETERS)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=40))
def test_any_text_at_any_parameter_is_an_answer_or_a_graph_error(
    mini: KnowledgeGraph, name: str, param: str, text: str
) -> None:
    size = len(mini.rdf)
    try:
        params: dict[str, Any] = {param: text}
        frame = sparql(mini, name, **params)
    except GraphError as error:
        assert str(error) and "\n" not in str(error)
    else:
        first = named_queries()[name].columns[0]
        assert list(frame.columns)[0] in (first, f"{first}_label")  # labels lead when there are rows
    assert len(mini.rdf) == size


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=60))
def test_any_text_at_bskg_find_is_handled(capsys: pytest.CaptureFixture[str], text: str) -> None:
    assert main(["--data", str(MINI), "find", "--", text]) in (0, 2)
    out, err = capsys.readouterr()
    assert "Traceback" not in err


@settings(max_examples=40, deadline=None)
@given(text=st.text(max_size=80))
def test_any_text_as_a_query_is_an_answer_or_a_query_error(text: str) -> None:
    from graph import load

    kg = _MINI_CACHE.setdefault("kg", load(MINI))
    try:
        run(OxigraphStore.of(kg), text, timeout=5)
    except GraphError as error:
        assert str(error)


_MINI_CACHE: dict[str, KnowledgeGraph] = {}


def test_iri_parameters_are_used_as_given(mini: KnowledgeGraph) -> None:
    frame = sparql(mini, "mimics", condition=URIRef(BS.back_spasm))
    assert frame["mimic_label"].tolist() == ["kidney stones"]
