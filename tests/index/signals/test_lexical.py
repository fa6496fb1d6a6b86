"""The lexical signal: add, remove, save/load and score on a tiny BM25 index."""

from __future__ import annotations

import numpy as np

from index import Query, SignalEnv
from index.signals import LexicalSignal, Stage

TEXTS = ["The mayor chairs the prevention group.", "Schools run youth workshops.", "A referral panel meets weekly."]


def test_lexical_signal_adds_removes_saves_loads_and_scores(hash_env: SignalEnv) -> None:
    lexical = LexicalSignal(hash_env)
    assert lexical.stage == Stage.LEXICAL and lexical.retrieves and lexical.weight == 1.5
    assert lexical.follow(0) is False  # an absent file is an empty index, nothing lost
    rows = lexical.encode(TEXTS)
    assert rows == TEXTS and hash_env.models.cache.count() == 0  # no model at all
    lexical.add(np.array([3, 1, 2]), rows)
    assert lexical.ids().tolist() == [1, 2, 3]
    query = Query("youth workshops in schools", np.zeros(4, np.float32))
    top, scores = lexical.search(query, 5)
    assert top.tolist() == [1]
    got = lexical.score(query, np.array([1, 2, 99]))
    assert got[0] == scores[0] and np.isnan(got[1]) and np.isnan(got[2])  # no matching term: no score
    ideal, share = lexical.evidence(query)
    assert ideal > scores[0] and share == 0.75  # "in" is in no chunk
    lexical.remove(np.array([1]))
    lexical.save()
    again = LexicalSignal(hash_env)
    assert again.ids().tolist() == [2, 3] and np.isnan(again.score(query, np.array([2])))[0]
    lexical.path.write_bytes(b"damaged")
    assert LexicalSignal(hash_env).follow(0) is True  # started empty, to be refilled from the catalog
