"""The language a Word export says its text is in: the document's, and a quotation's own.

Word checks spelling and hyphenates by the language each run says it is in, falling back to the
document's defaults, which python-docx's template sets to US English: without this, a German draft is
checked as English.
"""

from __future__ import annotations

from typing import Any

from ingest.language import is_right_to_left

__all__ = ["EAST_ASIAN_LANGUAGES", "language_code", "mark_language", "set_document_language"]

# Languages Word files under East Asian text (right to left ones under bidi: ingest.language).
EAST_ASIAN_LANGUAGES = ("zh", "ja", "ko")


def language_code(value: object) -> str | None:
    """A language code as metadata holds it ("de", "pt-BR"), or None for none or "und"."""
    code = str(value or "").strip()
    return code if code and code != "und" else None


def mark_language(rpr: Any, language: str) -> None:
    """Mark run properties (a run's <w:rPr>, or the document defaults') as written in `language`.

    Word reads a right-to-left script's language from <w:lang w:bidi>, Chinese, Japanese and Korean
    from w:eastAsia, every other from w:val; the attributes for the other scripts keep what they say.
    """
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.insert_element_before(lang, "w:eastAsianLayout", "w:specVanish", "w:oMath")
    base = language.split("-")[0].lower()
    script = "w:bidi" if is_right_to_left(base) else "w:eastAsia" if base in EAST_ASIAN_LANGUAGES else "w:val"
    lang.set(qn(script), language)


def set_document_language(doc: Any, language: str) -> None:
    """Set a python-docx Document's language: its properties (dc:language) and the default language of
    its text (<w:docDefaults>, which every style inherits; the Normal style's when it has none)."""
    from docx.oxml.ns import qn

    doc.core_properties.language = language
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    run_defaults = defaults.find(qn("w:rPrDefault")) if defaults is not None else None
    rpr = run_defaults.find(qn("w:rPr")) if run_defaults is not None else None
    mark_language(rpr if rpr is not None else doc.styles["Normal"].element.get_or_add_rPr(), language)
