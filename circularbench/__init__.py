"""circularbench: a document-grounded benchmarking assistant for the circular economy.

The library is split by stage: ``corpus`` (documents and their manifest) → ``indexer``
(loading, chunking, embedding, storing) → ``assistant`` (retrieval and answers) → ``web`` and
``evals``. This package holds what every stage shares: settings, types and the CLI.
"""

__version__ = "0.1.0"
