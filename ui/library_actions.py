"""The coordinator's operations: the Library tab (metadata, removal, re-reading, the manifest
download) and the Add documents tab, each checked against the caller's role (no gradio import)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from kb import METADATA_FIELDS
from kb.access import can
from ui import render
from ui.actions_base import META_FIELDS, BaseActions, UiError, clean_form, kb_thread
from ui.i18n import t
from ui.i18n.kb_errors import metadata_error, outcome_reason
from ui.uploads import staged_uploads

Step = Callable[[str, int, int, "int | None", "int | None"], None]

__all__ = ["LibraryActions"]


class LibraryActions(BaseActions):
    """What the Library and Add documents tabs do."""

    # --- library (coordinators) --------------------------------------------------------------

    @kb_thread
    def library(self, user: str | None, lang: str = "en") -> tuple[list[list[Any]], list[tuple[str, int]], str]:
        """(table rows, document choices, last ingest report HTML)."""
        self.check(user, "search")
        docs = self.kb.documents()
        return (
            render.library_rows(docs, lang),
            [(f"{d.id}: {d.title}", d.id) for d in docs],
            render.report_html(self.kb.last_report(), lang),
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
    def reread(self, user: str | None, progress: Callable[[int, int, str], None] | None = None,
               lang: str = "en") -> str:
        """Read those documents again from their stored originals (`KnowledgeBase.reread`)."""
        self.check(user, "add")
        report = self.kb.reread(progress=progress)
        if not report.files:
            return render.message(t(lang, "library.all_current"), "ok")
        failed = [f"{f.path}: {outcome_reason(f.to_dict(), lang)}" for f in report.files if f.outcome == "failed"]
        text = t(lang, "library.read_again", summary=summary(report.to_dict(), lang)) + (
            " " + " ".join(failed) if failed else "")
        return render.message(text, "ok" if report.ok else "error")

    @kb_thread
    def metadata_of(self, user: str | None, doc_id: int | None) -> dict[str, Any]:
        """The edit form's values for a document ({} when none is chosen)."""
        self.check(user, "edit")
        doc = self.kb.document(int(doc_id)) if doc_id not in (None, "") else None  # type: ignore[arg-type]
        if doc is None:
            return {}
        meta = {**doc.metadata, "title": doc.title}
        for field in METADATA_FIELDS:
            value = meta.get(field.name)
            if field.kind == "year":  # a text box (a number box cannot be empty)
                meta[field.name] = str(value or "")
            elif field.kind == "list" and isinstance(value, list):  # a text box; "choices" stay lists (multi-select)
                meta[field.name] = "; ".join(value)
        return meta

    @kb_thread
    def update_metadata(self, user: str | None, doc_id: int | None, form: Mapping[str, Any],
                        lang: str = "en") -> str:
        self.check(user, "edit")
        if doc_id in (None, ""):
            raise UiError("error.choose_document")
        doc = self.kb.document(int(doc_id))  # type: ignore[arg-type]
        if doc is None:
            raise UiError("error.document_gone")
        merged = {k: v for k, v in doc.metadata.items() if k not in META_FIELDS}
        merged.update(clean_form(form))
        try:
            updated = self.kb.update_metadata(doc.id, merged)
        except ValueError as err:  # MetadataError: names the field and what is allowed
            msg = metadata_error(str(err))
            raise UiError(msg.key, **msg.params) from err
        return render.message(t(lang, "library.saved", title=updated.title), "ok")

    @kb_thread
    def remove(self, user: str | None, doc_id: int | None, confirmed: bool, lang: str = "en") -> str:
        self.check(user, "remove")
        if doc_id in (None, ""):
            raise UiError("error.choose_document_remove")
        if not confirmed:
            raise UiError("error.confirm_remove")
        try:
            removed = self.kb.remove(int(doc_id))  # type: ignore[arg-type]
        except KeyError as err:
            raise UiError("error.document_gone") from err
        return render.message(t(lang, "library.removed", title=removed.title, source=removed.source), "ok")

    # --- add (coordinators) ------------------------------------------------------------------

    @kb_thread
    def add(
        self,
        user: str | None,
        files: Sequence[str | Path],
        manifest: str | Path | None,
        form: Mapping[str, Any],
        progress: Callable[[int, int, str], None] | None = None,
        step: Step | None = None,
        lang: str = "en",
    ) -> tuple[str, list[list[Any]]]:
        """Add uploaded files (staged under safe names) with the form's metadata.

        Returns:
            (status line HTML, per-file outcome rows).
        """
        self.check(user, "add")
        if not files:
            raise UiError("error.choose_files")
        home = self.kb.settings.home
        with staged_uploads(home, files) as staged:
            if manifest:
                with staged_uploads(home, [manifest]) as (man,):
                    report = self.kb.add(staged, manifest=man, metadata=clean_form(form), progress=progress,
                                         step=step)
            else:
                report = self.kb.add(staged, metadata=clean_form(form), progress=progress, step=step)
        data = report.to_dict()
        for f in data["files"]:
            f["path"] = Path(f["path"]).name  # the staging folder means nothing to the coordinator
        kind = "ok" if report.ok else "error"
        text = t(lang, "add.done", summary=summary(data, lang))
        return render.message(text, kind), render.outcome_rows(data, lang)


def summary(report: dict[str, Any], lang: str) -> str:
    """"1 added, 0 updated, 0 unchanged, 1 failed" in the reader's language."""
    counts = report.get("summary") or {}
    return t(lang, "outcome.summary", **{k: int(counts.get(k, 0)) for k in ("added", "updated", "unchanged", "failed")})
