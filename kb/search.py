"""Search: filters to allowed chunk ids, hybrid retrieval, diversity, citations and highlights.

The indexes only know chunk ids; this module turns ranked ids into `Hit`s a person can read and
cite. Filters are a pre-filter: the catalog gives the ids that match and both indexes search only
among them, so a filter can never empty a page that has matching documents.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from typing import Any

import numpy as np

from index import Query, gather, hybrid_search
from index.signals import PassageSignal
from kb.indexing.index_text import index_rows, same_words
from kb.indexing.indexes import Indexes
from kb.near_duplicates import shingles
from kb.store.catalog import Catalog
from kb.types import Chunk, Document, Hit

__all__ = ["Searcher", "citation", "diversify", "split_sentences", "FILTER_KEYS"]

FILTER_KEYS = ("city", "country", "region", "doc_type", "themes", "language", "year_min", "year_max",
               "population_band", "prevention_level", "doc_id")
CANDIDATES = 100  # per retriever, before fusion
DENSE_HIGHLIGHT_BUDGET_S = 1.0  # time allowed for embedding sentences of cross-lingual hits

_SENTENCE_END = re.compile(r"(?<=[.!?؟。！？])\s+|\n+")


def query_language(query: str) -> str | None:
    """The query's language when it is long enough to tell (4+ words), else None.

    Language detection on 1-3 words is a guess; fusion only uses the language to stop BM25 from
    rewarding shared function words in other documents of the query's language.
    """
    from ingest import detect_language

    if len(query.split()) < 4:
        return None
    lang = detect_language(query)
    return None if lang == "und" else lang


def split_sentences(text: str) -> list[str]:
    """Sentences of a chunk, verbatim (so the UI can find them in the text to mark them)."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s and s.strip()]


def citation(doc: Document, chunk: Chunk) -> str:
    """`Title — City, CC (year), p. N, § Section` with the parts that are known."""
    place = ", ".join(p for p in (doc.metadata.get("city"), doc.metadata.get("country")) if p)
    head = doc.title + (f" — {place}" if place else "")
    if doc.metadata.get("year"):
        head += f" ({doc.metadata['year']})"
    parts = [head]
    if chunk.page:
        parts.append(f"p. {chunk.page}")
    # a heading that only repeats the title (a Markdown file's H1) is not said twice
    path = [s for s in chunk.section if not same_words(s, doc.title)]
    if path:
        parts.append(f"§ {' › '.join(path)}")
    return ", ".join(parts)


# A passage whose word 5-grams lie this much inside a better-ranked passage of another document is
# the same text (a PDF and its Word version, a plan quoting a guide): it is shown once, "also in".
COPY_CONTAINMENT = 0.8
_MIN_SHINGLES = 8  # shorter passages are too little to call copies
COPY_LOOKAHEAD = 3  # copies are looked for among the first 3 x k candidates

def diversify(
    ranked: list[tuple[int, float]], doc_of: dict[int, int], k: int, max_per_doc: int,
    texts: dict[int, str] | None = None,
) -> tuple[list[tuple[int, float]], dict[int, list[int]]]:
    """Keep rank order, up to k results, at most `max_per_doc` chunks of one document; with `texts`,
    a passage that repeats a kept one of another document is folded into it instead of shown.

    A copy does not take one of its document's places. Copies are looked for among the first
    `COPY_LOOKAHEAD` x k candidates, so a card can say "also in" even when the copy ranks below
    the last result, and the cost follows k, not the candidate list.

    Returns:
        (the kept (chunk id, score), {kept chunk id: ids of the copies folded into it, in rank order}).
    """
    per_doc: dict[int, int] = {}
    out: list[tuple[int, float]] = []
    size: dict[int, int] = {}
    owners: dict[tuple[str, ...], list[int]] = {}  # shingle -> kept chunks that hold it
    copies: dict[int, list[int]] = {}
    for n, (cid, score) in enumerate(ranked):
        doc = doc_of.get(cid)
        full = len(out) >= k
        if full and (texts is None or n >= COPY_LOOKAHEAD * k):
            break
        if doc is None:
            continue
        room = per_doc.get(doc, 0) < max_per_doc and not full
        if texts is None:
            if room:
                per_doc[doc] = per_doc.get(doc, 0) + 1
                out.append((cid, score))
            continue
        mine = shingles(texts[cid])
        twin = _twin(mine, owners, size, doc_of, doc) if len(mine) >= _MIN_SHINGLES else None
        if twin is not None:
            copies.setdefault(twin, []).append(cid)
        elif room:
            size[cid] = len(mine)
            for sh in mine:
                owners.setdefault(sh, []).append(cid)
            per_doc[doc] = per_doc.get(doc, 0) + 1
            out.append((cid, score))
    return out, copies


