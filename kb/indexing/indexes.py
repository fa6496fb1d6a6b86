"""The derived indexes of one knowledge base: its list of ranking signals, handled alike.

The SQLite catalog is the truth; every signal's store (FAISS vectors, BM25, latent terms, paragraph
vectors: `index.signals`) is derived from its chunks' index texts through the model, and every
model output goes through the embedding cache, so an index can always be rebuilt (`rebuild`) or
mended (`kb.upkeep.consistency.check`) without paying for the model twice. Ingest, reindex, check/repair
and save iterate over the same list; a signal loads on first use, changes in memory, and is
written atomically by `save`. The chunk count that "auto" policies follow is the dense index's.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from index.models import Models
from index.signals import DenseSignal, LexicalSignal, Signal, SignalEnv, Stage, registry
from index.signals.base import encode_rows
from kb.indexing.index_text import INDEX_TEXT_FORMAT, index_rows
from kb.serving.guard import Guard
from kb.settings import Settings
from kb.store.catalog import Catalog

if TYPE_CHECKING:
    from index import Embedder, EmbeddingCache, LexicalIndex, VectorIndex

__all__ = ["Indexes", "Progress", "Encode"]

Progress = Callable[[int, int, str], None]
# (steps of index texts, names of the signals kept) -> each step's rows by signal name, in order: how a
# rebuild encodes (here, or on a Ray cluster that works on many steps at once: kb.distributed)
Encode = Callable[[Sequence[Sequence[str]], Sequence[str], Sequence[Sequence[str | None]]], Iterator[dict[str, Any]]]
REBUILD_STEP = 64  # chunks encoded per step of a rebuild


class Indexes:
    """The model, the embedding cache and the ranking signals of one KB home.

    Args:
        settings: the KB's settings (index folder, embedder, index kind, each signal's mode).
        catalog: the KB's catalog, read when an index is rebuilt or refilled.
    """

    def __init__(self, settings: Settings, catalog: Catalog) -> None:
        self.settings = settings
        self.catalog = catalog
        self.models = Models(settings.embedder, settings.cache_path)
        # readers share; a writer swaps documents in alone (kb.serving); after each of this process's
        # writes the indexes reflect the catalog's generation (`behind`)
        self.guard = Guard(after_write=self._caught_up)
        self._generation = catalog.generation()  # the saved stores are the catalog's as this opens
        self._follow_lock = threading.RLock()  # a signal's store is loaded once, by one reader
        self.signals = self._new_signals()
        self._dense = self._dense_of(self.signals)
        self._dirty = False

    def _new_signals(self) -> list[Signal]:
        settings = self.settings
        signals: list[Signal] = [
            cls(SignalEnv(self.models, settings.index_dir,
                          mode=settings.signal_mode(cls.name, cls.setting, cls.default_mode),
                          text_format=INDEX_TEXT_FORMAT, index_kind=settings.index_kind))
            for cls in registry.SIGNALS
        ]
        # a kept signal that supersedes others (the second encoder: latent terms) turns their
        # "auto" off; "on" still keeps them
        for s in signals:
            if s.supersedes and s.mode != "off" and s.available():
                for other in signals:
                    if other.name in s.supersedes and other.mode == "auto":
                        other.mode = "off"
        return signals

    @staticmethod
    def _dense_of(signals: list[Signal]) -> DenseSignal:
        dense = [s for s in signals if s.stage == Stage.DENSE]
        if len(dense) != 1 or not isinstance(dense[0], DenseSignal):
            raise RuntimeError("A knowledge base needs exactly one dense signal (index.signals.DenseSignal).")
        return dense[0]

    # --- parts, created on first use ---------------------------------------------------------

    @property
    def embedder(self) -> Embedder:
        return self.models.embedder

    @property
    def cache(self) -> EmbeddingCache:
        return self.models.cache

    def signal(self, name: str) -> Signal:
        """The KB's signal of this name (KeyError naming the known ones otherwise)."""
        for s in self.signals:
            if s.name == name:
                return s
        raise KeyError(f"No signal {name!r} in this knowledge base; it has {', '.join(s.name for s in self.signals)}.")

    @property
    def dense(self) -> DenseSignal:
        """The dense signal, opened; an index saved under another language basis is rebuilt first."""
        dense = self._dense
        if not dense.opened:
            if dense.follow(0):
                self._dirty = True
            if dense.stale_projection:
                # Same model, new language basis (an upgrade): the cached raw vectors are
                # re-projected, nothing is re-embedded, so rebuild now instead of refusing.
                self.rebuild()
        return dense

    @property
    def vectors(self) -> VectorIndex:
        """The dense signal's FAISS index."""
        return self.dense.index

    @property
    def lexical(self) -> LexicalIndex:
        """The BM25 index of the lexical signal."""
        lexical = self.signal("lexical")
        assert isinstance(lexical, LexicalSignal)
        return lexical.index

    @property
    def vectors_loaded(self) -> bool:
        """Whether the vector index was opened yet (a fresh, empty KB need not open it to be checked)."""
        return self._dense.opened

    @property
    def vectors_saved(self) -> bool:
        """Whether the KB home holds a saved vector index (checked without opening it)."""
        return self._dense.path.exists()

    @property
    def text_outdated(self) -> bool:
        """True when the indexes hold chunks embedded from an older `index_text` recipe.

        Search still works on them, a little worse; `kb reindex` re-embeds them with the current one.
        Not done on open, because unlike a new projection it runs the model over every chunk.
        """
        return self.dense.outdated()

    def active(self) -> list[Signal]:
        """The signals the KB keeps at its current size, each loaded or dropped as its policy says."""
        with self._follow_lock:  # many readers at once: one of them loads a store, the others wait
            chunks = len(self.dense)  # the vector count is the chunk count
            for s in self.signals:
                if s.follow(chunks):
                    self._dirty = True  # started empty (its file was lost or unreadable): write it
            return [s for s in self.signals if s.in_use]

    def ranking(self) -> list[Signal]:
        """The signals a search uses: kept, and complete (every chunk has its rows)."""
        active = self.active()
        chunks = len(self.dense)
        return [s for s in active if s.ready(chunks)]

    def incomplete(self) -> list[tuple[Signal, int]]:
        """(signal, catalog chunks without its rows) for each kept signal that ranking leaves out for now."""
        active = self.active()
        chunks = len(self.dense)
        out = []
        for s in active:
            if not s.ready(chunks):
                missing = max(len(self.catalog.chunk_ids()) - len(s), 0)
                if missing:
                    out.append((s, missing))
        return out

    # --- writing -----------------------------------------------------------------------------

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Passage vectors through the embedding cache (the model runs only for texts it lacks)."""
        return self.models.embed(texts)

    def encode(self, texts: Sequence[str], languages: Sequence[str | None] | None = None) -> dict[str, Any]:
        """Every kept signal's rows for these index texts, by signal name (the slow part of `add`).

        `languages`: each text's language, for the signals that need it (the second encoder)."""
        return {s.name: encode_rows(s, texts, languages) for s in self.active()}

    def languages(self, ids: np.ndarray) -> list[str | None]:
        """The catalog's language of each chunk id (None when unknown)."""
        known = self.catalog.chunk_languages([int(i) for i in ids])
        return [known.get(int(i)) for i in ids]

    def add(self, ids: np.ndarray, texts: Sequence[str], encoded: dict[str, Any] | None = None,
            languages: Sequence[str | None] | None = None) -> None:
        """Add chunks to every kept signal; `encoded`: what `encode` returned, when already computed;
        `languages`: the chunks' languages (read from the catalog when a signal needs them). A writer
        encodes first, then calls this inside `guard.exclusive()`: no model time there."""
        if not len(ids):
            return
        active = self.active()
        given = encoded or {}
        if languages is None and any(s.needs_languages and s.name not in given for s in active):
            languages = self.languages(ids)
        # first the slow parts, before any index changes
        rows = {s.name: given[s.name] if s.name in given else encode_rows(s, texts, languages)
                for s in active}
        for s in active:
            s.add(ids, rows[s.name])
        self._dirty = True

    def remove(self, ids: np.ndarray) -> None:
        """Drop chunks from every kept signal."""
        if len(ids):
            for s in self.active():
                s.remove(ids)
            self._dirty = True

    def refresh(self, ids: np.ndarray) -> None:
        """Index these chunks again from the catalog's current index texts (their header changed).

        Encoded first; the old rows are swapped for the new ones inside `guard.exclusive()`.
        """
        rows = index_rows(self.catalog, ids)
        new_ids = np.asarray([r[0] for r in rows], dtype=np.int64)
        texts = [r[1] for r in rows]
        encoded = self.encode(texts)
        with self.guard.exclusive():
            self.remove(ids)
            self.add(new_ids, texts, encoded)
        self.save()

    # --- another process's changes -----------------------------------------------------------

    def _caught_up(self) -> None:
        self._generation = self.catalog.generation()

    def behind(self) -> bool:
        """Whether the catalog changed since these indexes last reflected it: another process (a
        `kb remove` beside `kb serve`) committed a change. One small read; this process's own
        writes keep up as they go (`Guard(after_write=...)`)."""
        return self.catalog.generation() != self._generation

    def reload(self) -> None:
        """Drop every store held in memory: each loads again from its saved file on first use (the
        other process saved its indexes after its commit; `kb.upkeep.consistency.check` mends what
        it had not yet). Call it holding the writer lock."""
        signals = self._new_signals()
        with self.guard.exclusive():
            self.signals, self._dense = signals, self._dense_of(signals)
            self._dirty = False

    def mark_changed(self) -> None:
        """Say that an index changed outside `add` and `remove` (a repair), so `save` writes it."""
        self._dirty = True

    def save(self) -> None:
        """Write every kept signal atomically if anything changed."""
        if not self._dirty:
            return
        self.settings.index_dir.mkdir(parents=True, exist_ok=True)
        for s in self.active():
            s.save()
        self._dirty = False

    def close(self) -> None:
        """Close the embedding cache's database, if it was opened (the indexes hold no open files)."""
        self.models.close()

    def rebuild(self, progress: Progress | None = None, encode: Encode | None = None) -> int:
        """Rebuild every signal from the catalog with the current embedder. Returns the chunk count.

        The new stores are built beside the ones searches use and swapped in at the end (inside
        `guard.exclusive()`), so a server keeps answering from the old ones meanwhile.

        Args:
            progress: called as progress(done, total, "") after each step.
            encode: how the steps' texts become every signal's rows (default: here, step by step);
                a distributed backend (kb.distributed) passes its own, working on many steps at once.
        """
        with self.guard.writer():
            rows = index_rows(self.catalog)
            signals = self._new_signals()
            for s in signals:
                s.reset(len(rows))
            for s in signals:
                s.follow(len(rows))
            active = [s for s in signals if s.in_use]
            steps = [rows[start : start + REBUILD_STEP] for start in range(0, len(rows), REBUILD_STEP)]
            texts = [[r[1] for r in part] for part in steps]
            # each chunk's language, for the signals that cover only some (the second encoder)
            langs = [self.languages(np.asarray([r[0] for r in part], dtype=np.int64)) for part in steps]
            results = (encode(texts, [s.name for s in active], langs) if encode
                       else ({s.name: encode_rows(s, t, la) for s in active}
                             for t, la in zip(texts, langs, strict=True)))
            done = 0
            for part, encoded in zip(steps, results, strict=True):
                ids = np.asarray([r[0] for r in part], dtype=np.int64)
                for s in active:
                    s.add(ids, encoded[s.name])
                done += len(part)
                if progress:
                    progress(done, len(rows), "")
            with self.guard.exclusive():
                self.signals, self._dense = signals, self._dense_of(signals)
                self._dirty = True
            self.save()
            self.catalog.bump_generation()  # no row changed, but a server beside this must load the new stores
        return len(rows)
