"""What a reader needs to weigh an answer, in every CLI output: the sources by title and address,
what each number counts, empty answers that do not read as facts, every urgency a sign is given,
and disputed claims marked wherever they are shown."""

from __future__ import annotations

import json
import re

import pytest
from rdflib import URIRef

from graph.cli import main
from graph.core.model import KnowledgeGraph
from graph.core.vocab import ONTOLOGY
from graph.questions.frames import answer_dict, path_cited_by, path_support
from graph.questions.sources import count_words, disputes, level_named, sources, urgency_levels
from graph.questions.traverse import red_flags, treatments_for

from .conftest import MINI


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# ------------------------------------------------------------------------- sources by title


def test_sources_lists_every_source_the_graph_records(
    capsys: pytest.CaptureFixture[str], kg: KnowledgeGraph
) -> None:
    code, out, _ = run(capsys, "sources", "--json")
    rows = json.loads(out)
    assert code == 0 and [r["id"] for r in rows] == sorted(sources(kg))
    assert set(rows[0]) == {"id", "title", "publisher", "address", "file", "lines"}
    # what data/sources.ttl records shows, whatever it is
    for row in rows:
        known = sources(kg)[row["id"]]
        assert (row["title"], row["publisher"], row["address"]) == (
            known.title,
            known.publisher,
            known.address,
        )
    code, out, _ = run(capsys, "sources")
    titled = [r for r in rows if r["title"]]
    assert titled and all(r["title"] in out for r in titled)


def test_a_fixture_without_titles_still_names_its_sources(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--data", str(MINI), "sources")
    assert code == 0 and re.search(r"^000\s+-\s+-\s+-\s+000_mini.txt", out, re.M)


def test_show_names_its_sources_and_marks_disputed_claims(
    capsys: pytest.CaptureFixture[str], kg: KnowledgeGraph
) -> None:
    code, out, _ = run(capsys, "show", "acetaminophen")
    assert code == 0
    table = out.split("\n\n")[1].splitlines()
    assert "[disputed: acetaminophen_nsaid]" in next(
        line for line in table if re.search(r"memberOf\s+NSAID", line)
    )
    assert "disputed" not in next(line for line in table if "over-the-counter pain reliever" in line)
    cited = set(re.findall(r"\b(\d{3}):\d+", out))
    for ident in cited:
        assert f"  {sources(kg)[ident].describe()}" in out
    code, out, _ = run(capsys, "show", "acetaminophen", "--json")
    card = json.loads(out)
    disputed = {(r["predicate"], r["object"]["label"]): r["disputed"] for r in card["relations"]}
    assert disputed[("memberOf", "NSAID")] == ["acetaminophen_nsaid"]
    assert disputed[("memberOf", "over-the-counter pain reliever")] == []
    assert {s["id"] for s in card["sources"]} == cited
    assert all(r["support"] == len({e["source"] for e in r["evidence"]}) for r in card["relations"])


# ------------------------------------------------------------- what each number counts


@pytest.mark.parametrize("cause", ["dehydration", "stress", "poor posture", "back spasm"])
def test_support_and_cited_by_agree_on_one_hop_paths(kg: KnowledgeGraph, cause: str) -> None:
    """Both numbers are about the best path: for a single relation they are the same sources."""
    for answer in treatments_for(kg, cause):
        data = answer_dict(kg, answer)
        best = answer.paths[0]
        assert data["support"] == path_support(best) and data["best_path_cited_by"] == path_cited_by(best)
        assert data["support"] <= len(data["best_path_cited_by"])
        if len(best) == 1:
            assert data["support"] == len(data["best_path_cited_by"])
        assert [p["support"] for p in data["path_support"]] == [path_support(p) for p in answer.paths]


def test_the_table_says_what_its_numbers_count(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "treatments", "dehydration")
    assert code == 0
    assert "support = distinct sources behind the best path" in out
    assert "cited by = the sources citing any line of the best path" in out
    # staying hydrated: one relation, from one source, and the table cites that one source
    row = next(line for line in out.splitlines() if line.startswith("1 "))
    assert row.split()[2] == "1" and row.split()[-1] == "000" and "staying hydrated" in row


def test_the_footer_is_a_legend_of_the_sources_cited(
    capsys: pytest.CaptureFixture[str], kg: KnowledgeGraph
) -> None:
    code, out, _ = run(capsys, "members", "NSAID")
    table = out.split("\n\n")[0]
    cited = {
        ident for line in table.splitlines()[2:] for ident in line.split() if re.fullmatch(r"\d{3}", ident)
    }
    legend = re.findall(r"^  (\d{3}) = ", out, re.M)
    assert code == 0 and cited and set(legend) == cited


# ----------------------------------------------------------------------- empty answers


def test_an_empty_answer_says_the_sources_name_none(
    capsys: pytest.CaptureFixture[str], kg: KnowledgeGraph
) -> None:
    code, out, _ = run(capsys, "side-effects", "ibuprofen")
    assert code == 0 and "no side effect" not in out
    assert out.startswith(f"none of {count_words(kg)} names a side effect of ibuprofen")
    assert count_words(kg) == f"the {['', 'one', 'two', 'three', 'four', 'five'][len(sources(kg))]} articles"
    code, out, _ = run(capsys, "--data", str(MINI), "side-effects", "ibuprofen")
    assert out.startswith("none of the two articles names a side effect of ibuprofen")


# --------------------------------------------------------------------------- red flags


def _levels(kg: KnowledgeGraph, out: str) -> dict[str, list[tuple[str, str]]]:
    """Read the red-flags table: each sign's urgency levels and the sources rating it so."""
    labels = sorted((level.label for level in urgency_levels(kg)), key=len, reverse=True)
    found: dict[str, list[tuple[str, str]]] = {}
    sign = ""
    for line in out.split("\n\n")[0].replace(" [disputed]", "").splitlines()[2:]:
        level = next(label for label in labels if f"  {label}  " in line)
        before, after = line.split(f"  {level}  ", 1)
        if before.strip():
            sign = re.sub(r"^\d+\s+[\d.]+\s+\d+\s+", "", before.strip()).replace(" [disputed]", "").strip()
        found.setdefault(sign, []).append(
            (level, " ".join(re.findall(r"^((?:\d{3} )*\d{3})", after.strip())[:1]))
        )
    return found


def test_red_flags_show_every_level_a_source_gives(
    capsys: pytest.CaptureFixture[str], kg: KnowledgeGraph
) -> None:
    code, out, _ = run(capsys, "red-flags")
    shown = _levels(kg, out)
    expected = {r.label: r.urgency for r in red_flags(kg)}
    assert code == 0 and set(shown) == set(expected)
    twice = [sign for sign, levels in expected.items() if len(levels) > 1]
    assert twice, "some sign is rated differently by two sources"
    for sign, levels in expected.items():
        assert [label for label, _ in shown[sign]] == [u["label"] for u in levels]  # most urgent first
        for (_, rated), level in zip(shown[sign], levels, strict=True):
            assert rated == " ".join(sorted({s for s, _ in level["evidence"]}))
    code, out, _ = run(capsys, "red-flags", "--json")
    for answer in json.loads(out):
        for level in answer["urgency"]:
            assert level["sources"] == sorted({e["source"] for e in level["evidence"]})
            claim = (URIRef(answer["id"]), URIRef(ONTOLOGY + "urgency"), URIRef(ONTOLOGY + level["level"]))
            assert level["disputed"] == [d.id for d in disputes(kg).get(claim, ())]
    disputed = {(s, o) for s, p, o in disputes(kg) if str(p) == ONTOLOGY + "urgency"}
    assert disputed, "some urgency level is disputed"
    _, out, _ = run(capsys, "red-flags")
    levels = {level.name: level.label for level in urgency_levels(kg)}
    for _sign, level in disputed:
        row = f"{levels[str(level).rsplit('#', 1)[-1]]} [disputed]"
        assert row in out


@pytest.mark.parametrize(
    "name", ["EmergencyRoom", "emergency room", "go to the emergency room", "emergency_room"]
)
def test_urgency_asks_which_signs_need_the_emergency_room(
    capsys: pytest.CaptureFixture[str], kg: KnowledgeGraph, name: str
) -> None:
    code, out, _ = run(capsys, "red-flags", "--urgency", name, "--json")
    wanted = level_named(kg, "EmergencyRoom").rank
    expected = [r.label for r in red_flags(kg) if any(u["rank"] <= wanted for u in r.urgency)]
    assert code == 0 and [a["label"] for a in json.loads(out)] == expected
    assert 0 < len(expected) < len(red_flags(kg))


def test_an_unknown_urgency_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "red-flags", "--urgency", "soonish")
    assert code == 2 and out == "" and err.count("\n") == 1
    assert "CallEmergencyServices" in err and "SeeDoctor" in err


