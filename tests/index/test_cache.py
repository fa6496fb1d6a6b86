from collections.abc import Sequence
from pathlib import Path

import numpy as np

from index import EmbeddingCache, get_embedder, text_hash


class CountingEmbedder:
    """Wraps an embedder and records every text it is asked to embed."""

    def __init__(self, spec: str = "hash") -> None:
        self._inner = get_embedder(spec)
        self.id, self.dim = self._inner.id, self._inner.dim
        self.calls: list[list[str]] = []
        self.queries: list[str] = []

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(list(texts))
        return self._inner.embed_passages(texts)

    def embed_query(self, text: str) -> np.ndarray:
        self.queries.append(text)
        return self._inner.embed_query(text)

    def count_tokens(self, text: str) -> int:
        return self._inner.count_tokens(text)


def test_second_call_embeds_nothing(tmp_path: Path) -> None:
    emb = CountingEmbedder()
    texts = [f"passage number {i}" for i in range(40)] + ["passage number 3"]  # one duplicate
    with EmbeddingCache(tmp_path / "c.sqlite", batch_size=16) as cache:
        first = cache.embed_passages(emb, texts)
        assert sum(len(c) for c in emb.calls) == 40  # duplicate embedded once
        assert max(len(c) for c in emb.calls) <= 16  # batched
        emb.calls.clear()
        second = cache.embed_passages(emb, texts)
        assert emb.calls == []
        np.testing.assert_array_equal(first, second)
        assert first.shape == (41, emb.dim) and first.dtype == np.float32
        np.testing.assert_array_equal(first[3], first[40])


def test_only_misses_are_embedded_and_survive_reopen(tmp_path: Path) -> None:
    emb = CountingEmbedder()
    with EmbeddingCache(tmp_path / "c.sqlite") as cache:
        cache.embed_passages(emb, ["a", "b"])
    emb.calls.clear()
    with EmbeddingCache(tmp_path / "c.sqlite") as cache:
        out = cache.embed_passages(emb, ["b", "c", "a"])
        assert emb.calls == [["c"]]
        np.testing.assert_array_equal(out[2], emb._inner.embed_passages(["a"])[0])
        got = cache.get(emb.id, [text_hash("a"), text_hash("zzz")])
        assert set(got) == {text_hash("a")}
        assert cache.get("another-model", [text_hash("a")]) == {}  # keyed by embedder id too
        assert cache.embed_passages(emb, []).shape == (0, emb.dim)


def test_queries_cached_apart_from_passages(tmp_path: Path) -> None:
    emb = CountingEmbedder()
    with EmbeddingCache(tmp_path / "c.sqlite") as cache:
        cache.embed_queries(emb, ["q1", "q2"])
        cache.embed_queries(emb, ["q2", "q1"])
        assert emb.queries == ["q1", "q2"]
        cache.embed_passages(emb, ["q1"])
        assert emb.calls == [["q1"]]  # a passage is not a query: separate key
        assert cache.count(emb.id) == 1 and cache.count() == 3


def test_usable_from_worker_threads(tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    emb = CountingEmbedder()
    with EmbeddingCache(tmp_path / "c.sqlite") as cache, ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda i: cache.embed_passages(emb, [f"text {i % 3}"]), range(12)))
        assert all(r.shape == (1, emb.dim) for r in results)
        assert cache.count(emb.id) == 3
