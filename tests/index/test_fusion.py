"""Fusion: BM25 must help where it carries signal and never drown dense retrieval across languages."""

import numpy as np
import pytest

from index import fuse


def ids(*values: int) -> np.ndarray:
    return np.array(values, dtype=np.int64)


def scores(*values: float) -> np.ndarray:
    return np.array(values, dtype=np.float32)


def test_script_gate_ignores_bm25_on_other_scripts() -> None:
    dense = (ids(1, 2, 3), scores(0.85, 0.84, 0.60))
    lexical = (
        ids(
            2,
        ),
        scores(9.0),
    )  # a strong BM25 hit on an English chunk...
    langs = {1: "en", 2: "en", 3: "en"}
    out = fuse("ما هي خطة 2024؟", dense, lexical, langs, lexical_ideal=10.0)
    assert [h.chunk_id for h in out] == [1, 2, 3]  # ...cannot outrank dense for an Arabic query
    out = fuse("what is the 2024 plan", dense, lexical, langs, lexical_ideal=10.0)
    assert [h.chunk_id for h in out] == [2, 1, 3]  # same script: it counts
    assert out[0].dense_score == pytest.approx(0.84) and out[0].lexical_score == pytest.approx(9.0)
    assert out[1].lexical_score is None


def test_low_coverage_bm25_barely_moves_the_ranking() -> None:
    dense = (ids(1, 2, 3), scores(0.86, 0.85, 0.70))
    lexical = (
        ids(
            2,
        ),
        scores(0.5),
    )  # one cheap term of a query whose terms are worth 20
    out = fuse("plan municipal de prevención", dense, lexical, None, lexical_ideal=20.0)
    assert [h.chunk_id for h in out][:2] == [1, 2]
    out = fuse("plan municipal de prevención", dense, lexical, None, lexical_ideal=0.6)
    assert [h.chunk_id for h in out][:2] == [2, 1]  # near full coverage: it wins


def test_fuse_edge_cases() -> None:
    assert fuse("x", (ids(), scores()), (ids(), scores())) == []
    only_lex = fuse("x", (ids(), scores()), (ids(4, 5), scores(2.0, 1.0)), k=1)
    assert [h.chunk_id for h in only_lex] == [4]
    tie = fuse("x", (ids(9, 3), scores(0.5, 0.5)), (ids(), scores()))
    assert [h.chunk_id for h in tie] == [3, 9]  # deterministic tie break
