"""The name an export's file is offered under: a clean stem made from a title."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["slug"]

_NOT_WORD = re.compile(r"[^\w]+")
# German writes a letter's umlaut out when it cannot show it ("Präventionsrahmen" -> "Praeventionsrahmen");
# dropping the dots makes another word ("Praventionsrahmen"). Other accents are only dropped ("é" -> "e").
_SPELLED_OUT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss", "ẞ": "SS"})


def slug(title: str, fallback: str = "draft") -> str:
    """A clean file-name stem: lower case, umlauts spelled out and other accents dropped, words joined
    by "-" ("Präventionsrahmen Lindenhall 2026" -> "praeventionsrahmen-lindenhall-2026"); letters of
    other scripts are kept whole ("الإطار", not "الاطار"); at most 80 characters.

    Args:
        title: the draft's (or directory's) title.
        fallback: the stem when the title has no word in it.

    Returns:
        The stem, without a suffix.
    """
    spelled = unicodedata.normalize("NFC", title).translate(_SPELLED_OUT)
    plain, base = [], ""
    for c in unicodedata.normalize("NFKD", spelled):
        if unicodedata.combining(c) and base < "\u0250":  # a Latin letter's accent; not Arabic's hamza ("إ")
            continue
        base = c if not unicodedata.combining(c) else base
        plain.append(c)
    stem = _NOT_WORD.sub("-", unicodedata.normalize("NFC", "".join(plain)).lower()).strip("-_")
    return stem[:80].strip("-") or fallback
