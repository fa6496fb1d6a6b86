"""A tokenizer for BM25 that works for every script our cities write in.

Latin/Cyrillic/Greek/Arabic/Devanagari... are split into words; Chinese, Japanese, Korean, Thai,
Lao, Khmer and Myanmar write without spaces between words, so their runs become overlapping
character bigrams (the classic CJK analyzer approach: no dictionary needed, works in any domain).
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

__all__ = ["tokenize", "normalize_text", "script_of", "dominant_script", "language_script"]

# Arabic harakat, Quranic marks and superscript alef, plus tatweel (a stretching glyph, not a letter)
_ARABIC_MARKS = "[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed\u0640]"
# Latin/Greek/Cyrillic accents after NFD: folded so "política" matches "politica"
_LATIN_MARKS = "[\u0300-\u036f]"
_STRIP = re.compile(f"{_ARABIC_MARKS}|{_LATIN_MARKS}")

# Scripts written without spaces: tokenised as character bigrams.
_BIGRAM_RANGES = (
    (0x0E00, 0x0EFF),  # Thai, Lao
    (0x1000, 0x109F),  # Myanmar
    (0x1780, 0x17FF),  # Khmer
    (0x1100, 0x11FF),  # Hangul Jamo
    (0x3040, 0x30FF),  # Hiragana, Katakana
    (0x3130, 0x318F),  # Hangul compatibility Jamo
    (0x31F0, 0x31FF),  # Katakana extensions
    (0x3400, 0x4DBF),  # Han extension A
    (0x4E00, 0x9FFF),  # Han
    (0xAC00, 0xD7AF),  # Hangul syllables
    (0xF900, 0xFAFF),  # Han compatibility
    (0x20000, 0x3134F),  # Han extensions B-G
)

_SCRIPT_RANGES = (
    (0x0041, 0x024F, "latin"),
    (0x0370, 0x03FF, "greek"),
    (0x0400, 0x052F, "cyrillic"),
    (0x0590, 0x05FF, "hebrew"),
    (0x0600, 0x06FF, "arabic"),
    (0x0750, 0x077F, "arabic"),
    (0x08A0, 0x08FF, "arabic"),
    (0x0900, 0x097F, "devanagari"),
    (0x0980, 0x09FF, "bengali"),
    (0x0B80, 0x0BFF, "tamil"),
    (0x0E00, 0x0E7F, "thai"),
    (0x10A0, 0x10FF, "georgian"),
    (0x1100, 0x11FF, "hangul"),
    (0x1E00, 0x1EFF, "latin"),
    (0x3040, 0x30FF, "kana"),
    (0x3400, 0x4DBF, "han"),
    (0x4E00, 0x9FFF, "han"),
    (0xAC00, 0xD7AF, "hangul"),
    (0xFB50, 0xFDFF, "arabic"),
    (0xFE70, 0xFEFF, "arabic"),
)

# ISO 639-1 -> script, for chunks whose language the catalog knows. Unlisted codes are Latin.
_LANGUAGE_SCRIPTS = {
    **dict.fromkeys(("ar", "fa", "ur", "ps", "ku", "sd", "ug"), "arabic"),
    **dict.fromkeys(("ru", "uk", "bg", "sr", "mk", "be", "kk", "ky", "mn", "tg"), "cyrillic"),
    **dict.fromkeys(("zh", "zh-cn", "zh-tw", "ja"), "han"),
    "ko": "hangul",
    "el": "greek",
    **dict.fromkeys(("hi", "mr", "ne", "sa"), "devanagari"),
    **dict.fromkeys(("he", "yi"), "hebrew"),
    "bn": "bengali",
    "ta": "tamil",
    "th": "thai",
    "ka": "georgian",
}


@cache
def _word_pattern() -> re.Pattern[str]:
    # `\w` excludes combining marks, which would cut Devanagari and Thai words at every vowel sign;
    # so the word class is \w plus every combining mark (computed once, on first use).
    marks = [
        chr(c)
        for c in range(0x300, 0x10000)
        if unicodedata.category(chr(c)) in ("Mn", "Mc", "Me") and not 0xD800 <= c <= 0xDFFF
    ]
    cls = "".join(re.escape(m) for m in marks)
    return re.compile(f"(?:[^\\W_]|[{cls}])+")


_BIGRAM_RE = re.compile("[" + "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in _BIGRAM_RANGES) + "]")


def _is_bigram_char(ch: str) -> bool:
    return _BIGRAM_RE.match(ch) is not None


def normalize_text(text: str) -> str:
    """NFKC, casefold, strip Arabic diacritics/tatweel and Latin-family accents."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _STRIP.sub("", unicodedata.normalize("NFD", text))
    return unicodedata.normalize("NFC", text)


def tokenize(text: str) -> list[str]:
    """Split text into BM25 terms for any script.

    Args:
        text: any text.

    Returns:
        Terms, in order: words for spaced scripts, character bigrams for CJK/Thai runs (a lone
        character stays a unigram). Punctuation-only pieces never become terms.
    """
    out: list[str] = []
    for word in _word_pattern().findall(normalize_text(text)):
        if _BIGRAM_RE.search(word) is None:
            out.append(word)
            continue
        run: list[str] = []
        plain: list[str] = []
        for ch in word + "\0":  # sentinel flushes the last run
            if run and unicodedata.category(ch).startswith("M"):
                run[-1] += ch  # a Thai vowel or tone mark belongs to its base letter
                continue
            if _is_bigram_char(ch):
                if plain:
                    out.append("".join(plain))
                    plain = []
                run.append(ch)
                continue
            if run:
                out.extend(_bigrams(run))
                run = []
            if ch != "\0":
                plain.append(ch)
        if plain:
            out.append("".join(plain))
    return out


def _bigrams(run: list[str]) -> list[str]:
    if len(run) == 1:
        return [run[0]]
    return [run[i] + run[i + 1] for i in range(len(run) - 1)]


def script_of(ch: str) -> str | None:
    """The script of one character, or None for digits, punctuation and unlisted scripts."""
    cp = ord(ch)
    if cp < 0x80:
        return "latin" if ch.isalpha() else None
    for lo, hi, name in _SCRIPT_RANGES:
        if lo <= cp <= hi:
            return name
    return None


def dominant_script(text: str) -> str | None:
    """The script most letters of `text` are written in (kana counts as Han: Japanese mixes them)."""
    counts: dict[str, int] = {}
    for ch in text:
        s = script_of(ch)
        if s is not None:
            s = "han" if s == "kana" else s
            counts[s] = counts.get(s, 0) + 1
    if not counts:
        return None
    return max(counts.items(), key=lambda kv: kv[1])[0]


def language_script(language: str | None) -> str | None:
    """The script an ISO 639-1 language is written in; None when unknown ("und", empty)."""
    if not language or language == "und":
        return None
    return _LANGUAGE_SCRIPTS.get(language.lower(), _LANGUAGE_SCRIPTS.get(language.lower()[:2], "latin"))
