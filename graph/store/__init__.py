"""Where the triples live: the Oxigraph store, remote endpoints, loading. Depends on graph.core."""
