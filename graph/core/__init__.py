"""The core: vocabulary, the KnowledgeGraph value, evidence, names, errors (imports nothing else of graph)."""
