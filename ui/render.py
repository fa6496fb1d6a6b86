"""HTML and table views of kb records, built as plain strings (no gradio import, testable alone).

Every piece of document text and metadata goes through `esc`, so a document containing `<script>`
or `<img onerror=...>` renders as inert text. `esc` also encodes `{`, `}`, `$` and backticks: the
Gradio HTML component treats its value as a JS/Handlebars template, and document text must never
be read as one.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from kb.drafting.drafts import Draft, DraftInfo
from kb.types import Document, Hit

__all__ = [
    "esc",
    "highlight",
    "result_cards",
    "draft_view",
    "draft_choices",
    "library_rows",
    "LIBRARY_HEADERS",
    "outcome_rows",
    "OUTCOME_HEADERS",
    "report_html",
    "banner",
    "message",
]

_TEMPLATE_CHARS = str.maketrans({"{": "&#123;", "}": "&#125;", "$": "&#36;", "`": "&#96;"})
RTL = {"ar", "fa", "he", "ur", "ps", "yi", "dv", "ku", "sd", "ug"}


def esc(value: object) -> str:
    """Escape any value for HTML text or a quoted attribute."""
    return html.escape("" if value is None else str(value), quote=True).translate(_TEMPLATE_CHARS)


def highlight(text: str, sentences: Iterable[str]) -> str:
    """Escaped `text` with each of `sentences` (verbatim substrings) wrapped in <mark>."""
    spans: list[tuple[int, int]] = []
    for sentence in sentences:
        start = text.find(sentence) if sentence else -1
        if start >= 0:
            spans.append((start, start + len(sentence)))
    out, pos = [], 0
    for start, end in sorted(spans):
        if start < pos:  # overlapping highlights: keep the first
            continue
        out += [esc(text[pos:start]), "<mark>", esc(text[start:end]), "</mark>"]
        pos = end
    out.append(esc(text[pos:]))
    return "".join(out)


def _lang_badge(lang: str | None) -> str:
    code = (lang or "und").lower()
    return f'<span class="kb-badge kb-lang" title="language">{esc(code.upper())}</span>'


def _dir(lang: str | None) -> str:
    # dir="auto" lets the browser follow the text; a known RTL language states it outright.
    return "rtl" if (lang or "").lower() in RTL else "auto"


def result_cards(
    hits: Sequence[Hit],
    open_url: Callable[[Hit], str | None],
    *,
    can_pin: bool = True,
    empty: str = "No results. Try other words, another language, or fewer filters.",
) -> str:
    """Search results as cards with highlighted excerpt, citation and action buttons.

    Args:
        hits: the results, best first.
        open_url: the link to a hit's original file (with #page=N for PDFs), or None.
        can_pin: show "add to draft section".
        empty: what to say when there are no hits.

    Returns:
        HTML; buttons carry `data-act` and `data-chunk` for the page's click handler.
    """
    if not hits:
        return f'<div class="kb-empty">{esc(empty)}</div>'
    cards = []
    for n, hit in enumerate(hits, start=1):
        place = ", ".join(p for p in (hit.city, hit.country) if p)
        meta = " · ".join(esc(p) for p in (place, hit.year, hit.doc_type) if p)
        url = open_url(hit)
        where = f"p. {hit.page}" if hit.page else "original"
        link = (
            f'<a class="kb-open" href="{esc(url)}" target="_blank" rel="noopener">Open at {esc(where)}</a>'
            if url
            else ""
        )
        pin = (
            f'<button class="kb-act" data-act="pin" data-chunk="{hit.chunk_id}">Add to draft section</button>'
            if can_pin
            else ""
        )
        cards.append(
            f'<article class="kb-card" data-chunk="{hit.chunk_id}">'
            f'<header><span class="kb-rank">{n}</span> <strong class="kb-title" dir="auto">{esc(hit.title)}</strong> '
            f'{_lang_badge(hit.language)} <span class="kb-meta" dir="auto">{meta}</span></header>'
            f'<p class="kb-excerpt" dir="{_dir(hit.language)}" lang="{esc(hit.language)}">'
            f"{highlight(hit.text, hit.highlights)}</p>"
            f'<p class="kb-citation" dir="auto">{esc(hit.citation)}</p>'
            + "".join(f'<p class="kb-citation kb-also" dir="auto">Also in: {esc(c)}</p>' for c in hit.also_in)
            + f'<footer>{link} <button class="kb-act" data-act="more" data-chunk="{hit.chunk_id}">More like this'
            f"</button> {pin}</footer></article>"
        )
    return '<div class="kb-results">' + "".join(cards) + "</div>"


def draft_view(draft: Draft | None, section_key: str | None = None) -> str:
    """A draft's sections and items; each item has up/down/remove buttons (`data-item`)."""
    if draft is None:
        return '<div class="kb-empty">No draft selected. Create one above.</div>'
    parts = [
        f'<h2 dir="auto">{esc(draft.title)}</h2>',
        f'<p class="kb-meta" dir="auto">{esc(draft.framework_title)}{" — " + esc(draft.city) if draft.city else ""}</p>',
    ]
    for sec in draft.sections:
        current = " kb-current" if sec.section.key == section_key else ""
        parts.append(
            f'<section class="kb-draft-section{current}" data-section="{esc(sec.section.key)}">'
            f"<h3>{esc(sec.section.title)} <small>({len(sec.items)})</small></h3>"
        )
        for item in sec.items:
            buttons = "".join(
                f'<button class="kb-act" data-act="{act}" data-item="{item.id}" title="{title}">{label}</button>'
                for act, label, title in (
                    ("up", "↑", "Move up"),
                    ("down", "↓", "Move down"),
                    ("remove", "✕", "Remove"),
                )
            )
            if item.kind == "excerpt":
                body = (
                    f'<blockquote dir="auto" lang="{esc(item.meta.get("language") or "")}">{esc(item.text)}</blockquote>'
                    f'<p class="kb-citation" dir="auto">{esc(item.citation)}</p>'
                )
            else:
                body = f'<p class="kb-note" dir="auto">{esc(item.text)}</p>'
            parts.append(
                f'<div class="kb-item kb-{item.kind}" data-item="{item.id}"><div class="kb-item-body">{body}</div>'
                f'<div class="kb-item-actions">{buttons}</div></div>'
            )
        parts.append("</section>")
    return '<div class="kb-draft">' + "".join(parts) + "</div>"


