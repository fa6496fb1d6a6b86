"""Ranking metrics over ranked id lists: Recall@k and MRR@k, averaged over queries."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence

__all__ = ["recall_at_k", "mrr_at_k", "hit_at_k", "reciprocal_rank", "percentile"]


def hit_at_k(ranked: Sequence[int], relevant: Collection[int], k: int) -> float:
    """1.0 when any relevant id is in the top k, else 0.0 (Recall@k for one relevant item)."""
    return 1.0 if any(i in relevant for i in list(ranked)[:k]) else 0.0


def reciprocal_rank(ranked: Sequence[int], relevant: Collection[int], k: int) -> float:
    """1/rank of the first relevant id within the top k, 0.0 when none."""
    for rank, i in enumerate(list(ranked)[:k], start=1):
        if i in relevant:
            return 1.0 / rank
    return 0.0


def _mean(
    per_query: Callable[[Sequence[int], Collection[int], int], float],
    rankings: Sequence[Sequence[int]],
    relevant: Sequence[Collection[int]],
    k: int,
) -> float:
    if len(rankings) != len(relevant):
        raise ValueError("rankings and relevant must align")
    if not rankings:
        return 0.0
    return sum(per_query(r, rel, k) for r, rel in zip(rankings, relevant, strict=True)) / len(rankings)


def recall_at_k(rankings: Sequence[Sequence[int]], relevant: Sequence[Collection[int]], k: int) -> float:
    """Share of queries with a relevant id in their top k.

    Each XQuAD question has one relevant paragraph (or one per language in a mixed pool, any of
    which counts), so this is the "success@k" form of recall.

    Args:
        rankings: one ranked id list per query.
        relevant: one set of relevant ids per query.
        k: cut-off.

    Returns:
        Mean over queries, 0.0 for no queries.
    """
    return _mean(hit_at_k, rankings, relevant, k)


def mrr_at_k(rankings: Sequence[Sequence[int]], relevant: Sequence[Collection[int]], k: int) -> float:
    """Mean reciprocal rank of the first relevant id within the top k.

    Args:
        rankings: one ranked id list per query.
        relevant: one set of relevant ids per query.
        k: cut-off.

    Returns:
        Mean over queries, 0.0 for no queries.
    """
    return _mean(reciprocal_rank, rankings, relevant, k)


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile of latencies or the like; NaN for none (a report shows it, nothing raises)."""
    import numpy as np

    return float(np.percentile(np.asarray(values, dtype=float), p)) if len(values) else float("nan")
