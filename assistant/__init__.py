"""The assistant stage: retrieval over the index (and, next, answers, plans and comparisons)."""
