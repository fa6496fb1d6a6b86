"""HTML of the directory and the leadership group: entry cards with their sources, candidates, the import
report, the group's seats and the panel of expected sectors (plain strings, no gradio import).

Every text of an entry or a document goes through `esc`; buttons carry `data-act` and `data-item` (an
entry or seat id) or `data-chunk` (a source to open in the reader) for the page's click handler.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from kb.directory import CONTACT_FIELDS, Candidate, Entry, ImportReport, RosterMember, SectorCheck, Source
from kb.drafting.quotes import words_for_reading
from kb.searching.highlights import one_line
from kb.types import Hit
from ui.i18n import direction, t
from ui.render_base import Markup, citation_record, esc, message, said, say, stored_citation

__all__ = ["entry_cards", "source_html", "form_source", "candidate_choices", "import_report", "group_view",
           "value_label", "scope_label"]

# Entry fields a card shows under its name, in order (contact fields apart).
_DETAILS = ("organisation", "target_group", "description", "access")


def value_label(field: str, value: str, lang: str) -> str:
    """A kind, sector, role or prevention level in the page language."""
    return t(lang, f"choice.{field}.{value}") if value else ""


def scope_label(draft_title: str | None, lang: str) -> str:
    return t(lang, "directory.scope_draft", title=draft_title) if draft_title else t(lang, "directory.scope_network")


def source_html(source: Source, lang: str) -> str:
    """A source: its citation, the words quoted, and "Open" (the reader at the passage) while it exists."""
    opener = ""
    if source.chunk_id is not None:
        opener = (f' <button class="kb-act kb-link" data-act="open-source" data-chunk="{source.chunk_id}">'
                  f'{esc(t(lang, "directory.open_source"))}</button>')
    # its lines kept (a table's rows, a list's items), a PDF's wrapped lines joined, each line's spacing tidied
    shown = words_for_reading(source.quote, source.document, [source.title, *source.section])
    quote = "\n".join(" ".join(line.split()) for line in shown.splitlines() if line.strip())
    # its parts isolated, each in its own direction, the separators in the page's (ui.render_base.stored_citation)
    cited = stored_citation(*citation_record(source), lang) if source.citation else f"<bdi>{esc(source.document)}</bdi>"
    return (f'<li class="kb-source"><span class="kb-citation" dir="{direction(lang)}">{cited}'
            f'</span>{opener}<blockquote class="kb-quote" dir="auto">{esc(quote)}</blockquote></li>')


def _contact_html(entry: Entry, lang: str) -> str:
    parts = []
    for field in CONTACT_FIELDS:
        value = getattr(entry, field)
        if not value:
            continue
        if field == "website":
            href = value if value.startswith(("http://", "https://")) else "https://" + value
            shown = f'<a href="{esc(href)}" target="_blank" rel="noopener nofollow">{esc(value)}</a>'
        elif field == "email":
            shown = f'<a href="mailto:{esc(value)}">{esc(value)}</a>'
        else:
            shown = esc(value)
        parts.append(f'<span class="kb-contact-{field}">{esc(t(lang, f"entry.{field}"))}: {shown}</span>')
    if entry.contact_hidden:
        parts.append(f'<span class="kb-contact-hidden">{esc(t(lang, "directory.contact_hidden"))}</span>')
    return f'<p class="kb-contact" dir="auto">{" · ".join(parts)}</p>' if parts else ""


def _entry_card(entry: Entry, lang: str, can_edit: bool, can_seat: bool) -> str:
    what = " · ".join(p for p in (value_label("kind", entry.kind, lang), value_label("sector", entry.sector, lang),
                                  entry.city, ", ".join(value_label("prevention_level", v, lang)
                                                        for v in entry.prevention_level)) if p)
    if entry.public:
        what += f' <span class="kb-badge">{esc(t(lang, "directory.public"))}</span>'
    details = "".join(f'<p class="kb-detail" dir="auto"><span class="kb-meta">{esc(t(lang, f"entry.{f}"))}:</span> '
                      f"{esc(getattr(entry, f))}</p>" for f in _DETAILS if getattr(entry, f))
    if entry.themes:
        details += f'<p class="kb-detail kb-meta" dir="auto">{esc(t(lang, "field.themes"))}: {esc("; ".join(entry.themes))}</p>'
    if entry.extra:
        free = "; ".join(f"{k}: {v}" for k, v in entry.extra.items())
        details += f'<p class="kb-detail kb-meta" dir="auto">{esc(t(lang, "directory.free_fields"))}: {esc(free)}</p>'
    sources = ("".join(source_html(s, lang) for s in entry.sources) if entry.sources
               else f'<li class="kb-meta">{esc(t(lang, "directory.no_source"))}</li>')
    buttons = []
    if can_edit:
        buttons += [f'<button class="kb-act" data-act="edit" data-item="{entry.id}">{esc(t(lang, "directory.edit"))}</button>',
                    f'<button class="kb-act" data-act="remove" data-item="{entry.id}">{esc(t(lang, "directory.remove"))}</button>']
    if can_seat:
        buttons.append(f'<button class="kb-act" data-act="seat" data-item="{entry.id}">{esc(t(lang, "directory.seat"))}</button>')
    return (f'<article class="kb-card kb-entry" id="kb-entry-{entry.id}" data-item="{entry.id}">'
            f'<header><strong class="kb-title kb-entry-name" dir="auto">{esc(entry.name)}</strong> '
            f'<span class="kb-meta" dir="{direction(lang)}">{what}</span></header>{details}{_contact_html(entry, lang)}'
            f'<p class="kb-meta">{esc(t(lang, "directory.sources"))}</p><ul class="kb-sources">{sources}</ul>'
            f'<footer>{" ".join(buttons)}</footer></article>')


def entry_cards(entries: Sequence[Entry], lang: str, *, can_edit: bool, can_seat: bool = False,
                empty: str = "", notice: str = "") -> str:
    """Entries as cards (name, what it is, details, contact as the reader may see it, sources)."""
    head = notice
    if not entries:
        return f'<div class="kb-empty" dir="{direction(lang)}">{head}{esc(empty or t(lang, "directory.empty"))}</div>'
    cards = "".join(_entry_card(e, lang, can_edit, can_seat) for e in entries)
    return f'<div class="kb-results kb-entries" dir="{direction(lang)}">{head}{cards}</div>'


def form_source(sources: Sequence[Source], lang: str, note: str = "") -> str:
    """What the entry form will keep as the entry's sources (read-only)."""
    if not sources:
        return f'<p class="kb-meta" dir="auto">{esc(note or t(lang, "directory.no_source"))}</p>'
    items = "".join(source_html(s, lang) for s in sources)
    lead = f'<p class="kb-meta" dir="auto">{esc(note)}</p>' if note else ""
    return f'<div dir="{direction(lang)}">{lead}<p class="kb-meta">{esc(t(lang, "directory.form_source"))}</p><ul class="kb-sources">{items}</ul></div>'