def draft_choices(infos: Sequence[DraftInfo]) -> list[tuple[str, int]]:
    """(label, id) pairs for the draft dropdown."""
    return [(f"{i.title}" + (f" — {i.city}" if i.city else "") + f" ({i.item_count})", i.id) for i in infos]


LIBRARY_HEADERS = [
    "id",
    "title",
    "source",
    "city",
    "country",
    "year",
    "type",
    "themes",
    "language",
    "chunks",
    "pages",
    "status",
    "updated",
]


def library_rows(docs: Sequence[Document]) -> list[list[Any]]:
    """One row per document for the library table (Gradio's Dataframe escapes cell text itself)."""
    rows = []
    for d in docs:
        m = d.metadata
        themes = m.get("themes") or []
        rows.append(
            [
                d.id,
                d.title,
                d.source,
                m.get("city") or "",
                m.get("country") or "",
                m.get("year") or "",
                m.get("doc_type") or "",
                "; ".join(themes) if isinstance(themes, list) else str(themes),
                d.language,
                d.chunk_count,
                d.page_count or "",
                d.status,
                d.updated_at[:10],
            ]
        )
    return rows


OUTCOME_HEADERS = ["file", "outcome", "reason", "chunks", "pages", "language", "title"]


def outcome_rows(report: dict[str, Any] | None) -> list[list[Any]]:
    """Rows of an AddReport dict (`AddReport.to_dict()`), one per file."""
    files = (report or {}).get("files") or []
    return [
        [
            f.get("path", ""),
            f.get("outcome", ""),
            f.get("reason") or "",
            f.get("chunks", 0),
            f.get("pages") or "",
            f.get("language") or "",
            f.get("title") or "",
        ]
        for f in files
    ]


def report_html(run: dict[str, Any] | None) -> str:
    """The last ingest run: when, and how many files had each outcome."""
    if not run:
        return '<div class="kb-empty">No documents have been added yet.</div>'
    summary = (run.get("report") or {}).get("summary") or {}
    counts = ", ".join(f"{esc(v)} {esc(k)}" for k, v in summary.items())
    return (
        f'<p class="kb-report">Last ingest: started {esc(run.get("started_at"))}, finished '
        f"{esc(run.get('finished_at'))}: {counts}.</p>"
    )


def stale_notice(count: int) -> str:
    """Say that documents were read by an older version, and what reading them again changes."""
    if count <= 0:
        return ""
    return (
        f'<p class="kb-notice" role="status">{count} document{"s" if count != 1 else ""} were read by an older '
        "version of the readers: their excerpts can show lists unmarked, a PDF's page headers, or a citation "
        "without its section. “Read them again” reads them from the copies the knowledge base keeps "
        "(only changed passages are embedded again).</p>"
    )


def banner(role: str, user: str | None) -> str:
    """The line at the top of the page that says who is signed in, or that nobody needs to be."""
    if role == "local":
        return (
            '<div class="kb-banner kb-local" role="status"><strong>Local single-user mode.</strong> No users are '
            "configured, so anyone who can open this page can search, draft, and add, edit or remove "
            "documents. Add users with <code>kb user add NAME --role coordinator</code> to require sign-in."
            "</div>"
        )
    rights = "search, draft and manage documents" if role == "coordinator" else "search and draft"
    return (
        f'<div class="kb-banner" role="status">Signed in as <strong>{esc(user)}</strong> ({esc(role)}): you can '
        f"{rights}.</div>"
    )


def message(text: str, kind: str = "info") -> str:
    """A short status line (kind: info, ok, error)."""
    return f'<p class="kb-msg kb-{esc(kind)}" role="status" dir="auto">{esc(text)}</p>'


def download_link(url: str, name: str) -> str:
    """A link to a private export (its address works for the person who asked, for a while)."""
    return (f'<p class="kb-download"><a href="{esc(url)}" download="{esc(name)}">{esc(name)}</a>'
            ' <span class="kb-meta">(a private link for you, valid 15 minutes)</span></p>')
