from pathlib import Path

import numpy as np

from index import LexicalIndex

TEXTS = {
    1: "The city prevention plan funds youth workers.",
    2: "Violent extremism prevention in Berlin schools.",
    3: "منع التطرف العنيف في المدارس",
    4: "城市预防暴力极端主义计划",
    5: "Football club opening hours.",
}


def build() -> LexicalIndex:
    lex = LexicalIndex()
    lex.add(np.array(list(TEXTS)), list(TEXTS.values()))
    return lex


def test_search_ranks_matching_chunks_and_drops_zero_scores() -> None:
    ids, scores = build().search("prevention plan", k=5)
    assert ids.tolist() == [1, 2]  # chunks 3-5 match nothing: bm25s would pad with zeros
    assert (scores > 0).all() and scores[0] > scores[1]


def test_weight_mask_filters_before_ranking() -> None:
    lex = build()
    ids, _ = lex.search("prevention plan", k=1, allowed=np.array([2, 5]))
    assert ids.tolist() == [2]  # the best match (1) is excluded, yet k hits still come back
    assert lex.search("prevention", k=5, allowed=np.array([], dtype=np.int64))[0].size == 0


def test_each_script_is_searchable() -> None:
    lex = build()
    assert lex.search("التَّطَرُّف", k=3)[0].tolist() == [3]
    assert lex.search("极端主义", k=3)[0].tolist() == [4]


def test_remove_and_replace() -> None:
    lex = build()
    lex.remove(np.array([1, 99]))
    assert 1 not in lex.search("prevention plan", k=5)[0]
    assert 1 not in lex.ids()
    lex.add(np.array([2]), ["opening hours of the library"])
    assert lex.search("extremism", k=5)[0].size == 0  # old text of 2 is gone
    assert lex.search("library", k=5)[0].tolist() == [2]
    assert len(lex) == 4


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    lex = build()
    lex.remove(np.array([5]))
    path = tmp_path / "lexical.npz"
    lex.save(path)
    again = LexicalIndex.load(path)
    assert again.ids().tolist() == [1, 2, 3, 4]
    for query in ("prevention plan", "التطرف", "极端"):
        a, b = lex.search(query, 5), again.search(query, 5)
        assert a[0].tolist() == b[0].tolist()
        np.testing.assert_allclose(a[1], b[1], rtol=1e-6)
    assert list(tmp_path.iterdir()) == [path]  # no temp file left behind


def test_load_absent_gives_empty_index(tmp_path: Path) -> None:
    lex = LexicalIndex.load(tmp_path / "missing.npz")
    assert len(lex) == 0
    assert lex.search("anything", 5)[0].size == 0


def test_scores_for_and_query_stats() -> None:
    lex = build()
    scores = lex.scores_for("prevention", np.array([2, 5, 42]))
    assert scores[0] > 0 and scores[1] == 0 and scores[2] == 0
    stats = lex.query_stats("prevention zzzunknown")
    assert (stats.terms, stats.matched) == (2, 1)
    best = lex.search("prevention zzzunknown", 1)[1][0]
    assert 0 < best < stats.ideal  # a full-coverage chunk would approach `ideal`


def test_vectorised_matrix_equals_bm25s_own_index() -> None:
    import bm25s

    from index.bm25 import BM25_B, BM25_K1, bm25_matrix

    rng = np.random.default_rng(1)
    docs = [rng.integers(0, 50, size=rng.integers(0, 30)).astype(np.int32) for _ in range(40)]
    vocab = {f"t{i}": i for i in range(60)}  # ten terms that no document has
    ref = bm25s.BM25(k1=BM25_K1, b=BM25_B)
    ref.index(([d.tolist() for d in docs], vocab), show_progress=False, create_empty_token=False)
    ours = bm25_matrix(docs, len(vocab))
    np.testing.assert_array_equal(np.asarray(ref.scores["indptr"]), ours["indptr"])
    np.testing.assert_array_equal(np.asarray(ref.scores["indices"]), ours["indices"])
    np.testing.assert_allclose(np.asarray(ref.scores["data"]), ours["data"], rtol=1e-5)
    assert ours["num_docs"] == ref.scores["num_docs"] == 40
