"""Passage vectors: splitting a chunk into paragraphs, the store's bookkeeping, and the re-scoring."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index import LexicalIndex, VectorIndex
from index.signals import PassageSignal
from index.signals.passages import PASSAGE_MAX_CHARS, PassageStore, passage_texts
from kb.indexing.index_text import index_text

from ..conftest import hybrid

HEAD = "Plan — Northwick, United Kingdom › Support"


def unit(*values: float) -> np.ndarray:
    v = np.zeros(4, dtype=np.float32)
    v[: len(values)] = values
    return v / np.linalg.norm(v)


def test_paragraphs_are_cut_under_the_chunk_header() -> None:
    text = index_text("Plan", {"city": "Northwick", "country": "GB"}, ["Support"],
                      "Support\nThe advice centre gives free legal help to victims of hate crime.\n"
                      "A messaging channel answers in English and Polish, seven days a week.")
    assert passage_texts(text) == [
        f"{HEAD}\nSupport\nThe advice centre gives free legal help to victims of hate crime.",  # the heading joins
        f"{HEAD}\nA messaging channel answers in English and Polish, seven days a week.",
    ]


def test_one_paragraph_gives_no_passages_and_short_lines_join() -> None:
    assert passage_texts(f"{HEAD}\nThe advice centre gives free legal help to victims of hate crime.") == []
    # PDF lines broken mid-sentence, a short bullet and a footer line stay with their neighbours
    text = (f"{HEAD}\nThe advice centre gives free legal help to\nvictims of hate crime, on weekdays.\n"
            "- Open late.\n- A messaging channel answers in English and Polish, every day.\np. 3")
    assert [p.split("\n", 1)[1] for p in passage_texts(text)] == [
        "The advice centre gives free legal help to\nvictims of hate crime, on weekdays.",
        "- Open late.\n- A messaging channel answers in English and Polish, every day.\np. 3",
    ]


def test_scripts_without_spaces_and_endless_paragraphs_are_cut_too() -> None:
    zh = "市政府设立了人权咨询中心，为仇恨犯罪的受害者免费提供法律和心理支持，工作日每天开放到晚上六点。"
    assert len(passage_texts(f"{HEAD}\n{zh}\n{zh}")) == 2
    long_lines = "\n".join(["word " * 30] * 12)  # no sentence ends at all
    parts = passage_texts(f"{HEAD}\n{long_lines}")
    assert len(parts) >= 2 and all(len(p) < PASSAGE_MAX_CHARS + 200 for p in parts)


def test_store_add_replace_remove_and_best(tmp_path: Path) -> None:
    store = PassageStore(dim=4)
    store.add(np.array([30, 10, 20]), [np.stack([unit(1), unit(0, 1)]), np.zeros((0, 4)), np.stack([unit(0, 0, 1)])])
    assert store.ids().tolist() == [10, 20, 30] and len(store) == 3  # a chunk without passages still counts
    got = store.best(unit(0, 1), np.array([30, 10, 20, 99]))
    assert got[0] == pytest.approx(1.0, abs=1e-3)  # its best paragraph, not its first
    assert np.isnan(got[1]) and got[2] == pytest.approx(0.0, abs=1e-3) and np.isnan(got[3])
    store.add(np.array([30]), [np.stack([unit(0, 0, 0, 1)])])  # replaced
    store.remove(np.array([20, 12345]))
    assert store.ids().tolist() == [10, 30]
    assert store.best(unit(0, 1), np.array([30]))[0] == pytest.approx(0.0, abs=1e-3)
    path = tmp_path / "passages"
    store.save(path)
    again = PassageStore.load(path, dim=4)
    assert again.ids().tolist() == [10, 30] and again.nbytes() > 0
    assert again.best(unit(0, 0, 0, 1), np.array([30]))[0] == pytest.approx(1.0, abs=1e-3)
    with pytest.raises(ValueError):
        PassageStore.load(path, dim=8)  # another model's size: refused, so the KB rebuilds it
    PassageStore(4, recipe="2").save(path)
    with pytest.raises(ValueError, match="recipe"):
        PassageStore.load(path, dim=4, recipe="1")  # paragraphs cut another way: refused too
    assert len(PassageStore.load(tmp_path / "absent", dim=4)) == 0
    with pytest.raises(ValueError):
        store.add(np.array([1, 2]), [np.stack([unit(1)])])


def test_the_chunk_whose_one_paragraph_answers_outranks_the_overview() -> None:
    """Chunk 1 (an overview) is closer to the query as a whole; chunk 2 has the one paragraph that answers."""
    query = unit(1, 1)
    vectors = VectorIndex.create(4, "test", "flat")
    vectors.add(np.array([1, 2, 3], dtype=np.int64), np.stack([unit(1, 0.8), unit(1, 0.2, 0.6), unit(0, 0, 1)]))
    passages = PassageStore(dim=4)
    passages.add(np.array([1, 2, 3]), [np.stack([unit(1), unit(0, 1)]), np.stack([unit(1, 1), unit(0, 0, 1)]),
                                       np.zeros((0, 4))])

    def ranked(use: bool) -> list[int]:
        hits = hybrid("", query, vectors, LexicalIndex(), k=3, extra=[PassageSignal(store=passages)] if use else [])
        return [h.chunk_id for h in hits]

    assert ranked(False) == [1, 2, 3]
    assert ranked(True) == [2, 1, 3]
    hit = hybrid("", query, vectors, LexicalIndex(), k=1, extra=[PassageSignal(store=passages)])[0]
    assert hit.dense_score == pytest.approx(float(unit(1, 0.2, 0.6) @ query), abs=1e-4)  # the chunk's own score


def test_passage_signal_adds_removes_saves_loads_scores_and_repairs(tmp_path: Path) -> None:
    from index import Models, Query, SignalEnv

    models = Models("hash", tmp_path / "cache.sqlite")
    env = SignalEnv(models, tmp_path / "index", mode="on")
    two = (f"{HEAD}\nThe advice centre gives free legal help to victims of hate crime.\n"
           "A messaging channel answers in English and Polish, seven days a week.")
    one = f"{HEAD}\nThe advice centre gives free legal help to victims of hate crime."
    signal = PassageSignal(env)
    assert signal.follow(2) is False and signal.in_use
    rows = signal.encode([two, one])
    assert [len(r) for r in rows] == [2, 0] and models.cache.count() == 2  # one text is one paragraph
    signal.add(np.array([4, 9]), rows)
    assert signal.ids().tolist() == [4, 9] and signal.ready(2)
    query = Query("messaging channel", models.embedder.embed_query(passage_texts(two)[1]))
    best = signal.score(query, np.array([4, 9, 99]))
    assert best[0] == pytest.approx(1.0, abs=1e-2) and np.isnan(best[1]) and np.isnan(best[2])
    assert signal.best_paragraphs(query.vector, {4: two, 9: one}) == {
        4: "A messaging channel answers in English and Polish, seven days a week."}
    signal.remove(np.array([9]))
    signal.save()
    again = PassageSignal(env)
    again.follow(1)
    assert again.ids().tolist() == [4] and again.score(query, np.array([4]))[0] == pytest.approx(best[0], abs=1e-3)
    fresh = PassageSignal(env)
    fresh.reset(3)
    unseen = (f"{HEAD}\nA paragraph that was never embedded before, long enough to count as one.\n"
              "And a second paragraph, also new here, and also long enough to count.")
    assert len(passage_texts(unseen)) == 2
    assert fresh.repair(np.array([4, 9, 11]), [two, one, unseen])  # from the cache only
    assert fresh.ids().tolist() == [4, 9] and models.cache.count() == 2
    models.close()
