"""Language detection: langdetect made deterministic, with a script-based fallback.

langdetect's inner loop multiplies 55 language probabilities one Python float at a time, about
600 times per text; that was 7 ms of a 30 ms search (every query of 4+ words is detected) and runs
for every chunk at ingest. `_detector_class` runs the same loop on NumPy arrays: the same random draws,
the same float64 products and the same sequential sum, so it returns exactly langdetect's
probabilities (tests/ingest/test_language_fast.py compares them on every chunk of the corpus).
"""

from __future__ import annotations

import functools
import threading
import unicodedata
from typing import Any

import numpy as np

__all__ = ["detect_language", "language_probabilities", "is_right_to_left", "RIGHT_TO_LEFT", "UNDETERMINED",
           "MIN_LETTERS", "SAMPLE_CHARS"]

UNDETERMINED = "und"
MIN_LETTERS = 20  # below this langdetect guesses ("hola" -> cy); we would rather say "und"
SAMPLE_CHARS = 5000  # enough for a stable answer, cheap on long documents
# Languages written right to left (Arabic and Hebrew scripts, Thaana): the reader, the cards and the
# Word export lay a passage in one of them out right to left.
RIGHT_TO_LEFT = frozenset({"ar", "fa", "he", "ur", "ps", "yi", "dv", "ku", "sd", "ug"})
_seeded = False
_lock = threading.Lock()
_rows: dict[str, np.ndarray] = {}  # n-gram -> its probabilities per language, as an array
_ROWS_KEPT = 10_000  # of langdetect's 87,598 n-grams: about 4 MB at most

# Scripts that name one language (or one is by far the likeliest in our corpus).
_SCRIPT_LANG = {"ARABIC": "ar", "HANGUL": "ko", "HIRAGANA": "ja", "KATAKANA": "ja", "CJK": "zh",
                "GREEK": "el", "HEBREW": "he", "THAI": "th", "DEVANAGARI": "hi", "ARMENIAN": "hy",
                "GEORGIAN": "ka"}  # fmt: skip
# Languages langdetect may legitimately name for text in each script; anything else is a misfire
# (langdetect calls pure Han text "ko" at times).
_SCRIPT_FAMILY = {
    "ar": {"ar", "fa", "ur", "ps", "ku", "sd", "ug"},
    "he": {"he", "yi"},
    "hi": {"hi", "mr", "ne"},
}


def is_right_to_left(language: str | None) -> bool:
    """Whether a language code ("ar", "fa-IR"; None or "und" for none) is written right to left."""
    return (language or "").split("-")[0].lower() in RIGHT_TO_LEFT


def _factory() -> Any:
    """langdetect's factory, seeded and with its profiles loaded, once, under a lock: langdetect
    loads the 55 profiles into a shared table one language at a time, and a second thread that
    detected meanwhile read half-filled rows (a wrong language, or a ValueError that failed the
    upload; two uploads at once hit it)."""
    global _seeded
    from langdetect import detector_factory

    if not _seeded:
        with _lock:
            if not _seeded:
                detector_factory.DetectorFactory.seed = 0
                detector_factory.init_factory()
                _seeded = True
    return detector_factory._factory


def _rows_of(table: dict[str, list[float]], ngrams: list[str]) -> list[np.ndarray]:
    """Each n-gram's probabilities per language as an array (cached), in the n-grams' order, so
    that drawing a row is drawing its n-gram."""
    if len(_rows) > _ROWS_KEPT:
        _rows.clear()
    out = []
    for word in ngrams:
        row = _rows.get(word)
        if row is None:
            row = _rows[word] = np.asarray(table[word], dtype=np.float64)
        out.append(row)
    return out


@functools.cache
def _detector_class() -> type[Any]:
    """langdetect's Detector with `_detect_block` on arrays (built on first use: langdetect is
    imported lazily, as it loads its profiles)."""
    from langdetect.detector import Detector
    from langdetect.lang_detect_exception import ErrorCode, LangDetectException

    class Fast(Detector):
        def _detect_block(self) -> None:
            self.cleaning_text()
            ngrams = self._extract_ngrams()
            if not ngrams:
                raise LangDetectException(ErrorCode.CantDetectError, "No features in text.")
            rows = _rows_of(self.word_lang_prob_map, ngrams)
            langprob = np.zeros(len(self.langlist))
            self.random.seed(self.seed)
            for _ in range(self.n_trial):
                prob = np.array(self._init_probability(), dtype=np.float64)
                alpha = self.alpha + self.random.gauss(0.0, 1.0) * self.ALPHA_WIDTH
                weight = alpha / self.BASE_FREQ
                i = 0
                while True:
                    prob *= weight + self.random.choice(rows)
                    if i % 5 == 0:
                        prob /= sum(prob.tolist())  # Python's sequential sum, as langdetect's
                        if prob.max() > self.CONV_THRESHOLD or i >= self.ITERATION_LIMIT:
                            break
                    i += 1
                langprob += prob / self.n_trial
            self.langprob = langprob.tolist()

    return Fast


def language_probabilities(text: str) -> list[tuple[str, float]]:
    """langdetect's (language, probability) list for `text`, best first (seeded; raises
    langdetect's LangDetectException when the text has no usable letters)."""
    detector = _detector_class()(_factory())
    detector.append(text)
    return [(p.lang, p.prob) for p in detector.get_probabilities()]


def _script_guess(letters: list[str]) -> str:
    """The language a dominant script implies, or "und" (Latin and Cyrillic imply nothing)."""
    counts: dict[str, int] = {}
    for ch in letters:
        script = unicodedata.name(ch, "").split(" ", 1)[0]
        counts[script] = counts.get(script, 0) + 1
    if not counts:
        return UNDETERMINED
    if counts.get("HIRAGANA", 0) + counts.get("KATAKANA", 0) > 0.1 * len(letters):
        return "ja"  # Japanese mixes kana with CJK ideographs
    script, n = max(counts.items(), key=lambda kv: kv[1])
    if n < 0.6 * len(letters):
        return UNDETERMINED
    return _SCRIPT_LANG.get(script, UNDETERMINED)


def detect_language(text: str) -> str:
    """Detect the language of `text` as an ISO 639-1 code.

    Deterministic (langdetect seeded). Persian and Urdu share Arabic script, so the script only
    decides when langdetect cannot.

    Args:
        text: any text; only the first SAMPLE_CHARS characters are used.

    Returns:
        An ISO 639-1 code ("zh" for Chinese), or "und" for empty, digit-only or very short text.
    """
    sample = text[:SAMPLE_CHARS]
    letters = [ch for ch in sample if ch.isalpha()]
    if len(letters) < MIN_LETTERS:
        return UNDETERMINED
    from langdetect import LangDetectException

    try:
        found = language_probabilities(sample)
    except LangDetectException:
        return _script_guess(letters)
    code = found[0][0] if found else "unknown"
    code = code.split("-", 1)[0].lower()  # zh-cn / zh-tw -> zh
    script = _script_guess(letters)
    if script != UNDETERMINED and code not in _SCRIPT_FAMILY.get(script, {script}):
        return script
    return code if len(code) == 2 else script
