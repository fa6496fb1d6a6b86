"""The lab's array fusion: it must rank exactly as the product's hybrid_search, and treat a missing
second-encoder score as no score (the chunk keeps its e5 standing), not as a low one."""

from __future__ import annotations

import numpy as np

from evals.lab.fusion import Candidates, LabConfig, fuse_arrays
from evals.lab.xquad_lab import Lab
from index.fusion import LEXICAL_WEIGHT

from .conftest import XQUAD


def _cands(n: int, e5: list[float], use: list[float], covered: bool = True) -> Candidates:
    ids = np.arange(n, dtype=np.int64)
    z, f = np.zeros(n), np.zeros(n, bool)
    return Candidates(ids=ids, e5=np.array(e5, np.float32), lexical=z, latent=z.astype(np.float32),
                      e5_para=np.full(n, np.nan), use=np.array(use), use_para=np.full(n, np.nan), gate=np.ones(n),
                      same=f, in_e5=~f, in_lex=f, in_use=~f, ideal=0.0, share=0.0, query_covered=covered)


def test_a_missing_second_score_leaves_the_chunk_its_e5_standing() -> None:
    c = _cands(3, [0.9, 0.5, 0.1], [np.nan, 0.2, 0.8])
    cfg = LabConfig(alpha=0.5)
    # chunk 0 (no USE score: its language is not covered) stays first on e5 alone; 1 and 2 blend
    assert fuse_arrays(c, cfg).tolist()[0] == 0
    # a NaN treated as the lowest score would have sunk it
    sunk = _cands(3, [0.9, 0.5, 0.1], [-1.0, 0.2, 0.8])
    assert fuse_arrays(sunk, cfg).tolist()[0] != 0


def test_a_query_the_second_encoder_does_not_cover_ranks_as_today() -> None:
    c = _cands(3, [0.2, 0.5, 0.9], [0.9, 0.5, 0.1], covered=False)
    assert fuse_arrays(c, LabConfig(alpha=0.9)).tolist() == fuse_arrays(c, LabConfig()).tolist() == [2, 1, 0]


def test_the_lab_reproduces_the_product_on_real_xquad(tmp_path) -> None:
    """The product's ranking before the second encoder is the lab's default recipe, and with it
    (latent terms off, USE z-blended at 0.3, USE's own candidates) the lab's recipe R."""
    from evals.xquad import _Pool

    lab = Lab(XQUAD, tmp_path / "cache.sqlite")
    try:
        qs = lab.query_set("es", ["en"], 0, 4)
        docs, queries = lab.lang("en", 0, 4), lab.lang("es", 0, 4)
        pool = _Pool([docs], lab.e5, lab.cache, lab.latent, lab.use)
        qv = lab.cache.embed_queries(lab.e5, queries.questions)
        lat = lab.latent.unpack(lab.cache.embed_passages(lab.latent, queries.questions))
        quse = lab.cache.embed_passages(lab.use, queries.questions)
        today = LabConfig(use_e5_paragraphs=False)
        recipe = today.but(latent_weight=0.0, alpha=0.3, form="z", use_candidates=True)
        for i, text in enumerate(queries.questions):
            got = pool.rank(text, qv[i], 10, LEXICAL_WEIGHT, (lat[0][i], lat[1][i]), q_use=quse[i])
            assert got["fused, no second encoder"] == fuse_arrays(qs.cands[i], today)[:10].tolist(), text
            assert got["fused"] == fuse_arrays(qs.cands[i], recipe)[:10].tolist(), text
    finally:
        lab.close()
