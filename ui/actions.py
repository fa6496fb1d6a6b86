"""What each UI control does, as plain methods over a KnowledgeBase (no gradio import).

Search, "more like this", suggested searches and the document reader are here; drafting is
`ui.draft_actions`, the Library and Add documents tabs `ui.library_actions` (the latter's jobs panel
`ui.jobs_actions`), the Directory and Leadership group tabs `ui.directory_actions` and
`ui.group_actions`, and what all build on (the KB thread, role checks, `UiError`) `ui.actions_base`. Every method takes the signed-in user's
name and checks the role rule from `kb.access` itself, and the page language `lang`; it returns
HTML in that language, or raises UiError with a message key (translated where it is shown).
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlparse

from kb import METADATA_FIELDS
from kb.access import can
from kb.types import Hit
from ui import render
from ui.actions_base import BATCH_FIELDS, META_FIELDS, UiError, clean_form, kb_thread
from ui.admin_actions import AdminActions, WorkspaceActions
from ui.atlas_actions import AtlasActions
from ui.draft_actions import DraftActions
from ui.group_actions import GroupActions
from ui.i18n import Msg, t, theme_tag
from ui.jobs_actions import JobActions
from ui.library_actions import LibraryActions
from ui.reader import reader_html
from ui.render_base import said, said_message
from ui.uploads import safe_filename

__all__ = ["Actions", "UiError", "Shown", "FILTER_FIELDS", "YEAR_FILTERS", "META_FIELDS", "BATCH_FIELDS",
           "ORIGINAL_ROUTE"]

# Stored originals are served by ui.gate, to signed-in users only (Gradio serves no folder of the KB home).
ORIGINAL_ROUTE = "/kb/original/"
# Stored originals a browser shows inertly at their address (a PDF opens at the page); every other
# format opens in the page's reader, as text (an HTML original could run script on this origin).
LINK_SUFFIXES = {".pdf"}
# Filter keys, in the order the search form shows them (each labelled `field.<key>`): every filterable
# field of the schema (ingest.schema) but a year, which is filtered by a range: YEAR_FILTERS, its own
# "from" and "to" boxes (labelled `filter.<key>`).
FILTER_FIELDS = tuple(f.name for f in METADATA_FIELDS if f.filterable and f.kind != "year")
YEAR_FILTERS = tuple(key for f in METADATA_FIELDS if f.filterable and f.kind == "year"
                     for key in (f"{f.name}_min", f"{f.name}_max"))


@dataclass
class Shown:
    """The cards a panel shows, kept for the session so a card can be re-drawn where it was clicked."""

    hits: list[Hit] = field(default_factory=list)
    empty: str = "search.no_results"  # message key when there are none
    typed: bool = True  # found for words the reader typed (a heat-map cell's passages were not)
    # the status line as message keys and their values, so a language switch says it again in the
    # new language ("10 résultats pour ..." -> "10 Ergebnisse für ...") instead of dropping it
    said: tuple[tuple[str, tuple[tuple[str, Any], ...]], ...] = ()

    def status(self, lang: str) -> str:
        """The status line that came with these cards, in `lang` ("" when there was none); the query and
        other values isolated (`said`: on an Arabic page a German question's "?" jumped to its front)."""
        if not self.said:
            return ""
        return said_message(" ".join(said(lang, key, **dict(values)) for key, values in self.said))

    def hit(self, chunk_id: int) -> Hit | None:
        return next((h for h in self.hits if h.chunk_id == chunk_id), None)


def check_filters(filters: Mapping[str, Any]) -> dict[str, Any]:
    """The filters without empty values; a year that is not a year, or a range that ends before it
    starts, is refused in the user's words."""
    out = clean_form(filters)
    for key in YEAR_FILTERS:
        value = out.get(key)
        if value is None:
            continue
        text = str(value).strip()
        if not (text.isdigit() and 1000 <= int(text) <= 2999):
            raise UiError("error.filter_year", field=Msg(f"filter.{key}"), value=text)
        out[key] = int(text)
    if out.get("year_min") is not None and out.get("year_max") is not None and out["year_min"] > out["year_max"]:
        # "from 2025 to 2023" matched nothing and said only "0 results"
        raise UiError("error.filter_years_reversed", first=Msg("filter.year_min"), last=Msg("filter.year_max"),
                      low=str(out["year_min"]), high=str(out["year_max"]))  # a year, not "2,025"
    return out


class Actions(AtlasActions, GroupActions, DraftActions, LibraryActions, JobActions, AdminActions,
              WorkspaceActions):
    """The UI's operations, each checked against the caller's role.

    Args:
        kb: the open KnowledgeBase.
        users: configured users ({} = local single-user mode).
    """

    # --- originals -----------------------------------------------------------------------------

    def original(self, hit: Hit) -> render.Original:
        """How a card reaches its document: a PDF at the page, the reader for every other stored
        format, the web address when no original is kept; the original downloads under its name."""
        path = self.kb.original_path(hit.doc_id)
        if path is not None:
            name = Path(hit.source).name or path.name
            url = f"{ORIGINAL_ROUTE}{hit.doc_id}/{quote(name)}"
            if path.suffix.lower() in LINK_SUFFIXES:
                page = f"#page={hit.page}" if hit.page else ""
                return render.Original(open_url=url + page, download_url=url + "?download=1", filename=name)
            return render.Original(reader=True, download_url=url + "?download=1", filename=name)
        doc = self.kb.document(hit.doc_id)
        web = str((doc.metadata.get("source_url") or "") if doc else "")
        return render.Original(open_url=web if urlparse(web).scheme in ("http", "https") else None)

    def open_url(self, hit: Hit) -> str | None:
        """The link a card opens in a new tab (a PDF at the page, or the web address), if any."""
        return self.original(hit).open_url

    @kb_thread
    def original_copy(self, user: str | None, chunk_id: int) -> Path:
        """The stored original of a chunk's document, as a file named as it was added ("panel.html").

        Written outside the folders the app serves as they are, so Gradio hands it out from its own
        cache as a download (an HTML original is never shown as a page of this app).
        """
        self.check(user, "search")
        chunk = self.kb.chunk(int(chunk_id))
        doc = self.kb.document(chunk.doc_id) if chunk else None
        path = self.kb.original_path(doc.id) if doc else None
        if doc is None or path is None:
            raise UiError("error.original_gone")
        target = self.kb.settings.home / "downloads" / doc.sha256[:16] / safe_filename(Path(doc.source).name)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(target.name + ".tmp")
            shutil.copyfile(path, tmp)
            tmp.replace(target)
        return target

    @kb_thread
    def reader(self, user: str | None, chunk_id: int, highlights: list[str] | None = None,
               lang: str = "en", draft_id: Any = None, notice: str = "") -> str:
        """The reader view of the document a chunk belongs to, at that chunk (`ui.reader`), with Pin
        under it when this reader may pin into `draft_id` (the working draft) and `notice` above it."""
        self.check(user, "search")
        chunk = self.kb.chunk(int(chunk_id))
        doc = self.kb.document(chunk.doc_id) if chunk else None
        if chunk is None or doc is None:
            raise UiError("error.excerpt_gone")
        path = self.kb.original_path(doc.id)
        name = Path(doc.source).name
        download = (f"{ORIGINAL_ROUTE}{doc.id}/{quote(name)}?download=1", name) if path is not None else None
        return reader_html(doc, self.kb.chunks_of(doc.id), chunk.id, highlights or [], lang, download,
                           pin=self.card_rights(user, draft_id).pin, notice=notice)

    # --- search --------------------------------------------------------------------------------

    @kb_thread
    def facets(self) -> dict[str, list[str]]:
        return self.kb.facets()

    def _stored_themes(self, filters: dict[str, Any]) -> dict[str, Any]:
        """The filters with each chosen theme as every value it is stored as: the menu offers a theme
        once (`ui.handlers.filter_choices`), but a document may hold it by its name in a language
        ("derivación", typed before names were read as themes) or by its tag ("referral")."""
        chosen = filters.get("themes")
        if not chosen:
            return filters
        tags = {theme_tag(str(v)) for v in (chosen if isinstance(chosen, list) else [chosen])}
        stored = [v for v in self.facets().get("themes", []) if theme_tag(v) in tags]
        return {**filters, "themes": sorted(tags | set(stored))}

    def cards(self, user: str | None, shown: Shown, lang: str = "en", draft_id: Any = None,
              notes: Mapping[int, render.CardState] | None = None) -> str:
        """The cards of `shown`, each saying where the working draft quotes it, with the buttons
        this reader may use (`card_rights`)."""
        rights = self.card_rights(user, draft_id) if shown.hits else render.CardRights()
        ids = [h.chunk_id for h in shown.hits]
        states = self.card_states(draft_id, ids, lang) if rights.pin else {}
        for chunk_id, note in (notes or {}).items():
            state = states.setdefault(chunk_id, render.CardState())
            state.notice, state.notice_kind, state.offer_create = note.notice, note.notice_kind, note.offer_create
            state.city = note.city
        for chunk_id in self.gone_chunks(ids):  # removed or read again since the search (QA pass 13)
            states.setdefault(chunk_id, render.CardState()).gone = True
        return render.result_cards(shown.hits, self.original, lang, rights=rights,
                                   empty=t(lang, shown.empty), states=states, typed=shown.typed)

    @kb_thread
    def gone_chunks(self, chunk_ids: Sequence[int]) -> set[int]:
        """Which of a page's cards quote a passage no longer in the knowledge base."""
        return set(chunk_ids) - self.kb.live_chunks(chunk_ids) if chunk_ids else set()

    @kb_thread
    def search(
        self, user: str | None, query: str, filters: Mapping[str, Any], k: int = 10, lang: str = "en",
        draft_id: Any = None, prefer: dict[str, Any] | None = None, reader_first: bool = True,
    ) -> tuple[str, str, Shown]:
        """Returns (result cards HTML, status line HTML, the hits shown); `prefer`: a city profile whose
        comparable cities' results come first (ui.atlas_actions); `reader_first`: where the same text
        exists in several languages, the version in the page's language `lang` is shown, the others
        listed "also in" (kb.searching.translations)."""
        self.check(user, "search")
        query = (query or "").strip()
        flt = self._stored_themes(check_filters(filters))
        profile = self.checked_profile(prefer) if prefer else None
        if not query:  # said in the status line too: the page already shows these words, so a click looked lost
            shown = Shown(empty="search.type_something", said=(("search.type_something", ()),))
            return self.cards(user, shown, lang), shown.status(lang), shown
        try:
            hits = self.kb.search(query, k=k, filters=flt, highlight="dense", prefer=profile,
                                  reader_language=lang if reader_first else None)
        except ValueError as err:
            raise UiError("error.filter_other", detail=str(err)) from err
        if not hits and not flt and not self.kb.documents():  # a new KB: "try other words" would mislead
            shown = self._empty_kb(user)
            return self.cards(user, shown, lang), shown.status(lang), shown
        said: list[tuple[str, tuple[tuple[str, Any], ...]]] = [("search.results", (("n", len(hits)), ("query", query)))]
        if hits and self.kb.words_known(query) == 0:
            said.append(("search.meaning_only", ()))
        if profile is not None:
            said.append(("atlas.prefer_on", ()))
        shown = Shown(hits, said=tuple(said))
        return self.cards(user, shown, lang, draft_id), shown.status(lang), shown

    def _empty_kb(self, user: str | None) -> Shown:
        """What a search of a KB with no documents shows and says: where to add them, to those who may."""
        empty = "search.empty_kb_add" if can(self.role(user), "add") else "search.empty_kb"
        return Shown(empty=empty, said=((empty, ()),))

    @kb_thread
    def similar(self, user: str | None, chunk_id: int, filters: Mapping[str, Any] | None = None, k: int = 10,
                lang: str = "en", draft_id: Any = None) -> tuple[str, str, Shown]:
        """Passages like an excerpt, from other documents, within the active filters. Finding none is
        said once, in the panel, naming the filters when they are set ("0 passages like ..." above
        "Nothing similar in other documents" blamed the collection for what the filters left out)."""
        self.check(user, "search")
        chunk = self.kb.chunk(int(chunk_id))
        if chunk is None:
            raise UiError("error.excerpt_gone")
        flt = self._stored_themes(check_filters(filters or {}))
        hits = self.kb.similar(int(chunk_id), k=k, filters=flt or None)
        doc = self.kb.document(chunk.doc_id)
        shown = Shown(hits, empty="search.nothing_similar_filtered" if flt else "search.nothing_similar", typed=False)
        if not hits:
            return self.cards(user, shown, lang, draft_id), "", shown
        key = "search.similar_filtered" if flt else "search.similar"
        status = t(lang, key, n=len(hits), title=doc.title if doc else "")
        return self.cards(user, shown, lang, draft_id), render.message(status), shown

    @kb_thread
    def suggested(self, user: str | None, section_key: str, k: int = 4, lang: str = "en",
                  draft_id: Any = None) -> tuple[str, str, Shown]:
        """Run a section's suggested searches at once; results merged, duplicates dropped."""
        self.check(user, "search")
        section = self.drafts.framework.section(section_key or "")
        if section is None:
            raise UiError("error.choose_section")
        seen: set[int] = set()
        hits: list[Hit] = []
        searches = render.section_searches(section, lang)  # as the section shows them, in the page's language
        for q in searches:
            for hit in self.kb.search(q, k=k):
                if hit.chunk_id not in seen:
                    seen.add(hit.chunk_id)
                    hits.append(hit)
        if not hits and not self.kb.documents():
            shown = self._empty_kb(user)
            return self.cards(user, shown, lang, draft_id), shown.status(lang), shown
        shown = Shown(hits)
        asked = "; ".join(f"“{q}”" for q in searches)
        status = t(lang, "draft.suggested_results", n=len(hits), queries=asked)
        return self.cards(user, shown, lang, draft_id), render.message(status), shown
