"""The web UI's message catalogue: every word the page shows, in every language it speaks.

Strings live in `ui/i18n/<lang>.yaml` (nested keys, read as dotted keys: `search.button`), one file
per language, English (`en.yaml`) being the reference every other file must match key for key
(`tests/ui/test_i18n.py`). Two ways in:

- the page's fixed text (labels, buttons, placeholders, tab names) goes through Gradio's own i18n:
  `label("search.button")` in `ui/layout.py`, and `gradio_i18n()` is passed to `launch`; the browser
  then shows the language it was set to (the page's language switch changes it in place);
- text built on the server (result cards, status lines, errors) is `t(lang, key, **params)`, where
  `lang` is the page language every handler receives first; an error is `UiError(key, **params)`
  (`ui.actions_base`), translated where it is shown.

Numbers in `params` are formatted for the language; a value may be a plural table
(`{one: ..., other: ...}`, CLDR categories), chosen by the parameter `n`. See README.md here.
"""

from __future__ import annotations

import functools
import logging
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

__all__ = [
    "theme_name",
    "theme_label",
    "theme_tag",
    "region_name",
    "language_label",
    "LANGUAGES",
    "RTL_LANGUAGES",
    "DEFAULT",
    "Msg",
    "catalogue",
    "direction",
    "gradio_i18n",
    "label",
    "normalize",
    "t",
]

HERE = Path(__file__).resolve().parent
# Code -> the language's own name, as the language switch lists them.
LANGUAGES: dict[str, str] = {
    "en": "English",
    "ar": "العربية",
    "es": "Español",
    "fr": "Français",
    "de": "Deutsch",
    "pt": "Português",
}
RTL_LANGUAGES = frozenset({"ar"})
DEFAULT = "en"
PLURAL_CATEGORIES = frozenset({"zero", "one", "two", "few", "many", "other"})
PREFIX = "kb."  # keys as Gradio's frontend sees them, apart from its own ("common.*", "upload_text.*")
# Catalogue keys under `gradio:` are Gradio's own messages, sent under Gradio's key: its status
# tracker tells screen readers "common.complete" where its ar/de/es/fr/pt files lack the word.
GRADIO_OWN = "gradio."

log = logging.getLogger(__name__)


def normalize(tag: str | None) -> str:
    """The supported language for a browser language tag or Accept-Language value ("ar-EG" -> "ar")."""
    for part in str(tag or "").replace("_", "-").split(","):
        code = part.split(";")[0].strip().split("-")[0].lower()
        if code in LANGUAGES:
            return code
    return DEFAULT


def direction(lang: str) -> str:
    """"rtl" or "ltr" for the page in this language."""
    return "rtl" if normalize(lang) in RTL_LANGUAGES else "ltr"


