"""Passage vectors: each paragraph of a chunk embedded on its own, so one paragraph can win a page.

A chunk's vector pools ~300 tokens. On a five-page PDF the overview page touches every subject
of the document a little, and its pooled vector often beats the page whose one paragraph answers
the question ("within how many hours does the committee issue a statement?"). So each paragraph of
a multi-paragraph chunk is embedded too, under the chunk's header line (`passage_texts`), and a
candidate's dense score gets `PASSAGE_WEIGHT` x its best paragraph's score before the same-language
scale and fusion (`Stage.BLEND`; a chunk of one paragraph counts its own score there): the "MaxP"
score of passage-level retrieval, blended with the whole chunk (after min-max normalisation in
fusion, about 1/4 chunk, 3/4 best paragraph).

Measured on the domain set (`make eval`, weight 3): page accuracy 0.82 -> 0.88, Recall@1 0.825 ->
0.850, MRR@10 0.892 -> 0.901, cross-lingual MRR@10 0.884 -> 0.896; Recall@5 0.983 -> 0.975 (one
question falls from rank 4 to 8 behind documents with more paragraphs). Five wrong pages became
right, two right ones wrong. Page accuracy 0.88 for weights 2, 3 and 4. Paragraphs embedded without the header did worse than none (a paragraph then
matches the query's city or programme name only if it repeats it, as first pages do); max over the
paragraphs beat their mean of the top two and "best minus mean".

Cost (`make bench`, starter corpus): 472 paragraphs for 243 chunks, 27 % of the model time at
ingest (pages/s 1.30 -> 0.78 with latent terms); 2 bytes x dim per paragraph in memory (~1.5 KB
a chunk at 384 dims); < 1 ms a query. A KB keeps them per `Settings.passages` (KB_PASSAGES=
auto|on|off); one from before them gets them with `kb reindex`.

Why the header matters: without the title and place a paragraph can only match the query's city or
programme name if it repeats it, which favours the first page again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from index.chunk_store import ChunkStore
from index.signals.base import IngestCost, Query, SignalEnv, Stage, as_ids
from index.signals.optional import OptionalSignal

__all__ = ["PASSAGE_WEIGHT", "PASSAGES_AUTO_MAX", "PASSAGE_FORMAT", "PASSAGE_MIN_CHARS", "PASSAGE_MAX_CHARS",
           "PassageStore", "PassageSignal", "passage_texts"]

PASSAGE_WEIGHT = 3.0
# In "auto" mode (the default) a KB keeps passage vectors up to this many chunks (~230 MB at 384 dims).
PASSAGES_AUTO_MAX = 100_000
_FORMAT_VERSION = 1

# A passage ends at a line that ends a sentence once it holds PASSAGE_MIN_CHARS (so headings, short
# bullets and PDF lines that end mid-paragraph join what follows), and in any case at a line break
# past PASSAGE_MAX_CHARS. Characters, not words, so that scripts without spaces are cut too; a CJK
# character counts as three (it carries about as much as a short Latin word).
PASSAGE_MIN_CHARS = 60
PASSAGE_MAX_CHARS = 800
# Saved with the paragraph vectors; change it whenever `passage_texts` cuts differently, so a store
# cut the old way is dropped on open and refilled from the cache (or by `kb reindex`).
PASSAGE_FORMAT = "1"
_SENTENCE_END = (".", "!", "?", "…", "。", "！", "？", "؟", ":", ";")
_CLOSERS = "\"'”’»)]"


def passage_texts(indexed: str) -> list[str]:
    """The paragraphs of an indexed chunk text, each under the text's header line.

    Args:
        indexed: a chunk's index text (its first line is the header: title, place, section).

    Returns:
        `header + "\\n" + paragraph` for each paragraph, or [] when the chunk has fewer than two:
        a one-paragraph chunk is scored by its own vector, so nothing is embedded twice.
    """
    head, _, body = indexed.partition("\n")
    out: list[str] = []
    current: list[str] = []
    size = 0
    for line in body.split("\n"):
        line = line.strip()
        if not line:
            continue
        current.append(line)
        size += _size(line) + 1
        ends = line.rstrip(_CLOSERS).endswith(_SENTENCE_END)
        if (ends and size >= PASSAGE_MIN_CHARS) or size >= PASSAGE_MAX_CHARS:
            out.append("\n".join(current))
            current, size = [], 0
    if current:
        if out and size < PASSAGE_MIN_CHARS:
            out[-1] += "\n" + "\n".join(current)  # a short tail (a footer line) joins the last one
        else:
            out.append("\n".join(current))
    return [f"{head}\n{p}" for p in out] if len(out) > 1 else []


def _size(line: str) -> int:
    """Length in Latin-character equivalents: CJK ideographs and kana count three."""
    return len(line) + 2 * sum(1 for ch in line if "\u2e80" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff")


class PassageStore(ChunkStore[np.ndarray]):
    """Paragraph vectors of every indexed chunk, by chunk id (a chunk may have none).

    Kept like `index.latent.LatentStore` (see `index.chunk_store`): `_starts` gives each chunk's
    slice of `_rows`.
    A chunk stored with zero rows still counts, so `len(store)` says how many chunks were processed.
    """

    format_version = _FORMAT_VERSION

    def __init__(self, dim: int, recipe: str = "") -> None:
        super().__init__()
        self.dim, self.recipe = dim, recipe
        self._starts = np.zeros(1, dtype=np.int64)
        self._rows = np.zeros((0, dim), dtype=np.float16)

    def add(self, ids: np.ndarray, groups: list[np.ndarray]) -> None:
        """Store each chunk's paragraph vectors ([n_i, dim], n_i may be 0); a known id is replaced."""
        ids = np.asarray(ids, dtype=np.int64).reshape(-1)
        if len(ids) != len(groups):
            raise ValueError(f"{len(ids)} ids for {len(groups)} groups of passage vectors.")
        self._put(ids, [np.asarray(group, dtype=np.float16).reshape(-1, self.dim) for group in groups])

    def load_arrays(self, ids: np.ndarray, starts: np.ndarray, rows: np.ndarray) -> None:
        """Bulk-load an EMPTY store (benchmarks): sorted unique `ids`, chunk i owning rows[starts[i]:starts[i+1]]."""
        if len(self):
            raise ValueError("load_arrays fills an empty store only.")
        ids, starts = np.asarray(ids, dtype=np.int64), np.asarray(starts, dtype=np.int64)
        if len(starts) != len(ids) + 1 or starts[-1] != len(rows) or (np.diff(ids) <= 0).any():
            raise ValueError("load_arrays needs sorted unique ids and one start per id plus the end.")
        with self._lock:
            self._ids, self._starts = ids, starts
            self._rows = np.asarray(rows, dtype=np.float16).reshape(-1, self.dim)
            self._dead = np.zeros(len(ids), dtype=bool)

    def groups(self, ids: np.ndarray) -> list[np.ndarray]:
        """Each chunk's paragraph vectors (float16 [n, dim]; empty for a chunk with none or unknown)."""
        ids = np.asarray(ids, dtype=np.int64).reshape(-1)
        with self._lock:
            self._merge()
            pos, found = self._positions(ids)
            return [self._rows[self._starts[p] : self._starts[p + 1]].copy() if ok else np.zeros((0, self.dim), np.float16)
                    for p, ok in zip(pos.tolist(), found.tolist(), strict=True)]

    def _merge(self) -> None:
        if not self._pending and not self._dead.any():
            return
        sizes, alive = np.diff(self._starts), ~self._dead
        kept_rows = self._rows[np.repeat(alive, sizes)] if self._dead.any() else self._rows
        pending = list(self._pending.values())
        ids = np.concatenate([self._ids[alive], np.fromiter(self._pending, np.int64, len(pending))])
        sizes = np.concatenate([sizes[alive], np.fromiter((len(g) for g in pending), np.int64, len(pending))])
        rows = np.concatenate([kept_rows, *pending]) if pending else kept_rows
        starts = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        if (np.diff(ids) < 0).any():  # new ids below old ones: gather each chunk's rows in id order
            order = np.argsort(ids, kind="stable")
            first, sizes = starts[:-1][order], sizes[order]
            ids, starts = ids[order], np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
            rows = rows[np.repeat(first, sizes) + (np.arange(starts[-1]) - np.repeat(starts[:-1], sizes))]
        self._ids, self._starts, self._rows = ids, starts, rows.astype(np.float16, copy=False)
        self._dead = np.zeros(len(self._ids), dtype=bool)
        self._pending = {}

    def best(self, query_vector: np.ndarray, ids: np.ndarray) -> np.ndarray:
        """Each chunk's best paragraph score (inner product); NaN for a chunk with none or unknown."""
        ids = np.asarray(ids, dtype=np.int64).reshape(-1)
        out = np.full(len(ids), np.nan, dtype=np.float32)
        q = np.asarray(query_vector, dtype=np.float32).reshape(-1)
        with self._lock:
            self._merge()
            pos, found = self._positions(ids)
            for i in np.flatnonzero(found).tolist():
                a, b = self._starts[pos[i]], self._starts[pos[i] + 1]
                if b > a:
                    out[i] = float((self._rows[a:b].astype(np.float32) @ q).max())
        return out

    @classmethod
    def load(cls, path: Path, dim: int, recipe: str = "") -> PassageStore:
        """Read a saved store; an empty one when the file is absent.

        Raises ValueError if foreign: another layout, vector size or `recipe` (the caller's name for
        how texts were cut into paragraphs, as saved), so the caller rebuilds it.
        """
        self = cls(dim, recipe)
        path = Path(path)
        if not path.exists():
            return self
        with np.load(path, allow_pickle=False) as data:
            if int(data["format_version"]) != _FORMAT_VERSION or data["rows"].shape[1:] != (dim,):
                raise ValueError(f"{path} is not a passage store of {dim}-dim vectors.")
            if str(data["recipe"]) != recipe:
                raise ValueError(f"{path} holds paragraphs cut by recipe {str(data['recipe'])!r}, not {recipe!r}.")
            self._ids = data["ids"].astype(np.int64)
            self._starts = data["starts"].astype(np.int64)
            self._rows = data["rows"].astype(np.float16)
        if len(self._starts) != len(self._ids) + 1 or self._starts[-1] != len(self._rows):
            raise ValueError(f"{path} is inconsistent.")
        self._dead = np.zeros(len(self._ids), dtype=bool)
        return self

    def _saved(self) -> dict[str, np.ndarray | np.generic]:
        return {"recipe": np.str_(self.recipe), "starts": self._starts, "rows": self._rows}


