"""The second encoder as a signal: its store, languages it does not cover, and the z-blend."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index import LexicalIndex, Query, SignalEnv, VectorIndex, gather, hybrid_search
from index.embedders.usem3 import USEm3Embedder
from index.hybrid import z_blend
from index.signals import DenseSignal, LexicalSignal, Stage, UseSignal, registry
from index.signals.use import query_covered

from ..conftest import unit_rows

TEXTS = [
    "The mayor chairs the prevention leadership group, which meets every month.",
    "Bake the bread for forty minutes at two hundred degrees.",
    "El alcalde preside el grupo de prevención, que se reúne cada mes.",
    "महापौर हर महीने रोकथाम समूह की बैठक की अध्यक्षता करते हैं।",
]
LANGS = ["en", "en", "es", "hi"]


@pytest.fixture(scope="module")
def use_model() -> USEm3Embedder:
    return USEm3Embedder()


def test_registered_at_its_own_stage() -> None:
    assert registry.signal_class("use") is UseSignal and UseSignal.stage == Stage.SECOND
    assert UseSignal.needs_languages and UseSignal.supersedes == ("latent",)


def test_add_remove_save_load_and_score(hash_env: SignalEnv, use_model: USEm3Embedder) -> None:
    signal = UseSignal(hash_env, encoder=use_model)
    assert signal.follow(4) and signal.in_use  # no file yet: started empty, to be saved
    rows = signal.encode(TEXTS, LANGS)
    assert rows is not None and rows.covered.tolist() == [True, True, True, False]
    assert rows.vectors.shape == (3, 512)
    signal.add(np.array([10, 11, 12, 13]), rows)
    # the Hindi chunk has no vector but counts as seen, so the store is complete
    assert signal.ids().tolist() == [10, 11, 12, 13] and len(signal) == 4 and signal.ready(4)
    q = Query("Who chairs the prevention group?", np.zeros(384, np.float32))
    got = signal.score(q, np.array([10, 11, 12, 13, 99]))
    assert got[0] > got[1] + 0.1 and got[2] > got[1] + 0.1  # English and Spanish answers beat the bread
    assert np.isnan(got[3]) and np.isnan(got[4])  # uncovered language, unknown id: no score
    ids, _ = signal.search(q, 2)
    assert set(ids.tolist()) == {10, 12}
    signal.remove(np.array([12, 13, 777]))
    assert signal.ids().tolist() == [10, 11]
    signal.save()
    again = UseSignal(hash_env, encoder=use_model)
    assert not again.follow(2) and again.ids().tolist() == [10, 11]
    assert np.allclose(again.score(q, np.array([10, 11])), signal.score(q, np.array([10, 11])), atol=1e-6)
    # a re-added chunk replaces its row, and may move between covered and not
    again.add(np.array([10]), again.encode([TEXTS[3]], ["hi"]))
    assert np.isnan(again.score(q, np.array([10]))[0]) and len(again) == 2


def test_repair_reads_the_cache_only(hash_env: SignalEnv, use_model: USEm3Embedder) -> None:
    first = UseSignal(hash_env, encoder=use_model)
    first.follow(0)
    first.encode(TEXTS[:2], LANGS[:2])  # cached now
    fresh = UseSignal(hash_env)  # no model loaded
    fresh.follow(0)
    assert fresh.repair(np.array([1, 2, 3, 4]), [TEXTS[0], TEXTS[1], "never encoded", TEXTS[3]],
                        ["en", "en", "en", "hi"])
    assert fresh.ids().tolist() == [1, 2, 4] and fresh._encoder is None


def test_queries_it_does_not_cover_get_no_score(hash_env: SignalEnv, use_model: USEm3Embedder) -> None:
    assert query_covered("haine en ligne", None) and query_covered("كيف نمنع التطرف", None)
    assert not query_covered("नफरत भरे भाषण", None)  # Devanagari: no USE score
    assert not query_covered("how do we stop hate speech online", "vi")  # a detected uncovered language
    signal = UseSignal(hash_env, encoder=use_model)
    signal.follow(0)
    signal.add(np.array([1, 2]), signal.encode(TEXTS[:2], LANGS[:2]))
    q = Query("रोकथाम समूह की अध्यक्षता कौन करता है?", np.zeros(384, np.float32))
    assert np.isnan(signal.score(q, np.array([1, 2]))).all() and not len(signal.search(q, 5)[0])


def test_off_mode_keeps_nothing(tmp_path: Path, hash_env: SignalEnv) -> None:
    off = UseSignal(SignalEnv(hash_env.models, tmp_path / "i", mode="off"))
    assert not off.follow(10) and not off.in_use and off.encode(TEXTS, LANGS) is None


def test_z_blend() -> None:
    dense = np.array([0.9, 0.5, 0.1], np.float32)
    assert z_blend(dense, np.full(3, np.nan), 0.3) is dense  # no second score: the dense side as it was
    second = np.array([0.1, 0.9, np.nan])
    out = z_blend(dense, second, 0.5)
    assert out.min() == 0.0 and out.max() == 1.0
    assert out[1] > out[0]  # the second encoder lifts what it is sure of
    # a missing second score stands at the dense side's own standing
    only = z_blend(dense, np.array([np.nan, np.nan, 0.4]), 0.3)
    assert np.argsort(-only).tolist() == [0, 1, 2]


def _pool() -> tuple[VectorIndex, LexicalIndex, VectorIndex]:
    dense = VectorIndex.create(8, "t")
    dense.add(np.arange(1, 5), unit_rows(4, 8, seed=1))
    lex = LexicalIndex()
    lex.add(np.arange(1, 5), ["alpha", "beta", "gamma", "delta"])
    lex.rebuild()
    second = VectorIndex.create(512, "u")
    second.add(np.arange(1, 5), unit_rows(4, 512, seed=2))
    return dense, lex, second


def test_hybrid_blends_only_other_languages() -> None:
    dense, lex, second = _pool()
    qvec = unit_rows(1, 8, seed=1)[0]  # closest to chunk 1 on the dense side
    quse = unit_rows(4, 512, seed=2)[3]  # chunk 4 on the second encoder
    langs = ["en", "en", "ar", "ar"]

    def ranking(signals: list, language: str | None) -> list[int]:
        q = Query("nothing matches", qvec, language, 1.0, {"use": quse})
        found = gather(q, signals, 10)
        return [h.chunk_id for h in hybrid_search(q, found, 4, [langs[i - 1] for i in found.ids.tolist()])]

    base = [DenseSignal(index=dense), LexicalSignal(index=lex)]
    with_use = [*base, UseSignal(index=second, encoder=object(), weight=0.9)]
    assert ranking(with_use, None)[0] == 4  # USE counts for every candidate without a query language
    # an Arabic query: the Arabic chunks keep their dense standing; an English query lifts chunk 4
    en, en_base = ranking(with_use, "en"), ranking(base, "en")
    assert en.index(4) < en_base.index(4) and en.index(4) < en.index(3)
    ar, ar_base = ranking(with_use, "ar"), ranking(base, "ar")
    assert [i for i in ar if i > 2] == [i for i in ar_base if i > 2]