def _flatten(tree: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in tree.items():
        full = f"{prefix}{key}"
        if isinstance(value, Mapping) and value and set(value) <= PLURAL_CATEGORIES:
            out[full] = {str(k): str(v) for k, v in value.items()}  # a plural table is one message
        elif isinstance(value, Mapping):
            out.update(_flatten(value, full + "."))
        else:
            out[full] = "" if value is None else str(value)
    return out


@functools.cache
def catalogue(lang: str) -> dict[str, Any]:
    """Every message of one language, by dotted key (a plural message is a dict of categories)."""
    path = HERE / f"{lang}.yaml"
    if lang not in LANGUAGES or not path.exists():
        raise KeyError(f"no catalogue for language {lang!r}")
    return _flatten(yaml.safe_load(path.read_text(encoding="utf-8")) or {})


class _Params(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _format_param(value: Any, lang: str) -> Any:
    from ui.i18n.locale import number

    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return number(value, lang)
    if isinstance(value, Msg):
        return value.text(lang)
    return value


def t(lang: str | None, key: str, **params: Any) -> str:
    """The message `key` in `lang` (English when that language lacks it), with `params` filled in.

    Args:
        lang: a language code (anything else is read as the default).
        key: a dotted key of `en.yaml`.
        params: values for `{name}` placeholders; numbers are formatted for the language; `n`
            chooses the form of a plural message.

    Returns:
        The text. An unknown key is logged and returned as the key itself (a test keeps that from
        shipping).
    """
    lang = normalize(lang)
    message = catalogue(lang).get(key)
    if message is None:
        message = catalogue(DEFAULT).get(key)
        if message is None:
            log.error("message key %r is missing from the catalogue", key)
            return key
    if isinstance(message, dict):
        from ui.i18n.locale import plural_category

        category = plural_category(params.get("n", 0), lang)
        message = message.get(category) or message.get("other") or next(iter(message.values()))
    if not params:
        return message
    return message.format_map(_Params({k: _format_param(v, lang) for k, v in params.items()}))


class Msg:
    """A message not yet put in words: a key and its parameters, translated where it is shown."""

    def __init__(self, key: str, **params: Any) -> None:
        self.key = key
        self.params = params

    def text(self, lang: str | None) -> str:
        return t(lang, self.key, **self.params)

    def __str__(self) -> str:
        return self.text(DEFAULT)

    def __repr__(self) -> str:
        return f"Msg({self.key!r}, **{self.params!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Msg) and (self.key, self.params) == (other.key, other.params)

    __hash__ = None  # type: ignore[assignment]


def label(key: str) -> Any:
    """A fixed text of the page for Gradio to translate in the browser (label, button, placeholder)."""
    from gradio.i18n import I18nData

    if key not in catalogue(DEFAULT):
        raise KeyError(f"message key {key!r} is missing from ui/i18n/en.yaml")
    return I18nData(PREFIX + key)


def gradio_i18n() -> Any:
    """Gradio's `I18n` with the whole catalogue of every language, for `Blocks.launch(i18n=...)`."""
    import gradio as gr

    def key(k: str) -> str:
        return k.removeprefix(GRADIO_OWN) if k.startswith(GRADIO_OWN) else PREFIX + k

    def plain(lang: str) -> dict[str, str]:
        return {key(k): (v.get("other", "") if isinstance(v, dict) else v) for k, v in catalogue(lang).items()}

    return gr.I18n(**{lang: plain(lang) for lang in LANGUAGES})


def language_label(code: str | None, lang: str) -> str:
    """A document language as a menu or chart names it: its name in the UI language, or "Unknown" in
    it for "und" (too little text to tell: a scan, a one-line file), never the bare code."""
    from ui.i18n.locale import language_name

    return language_name(code, lang) or (t(lang, "atlas.language_unknown") if code else "")


def region_name(value: str | None, lang: str) -> str:
    """A region as the documents' metadata names it (in English, "Latin America") in the UI language
    ("Lateinamerika"), from CLDR; a region CLDR does not name ("Middle East and North Africa") from
    the catalogue (`region.<words joined by _>`), else as written."""
    from ui.i18n.locale import country_name, region_code

    if not value or lang == "en":  # the metadata writes regions in English: as written
        return value or ""
    code = region_code(value)
    if code:
        return country_name(code, lang)
    key = "region." + "_".join(value.casefold().split())
    return t(lang, key) if key in catalogue("en") else value


def theme_label(tag: str, lang: str) -> str:
    """A stored theme as a form shows it: a known theme by its name in `lang`, any other exactly as
    stored (so saving the form again keeps it)."""
    key = f"theme.{tag}"
    return t(lang, key) if key in catalogue("en") else tag


def theme_tag(text: str) -> str:
    """A theme typed in a form, as stored: the tag of the known theme it names in any page language,
    or is ("odio en línea", "Online Hate", "online-hate" -> "online-hate"), case and accents aside;
    else as typed (themes are free text). A Spanish word typed for a known theme became a new theme
    the filters listed beside it, and filtering by the theme missed the document."""
    return _theme_tags().get(_folded(text), text.strip())


@functools.lru_cache(maxsize=1)
def _theme_tags() -> dict[str, str]:
    tags: dict[str, str] = {}
    for key in catalogue("en"):
        if key.startswith("theme."):
            tag = key.removeprefix("theme.")
            for name in (tag, tag.replace("-", " "), *(catalogue(lang).get(key) for lang in LANGUAGES)):
                if isinstance(name, str):
                    tags.setdefault(_folded(name), tag)
    return tags


def _folded(text: str) -> str:
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(plain.casefold().split())


def theme_name(tag: str, lang: str) -> str:
    """A theme tag in the page language where the catalogue names it ("online-hate" -> "odio en
    línea"), else as written with its hyphens as spaces (themes are free text)."""
    key = f"theme.{tag}"
    return t(lang, key) if key in catalogue("en") else tag.replace("-", " ")
