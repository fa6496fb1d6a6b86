"""A document that largely repeats a stored one is named in the add report (both are kept)."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from kb import KnowledgeBase
from kb.ingesting.near_duplicates import WARN_AT, signature

REPO = Path(__file__).resolve().parents[1]
PARAGRAPHS = [
    f"Paragraph {i}: the leadership group of Harrow Bend met on day {i} and agreed on step {i} of "
    f"the plan, naming partner number {i} to lead it and a review after {i} months." for i in range(6)
]


def _similarity(a: list[str], b: list[str]) -> float:
    sa, sb = signature(a), signature(b)
    assert sa is not None and sb is not None
    return float((sa == sb).mean())


def test_signatures_estimate_shared_text():
    assert (signature(PARAGRAPHS) == signature(PARAGRAPHS)).all()  # deterministic
    assert _similarity(PARAGRAPHS, ["\n".join(PARAGRAPHS)]) == 1.0  # how the text is cut does not matter
    edited = [*PARAGRAPHS[:5], "A new closing paragraph says who funds the group and how often it reports."]
    assert WARN_AT <= _similarity(PARAGRAPHS, edited) < 1.0
    other = ["Victim support in Pellston: a phone line, legal advice and an interpreter within a day."]
    assert _similarity(PARAGRAPHS, other) < 0.1
    assert signature(["", "  ", "—"]) is None


def test_the_starter_corpus_has_no_near_copies(tmp_path: Path):
    """Its near-duplicates on purpose (three leadership groups) differ in their words, not only their facts."""
    with KnowledgeBase(tmp_path / "home", embedder="hash") as kb:
        report = kb.add(REPO / "corpus" / "build", manifest=REPO / "corpus" / "manifest.csv")
    assert report.count("added") == 43 and [f.path for f in report.files if f.similar_to] == []


def test_a_pdf_and_its_source_text_are_pointed_out_and_both_kept(tmp_path: Path):
    inbox = tmp_path / "in"
    inbox.mkdir()
    shutil.copy(REPO / "corpus" / "build" / "harrow-bend-prevention-plan.pdf", inbox / "plan.pdf")
    shutil.copy(REPO / "corpus" / "sources" / "harrow-bend-prevention-plan.pdf.md", inbox / "plan-draft.md")
    (inbox / "other.md").write_text("# Victim support\n\nA phone line, legal advice and an interpreter within a day.\n")
    with KnowledgeBase(tmp_path / "home", embedder="hash") as kb:
        assert kb.add(inbox / "plan.pdf").files[0].similar_to is None
        (outcome,) = kb.add(inbox / "plan-draft.md").files
        assert outcome.outcome == "added" and outcome.similar_to == "plan.pdf" and outcome.similarity >= 0.8
        assert outcome.reason is not None and "of its text is also in “Harrow Bend Prevention Plan" in outcome.reason
        assert kb.add(inbox / "other.md").files[0].similar_to is None
        assert len(kb.documents()) == 3
        # a new version under the same source is not compared with itself
        (inbox / "other.md").write_text("# Victim support\n\nA phone line and legal advice, now every day.\n")
        assert kb.add(inbox / "other.md").files[0].similar_to is None
        # re-reading stored documents does not repeat the warning
        db = sqlite3.connect(kb.settings.catalog_path)
        with db:
            db.execute("UPDATE documents SET chunker = '3'")
        db.close()
        assert [f.similar_to for f in kb.reread().files] == [None, None, None]


def test_documents_stored_before_signatures_get_theirs_when_needed(tmp_path: Path):
    inbox = tmp_path / "in"
    inbox.mkdir()
    (inbox / "a.md").write_text("\n\n".join(PARAGRAPHS))
    (inbox / "b.md").write_text("\n\n".join([*PARAGRAPHS[:5], "A different closing paragraph on funding."]))
    with KnowledgeBase(tmp_path / "home", embedder="hash") as kb:
        kb.add(inbox / "a.md")
        db = sqlite3.connect(kb.settings.catalog_path)
        with db:
            db.execute("UPDATE documents SET signature = NULL")  # as a KB from before this version
        db.close()
        assert kb.add(inbox / "b.md").files[0].similar_to == "a.md"
        assert all(stored is not None for *_, stored in kb.catalog.signatures())


def test_search_shows_a_passage_once_with_where_else_it_is(tmp_path: Path):
    """The same plan stored as PDF and as its draft text: no passage shows twice; 'also in' says where."""
    from kb.ingesting.near_duplicates import shingles
    from kb.searching.copies import COPY_CONTAINMENT
    from ui.render import result_cards

    inbox = tmp_path / "in"
    inbox.mkdir()
    shutil.copy(REPO / "corpus" / "build" / "harrow-bend-prevention-plan.pdf", inbox / "plan.pdf")
    shutil.copy(REPO / "corpus" / "sources" / "harrow-bend-prevention-plan.pdf.md", inbox / "plan-draft.md")
    with KnowledgeBase(tmp_path / "home", embedder="hash") as kb:
        kb.add(inbox)
        hits = kb.search("rapid response protocol public message within 24 hours", k=10)
    assert hits and any(h.also_in for h in hits)
    for i, a in enumerate(hits):
        for b in hits[i + 1 :]:
            if a.doc_id != b.doc_id:
                sa, sb = shingles(a.text), shingles(b.text)
                assert len(sa & sb) < COPY_CONTAINMENT * min(len(sa), len(sb)), (a.citation, b.citation)
    folded = [c for h in hits for c in h.also_in]
    assert all(c.startswith("Harrow Bend Prevention Plan 2023-2026") for c in folded)
    assert not set(folded) & {h.citation for h in hits}  # a folded copy has no card of its own
    # each with the parts a page writes in its language (ui.render_base.copy_citation)
    assert all([c.citation for c in h.copies] == h.also_in for h in hits)
    assert "Also in: <bdi>Harrow Bend Prevention Plan" in result_cards(hits, lambda h: None)


def test_diversify_folds_copies_from_other_documents_only():
    from kb.searching.copies import diversify

    plan = "The leadership group meets every month in the town hall and reports to the council each year."
    texts = {
        1: plan,
        2: "Preface. " + plan,  # doc 2 repeats it: folded into 1, and takes none of doc 2's places
        3: plan + " Again.",  # the same document repeating itself is not folded
        4: "Victim support offers a phone line, legal advice and an interpreter within one working day.",
        5: "A third passage of the first document, about funding from the regional prevention grant.",
        6: "Short.",
    }
    doc_of = {1: 1, 2: 2, 3: 1, 4: 2, 5: 1, 6: 3}
    ranked = [(i, 1.0 - i / 10) for i in range(1, 7)]
    kept, copies = diversify(ranked, doc_of, k=10, max_per_doc=2, texts=texts)
    assert [cid for cid, _ in kept] == [1, 3, 4, 6] and copies == {1: [2]}
    assert diversify(ranked, doc_of, k=2, max_per_doc=2) == ([(1, 0.9), (2, 0.8)], {})  # without texts: no folding


def test_a_copy_ranked_below_the_last_result_is_still_named():
    from kb.searching.copies import diversify

    plan = "The leadership group meets every month in the town hall and reports to the council each year."
    texts = {1: plan, 2: "Victim support offers a phone line and legal advice within one working day.", 3: plan}
    kept, copies = diversify([(1, 0.9), (2, 0.8), (3, 0.7)], {1: 1, 2: 2, 3: 3}, k=2, max_per_doc=2, texts=texts)
    assert [cid for cid, _ in kept] == [1, 2] and copies == {1: [3]}
