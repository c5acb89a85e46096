"""The extractor: an article's lines in, candidate relations out.

>>> from graph.extract.extractor import Extractor
>>> found = Extractor.of(kg).extract(["Dehydration can cause back spasms."])
>>> [(c.subject.label, c.predicate, c.object.label, c.hedged) for c in found]
[('dehydration', 'causes', 'back spasm', True)]
"""

from __future__ import annotations

import warnings
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

from graph.core.lookup import curie
from graph.core.model import KnowledgeGraph
from graph.core.vocab import NEGATIVE_RELATIONS
from graph.extract.candidates import Candidate, Named, conflicts_of
from graph.extract.cues import Cue, Cues, load_cues
from graph.extract.lexicon import Lexicon, lexicon
from graph.extract.lines import Line, classify
from graph.extract.names import PUNCT, fill_side, vague
from graph.extract.reader import GROUP, build_pipeline, entity_of
from graph.extract.relations import TWINS, Frame, Mention, Pair, cue_matches, frame_of, framed, pairs_in_line

__all__ = ["Extractor", "extract"]

_READ = ("text", "intro", "item", "heading", "question")
_ARTICLES = frozenset({"a", "an", "the"})
_FUNCTION_WORDS = _ARTICLES | {"and", "or", "of", "in", "on", "with", "for", "to", "your", "my", "their"}
#: Relations a line's "may" or "if" does not hedge: what a red flag is, what class a drug is in.
_NEVER_HEDGED = frozenset({"redFlagFor", "memberOf"})


