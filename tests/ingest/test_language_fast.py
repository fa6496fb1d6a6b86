"""`ingest.language` runs langdetect's loop on arrays: it must give langdetect's own answer, to the
last digit, or every stored chunk language and every ranking would silently move."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from langdetect import DetectorFactory, LangDetectException, detect_langs

from ingest.language import language_probabilities

REPO = Path(__file__).resolve().parents[2]
SHORT = ["youth resilience programmes", "Ausstiegsberatung für junge Menschen", "برامج تعزيز صمود الشباب",
         "¿cómo involucrar a las escuelas?", "haine en ligne et écoles", "12 34", "城市预防工作需要学校参与。"]


def _langdetect(text: str) -> list[tuple[str, float]] | str:
    DetectorFactory.seed = 0
    try:
        return [(p.lang, p.prob) for p in detect_langs(text)]
    except LangDetectException:
        return "no features"


def _ours(text: str) -> list[tuple[str, float]] | str:
    try:
        return language_probabilities(text)
    except LangDetectException:
        return "no features"


def _texts(shared: Path) -> list[str]:
    texts = list(SHORT)
    for path in sorted((REPO / "corpus" / "sources").iterdir()):
        if path.suffix in (".md", ".txt", ".html"):
            texts.append(path.read_text(encoding="utf-8", errors="replace")[:5000])
    for path in sorted((shared / "datasets" / "xquad").glob("xquad.*.json")):
        para = json.loads(path.read_text(encoding="utf-8"))["data"][0]["paragraphs"][0]
        texts += [para["context"], *(q["question"] for q in para["qas"][:4])]
    return texts


def test_same_probabilities_as_langdetect(shared: Path) -> None:
    texts = _texts(shared)
    assert len(texts) > 60
    differ = [t[:40] for t in texts if _ours(t) != _langdetect(t)]
    assert differ == []


@pytest.mark.parametrize("text", SHORT[:3])
def test_is_repeatable(text: str) -> None:
    assert len({tuple(_ours(text)) for _ in range(3)}) == 1
