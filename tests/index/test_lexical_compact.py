"""The compact lexical layout scores exactly like bm25s over the same chunks, through every change."""

from pathlib import Path

import bm25s
import numpy as np

from index import LexicalIndex, tokenize
from index.bm25 import bm25_matrix

WORDS = [
    "city",
    "prevention",
    "youth",
    "plan",
    "hate",
    "speech",
    "mediation",
    "school",
    "police",
    "club",
    "river",
    "north",
]


def random_texts(rng: np.random.Generator, n: int) -> list[str]:
    return [" ".join(rng.choice(WORDS, size=rng.integers(1, 25))) for _ in range(n)]


def reference_scores(texts: dict[int, str], query: str) -> dict[int, float]:
    """bm25s over the live texts, built from scratch."""
    ids = sorted(texts)
    vocab: dict[str, int] = {}
    docs = [np.asarray([vocab.setdefault(t, len(vocab)) for t in tokenize(texts[i])], np.int32) for i in ids]
    model = bm25s.BM25()
    model.scores = bm25_matrix(docs, len(vocab))
    model.nonoccurrence_array = None
    qids = [vocab[t] for t in tokenize(query) if t in vocab]
    if not qids:
        return {}
    scores = model.get_scores(qids)
    return {i: float(s) for i, s in zip(ids, scores, strict=True) if s > 0}


def test_adds_removes_and_replacements_score_like_a_fresh_bm25s(tmp_path: Path) -> None:
    rng = np.random.default_rng(7)
    live: dict[int, str] = {}
    lex = LexicalIndex()
    next_id = 1
    for step in range(6):
        new = random_texts(rng, 30)
        ids = np.arange(next_id, next_id + 30)
        next_id += 30
        lex.add(ids, new)
        live.update(zip(ids.tolist(), new, strict=True))
        gone = rng.choice(sorted(live), size=8, replace=False)
        lex.remove(gone)
        for g in gone.tolist():
            live.pop(g)
        changed = rng.choice(sorted(live), size=5, replace=False)
        again = random_texts(rng, 5)
        lex.add(changed, again)
        live.update(zip(changed.tolist(), again, strict=True))
        if step == 3:  # a save/load in the middle changes nothing
            lex.save(tmp_path / "lex.npz")
            lex = LexicalIndex.load(tmp_path / "lex.npz")
        for query in ("prevention plan", "hate hate speech", "river"):
            want = reference_scores(live, query)
            got_ids, got_scores = lex.search(query, k=len(live))
            got = dict(zip(got_ids.tolist(), got_scores.tolist(), strict=True))
            assert set(got) == set(want)
            np.testing.assert_allclose([got[i] for i in want], list(want.values()), rtol=1e-5)
    assert lex.ids().tolist() == sorted(live)


def test_bulk_tokens_and_format_1_files_load(tmp_path: Path) -> None:
    texts = {3: "youth club plan", 1: "prevention plan for the city", 2: "hate speech"}
    vocab: dict[str, int] = {}
    ids = np.array(list(texts))
    toks = [[vocab.setdefault(t, len(vocab)) for t in tokenize(s)] for s in texts.values()]
    offsets = np.cumsum([0] + [len(t) for t in toks])
    tokens = np.concatenate([np.asarray(t, np.int32) for t in toks])
    words = sorted(vocab, key=vocab.__getitem__)
    bulk = LexicalIndex()
    bulk.add_tokens(ids, offsets, tokens, words)
    plain = LexicalIndex()
    plain.add(ids, list(texts.values()))
    for query in ("plan", "city plan hate"):
        a, b = bulk.search(query, 5), plain.search(query, 5)
        assert a[0].tolist() == b[0].tolist()
        np.testing.assert_allclose(a[1], b[1], rtol=1e-6)
    old = tmp_path / "lexical-v1.npz"  # the layout written before format 2: token lists
    np.savez(
        old,
        format_version=np.int64(1),
        ids=ids,
        offsets=offsets,
        tokens=tokens,
        vocab=np.asarray(words, dtype=np.str_),
    )
    loaded = LexicalIndex.load(old)
    assert loaded.ids().tolist() == [1, 2, 3]
    assert loaded.search("plan", 5)[0].tolist() == plain.search("plan", 5)[0].tolist()
