"""Search: filters to allowed chunk ids, every ranking signal's scores combined, diversity,
citations and highlights.

The signals only know chunk ids; this module turns ranked ids into `Hit`s a person can read and
cite. How a score is formed is `index.hybrid` (see docs/ARCHITECTURE.md, "How a result is scored").
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from index import Query, gather, hybrid_search
from kb.indexing.indexes import Indexes
from kb.searching.citations import citation, cited_copy
from kb.searching.copies import diversify
from kb.searching.filters import allowed_ids
from kb.searching.highlights import highlight as mark_highlights
from kb.searching.reader_slot import is_topic, reader_slot
from kb.searching.translations import fold_translations, language_name, same_content
from kb.store.catalog import Catalog
from kb.types import Hit

__all__ = ["Searcher", "Rerank", "CANDIDATES", "query_language", "reader_language_of"]

CANDIDATES = 100  # per retrieving signal, before fusion
# Re-orders fused (chunk id, score) candidates, best first (see `Searcher.search`).
Rerank = Callable[[list[tuple[int, float]]], list[tuple[int, float]]]


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


def reader_language_of(query: str, reader_language: str | None, detected: str | None) -> str | None:
    """The reader's language: the one given (the UI's language, an API caller's), or for "auto" the
    query's when it can be told (`detected`: 4+ words; or a script only one language writes, such
    as Arabic); None turns "the reader's language first" off."""
    if reader_language != "auto":
        return reader_language or None
    if detected:
        return detected
    from index.tokenizer import dominant_script
    from ingest import detect_language

    # below 4 words only a script that names one language is trusted (STACK-NOTES: short
    # queries in Latin script are guessed wrong), so Latin and Cyrillic ones are not guessed at all
    if dominant_script(query) in (None, "latin", "cyrillic"):
        return None
    guess = detect_language(query)
    return guess if guess in ("ar", "zh", "ja", "ko", "th", "el", "he", "hi") else None


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

    def search(
        self, query: str, k: int = 10, filters: dict[str, Any] | None = None, highlight: str = "lexical", *,
        within: np.ndarray | None = None, rerank: Rerank | None = None, reader_language: str | None = None,
    ) -> list[Hit]:
        """Hits for a query, best first, read from one state of catalog and indexes
        (`kb.serving.Guard.shared`).

        Args:
            within: search only among these chunk ids (on top of the filters), e.g. a framework
                section's labelled chunks (kb.atlas).
            rerank: re-orders the fused (chunk id, score) candidates before hits are made, e.g.
                "prefer comparable cities" (kb.atlas); it may change scores, never drop candidates.
        """
        with self.indexes.guard.shared():
            return self._search(query, k, filters, highlight, within, rerank, reader_language)

    def _search(self, query: str, k: int, filters: dict[str, Any] | None, highlight: str,
                within: np.ndarray | None, rerank: Rerank | None, reader_language: str | None) -> list[Hit]:
        query = query.strip()
        if not any(ch.isalnum() for ch in query) or k <= 0:
            return []  # nothing to match ("", "???", an emoji): nearest neighbours of noise are noise
        allowed = self.allowed(filters, within)
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
        # a chunk the catalog no longer has (indexes a moment behind another process's commit) is
        # not a result: it would take a live one's place or fail to be cited
        ranked = [(h.chunk_id, h.score) for h in fused if h.chunk_id in languages]
        if rerank is not None:
            ranked = rerank(ranked)
        parts = {h.chunk_id: (h.dense_score, h.lexical_score) for h in fused}
        reader = reader_language_of(query, reader_language, language)
        translations: dict[int, list[int]] = {}
        if reader:
            ranked, translations = self._reader_first(ranked, reader, k, languages)
            if is_topic(query):
                ranked, _ = reader_slot(ranked, reader, languages, self._doc_of,
                                        lambda ids: self.indexes.vectors.vectors(np.asarray(ids, dtype=np.int64)) @ vector)
        return self.hits(ranked, k, query, vector, parts, highlight, translations)

    def _reader_first(
        self, ranked: list[tuple[int, float]], reader: str, k: int, known: dict[int, str] | None = None
    ) -> tuple[list[tuple[int, float]], dict[int, list[int]]]:
        """Fold translations among the first candidates and show each group in the reader's
        language (kb.searching.translations); a shown version takes its group's best score.
        `known`: the candidates' languages when the caller has read them already."""
        from kb.indexing.index_text import index_rows

        head = np.asarray([cid for cid, _ in ranked[: 3 * k]], dtype=np.int64)
        if len(head) < 2:
            return ranked, {}
        wanted = head.tolist()
        languages = ({cid: known[cid] for cid in wanted} if known is not None and all(c in known for c in wanted)
                     else self.catalog.chunk_languages(wanted))
        if len(set(languages.values())) < 2:
            return ranked, {}  # one language: nothing to fold
        e5 = dict(zip(head.tolist(), self.indexes.vectors.vectors(head), strict=True))
        use = self._use_vectors(head)
        texts = dict(index_rows(self.catalog, head))
        order, folded = fold_translations([cid for cid, _ in ranked], same_content(e5, use, texts),
                                          languages, reader, k)
        if not folded:
            return ranked, {}
        score = dict(ranked)
        best = {shown: max(score[m] for m in (shown, *members)) for shown, members in folded.items()}
        return [(cid, best.get(cid, score[cid])) for cid in order], folded

    def _doc_of(self, ids: Sequence[int]) -> dict[int, int]:
        """Chunk id -> document id for these chunks."""
        return {cid: c.doc_id for cid, c in self.catalog.chunks(ids).items()}

    def _use_vectors(self, ids: np.ndarray) -> dict[int, np.ndarray]:
        """The second encoder's stored vectors of these chunks (none when the KB does not keep it)."""
        for s in self.indexes.ranking():
            vectors = getattr(s, "vectors", None)
            if s.name == "use" and callable(vectors):
                return dict(vectors(ids))
        return {}

    def allowed(self, filters: dict[str, Any] | None, within: np.ndarray | None = None) -> np.ndarray | None:
        """The chunk ids the filters allow, within `within` when given (None: every chunk)."""
        base = allowed_ids(self.catalog, filters)
        if within is None:
            return base
        inside = np.sort(np.asarray(within, dtype=np.int64))
        return inside if base is None else np.intersect1d(base, inside)

    def similar(self, chunk_id: int, k: int = 10, filters: dict[str, Any] | None = None) -> list[Hit]:
        """"More like this", read from one state of catalog and indexes."""
        with self.indexes.guard.shared():
            return self._similar(chunk_id, k, filters)

    def _similar(self, chunk_id: int, k: int, filters: dict[str, Any] | None) -> list[Hit]:
        chunk = self.catalog.chunks([chunk_id]).get(int(chunk_id))
        if chunk is None:
            return []
        vectors = self.indexes.vectors
        vec = vectors.vectors(np.asarray([chunk_id], dtype=np.int64))[0]  # as indexed, no re-embedding
        allowed = allowed_ids(self.catalog, filters)
        own = set(self.catalog.filtered_chunk_ids({"doc_id": chunk.doc_id}).tolist())
        ids, scores = vectors.search(vec, CANDIDATES, allowed)
        ranked = [(int(i), float(s)) for i, s in zip(ids, scores, strict=True) if int(i) not in own]
        parts: dict[int, tuple[float | None, float | None]] = {cid: (score, None) for cid, score in ranked}
        return self.hits(ranked, k, chunk.text, vec, parts, "lexical")

    def _same_language_scale(self, language: str | None) -> float:
        """The embedder's measured same-language scale for this query (1.0 if it has none)."""
        scale = getattr(self.indexes.embedder, "same_language_scale", None)
        return float(scale(language)) if scale is not None else 1.0

    def hits(
        self,
        ranked: list[tuple[int, float]],
        k: int,
        query: str,
        qvec: np.ndarray,
        parts: dict[int, tuple[float | None, float | None]],
        highlight_with: str,
        translations: dict[int, list[int]] | None = None,
    ) -> list[Hit]:
        """Ranked (chunk id, score) pairs made into at most k cited hits (at most `max_per_doc` a
        document, copies folded), highlighted against `query` (and `qvec` for "dense")."""
        cat = self.catalog
        head = ranked[: max(k * 10, 50)]
        chunks = cat.chunks(cid for cid, _ in head)
        doc_of = {cid: c.doc_id for cid, c in chunks.items()}
        texts = {cid: c.text for cid, c in chunks.items()}
        translations = translations or {}
        others = [c for cid, _ in head for c in translations.get(cid, [])]
        for cid, c in cat.chunks(c for c in others if c not in chunks).items():
            chunks[cid] = c
            doc_of[cid] = c.doc_id
        chosen, copies = diversify(head, doc_of, k, self.max_per_doc, texts)
        shown = [c for cid, _ in chosen for c in (cid, *copies.get(cid, []), *translations.get(cid, []))]
        docs = cat.documents_by_ids({doc_of[c] for c in shown})
        hits = []
        for cid, score in chosen:
            chunk, doc = chunks[cid], docs[doc_of[cid]]
            meta = doc.metadata
            cited = ([cited_copy(docs[doc_of[c]], chunks[c]) for c in copies.get(cid, [])]
                     + [cited_copy(docs[doc_of[c]], chunks[c], translation=True) for c in translations.get(cid, [])])
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
                    copies=cited,
                    # the same copies as stored text (the CLI, JSON): a translation's language named first
                    also_in=[f"{language_name(c.language)}, {c.citation}" if c.language else c.citation
                             for c in cited],
                    ocr=chunk.page in doc.ocr_pages,
                )
            )
        mark_highlights(hits, query, qvec, dense=highlight_with == "dense", catalog=self.catalog, indexes=self.indexes)
        for hit in hits:  # cited under the subsection its highlighted sentences sit in (Chunk.section_of)
            chunk, doc = chunks[hit.chunk_id], docs[hit.doc_id]
            spans = [(at, at + len(h)) for h in hit.highlights if h and (at := hit.text.find(h)) >= 0]
            section = (chunk.section_of(min(a for a, _ in spans), max(b for _, b in spans)) if spans
                       else chunk.section_of())
            if section != hit.section:
                hit.section, hit.citation = section, citation(doc, replace(chunk, section=section))
        return hits