class Extractor:
    """A pipeline built once for a lexicon, to read any number of articles.

    Parameters
    ----------
    lex
        The names and classes to look for (:func:`graph.extract.lexicon.lexicon`).
    cues
        The rules (default: the packaged ``cues.json``).
    kg
        The graph whose claims candidates are checked against for conflicts (optional).
    """

    def __init__(self, lex: Lexicon, cues: Cues | None = None, kg: KnowledgeGraph | None = None) -> None:
        self.lex = lex
        self.cues = cues or load_cues()
        self.kg = kg
        self.nlp = build_pipeline(lex, self.cues)
        from spacy.matcher import Matcher  # after the pipeline, which imports spaCy quietly

        self.matcher = Matcher(self.nlp.vocab)
        for number, cue in enumerate(self.cues.relations):
            patterns = [[{"LOWER": t.lower_} for t in self.nlp.make_doc(p)] for p in cue.phrases]
            self.matcher.add(f"cue-{number}", patterns)
        self._hedges = tuple(r["literal"] for r in self.cues.context if r["category"] == "POSSIBLE_EXISTENCE")
        self._clauses = {r["literal"] for r in self.cues.context if r["category"] == "TERMINATE"}
        self._clauses |= set(self.cues.clauses)
        self._pronouns = set(self.cues.pronouns)

    @classmethod
    def of(cls, kg: KnowledgeGraph, without_source: str | None = None) -> Extractor:
        """Build an extractor from a graph's lexicon (see :func:`graph.extract.lexicon.lexicon`)."""
        return cls(lexicon(kg, without_source), kg=kg if without_source is None else None)

    def extract(self, lines: list[str]) -> list[Candidate]:
        """Return the candidate relations of an article's lines, in line order."""
        infos = classify(lines, self.cues.ignore)
        read = [x for x in infos if x.kind in _READ]
        with warnings.catch_warnings():  # medspaCy's matchers without rules of a kind say so per line
            warnings.filterwarnings("ignore", message=r".*\[W036\]")
            docs = dict(zip((x.number for x in read), self.nlp.pipe(x.body for x in read), strict=True))
        mentions = {n: self._mentions(doc, next(x for x in read if x.number == n)) for n, doc in docs.items()}
        topic = self._topic(mentions)
        pairs: list[tuple[Line, Pair]] = []
        frame: Frame | None = None
        section: tuple[str, str] | None = None
        for info in infos:
            if info.kind == "blank":
                continue
            if info.kind != "item":
                frame = None
            if info.kind in ("heading", "question"):
                section = self._section_of(info.body)
            if not info.states:
                continue
            doc, found = docs[info.number], mentions[info.number]
            cues = cue_matches(doc, self.matcher, self.cues.relations)
            sentences = [(s.start, s.end) for s in doc.sents]
            clauses = tuple(t.i for t in doc if t.lower_ in self._clauses)

            def fill(start: int, end: int, left: bool, doc: Any = doc) -> list[Mention]:
                return fill_side(doc, start, end, left, topic, self._pronouns)

            words = [t.lower_ for t in doc]
            pairs += [(info, p) for p in pairs_in_line(sentences, found, cues, topic, clauses, fill, words)]
            if info.kind == "intro":
                hedged = self._hedged(info.body)
                # the last sentence with a cue: the one that ends with the colon, or the one before it
                last = max((s.start for s in doc.sents if any(c[0] >= s.start for c in cues)), default=0)
                frame = frame_of(
                    info.number,
                    [m for m in found if m.start >= last],
                    [c for c in cues if c[0] >= last],
                    topic,
                    hedged,
                ) or self._section(section, topic, hedged, info)
            elif info.kind == "item":
                frame = frame or self._section(section, topic, False, info)
                if frame is not None:
                    pairs += [(info, p) for p in self._items(info, doc, found, frame)]
            elif info.kind == "text":
                pairs += [(info, p) for p in self._in_section(info, found, section, topic)]
        return self._candidates(pairs)

    def _in_section(
        self, info: Line, found: list[Mention], section: tuple[str, str] | None, topic: Mention | None
    ) -> list[Pair]:
        """Under a heading about treatment (prevention, causes), a paragraph's treatments treat the topic."""
        frame = self._section(section, topic, False, info)
        if frame is None or frame.role != "subject":
            return []
        domain = self.lex.domains.get(frame.cue.predicate, frozenset())
        fitting = [
            m
            for m in found
            if m.entity is not None
            and m.entity != frame.anchor.entity  # type: ignore[union-attr]
            and any(self.lex.parents.get(t, {t}) & domain for t in self._types(m.entity))
        ]
        made = [framed(frame, m, m.uncertain, ()) for m in fitting]
        return [replace(p, score=0.6) for p in made if p is not None]

    def _section_of(self, text: str) -> tuple[str, str] | None:
        """Return (predicate, items' role) a heading or question announces, if its words tell."""
        words = f" {' '.join(text.lower().replace('?', ' ').split())} "
        for predicate, role, cue_words in self.cues.sections:
            if any(f" {w} " in words for w in cue_words):
                return predicate, role
        return None

    def _section(
        self, section: tuple[str, str] | None, topic: Mention | None, hedged: bool, info: Line
    ) -> Frame | None:
        """Return the frame a section's heading gives a list that has no intro of its own."""
        if section is None or topic is None:
            return None
        predicate, role = section
        cue = Cue(predicate, role, "list", ())
        return Frame(cue, topic, role, hedged, info.number)

    def _hedged(self, text: str) -> bool:
        words = f" {text.lower()} "
        return any(f" {h} " in words for h in self._hedges)

    def _mentions(self, doc: Any, info: Line) -> list[Mention]:
        found = [
            Mention(
                s.start, s.end, s.text.strip(PUNCT), entity_of(s.label_), s._.is_uncertain, s._.is_negated
            )
            for s in doc.spans.get(GROUP, [])
        ]
        if info.kind == "item":
            width = len(self.nlp.make_doc(info.head)) if info.head else len(doc)
            short = bool(info.head) or len(doc) <= 7
            known = [m for m in found if m.end <= width]
            words = [t for t in doc[:width] if not t.is_punct and t.lower_ not in _FUNCTION_WORDS]
            covered = sum(1 for t in words if any(m.start <= t.i < m.end for m in known))
            if short and width > 0 and covered < 0.5 * len(words):  # the item names more than its known parts
                first = next((t.i for t in doc[:width] if t.lower_ not in _ARTICLES), 0)
                text = doc[first:width].text.strip(PUNCT)
                if text and len(text.split()) <= 7:
                    rest = [m for m in found if m.start >= width]
                    found = [Mention(first, width, text, None), *rest]
        return [m for m in found if m.text]

    def _topic(self, mentions: dict[int, list[Mention]]) -> Mention | None:
        counts: Counter[str] = Counter()
        for found in mentions.values():
            counts.update(m.entity for m in found if m.entity and "Condition" in self._types(m.entity))
        if not counts:
            return None
        entity = counts.most_common(1)[0][0]
        return Mention(-1, -1, self.lex.labels[_ref(entity)], entity)

    def _items(self, info: Line, doc: Any, found: list[Mention], frame: Frame) -> list[Pair]:
        width = len(self.nlp.make_doc(info.head)) if info.head else next((s.end for s in doc.sents), len(doc))
        fillers = [m for m in found if m.end <= width]
        hedged = self._hedged(info.head or info.body)  # an item's explanation does not hedge its name
        made = [framed(frame, m, hedged, (frame.line,)) for m in fillers]
        return [p for p in made if p is not None]

    def _types(self, entity: str) -> tuple[str, ...]:
        return self.lex.types.get(_ref(entity), ())

    def _named(self, mention: Mention, predicate: str, role: str) -> Named | None:
        wanted = self.lex.domains if role == "subject" else self.lex.ranges
        if mention.entity is None:
            return Named(mention.text.lower(), None, self.lex.role_class(predicate, role))
        types = self._types(mention.entity)
        fitting = [t for t in types if self.lex.parents.get(t, {t}) & wanted.get(predicate, frozenset())]
        if not fitting:
            return None
        return Named(self.lex.labels[_ref(mention.entity)], curie(mention.entity), fitting[0])

    def _resolve(self, pair: Pair) -> tuple[str, Named, Named] | None:
        if pair.subject.entity is None and pair.object.entity is None:
            return None
        if pair.object.entity is None and not pair.listed:  # a new object only as a list's item
            return None
        if any(vague(m, self.cues.vague, self._pronouns) for m in (pair.subject, pair.object)):
            return None
        if pair.subject.entity is not None and pair.subject.entity == pair.object.entity:
            return None
        for predicate in pair.predicates:
            subject = self._named(pair.subject, predicate, "subject")
            obj = self._named(pair.object, predicate, "object")
            if subject is None or obj is None:
                continue
            if predicate == "causes" and self._condition_sign(pair):
                predicate, subject = "hasSymptom", Named(subject.label, subject.id, "Condition")
            if pair.negated and predicate not in NEGATIVE_RELATIONS:
                if predicate not in TWINS:
                    return None  # a negated claim with no negative twin: never propose the positive
                predicate = TWINS[predicate]
            return predicate, subject, obj
        return None

    def _condition_sign(self, pair: Pair) -> bool:
        """Tell whether a condition 'causes' a sign: the vocabulary says it has that symptom."""
        if pair.subject.entity is None or pair.object.entity is None:
            return False
        subject, obj = self._types(pair.subject.entity), self._types(pair.object.entity)
        return "Condition" in subject and "Cause" not in subject and "Condition" not in obj

    def _candidates(self, pairs: list[tuple[Line, Pair]]) -> list[Candidate]:
        best: dict[tuple[int, str, str, str], Candidate] = {}
        for info, pair in pairs:
            resolved = self._resolve(pair)
            if resolved is None:
                continue
            predicate, subject, obj = resolved
            new = subject.id is None or obj.id is None
            # "see a doctor if you may have…", "a drug such as X may help": no hedge of a red flag or a class
            hedged = pair.hedged and predicate not in _NEVER_HEDGED
            candidate = Candidate(
                line=info.number,
                text=info.text,
                subject=subject,
                predicate=predicate,
                object=obj,
                hedged=hedged,
                negated=pair.negated or predicate in NEGATIVE_RELATIONS,
                score=round(pair.score * (0.85 if new else 1.0), 2),
                conflicts=conflicts_of(self.kg, subject, predicate, obj),
                context=pair.context,
            )
            key = (info.number, subject.key, predicate, obj.key)
            if key not in best or candidate.score > best[key].score:
                best[key] = candidate
        return sorted(
            best.values(), key=lambda c: (c.line, -c.score, c.subject.key, c.predicate, c.object.key)
        )


def extract(kg: KnowledgeGraph, article: str | Path) -> list[Candidate]:
    """Return the candidate relations a plain-text article states, linked to ``kg``'s entities.

    The article is read as ``bskg extract`` reads it (one paragraph or list item a line; a
    folder, a binary, non-UTF-8 or empty file, or one over 2 MB raise
    :class:`graph.core.errors.GraphError`).

    >>> import tempfile, pathlib
    >>> text = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
    >>> _ = text.write_text("Stretching relieves back spasms.")
    >>> [(c.subject.label, c.predicate, c.object.label) for c in extract(kg, text)]
    [('stretching', 'treats', 'back spasm')]
    """
    from graph.extract.lines import read_article

    return Extractor.of(kg).extract(read_article(article))


def _ref(entity: str) -> Any:
    from rdflib import URIRef

    return URIRef(entity)
