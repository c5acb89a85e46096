"""Checks of the graph: SHACL, vocabulary and stating lines, coverage of the sources, conflicts."""
