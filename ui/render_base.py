"""What every HTML view of the UI shares: escaping, text direction, and the status line.

Every piece of document text and metadata goes through `esc`, so a document containing `<script>`
or `<img onerror=...>` renders as inert text. `esc` also encodes `{`, `}`, `$` and backticks: the
Gradio HTML component treats its value as a JS/Handlebars template, and document text must never
be read as one.

A citation mixes scripts (an Arabic title, a Latin city, a page number, section names): shown as one
run of text, the Unicode bidi algorithm reorders its parts, so numbers, parentheses and separators
land in the wrong places. Each of its own parts is shown in a `<bdi>` (`isolated`, `stored_citation`),
reading in its own direction, with the separators between them in the direction of the element
around them (the page's). So is every value a sentence of the page says (`said`): a Latin title, file
name or quote inside an Arabic sentence, an Arabic one inside an English sentence.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from ingest.language import is_right_to_left
from kb.directory.records import Source
from kb.drafting.records import DraftItem
from kb.searching.citations import Part, assemble, citation_parts, section_path
from kb.types import Copy, Hit
from ui.i18n import t
from ui.i18n.locale import country_name, language_name

__all__ = ["esc", "message", "say", "rtl_language", "isolated", "local_parts", "citation_record", "stored_citation",
           "cited_text", "said", "said_message", "Markup", "copy_citation", "TABLE_BUTTONS"]

# A table's corner buttons: full screen only. Gradio's "Copy table data" is English in every page
# language (a fixed string, not one of its translation keys).
TABLE_BUTTONS = ["fullscreen"]

_TEMPLATE_CHARS = str.maketrans({"{": "&#123;", "}": "&#125;", "$": "&#36;", "`": "&#96;"})


def esc(value: object) -> str:
    """Escape any value for HTML text or a quoted attribute."""
    return html.escape("" if value is None else str(value), quote=True).translate(_TEMPLATE_CHARS)


def rtl_language(lang: str | None) -> bool:
    """Whether a document language is written right to left (one list: `ingest.language`)."""
    return is_right_to_left(lang)


def message(text: str, kind: str = "info") -> str:
    """A short status line (kind: info, ok, error); `text` is already in the reader's language."""
    return f'<p class="kb-msg kb-{esc(kind)}" role="status" dir="auto">{esc(text)}</p>'


def said_message(html: str, kind: str = "info") -> str:
    """`message` for a sentence already escaped with its values isolated (`said`)."""
    return f'<p class="kb-msg kb-{esc(kind)}" role="status" dir="auto">{html}</p>'


class Markup(str):
    """HTML built and escaped already (an isolated citation): `said` puts it in as it is."""


def said(lang: str, key: str, **values: object) -> str:
    """The catalogue's message `key` in `lang`, escaped, each text value in a `<bdi>`: inside a
    sentence of the other direction (a Latin file name in an Arabic one) a value read as part of the
    sentence has its words and the sentence's brackets and quote marks reordered around it. Numbers
    (`n`, counts) are the language's own; `Markup` is put in as it is."""
    marks = {k: f"\0{n}\0" for n, (k, v) in enumerate(values.items()) if isinstance(v, str)}
    text = esc(t(lang, key, **{**values, **marks}))
    for k, mark in marks.items():
        value = values[k]
        text = text.replace(mark, value if isinstance(value, Markup) else f"<bdi>{esc(value)}</bdi>")
    return text


def say(lang: str, key: str, kind: str = "info", **values: object) -> str:
    """A status line (`message`) saying the catalogue's `key` with its values isolated (`said`):
    "Saved the metadata of “…”" with a Spanish title on an Arabic page."""
    return said_message(said(lang, key, **values), kind)


def isolated(parts: Sequence[Part]) -> str:
    """Escaped citation parts (`kb.searching.citations.Part`), each of the document's own in a `<bdi>`."""
    return "".join(f"<bdi>{esc(text)}</bdi>" if own else esc(text) for text, own in parts if text)