_ROW = re.compile(r"^table (\d+), row (\d+)$")
_ITEM = re.compile(r"^list item “(.*)”$", re.S)


def origin_said(origin: str, lang: str) -> str:
    """Where a candidate was found, in the page language: kb.directory writes "table 1, row 2" and
    "list item “Poder público”" (joined by "; " when a programme was found twice)."""
    parts = []
    for part in origin.split("; ") if origin else ():
        row, item = _ROW.match(part), _ITEM.match(part)
        parts.append(t(lang, "directory.origin_row", table=row[1], row=row[2]) if row else
                     t(lang, "directory.origin_item", item=item[1]) if item else part)
    return t(lang, "common.semicolon").join(parts)


def candidate_choices(candidates: Sequence[Candidate], lang: str) -> list[tuple[str, str]]:
    """(label, index) pairs for the candidates' checkboxes."""
    out = []
    for i, cand in enumerate(candidates):
        e = cand.entry
        what = ", ".join(p for p in (value_label("kind", e.kind, lang), value_label("sector", e.sector, lang), e.city) if p)
        label = t(lang, "directory.candidate_label", name=e.name, what=what, origin=origin_said(cand.origin, lang))
        if cand.duplicate_of:
            label += " — " + t(lang, "directory.candidate_dup")
        out.append((label, str(i)))
    return out


def import_report(report: ImportReport, lang: str) -> str:
    """The import report, line by line, in the page language."""
    lines = [t(lang, "directory.report_summary", added=len(report.added), merged=len(report.merged),
               duplicates=len(report.duplicates), rejected=len(report.rejected))]
    if report.unknown_columns:
        lines.append(t(lang, "directory.report_unknown", columns=", ".join(report.unknown_columns)))
    lines += [t(lang, "directory.report_rejected", line=str(line)) for line, _ in report.rejected]
    lines += [t(lang, "directory.report_problem", line=str(line), field=t(lang, f"entry.{p.field}"), value=p.value,
                reason=t(lang, f"error.directory.{p.field}", value=p.value)) for line, p in report.problems]
    lines += [t(lang, "directory.report_duplicate", line=str(line), name=name) for line, name, _ in report.duplicates]
    kind = "ok" if report.ok and not report.duplicates else "info"
    return message(lines[0], kind) + "".join(f'<p class="kb-report-line" dir="auto">{esc(x)}</p>' for x in lines[1:])


