"""A ranking signal plugs into a knowledge base with one registration: ingest encodes it, search
uses it, check repairs it, save writes it, reindex rebuilds it; nothing else in `kb` changes."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest

from index.signals import IngestCost, Query, Signal, SignalEnv, Stage, register, registry
from kb import KnowledgeBase

DOCS = {
    "leadership.md": "# Leadership group\n\nThe mayor chairs the prevention leadership group every month.\n",
    "schools.md": "# Schools\n\nSchools run workshops on online hate with the prevention group.\n",
    "panel.md": "# Referral panel\n\nA referral panel of the prevention group meets every week.\n",
}
QUERY = "Who is in the prevention group?"


class Favourite(Signal):
    """A toy signal: chunks that mention schools get a bonus (rows: 1.0 or 0.0, kept in a JSON file)."""

    name = "favourite"
    file_name = "favourite.json"
    stage = Stage.ADD
    weight = 10.0
    cost = IngestCost(model_passes=0.0, bytes_per_chunk=16, query_ms=0.0)
    noun = "favourite marks"
    report_key = "favourite"
    encoded: list[int] = []  # how many texts it was asked to encode, across instances

    def __init__(self, env: SignalEnv | None = None, *, weight: float | None = None) -> None:
        super().__init__(env, weight=weight)
        self.rows: dict[int, float] | None = None

    def follow(self, chunks: int) -> bool:
        if self.rows is None:
            self.rows = ({int(k): v for k, v in json.loads(self.path.read_text()).items()}
                         if self.path.exists() else {})
        return False

    def ids(self) -> np.ndarray:
        return np.asarray(sorted(self.rows or {}), dtype=np.int64)

    def __len__(self) -> int:
        return len(self.rows or {})

    def encode(self, texts: Sequence[str]) -> list[float]:  # no languages: `needs_languages` is False
        Favourite.encoded.append(len(texts))
        return [1.0 if "school" in t.lower() else 0.0 for t in texts]

    def add(self, ids: np.ndarray, rows: list[float]) -> None:
        assert self.rows is not None
        self.rows.update(zip(ids.tolist(), rows, strict=True))

    def remove(self, ids: np.ndarray) -> None:
        for i in ids.tolist():
            (self.rows or {}).pop(int(i), None)

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps(self.rows or {}))

    def reset(self, chunks: int) -> None:
        self.rows = {}

    def score(self, query: Query, ids: np.ndarray) -> np.ndarray:
        return np.array([(self.rows or {}).get(int(i), np.nan) for i in ids.tolist()])


@pytest.fixture
def unregister() -> Iterator[None]:
    Favourite.encoded = []
    yield
    if Favourite in registry.SIGNALS:
        registry.SIGNALS.remove(Favourite)


def docs(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in DOCS.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_a_registered_signal_changes_the_ranking_and_is_kept_like_the_others(
    tmp_path: Path, unregister: None
) -> None:
    folder = docs(tmp_path / "docs")
    with KnowledgeBase(tmp_path / "plain", embedder="hash") as kb:
        kb.add([folder])
        plain = [h.source for h in kb.search(QUERY, k=3)]
    register(Favourite)  # the one registration
    home = tmp_path / "with"
    with KnowledgeBase(home, embedder="hash") as kb:
        kb.add([folder])
        assert sum(Favourite.encoded) == 3  # each chunk encoded once, at ingest
        ranked = [h.source for h in kb.search(QUERY, k=3)]
        assert ranked[0] == "schools.md" and plain[0] != "schools.md" and sorted(ranked) == sorted(plain)
        report = kb.check(repair=False)
        assert report.consistent and report.favourite_missing == 0 and "favourite_orphaned" in report.to_dict()
    assert json.loads((home / "index" / "favourite.json").read_text())  # saved with the others
    (home / "index" / "favourite.json").unlink()  # lost: `check` on open repairs it like any signal
    with KnowledgeBase(home, embedder="hash") as kb:
        assert kb.check(repair=False).consistent and len(kb.signal("favourite")) == 3
        assert [h.source for h in kb.search(QUERY, k=3)] == ranked
        kb.remove("schools.md")
        assert len(kb.signal("favourite")) == 2
        assert kb.reindex() == 2 and kb.signal("favourite").ids().tolist() == kb.catalog.chunk_ids().tolist()
