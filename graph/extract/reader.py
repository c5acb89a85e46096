"""The spaCy pipeline the extractor reads with: ``spacy.blank("en")`` and medspaCy's components.

Sentences come from medspaCy's PyRuSH splitter, entity mentions from its ``TargetMatcher`` fed
with the lexicon's names, new names from the lists a sentence enumerates ("such as A, B and C"),
and hedges and negation from its ConText component with the rules of ``cues.json``. Nothing is
downloaded: the pipeline is built from rules at run time.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from typing import Any

from graph.extract.cues import Cues
from graph.extract.lexicon import Lexicon

__all__ = ["GROUP", "NEW", "build_pipeline", "entity_of", "variants"]

#: The span group that holds every mention (known entities and new names).
GROUP = "medspacy_spans"

#: The label of a mention that names no entity of the lexicon.
NEW = "NEW"

_DETERMINERS = {
    "a",
    "an",
    "the",
    "your",
    "some",
    "other",
    "certain",
    "any",
    "many",
    "more",
    "most",
    "their",
    "its",
}
_SPLIT = {",", "and", "or", ";", "as", "well", "such", "like", "including", "etc", "etc.", "(", ")", "/"}
_STOP = {".", "!", "?", ":"}


def variants(name: str) -> set[str]:
    """Return a name with its naive plural or singular, the forms a text may use.

    >>> sorted(variants("herniated disc"))
    ['herniated disc', 'herniated discs']
    """
    found = {name}
    if name.endswith("s") and not name.endswith("ss") and len(name) > 4:
        found.add(name[:-1])
    elif name[-1:].isalpha():
        found.add(name + "s")
    return found


def _enumerated(doc: Any, known: list[Any], markers: list[list[str]]) -> Iterable[tuple[int, int]]:
    """Yield token ranges of the names listed after an enumeration marker that name no known entity."""
    taken = {i for span in known for i in range(span.start, span.end)}
    lowered = [t.lower_ for t in doc]
    for i in range(len(doc)):
        marker = next((m for m in markers if lowered[i : i + len(m)] == m), None)
        if marker is None:
            continue
        start = i + len(marker)
        while start < len(doc) and lowered[start] not in _STOP and not doc[start].is_sent_start:
            end = start
            while end < len(doc) and lowered[end] not in _SPLIT and lowered[end] not in _STOP:
                end += 1
            first = start
            while first < end and lowered[first] in _DETERMINERS:
                first += 1
            if 0 < end - first <= 5 and not any(k in taken for k in range(first, end)):
                yield first, end
            start = end + 1 if end < len(doc) and lowered[end] not in _STOP else len(doc)


def build_pipeline(lex: Lexicon, cues: Cues) -> Any:
    """Build the spaCy pipeline for a lexicon: sentences, mentions, new names, ConText.

    Returns
    -------
    spacy.language.Language
        Call it on a line's text; mentions are in ``doc.spans[GROUP]``, labelled with the
        entity's IRI or :data:`NEW`, each with medspaCy's ``is_negated`` and ``is_uncertain``.
    """
    with warnings.catch_warnings():  # spaCy's CLI, imported with it, uses a deprecated click API
        warnings.filterwarnings("ignore", category=DeprecationWarning)
        import medspacy  # noqa: F401  (registers the medspacy_* factories)
        import spacy
    from loguru import logger
    from medspacy.context import ConTextRule
    from medspacy.target_matcher import TargetRule
    from spacy.language import Language
    from spacy.tokens import Span

    logger.disable("PyRuSH")  # its splitter logs every token at DEBUG level
    nlp = spacy.blank("en")
    nlp.add_pipe("medspacy_pyrush")
    matcher: Any = nlp.add_pipe("medspacy_target_matcher", config={"result_type": "group"})
    rules = []
    for name, entity in lex.names:
        if len(name) < 3:
            continue
        for form in variants(name.lower()):
            rules.append(TargetRule(form, str(entity)))
    matcher.add(rules)
    markers = [[t.lower_ for t in nlp.make_doc(m)] for m in cues.enumeration]
    component = f"bskg_enumerated_{id(markers)}"

    @Language.component(component)
    def enumerated(doc: Any) -> Any:
        known = list(doc.spans.get(GROUP, []))
        new = [Span(doc, s, e, label=NEW) for s, e in _enumerated(doc, known, markers)]
        doc.spans[GROUP] = sorted(known + new, key=lambda span: (span.start, span.end))
        return doc

    nlp.add_pipe(component)
    context: Any = nlp.add_pipe("medspacy_context", config={"rules": None, "input_span_type": "group"})
    context.add([ConTextRule(r["literal"], r["category"], direction=r["direction"]) for r in cues.context])
    return nlp


def entity_of(label: str) -> str | None:
    """Return the entity IRI a mention's label names, or ``None`` for a new name.

    >>> entity_of(NEW), entity_of("https://w3id.org/backspasm-kg/id/stress")
    (None, 'https://w3id.org/backspasm-kg/id/stress')
    """
    return None if label == NEW else label
