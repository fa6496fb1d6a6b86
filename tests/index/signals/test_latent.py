"""Latent terms: the store's bookkeeping, the real model's cross-lingual signal, and the re-scoring."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index import EmbeddingCache, LexicalIndex, VectorIndex
from index.embedders import Embedder
from index.signals import LatentSignal
from index.signals.latent import LATENT_K, LatentEncoder, LatentStore, latent_source

from ..conftest import hybrid


def rows(n: int, k: int = 4, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """n random latent-term rows: distinct ids per row, unit weights."""
    rng = np.random.default_rng(seed)
    terms = np.stack([rng.choice(50, size=k, replace=False) for _ in range(n)]).astype(np.uint16)
    weights = rng.random((n, k)).astype(np.float32)
    return terms, weights / np.linalg.norm(weights, axis=1, keepdims=True)


def test_store_add_replace_remove_and_score(tmp_path: Path) -> None:
    store = LatentStore(k=4)
    terms, weights = rows(3)
    store.add(np.array([30, 10, 20]), terms, weights)
    assert store.ids().tolist() == [10, 20, 30] and len(store) == 3
    # a query equal to chunk 10's terms scores ~1 on it (float16 storage), less elsewhere, 0 if unknown
    got = store.scores(terms[1], weights[1], np.array([10, 20, 99]))
    assert got[0] == pytest.approx(1.0, abs=2e-3) and got[1] < got[0] and got[2] == 0.0
    store.add(np.array([10]), terms[:1], weights[:1])  # replace 10's row
    store.remove(np.array([30, 12345]))
    assert store.ids().tolist() == [10, 20]
    assert store.scores(terms[0], weights[0], np.array([10]))[0] == pytest.approx(1.0, abs=2e-3)
    path = tmp_path / "latent"
    store.save(path)
    again = LatentStore.load(path, k=4)
    assert again.ids().tolist() == [10, 20]
    assert np.allclose(again.scores(terms[2], weights[2], np.array([20, 10])),
                       store.scores(terms[2], weights[2], np.array([20, 10])))
    with pytest.raises(ValueError):
        LatentStore.load(path, k=8)  # another k: refused, so the KB rebuilds it
    assert len(LatentStore.load(tmp_path / "absent", k=4)) == 0


def test_store_rejects_misaligned_rows() -> None:
    terms, weights = rows(2)
    with pytest.raises(ValueError):
        LatentStore(k=4).add(np.array([1, 2, 3]), terms, weights)


def test_real_latent_terms_match_across_languages(e5: Embedder, tmp_path: Path) -> None:
    source = latent_source(e5)
    assert source is not None and latent_source(object()) is None
    encoder = LatentEncoder(source)
    texts = [
        "The prevention leadership group is chaired by the deputy mayor and meets every month.",
        "El grupo de liderazgo de prevención lo preside el teniente de alcalde y se reúne cada mes.",
        "Le marché municipal ouvre le samedi matin avec des fruits et des légumes locaux.",
    ]
    cache = EmbeddingCache(tmp_path / "c.sqlite")
    terms, weights = encoder.unpack(cache.embed_passages(encoder, texts))
    assert terms.shape == (3, LATENT_K) and np.allclose(np.linalg.norm(weights, axis=1), 1, atol=1e-3)
    assert cache.count(encoder.id) == 3  # cached: never encoded twice
    store = LatentStore()
    store.add(np.array([1, 2, 3]), terms, weights)
    q_terms, q_weights = encoder.query("¿Quién preside el grupo de liderazgo y cada cuánto se reúne?")
    translation, unrelated = store.scores(q_terms, q_weights, np.array([1, 3]))
    assert translation > unrelated + 0.1  # the English answer shares latent terms with a Spanish question


def test_hybrid_search_adds_latent_scores_but_reports_raw_dense() -> None:
    vectors = VectorIndex.create(4, "toy")
    base = np.array([[1, 0, 0, 0], [0.96, 0.28, 0, 0], [0, 1, 0, 0]], dtype=np.float32)
    vectors.add(np.array([1, 2, 3]), base / np.linalg.norm(base, axis=1, keepdims=True))
    q = np.array([1, 0, 0, 0], dtype=np.float32)
    plain = hybrid("q", q, vectors, LexicalIndex(), k=3)
    assert [h.chunk_id for h in plain][:2] == [1, 2]
    # chunk 2 holds exactly the query's latent terms (cosine 1), chunks 1 and 3 none of them (0)
    store = LatentStore(k=4)
    weights = np.full((3, 4), 0.5, dtype=np.float32)
    store.add(np.array([1, 2, 3]), np.array([[10, 11, 12, 13], [1, 2, 3, 4], [20, 21, 22, 23]]), weights)
    query_terms = (np.array([1, 2, 3, 4], dtype=np.uint16), np.full(4, 0.5, dtype=np.float32))
    hits = hybrid("q", q, vectors, LexicalIndex(), k=3, extra=[LatentSignal(store=store)],
                  encoded={"latent": query_terms})
    assert [h.chunk_id for h in hits][:2] == [2, 1]  # the latent match lifts chunk 2
    by_id = {h.chunk_id: h for h in hits}
    assert by_id[1].dense_score == pytest.approx(1.0) and by_id[2].dense_score == pytest.approx(0.96, abs=1e-3)


def test_latent_signal_adds_removes_saves_loads_scores_and_repairs(
    e5: Embedder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import index.signals.latent as latent_module
    from index import Models, Query, SignalEnv

    cache = EmbeddingCache(tmp_path / "cache.sqlite")
    env = SignalEnv(Models(e5, cache), tmp_path / "index", mode="auto")
    texts = ["The deputy mayor chairs the leadership group every month.",
             "Le marché municipal ouvre le samedi matin."]
    signal = LatentSignal(env)
    assert signal.available() and signal.follow(2) is False and signal.in_use  # no file yet: empty, not lost
    signal.add(np.array([7, 5]), signal.encode(texts))
    assert signal.ids().tolist() == [5, 7] and signal.ready(2) and not signal.ready(3)
    query = Query("¿Quién preside el grupo de liderazgo?", e5.embed_query("x"))
    first, second = signal.score(query, np.array([7, 5]))
    assert first > second and "latent" in query.encoded  # the query's terms are encoded once
    signal.remove(np.array([5]))
    signal.save()
    again = LatentSignal(env)
    again.follow(1)
    assert again.ids().tolist() == [7]
    assert again.score(query, np.array([7]))[0] == pytest.approx(first, abs=1e-6)
    encoded = cache.count(signal.encoder.id)  # type: ignore[union-attr]
    fresh = LatentSignal(env)
    fresh.reset(2)
    assert fresh.repair(np.array([1, 2, 3]), [*texts, "never encoded"]) and fresh.ids().tolist() == [1, 2]
    assert cache.count(signal.encoder.id) == encoded  # type: ignore[union-attr]  # the cache only
    monkeypatch.setattr(latent_module, "LATENT_AUTO_MAX", 1)  # "auto": a 2-chunk KB is now too large
    assert not again.keeps(2)
    again.follow(2)
    assert not again.in_use and again.encode(texts) is None
    from dataclasses import replace

    off = LatentSignal(replace(env, mode="off"))
    off.follow(0)
    assert not off.in_use and len(off) == 0
    cache.close()
