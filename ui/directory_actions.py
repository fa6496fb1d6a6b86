"""What the Directory and Leadership group tabs do, each operation checked against the caller's role.

The rule is `kb.directory.access`: everyone who searches sees entries, but contact fields only of public
entries unless they may edit documents; the network directory is the coordinators', a draft's directory
and group its drafters'. It is applied here, on the server, for the page and the HTTP API alike: a
viewer's answers never hold a non-public entry's contact fields. Every change (and an export) is
recorded in the audit trail as the caller's, as draft changes are. No gradio import.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from kb.access import LOCAL, Ticket
from kb.directory import (
    FIELDS,
    Candidate,
    DirectoryError,
    DirectoryPart,
    DuplicateEntry,
    Entry,
    EntryChanged,
    EntryInvalid,
    RosterPart,
    Source,
    directory_docx,
    may_edit,
    may_see_contact,
    visible,
)
from kb.directory.csv_io import NoNameColumn, read_csv_text
from kb.directory.validate import entry_from_form
from ui import directory_render as view
from ui.actions_base import BaseActions, UiError, kb_thread
from ui.draft_actions import find_quote, highlighted_span, slug
from ui.i18n import Msg, t
from ui.render import draft_choices, draft_name, item_citation_text
from ui.render_base import citation_record, cited_text, message, say

__all__ = ["DirectoryActions", "FORM_FIELDS", "NETWORK_SCOPE"]

FORM_FIELDS = FIELDS  # the entry form's fields, in order
NETWORK_SCOPE = "network"


class _Invalid(UiError):
    """A form that cannot be saved: every field at fault, in the page language."""

    def __init__(self, err: EntryInvalid) -> None:
        self.problems = err.problems
        super().__init__("error.directory.invalid", problems=self._parts("en"))

    def _parts(self, lang: str | None) -> str:
        return "; ".join(t(lang, "directory.problem", field=t(lang, f"entry.{p.field}"),
                           reason=t(lang, f"error.directory.{p.field}", value=p.value)) for p in self.problems)

    def text(self, lang: str | None) -> str:
        return t(lang, "error.directory.invalid", problems=self._parts(lang))


class DirectoryActions(BaseActions):
    """The directory's and the group's operations (mixed into `ui.actions.Actions`)."""

    # --- scopes and rights ---------------------------------------------------------------------

    def scope_of(self, value: Any) -> int | None:
        """None for the network directory, else a draft id (UiError when the draft is gone)."""
        if value in (None, "", NETWORK_SCOPE):
            return None
        try:
            draft_id = int(value)
            self.kb.directory.draft_city(draft_id)
        except (TypeError, ValueError, DirectoryError) as err:
            raise UiError("error.choose_draft") from err
        return draft_id

    @kb_thread
    def scope_choices(self, lang: str = "en", user: str | None = None) -> list[tuple[str, str]]:
        """The network directory, then the directory of each draft the caller may see (kb.access.policy),
        each draft named as the draft menu names it (its city, "· #2" for a second of the same name), so
        two drafts' directories are told apart; the menu's pin count left out."""
        drafts = self.kb.drafts.list(only=self.kb.draft_access.visible(self.caller(user)))
        return [(view.scope_label(None, lang), NETWORK_SCOPE)] + [
            (view.scope_label(draft_name(label), lang), str(draft_id)) for label, draft_id in draft_choices(drafts)]

    def _edit_check(self, user: str | None, draft_id: int | None) -> str:
        role = self.role(user)
        if draft_id is not None:  # a draft's directory is its workspace's (kb.access.policy)
            self.require_draft(user, draft_id, edit=True, what="directory")
        if not may_edit(role, draft_id):
            who = Msg(f"role.a.{role}") if role in ("viewer", "coordinator", "local") else Msg("role.a.unknown")
            raise UiError("error.directory.denied" if draft_id is None else "error.directory.denied_draft", who=who)
        return role

    def _seen(self, entries: Sequence[Entry], role: str) -> list[Entry]:
        """The entries as this reader may see them; a source whose passage is gone (its document
        removed or read again) keeps its words and citation but no longer opens."""
        wanted = {s.chunk_id for e in entries for s in e.sources if s.chunk_id is not None}
        alive = self.kb.live_chunks(wanted)
        out = []
        for entry in visible(entries, role):
            if any(s.chunk_id is not None and s.chunk_id not in alive for s in entry.sources):
                entry = replace(entry, sources=tuple(s if s.chunk_id in alive else replace(s, chunk_id=None)
                                                     for s in entry.sources))
            out.append(entry)
        return out

    # --- browsing ------------------------------------------------------------------------------

    @kb_thread
    def directory_view(self, user: str | None, scope: Any, query: str = "", filters: Mapping[str, Any] | None = None,
                       lang: str = "en", notice: str = "") -> tuple[str, str]:
        """(entry cards, status line) of a directory, searched and filtered."""
        role = self.check(user, "search")
        draft_id = self.scope_of(scope)
        self.require_draft(user, draft_id, edit=False, what="directory")
        query = (query or "").strip()
        found = self.kb.directory.search(query, k=50, filters=filters or {}, scope=draft_id)
        editable = self.may_edit_directory(user, role, draft_id)
        seat_draft = draft_id is not None and editable
        # "add one from a search card ..." only for who may: a viewer is told it is empty, no more
        empty = ("directory.no_match" if query or any((filters or {}).values())
                 else "directory.empty" if editable else "directory.empty_read")
        html = view.entry_cards(self._seen(found, role), lang, can_edit=editable, can_seat=seat_draft,
                                empty=t(lang, empty), notice=notice)
        status = t(lang, "directory.found", n=len(found), query=query) if query else t(lang, "directory.count", n=len(found))
        if query and found and self.kb.directory.words_known(query) == 0:
            status += " " + t(lang, "directory.meaning_only")
        if not found and not query:  # the list says it is empty ("0 entradas." above "ainda não tem entradas")
            return html, ""
        return html, message(status)

    @kb_thread
    def may_edit_scope(self, user: str | None, scope: Any) -> bool:
        """Whether this reader may change the directory chosen in the menu (its form, candidates and
        import are shown only then: a form that could only refuse is friction)."""
        try:
            return self.may_edit_directory(user, self.role(user), self.scope_of(scope))
        except UiError:
            return False

    @kb_thread
    def directory_facets(self) -> dict[str, list[str]]:
        return self.kb.directory.facets()

    # --- the entry form ------------------------------------------------------------------------

    @kb_thread
    def entry_form(self, user: str | None, entry_id: int) -> tuple[dict[str, Any], list[dict[str, Any]], str, str]:
        """The form values of a stored entry as this reader may see them, its sources, its name, and
        what the form edits ("id:fingerprint": `save_entry` refuses to write over a colleague's save
        made since)."""
        role = self.check(user, "search")
        entry = self._entry(entry_id)
        self._edit_check(user, entry.draft_id)
        seen = entry if may_see_contact(role, entry) else entry.without_contact()
        return (self._form_values(seen), [s.to_dict() | {"chunk_id": s.chunk_id, "doc_id": s.doc_id}
                                          for s in entry.sources], entry.name, f"{entry.id}:{entry.fingerprint()}")

    @staticmethod
    def _form_values(entry: Entry) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in FORM_FIELDS:
            value = getattr(entry, f)
            out[f] = list(value) if f == "prevention_level" else ("; ".join(value) if isinstance(value, tuple) else value)
        return out

    @kb_thread
    def prefill(self, user: str | None, chunk_id: int, quote: str | None, highlights: Sequence[str] | None,
                lang: str = "en") -> tuple[dict[str, Any], list[dict[str, Any]], str]:
        """"Add to directory" on a card: the form prefilled from the excerpt (city, source and quote,
        a suggested name from the selected words or the highlighted sentences)."""
        self.check(user, "search")
        chunk = self.kb.chunk(int(chunk_id))
        doc = self.kb.document(chunk.doc_id) if chunk else None
        if chunk is None or doc is None:
            raise UiError("error.excerpt_gone")
        part = find_quote(chunk.text, quote) if quote and quote.strip() else None
        part = part or (highlighted_span(chunk.text, highlights) if highlights else None) or chunk.text
        cities = [str(d.metadata.get("city")) for d in self.kb.documents() if d.metadata.get("city")]
        entry = self.kb.directory.from_excerpt(doc, chunk.id, part, cities)
        source = entry.sources[0]
        cited = cited_text(*citation_record(source), lang)  # as the cards write it
        note = t(lang, "directory.form_from_card", citation=cited)
        return self._form_values(entry), [source.to_dict() | {"chunk_id": source.chunk_id, "doc_id": source.doc_id}], note

    @staticmethod
    def _sources(data: Sequence[Mapping[str, Any]] | None) -> tuple[Source, ...]:
        out = []
        for d in data or ():
            s = Source.from_dict(dict(d))
            out.append(replace(s, chunk_id=d.get("chunk_id"), doc_id=d.get("doc_id")))
        return tuple(out)

    @kb_thread
    def save_entry(self, user: str | None, scope: Any, editing: Any, form: Mapping[str, Any],
                   sources: Sequence[Mapping[str, Any]] | None, *, merge: bool = False,
                   lang: str = "en") -> tuple[str, Entry | None]:
        """Save the form: a new entry of the chosen directory, or the one being edited.

        Returns:
            (status HTML, the saved entry), or (a "same programme already there" notice, None) when it
            repeats an entry and `merge` is False: nothing saved, the form keeps its values.
        Raises:
            UiError: a field is not valid (every one named; the form keeps what was typed) or no right.
        """
        role = self.check(user, "search")
        entry = entry_from_form(dict(form), sources=self._sources(sources))
        try:
            if editing not in (None, ""):
                entry_id, _, expected = str(editing).partition(":")  # "id:fingerprint" (a bare id: no check)
                old = self._entry(entry_id)
                self._edit_check(user, old.draft_id)
                hidden = not may_see_contact(role, old)
                saved = self.kb.directory.update(old.id or 0, replace(entry, extra=old.extra), keep_contact=hidden,
                                                 merge=merge, by=user or LOCAL, expected=expected or None)
            else:
                draft_id = self.scope_of(scope)
                self._edit_check(user, draft_id)
                saved = self.kb.directory.add(entry, draft_id, merge=merge, by=user or LOCAL)
        except EntryInvalid as err:
            raise _Invalid(err) from err
        except DuplicateEntry as err:
            return say(lang, "directory.duplicate", name=err.existing.name, kind="info"), None
        except EntryChanged as err:  # a colleague saved it since this form opened: theirs is kept
            raise UiError("error.directory.changed", name=err.current.name) from err
        except DirectoryError as err:
            raise UiError("error.directory.other", detail=str(err)) from err
        key = "directory.merged" if merge else "directory.saved"
        return say(lang, key, name=saved.name, kind="ok"), saved

    def _entry(self, entry_id: Any) -> Entry:
        try:
            return self.kb.directory.get(int(entry_id))
        except (DirectoryError, TypeError, ValueError) as err:
            raise UiError("error.directory.gone") from err

    @kb_thread
    def remove_entry(self, user: str | None, entry_id: Any) -> Entry:
        entry = self._entry(entry_id)
        self._edit_check(user, entry.draft_id)
        return self.kb.directory.remove(entry.id or 0, by=user or LOCAL)

    @kb_thread
    def restore_entry(self, user: str | None, entry: Entry | None) -> Entry:
        if entry is None:
            raise UiError("error.nothing_to_undo")
        self._edit_check(user, entry.draft_id)
        return self.kb.directory.restore(entry, by=user or LOCAL)

    # --- from documents and spreadsheets -------------------------------------------------------

    @kb_thread
    def document_choices(self) -> list[tuple[str, str]]:
        return [(f"{d.title} ({d.source})", str(d.id)) for d in self.kb.documents()]

    @kb_thread
    def find_candidates(self, user: str | None, scope: Any, doc_id: Any, lang: str = "en") -> tuple[
            list[tuple[str, str]], str, list[Candidate]]:
        """The candidates of a document's tables: checkbox choices, a status line, the candidates."""
        self._edit_check(user, self.scope_of(scope))
        doc = self.kb.document(int(doc_id)) if str(doc_id or "").isdigit() else None
        if doc is None:
            raise UiError("error.directory.choose_document")
        from ingest import IngestError

        try:
            cands = self.kb.directory.candidates(doc, self.scope_of(scope))
        except (IngestError, DirectoryError) as err:
            raise UiError("error.directory.unreadable", detail=str(err)) from err
        key = "directory.found_candidates" if cands else "directory.no_candidates"
        return view.candidate_choices(cands, lang), say(lang, key, n=len(cands), title=doc.title), cands

    @kb_thread
    def accept_candidates(self, user: str | None, scope: Any, candidates: Sequence[Candidate] | None,
                          picked: Sequence[str] | None, lang: str = "en") -> str:
        draft_id = self.scope_of(scope)
        self._edit_check(user, draft_id)
        chosen = [candidates[int(i)] for i in picked or () if candidates and 0 <= int(i) < len(candidates)]
        if not chosen:
            raise UiError("error.directory.choose_candidates")
        stored = self.kb.directory.accept(chosen, draft_id, by=user or LOCAL)
        return say(lang, "directory.accepted", n=len(stored), kind="ok")

    @kb_thread
    def import_csv(self, user: str | None, scope: Any, path: Any, merge: bool, lang: str = "en") -> str:
        draft_id = self.scope_of(scope)
        self._edit_check(user, draft_id)
        if not path:
            raise UiError("error.directory.csv_file")
        try:
            text = read_csv_text(Path(str(path)))
        except (OSError, ValueError) as err:
            raise UiError("error.directory.csv_unreadable", detail=type(err).__name__) from err
        try:
            report = self.kb.directory.import_csv(text, draft_id, merge=bool(merge), by=user or LOCAL,
                                                  source=Path(str(path)).name)  # the upload keeps its name
        except NoNameColumn as err:
            raise UiError("error.directory.csv_no_name", detail=", ".join(err.headers) or "—") from err
        return view.import_report(report, lang)

    @kb_thread
    def export_directory(self, user: str | None, scope: Any, fmt: str, lang: str = "en") -> Ticket:
        """The directory as CSV (UTF-8 with BOM) or a Word table, as this reader may see it: written
        for this reader alone on the export shelf and fetched at its private address (`export_url`,
        served by ui.gate to them only, until it expires), like a draft's export: two people
        exporting at once never get each other's file, nor a viewer a coordinator's."""
        role = self.check(user, "search")
        draft_id = self.scope_of(scope)
        self.require_draft(user, draft_id, edit=False, what="directory")  # as its view: a draft's readers only
        entries = self._seen(self.kb.directory.entries(draft_id), role)
        name = (slug(t(lang, "export.name_network_directory")) if draft_id is None else
                slug(f"{t(lang, 'export.name_draft')} {draft_id} {t(lang, 'export.name_directory')}"))

        def write(path: Path) -> Path:
            if fmt == "csv":
                path.write_text(self.kb.directory.export_csv(entries), encoding="utf-8", newline="")
                return path
            return directory_docx(entries, path, self.export_labels(lang), t(lang, "directory.doc_title"),
                                  cite=lambda item: item_citation_text(item, lang))

        ticket = self.shelf.put(self.owner(user), f"{name}.{'csv' if fmt == 'csv' else 'docx'}", write)
        self.kb.directory.exported(draft_id, "csv" if fmt == "csv" else "docx", len(entries), by=user or LOCAL)
        return ticket

    # --- the draft's export --------------------------------------------------------------------

    def export_labels(self, lang: str) -> dict[str, str]:
        """The words of the directory and group parts of an export, in `lang`."""
        from kb.directory import KINDS, PREVENTION_LEVELS, ROSTER_ROLES, SECTORS

        labels = {k: t(lang, f"entry.{k}") for k in ("name", "kind", "sector", "city", "organisation",
                                                      "target_group", "description")}
        labels.update({"directory": t(lang, "directory.doc_title"), "roster": t(lang, "group.export_title"),
                       "references": t(lang, "export.references"), "contact": t(lang, "directory.contact"),
                       "sources": t(lang, "directory.sources"), "role": t(lang, "group.role"),
                       "note": t(lang, "group.note"), "organisation_seat": t(lang, "group.organisation"),
                       "missing": t(lang, "group.export_missing", sectors="{sectors}"),
                       "complete": t(lang, "group.complete"), "empty_directory": t(lang, "directory.export_empty"),
                       "empty_roster": t(lang, "group.export_empty"),
                       # a sector's part looked for by name (kb.directory.roster), as the panel words it
                       "detail.research partner": t(lang, "group.research")})
        for group, values in (("kind", KINDS), ("sector", SECTORS), ("role", ROSTER_ROLES),
                              ("prevention_level", PREVENTION_LEVELS)):
            labels.update({f"{group}.{v}": t(lang, f"choice.{group}.{v}") for v in values})
        return labels

    def export_appendices(self, user: str | None, draft_id: int, lang: str) -> list[Any]:
        """The draft's directory and group as parts of its DOCX/Markdown export (see `DraftActions.export`)."""
        role = self.role(user)
        labels = self.export_labels(lang)
        entries = self._seen(self.kb.directory.entries(draft_id), role)
        members = self.kb.roster.members(draft_id)
        if not entries and not members:
            return []
        linked = {e.id: e for e in self._seen(self.kb.directory.entries(None), role)} | {e.id: e for e in entries}
        checks = self.kb.roster.check(draft_id)
        return [DirectoryPart(entries, labels), RosterPart(members, checks, labels,
                                                           {k: v for k, v in linked.items() if k is not None})]
