"""The size-dependent vector index: IVF-SQ8, the "auto" switch, and filtered recall."""

from pathlib import Path

import numpy as np
import pytest

import index.vectors as vectors_module
from index import VectorIndex

DIM = 32


def clustered(n: int, seed: int = 0) -> np.ndarray:
    """Unit vectors around 40 centres: structured like real embeddings, unlike pure noise."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((40, DIM))
    x = centres[rng.integers(0, 40, n)] + 0.5 * rng.standard_normal((n, DIM))
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def recall_at_10(
    approx: VectorIndex, exact: VectorIndex, queries: np.ndarray, allowed: np.ndarray | None = None
) -> float:
    got = [len(set(approx.search(q, 10, allowed)[0]) & set(exact.search(q, 10, allowed)[0])) for q in queries]
    return sum(got) / (10 * len(queries))


@pytest.mark.parametrize("kind", ["ivf_fp16", "ivf_sq8"])
def test_ivf_adds_searches_removes_and_round_trips(tmp_path: Path, kind: str) -> None:
    vecs = clustered(400)
    ids = np.arange(5000, 5400)
    index = VectorIndex.create(DIM, "hash:32", kind=kind)
    index.add(ids, vecs)
    found, scores = index.search(vecs[7], 3)
    assert found[0] == 5007 and scores[0] == pytest.approx(1.0, abs=0.02)  # 8-bit codes: ~1e-3 error
    assert sorted(index.search(vecs[7], 10, allowed=np.array([5010, 5020]))[0].tolist()) == [5010, 5020]
    index.remove(np.array([5007, 99]))
    assert 5007 not in index.search(vecs[7], 50)[0] and len(index) == 399
    index.add(np.array([5008]), vecs[9:10])  # replacing an id keeps one copy
    assert len(index) == 399 and set(index.search(vecs[9], 2)[0].tolist()) == {5008, 5009}
    path = tmp_path / "v.faiss"
    index.save(path)
    again = VectorIndex.load(path, "hash:32", dim=DIM)
    assert again.kind == kind and again.ids().tolist() == index.ids().tolist()
    np.testing.assert_allclose(again.vectors(np.array([5005]))[0], vecs[5], atol=0.02)


def test_auto_switches_to_ivf_with_recall_kept(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(vectors_module, "AUTO_APPROX_FROM", 3000)
    vecs = clustered(4000, seed=1)
    ids = np.arange(4000, dtype=np.int64)
    auto = VectorIndex.create(DIM, "hash:32", kind="auto")
    exact = VectorIndex.create(DIM, "hash:32", kind="flat")
    exact.add(ids, vecs)
    auto.add(ids[:2000], vecs[:2000])
    assert auto.kind == "flat"
    auto.add(ids[2000:], vecs[2000:])
    assert auto.kind == "ivf_fp16" and len(auto) == 4000
    queries = clustered(30, seed=2)
    assert recall_at_10(auto, exact, queries) >= 0.95
    five_percent = np.sort(np.random.default_rng(3).choice(ids, 200, replace=False))
    assert recall_at_10(auto, exact, queries, five_percent) >= 0.95
    auto.save(tmp_path / "v.faiss")
    again = VectorIndex.load(tmp_path / "v.faiss", "hash:32")
    assert again.auto and again.kind == "ivf_fp16"


def test_hnsw_selective_filter_is_exact() -> None:
    vecs = clustered(1000, seed=4)
    ids = np.arange(1000, dtype=np.int64)
    hnsw, exact = VectorIndex.create(DIM, "x", kind="hnsw"), VectorIndex.create(DIM, "x")
    hnsw.add(ids, vecs)
    exact.add(ids, vecs)
    allowed = ids[::20]  # 5 %
    queries = clustered(20, seed=5)
    assert recall_at_10(hnsw, exact, queries, allowed) == 1.0
