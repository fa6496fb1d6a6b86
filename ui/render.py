"""HTML and table views of kb records, built as plain strings (no gradio import, testable alone).

Every text is in the page language (`lang`, a code of `ui.i18n.LANGUAGES`); document text and
metadata go through `esc` (see `ui.render_base`). Result cards are `ui.cards`, the document reader
`ui.reader`; both are re-exported here.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from kb.drafting.drafts import Draft, DraftInfo, DraftItem
from kb.drafting.framework import Section
from kb.drafting.quotes import quote_for_reading
from kb.types import Document
from ui.cards import CardRights, CardState, Original, PinnedAt, highlight, result_cards
from ui.i18n import catalogue, direction, t, theme_name
from ui.i18n.locale import country_name, date_time, language_name
from ui.render_base import citation_record, cited_text, esc, message, rtl_language, say, stored_citation

__all__ = [
    "esc",
    "choice_name",
    "outcome_summary",
    "outcome_list",
    "download_link",
    "download_links",
    "highlight",
    "message",
    "say",
    "result_cards",
    "CardState",
    "CardRights",
    "Original",
    "PinnedAt",
    "draft_view",
    "draft_choices",
    "draft_name",
    "library_rows",
    "library_headers",
    "library_list",
    "LIBRARY_HEADERS",
    "ocr_cell",
    "outcome_rows",
    "outcome_headers",
    "OUTCOME_HEADERS",
    "report_html",
    "stale_notice",
    "banner",
    "intro",
    "section_title",
    "section_searches",
    "draft_in",
    "section_purpose",
]

LIBRARY_HEADERS = ["id", "title", "source", "city", "country", "year", "type", "themes", "language",
                   "chunks", "pages", "ocr", "status", "updated"]
OUTCOME_HEADERS = ["file", "outcome", "reason", "chunks", "pages", "language", "title"]


def library_headers(lang: str) -> list[str]:
    return [t(lang, f"library.col.{c}") for c in LIBRARY_HEADERS]


def outcome_headers(lang: str) -> list[str]:
    return [t(lang, f"outcome.col.{c}") for c in OUTCOME_HEADERS]


def _in_language(key: str, own: str, lang: str) -> str:
    """The default template's wording `own` in the UI language, when the catalogue's English for
    `key` is that wording; a city's edited template keeps its own text."""
    english = catalogue("en").get(key)
    return t(lang, key) if english is not None and " ".join(str(english).split()) == " ".join(own.split()) else own


def _template_text(section: Section, part: str, lang: str) -> str:
    """A framework section's title or purpose in the UI language (see `_in_language`)."""
    return _in_language(f"framework.{section.key}.{part}", section.title if part == "title" else section.purpose, lang)


def section_title(section: Section, lang: str) -> str:
    return _template_text(section, "title", lang)


def draft_in(draft: Draft, lang: str) -> Draft:
    """The draft with the default template's wording (framework title, section titles and
    purposes) in `lang`, for an export in the drafter's language; a city's own wording stays."""
    title = _in_language("framework.title", draft.framework_title, lang)
    sections = [replace(s, section=replace(s.section, title=section_title(s.section, lang),
                                           purpose=_template_text(s.section, "purpose", lang)))
                for s in draft.sections]
    return replace(draft, framework_title=title, sections=sections)


def section_searches(section: Section, lang: str) -> list[str]:
    """A section's suggested searches in the UI language, each where the catalogue translates the
    template's own wording (`framework.<key>.search<n>`); a city's own searches stay as written."""
    return [_in_language(f"framework.{section.key}.search{n}", own, lang) for n, own in enumerate(section.searches, 1)]


def section_purpose(section: Section | None, lang: str) -> str:
    """The chosen section's title, purpose and suggested searches."""
    if section is None:
        return ""
    searches = "".join(f'<li dir="auto">{esc(q)}</li>' for q in section_searches(section, lang))
    return (
        f'<div dir="{direction(lang)}"><h3 class="kb-section-title">{esc(section_title(section, lang))}</h3>'
        f'<p class="kb-purpose">{esc(_template_text(section, "purpose", lang))}</p>'
        f'<p class="kb-meta">{esc(t(lang, "draft.suggested"))}</p><ul class="kb-searches">{searches}</ul></div>'
    )


def item_citation_text(item: DraftItem, lang: str) -> str:
    """A pinned excerpt's citation as text in `lang`, as the page shows it: an export's reference list."""
    return cited_text(*citation_record(item), lang)


