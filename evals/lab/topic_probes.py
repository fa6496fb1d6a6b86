"""LAB: two ideas for short topic queries, probed through the product's own search (issue 18, part 6).

Both act only on topic queries (at most `TOPIC_WORDS` words, the topical set's own bound), so the
domain set (every question longer than seven words) and XQuAD's questions over one-language pools
cannot move; the probe re-runs the domain set anyway to show it. Each is applied through
`Searcher.search(rerank=...)`, the hook "prefer comparable cities" uses, on the home `kb eval domain`
fills; nothing in the product changes.

* ``slot RATIO``: the reader's language guaranteed a place. When none of the first five documents is
  in the reader's language (given, as the web UI gives its own), the best-ranked chunk in that
  language takes fifth place if its fused score is at least RATIO x the first document's.
* ``title WEIGHT``: the query against each document's title (e5 cosine, min-max over the candidates),
  WEIGHT x that added to every chunk of the document.
* ``reader 1``: a topic query (under 4 words, so no language is detected) takes the reader's
  language as its own: the same-language scale, the lexical gate and the second encoder's
  cross-language rule then apply to it as to a detected sentence (patched into
  `kb.searching.searcher.query_language` for the probe's run only).
* ``prf WEIGHT``: pseudo-relevance feedback (Rocchio on e5 vectors): the query vector plus the mean of
  the first `PRF_DOCS` documents' best chunks; WEIGHT x every candidate's cosine with that (min-max)
  added to its fused score.

Tuned on the odd topics (t01, t03...), held out: the even ones. Reports the topical set per language,
the two halves, how many slotted documents were on topic, and the domain set.

    python -m evals.lab.topic_probes slot 0 0.5 0.7 0.8 | title 0.1 0.2 0.3 0.5 | prf 0.3 1.0 | reader 1
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np

from evals import domain, topical
from evals.domain_scoring import breakdown

TOPIC_WORDS = 6
SLOT = 5
PRF_DOCS = 5  # feedback documents (1, 3 and 10 were tried too; see docs/lab)
Ranked = list[tuple[int, float]]


def _slot(kb: Any, reader: str, ratio: float, placed: list[int]) -> Callable[[Ranked], Ranked]:
    def rerank(ranked: Ranked) -> Ranked:
        chunks = kb.catalog.chunks(cid for cid, _ in ranked)
        first: dict[int, int] = {}  # doc id -> index of its best chunk
        for i, (cid, _) in enumerate(ranked):
            first.setdefault(chunks[cid].doc_id, i)
        docs = sorted(first.values())
        if len(docs) <= SLOT or any(chunks[ranked[i][0]].language == reader for i in docs[:SLOT]):
            return ranked
        best = next((i for i in docs[SLOT:] if chunks[ranked[i][0]].language == reader), None)
        if best is None or ranked[best][1] < ratio * ranked[0][1]:
            return ranked
        placed.append(chunks[ranked[best][0]].doc_id)
        at = docs[SLOT - 1]
        moved = (ranked[best][0], ranked[at][1])
        rest = [p for i, p in enumerate(ranked) if i != best]
        return rest[:at] + [moved] + rest[at:]

    return rerank


def _plus(ranked: Ranked, cos: np.ndarray, weight: float) -> Ranked:
    """The candidates re-ordered with `weight` x their min-max scaled `cos` added to each score."""
    span = float(cos.max() - cos.min())
    norm = (cos - cos.min()) / span if span > 0 else np.zeros_like(cos)
    return sorted(((cid, s + weight * float(x)) for (cid, s), x in zip(ranked, norm, strict=True)),
                  key=lambda p: -p[1])


def _title(kb: Any, query: str, weight: float, titles: dict[int, np.ndarray]) -> Callable[[Ranked], Ranked]:
    def rerank(ranked: Ranked) -> Ranked:
        chunks = kb.catalog.chunks(cid for cid, _ in ranked)
        qv = kb.indexes.embedder.embed_query(query)
        return _plus(ranked, np.array([float(qv @ titles[chunks[cid].doc_id]) for cid, _ in ranked]), weight)

    return rerank


def _prf(kb: Any, query: str, weight: float, docs: int = PRF_DOCS) -> Callable[[Ranked], Ranked]:
    def rerank(ranked: Ranked) -> Ranked:
        chunks = kb.catalog.chunks(cid for cid, _ in ranked)
        best_of: dict[int, int] = {}  # doc id -> row of its best chunk, in rank order
        for i, (cid, _) in enumerate(ranked):
            best_of.setdefault(chunks[cid].doc_id, i)
        rows = kb.indexes.dense.rows_of(np.array([cid for cid, _ in ranked], dtype=np.int64))
        moved = kb.indexes.embedder.embed_query(query) + rows[list(best_of.values())[:docs]].mean(0)
        return _plus(ranked, rows @ (moved / np.linalg.norm(moved)), weight)

    return rerank


@contextmanager
def _reader_as_query_language(reader: list[str | None]) -> Iterator[None]:
    """While open, a query with no detected language gets `reader[0]` as its language."""
    import kb.searching.searcher as searcher

    detected = searcher.query_language
    searcher.query_language = lambda query: detected(query) or reader[0]  # type: ignore[assignment]
    try:
        yield
    finally:
        searcher.query_language = detected


def probe(kind: str, value: float) -> dict[str, Any]:
    """The topical and domain figures with one probe at one setting (value 0: the product as is)."""
    reader: list[str | None] = [None]
    if kind == "reader" and value:
        with _reader_as_query_language(reader):
            return _probe(kind, value, reader)
    return _probe(kind, value, reader)


def _probe(kind: str, value: float, reader_now: list[str | None]) -> dict[str, Any]:
    from kb import KnowledgeBase

    topics = topical.load_topics()
    queries = domain.load_queries(domain._REPO / "evals" / "domain")
    placed: list[int] = []
    with KnowledgeBase(domain.default_home()) as kb:
        docs = kb.documents()
        source = {d.id: d.source for d in docs}
        titles = dict(zip([d.id for d in docs], kb.indexes.embedder.embed_passages([d.title for d in docs]), strict=True))

        def search(query: str, reader: str, filters: dict[str, Any] | None = None) -> list[Any]:
            rerank = None
            reader_now[0] = reader
            if value and kind != "reader" and len(query.split()) <= TOPIC_WORDS:
                rerank = (_slot(kb, reader, value, placed) if kind == "slot" else
                          _prf(kb, query, value) if kind == "prf" else _title(kb, query, value, titles))
            return kb._searcher().search(query, k=10, filters=filters, rerank=rerank, reader_language=reader)

        rows: list[dict[str, Any]] = []
        slotted: list[tuple[str, str]] = []
        for lang in topical.LANGUAGES:
            for t in topics:
                before = len(placed)
                sub = [topical.Topic(t.id, t.topic, t.relevant, {lang: t.queries[lang]})]
                rows += topical.evaluate(kb, sub, search=lambda q, lang=lang: search(q, lang))["results"]
                slotted += [(f"{t.id}-{lang}", source[d]) for d in placed[before:]]
        relevant = {r["id"]: set(r["relevant"]) for r in rows}
        drows = []
        for q in queries:
            hits = [(h.source, h.page) for h in search(q.query, q.lang, q.filters)]
            drows.append({"id": q.id, "lang": q.lang, "kind": q.kind, "relevant": list(q.relevant),
                          "ranked": domain._dedupe(hits)[:10], "gold_page": q.page,
                          "cited_page": domain._page_of_first_relevant(hits, q.relevant)})
    half = {name: topical.score_rows([r for r in rows if int(r["id"][1:3]) % 2 == odd])["overall"]
            for name, odd in (("tune (odd topics)", 1), ("held out (even topics)", 0))}
    return {"probe": f"{kind} {value}", "topical": topical.score_rows(rows), "halves": half,
            "slotted": len(slotted), "slotted_on_topic": sum(s in relevant[i] for i, s in slotted),
            "domain": breakdown(drows)}


def _line(r: dict[str, Any]) -> str:
    langs = " ".join(f"{lang} {b['top1_on_topic']:.2f}/{b['own_language_top5']:.2f}"
                     for lang, b in r["topical"]["by_lang"].items())
    halves = "; ".join(f"{n} {b['top1_on_topic']:.3f}/{b['own_language_top5']:.3f}" for n, b in r["halves"].items())
    d = r["domain"]["overall"]
    cross = r["domain"]["by_kind"]["cross"]
    return (f"{r['probe']}: top-1/own-language top 5: {langs} | {halves} | slotted {r['slotted']} "
            f"({r['slotted_on_topic']} on topic) | domain R@1 {d['recall@1']:.3f} R@5 {d['recall@5']:.3f} "
            f"page {d['page_accuracy']:.3f} cross page {cross['page_accuracy']:.3f}")


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] not in ("slot", "title", "prf", "reader"):
        print(__doc__.splitlines()[-1].strip())
        return 2
    for value in [0.0, *(float(v) for v in args[1:])]:
        print(_line(probe(args[0], value)), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