def _twin(
    mine: set[tuple[str, ...]], owners: dict[tuple[str, ...], list[int]], size: dict[int, int],
    doc_of: dict[int, int], doc: int,
) -> int | None:
    """The best-ranked kept passage of another document that shares most of `mine`'s shingles, or None."""
    shared = Counter(o for sh in mine for o in owners.get(sh, ()) if doc_of[o] != doc)
    for other in size:  # kept passages, in rank order
        n = shared.get(other, 0)
        if n and size[other] >= _MIN_SHINGLES and n >= COPY_CONTAINMENT * min(len(mine), size[other]):
            return other
    return None


_WHOLE_NUMBER_FILTERS = ("year_min", "year_max", "doc_id")


class Searcher:
    """Searches over a catalog and its indexes; cheap to create per query.

    Args:
        catalog: the KB's catalog (filters, chunks, languages, citations).
        indexes: the KB's indexes (the embedder and the ranking signals).
        max_per_doc: at most this many chunks of one document in a result list.
    """

    def __init__(self, catalog: Catalog, indexes: Indexes, max_per_doc: int) -> None:
        self.catalog = catalog
        self.indexes = indexes
        self.max_per_doc = max_per_doc

    def _allowed(self, filters: dict[str, Any] | None) -> np.ndarray | None:
        if not filters or not any(v not in (None, "", []) for v in filters.values()):
            return None
        unknown = set(filters) - set(FILTER_KEYS)
        if unknown:
            raise ValueError(f"Unknown filter {', '.join(sorted(unknown))}; use one of: {', '.join(FILTER_KEYS)}.")
        for name in _WHOLE_NUMBER_FILTERS:
            values = filters.get(name)
            for value in values if isinstance(values, list | tuple) else [values]:
                if value not in (None, "") and not str(value).strip().lstrip("-").isdigit():
                    raise ValueError(f"The {name} filter takes a whole number (a year or a document id), not {value!r}.")
        return self.catalog.filtered_chunk_ids(filters)

    def search(
        self, query: str, k: int = 10, filters: dict[str, Any] | None = None, highlight: str = "lexical"
    ) -> list[Hit]:
        query = query.strip()
        if not any(ch.isalnum() for ch in query) or k <= 0:
            return []  # nothing to match ("", "???", an emoji): nearest neighbours of noise are noise
        allowed = self._allowed(filters)
        if allowed is not None and not len(allowed):
            return []
        signals = self.indexes.ranking()
        # a signal's own query encoding (latent terms) first, then the dense embedding, as each
        # is a model pass; the signals that need none return None
        encoded = {s.name: s.encode_query(query) for s in signals}
        vector = self.indexes.embedder.embed_query(query)
        language = query_language(query)
        q = Query(query, vector, language, self._same_language_scale(language),
                  {name: e for name, e in encoded.items() if e is not None})
        # Fetch more than k so that diversity (at most N chunks per document) can still fill k.
        depth = max(CANDIDATES, k * 5)
        found = gather(q, signals, depth, allowed)
        languages = self.catalog.chunk_languages(found.ids.tolist())
        fused = hybrid_search(q, found, depth, [languages.get(i, "und") for i in found.ids.tolist()])
        ranked = [(h.chunk_id, h.score) for h in fused]
        parts = {h.chunk_id: (h.dense_score, h.lexical_score) for h in fused}
        return self._hits(ranked, k, query, vector, parts, highlight)

    def similar(self, chunk_id: int, k: int = 10, filters: dict[str, Any] | None = None) -> list[Hit]:
        chunk = self.catalog.chunks([chunk_id]).get(int(chunk_id))
        if chunk is None:
            return []
        vectors = self.indexes.vectors
        vec = vectors.vectors(np.asarray([chunk_id], dtype=np.int64))[0]  # as indexed, no re-embedding
        allowed = self._allowed(filters)
        own = set(self.catalog.filtered_chunk_ids({"doc_id": chunk.doc_id}).tolist())
        ids, scores = vectors.search(vec, CANDIDATES, allowed)
        ranked = [(int(i), float(s)) for i, s in zip(ids, scores, strict=True) if int(i) not in own]
        parts: dict[int, tuple[float | None, float | None]] = {cid: (score, None) for cid, score in ranked}
        return self._hits(ranked, k, chunk.text, vec, parts, "lexical")

    def _same_language_scale(self, language: str | None) -> float:
        """The embedder's measured same-language scale for this query (1.0 if it has none)."""
        scale = getattr(self.indexes.embedder, "same_language_scale", None)
        return float(scale(language)) if scale is not None else 1.0

    def _hits(
        self,
        ranked: list[tuple[int, float]],
        k: int,
        query: str,
        qvec: np.ndarray,
        parts: dict[int, tuple[float | None, float | None]],
        highlight: str,
    ) -> list[Hit]:
        cat = self.catalog
        head = ranked[: max(k * 10, 50)]
        chunks = cat.chunks(cid for cid, _ in head)
        doc_of = {cid: c.doc_id for cid, c in chunks.items()}
        texts = {cid: c.text for cid, c in chunks.items()}
        chosen, copies = diversify(head, doc_of, k, self.max_per_doc, texts)
        docs = cat.documents_by_ids({doc_of[c] for cid, _ in chosen for c in (cid, *copies.get(cid, []))})
        hits = []
        for cid, score in chosen:
            chunk, doc = chunks[cid], docs[doc_of[cid]]
            meta = doc.metadata
            hits.append(
                Hit(
                    chunk_id=cid,
                    doc_id=doc.id,
                    title=doc.title,
                    city=meta.get("city"),
                    country=meta.get("country"),
                    source=doc.source,
                    page=chunk.page,
                    section=chunk.section,
                    language=chunk.language,
                    text=chunk.text,
                    score=float(score),
                    citation=citation(doc, chunk),
                    year=meta.get("year"),
                    doc_type=meta.get("doc_type"),
                    dense_score=parts.get(cid, (None, None))[0],
                    lexical_score=parts.get(cid, (None, None))[1],
                    also_in=[citation(docs[doc_of[c]], chunks[c]) for c in copies.get(cid, [])],
                )
            )
        self._highlight(hits, query, qvec, dense=highlight == "dense")
        return hits

    def _best_paragraphs(self, hits: list[Hit], qvec: np.ndarray) -> dict[int, list[str]]:
        """Chunk id -> sentences of its paragraph closest to the query, from the stored paragraph vectors."""
        passages = [s for s in self.indexes.ranking() if isinstance(s, PassageSignal)]
        if not hits or not passages:
            return {}
        texts = dict(index_rows(self.catalog, np.asarray([h.chunk_id for h in hits], dtype=np.int64)))
        best = passages[0].best_paragraphs(qvec, {h.chunk_id: texts.get(h.chunk_id, "") for h in hits})
        return {cid: split_sentences(paragraph) for cid, paragraph in best.items()}

    def _highlight(self, hits: list[Hit], query: str, qvec: np.ndarray, dense: bool) -> None:
        """Mark the one or two sentences of each hit that best match the query.

        Words shared with the query decide when there are any. A cross-lingual hit shares none: with
        `dense`, its sentences are embedded and compared with the query vector, within a time budget
        and through the embedding cache (so a repeated query costs nothing). That costs ~0.3 s per
        chunk on 2 cores, far above a query's own cost, so the API leaves it off by default and the
        web UI turns it on for the cards it shows; without it such a hit has no highlights. Where the
        KB keeps paragraph vectors, only the sentences of the hit's best paragraph are embedded.
        """
        from index import tokenize

        qtokens = set(tokenize(query))
        deadline = time.monotonic() + DENSE_HIGHLIGHT_BUDGET_S
        paragraphs = self._best_paragraphs(hits, qvec) if dense else {}
        for hit in hits:
            sentences = split_sentences(hit.text)
            if not sentences:
                continue
            token_sets = [set(tokenize(s)) for s in sentences]
            overlap = [len(qtokens & t) / (1 + len(t)) ** 0.5 for t in token_sets]
            picked: list[int] = []
            if max(overlap) > 0:
                order = sorted(range(len(sentences)), key=lambda i: -overlap[i])
                picked = [i for i in order[:2] if overlap[i] > 0]
            elif dense and time.monotonic() < deadline:
                within = set(paragraphs.get(hit.chunk_id, ()))
                pool = [i for i, s in enumerate(sentences) if s in within] or list(range(len(sentences)))
                sims = self.indexes.embed([sentences[i] for i in pool]) @ qvec
                picked = [pool[int(i)] for i in np.argsort(-sims)[:2]]
            hit.highlights = [sentences[i] for i in sorted(picked)]