def _item_html(item: DraftItem, lang: str, editable: bool = True, first: bool = False, last: bool = False) -> str:
    """An item and its buttons; "up" on a section's first item and "down" on its last move nothing, so
    they are shown disabled (QA pass 15: a screen reader offered them as if they did)."""
    still = {"up": first, "down": last, "remove": False}
    buttons = "".join(
        f'<button class="kb-act" data-act="{act}" data-item="{item.id}" title="{esc(t(lang, key))}" '
        f'aria-label="{esc(t(lang, key))}"{" disabled" if still[act] else ""}>{sign}</button>'
        for act, sign, key in (("up", "↑", "draft.up"), ("down", "↓", "draft.down"), ("remove", "✕", "draft.remove"))
    ) if editable else ""
    if item.kind == "excerpt":
        language = item.meta.get("language") or ""
        quote_dir = "rtl" if rtl_language(language) else "auto"
        # the passage in the reader, while the document still holds it (a directory source's "Open" too)
        opener = (f'<button class="kb-act kb-link" data-act="open-source" data-chunk="{item.chunk_id}">'
                  f'{esc(t(lang, "directory.open_source"))}</button>' if item.chunk_id is not None else "")
        body = (
            # as the export quotes it: without leading title lines, its wrapped lines joined
            f'<blockquote class="kb-quote" dir="{quote_dir}" lang="{esc(language)}">{esc(quote_for_reading(item))}'
            "</blockquote>"
            f'<p class="kb-citation" dir="{direction(lang)}">{stored_citation(*citation_record(item), lang)}</p>'
            + opener  # after the citation, not in it: its text stays the citation alone
        )
    else:
        body = f'<p class="kb-note" dir="auto">{esc(item.text)}</p>'
    return (
        f'<div class="kb-item kb-{item.kind}" data-item="{item.id}"><div class="kb-item-body">{body}</div>'
        f'<div class="kb-item-actions">{buttons}</div></div>'
    )


def draft_view(draft: Draft | None, section_key: str | None = None, lang: str = "en",
               removed: DraftItem | None = None, editable: bool = True) -> str:
    """A draft's sections and items; each item has up/down/remove buttons (`data-item`) when the
    reader may change the draft (`editable`); after a removal, a line that undoes it. With no draft,
    `editable` says whether the reader may start one: a reader who may not is not told to create one."""
    if draft is None:
        empty = "draft.none" if editable else "draft.none_read"
        return f'<div class="kb-empty" dir="{direction(lang)}">{esc(t(lang, empty))}</div>'
    parts = [
        f'<h2 dir="auto">{esc(draft.title)}</h2>',
        # the default template's title in the page's language, as the export writes it; a city's own stays
        f'<p class="kb-meta" dir="auto">{esc(_in_language("framework.title", draft.framework_title, lang))}'
        f'{" — " + esc(draft.city) if draft.city else ""}</p>',
    ]
    if removed is not None and removed.draft_id == draft.id:
        words = " ".join(removed.text.split())
        short = words[:80] + ("…" if len(words) > 80 else "")
        parts.append(
            f'<p class="kb-undo" role="status">{esc(t(lang, "draft.removed", text=short))} · '
            f'<button class="kb-act kb-link" data-act="restore" data-item="{removed.id}">{esc(t(lang, "card.undo"))}'
            "</button></p>"
        )
    for number, sec in enumerate(draft.sections, start=1):
        current = " kb-current" if sec.section.key == section_key else ""
        parts.append(
            f'<section class="kb-draft-section{current}" data-section="{esc(sec.section.key)}">'
            f"<h3>§{number} {esc(section_title(sec.section, lang))} <small>({len(sec.items)})</small></h3>"
        )
        parts += [_item_html(item, lang, editable, first=i == 0, last=i == len(sec.items) - 1)
                  for i, item in enumerate(sec.items)]
        parts.append("</section>")
    return f'<div class="kb-draft" dir="{direction(lang)}">' + "".join(parts) + "</div>"


def draft_title(title: str, city: str) -> str:
    """How a draft is named on the page: its title, with its city when the title does not say it."""
    return title + (f" — {city}" if city and city.casefold() not in title.casefold() else "")


def draft_choices(infos: Sequence[DraftInfo]) -> list[tuple[str, int]]:
    """(label, id) pairs for the draft dropdown; drafts of the same name and city also show their
    number, so two "Plan — Oued Nour" are not told apart by their pin counts alone."""
    names = [draft_title(i.title, i.city) for i in infos]
    seen = Counter(n.casefold() for n in names)
    return [(n + (f" · #{i.id}" if seen[n.casefold()] > 1 else "") + f" ({i.item_count})", i.id)
            for n, i in zip(names, infos, strict=True)]


def draft_name(label: str) -> str:
    """A `draft_choices` label without its excerpt count: how a toast names the draft."""
    return re.sub(r" \(\d+\)$", "", label)


