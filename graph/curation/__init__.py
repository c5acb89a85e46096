"""Writing the graph: curation records, adding facts, the canonical Turtle layout, the HPO import."""
