"""The document reader: a stored document's text shown inside the page, opened at a cited passage.

"Open" on a card whose original is not a PDF shows this view instead of the original file: an
HTML original served from the app's own address could run its scripts there, so the reader shows
the text the knowledge base read from it (every character escaped), sections as headings, the
cited passage marked and scrolled into view. The original itself downloads under its own name.
"""

from __future__ import annotations

from collections.abc import Sequence

from ingest.wraps import lines_may_wrap, soft_wraps
from kb.types import Chunk, Document
from ui.cards import body_text, highlight
from ui.i18n import direction as page_direction
from ui.i18n import t
from ui.i18n.locale import language_name
from ui.render_base import esc, rtl_language, said

__all__ = ["document_text", "reader_html", "TARGET_ID"]

TARGET_ID = "kb-reader-target"


def document_text(chunks: Sequence[Chunk], target: int | None = None) -> list[tuple[tuple[str, ...], int, str]]:
    """The document's text, once, as (section, chunk id, text) runs in reading order.

    Chunks overlap (each repeats the end of the one before) and each is `doc_text[char_start:char_end]`,
    so every chunk contributes only what lies past the end of the previous one; the `target` chunk
    is kept whole (its start cut from the run before it), so its highlighted sentences are all there.
    """
    runs: list[list] = []  # [section, id, start, text]
    reached = 0
    for c in sorted(chunks, key=lambda c: (c.char_start, c.ordinal)):
        if c.id == target:
            while runs and runs[-1][2] >= c.char_start:
                runs.pop()
            if runs:
                prev = runs[-1]
                prev[3] = prev[3][: max(0, c.char_start - prev[2])]
            runs.append([c.section, c.id, c.char_start, c.text])
            reached = c.char_end
            continue
        skip = max(0, reached - c.char_start)
        if skip >= len(c.text):
            continue
        runs.append([c.section, c.id, c.char_start + skip, c.text[skip:]])
        reached = max(reached, c.char_end)
    return [(r[0], r[1], r[3]) for r in runs if r[3].strip()]


def reader_html(doc: Document, chunks: Sequence[Chunk], target: int | None, highlights: Sequence[str],
                lang: str = "en", download: tuple[str, str] | None = None, *, pin: bool = False,
                notice: str = "") -> str:
    """The reader view of one document.

    Args:
        doc: the document.
        chunks: its chunks.
        target: the cited chunk's id: its text is wrapped in `#kb-reader-target` and its sentences in
            `highlights` are marked.
        highlights: sentences to mark in the target chunk.
        lang: the page language.
        download: (url, file name) of the stored original, when it is kept.
        pin: offer "Pin" under the cited passage (the whole of it, or the words selected in it), as
            its card does; only for a reader who may pin (`ui.draft_actions.DraftActions.card_rights`).
        notice: a status line (HTML, already escaped) shown above the text, e.g. where a pin went.

    Returns:
        HTML; nothing in it comes from the original's markup.
    """
    direction = "rtl" if rtl_language(doc.language) else "auto"
    lang_attr = f' lang="{esc(doc.language)}"' if doc.language and doc.language != "und" else ""
    head = [f'<h2 class="kb-reader-title" dir="auto">{esc(doc.title)}</h2>',
            f'<p class="kb-meta">{said(lang, "reader.what", source=doc.source, language=language_name(doc.language, lang) or "—")}</p>']
    if download:
        _, name = download
        head.append(f'<p><button class="kb-act kb-link kb-download" data-act="download" data-chunk="{target}">'
                    f"{said(lang, 'reader.download', name=name)}</button></p>")  # the file name isolated
    body: list[str] = []
    wraps = lines_may_wrap(doc.source)
    shown_section: tuple[str, ...] = ()
    for section, chunk_id, text in document_text(chunks, target):
        if section != shown_section:
            for depth, heading in enumerate(section):
                if depth >= len(shown_section) or shown_section[depth] != heading:
                    body.append(f'<h{min(depth + 3, 5)} class="kb-reader-heading" dir="auto">{esc(heading)}</h{min(depth + 3, 5)}>')
            shown_section = section
        text = body_text(text, section) if section else text  # the heading is shown above, once
        shown = soft_wraps(text) if wraps else text  # a PDF's wrapped lines as running text
        if chunk_id == target:
            body.append(f'<div id="{TARGET_ID}" class="kb-reader-passage kb-target" dir="{direction}"{lang_attr}>'
                        f"{highlight(text, highlights, shown=shown)}</div>")
            if pin:
                body.append(f'<p class="kb-reader-actions"><button class="kb-act kb-primary" data-act="pin" '
                            f'data-chunk="{target}" title="{esc(t(lang, "card.pin_hint"))}">'
                            f'{esc(t(lang, "card.pin"))}</button></p>')
        else:
            body.append(f'<div class="kb-reader-passage" dir="{direction}"{lang_attr}>{esc(shown)}</div>')
    return (f'<div class="kb-reader" dir="{page_direction(lang)}">' + notice + "".join(head)
            + '<div class="kb-reader-text">' + "".join(body) + "</div></div>")
