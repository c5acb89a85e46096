"""SPARQL: the named queries (queries/*.rq), parameter binding, the guard for user text, results."""
