"""DOCX, Markdown and CSL-JSON export of a draft: structure, numbering, escaping, determinism."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

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


# The first passage of corpus/build/haselwerder-ausstiegsberatung.pdf as the PDF reader stores it: the
# title wraps over two lines, the section heading follows, and the reader kept the breaks its page drew
# before a capital ("aller\nBeratungsfälle"); each paragraph ends in a full stop.
HASELWERDER_TITLE = 'Haselwerder: Programm für Ausstiegs- und Distanzierungsberatung „Wegwechsel"'
HASELWERDER = (
    'Haselwerder: Programm für Ausstiegs- und\nDistanzierungsberatung „Wegwechsel"\nAusgangslage und Zielgruppe\n'
    "Die Stadt Haselwerder hat 2020 das Beratungsprogramm „Wegwechsel\" aufgebaut.\n"
    "Eine zweite Zielgruppe sind Angehörige: Eltern, Partnerinnen und Geschwister, die Veränderungen bemerken "
    "und Unterstützung im Umgang mit der betroffenen Person suchen. Etwa ein Drittel aller\n"
    "Beratungsfälle beginnt mit einem Anruf von Angehörigen.\n"
    "Das Team besteht aus drei Beraterinnen und Beratern mit sozialpädagogischer und psychologischer\n"
    "Ausbildung, von denen einer selbst vor vielen Jahren eine rechtsextreme Szene verlassen hat. Diese\n"
    "Erfahrung schafft bei vielen Klienten einen Vertrauensvorschuss, wird aber bewusst nicht in den\n"
    "Mittelpunkt gestellt."
)
HASELWERDER_READ = [
    "Die Stadt Haselwerder hat 2020 das Beratungsprogramm „Wegwechsel\" aufgebaut.",
    "Eine zweite Zielgruppe sind Angehörige: Eltern, Partnerinnen und Geschwister, die Veränderungen bemerken "
    "und Unterstützung im Umgang mit der betroffenen Person suchen. Etwa ein Drittel aller Beratungsfälle "
    "beginnt mit einem Anruf von Angehörigen.",
    "Das Team besteht aus drei Beraterinnen und Beratern mit sozialpädagogischer und psychologischer Ausbildung, "
    "von denen einer selbst vor vielen Jahren eine rechtsextreme Szene verlassen hat. Diese Erfahrung schafft bei "
    "vielen Klienten einen Vertrauensvorschuss, wird aber bewusst nicht in den Mittelpunkt gestellt.",
]


def _pinned(tmp_path: Path, source: str, text: str, *, title: str, section: tuple[str, ...],
            language: str = "de") -> tuple[Catalog, Draft]:
    """A German draft with one passage pinned whole, stored as pinning stores it."""
    from ingest import ChunkDraft

    cat = Catalog(tmp_path / "c.sqlite")
    _, _, ids = cat.put_document(
        sha256=source, source=source, title=title, language=language, format=Path(source).suffix[1:],
        metadata={"city": "Haselwerder", "country": "DE"}, page_count=1, stored_path=None,
        chunks=[ChunkDraft(0, text, 1, section, 0, len(text), language)],
    )
    drafts = Drafts(cat)
    d = drafts.create("Lindenhall", "Präventionsrahmen Lindenhall 2026")
    (chunk_id,) = ids.tolist()
    drafts.pin(d.id, "leadership", cat.chunks([chunk_id])[chunk_id])
    return cat, drafts.get(d.id)


def _blockquote(md: str) -> list[str]:
    from markdown_it import MarkdownIt

    html = MarkdownIt("commonmark").render(md)
    quote = html.split("<blockquote>")[1].split("</blockquote>")[0]
    return [p.strip().removeprefix("<p>").removesuffix("</p>") for p in quote.strip().split("\n")]


def test_a_pdf_quote_reads_as_running_text_without_its_title_and_heading(tmp_path: Path) -> None:
    """The German drafter's export: wrapped lines joined into their paragraphs, the paragraphs kept, and
    the title (wrapped over two lines) and section heading the citation names left out of the quote."""
    cat, draft = _pinned(tmp_path, "haselwerder-ausstiegsberatung.pdf", HASELWERDER, title=HASELWERDER_TITLE,
                         section=("Ausgangslage und Zielgruppe",))
    (item,) = draft.items()
    assert item.text == HASELWERDER  # what is stored stays as the reader read it
    quoted = [line.replace('"', "&quot;") for line in HASELWERDER_READ]
    quoted[-1] += " [1]"
    assert _blockquote(to_markdown(draft)) == quoted

    doc = DocxDocument(str(to_docx(draft, tmp_path / "d.docx")))
    (quote,) = [p.text for p in doc.paragraphs if p.style.name == "Quote"]
    assert quote == "\n".join(HASELWERDER_READ) + " [1]"  # paragraphs as line breaks, no wrap left
    cat.close()


def test_a_docx_quote_keeps_every_line(tmp_path: Path) -> None:
    """A Word (or HTML) reader writes one line per paragraph and never wraps one: a long line without a
    full stop is still a paragraph of its own; only the title line above it goes."""
    line = "Beschlossen vom Gemeinderat der Stadt Rabenfurt am 14. März 2023 nach Anhörung des Beirats und der Träger"
    text = f"Rabenfurt: Vereinbarung über den Datenaustausch\n{line}\nDiese Vereinbarung regelt den Austausch."
    cat, draft = _pinned(tmp_path, "rabenfurt.docx", text, title="Rabenfurt: Vereinbarung über den Datenaustausch",
                         section=("Zweck",))
    assert _blockquote(to_markdown(draft)) == [line, "Diese Vereinbarung regelt den Austausch. [1]"]
    cat.close()


def test_reflow_joins_wraps_and_keeps_paragraphs_lists_tables_and_headings() -> None:
    from kb.drafting.quotes import reflow

    assert reflow("the city\nand its partners meet.") == "the city and its partners meet."  # goes on in lower case
    assert reflow("Erster Absatz.\nZweiter Absatz.") == "Erster Absatz.\nZweiter Absatz."  # a full stop ends it
    assert reflow("Erster Absatz\n\nZweiter Absatz") == "Erster Absatz\n\nZweiter Absatz"  # a blank line stays
    # a short line without punctuation is a heading, a long one a wrapped line of a page
    assert reflow("Zugangswege in die Beratung\nDer Zugang ist bewusst niedrigschwellig.") == (
        "Zugangswege in die Beratung\nDer Zugang ist bewusst niedrigschwellig.")
    long_line = "Eine zweite Zielgruppe sind Angehörige, die Unterstützung im Umgang mit der betroffenen Person suchen"
    assert reflow(f"{long_line}\nUnd mehr.") == f"{long_line} Und mehr."
    listed = f"Das Team bietet an:\n• {long_line}\n• Gespräche in der\nHaftanstalt\n• Nachsorge\n2. Schritt"
    assert reflow(listed) == listed  # items keep their lines, a capital after an item starts anew
    assert reflow("• Gespräche in der\njustizvollzugsanstalt") == "• Gespräche in der justizvollzugsanstalt"
    table = f"{long_line} | Beratung\nJugendamt | Stadt"
    assert reflow(table) == table
    assert reflow("所有城市的预防工作\n都需要协调") == "所有城市的预防工作\n都需要协调"  # short: left as it is


def test_reflow_keeps_a_hyphen_at_a_line_end_unless_the_word_is_known_whole() -> None:
    """A suspended compound keeps its hyphen and its space ("Ausstiegs- und"); a compound going on in a
    capital or a digit keeps its hyphen ("Haselwerder-Ost", "COVID-19"); before a lower-case letter the
    hyphen goes only where the quote writes the word whole, since "city-wide" looks like "Bera-tung"."""
    from kb.drafting.quotes import reflow

    assert reflow("Programm für Ausstiegs-\nund Distanzierungsberatung") == "Programm für Ausstiegs- und Distanzierungsberatung"
    assert reflow("pre-\nand post-tests") == "pre- and post-tests"
    assert reflow("die JVA Haselwerder-\nOst") == "die JVA Haselwerder-Ost"
    assert reflow("während COVID-\n19") == "während COVID-19"
    assert reflow("Die Bera-\ntung ist freiwillig.") == "Die Bera-tung ist freiwillig."
    assert reflow("Die Bera-\ntung ist freiwillig. Beratung hilft.") == "Die Beratung ist freiwillig. Beratung hilft."
    assert reflow("a city-\nwide plan") == "a city-wide plan"


def test_only_leading_lines_that_repeat_the_title_or_section_are_left_out() -> None:
    from kb.drafting.quotes import without_heading_lines

    names = [HASELWERDER_TITLE, "Ausgangslage und Zielgruppe"]
    assert without_heading_lines(HASELWERDER, names).startswith("Die Stadt Haselwerder hat 2020")
    # spacing, case and punctuation aside; the heading repeated further down stays
    text = "HASELWERDER – Programm für\nAusstiegs- und Distanzierungsberatung „Wegwechsel“\nText.\nAusgangslage und Zielgruppe"
    assert without_heading_lines(text, names) == "Text.\nAusgangslage und Zielgruppe"
    assert without_heading_lines("Ausgangslage und\nZielgruppe", names) == "Ausgangslage und\nZielgruppe"  # never all
    assert without_heading_lines("Die Stadt hat.\nAusgangslage und Zielgruppe", names) == (
        "Die Stadt hat.\nAusgangslage und Zielgruppe")


def test_file_names_spell_out_umlauts() -> None:
    from kb.drafting.file_names import slug

    assert slug("Präventionsrahmen Lindenhall 2026") == "praeventionsrahmen-lindenhall-2026"
    assert slug("ÖFFENTLICHE Übersicht der Straße") == "oeffentliche-uebersicht-der-strasse"
    assert slug("Pra\u0308vention") == "praevention"  # a decomposed umlaut too
    assert slug("Montcalvène : réponse rapide") == "montcalvene-reponse-rapide"  # other accents dropped
    assert slug("خطة الوقاية") == "خطة-الوقاية"
    assert slug("الإطار المحلي") == "الإطار-المحلي"  # hamza is part of the letter, not an accent to drop
    assert slug(" — ") == "draft"


def test_csl_json_note_in_the_drafters_language(draft: Draft, tmp_path: Path) -> None:
    """The note naming a reference's section is written by the caller's words, as the reference list is."""
    german = to_csl_json(draft, section_note=lambda path: f"Abschnitt: {path}")
    assert german[2]["note"] == "Abschnitt: Part A › Sub 1"
    path = export(draft, "csl-json", tmp_path / "refs.json", section_note=lambda path: f"Abschnitt: {path}")
    assert json.loads(path.read_text(encoding="utf-8")) == german
    assert to_csl_json(draft)[2]["note"] == "Section: Part A › Sub 1"  # English without one
    # the genre too: the document type's name, not its internal code (QA: "genre": "pilot-output")
    named = to_csl_json(draft, genre=lambda code: f"Gattung {code}")
    assert named[2]["genre"] == "Gattung strategy"
    path = export(draft, "csl-json", tmp_path / "named.json", genre=lambda code: f"Gattung {code}")
    assert json.loads(path.read_text(encoding="utf-8"))[2]["genre"] == "Gattung strategy"


def test_docx_says_its_language_and_each_quotes_own(draft: Draft, tmp_path: Path) -> None:
    """The document's language (its properties and every style's default: python-docx's template says US
    English) is the drafter's; a quotation in another language says its own, so Word checks each rightly."""
    from docx.oxml.ns import qn

    def default_lang(doc: Any) -> Any:
        return doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:lang"))

    doc = DocxDocument(str(export(draft, "docx", tmp_path / "de.docx", language="de")))
    assert doc.core_properties.language == "de"
    assert default_lang(doc).get(qn("w:val")) == "de"
    quote = next(p for p in doc.paragraphs if p.style.name == "Quote")
    assert quote.runs[0]._r.rPr.find(qn("w:lang")).get(qn("w:val")) == "en"  # the quoted passage's language
    assert quote.runs[-1].text == " [1]" and quote.runs[-1]._r.rPr is None

    arabic = DocxDocument(str(to_docx(draft, tmp_path / "ar.docx", language="ar")))
    assert arabic.core_properties.language == "ar" and default_lang(arabic).get(qn("w:bidi")) == "ar"
    assert arabic.sections[0]._sectPr.find(qn("w:bidi")) is not None  # an Arabic drafter's page runs right to left
    assert DocxDocument(str(to_docx(draft, tmp_path / "ar-ltr.docx", rtl=False, language="ar"))
                        ).sections[0]._sectPr.find(qn("w:bidi")) is None

    plain = DocxDocument(str(to_docx(draft, tmp_path / "en.docx")))
    assert plain.core_properties.language == "" and default_lang(plain).get(qn("w:val")) == "en-US"
    assert plain.sections[0]._sectPr.find(qn("w:bidi")) is None