def ocr_cell(ocr: dict[str, Any] | None, lang: str = "en") -> str:
    """A document's OCR in a few words: pages read, mean confidence, the pages to check, what was not read."""
    if not ocr:
        return ""
    pages = ocr.get("pages") or {}
    parts = []
    if pages:
        mean = sum(p["confidence"] for p in pages.values()) / len(pages)
        parts.append(t(lang, "library.ocr.read", n=len(pages), confidence=round(mean),
                       packs="+".join(ocr.get("languages") or [])))
    low = [k for k, p in pages.items() if p.get("low")]
    if low:
        parts.append(t(lang, "library.ocr.low", pages=", ".join(low)))
    unread = [k for k, why in (ocr.get("skipped") or {}).items() if why not in ("blank", "no text found")]
    if ocr.get("partial"):
        parts.append(t(lang, "library.ocr.partial", n=len(unread)))
    elif unread:
        parts.append(t(lang, "library.ocr.unread", n=len(unread)))
    if ocr.get("missing_packs"):
        parts.append(t(lang, "library.ocr.install", packs=" ".join(ocr["missing_packs"])))
    return t(lang, "common.semicolon").join(parts)


def choice_name(field: str, value: Any, lang: str) -> str:
    """A choice field's value by its name in `lang` ("city-practice" -> "Práctica municipal"); a value
    the catalogue does not name (given by hand) as it is."""
    if not value:
        return ""
    key = f"choice.{field}.{value}"
    return t(lang, key) if key in catalogue("en") else str(value)


def library_rows(docs: Sequence[Document], lang: str = "en") -> list[list[Any]]:
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
                country_name(m.get("country"), lang),
                m.get("year") or "",
                choice_name("doc_type", m.get("doc_type"), lang),
                t(lang, "common.semicolon").join(theme_name(str(x), lang) for x in themes)
                if isinstance(themes, list) else str(themes),
                language_name(d.language, lang),
                d.chunk_count,
                d.page_count or "",
                ocr_cell(d.ocr, lang),
                choice_name("status", d.status, lang),
                date_time(d.updated_at, lang, with_time=False),
            ]
        )
    return rows


def library_list(rows: Sequence[Sequence[Any]], lang: str = "en") -> str:
    """The library's rows (`library_rows`) as a list, for a phone: app.css shows it instead of the
    table below 720 px, where fourteen columns broke words mid-letter. A document a line: its title,
    then where, when and what it is, then its number, file, passages, status and date."""
    items = []
    heads = dict(zip(LIBRARY_HEADERS, library_headers(lang), strict=True))
    for row in rows:
        cell = dict(zip(LIBRARY_HEADERS, row, strict=True))
        place = ", ".join(str(cell[k]) for k in ("city", "country") if cell[k])
        facts = " · ".join(str(x) for x in (place, cell["year"], cell["type"], cell["language"]) if x)
        more = " · ".join(str(x) for x in (f"#{cell['id']}", cell["source"], f"{heads['chunks']}: {cell['chunks']}",
                                           cell["ocr"], cell["status"], cell["updated"]) if x)
        items.append(f'<li><strong dir="auto">{esc(cell["title"])}</strong><span class="kb-meta">{esc(facts)}</span>'
                     f'<span class="kb-meta">{esc(more)}</span></li>')
    return f'<ul class="kb-library-list">{"".join(items)}</ul>' if items else ""


def outcome_list(rows: Sequence[Sequence[Any]], lang: str = "en") -> str:
    """An upload's outcome rows (`outcome_rows`) as a list, for a phone: app.css shows it instead of
    the table below 720 px, where seven columns cut their headers to "archiv | res | pas". A file a
    line: its name and outcome, then why, then its passages, pages, language and title."""
    heads = dict(zip(OUTCOME_HEADERS, outcome_headers(lang), strict=True))
    items = []
    for row in rows:
        cell = dict(zip(OUTCOME_HEADERS, row, strict=True))
        facts = " · ".join(f"{heads[k]}: {cell[k]}" for k in ("chunks", "pages", "language", "title") if cell[k] not in ("", None))
        why = f'<span class="kb-meta" dir="auto">{esc(cell["reason"])}</span>' if cell["reason"] else ""
        items.append(f'<li><bdi><strong>{esc(cell["file"])}</strong></bdi> — {esc(cell["outcome"])}{why}'
                     f'{f"<span class=kb-meta>{esc(facts)}</span>" if facts else ""}</li>')
    return f'<ul class="kb-library-list">{"".join(items)}</ul>' if items else ""


