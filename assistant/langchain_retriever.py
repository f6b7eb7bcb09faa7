"""circularbench's hybrid retriever as a LangChain ``BaseRetriever``, for users' own chains.

Example::

    from assistant.langchain_retriever import CircularbenchRetriever
    retriever = CircularbenchRetriever.from_settings(Settings(), k=5)
    docs = retriever.invoke("deposit systems for beverage containers")
    docs[0].metadata["file"], docs[0].metadata["page"]
"""

from __future__ import annotations

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict, Field

from assistant.retriever import HybridRetriever
from circularbench.settings import Settings
from circularbench.types import SearchFilters


class CircularbenchRetriever(BaseRetriever):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    retriever: HybridRetriever
    k: int = Field(default=8, ge=1, le=100)
    filters: SearchFilters = Field(default_factory=SearchFilters)

    @classmethod
    def from_settings(cls, settings: Settings, **kwargs) -> "CircularbenchRetriever":
        return cls(retriever=HybridRetriever.open(settings), **kwargs)

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        hits = self.retriever.search(query, k=self.k, filters=self.filters)
        out = []
        for h in hits:
            passage = self.retriever.passage(h)
            out.append(Document(page_content=passage.text, metadata=passage.model_dump(exclude={"text"}),
                                id=passage.chunk_id))
        return out
