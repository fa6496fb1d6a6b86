"""Keeping the indexes true to the catalog: find their differences and repair them.

The SQLite catalog is the source of truth; the FAISS vectors, the BM25 index, the latent terms and
the passage vectors are derived from it. After a crash between a catalog commit and an index save, or after an index file
was lost, `check` finds the chunk ids one side has and the other lacks and mends them without
re-embedding what the embedding cache already holds. `KnowledgeBase.check` (on every open) and `kb check` call it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from kb.indexes import Indexes

__all__ = ["CheckReport", "check"]


@dataclass
class CheckReport:
    """Catalog <-> index consistency, before and after repair."""

    chunks: int
    vectors_missing: int
    vectors_orphaned: int
    lexical_missing: int
    lexical_orphaned: int
    repaired: bool
    latent_missing: int = 0
    latent_orphaned: int = 0
    passages_missing: int = 0
    passages_orphaned: int = 0

    @property
    def consistent(self) -> bool:
        return not (self.vectors_missing or self.vectors_orphaned or self.lexical_missing or self.lexical_orphaned
                    or self.latent_missing or self.latent_orphaned or self.passages_missing
                    or self.passages_orphaned)

    def to_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "consistent": self.consistent}


def check(kb: Indexes, repair: bool = True) -> CheckReport:
    """Compare the catalog's chunk ids with the vector, lexical, latent-term and passage indexes.

    Args:
        kb: the knowledge base's indexes (with its catalog and settings).
        repair: drop orphans and add what is missing: vectors from the embedding cache (embedded
            again only if absent there), BM25 rows from the catalog's text, latent terms and passage
            vectors from the cache only.

    Returns:
        The differences found, and whether they were repaired.
    """
    want = kb.catalog.chunk_ids()
    vec_path = kb.settings.index_dir / "vectors.faiss"
    if not len(want) and not kb.vectors_loaded and not vec_path.exists():
        return CheckReport(0, 0, 0, 0, 0, False)
    v_missing, v_orphan = _differences(want, np.sort(kb.vectors.ids()))
    l_missing, l_orphan = _differences(want, np.sort(kb.lexical.ids()))
    sides = [kb.latent_terms, kb.passages]
    side_diffs = [_differences(want, side.store.ids() if side.store is not None else None) for side in sides]
    (t_missing, t_orphan), (p_missing, p_orphan) = side_diffs
    report = CheckReport(len(want), len(v_missing), len(v_orphan), len(l_missing), len(l_orphan), False,
                         len(t_missing), len(t_orphan), len(p_missing), len(p_orphan))
    if repair and not report.consistent:
        if len(v_orphan):
            kb.vectors.remove(v_orphan)
        if len(l_orphan):
            kb.lexical.remove(l_orphan)
        for side, (missing, orphan) in zip(sides, side_diffs, strict=True):
            if len(orphan):
                side.remove(orphan)
            if len(missing):
                side.refill(missing)
        if len(v_missing):
            rows = kb.catalog.index_rows(v_missing)
            kb.vectors.add(np.asarray([r[0] for r in rows], dtype=np.int64),
                             kb.embed([r[1] for r in rows]))
        if len(l_missing):
            rows = kb.catalog.index_rows(l_missing)
            kb.lexical.add(np.asarray([r[0] for r in rows], dtype=np.int64), [r[1] for r in rows])
        kb.mark_changed()
        kb.save()
        report.repaired = True
    return report


def _differences(want: np.ndarray, have: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """(ids the catalog has and the index lacks, ids the index has and the catalog lacks), both sorted.

    `have` None: the index is not kept, so nothing is missing from it.
    """
    if have is None:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.setdiff1d(want, have, assume_unique=True), np.setdiff1d(have, want, assume_unique=True)