def outcome_rows(report: dict[str, Any] | None, lang: str = "en") -> list[list[Any]]:
    """Rows of an AddReport dict (`AddReport.to_dict()`), one per file, reasons whole and translated."""
    from ui.i18n.kb_errors import outcome_reason

    files = (report or {}).get("files") or []
    return [
        [
            f.get("path", ""),
            t(lang, f"outcome.{f.get('outcome', 'failed')}"),
            outcome_reason(f, lang),
            f.get("chunks", 0),
            f.get("pages") or "",
            language_name(f.get("language"), lang),
            f.get("title") or "",
        ]
        for f in files
    ]


def outcome_summary(counts: Mapping[str, Any], lang: str = "en") -> str:
    """"1 added, 0 updated, 0 unchanged, 1 failed" in the reader's language, each count with its own
    plural form ("1 fallido", not "1 fallidos")."""
    return t(lang, "outcome.summary", **{k: t(lang, f"outcome.count.{k}", n=int(counts.get(k, 0)))
                                         for k in ("added", "updated", "unchanged", "failed")})


def report_html(run: dict[str, Any] | None, lang: str = "en") -> str:
    """The last ingest run: when, and how many files had each outcome."""
    if not run:
        return f'<div class="kb-empty">{esc(t(lang, "library.no_documents"))}</div>'
    counts = outcome_summary((run.get("report") or {}).get("summary") or {}, lang)
    text = t(lang, "library.last_ingest", started=date_time(run.get("started_at"), lang),
             finished=date_time(run.get("finished_at"), lang), counts=counts)
    return f'<p class="kb-report" dir="{direction(lang)}">{esc(text)}</p>'


def stale_notice(count: int, lang: str = "en", ocr_pending: int = 0) -> str:
    """Say that documents were read by an older version, or hold scans OCR can now read, and what
    reading them again changes (both are what "Read them again" reads)."""
    notes = [t(lang, key, n=n) for key, n in (("library.stale", count), ("library.ocr_pending", ocr_pending)) if n > 0]
    return "".join(f'<p class="kb-notice" role="status">{esc(note)}</p>' for note in notes)


def intro(lang: str = "en") -> str:
    """The app's name and what it does, in one sentence."""
    return (
        f'<div class="kb-intro" dir="{direction(lang)}"><h1 class="kb-app-name">{esc(t(lang, "app.name"))}</h1>'
        f'<p class="kb-app-what">{esc(t(lang, "app.what"))}</p></div>'
    )


def banner(role: str, user: str | None, lang: str = "en", drafts: Sequence[str] = (), reads: Sequence[str] = ()) -> str:
    """Who is signed in, or, in single-user mode, what that means, with the command folded away.

    `drafts`, `reads`: the workspaces a signed-in viewer drafts in, and those whose drafts they only read.
    """
    if role == "local":
        return (
            f'<div class="kb-banner kb-local" role="status" dir="{direction(lang)}"><strong>{esc(t(lang, "banner.local_title"))}</strong> '
            f"{esc(t(lang, 'banner.local_text'))}"
            f'<details class="kb-admin"><summary>{esc(t(lang, "banner.admin_title"))}</summary>'
            f'<p>{esc(t(lang, "banner.admin_text"))}</p><pre dir="ltr"><code>kb user add NAME --role coordinator'
            "</code></pre></details></div>"
        )
    if role == "coordinator":
        rights = t(lang, "banner.rights_coordinator")
    elif drafts or reads:
        parts = [t(lang, "banner.rights_search")]
        parts += [t(lang, "banner.drafts_in", workspaces=", ".join(drafts))] if drafts else []
        parts += [t(lang, "banner.reads_in", workspaces=", ".join(reads))] if reads else []
        rights = t(lang, "banner.rights_and", first=", ".join(parts[:-1]), last=parts[-1])
    else:
        rights = t(lang, "banner.rights_no_workspace")
    # a viewer account who drafts in a workspace is a drafter there: "viewer" made them think they could not
    shown_role = "drafter" if role == "viewer" and drafts else role
    said = t(lang, "banner.signed_in", user=user or "", role=t(lang, f"role.{shown_role}"), rights=rights)
    return (
        f'<div class="kb-banner" role="status" dir="{direction(lang)}">{esc(said)} '
        f'<a class="kb-sign-out" href="logout">{esc(t(lang, "banner.sign_out"))}</a></div>'
    )


def download_link(url: str, name: str, lang: str = "en") -> str:
    """A link to a private export (its address works for the person who asked, for a while)."""
    return (f'<p class="kb-download"><a href="{esc(url)}" download="{esc(name)}">{esc(name)}</a>'
            f' <span class="kb-meta">{esc(t(lang, "export.private"))}</span></p>')


def download_links(links: Sequence[tuple[str, str]], lang: str = "en") -> str:
    """The session's private exports, newest first ((url, file name) pairs)."""
    return "".join(download_link(url, name, lang) for url, name in links)