# ------------------------------------------------------------------- disputed claims


def _disputed_relations(kg: KnowledgeGraph) -> list[tuple[URIRef, str, URIRef, str]]:
    found = []
    for (s, p, o), which in disputes(kg).items():
        if isinstance(o, URIRef) and isinstance(s, URIRef) and o in kg.index.types:
            found += [(s, str(p).rsplit("#", 1)[-1], o, d.id) for d in which]
    return found


def test_every_disputed_relation_is_marked_in_show(
    capsys: pytest.CaptureFixture[str], kg: KnowledgeGraph
) -> None:
    claims = _disputed_relations(kg)
    assert claims
    for subject, predicate, obj, ident in claims:
        _, out, _ = run(capsys, "show", str(subject), "--json")
        relation = next(
            r
            for r in json.loads(out)["relations"]
            if (r["subject"]["id"], r["predicate"], r["object"]["id"]) == (str(subject), predicate, str(obj))
        )
        assert ident in relation["disputed"]


def test_disputed_hops_are_marked_in_path_and_tables(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "path", "herniated disc", "heat therapy")
    assert code == 0 and "[disputed: herniated_disc_cause_vs_mimic]" in out
    assert "herniated_disc_cause_vs_mimic = " in out
    code, out, _ = run(capsys, "path", "herniated disc", "heat therapy", "--json")
    assert "herniated_disc_cause_vs_mimic" in json.loads(out)[0]["disputed"]
    code, out, _ = run(capsys, "members", "NSAID")
    row = next(line for line in out.splitlines() if " acetaminophen " in line)
    assert "[disputed]" in row and "acetaminophen_nsaid = " in out
    assert "[disputed]" not in next(line for line in out.splitlines() if " ibuprofen " in line)
    code, out, _ = run(capsys, "members", "NSAID", "--json")
    by_label = {a["label"]: a for a in json.loads(out)}
    assert by_label["acetaminophen"]["disputed"] == ["acetaminophen_nsaid"]
    assert by_label["ibuprofen"]["disputed"] == []
