"""The atlas's benchmark harness on a tiny KB (nothing timed against a target here; `make bench` runs
it on synthetic homes of 10k-100k chunks and 1,000 cities)."""

from __future__ import annotations

from pathlib import Path

from evals.bench_atlas import bench_compare, bench_overview, timed_labelling
from evals.bench_markdown import atlas_lines
from kb import KnowledgeBase
from tests.atlas.conftest import write_corpus


def test_labelling_timer_overview_and_compare(tmp_path: Path) -> None:
    folder, manifest = write_corpus(tmp_path / "docs")
    home = tmp_path / "home"
    with KnowledgeBase(home, embedder="hash") as kb:
        with timed_labelling(kb) as spent:
            assert kb.add([folder], manifest=manifest).count("added") == 5
        assert spent["calls"] >= 5 and spent["seconds"] > 0
        assert "label_documents" not in vars(kb.atlas.labeller)  # the timer took itself away
    over = bench_overview(home, embedder="hash")
    assert over["cities"] == 3 and over["labelled"] > 0 and over["overview_warm_s"] >= 0
    got = bench_compare(home, embedder="hash")
    assert got["cities"] == 3 and got["median_ms"] > 0 and got["example"]
    text = "\n".join(atlas_lines({"ingest": [], "sizes": [{"size": 12, "atlas": over}], "compare": got}))
    assert "| 12 |" in text and "compare among 3 cities" in text