class PassageSignal(OptionalSignal[PassageStore]):
    """Paragraph vectors as a ranking signal: embedded at ingest through the cache, best one per candidate."""

    name = "passages"
    file_name = "passages"
    stage = Stage.BLEND
    weight = PASSAGE_WEIGHT
    cost = IngestCost(model_passes=1.0, bytes_per_chunk=1500, query_ms=1.0)
    noun = "paragraph vectors"
    report_key = "passages"
    setting = "passages"
    env_var = "KB_PASSAGES"

    def __init__(self, env: SignalEnv | None = None, *, store: PassageStore | None = None,
                 weight: float | None = None) -> None:
        super().__init__(env, store=store, weight=weight)

    @classmethod
    def auto_max(cls) -> int:
        return PASSAGES_AUTO_MAX  # read at each call, so it follows the module constant

    def _new(self) -> PassageStore:
        return PassageStore(self.models.embedder.dim, PASSAGE_FORMAT)

    def _load(self, path: Path) -> PassageStore:
        return PassageStore.load(path, self.models.embedder.dim, PASSAGE_FORMAT)

    def encode(self, texts: Sequence[str], languages: Sequence[str | None] | None = None) -> list[np.ndarray] | None:
        """Each index text's paragraph vectors ([n, dim], n may be 0), through the cache; None when off."""
        if self.store is None:
            return None
        split = [passage_texts(t) for t in texts]
        flat = [p for group in split for p in group]
        vectors = self.models.embed(flat) if flat else np.zeros((0, self.models.embedder.dim), np.float32)
        return _regroup(vectors, [len(g) for g in split])

    def add(self, ids: np.ndarray, rows: list[np.ndarray] | None) -> None:
        if rows is not None and self.store is not None:
            self.store.add(ids, rows)

    def rows_of(self, ids: np.ndarray) -> list[np.ndarray] | None:
        """The stored paragraph vectors of these chunks (float16 [n_i, dim] each)."""
        return self.store.groups(as_ids(ids)) if self.store is not None else None

    def repair(self, ids: np.ndarray, texts: Sequence[str], languages: Sequence[str | None] | None = None) -> bool:
        """Paragraph vectors for these chunks from the embedding cache only. True if any were added.

        A chunk whose paragraphs were never embedded stays without; ranking leaves passage vectors
        out until `kb reindex` embeds them. One cache read for all, so opening a large KB stays quick.
        """
        if self.store is None or not len(ids):
            return False
        split = [passage_texts(t) for t in texts]
        found, vectors = self.models.cache.cached(self.models.embedder, [p for g in split for p in g])
        bounds = np.cumsum([0, *(len(g) for g in split)])
        keep = [i for i in range(len(split)) if found[bounds[i] : bounds[i + 1]].all()]
        if not keep:
            return False
        self.store.add(np.asarray(ids, dtype=np.int64)[keep], [vectors[bounds[i] : bounds[i + 1]] for i in keep])
        return True

    def score(self, query: Query, ids: np.ndarray) -> np.ndarray:
        """Each candidate's best paragraph score; NaN for a chunk of one paragraph."""
        assert self.store is not None  # scored only while in use
        return self.store.best(query.vector, ids)

    def best_paragraphs(self, vector: np.ndarray, texts: Mapping[int, str]) -> dict[int, str]:
        """Chunk id -> the body of its paragraph closest to `vector`, for chunks with paragraphs.

        Args:
            vector: a query vector.
            texts: chunk id -> its index text (the paragraphs are cut from it again).
        """
        if self.store is None or not texts:
            return {}
        ids = np.asarray(list(texts), dtype=np.int64)
        out: dict[int, str] = {}
        for cid, group in zip(ids.tolist(), self.store.groups(ids), strict=True):
            parts = passage_texts(texts[cid])
            if len(group) and len(group) == len(parts):
                out[cid] = parts[int(np.argmax(group.astype(np.float32) @ vector))].partition("\n")[2]
        return out


def _regroup(vectors: np.ndarray, sizes: list[int]) -> list[np.ndarray]:
    """Split stacked paragraph vectors back into one [n, dim] array per chunk."""
    bounds = np.cumsum([0, *sizes])
    return [vectors[a:b] for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
