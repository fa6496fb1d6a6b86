"""The drafting workspace on a real SQLite catalog: framework, pinning, notes, order, persistence."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from catalog_helpers import put_doc

from kb.drafting.drafts import DEFAULT_FRAMEWORK, DraftError, Drafts, load_framework
from kb.store.catalog import Catalog
from kb.types import Hit

REQUIRED_TOPICS = (
    "leadership",
    "landscape",
    "plan",
    "directory",
    "programmes",
    "coordination",
    "referral",
    "community",
    "response",
    "monitoring",
)


@pytest.fixture
def cat(tmp_path: Path) -> Catalog:
    c = Catalog(tmp_path / "c.sqlite")
    yield c
    c.close()


def test_framework_template_has_the_required_sections() -> None:
    fw = load_framework()
    assert DEFAULT_FRAMEWORK.exists()
    assert len(fw.sections) >= 8
    text = " ".join(s.title.lower() for s in fw.sections)
    for topic in REQUIRED_TOPICS:
        assert topic in text, topic
    for s in fw.sections:
        assert s.purpose and 2 <= len(s.searches) <= 3, s.key


def test_framework_rejects_duplicate_keys(tmp_path: Path) -> None:
    bad = tmp_path / "f.yaml"
    bad.write_text("sections:\n - {key: a, title: A}\n - {key: a, title: B}\n", encoding="utf-8")
    with pytest.raises(DraftError, match="unique"):
        load_framework(bad)


def test_pin_copies_exact_text_and_survives_document_removal(cat: Catalog) -> None:
    text = "The  group is chaired by the mayor.\nIt meets monthly."  # odd spacing must stay as stored
    cid, cid2 = put_doc(
        cat,
        "harrow.pdf",
        [text, "Second page."],
        city="Harrow",
        country="GB",
        year=2021,
        url="https://example.org/h.pdf",
    )
    drafts = Drafts(cat)
    d = drafts.create("Harrow", "Harrow framework 2025")
    # A Hit whose text differs from storage: the stored chunk text wins.
    hit = Hit(
        chunk_id=cid,
        doc_id=1,
        title="x",
        city="Harrow",
        country="GB",
        source="harrow.pdf",
        page=1,
        section=("Part A", "Sub 0"),
        language="en",
        text="tampered",
        score=1.0,
        citation="Cite A",
    )
    item = drafts.pin(d.id, "leadership", hit)
    assert item.text == text and item.citation == "Cite A" and item.page == 1
    # a card that named another subsection than the one the pinned words sit in: cited where they are
    elsewhere = drafts.pin(d.id, "plan", replace(hit, section=("Part A", "Sub 9")))
    assert elsewhere.citation != "Cite A" and elsewhere.citation.endswith("§ Part A › Sub 0")
    drafts.remove_item(elsewhere.id)
    assert item.meta["url"] == "https://example.org/h.pdf" and item.meta["year"] == 2021
    assert drafts.pin(d.id, "leadership", hit).id == item.id  # no duplicate
    chunk = cat.chunks([cid2])[cid2]
    built = drafts.pin(d.id, "plan", chunk)  # a Chunk: the citation is built from its document
    assert "Title of harrow.pdf" in built.citation and "p. 2" in built.citation

    cat.remove_document(1)
    again = Drafts(cat).get(d.id)  # a fresh object reads everything back from SQLite
    assert [i.text for i in again.items()] == [text, "Second page."]
    assert again.section("leadership").items[0].citation == "Cite A"


def test_sections_in_template_order_notes_move_remove(cat: Catalog) -> None:
    drafts = Drafts(cat)
    d = drafts.create("Madrid", "Plan")
    keys = [s.section.key for s in d.sections]
    assert keys == list(drafts.framework.keys)
    a = drafts.add_note(d.id, "plan", "first")
    b = drafts.add_note(d.id, "plan", "second")
    c = drafts.add_note(d.id, "plan", "third")
    drafts.move(c.id, -1)
    assert [i.text for i in drafts.get(d.id).section("plan").items] == ["first", "third", "second"]
    drafts.move(a.id, -1)  # already first: nothing moves
    drafts.move(a.id, +1)
    assert [i.text for i in drafts.get(d.id).section("plan").items] == ["third", "first", "second"]
    drafts.remove_item(b.id)
    drafts.edit_note(a.id, "first, edited")
    assert [i.text for i in drafts.get(d.id).section("plan").items] == ["third", "first, edited"]
    with pytest.raises(DraftError):
        drafts.move(a.id, 2)
    with pytest.raises(DraftError, match="Unknown section"):
        drafts.add_note(d.id, "nope", "x")
    with pytest.raises(DraftError):
        drafts.add_note(d.id, "plan", "   ")


def test_list_rename_delete(cat: Catalog) -> None:
    drafts = Drafts(cat)
    one = drafts.create("Oslo", "One")
    drafts.create("Lyon", "Two")
    drafts.add_note(one.id, "response", "n")
    drafts.rename(one.id, "One renamed", city="Bergen")
    listed = {i.title: i for i in drafts.list()}
    assert listed["One renamed"].city == "Bergen" and listed["One renamed"].item_count == 1
    drafts.delete(one.id)
    assert [i.title for i in drafts.list()] == ["Two"]
    with pytest.raises(DraftError):
        drafts.get(one.id)
    assert cat.db.execute("SELECT COUNT(*) FROM draft_items").fetchone()[0] == 0


def test_items_of_a_dropped_section_are_kept(cat: Catalog, tmp_path: Path) -> None:
    drafts = Drafts(cat)
    d = drafts.create("", "T")
    drafts.add_note(d.id, "monitoring", "keep me")
    small = tmp_path / "small.yaml"
    small.write_text("sections:\n - {key: plan, title: Plan}\n", encoding="utf-8")
    other = Drafts(cat, load_framework(small)).get(d.id)
    assert [s.section.key for s in other.sections] == ["plan", "other"]
    assert other.sections[-1].items[0].text == "keep me"


def test_pin_a_part_quoted_exactly_and_undo_a_removal(cat: Catalog) -> None:
    """A part of an excerpt is pinned only if it is in the text verbatim; a removed item comes back in place."""
    (c1,) = put_doc(cat, "a.pdf", ["The board meets monthly. The mayor chairs it. Minutes are public."])
    drafts = Drafts(cat)
    d = drafts.create("Harrow", "Plan")
    chunk = cat.chunks([c1])[c1]
    whole = drafts.pin(d.id, "leadership", chunk)
    part = drafts.pin(d.id, "leadership", chunk, quote="The mayor chairs it.")
    assert part.id != whole.id and part.text == "The mayor chairs it." and part.citation == whole.citation
    assert drafts.pin(d.id, "leadership", chunk, quote=" The mayor chairs it. ").id == part.id  # same text: no-op
    assert drafts.pinned(d.id, "leadership", c1, chunk.text).id == whole.id
    # what the page asks before pinning: words held in an item of the section (spacing aside), or holding one
    assert drafts.overlapping(d.id, "leadership", c1, "The board meets\nmonthly.  The mayor").id == whole.id
    assert drafts.overlapping(d.id, "leadership", c1, "The board meets monthly. […] Minutes are public.").id == whole.id
    assert drafts.overlapping(d.id, "leadership", c1 + 1, "The mayor chairs it.") is None  # another passage
    assert drafts.overlapping(d.id, "plan", c1, "The mayor chairs it.") is None  # another section
    only = drafts.pin(d.id, "plan", chunk, quote="The mayor chairs it.")
    assert drafts.overlapping(d.id, "plan", c1, chunk.text).id == only.id  # the whole holds it
    assert drafts.overlapping(d.id, "plan", c1, "Minutes are public.") is None
    with pytest.raises(DraftError, match="exactly"):
        drafts.pin(d.id, "leadership", chunk, quote="The mayor chairs the board.")
    note = drafts.add_note(d.id, "leadership", "Ours.")
    removed = drafts.remove_item(part.id)
    assert [i.id for i in drafts.get(d.id).section("leadership").items] == [whole.id, note.id]
    drafts.restore_item(removed)
    drafts.restore_item(removed)  # twice is harmless
    assert [i.id for i in drafts.get(d.id).section("leadership").items] == [whole.id, part.id, note.id]
    assert drafts.item(part.id) == part


def test_an_undo_after_a_colleague_added_an_item_brings_back_the_removed_one(cat: Catalog) -> None:
    """QA pass 13: ana removed the last note, ben added one (it got the freed id), ana's Undo found that
    id taken, took ben's note for hers "already back", and hers was lost."""
    drafts = Drafts(cat)
    d = drafts.create("Riverton", "Plan")
    drafts.add_note(d.id, "leadership", "First.")
    hers = drafts.add_note(d.id, "leadership", "Ana's note.")
    removed = drafts.remove_item(hers.id)
    his = drafts.add_note(d.id, "leadership", "Ben's note.")
    assert his.id != hers.id
    assert drafts.restore_item(removed) == hers
    assert [i.text for i in drafts.get(d.id).section("leadership").items] == ["First.", "Ana's note.", "Ben's note."]


