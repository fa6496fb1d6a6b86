"""What every HTML view of the UI shares: escaping, text direction, and the status line.

Every piece of document text and metadata goes through `esc`, so a document containing `<script>`
or `<img onerror=...>` renders as inert text. `esc` also encodes `{`, `}`, `$` and backticks: the
Gradio HTML component treats its value as a JS/Handlebars template, and document text must never
be read as one.
"""

from __future__ import annotations

import html

__all__ = ["esc", "message", "rtl_language", "RTL", "TABLE_BUTTONS"]

# A table's corner buttons: full screen only. Gradio's "Copy table data" is English in every page
# language (a fixed string, not one of its translation keys).
TABLE_BUTTONS = ["fullscreen"]

_TEMPLATE_CHARS = str.maketrans({"{": "&#123;", "}": "&#125;", "$": "&#36;", "`": "&#96;"})
RTL = {"ar", "fa", "he", "ur", "ps", "yi", "dv", "ku", "sd", "ug"}


def esc(value: object) -> str:
    """Escape any value for HTML text or a quoted attribute."""
    return html.escape("" if value is None else str(value), quote=True).translate(_TEMPLATE_CHARS)


def rtl_language(lang: str | None) -> bool:
    """Whether a document language is written right to left."""
    return (lang or "").lower() in RTL


def message(text: str, kind: str = "info") -> str:
    """A short status line (kind: info, ok, error); `text` is already in the reader's language."""
    return f'<p class="kb-msg kb-{esc(kind)}" role="status" dir="auto">{esc(text)}</p>'
