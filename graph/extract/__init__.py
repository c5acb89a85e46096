"""Growing the graph: read a new article, propose its relations in the graph's vocabulary.

The extractor is rule-based and offline: spaCy (``spacy.blank("en")``, no model download) with
medspaCy's sentence splitter, its ``TargetMatcher`` fed from the graph's own names, and its
ConText component for hedges and negation; the predicate cues, ConText rules and the phrases
that mark advertising live in one data file, ``cues.json``. Candidates go to a curator as
curation records; ``bskg accept`` lands the accepted ones through the records path of
``bskg import-records``.
"""
