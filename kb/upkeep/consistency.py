"""Keeping the indexes true to the catalog: find their differences and repair them.

The SQLite catalog is the source of truth; every ranking signal's store (FAISS vectors, BM25, latent
terms, paragraph vectors) is derived from it. After a crash between a catalog commit and an index
save, or after an index file was lost, `check` finds, for each signal alike, the chunk ids one side
has and the other lacks and mends them without re-embedding what the embedding cache already holds.
`KnowledgeBase.check` (on every open) and `kb check` call it.

It also finds pinned excerpts and directory sources that still point at chunks their document no
longer has (made before chunk replacement re-pointed them: `kb.upkeep.relink`) and relinks them. Such
a row counts against `consistent`: repair always mends it (to the current chunk holding its words,
or to no chunk when the document no longer holds them).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from kb.indexing.index_text import index_rows
from kb.upkeep.relink import relink_stale, stale_links

if TYPE_CHECKING:
    from kb.indexing.indexes import Indexes

__all__ = ["CheckReport", "check"]


@dataclass
class CheckReport:
    """Catalog <-> index consistency, before and after repair.

    Attributes:
        chunks: chunks in the catalog.
        repaired: whether differences were repaired.
        differences: per signal (by its report key: "vectors", "lexical", "latent", "passages"),
            (chunks its store lacks, ids it holds that the catalog does not); also readable as
            `vectors_missing`, `latent_orphaned` and so on.
        stale_links: pinned excerpts and directory sources pointing at a chunk their (stored)
            document no longer has.
        relinked, unlinked: of those, by the repair: pointed at the current chunk holding their
            words (citation rebuilt), or at no chunk (their words are no longer in the document).
    """

    chunks: int
    repaired: bool = False
    differences: dict[str, tuple[int, int]] = field(default_factory=dict)
    stale_links: int = 0
    relinked: int = 0
    unlinked: int = 0

    @property
    def consistent(self) -> bool:
        return not self.stale_links and not any(missing or orphaned for missing, orphaned in self.differences.values())

    def __getattr__(self, name: str) -> int:
        key, _, side = name.rpartition("_")
        if side in ("missing", "orphaned") and key in self.__dict__.get("differences", {}):
            return self.differences[key][0 if side == "missing" else 1]
        raise AttributeError(name)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"chunks": self.chunks}
        for key, (missing, orphaned) in self.differences.items():
            out[f"{key}_missing"], out[f"{key}_orphaned"] = missing, orphaned
        return {**out, "stale_links": self.stale_links, "relinked": self.relinked, "unlinked": self.unlinked,
                "repaired": self.repaired, "consistent": self.consistent}


def check(kb: Indexes, repair: bool = True) -> CheckReport:
    """Compare the catalog's chunk ids with every signal's ids, and the chunks pinned excerpts and
    directory sources point at with their documents' chunks.

    Args:
        kb: the knowledge base's indexes (with its catalog and settings).
        repair: drop orphans and add what is missing, each signal its own way (`Signal.repair`):
            vectors from the embedding cache (embedded again only if absent there), BM25 rows from
            the catalog's text, latent terms and passage vectors from the cache only; and relink
            stale pointers (`kb.upkeep.relink.relink_stale`, recorded in the audit trail).

    Returns:
        The differences found, and whether they were repaired.
    """
    links = _links(kb, repair)
    want = kb.catalog.chunk_ids()
    if not len(want) and not kb.vectors_loaded and not kb.vectors_saved:
        return replace(links, differences={s.report_key: (0, 0) for s in kb.signals})
    kb.dense  # noqa: B018 - opened first: a new language basis rebuilds every signal
    active = kb.active()
    diffs = {s.report_key: _differences(want, s.ids() if s in active else None) for s in kb.signals}
    report = replace(links, chunks=len(want), differences={k: (len(m), len(o)) for k, (m, o) in diffs.items()})
    if repair and any(m or o for m, o in report.differences.values()):
        for s in active:
            orphaned = diffs[s.report_key][1]
            if len(orphaned):
                s.remove(orphaned)
        for s in active:
            missing = diffs[s.report_key][0]
            if len(missing):
                rows = index_rows(kb.catalog, missing)
                ids = np.asarray([r[0] for r in rows], dtype=np.int64)
                s.repair(ids, [r[1] for r in rows], kb.languages(ids) if s.needs_languages else None)
        kb.mark_changed()
        kb.save()
        report.repaired = True
    return report


def _links(kb: Indexes, repair: bool) -> CheckReport:
    """The stale pointers of pinned excerpts and directory sources, relinked when `repair`."""
    stale = sum(stale_links(kb.catalog).values())
    if not (stale and repair):
        return CheckReport(0, stale_links=stale)
    done = relink_stale(kb.catalog)
    return CheckReport(0, repaired=True, stale_links=stale, relinked=done.relinked, unlinked=done.unlinked)


def _differences(want: np.ndarray, have: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """(ids the catalog has and the index lacks, ids the index has and the catalog lacks), both sorted.

    `have` None: the index is not kept, so nothing is missing from it.
    """
    if have is None:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    have = np.sort(have)
    return np.setdiff1d(want, have, assume_unique=True), np.setdiff1d(have, want, assume_unique=True)
