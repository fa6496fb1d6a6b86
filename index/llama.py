"""llama-index adapters: our embedders as a BaseEmbedding, any search function as a BaseRetriever.

This module imports llama-index-core (~1.2 s), so import it only where those adapters are used;
`import index` does not load it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

from llama_index.core.base.base_retriever import BaseRetriever
from llama_index.core.embeddings import BaseEmbedding
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode
from pydantic import PrivateAttr

from index.embedders.base import Embedder

__all__ = ["EmbedderAdapter", "as_llama_embedding", "CallbackRetriever", "SearchResult"]


class EmbedderAdapter(BaseEmbedding):
    """A llama-index embedding model backed by one of our embedders (same vectors, same prefixes)."""

    _embedder: Any = PrivateAttr()

    def __init__(self, embedder: Embedder, **kwargs: Any) -> None:
        super().__init__(model_name=embedder.id, **kwargs)
        self._embedder = embedder

    @classmethod
    def class_name(cls) -> str:
        return "KbEmbedderAdapter"

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._embedder.embed_query(query).tolist()

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._embedder.embed_passages([text])[0].tolist()

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self._embedder.embed_passages(list(texts)).tolist()

    # the models are in-process and CPU-bound: async versions just call the sync ones
    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)

    async def _aget_text_embedding(self, text: str) -> list[float]:
        return self._get_text_embedding(text)

    async def _aget_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self._get_text_embeddings(texts)


def as_llama_embedding(embedder: Embedder) -> BaseEmbedding:
    """Wrap an embedder for llama-index pipelines.

    Args:
        embedder: any object satisfying the Embedder protocol.

    Returns:
        A llama-index BaseEmbedding whose vectors equal the embedder's.
    """
    return EmbedderAdapter(embedder)


class SearchResult(Protocol):
    """What `CallbackRetriever` needs from a hit (kb's Hit satisfies it)."""

    chunk_id: int
    text: str
    score: float

    def to_dict(self) -> dict[str, Any]: ...


class CallbackRetriever(BaseRetriever):
    """A llama-index retriever over any `search_fn(query, k)` (e.g. kb's filtered hybrid search)."""

    def __init__(self, search_fn: Callable[[str, int], Sequence[SearchResult]], k: int = 10) -> None:
        """Args:
        search_fn: returns results with .chunk_id, .text, .score and .to_dict().
        k: results per query.
        """
        super().__init__()
        self._search_fn = search_fn
        self._k = k

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        nodes = []
        for hit in self._search_fn(query_bundle.query_str, self._k):
            metadata = {key: value for key, value in hit.to_dict().items() if key != "text"}
            node = TextNode(id_=str(hit.chunk_id), text=hit.text, metadata=metadata)
            nodes.append(NodeWithScore(node=node, score=float(hit.score)))
        return nodes

    async def _aretrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        return self._retrieve(query_bundle)
