"""DOCX, Markdown and CSL-JSON export of a draft: structure, numbering, escaping, determinism."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from catalog_helpers import put_doc
from docx import Document as DocxDocument

from kb.drafting.drafts import Draft, Drafts
from kb.drafting.export import Reference, _csl_item, export, references, to_csl_json, to_docx, to_markdown
from kb.store.catalog import Catalog


@pytest.fixture
def draft(tmp_path: Path) -> Draft:
    cat = Catalog(tmp_path / "c.sqlite")
    a1, a2 = put_doc(
        cat,
        "harrow.pdf",
        ["Chaired by the mayor.", "Referral within 48 hours."],
        city="Harrow",
        country="GB",
        year=2021,
        url="https://example.org/h.pdf",
        doc_type="strategy",
    )
    (b1,) = put_doc(cat, "madrid.pdf", ["La mesa local se reúne <cada> mes."], city="Madrid", country="ES")
    drafts = Drafts(cat)
    d = drafts.create("Harrow", "Harrow framework")
    chunks = cat.chunks([a1, a2, b1])
    drafts.pin(d.id, "coordination", chunks[a2])  # first use in a later section: numbering follows the draft
    drafts.pin(d.id, "leadership", chunks[b1])
    drafts.pin(d.id, "leadership", chunks[a1])
    drafts.add_note(d.id, "leadership", "Our own group will meet monthly.")
    drafts.pin(d.id, "monitoring", chunks[a1])  # cited again: same number
    out = drafts.get(d.id)
    yield out
    cat.close()


def test_reference_numbers_follow_first_use(draft: Draft) -> None:
    refs = references(draft)
    assert [r.item.text for r in refs] == [
        "La mesa local se reúne <cada> mes.",
        "Chaired by the mayor.",
        "Referral within 48 hours.",
    ]
    assert [r.number for r in refs] == [1, 2, 3]


def test_markdown(draft: Draft) -> None:
    md = to_markdown(draft)
    assert md.startswith("# Harrow framework\n")
    assert "## City-led multi-actor leadership group" in md
    assert "> La mesa local se reúne \\<cada> mes. [1]" in md  # escaped, so it renders as written
    assert "> Chaired by the mayor. [2]" in md and md.count("[2]") == 2
    assert "Our own group will meet monthly." in md
    tail = md.split("## References")[1]
    assert "1. Title of madrid.pdf — Madrid, ES, p. 1" in tail
    assert "3. Title of harrow.pdf — Harrow, GB (2021), p. 2" in tail
    assert md.index("## City-led") < md.index("## Coordination") < md.index("## Monitoring")
    assert to_markdown(draft) == md


def test_docx(draft: Draft, tmp_path: Path) -> None:
    path = to_docx(draft, tmp_path / "out" / "d.docx")
    doc = DocxDocument(str(path))
    paras = [(p.style.name, p.text) for p in doc.paragraphs]
    assert paras[0] == ("Title", "Harrow framework")
    headings = [t for s, t in paras if s == "Heading 1"]
    assert headings[0] == "City-led multi-actor leadership group" and headings[-1] == "References"
    assert len(headings) == len(draft.sections) + 1
    quotes = [t for s, t in paras if s == "Quote"]
    assert quotes == [
        "La mesa local se reúne <cada> mes. [1]",
        "Chaired by the mayor. [2]",
        "Referral within 48 hours. [3]",
        "Chaired by the mayor. [2]",
    ]
    assert ("Normal", "Our own group will meet monthly.") in paras
    refs = [t for s, t in paras[[t for _, t in paras].index("References") + 1 :]]
    assert refs[0] == "[1] Title of madrid.pdf — Madrid, ES, p. 1, § Part A › Sub 0"
    assert len(refs) == 3
    # Same draft, same document properties (no clock in the output).
    again = DocxDocument(str(to_docx(draft, tmp_path / "e.docx")))
    assert again.core_properties.modified == doc.core_properties.modified
    assert [p.text for p in again.paragraphs] == [p.text for p in doc.paragraphs]


def test_csl_json(draft: Draft, tmp_path: Path) -> None:
    items = to_csl_json(draft)
    assert [i["id"] for i in items] == ["ref1", "ref2", "ref3"]
    harrow = items[2]
    assert harrow == {
        "id": "ref3",
        "type": "report",
        "title": "Title of harrow.pdf",
        "author": [{"literal": "Harrow"}],  # the publishing city (or organisation), as a name
        "publisher-place": "Harrow, GB",
        "issued": {"date-parts": [[2021]]},
        "page": "2",
        "note": "Section: Part A › Sub 1",
        "URL": "https://example.org/h.pdf",
        "language": "en",
        "genre": "strategy",
    }
    assert "issued" not in items[0]  # no year, no date
    first = next(i for i in draft.items() if i.kind == "excerpt")
    titled = replace(first, meta={**first.meta, "title": "Toolkit", "section": ["Toolkit", "Facilitation notes"]})
    assert _csl_item(Reference(1, "x", titled))["note"] == "Section: Facilitation notes"  # the title, not twice
    for item in items:  # CSL-JSON field types Zotero checks
        assert isinstance(item["id"], str) and isinstance(item["title"], str)
        assert all(isinstance(v, str) for k, v in item.items() if k not in ("issued", "author"))
        assert all(isinstance(a["literal"], str) for a in item["author"])
    path = export(draft, "csl-json", tmp_path / "refs.json")
    assert json.loads(path.read_text(encoding="utf-8")) == items
    assert export(draft, "markdown", tmp_path / "d.md").read_text(encoding="utf-8") == to_markdown(draft)
    with pytest.raises(ValueError, match="Unknown export format"):
        export(draft, "pdf", tmp_path / "x.pdf")


def test_markdown_excerpts_render_line_by_line_and_verbatim(tmp_path: Path) -> None:
    """Rendered by a CommonMark renderer, a list excerpt keeps its lines and its odd characters."""
    from markdown_it import MarkdownIt

    cat = Catalog(tmp_path / "c.sqlite")
    text = "A core group includes:\n• the *chair* of <the> group\n• police, as a non-voting advisor\n# 3 seats"
    (c1,) = put_doc(cat, "guide.pdf", [text])
    drafts = Drafts(cat)
    d = drafts.create("Harrow", "Harrow framework")
    drafts.pin(d.id, "leadership", cat.chunks([c1])[c1])
    html = MarkdownIt("commonmark").render(to_markdown(drafts.get(d.id)))
    quote = html.split("<blockquote>")[1].split("</blockquote>")[0]
    assert [p.strip() for p in quote.strip().split("\n")] == [
        "<p>A core group includes:</p>",
        "<p>• the *chair* of &lt;the&gt; group</p>",
        "<p>• police, as a non-voting advisor</p>",
        "<p># 3 seats [1]</p>",
    ]
    cat.close()


def test_docx_marks_right_to_left_paragraphs(tmp_path: Path) -> None:
    """An Arabic quote (and an Arabic note) is a right-to-left paragraph in Word: <w:bidi/> and <w:rtl/>."""
    from docx.oxml.ns import qn

    cat = Catalog(tmp_path / "c.sqlite")
    (ar,) = put_doc(cat, "plan-ar.pdf", ["يجتمع الفريق المحلي كل شهر برئاسة رئيس البلدية."], city="Wadi", country="JO")
    (en,) = put_doc(cat, "plan-en.pdf", ["The local team meets every month."], city="Harrow", country="GB")
    drafts = Drafts(cat)
    d = drafts.create("Wadi", "Wadi framework")
    drafts.pin(d.id, "leadership", cat.chunks([ar])[ar])
    drafts.pin(d.id, "leadership", cat.chunks([en])[en])
    drafts.add_note(d.id, "leadership", "ملاحظة: نلتقي أسبوعيًا.")
    doc = DocxDocument(str(to_docx(drafts.get(d.id), tmp_path / "d.docx", references_heading="المراجع")))

    def rtl(p) -> bool:
        ppr = p._p.pPr
        runs = p._p.findall(qn("w:r"))
        return (ppr is not None and ppr.find(qn("w:bidi")) is not None
                and all(r.find(qn("w:rPr")) is not None and r.find(qn("w:rPr")).find(qn("w:rtl")) is not None
                        for r in runs))

    quotes = [p for p in doc.paragraphs if p.style.name == "Quote"]
    assert quotes[0].text.startswith("يجتمع") and rtl(quotes[0])
    assert quotes[1].text.startswith("The local team") and not rtl(quotes[1])
    note = next(p for p in doc.paragraphs if p.text.startswith("ملاحظة"))
    assert rtl(note)
    heading = next(p for p in doc.paragraphs if p.text == "المراجع")
    assert heading.style.name == "Heading 1" and rtl(heading)
    assert not rtl(doc.paragraphs[0])  # the English title stays left to right