def _excerpt(hit: Hit, lang: str) -> str:
    text = " … ".join(hit.highlights) if hit.highlights else one_line(hit.text, 320)
    cited = stored_citation(*citation_record(hit), lang)
    return (f'<li class="kb-example"><span class="kb-citation" dir="{direction(lang)}">{cited}</span> '
            f'<button class="kb-act kb-link" data-act="open" data-chunk="{hit.chunk_id}">{esc(t(lang, "card.open"))}</button>'
            f'<blockquote class="kb-quote" dir="auto">{esc(text)}</blockquote></li>')


def _seat(member: RosterMember, lang: str, can_edit: bool) -> str:
    remove = (f' <button class="kb-act kb-link" data-act="unseat" data-item="{member.id}">'
              f'{esc(t(lang, "group.remove"))}</button>' if can_edit else "")
    note = f" — {esc(member.note)}" if member.note else ""
    return (f'<tr class="kb-seat" data-item="{member.id}"><td dir="auto">{esc(member.organisation)}{note}</td>'
            f"<td>{esc(value_label('sector', member.sector, lang))}</td>"
            f"<td>{esc(value_label('role', member.role, lang))}</td><td>{remove}</td></tr>")


def group_view(title: str, members: Sequence[RosterMember], checks: Sequence[SectorCheck], lang: str, *,
               can_edit: bool, guidance: Mapping[str, object]) -> str:
    """The group's seats, then each expected sector: present (who) or missing, with excerpts to read."""
    heading = title if isinstance(title, Markup) else esc(title)  # Markup: its values isolated (`said`)
    out = [f'<div class="kb-group" dir="{direction(lang)}"><h3 dir="auto">{heading}</h3>'
           f'<p class="kb-meta">{esc(t(lang, "group.which"))}</p>']  # which draft: the tab has no picker
    if members:
        head = "".join(f"<th>{esc(t(lang, k))}</th>" for k in ("group.organisation", "group.sector", "group.role"))
        out.append(f'<table class="kb-seats"><thead><tr>{head}<th></th></tr></thead><tbody>'
                   + "".join(_seat(m, lang, can_edit) for m in members) + "</tbody></table>")
    else:
        out.append(f'<p class="kb-empty">{esc(t(lang, "group.empty" if can_edit else "group.empty_read"))}</p>')
    missing = [c for c in checks if not c.present]
    # the guidance's title, its quotes and the members' names isolated: Latin words in an Arabic sentence
    out.append(f'<h4>{said(lang, "group.expected", title=str(guidance.get("title") or ""), page=str(guidance.get("page") or ""))}</h4>')
    out.append(say(lang, "group.missing_count", n=len(missing), kind="info") if missing
               else say(lang, "group.complete", kind="ok"))
    out.append('<ul class="kb-sectors">')
    for check in checks:
        name = value_label("sector", check.expected.sector, lang)
        if check.expected.detail:
            name = t(lang, "group.research") if check.expected.detail == "research partner" else check.expected.detail
        says = said(lang, "group.guidance_says", quote=check.expected.quote)
        if check.present:
            who = ", ".join(m.organisation for m in check.members)
            out.append(f'<li class="kb-sector kb-present" data-sector="{esc(check.expected.sector)}">'
                       f'<strong>{esc(name)}</strong>: {said(lang, "group.present", members=who)}</li>')
            continue
        examples = ("".join(_excerpt(h, lang) for h in check.excerpts) if check.excerpts
                    else f'<li class="kb-meta">{esc(t(lang, "group.no_examples"))}</li>')
        out.append(f'<li class="kb-sector kb-missing" data-sector="{esc(check.expected.sector)}">'
                   f'<strong>{esc(name)}</strong>: <span class="kb-missing-word">{esc(t(lang, "group.missing"))}</span>'
                   f'<p class="kb-meta">{says}</p><p class="kb-meta">{esc(t(lang, "group.examples"))}</p>'
                   f'<ul class="kb-examples">{examples}</ul></li>')
    out.append("</ul></div>")
    return "".join(out)
