"""Language detection: langdetect made deterministic, with a script-based fallback."""

from __future__ import annotations

import threading
import unicodedata

__all__ = ["detect_language", "UNDETERMINED", "MIN_LETTERS", "SAMPLE_CHARS"]

UNDETERMINED = "und"
MIN_LETTERS = 20  # below this langdetect guesses ("hola" -> cy); we would rather say "und"
SAMPLE_CHARS = 5000  # enough for a stable answer, cheap on long documents
_seeded = False
_lock = threading.Lock()

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


def _ensure_seed() -> None:
    """Seed langdetect once, on first use, so importing us changes no global state."""
    global _seeded
    if _seeded:
        return
    with _lock:
        from langdetect import DetectorFactory

        DetectorFactory.seed = 0
        _seeded = True


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
    _ensure_seed()
    from langdetect import LangDetectException, detect

    try:
        code = detect(sample)
    except LangDetectException:
        return _script_guess(letters)
    code = code.split("-", 1)[0].lower()  # zh-cn / zh-tw -> zh
    script = _script_guess(letters)
    if script != UNDETERMINED and code not in _SCRIPT_FAMILY.get(script, {script}):
        return script
    return code if len(code) == 2 else script
