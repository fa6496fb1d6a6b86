"""What each UI control does, as plain methods over a KnowledgeBase (no gradio import).

`ui/app.py` wires these to components; every method takes the signed-in user's name and checks
the role rule from `kb.roles` itself, so a viewer calling an endpoint directly gets the same
refusal as the page would give. Errors a user can cause surface as UiError with a readable message.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import quote, urlparse

from kb.drafts import Draft, DraftError, Drafts
from kb.export import FORMATS, export
from kb.roles import LOCAL, PermissionDenied, User, can, require, role_of
from kb.types import Hit
from ui import render
from ui.uploads import safe_filename, staged_uploads

if TYPE_CHECKING:
    from kb.knowledge_base import KnowledgeBase

__all__ = ["Actions", "UiError", "FILTER_FIELDS", "META_FIELDS", "FILE_ROUTE"]

T = TypeVar("T")

FILE_ROUTE = "/gradio_api/file="
SAFE_TO_OPEN = {".pdf", ".docx"}  # originals that cannot run script in the page's origin
# (filter key, label) in the order the search form shows them.
FILTER_FIELDS = (
    ("city", "City"),
    ("country", "Country"),
    ("region", "Region"),
    ("doc_type", "Document type"),
    ("themes", "Themes"),
    ("language", "Language"),
    ("population_band", "City size"),
    ("prevention_level", "Prevention level"),
)
# Metadata form fields, in order; values are strings from the form ("" = not set).
META_FIELDS = (
    "title",
    "city",
    "country",
    "region",
    "doc_type",
    "themes",
    "year",
    "population_band",
    "prevention_level",
    "source_url",
    "licence",
)


def kb_thread(method: Callable[..., T]) -> Callable[..., T]:
    """Run an Actions method on the KB thread (see `Actions.on_kb`)."""

    @functools.wraps(method)
    def run(self: Actions, *args: Any, **kwargs: Any) -> T:
        return self.on_kb(lambda: method(self, *args, **kwargs))

    return run


class UiError(Exception):
    """A refusal or a failure to show to the person as it is."""


# An empty number box arrives from the browser as 0, and no document is from the year 0.
_YEAR_KEYS = {"year", "year_min", "year_max"}


def _clean(values: Mapping[str, Any]) -> dict[str, Any]:
    """Form values without the empty ones (so they do not override manifest or sidecar values)."""
    out = {}
    for key, value in values.items():
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, str):
            value = value.strip()
        if value in (None, "", []) or (key in _YEAR_KEYS and value == 0):
            continue
        out[key] = value
    return out


class Actions:
    """The UI's operations, each checked against the caller's role.

    Args:
        kb: the open KnowledgeBase.
        users: configured users ({} = local single-user mode).
    """

    def __init__(self, kb: KnowledgeBase, users: Mapping[str, User]) -> None:
        self.kb = kb
        self.users = dict(users)
        # Gradio runs handlers on a pool of threads, but the KB's parts are not all thread-safe (FAISS,
        # BM25, SQLite connections bound to their creating thread): every KB call runs on this one thread.
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kb")
        self._kb_thread: threading.Thread | None = None

    def on_kb(self, fn: Callable[[], T]) -> T:
        """Run `fn` on the KB thread and return its result (directly when already there)."""
        if threading.current_thread() is self._kb_thread:
            return fn()

        def run() -> T:
            self._kb_thread = threading.current_thread()
            return fn()

        return self._pool.submit(run).result()

    def close(self) -> None:
        self._pool.shutdown(wait=True)

    @property
    def drafts(self) -> Drafts:
        return self.kb.drafts

    def role(self, user: str | None) -> str:
        try:
            return role_of(self.users, user)
        except PermissionDenied as err:
            raise UiError(str(err)) from err

    def check(self, user: str | None, action: str) -> str:
        """The caller's role, or UiError when it does not allow `action`."""
        role = self.role(user)
        try:
            require(role, action)
        except PermissionDenied as err:
            raise UiError(str(err)) from err
        return role

    @property
    def local(self) -> bool:
        return not self.users

    def banner(self, user: str | None) -> str:
        role = self.role(user) if self.users else LOCAL
        return render.banner(role, user)

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
        self, user: str | None, query: str, filters: Mapping[str, Any], k: int = 10
    ) -> tuple[str, str]:
        """Returns (result cards HTML, status line HTML)."""
        self.check(user, "search")
        query = (query or "").strip()
        if not query:
            return render.result_cards(
                [], self.open_url, empty="Type a question or keywords, in any language."
            ), ""
        try:
            hits = self.kb.search(query, k=k, filters=_clean(filters), highlight="dense")
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

    @property
    def exports_dir(self) -> Path:
        return self.kb.settings.home / "exports"

    # --- library (coordinators) --------------------------------------------------------------

    @kb_thread
    def library(self, user: str | None) -> tuple[list[list[Any]], list[tuple[str, int]], str]:
        """(table rows, document choices, last ingest report HTML)."""
        self.check(user, "search")
        docs = self.kb.documents()
        return (
            render.library_rows(docs),
            [(f"{d.id}: {d.title}", d.id) for d in docs],
            render.report_html(self.kb.last_report()),
        )

    @kb_thread
    def library_manifest(self, user: str | None) -> Path:
        """Every document's metadata as a manifest CSV (UTF-8 with a BOM, so spreadsheets read it right)."""
        from ingest import dump_manifest

        self.check(user, "search")
        path = self.exports_dir / "library-metadata.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        text = dump_manifest((d.source, d.metadata) for d in self.kb.documents())
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(text, encoding="utf-8-sig")
        tmp.replace(path)
        return path

    @kb_thread
    def stale_count(self, user: str | None) -> int:
        """How many documents an older version of the readers or chunker read (0 for a viewer)."""
        return self.kb.stale_count() if can(self.role(user), "add") else 0  # only those who may add can act on it

    @kb_thread
    def reread(self, user: str | None, progress: Callable[[int, int, str], None] | None = None) -> str:
        """Read those documents again from their stored originals (`KnowledgeBase.reread`)."""
        self.check(user, "add")
        report = self.kb.reread(progress=progress)
        if not report.files:
            return render.message("Every document is already read by the current version.", "ok")
        failed = [f"{f.path}: {f.reason}" for f in report.files if f.outcome == "failed"]
        text = f"Read again: {report.summary()}." + (" " + " ".join(failed) if failed else "")
        return render.message(text, "ok" if report.ok else "error")

    @kb_thread
    def metadata_of(self, user: str | None, doc_id: int | None) -> dict[str, Any]:
        """The edit form's values for a document ({} when none is chosen)."""
        self.check(user, "edit")
        doc = self.kb.document(int(doc_id)) if doc_id not in (None, "") else None  # type: ignore[arg-type]
        if doc is None:
            return {}
        meta = {**doc.metadata, "title": doc.title, "year": str(doc.metadata.get("year") or "")}
        if isinstance(meta.get("themes"), list):  # a text box; prevention_level stays a list (multi-select)
            meta["themes"] = "; ".join(meta["themes"])
        return meta

    @kb_thread
    def update_metadata(self, user: str | None, doc_id: int | None, form: Mapping[str, Any]) -> str:
        self.check(user, "edit")
        if doc_id in (None, ""):
            raise UiError("Choose a document to edit.")
        doc = self.kb.document(int(doc_id))  # type: ignore[arg-type]
        if doc is None:
            raise UiError("That document is no longer in the knowledge base.")
        merged = {k: v for k, v in doc.metadata.items() if k not in META_FIELDS}
        merged.update(_clean(form))
        try:
            updated = self.kb.update_metadata(doc.id, merged)
        except ValueError as err:  # MetadataError: names the field and what is allowed
            raise UiError(str(err)) from err
        return render.message(f"Saved the metadata of “{updated.title}”.", "ok")

    @kb_thread
    def remove(self, user: str | None, doc_id: int | None, confirmed: bool) -> str:
        self.check(user, "remove")
        if doc_id in (None, ""):
            raise UiError("Choose a document to remove.")
        if not confirmed:
            raise UiError("Tick “I am sure” to remove the document.")
        try:
            removed = self.kb.remove(int(doc_id))  # type: ignore[arg-type]
        except KeyError as err:
            raise UiError(str(err)) from err
        return render.message(
            f"Removed “{removed.title}” ({removed.source}). Drafts keep their copies.", "ok"
        )

    # --- add (coordinators) ------------------------------------------------------------------

    @kb_thread
    def add(
        self,
        user: str | None,
        files: Sequence[str | Path],
        manifest: str | Path | None,
        form: Mapping[str, Any],
        progress: Callable[[int, int, str], None] | None = None,
    ) -> tuple[str, list[list[Any]]]:
        """Add uploaded files (staged under safe names) with the form's metadata.

        Returns:
            (status line HTML, per-file outcome rows).
        """
        self.check(user, "add")
        if not files:
            raise UiError("Choose one or more files to add.")
        home = self.kb.settings.home
        with staged_uploads(home, files) as staged:
            if manifest:
                with staged_uploads(home, [manifest]) as (man,):
                    report = self.kb.add(staged, manifest=man, metadata=_clean(form), progress=progress)
            else:
                report = self.kb.add(staged, metadata=_clean(form), progress=progress)
        data = report.to_dict()
        for f in data["files"]:
            f["path"] = Path(f["path"]).name  # the staging folder means nothing to the coordinator
        kind = "ok" if report.ok else "error"
        return render.message(f"Done: {report.summary()}.", kind), render.outcome_rows(data)
