"""Which Tesseract language packs read a page: from its script (OSD) and the document's language.

Tesseract reads best with the one pack of the page's language; every extra pack costs time and
lets letters of the wrong alphabet in. So a page is read with one pack, chosen from (1) the
document's `language` metadata when its script is the page's script, else (2) what earlier pages
of the same script turned out to be, else (3) the script's most common pack, after which a Latin
page is read again with its own language's pack when the text says it is another language.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = [
    "PACKS",
    "SCRIPT_PACKS",
    "Choice",
    "choose",
    "debian_package",
    "language_of_pack",
    "pack_for_language",
    "script_of_pack",
]

# ISO 639-1 -> Tesseract pack (traineddata name), for the languages Tesseract has packs for.
PACKS: dict[str, str] = {
    "af": "afr", "am": "amh", "ar": "ara", "az": "aze", "be": "bel", "bg": "bul", "bn": "ben", "bo": "bod",
    "bs": "bos", "ca": "cat", "cs": "ces", "cy": "cym", "da": "dan", "de": "deu", "el": "ell", "en": "eng",
    "eo": "epo", "es": "spa", "et": "est", "eu": "eus", "fa": "fas", "fi": "fin", "fr": "fra", "ga": "gle",
    "gl": "glg", "gu": "guj", "he": "heb", "hi": "hin", "hr": "hrv", "hu": "hun", "hy": "hye", "id": "ind",
    "is": "isl", "it": "ita", "ja": "jpn", "ka": "kat", "kk": "kaz", "km": "khm", "kn": "kan", "ko": "kor",
    "ku": "kmr", "ky": "kir", "la": "lat", "lo": "lao", "lt": "lit", "lv": "lav", "mk": "mkd", "ml": "mal",
    "mn": "mon", "mr": "mar", "ms": "msa", "mt": "mlt", "my": "mya", "ne": "nep", "nl": "nld", "no": "nor",
    "nb": "nor", "pa": "pan", "pl": "pol", "ps": "pus", "pt": "por", "ro": "ron", "ru": "rus", "si": "sin",
    "sk": "slk", "sl": "slv", "sq": "sqi", "sr": "srp", "sv": "swe", "sw": "swa", "ta": "tam", "te": "tel",
    "tg": "tgk", "th": "tha", "tl": "tgl", "tr": "tur", "ug": "uig", "uk": "ukr", "ur": "urd", "uz": "uzb",
    "vi": "vie", "yi": "yid", "zh": "chi_sim",
}
_LANGUAGE_OF = {pack: lang for lang, pack in PACKS.items() if lang != "nb"}

# The script each non-Latin pack reads (every other pack reads Latin script).
_PACK_SCRIPTS: dict[str, str] = {
    **dict.fromkeys(("ara", "fas", "urd", "pus", "uig"), "Arabic"),
    **dict.fromkeys(("rus", "ukr", "bul", "srp", "mkd", "bel", "kaz", "kir", "mon", "tgk"), "Cyrillic"),
    **dict.fromkeys(("chi_sim", "chi_tra"), "Han"),
    **dict.fromkeys(("heb", "yid"), "Hebrew"),
    **dict.fromkeys(("hin", "mar", "nep", "san"), "Devanagari"),
    "jpn": "Japanese", "kor": "Hangul", "ell": "Greek", "tha": "Thai", "ben": "Bengali", "tam": "Tamil",
    "tel": "Telugu", "guj": "Gujarati", "pan": "Gurmukhi", "hye": "Armenian", "kat": "Georgian",
    "amh": "Ethiopic", "khm": "Khmer", "lao": "Lao", "mya": "Myanmar", "sin": "Sinhala", "kan": "Kannada",
    "mal": "Malayalam", "bod": "Tibetan",
}

# OSD's script names -> the pack that reads that script when nothing says which language it is.
SCRIPT_PACKS: dict[str, str] = {
    "Latin": "eng", "Arabic": "ara", "Cyrillic": "rus", "Han": "chi_sim", "Japanese": "jpn",
    "Katakana": "jpn", "Hiragana": "jpn", "Hangul": "kor", "Korean": "kor", "Greek": "ell", "Hebrew": "heb",
    "Devanagari": "hin", "Thai": "tha", "Bengali": "ben", "Tamil": "tam", "Telugu": "tel",
    "Gujarati": "guj", "Gurmukhi": "pan", "Armenian": "hye", "Georgian": "kat", "Ethiopic": "amh",
    "Khmer": "khm", "Lao": "lao", "Myanmar": "mya", "Sinhala": "sin", "Kannada": "kan",
    "Malayalam": "mal", "Tibetan": "bod", "Fraktur": "frk", "Oriya": "ori", "Thaana": "div",
}
# OSD names some scripts after a language; they are the same alphabet as far as packs go.
_SAME_SCRIPT = {"Korean": "Hangul", "Katakana": "Japanese", "Hiragana": "Japanese", "Fraktur": "Latin"}


class Choice(NamedTuple):
    """The pack to read a page with, or the pack that is missing to read it."""

    pack: str | None  # None: no installed pack reads this script
    missing: str | None  # a pack that would read it better (or at all) but is not installed
    settled: bool  # False: a guess from the script alone, to be checked against the text read


def script_of_pack(pack: str) -> str:
    return _PACK_SCRIPTS.get(pack, "Latin")


def _script(name: str) -> str:
    return _SAME_SCRIPT.get(name, name)


def pack_for_language(language: str | None) -> str | None:
    """The pack for a language given as ISO 639-1 ("fr"), a pack name ("fra") or a tag ("fr-BE")."""
    if not language:
        return None
    code = language.strip().lower().replace("-", "_")
    if code in _LANGUAGE_OF or code in _PACK_SCRIPTS or code == "chi_tra":
        return code
    return PACKS.get(code.split("_")[0])


def language_of_pack(pack: str) -> str:
    """ISO 639-1 of a pack ("und" when it has none)."""
    return _LANGUAGE_OF.get(pack, "und")


def debian_package(pack: str) -> str:
    """The Debian package that installs a pack: chi_sim -> tesseract-ocr-chi-sim."""
    return "tesseract-ocr-" + pack.replace("_", "-")


def choose(script: str | None, hint: str | None, learnt: dict[str, str], installed: frozenset[str]) -> Choice:
    """Pick one pack for a page.

    Args:
        script: the page's script by OSD ("Latin", "Arabic", ...), or None when OSD could not tell.
        hint: the pack named by the document's metadata, if any.
        learnt: script -> pack that earlier pages of this document turned out to need.
        installed: the packs Tesseract has.

    Returns:
        A Choice; `settled` is False when the pack is only the script's default, so the caller
        checks the language of the text it read and reads it again with that language's pack.
    """
    script = _script(script) if script else (script_of_pack(hint) if hint else "Latin")
    if hint and script_of_pack(hint) == script:
        if hint in installed:
            return Choice(hint, None, True)
        fallback = SCRIPT_PACKS.get(script)
        usable = fallback if fallback in installed and fallback != hint else None
        return Choice(usable, hint, True)
    if script in learnt:
        return Choice(learnt[script], None, True)
    default = SCRIPT_PACKS.get(script)
    if default is None:
        return Choice(None, None, True)
    if default not in installed:
        return Choice(None, default, True)
    return Choice(default, None, False)