def test_a_heading_with_its_own_section_sign_is_not_cited_with_two() -> None:
    from kb.searching.citations import citation
    from kb.types import Chunk, Document

    doc = Document(1, "x", "a.md", "Plan", "en", "markdown", {"city": "Harrow"}, "ready", "", "")
    chunk = Chunk(1, 1, 0, "Text.", None, ("Plan", "§ 3 Referral"), 0, 5, "en")
    assert citation(doc, chunk) == "Plan — Harrow, § 3 Referral"


def test_a_whole_passage_is_quoted_without_the_title_or_heading_line_its_citation_names(tmp_path) -> None:
    from kb import KnowledgeBase

    src = tmp_path / "guide.md"
    src.write_text("# Forming a leadership group\n\n## Step 1: secure a clear mandate\n\n"
                   "The mayor signs a mandate before the first meeting.\n", encoding="utf-8")
    with KnowledgeBase(tmp_path / "home", embedder="hash") as kb:
        assert kb.add([src]).ok
        chunk = kb.catalog.chunks(kb.catalog.chunk_ids().tolist())
        (c,) = chunk.values()
        assert c.text.startswith("Forming a leadership group")  # the stored passage says its headings
        draft = kb.drafts.create("Lyon", "Plan")
        item = kb.drafts.pin(draft.id, "leadership", c)
        assert item.text == "The mayor signs a mandate before the first meeting."
        assert kb.drafts.pin(draft.id, "leadership", c).id == item.id  # twice is still once
        assert kb.drafts.quoted(c) == item.text


def test_a_quotation_with_parts_left_out_must_quote_each_part_in_order() -> None:
    from kb.drafting.excerpts import QUOTE_GAP, quotes_excerpt

    whole = "Concerns go to the panel. It meets weekly. Families are told."
    assert quotes_excerpt(whole, "It meets weekly.")
    assert quotes_excerpt(whole, f"Concerns go to the panel.{QUOTE_GAP}Families are told.")
    assert not quotes_excerpt(whole, f"Families are told.{QUOTE_GAP}Concerns go to the panel.")  # order
    assert not quotes_excerpt(whole, f"Concerns go to the panel.{QUOTE_GAP}They vote.")
    assert not quotes_excerpt(whole, f"It meets weekly.{QUOTE_GAP}")  # an empty part quotes nothing
