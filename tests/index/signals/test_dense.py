"""The dense signal: add, remove, save/load and score on a tiny index, through the embedding cache."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from index import Query, SignalEnv
from index.signals import DenseSignal, Stage

TEXTS = ["The mayor chairs the prevention group.", "Schools run youth workshops.", "A referral panel meets weekly."]


def test_dense_signal_adds_removes_saves_loads_and_scores(hash_env: SignalEnv) -> None:
    dense = DenseSignal(hash_env)
    assert dense.stage == Stage.DENSE and dense.retrieves and not dense.optional
    assert dense.follow(0) is True and len(dense) == 0  # no file yet: started empty, to be saved
    rows = dense.encode(TEXTS)
    assert rows.shape == (3, hash_env.models.embedder.dim) and hash_env.models.cache.count() == 3
    dense.add(np.array([3, 1, 2]), rows)
    assert dense.ids().tolist() == [1, 2, 3] and len(dense) == 3
    query = Query("mayor", hash_env.models.embedder.embed_query(TEXTS[0]))
    top, scores = dense.search(query, 2)
    assert top[0] == 3 and len(top) == 2
    got = dense.score(query, np.array([1, 3, 99]))  # 99: no vector, no score
    assert got[1] == pytest.approx(float(scores[0])) and np.isnan(got[2]) and not np.isnan(got[0])
    dense.remove(np.array([1, 12345]))
    dense.save()
    again = DenseSignal(hash_env)
    assert again.follow(0) is False and again.ids().tolist() == [2, 3] and not again.outdated()
    assert again.score(query, np.array([3]))[0] == pytest.approx(float(scores[0]))
    assert DenseSignal(replace(hash_env, text_format="recipe-1")).outdated()  # indexed from another recipe
    dense.encode(TEXTS)
    assert hash_env.models.cache.count() == 3  # cached: never embedded twice


def test_a_damaged_vector_file_starts_empty_and_reset_empties(hash_env: SignalEnv) -> None:
    dense = DenseSignal(hash_env)
    dense.add(np.array([1]), dense.encode(TEXTS[:1]))
    dense.save()
    dense.path.write_bytes(b"not faiss")
    again = DenseSignal(hash_env)
    assert again.follow(0) is True and len(again) == 0  # the catalog refills it (`kb check`)
    dense.reset(10)
    assert len(dense) == 0
