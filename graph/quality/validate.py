"""Validating a graph: SHACL shapes, a closed vocabulary, and evidence checked against the sources.

The shapes (``data/shapes.ttl``) cover structure: labels, classes, domains and ranges,
evidence for every relation, and lines within each source's length. The checks here cover
what SHACL cannot see: that the cited line of the source file names the subject or the
object, that a hedged claim's lines hold a hedge word and an urgency claim's lines word its
level (:mod:`graph.quality.wording`), that every ``bso:`` term is declared, and that each
source file is where the graph says and as long as it says.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import RDF, SH, BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV
from rdflib.term import Node

from graph.core.model import KnowledgeGraph
from graph.core.text import mentions
from graph.core.vocab import BS, BSO, as_int, local_name
from graph.quality.wording import wording_problems
from graph.store.data import data_dir, turtle_graph
from graph.store.progress import step

__all__ = ["Report", "Violation", "find_sources", "validate"]

_SOURCES_ENV = "BSKG_SOURCES"


@dataclass(frozen=True)
class Violation:
    """One problem found in the graph, as a readable line."""

    focus: str
    path: str
    message: str
    check: str
    iri: str = ""

    def __str__(self) -> str:
        where = f"{self.focus} · {self.path}" if self.path else self.focus
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class Report:
    """The outcome of :func:`validate`."""

    violations: tuple[Violation, ...]
    sources: Path | None
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def conforms(self) -> bool:
        """True when no check found a problem."""
        return not self.violations

    def as_dict(self) -> dict[str, object]:
        """Return the report as plain data, the shape of ``bskg validate --json``."""
        return {
            "conforms": self.conforms,
            "sources": str(self.sources) if self.sources else None,
            "counts": dict(self.counts),
            "violations": [
                {"focus": v.focus, "iri": v.iri, "path": v.path, "message": v.message, "check": v.check}
                for v in self.violations
            ],
        }


def find_sources(explicit: str | Path | None = None) -> Path | None:
    """Return the folder of source texts: ``explicit``, ``$BSKG_SOURCES``, or ``../shared/seeds``.

    The default is looked for beside the checkout and beside the current directory;
    ``None`` means no source texts are at hand, and line texts are not checked.
    """
    if explicit is not None:
        return Path(explicit)
    if os.environ.get(_SOURCES_ENV):
        return Path(os.environ[_SOURCES_ENV])
    checkout = data_dir().resolve().parent
    for candidate in (checkout.parent / "shared" / "seeds", Path.cwd().parent / "shared" / "seeds"):
        if candidate.is_dir():
            return candidate
    return None


def validate(
    kg: KnowledgeGraph,
    sources: str | Path | None = None,
    shapes: str | Path | None = None,
    check_lines: bool = True,
) -> Report:
    """Check a graph against the shapes, the vocabulary and the source texts.

    Parameters
    ----------
    kg
        The graph to check.
    sources
        Folder of the source texts (default: see :func:`find_sources`).
    shapes
        SHACL shapes file (default: the bundled ``shapes.ttl``).
    check_lines
        Compare each evidence node with its source line when the texts are found.

    Examples
    --------
    >>> report = validate(kg)
    >>> report.conforms, report.counts["evidence"] > 100
    (True, True)
    """
    import pyshacl

    shapes_graph = turtle_graph(Path(shapes) if shapes else data_dir() / "shapes.ttl")
    with step("checking the shapes (SHACL)"):
        conforms, results, _ = pyshacl.validate(
            kg.rdf, shacl_graph=shapes_graph, inference="none", advanced=True, allow_warnings=True
        )
    violations = [] if conforms else list(_shacl_violations(kg, results))
    violations += _vocabulary_violations(kg)
    folder = find_sources(sources) if check_lines else None
    counts = {
        "triples": len(kg.rdf),
        "entities": len(kg.index.types),
        "evidence": sum(1 for _ in kg.rdf.subjects(RDF.type, RDF.Statement)),
        "lines_checked": 0,
    }
    if folder is not None:
        with step("checking the cited lines"):
            line_violations, checked = _line_violations(kg, folder)
        violations += line_violations
        counts["lines_checked"] = checked
    violations.sort(key=lambda v: (v.check, v.focus, v.path, v.message))
    return Report(tuple(violations), folder, counts)


def _describe(kg: KnowledgeGraph, node: Node) -> str:
    if isinstance(node, URIRef) and (node, RDF.type, RDF.Statement) in kg.rdf:
        return _evidence_name(kg, node)
    if isinstance(node, BNode):
        return f"blank node _:{node}"
    if isinstance(node, URIRef):
        return kg.label(node)
    return str(node)


def _evidence_name(kg: KnowledgeGraph, node: URIRef) -> str:
    rdf = kg.rdf
    source = rdf.value(rdf.value(node, PROV.wasDerivedFrom), DCTERMS.identifier)
    line = rdf.value(node, BSO.line)
    triple = [rdf.value(node, p) for p in (RDF.subject, RDF.predicate, RDF.object)]
    words = " ".join(_term(kg, t) for t in triple if t is not None)
    return f"evidence {source}:{line} ({words})"


def _term(kg: KnowledgeGraph, node: Node) -> str:
    if isinstance(node, URIRef):
        text = kg.label(node) if node in kg.index.types else str(node)
        return local_name(text) if text.startswith("http") else text
    return str(node)


def _shacl_violations(kg: KnowledgeGraph, results: Graph) -> Iterable[Violation]:
    seen: set[tuple[str, str, str]] = set()
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        message = results.value(result, SH.resultMessage)
        value = results.value(result, SH.value)
        text = str(message) if message is not None else "violates a shape"
        for token in ("https://w3id.org/backspasm-kg/ontology#", str(BS)):
            text = text.replace(token, "")
        if value is not None and isinstance(value, Literal) and "{" not in text:
            text = f"{text} (value {value!r})" if str(value) not in text else text
        key = (str(focus), str(path), text)
        if key in seen:
            continue
        seen.add(key)
        yield Violation(
            focus=_describe(kg, focus) if focus is not None else "?",
            path=_term(kg, path) if isinstance(path, URIRef) else "",
            message=text,
            check="shacl",
            iri=str(focus),
        )


def _vocabulary_violations(kg: KnowledgeGraph) -> list[Violation]:
    namespace = str(BSO._NS)
    declared = {str(s) for s in kg.rdf.subjects(RDF.type, None) if str(s).startswith(namespace)}
    found: list[Violation] = []
    used: set[tuple[str, str]] = set()
    for triple in kg.rdf:
        for position, term in zip(("subject", "predicate", "object"), triple, strict=True):
            text = str(term)
            if isinstance(term, URIRef) and text.startswith(namespace) and text not in declared:
                used.add((text, position))
    for text, position in sorted(used):
        found.append(
            Violation(
                focus=text.removeprefix(namespace),
                path="",
                message=f"bso:{text.removeprefix(namespace)} is not in the vocabulary (used as {position})",
                check="vocabulary",
                iri=text,
            )
        )
    return found


def _names(kg: KnowledgeGraph, node: Node | None) -> list[str]:
    if isinstance(node, URIRef) and node in kg.index.types:
        return [kg.label(node), *kg.index.synonyms.get(node, ())]
    return []


def _line_violations(kg: KnowledgeGraph, folder: Path) -> tuple[list[Violation], int]:
    rdf = kg.rdf
    texts: dict[Node, list[str] | None] = {}
    found: list[Violation] = []
    for source in sorted(rdf.subjects(RDF.type, BSO.Source), key=str):
        name = rdf.value(source, BSO.fileName)
        file = folder / str(name)
        if name is None or not file.is_file():
            texts[source] = None
            found.append(
                Violation(
                    _describe(kg, source),
                    "fileName",
                    f"source file {file} not found",
                    "source-file",
                    str(source),
                )
            )
            continue
        lines = file.read_text(encoding="utf-8").splitlines()
        texts[source] = lines
        count = rdf.value(source, BSO.lineCount)
        if count is not None and as_int(count) != len(lines):
            found.append(
                Violation(
                    _describe(kg, source),
                    "lineCount",
                    f"the graph says {count} lines, {file.name} has {len(lines)}",
                    "source-file",
                    str(source),
                )
            )
    checked = 0
    for evidence in sorted(rdf.subjects(RDF.type, RDF.Statement), key=str):
        source_lines = texts.get(rdf.value(evidence, PROV.wasDerivedFrom) or evidence)
        line = as_int(rdf.value(evidence, BSO.line))
        if source_lines is None or not 1 <= line <= len(source_lines):
            continue
        checked += 1
        names = _names(kg, rdf.value(evidence, RDF.subject)) + _names(kg, rdf.value(evidence, RDF.object))
        contexts = [source_lines[n - 1] for n in _context(rdf, evidence) if 1 <= n <= len(source_lines)]
        if not any(_named(source_lines[line - 1], contexts, name) for name in names):
            found.append(
                Violation(
                    _describe(kg, evidence),
                    "line",
                    "the cited line names neither the subject nor the object by any of their labels",
                    "evidence-line",
                    str(evidence),
                )
            )
    for evidence, check, message in wording_problems(kg, texts):
        found.append(Violation(_describe(kg, evidence), "line", message, check, str(evidence)))
    return found, checked


def _context(rdf: Graph, evidence: Node) -> list[int]:
    return sorted(as_int(n) for n in rdf.objects(evidence, BSO.contextLine))


def _named(line: str, contexts: list[str], name: str) -> bool:
    """Tell whether ``line`` names ``name``, alone or as a bare list item read after its heading.

    A name may run from a context line into the item (002:105 'rigidity' over 002:106 'the neck'),
    but never lie wholly in the context line.

    >>> _named("- The neck.", ["rigidity"], "rigidity the neck"), _named("- x", ["rigidity"], "rigidity")
    (True, False)
    """
    if mentions(line, name):
        return True
    return any(mentions(f"{c} {line}", name) and not mentions(c, name) for c in contexts)
