"""What each UI control does, as plain methods over a KnowledgeBase (no gradio import).

Search and drafting are here; the Library and Add documents tabs are `ui.library_actions`, and
what both build on (the KB thread, role checks) is `ui.actions_base`.
`ui/app.py` wires these to components; every method takes the signed-in user's name and checks
the role rule from `kb.access` itself, so a viewer calling an endpoint directly gets the same
refusal as the page would give. Errors a user can cause surface as UiError with a readable message.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlparse

from kb import METADATA_FIELDS
from kb.drafting.drafts import Draft, DraftError, Drafts
from kb.drafting.export import FORMATS, export
from kb.types import Hit
from ui import render
from ui.actions_base import BATCH_FIELDS, META_FIELDS, UiError, clean_form, kb_thread
from ui.library_actions import LibraryActions
from ui.uploads import safe_filename

__all__ = ["Actions", "UiError", "FILTER_FIELDS", "RANGE_FILTERS", "META_FIELDS", "BATCH_FIELDS", "FILE_ROUTE"]

FILE_ROUTE = "/gradio_api/file="
SAFE_TO_OPEN = {".pdf", ".docx"}  # originals that cannot run script in the page's origin
# (filter key, label) in the order the search form shows them: every filterable field (ingest.schema)
# but the year, which is filtered by a range (RANGE_FILTERS: its own "from" and "to" boxes).
FILTER_FIELDS = tuple((f.name, f.label) for f in METADATA_FIELDS if f.filterable and f.kind != "year")
RANGE_FILTERS = tuple(key for f in METADATA_FIELDS if f.filterable and f.kind == "year"
                      for key in (f"{f.name}_min", f"{f.name}_max"))
class Actions(LibraryActions):
    """The UI's operations, each checked against the caller's role.

    Args:
        kb: the open KnowledgeBase.
        users: configured users ({} = local single-user mode).
    """

    @property
    def drafts(self) -> Drafts:
        return self.kb.drafts

    # --- search ------------------------------------------------------------------------------

    def open_url(self, hit: Hit) -> str | None:
        """Link to the stored original (at the hit's page for PDFs), or to the document's web address.

        Gradio serves every file under `allowed_paths` inline with its own media type, so a stored
        HTML original would run its scripts on this app's origin: only PDF and DOCX originals are
        linked; other documents link to their `source_url` (http/https only) when they have one.
        """
        path = self.kb.original_path(hit.doc_id)
        if path is not None and path.suffix.lower() in SAFE_TO_OPEN:
            url = FILE_ROUTE + quote(str(path))
            return url + (f"#page={hit.page}" if hit.page and path.suffix.lower() == ".pdf" else "")
        doc = self.kb.document(hit.doc_id)
        web = str((doc.metadata.get("source_url") or "") if doc else "")
        return web if urlparse(web).scheme in ("http", "https") else None

    @kb_thread
    def facets(self) -> dict[str, list[str]]:
        return self.kb.facets()

    @kb_thread
    def search(
        self, user: str | None, query: str, filters: Mapping[str, Any], k: int = 10, reader_first: bool = True,
    ) -> tuple[str, str]:
        """Returns (result cards HTML, status line HTML). With `reader_first`, where the same content
        exists in several languages the version in the reader's language is shown (the query's
        language until the page has one of its own), the others listed "also in"."""
        self.check(user, "search")
        query = (query or "").strip()
        if not query:
            return render.result_cards(
                [], self.open_url, empty="Type a question or keywords, in any language."
            ), ""
        try:
            hits = self.kb.search(query, k=k, filters=clean_form(filters), highlight="dense",
                                  reader_language="auto" if reader_first else None)
        except ValueError as err:
            raise UiError(str(err)) from err
        cards = render.result_cards(hits, self.open_url, can_pin=True)
        return cards, render.message(f"{len(hits)} result(s) for “{query}”.")

    @kb_thread
    def similar(self, user: str | None, chunk_id: int, k: int = 10) -> tuple[str, str]:
        self.check(user, "search")
        chunk = self.kb.chunk(int(chunk_id))
        if chunk is None:
            raise UiError("That excerpt is no longer in the knowledge base.")
        hits = self.kb.similar(int(chunk_id), k=k)
        doc = self.kb.document(chunk.doc_id)
        cards = render.result_cards(hits, self.open_url, empty="Nothing similar in other documents.")
        title = doc.title if doc else "this excerpt"
        return cards, render.message(f"{len(hits)} passage(s) like the excerpt from “{title}”.")

    @kb_thread
    def suggested(self, user: str | None, section_key: str, k: int = 4) -> tuple[str, str]:
        """Run a section's suggested searches at once; results merged, duplicates dropped."""
        self.check(user, "search")
        section = self.drafts.framework.section(section_key or "")
        if section is None:
            raise UiError("Choose a section first.")
        seen: set[int] = set()
        hits: list[Hit] = []
        for q in section.searches:
            for hit in self.kb.search(q, k=k):
                if hit.chunk_id not in seen:
                    seen.add(hit.chunk_id)
                    hits.append(hit)
        cards = render.result_cards(hits, self.open_url)
        asked = "; ".join(f"“{q}”" for q in section.searches)
        return cards, render.message(f"{len(hits)} excerpt(s) for {asked}.")

    # --- drafts ------------------------------------------------------------------------------

    @kb_thread
    def draft_choices(self) -> list[tuple[str, int]]:
        return render.draft_choices(self.drafts.list())

    def section_choices(self) -> list[tuple[str, str]]:
        return [(s.title, s.key) for s in self.drafts.framework.sections]

    def section_purpose(self, section_key: str | None) -> str:
        section = self.drafts.framework.section(section_key or "")
        if section is None:
            return ""
        searches = "".join(f"<li>{render.esc(q)}</li>" for q in section.searches)
        return (
            f'<h3 class="kb-section-title">{render.esc(section.title)}</h3>'
            f'<p class="kb-purpose">{render.esc(section.purpose)}</p>'
            f'<p class="kb-meta">Suggested searches:</p><ul class="kb-searches">{searches}</ul>'
        )

    def _draft(self, draft_id: int | None) -> Draft | None:
        if draft_id in (None, ""):
            return None
        try:
            return self.drafts.get(int(draft_id))  # type: ignore[arg-type]
        except DraftError:
            return None

    @kb_thread
    def view(self, user: str | None, draft_id: int | None, section_key: str | None = None) -> str:
        self.check(user, "draft")
        return render.draft_view(self._draft(draft_id), section_key)

    def _do(self, fn: Callable[[], Any]) -> Any:
        try:
            return fn()
        except DraftError as err:
            raise UiError(str(err)) from err

    @kb_thread
    def create_draft(self, user: str | None, city: str, title: str) -> int:
        self.check(user, "draft")
        return self._do(lambda: self.drafts.create(city, title)).id

    @kb_thread
    def rename_draft(self, user: str | None, draft_id: int, title: str, city: str | None) -> None:
        self.check(user, "draft")
        self._do(lambda: self.drafts.rename(int(draft_id), title, city or None))

    @kb_thread
    def delete_draft(self, user: str | None, draft_id: int, confirmed: bool) -> None:
        self.check(user, "draft")
        if not confirmed:
            raise UiError("Tick “I am sure” to delete the draft.")
        self._do(lambda: self.drafts.delete(int(draft_id)))

    @kb_thread
    def pin(self, user: str | None, draft_id: int | None, section_key: str | None, chunk_id: int) -> str:
        """Pin a stored chunk into the chosen draft section; returns a status line."""
        self.check(user, "draft")
        if draft_id in (None, ""):
            raise UiError("Choose or create a draft first (Drafting tab), then pick a section.")
        if not section_key:
            raise UiError("Choose the draft section to add the excerpt to.")
        chunk = self.kb.chunk(int(chunk_id))
        if chunk is None:
            raise UiError("That excerpt is no longer in the knowledge base.")
        self._do(lambda: self.drafts.pin(int(draft_id), section_key, chunk))  # type: ignore[arg-type]
        title = self.drafts.framework.section(section_key).title  # type: ignore[union-attr]
        return render.message(f"Added to “{title}”.", "ok")

    @kb_thread
    def add_note(self, user: str | None, draft_id: int | None, section_key: str | None, text: str) -> None:
        self.check(user, "draft")
        if draft_id in (None, ""):
            raise UiError("Choose or create a draft first.")
        self._do(lambda: self.drafts.add_note(int(draft_id), section_key or "", text))  # type: ignore[arg-type]

    @kb_thread
    def item_action(self, user: str | None, act: str, item_id: int) -> None:
        """up / down / remove one draft item."""
        self.check(user, "draft")
        if act in ("up", "down"):
            self._do(lambda: self.drafts.move(int(item_id), -1 if act == "up" else 1))
        elif act == "remove":
            self._do(lambda: self.drafts.remove_item(int(item_id)))
        else:
            raise UiError(f"Unknown action {act!r}.")

    @kb_thread
    def export(self, user: str | None, draft_id: int | None, fmt: str) -> Path:
        self.check(user, "draft")
        draft = self._draft(draft_id)
        if draft is None:
            raise UiError("Choose a draft to export.")
        if fmt not in FORMATS:
            raise UiError(f"Unknown format {fmt!r}.")
        name = safe_filename(draft.title, fallback="draft")
        stem = name.rsplit(".", 1)[0] if "." in name else name
        return export(draft, fmt, self.exports_dir / f"{stem}{FORMATS[fmt]}")
