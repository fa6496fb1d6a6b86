"""Titles from a file's own metadata, which producers often fill with placeholders.

Word saves "Document1" or its template's title, PDF printers write "Microsoft Word - plan.docx",
and a document titled "Untitled" shown in every search result and citation helps nobody. A
placeholder counts as no title, so the reader falls back to the document's headings or type sizes,
and ingest to the file name.
"""

from __future__ import annotations

import re

from ..normalize import clean_inline

__all__ = ["metadata_title"]

_PLACEHOLDER = re.compile(
    r"^(untitled|\(?anonymous\)?|title|microsoft word|document|doc|presentation|powerpoint presentation|"
    r"new document|sans titre|sin t[ií]tulo|sem t[ií]tulo|ohne titel|unbenannt|بدون عنوان)[\s_-]*\d*$",
    re.IGNORECASE,
)
_PRINTED_FROM = re.compile(r"^microsoft (word|powerpoint|excel)\s*-\s*", re.IGNORECASE)
_EXTENSION = re.compile(r"\.(docx?|odt|rtf|pptx?|xlsx?|txt|pdf)$", re.IGNORECASE)


def metadata_title(raw: object) -> str:
    """A metadata title cleaned for display: "" for a placeholder, the file's name for a printer's label.

    Args:
        raw: the value the metadata holds (None, a string or a PDF text object).

    Returns:
        The title, or "" when there is none worth showing.
    """
    title = clean_inline(str(raw)) if raw else ""
    if _PRINTED_FROM.match(title):
        title = _EXTENSION.sub("", _PRINTED_FROM.sub("", title)).strip()
    return "" if _PLACEHOLDER.match(title) else title
