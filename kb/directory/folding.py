"""Comparing names and header words across languages: case, accents and articles do not count.

"The Bridge Builders" and "bridge builders", "Escola sem Ódio" and "ESCOLA SEM ODIO", "الجمعية" and
"جمعية" fold to the same key, so the same programme found twice is proposed as one entry.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["fold", "words", "name_key", "ARTICLES"]

# Articles of the corpus's languages (and "l'" once split off), dropped from name keys anywhere in a name.
ARTICLES = frozenset({
    "the", "a", "an",  # en (and pt "a")
    "el", "la", "los", "las", "lo", "un", "una", "unos", "unas",  # es
    "le", "les", "l", "une", "des",  # fr
    "der", "die", "das", "den", "dem", "ein", "eine", "einen", "einem", "einer",  # de
    "o", "os", "as", "um", "uma",  # pt
})
_NOT_WORD = re.compile(r"[^\w]+")
_TATWEEL = "\u0640"


def fold(text: str) -> str:
    """Lower case, accents and Arabic vowel marks dropped, punctuation as spaces, spaces collapsed."""
    decomposed = unicodedata.normalize("NFKD", str(text or "").replace(_TATWEEL, ""))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(_NOT_WORD.sub(" ", plain.casefold()).split())


def words(text: str) -> list[str]:
    """The folded words of a text."""
    return fold(text).split()


def _arabic_stem(word: str) -> str:
    # The Arabic article is written joined to its noun: "الجمعية" is "جمعية" with "the".
    return word[2:] if word.startswith("ال") and len(word) > 3 else word


def name_key(name: str, city: str = "") -> str:
    """The key two entries share when they are the same programme of the same city."""
    kept = [_arabic_stem(w) for w in words(name) if w not in ARTICLES]
    return " ".join(kept) + " @ " + " ".join(words(city))
