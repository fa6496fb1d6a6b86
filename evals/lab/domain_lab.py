"""LAB: the domain and topical sets under ranking recipes, on the domain evaluation's KB home.

Written against the pre-reshape API (`Searcher(kb)` and its scorers): run it on branch `encoder-lab`.
The product's `kb eval domain` / `kb eval topical` now reproduce its recipe R figure for figure.

The home is the one `kb eval domain` fills. USE vectors of every chunk's index text and of its
paragraphs (`kb.context.passage_texts`) go through the KB's embedding cache under the USE id. Each
query's candidates and signals are gathered once (`Candidates`), ranked by `fuse_arrays`, and turned
into hits by the product's own `Searcher._hits` (diversity, copies folded, citations), so the
document-level scoring is `evals.domain`'s and `evals.topical`'s.

    python -m evals.lab.domain_lab [RECIPE...]
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from evals.domain import Query, _dedupe, _page_of_first_relevant, default_home, load_queries
from evals.domain_scoring import K, breakdown
from evals.lab.coverage import query_covered
from evals.lab.fusion import Candidates, LabConfig, fuse_scores
from evals.lab.reader import fold_translations, same_content
from evals.topical import evaluate as evaluate_topical
from evals.topical import load_topics
from index.embedders.usem3 import USEm3Embedder
from index.signals.passages import passage_texts
from index.tokenizer import dominant_script, language_script
from kb import KnowledgeBase
from kb.searching.searcher import CANDIDATES, Searcher, query_language

__all__ = ["DomainLab", "RECIPES"]

TODAY = LabConfig()
RECIPES: dict[str, LabConfig] = {
    "today": TODAY,
    "use z 0.3": TODAY.but(alpha=0.3, form="z"),
    "use z 0.4": TODAY.but(alpha=0.4, form="z"),
    "use z 0.3, no latent": TODAY.but(alpha=0.3, form="z", latent_weight=0.0),
    "use z 0.3, USE paras for e5 paras": TODAY.but(alpha=0.3, form="z", use_e5_paragraphs=False,
                                                   use_paragraph_weight=3.0),
    "use z 0.3, no latent, USE paras for e5 paras": TODAY.but(
        alpha=0.3, form="z", latent_weight=0.0, use_e5_paragraphs=False, use_paragraph_weight=3.0),
    "use z 0.3 MaxP both": TODAY.but(alpha=0.3, form="z", use_paragraph_weight=3.0),
    "use z 0.3 cross only": TODAY.but(alpha=0.3, form="z", use_cross_only=True),
    "use z 0.3 MaxP both, cross only": TODAY.but(alpha=0.3, form="z", use_paragraph_weight=3.0, use_cross_only=True),
    "use z 0.3 MaxP both, cross only, no latent": TODAY.but(
        alpha=0.3, form="z", use_paragraph_weight=3.0, use_cross_only=True, latent_weight=0.0),
    "use z 0.3 cross only, no latent": TODAY.but(alpha=0.3, form="z", use_cross_only=True, latent_weight=0.0),
    "use z 0.3 cross only, no latent, chunk = mean of paragraphs": TODAY.but(
        alpha=0.3, form="z", use_cross_only=True, latent_weight=0.0, chunk_from_paragraphs=True),
    "today, chunk = mean of paragraphs": TODAY.but(chunk_from_paragraphs=True),
    "use z 0.3 cross only, no latent, lexical 1.0": TODAY.but(
        alpha=0.3, form="z", use_cross_only=True, latent_weight=0.0, lexical_weight=1.0),
}


@dataclass
class _Use:
    """USE vectors of the KB's chunks (NaN rows where the chunk's language is not covered) and paragraphs."""

    ids: np.ndarray
    chunk: np.ndarray
    para_starts: np.ndarray
    paras: np.ndarray


class DomainLab:
    """Signals of every chunk of the evaluation home, gathered per query."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.use_model = USEm3Embedder()
        rows = kb.catalog.index_rows()
        ids = np.asarray([r[0] for r in rows], dtype=np.int64)
        texts = [r[1] for r in rows]
        langs = kb.catalog.chunk_languages(ids.tolist())
        self.langs = {int(i): langs.get(int(i), "und") for i in ids}
        chunk = kb.cache.embed_passages(self.use_model, texts)
        covered = np.array([self.use_model.covers(self.langs[int(i)]) for i in ids])
        chunk[~covered] = np.nan
        split = [passage_texts(t) for t in texts]
        flat = [p for g in split for p in g]
        paras = kb.cache.embed_passages(self.use_model, flat) if flat else np.zeros((0, 512), np.float32)
        starts = np.concatenate([[0], np.cumsum([len(g) for g in split])]).astype(np.int64)
        self.use = _Use(ids, chunk, starts, paras)
        self._pos = {int(i): n for n, i in enumerate(ids.tolist())}
        self.searcher = Searcher(kb)
        self._same: Any = None
        self._memo: dict[tuple[str, bytes | None], tuple[Candidates, np.ndarray]] = {}
        self.folds: list[tuple[int, list[int]]] = []
        self._docs: dict[int, int] = {}
        self.fold = True  # with a reader: fold translations
        self.reader_slot = False  # with a reader: LAB reader-language slot in the top 5
        self.doc_weight = 0.0  # LAB document evidence

    def candidates(self, query: str, allowed: np.ndarray | None = None) -> tuple[Candidates, np.ndarray]:
        """Every signal for the union of each side's top list (as `hybrid_search` gathers them); memoised."""
        key = (query, None if allowed is None else allowed.tobytes())
        if key not in self._memo:
            self._memo[key] = self._gather(query, allowed)
        return self._memo[key]

    def _gather(self, query: str, allowed: np.ndarray | None) -> tuple[Candidates, np.ndarray]:
        kb = self.kb
        qvec = kb.embedder.embed_query(query)
        language = query_language(query)
        d_ids, d_scores = kb.vectors.search(qvec, CANDIDATES, allowed)
        l_ids, l_scores = kb.lexical.search(query, CANDIDATES, allowed)
        quse = self.use_model.embed_query(query)
        use_all = self.use.chunk @ quse
        pool = self.use.ids if allowed is None else np.intersect1d(self.use.ids, allowed)
        pool_scores = use_all[[self._pos[int(i)] for i in pool]]
        finite = np.isfinite(pool_scores)
        top_use = pool[finite][np.argsort(-pool_scores[finite], kind="stable")[:CANDIDATES]]
        ids = np.union1d(np.union1d(d_ids, l_ids), top_use)
        e5_map = dict(zip(d_ids.tolist(), d_scores.tolist(), strict=True))
        rest = np.setdiff1d(ids, d_ids)
        if len(rest):
            x_ids, x_sc = kb.vectors.search(qvec, len(rest), rest)
            e5_map.update(zip(x_ids.tolist(), x_sc.tolist(), strict=True))
        lex_map = dict(zip(l_ids.tolist(), l_scores.tolist(), strict=True))
        missing = np.setdiff1d(ids, l_ids)
        if len(missing):
            extra = kb.lexical.scores_for(query, missing)
            lex_map.update((int(i), float(s)) for i, s in zip(missing, extra, strict=True) if s > 0)
        latent = self.searcher._latent_scorer(query)
        passages = self.searcher._passage_scorer(qvec)
        langs = [self.langs.get(int(i), "und") for i in ids]
        gate = np.ones(len(ids))
        q_script = dominant_script(query)
        if q_script is not None:
            gate = np.array([0.0 if (s := language_script(x)) is not None and s != q_script else 1.0 for x in langs])
            if language:
                gate *= np.array([0.0 if x not in (None, "und", language) else 1.0 for x in langs])
        stats = kb.lexical.query_stats(query) if len(kb.lexical) else None
        pos = [self._pos[int(i)] for i in ids]
        use_para = np.full(len(ids), np.nan)
        for n, p in enumerate(pos):
            a, b = self.use.para_starts[p], self.use.para_starts[p + 1]
            if b > a and np.isfinite(use_all[p]):
                use_para[n] = float((self.use.paras[a:b] @ quse).max())
        scale = self.searcher._same_language_scale(language)
        parmean = np.full(len(ids), np.nan)
        store = kb.passages.store
        if store is not None:
            for n, g in enumerate(store.groups(ids)):
                if len(g):
                    m = g.astype(np.float32).mean(axis=0)
                    parmean[n] = float(m @ qvec / max(np.linalg.norm(m), 1e-12))
        c = Candidates(
            ids=ids,
            e5=np.array([e5_map[i] for i in ids.tolist()], dtype=np.float32),
            lexical=np.array([lex_map.get(i, 0.0) for i in ids.tolist()]),
            latent=latent(ids) if latent is not None else np.zeros(len(ids), np.float32),
            e5_para=passages(ids) if passages is not None else np.full(len(ids), np.nan),
            use=use_all[pos].astype(float),
            use_para=use_para,
            gate=gate,
            same=np.array([x == language for x in langs]) if language else np.zeros(len(ids), bool),
            in_e5=np.isin(ids, d_ids), in_lex=np.isin(ids, l_ids), in_use=np.isin(ids, top_use),
            ideal=stats.ideal if stats else 0.0,
            share=stats.share if stats else 0.0,
            query_covered=query_covered(query, language),
            scale=scale,
            e5_parmean=parmean,
        )
        return c, qvec

    def search(self, query: str, cfg: LabConfig, k: int = K, allowed: np.ndarray | None = None,
               reader: str | None = None) -> list[Any]:
        """Hits as `KnowledgeBase.search` makes them, ranked by `cfg`; with `reader`, translations are
        folded and the reader's version shown (evals.lab.reader), before the product's diversity."""
        c, qvec = self.candidates(query, allowed)
        ids, scores = fuse_scores(c, cfg)
        if self.doc_weight:
            ids, scores = self._doc_evidence(ids, scores)
        order = ids[: max(CANDIDATES, k * 5)].tolist()
        if reader and self.reader_slot and query_language(query) is None:  # topic-like queries only
            order = self._reader_slot(order, reader)
        if reader and self.fold:
            groups = fold_translations(order, self.same, self.langs, reader, k)
            self.folds.extend((g, f) for g, f in groups if f)
            kept = [g for g, _ in groups]
            order = kept + [i for i in order if i not in kept and not any(i in f for _, f in groups)]
        ranked = [(int(i), 0.0) for i in order]
        return self.searcher._hits(ranked, k, query, qvec, {}, "lexical")

    def _doc_of(self, ids: list[int]) -> dict[int, int]:
        missing = [i for i in ids if i not in self._docs]
        if missing:
            self._docs.update({cid: c.doc_id for cid, c in self.kb.catalog.chunks(missing).items()})
        return self._docs

    def _doc_evidence(self, ids: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """LAB: each chunk gains `doc_weight` x the mean score of its document's best 3 candidates, so a
        document on the topic (many chunks that match) beats one that mentions it once."""
        docs = self._doc_of(ids.tolist())
        per: dict[int, list[float]] = {}
        for i, sc in zip(ids.tolist(), scores.tolist(), strict=True):
            per.setdefault(docs.get(i, -1), []).append(sc)
        mean3 = {d: float(np.mean(sorted(v, reverse=True)[:3])) for d, v in per.items()}
        new = scores + self.doc_weight * np.array([mean3[docs.get(i, -1)] for i in ids.tolist()])
        order = np.lexsort((ids, -new))
        return ids[order], new[order]

    def _reader_slot(self, order: list[int], reader: str, k: int = 5, lookahead: int = 30) -> list[int]:
        """LAB: when no document in the reader's language is among the first k documents, the best
        chunk in that language within the first `lookahead` candidates takes the k-th document's place.
        Applied to queries without a detected language (under 4 words: topics, not questions)."""
        docs = self._doc_of(order[:lookahead])
        seen: list[int] = []
        cut = len(order)
        for n, i in enumerate(order[:lookahead]):
            d = docs.get(i, -1)
            if d not in seen:
                seen.append(d)
                if len(seen) == k:
                    cut = n
                    break
        head = order[:cut]
        if any(self.langs.get(i) == reader for i in head) or cut >= len(order):
            return order
        best = next((i for i in order[cut:lookahead] if self.langs.get(i) == reader), None)
        if best is None:
            return order
        return [*head, best, *[i for i in order[cut:] if i != best]]

    @property
    def same(self) -> Any:
        """The translation test over this KB's chunks (e5 vectors from the index, USE from the lab)."""
        if self._same is None:
            ids = self.use.ids
            e5 = dict(zip(ids.tolist(), self.kb.vectors.vectors(ids), strict=True))
            use = dict(zip(ids.tolist(), np.nan_to_num(self.use.chunk), strict=True))
            self._same = same_content(e5, use, self.langs, dict(self.kb.catalog.index_rows(ids)))
        return self._same

    def cross_language_pairs(self, mean_threshold: float = 0.55, e5_threshold: float = 0.5) -> list[tuple]:
        """Chunk pairs of different documents and languages that the translation test calls the same."""
        ids = self.use.ids
        e5 = self.kb.vectors.vectors(ids)
        use = np.nan_to_num(self.use.chunk)
        docs = {cid: c.doc_id for cid, c in self.kb.catalog.chunks(ids.tolist()).items()}
        out = []
        sims_e5, sims_use = e5 @ e5.T, use @ use.T
        for a in range(len(ids)):
            for b in range(a + 1, len(ids)):
                ia, ib = int(ids[a]), int(ids[b])
                if self.langs[ia] == self.langs[ib] or docs[ia] == docs[ib]:
                    continue
                mean = (sims_e5[a, b] + sims_use[a, b]) / 2
                if mean >= mean_threshold or sims_e5[a, b] >= e5_threshold:
                    out.append((ia, ib, self.langs[ia], self.langs[ib], round(float(sims_e5[a, b]), 3),
                                round(float(mean), 3)))
        return out


def domain_rows(lab: DomainLab, queries: Sequence[Query], cfg: LabConfig, fold: bool = False) -> list[dict[str, Any]]:
    rows = []
    for q in queries:
        allowed = lab.kb.catalog.filtered_chunk_ids(q.filters) if q.filters else None
        hits = [(h.source, h.page) for h in lab.search(q.query, cfg, allowed=allowed, reader=q.lang if fold else None)]
        ranked = _dedupe(hits)[:K]
        first = next((i for i, s in enumerate(ranked, start=1) if s in q.relevant), None)
        rows.append({"id": q.id, "query": q.query, "lang": q.lang, "kind": q.kind, "relevant": list(q.relevant),
                     "ranked": ranked, "rank": first, "gold_page": q.page,
                     "cited_page": _page_of_first_relevant(hits, q.relevant), "file": q.id[0]})
    return rows


def summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    b = breakdown(rows)
    pick = ("recall@1", "recall@5", "mrr@10", "page_accuracy")
    out = {"all": {m: b["overall"][m] for m in pick}}
    for kind, v in b["by_kind"].items():
        out[kind] = {m: v[m] for m in pick}
    for lang, v in b["by_lang"].items():
        out[lang] = {m: v[m] for m in pick}
    return out


def main(argv: Sequence[str]) -> None:
    fold = "--fold" in argv or "--slot" in argv
    names = [a for a in argv if not a.startswith("--")] or list(RECIPES)
    queries = load_queries(Path(__file__).resolve().parents[1] / "domain")
    topics = load_topics()
    readers = {q: lang for t in topics for lang, q in t.queries.items()}
    with KnowledgeBase(default_home()) as kb:
        lab = DomainLab(kb)
        lab.fold = "--fold" in argv
        lab.reader_slot = "--slot" in argv
        lab.doc_weight = next((float(a.split("=")[1]) for a in argv if a.startswith("--doc=")), 0.0)
        for name in names:
            cfg = RECIPES[name]
            if "--pairs" in argv:
                pairs = lab.cross_language_pairs()
                print(json.dumps({"cross-language pairs called translations": len(pairs), "pairs": pairs[:20]}))
                return
            lab.folds = []
            rows = domain_rows(lab, queries, cfg, fold)
            out = {"recipe": name + (" + translation folding" if lab.fold else "")
                   + (" + reader slot" if lab.reader_slot else "") + (f" + doc {lab.doc_weight}" if lab.doc_weight else ""),
                   "domain a (tune)": summary([r for r in rows if r["file"] == "a"]),
                   "domain b (test)": summary([r for r in rows if r["file"] == "b"]),
                   "domain all": summary(rows)}
            top = evaluate_topical(kb, topics, search=lambda q, cfg=cfg, r=readers: lab.search(
                q, cfg, reader=r[q] if fold else None))
            out["folds"] = len(lab.folds)
            out["topical"] = {lang: {"top1": v["top1_on_topic"], "own5": v["own_language_top5"]}
                              for lang, v in top["by_lang"].items()}
            out["topical misses"] = [r["id"] for r in top["results"] if not r["ranked"] or r["ranked"][0] not in r["relevant"]]
            print(json.dumps(_rounded(out), ensure_ascii=False), flush=True)


def _rounded(x: Any) -> Any:
    if isinstance(x, float):
        return round(x, 4)
    if isinstance(x, dict):
        return {k: _rounded(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_rounded(v) for v in x]
    return x


if __name__ == "__main__":
    main(sys.argv[1:])
