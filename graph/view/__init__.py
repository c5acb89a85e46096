"""The networkx view of the graph and its indexes, built from the store (depends on store and core)."""
