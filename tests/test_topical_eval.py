"""The topical evaluation: its topics file, its scoring, and a run end to end (hash embedder: fast)."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from evals.topical import LANGUAGES, evaluate, load_topics, score_rows, to_markdown

REPO = Path(__file__).resolve().parents[1]


def test_the_topics_file_is_well_formed_and_names_real_documents() -> None:
    topics = load_topics()
    with (REPO / "corpus" / "manifest.csv").open(encoding="utf-8", newline="") as fh:
        files = {row["file"] for row in csv.DictReader(fh)}
    assert len(topics) >= 15
    assert len({t.id for t in topics}) == len(topics)
    for t in topics:
        assert set(t.queries) == set(LANGUAGES), t.id
        # a topic is a few words; one-word compounds ("Ausstiegsberatung") are topics too
        assert all(1 <= len(q.split()) <= 6 for q in t.queries.values()), t.id
        assert set(t.relevant) <= files, set(t.relevant) - files
        assert t.judged, t.id


def test_a_question_length_query_is_refused(tmp_path: Path) -> None:
    bad = {"id": "x", "topic": "x", "relevant": ["a.pdf"], "queries": {"en": "one two three four five six seven"}}
    path = tmp_path / "topics.jsonl"
    path.write_text(json.dumps(bad) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match="not 1-6 words"):
        load_topics(path)


def test_scoring_top1_and_own_language_top5() -> None:
    rows = [
        {"lang": "ar", "ranked": ["de.pdf", "ar1.md", "en.md"], "relevant": ["ar1.md", "en.md"], "own": ["ar1.md"]},
        {"lang": "ar", "ranked": ["en.md", "x", "y", "z", "w", "ar1.md"], "relevant": ["ar1.md", "en.md"],
         "own": ["ar1.md"]},
        {"lang": "es", "ranked": ["en.md"], "relevant": ["en.md"], "own": []},
    ]
    report = score_rows(rows)
    ar, es = report["by_lang"]["ar"], report["by_lang"]["es"]
    assert ar["top1_on_topic"] == 0.5 and ar["own_n"] == 2 and ar["own_language_top5"] == 0.5
    assert ar["mrr@10"] == pytest.approx((1 / 2 + 1) / 2)
    assert es["top1_on_topic"] == 1.0 and es["own_n"] == 0 and es["own_language_top5"] is None
    assert report["overall"]["n"] == 3 and not report["targets_met"]


def test_evaluate_end_to_end_on_three_documents(tmp_path: Path) -> None:
    from kb import KnowledgeBase

    docs = ("pellston-victim-support.txt", "ashcombe-online-hate.html", "oued-nour-youth-resilience.md")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in docs:
        shutil.copy(REPO / "corpus" / "sources" / name, corpus / name)
    topics = tmp_path / "topics.jsonl"
    topics.write_text(json.dumps({
        "id": "t1", "topic": "victim support", "relevant": [docs[0]], "judged": "test",
        "queries": {"en": "hate incident victim support", "ar": "برنامج جسور لتعزيز مناعة الشباب"},
    }, ensure_ascii=False) + "\n", encoding="utf-8")
    with KnowledgeBase(tmp_path / "home", embedder="hash") as kb:
        kb.add([corpus])
        report = evaluate(kb, load_topics(topics))
    assert report["queries"] == 2
    en = next(r for r in report["results"] if r["lang"] == "en")
    assert en["ranked"][0] == docs[0] and en["own"] == [docs[0]]
    ar = next(r for r in report["results"] if r["lang"] == "ar")
    assert ar["own"] == [] and ar["ranked"]  # no Arabic document on victim support: not counted there
    assert report["by_lang"]["en"]["top1_on_topic"] == 1.0
    assert "| en | 1 |" in to_markdown(report)