def local_parts(title: str, city: str | None, country: str | None, year: object, page: int | None, ocr: bool,
                section: Sequence[str], lang: str) -> list[Part]:
    """A citation's parts written in `lang`: the country's name, the page as the language writes it
    ("pág. 3", "ص 3"), its comma; the document's own words (title, city, sections) as they are."""
    written = t(lang, "card.page_ocr" if ocr else "card.page", page=str(page)) if page else None
    return assemble(title, (city, country_name(country, lang)), year, written, section_path(title, section),
                    comma=t(lang, "common.comma"))


Record = tuple[str, str | None, str | None, str | None, object, int | None, tuple[str, ...]]


def citation_record(kept: Hit | Source | DraftItem) -> Record:
    """A stored citation with what its record keeps of the parts it was built from (title, city,
    country, year, page, section), for `stored_citation` and `cited_text`: a hit has them as fields,
    a directory source its title, page and section (the place in `meta`), a pinned excerpt its page
    (the rest in `meta`)."""
    if isinstance(kept, DraftItem):
        m = kept.meta
        return (kept.citation, m.get("title"), m.get("city"), m.get("country"), m.get("year"), kept.page,
                tuple(m.get("section") or ()))
    if isinstance(kept, Source):
        m = kept.meta
        return (kept.citation, kept.title, m.get("city"), m.get("country"), m.get("year"), kept.page,
                tuple(kept.section))
    return kept.citation, kept.title, kept.city, kept.country, kept.year, kept.page, tuple(kept.section)


def _record_parts(citation: str, title: str | None, city: str | None, country: str | None, year: object,
                  page: int | None, section: Sequence[str], lang: str | None) -> list[Part] | None:
    """The parts of a stored citation when its record (title, place, year, page, section) builds it
    exactly, written in `lang` when given; None for a citation built any other way."""
    for ocr in (False, True):  # a record does not say whether its page was read by OCR ("p. 3 (OCR)")
        parts = citation_parts(title or "", city, country, year, page, ocr, section)
        if "".join(text for text, _ in parts) == citation:
            return local_parts(title or "", city, country, year, page, ocr, section, lang) if lang else parts
    return None


def cited_text(citation: str, title: str | None, city: str | None, country: str | None, year: object,
               page: int | None, section: Sequence[str], lang: str) -> str:
    """A stored citation as text in `lang` (an export's reference list), or as stored when its record
    does not build it."""
    parts = _record_parts(citation, title, city, country, year, page, section, lang)
    return "".join(text for text, _ in parts) if parts is not None else citation


def stored_citation(citation: str, title: str | None, city: str | None, country: str | None, year: object,
                    page: int | None, section: Sequence[str], lang: str | None = None) -> str:
    """A citation as it was stored (`kb.searching.citations.citation`, at search or pin time), escaped,
    its parts isolated: those its record keeps (a hit's, a pinned excerpt's or a source's title, place,
    year, page and section) when they build it exactly, then written in `lang` as a card writes it
    (when given). Built any other way (an older form, given by hand), it is shown as stored, isolated
    whole, and each of those parts found in it, in order, on its own."""
    parts = _record_parts(citation, title, city, country, year, page, section, lang)
    if parts is not None:
        return isolated(parts)
    plain = citation_parts(title or "", city, country, year, page, False, section)
    out, at = [], 0
    for text in (text for text, own in plain if own and text.strip()):
        found = citation.find(text, at)
        if found >= 0:
            out += [esc(citation[at:found]), f"<bdi>{esc(text)}</bdi>"]
            at = found + len(text)
    return f"<bdi>{''.join(out)}{esc(citation[at:])}</bdi>"


def copy_citation(copy: Copy, lang: str) -> Markup:
    """Another copy's citation ("also in"), written in `lang` as the card's own is, its parts isolated;
    a translation's language named first, in `lang`."""
    cited = isolated(local_parts(copy.title, copy.city, copy.country, copy.year, copy.page, copy.ocr, copy.section,
                                 lang))
    named = language_name(copy.language, lang)
    return Markup(f"<bdi>{esc(named)}</bdi>{esc(t(lang, 'common.comma'))}{cited}" if named else cited)
