"""Pinned excerpts and directory sources keep pointing at passages that exist when their document's
chunks are replaced (new content, `kb reread`), are cited where their words now sit, and lose only
their pointer when the words are gone; `kb check` relinks what a KB from before this holds.
Real SQLite and real files; the hashing embedder (nothing here is about retrieval)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from catalog_helpers import put_doc

from ingest import ChunkDraft
from kb import KnowledgeBase
from kb.directory.sources import find_chunk
from kb.drafting.drafts import Drafts
from kb.drafting.excerpts import QUOTE_GAP, quote_span
from kb.searching.citations import citation
from kb.store.catalog import Catalog
from kb.types import Chunk
from kb.upkeep.relink import relink_document

REPO = Path(__file__).resolve().parents[1]
LEVELS = "Programmes by level of prevention"
SECONDARY = "Secondary prevention: people at risk"

PLAN = ("# Harrow plan\n\n## Referral\n\nThe referral panel meets every week at the town hall.\n\n"
        "## Training\n\nFront-line staff get two days of training a year.\n")
# the same plan rewritten: a new first section, the panel's sentence under another heading, the
# training sentence changed
PLAN_2 = ("# Harrow plan\n\n## Introduction\n\nThis plan was revised after the first year of the group.\n\n"
          "## Partnerships\n\nThe referral panel meets every week at the town hall.\n\n"
          "## Training\n\nFront-line staff get three days of training a year.\n")
PANEL = "The referral panel meets every week at the town hall."
TRAINING = "Front-line staff get two days of training a year."


@pytest.fixture
def kb(tmp_path: Path) -> Iterator[KnowledgeBase]:
    base = KnowledgeBase(tmp_path / "home", embedder="hash")
    yield base
    base.close()


def _chunk_with(kb: KnowledgeBase, doc_id: int, words: str) -> Chunk:
    return next(c for c in kb.catalog.chunks_of(doc_id) if words in c.text)


def _pin_and_list(kb: KnowledgeBase, chunk: Chunk, quote: str, name: str) -> tuple[int, int]:
    """(draft item id, directory entry id) of `quote` of `chunk`, pinned and added to the directory."""
    draft = next(iter(kb.drafts.list()), None) or kb.drafts.create("Harrow Bend", "Framework")
    item = kb.drafts.pin(draft.id, "directory", chunk, quote=quote)
    doc = kb.document(chunk.doc_id)
    assert doc is not None
    entry = kb.directory.add(replace(kb.directory.from_excerpt(doc, chunk.id, quote), name=name))
    return item.id, entry.id or 0


def test_a_pin_and_a_directory_source_follow_their_words_through_a_reread(kb: KnowledgeBase) -> None:
    """QA's case: pinned and listed before chunks knew their subsections (cited under "Primary
    prevention", the heading their chunk began with), then read again: both point at the current
    passage and are cited under "Secondary prevention", where the row sits."""
    kb.add(REPO / "corpus" / "build" / "harrow-bend-directory.docx", metadata={"city": "Harrow Bend"})
    [doc] = kb.documents()
    kb.add(REPO / "corpus" / "build" / "harrow-bend-leadership-group.pdf", metadata={"city": "Harrow Bend"})
    chunk = _chunk_with(kb, doc.id, "Referral line |")
    row = next(line for line in chunk.text.splitlines() if line.startswith("Referral line |"))
    item_id, entry_id = _pin_and_list(kb, chunk, row, "Referral line")
    # made the old way: cited under the chunk's first heading
    old_section = chunk.section
    assert old_section[-1].startswith("Primary")
    old = citation(doc, chunk)
    with kb.catalog.transaction() as db:
        db.execute("UPDATE draft_items SET citation = ?, meta = json_set(meta, '$.section', json(?)) WHERE id = ?",
                   (old, json.dumps(list(old_section)), item_id))
        db.execute("UPDATE directory_sources SET citation = ?, section = ? WHERE entry_id = ?",
                   (old, json.dumps(list(old_section)), entry_id))
        db.execute("UPDATE documents SET chunker = '' WHERE id = ?", (doc.id,))  # read by an older version

    report = kb.reread()
    assert [f.outcome for f in report.files] == ["updated"]
    current = {c.id: c for c in kb.catalog.chunks_of(doc.id)}
    assert chunk.id not in current  # new ids
    item = kb.drafts.item(item_id)
    assert item.chunk_id in current and row in current[item.chunk_id].text
    assert item.text == row and item.meta["section"] == [LEVELS, SECONDARY]
    assert item.citation.endswith(f"§ {LEVELS} › {SECONDARY}") and "Primary" not in item.citation
    assert item.page == current[item.chunk_id].page
    [source] = kb.directory.get(entry_id).sources
    assert source.chunk_id == item.chunk_id and source.quote == row
    assert source.section == (LEVELS, SECONDARY) and source.citation == item.citation
    assert kb.check(repair=False).consistent
    [logged] = kb.log(action="document.relink")
    assert logged.actor == "system" and logged.detail["relinked"] == 2


def test_an_update_repoints_what_it_still_says_and_unlinks_what_it_no_longer_says(
        kb: KnowledgeBase, tmp_path: Path) -> None:
    plan = tmp_path / "docs" / "plan.md"
    plan.parent.mkdir()
    plan.write_text(PLAN, encoding="utf-8")
    kb.add(plan)
    doc = kb.document("plan.md")
    assert doc is not None
    panel_item, panel_entry = _pin_and_list(kb, _chunk_with(kb, doc.id, PANEL), PANEL, "Referral panel")
    training_item, training_entry = _pin_and_list(kb, _chunk_with(kb, doc.id, TRAINING), TRAINING,
                                                  "Front-line training")
    before = kb.drafts.item(training_item)
    before_source = kb.directory.get(training_entry).sources[0]
    assert "Referral" in kb.drafts.item(panel_item).citation

    plan.write_text(PLAN_2, encoding="utf-8")
    assert [f.outcome for f in kb.add(plan).files] == ["updated"]
    current = {c.id: c for c in kb.catalog.chunks_of(doc.id)}
    panel = kb.drafts.item(panel_item)
    assert panel.chunk_id in current and PANEL in current[panel.chunk_id].text
    assert panel.citation.endswith("§ Partnerships") and panel.meta["section"] == ["Harrow plan", "Partnerships"]
    [panel_source] = kb.directory.get(panel_entry).sources
    assert panel_source.chunk_id == panel.chunk_id and panel_source.section == ("Harrow plan", "Partnerships")
    # the training sentence changed: its pin and source keep the words and citation, and point at nothing
    training = kb.drafts.item(training_item)
    assert training.chunk_id is None and training.doc_id == doc.id
    assert (training.text, training.citation, training.meta) == (before.text, before.citation, before.meta)
    [training_source] = kb.directory.get(training_entry).sources
    assert training_source == replace(before_source, chunk_id=None)
    assert kb.check(repair=False).consistent
    [logged] = kb.log(action="document.relink")
    assert (logged.detail["relinked"], logged.detail["unlinked"]) == (2, 2)

    plan.write_text(PLAN, encoding="utf-8")  # the old text back: the words are found again
    kb.add(plan)
    training = kb.drafts.item(training_item)
    assert training.chunk_id is not None and TRAINING in kb.catalog.chunks([training.chunk_id])[training.chunk_id].text


def test_check_finds_and_relinks_pointers_made_before_relinking(kb: KnowledgeBase, tmp_path: Path) -> None:
    """A KB from before this holds pins and sources pointing at chunk ids that are gone: `check`
    counts them (not consistent), and its repair relinks them, or unlinks those whose words are gone."""
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "plan.md").write_text(PLAN, encoding="utf-8")
    (folder / "other.md").write_text("# Other\n\nThe mayor chairs the board.\n", encoding="utf-8")
    kb.add([folder])
    doc, other = kb.document("plan.md"), kb.document("other.md")
    assert doc is not None and other is not None
    chunk = _chunk_with(kb, doc.id, PANEL)
    panel_item, panel_entry = _pin_and_list(kb, chunk, PANEL, "Referral panel")
    gone_item, _ = _pin_and_list(kb, _chunk_with(kb, doc.id, TRAINING), TRAINING, "Training")
    removed_item, _ = _pin_and_list(kb, _chunk_with(kb, other.id, "mayor"), "The mayor chairs the board.", "Board")
    lost = int(kb.catalog.chunk_ids().max()) + 50
    with kb.catalog.transaction() as db:
        db.execute("UPDATE draft_items SET chunk_id = ? WHERE id IN (?, ?)", (lost, panel_item, gone_item))
        db.execute("UPDATE draft_items SET text = 'Words this plan never said.' WHERE id = ?", (gone_item,))
        # a chunk of the same document that does not hold the words: an id taken again (a document
        # whose chunks had the highest ids gets the same ids for its new chunks)
        db.execute("UPDATE directory_sources SET chunk_id = ? WHERE entry_id = ?",
                   (_chunk_with(kb, doc.id, TRAINING).id, panel_entry))
    gone_before = kb.drafts.item(gone_item)
    kb.remove(other.id)  # a removed document's pins keep their pointers: its restore brings the chunks back

    found = kb.check(repair=False)
    assert not found.consistent and found.stale_links == 3 and not found.repaired
    assert found.to_dict()["stale_links"] == 3
    assert kb.drafts.item(panel_item).chunk_id == lost  # nothing changed without repair

    fixed = kb.check()
    assert fixed.repaired and (fixed.stale_links, fixed.relinked, fixed.unlinked) == (3, 2, 1)
    assert kb.check(repair=False).consistent
    assert kb.drafts.item(panel_item).chunk_id == chunk.id
    assert kb.directory.get(panel_entry).sources[0].chunk_id == chunk.id
    assert kb.drafts.item(gone_item) == replace(gone_before, chunk_id=None)  # words and citation kept
    assert kb.log(action="document.relink")[0].actor == "system"
    kb.restore(other.id)
    restored = kb.drafts.item(removed_item)
    assert restored.chunk_id in {c.id for c in kb.catalog.chunks_of(other.id)}


def test_a_kb_opened_again_relinks_what_another_version_left_stale(tmp_path: Path) -> None:
    with KnowledgeBase(tmp_path / "home", embedder="hash") as kb:
        plan = tmp_path / "plan.md"
        plan.write_text(PLAN, encoding="utf-8")
        kb.add(plan)
        doc = kb.document("plan.md")
        assert doc is not None
        chunk = _chunk_with(kb, doc.id, PANEL)
        item_id, _ = _pin_and_list(kb, chunk, PANEL, "Referral panel")
        with kb.catalog.transaction() as db:
            db.execute("UPDATE draft_items SET chunk_id = chunk_id + 1000 WHERE id = ?", (item_id,))
    with KnowledgeBase(tmp_path / "home", embedder="hash") as kb:
        assert kb.drafts.item(item_id).chunk_id == chunk.id and kb.check(repair=False).consistent


def _put(cat: Catalog, texts: list[str], also: object = None) -> list[int]:
    chunks = [ChunkDraft(i, t, i + 1, ("Part A",), 0, len(t), "en") for i, t in enumerate(texts)]
    _, _, ids = cat.put_document(sha256=hashlib.sha256("".join(texts).encode()).hexdigest(), source="p.pdf",
                                 title="P", language="en", format="pdf", metadata={"city": "Harrow"},
                                 page_count=len(texts), stored_path=None, chunks=chunks, also=also)  # type: ignore[arg-type]
    return ids.tolist()


def test_the_catalog_relinks_in_the_transaction_that_replaces_the_chunks(tmp_path: Path) -> None:
    """A replacement that fails leaves the pins as they were, pointing at the chunks still there."""
    cat = Catalog(tmp_path / "c.sqlite", replaced=relink_document)
    try:
        [first] = put_doc(cat, "p.pdf", ["The panel meets  weekly.\nIt reports to the mayor."], city="Harrow")
        drafts = Drafts(cat)
        draft = drafts.create("Harrow", "Plan")
        item = drafts.pin(draft.id, drafts.framework.keys[0], cat.chunks([first])[first],
                          quote="The panel meets  weekly.")

        def crash(db: object, doc_id: int) -> None:
            raise RuntimeError("power cut")

        with pytest.raises(RuntimeError):
            _put(cat, ["Another page.", "The panel meets\nweekly. It reports to the mayor."], also=crash)
        assert drafts.item(item.id) == item and cat.chunk_ids().tolist() == [first]

        [_, second] = _put(cat, ["Another page.", "The panel meets\nweekly. It reports to the mayor."])
        moved = drafts.item(item.id)
        assert moved.chunk_id == second and moved.page == 2 and "p. 2" in moved.citation
        assert moved.text == item.text  # the words as pinned, whatever spacing the new reading has
    finally:
        cat.close()


def test_a_quotation_is_found_whatever_its_spacing_and_in_its_runs() -> None:
    chunks = [Chunk(1, 1, 0, "Intro.\nThe panel meets\nweekly at the hall.", None, ("A",), 0, 40, "en"),
              Chunk(2, 1, 1, "Under B.\nThe panel meets weekly at the hall.", None, ("B",), 40, 80, "en")]
    assert quote_span(chunks[0].text, "The panel  meets weekly") == (7, 29)
    assert quote_span(chunks[0].text, f"Intro.{QUOTE_GAP}at the hall.") == (0, len(chunks[0].text))
    assert quote_span(chunks[0].text, f"at the hall.{QUOTE_GAP}Intro.") is None  # runs in their order
    assert find_chunk(chunks, "the panel meets weekly") is None  # case counts: a quotation is exact
    assert find_chunk(chunks, "The panel meets weekly").id == 1
    assert find_chunk(chunks, "The panel meets weekly", ("B",)).id == 2
    assert find_chunk(chunks, "") is None


def test_a_replaced_documents_chunk_ids_are_never_given_again(kb: KnowledgeBase, tmp_path: Path) -> None:
    """A page still showing a card of the old chunk (or any pointer the relink does not know) must find
    it gone, not pin another passage that took its id: the highest document's re-read gave the same ids."""
    plan = tmp_path / "plan.md"
    plan.write_text(PLAN, encoding="utf-8")
    kb.add(plan)
    old = {int(i) for i in kb.catalog.chunk_ids()}
    plan.write_text(PLAN_2, encoding="utf-8")
    assert kb.add(plan).count("updated") == 1
    new = {int(i) for i in kb.catalog.chunk_ids()}
    assert new and not new & old and min(new) > max(old)
    assert all(kb.chunk(i) is None for i in old)
