"""`ingest.language` runs langdetect's loop on arrays: it must give langdetect's own answer, to the
last digit, or every stored chunk language and every ranking would silently move."""

from __future__ import annotations

import json
import subprocess
import sys
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


def test_the_first_detections_at_once_all_see_every_profile() -> None:
    """The first detections of a fresh process, from eight threads at once (two uploads, a search):
    langdetect loads its profiles into a shared table one language at a time, and a thread that read
    it meanwhile got a wrong language or a ValueError that failed the upload as "damaged"."""
    script = (
        "import threading\n"
        "from ingest.language import detect_language\n"
        "texts = ['The city youth programme met its partners in the schools every week.',\n"
        "         'Le programme de la ville pour les jeunes a réuni ses partenaires chaque semaine.'] * 4\n"
        "found = [None] * len(texts)\n"
        "def go(i):\n"
        "    try:\n"
        "        found[i] = detect_language(texts[i])\n"
        "    except Exception as err:\n"
        "        found[i] = type(err).__name__\n"
        "threads = [threading.Thread(target=go, args=(i,)) for i in range(len(texts))]\n"
        "[t.start() for t in threads]\n"
        "[t.join() for t in threads]\n"
        "print(' '.join(found))\n"
    )
    for _ in range(3):  # a fresh interpreter each time: the race is at the first load only
        out = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=True)
        assert out.stdout.split() == ["en", "fr"] * 4, out.stdout + out.stderr
