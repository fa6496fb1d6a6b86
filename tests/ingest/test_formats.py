"""DOCX, HTML, Markdown and text readers on fixtures built here, and the failure codes."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from ingest import IngestError, read_document

from .conftest import SEED_PAGE

MB = 10**7


def _docx(path: Path) -> Path:
    docx = pytest.importorskip("docx")
    d = docx.Document()
    d.core_properties.title = ""
    d.add_paragraph("Prevention framework for Leeds", style="Title")
    d.add_heading("Context", level=1)
    d.add_paragraph("Leeds brings schools, police and youth services together.")
    d.add_heading("Partners", level=2)
    table = d.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Partner", "Role"
    table.cell(1, 0).text, table.cell(1, 1).text = "Youth service", "Outreach"
    d.add_paragraph("After the table comes more text.")
    d.add_heading("Evaluation", level=1)
    d.add_paragraph("Referrals are reviewed every quarter.")
    d.save(str(path))
    return path


def test_docx_keeps_headings_tables_and_order(tmp_path: Path):
    doc = read_document(_docx(tmp_path / "framework.docx"), max_bytes=MB)
    assert doc.format == "docx"
    assert doc.title == "Prevention framework for Leeds"
    by_section = {b.section: b.text for b in doc.blocks}
    assert ("Context", "Partners") in by_section
    partners = by_section[("Context", "Partners")]
    # The table sits between the heading and the paragraph that follows it, as in the document.
    assert partners.split("\n") == [
        "Partners",
        "Partner | Role",
        "Youth service | Outreach",
        "After the table comes more text.",
    ]
    assert by_section[("Evaluation",)].startswith("Evaluation\nReferrals")
    assert doc.language == "en"


def test_docx_core_title_wins(tmp_path: Path):
    docx = pytest.importorskip("docx")
    d = docx.Document()
    d.core_properties.title = "Core title"
    d.add_heading("A heading", level=1)
    d.add_paragraph("Some text in the document body.")
    d.save(str(tmp_path / "t.docx"))
    assert read_document(tmp_path / "t.docx", max_bytes=MB).title == "Core title"


def test_docx_zip_bomb_is_refused_before_opening(tmp_path: Path):
    path = _docx(tmp_path / "bomb.docx")
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/media/zeros.bin", b"\0" * (20 * 1024 * 1024))
    with pytest.raises(IngestError) as info:
        read_document(path, max_bytes=MB)
    assert info.value.code == "corrupt"
    assert "expands too much" in str(info.value)


def test_a_csv_is_refused_as_a_table_of_data_not_read_as_text(tmp_path: Path):
    """A manifest or a directory's contacts given as a document was read as text: its rows, private
    phone numbers too, became searchable passages."""
    for name in ("contacts.csv", "contacts.TSV"):
        path = tmp_path / name
        path.write_text("name,phone,public\nCentre jeunesse Horizon,+56 32 555 0202,no\n", encoding="utf-8")
        with pytest.raises(IngestError) as info:
            read_document(path, max_bytes=MB)
        assert info.value.code == "data_file" and "not a document" in str(info.value)
        assert "--manifest" in str(info.value) and "kb directory import" in str(info.value)


def test_zip_that_is_not_docx_is_unknown_format(tmp_path: Path):
    path = tmp_path / "archive.docx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "hello")
    with pytest.raises(IngestError) as info:
        read_document(path, max_bytes=MB)
    assert info.value.code == "unknown_format"
    assert "PDF" in str(info.value) and "Markdown" in str(info.value)



@pytest.mark.parametrize(
    ("name", "member", "kind"),
    [("budget.xlsx", "xl/workbook.xml", "an Excel workbook"),
     ("slides.pptx", "ppt/presentation.xml", "a PowerPoint presentation"),
     ("plan.odt", "content.xml", "an OpenDocument")],
)  # fmt: skip
def test_other_office_zips_say_how_to_convert_them(tmp_path: Path, name: str, member: str, kind: str):
    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(member, "<x/>")
    with pytest.raises(IngestError) as info:
        read_document(path, max_bytes=MB)
    assert info.value.code == "unknown_format"
    assert kind in str(info.value) and "save it as .docx or PDF" in str(info.value)


@pytest.mark.parametrize(
    ("name", "head", "kind"),
    [("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "an older Microsoft Office file"),
     ("note.rtf", b"{\\rtf1\\ansi Hello}", "a Rich Text (RTF) file")],
)  # fmt: skip
def test_legacy_word_and_rtf_say_how_to_convert_them(tmp_path: Path, name: str, head: bytes, kind: str):
    path = tmp_path / name
    path.write_bytes(head)
    with pytest.raises(IngestError) as info:
        read_document(path, max_bytes=MB)
    assert info.value.code == "unknown_format" and kind in str(info.value)


PAGE = """<!DOCTYPE html><html><head><title>City practice: Lyon</title>
<script>document.write("SCRIPTTEXT")</script><style>.x{color:red}</style></head>
<body><header><h1>Site name HEADERTEXT</h1><nav><a href="/">Home</a><a href="/about">NAVTEXT</a></nav></header>
<div class="cookie-banner">We use cookies COOKIETEXT</div>
<div id="breadcrumb">Home &gt; CRUMBTEXT</div>
<article><h1>Preventing hate in Lyon</h1><p>Lyon funds <b>youth</b> mediation &amp; training.</p>
<h2>Partners</h2><p>Schools and sports clubs.</p>
<table><tr><th>Partner</th><th>Role</th></tr><tr><td>Club</td><td>Mentoring</td></tr></table>
<h3>Funding</h3><p>City budget.</p><div class="sidebar">SIDEBARTEXT</div>
<h2>Results</h2><ul><li>Fewer incidents</li><li>More referrals</li></ul>
<div class="share-buttons"><a href="#">Share on SHARETEXT</a></div><ul class="social-links"><li>SOCIALTEXT</li></ul>
<section class="related-articles"><h2>RELATEDTEXT</h2></section><div id="newsletter-signup">NEWSTEXT</div>
<section class="social-cohesion">Social cohesion work stays.</section>
<nav class="pagination">PAGERTEXT</nav>
<form><input name="q"><button>FORMTEXT</button></form></article>
<aside>Related ASIDETEXT</aside><footer role="contentinfo">FOOTERTEXT</footer>
<noscript>NOSCRIPTTEXT</noscript><iframe src="x">IFRAMETEXT</iframe></body></html>"""


def test_html_keeps_the_article_and_drops_boilerplate(tmp_path: Path):
    path = tmp_path / "page.html"
    path.write_text(PAGE, encoding="utf-8")
    doc = read_document(path, max_bytes=MB)
    assert doc.format == "html" and doc.title == "City practice: Lyon"
    text = doc.text
    for junk in ("SCRIPTTEXT", "HEADERTEXT", "NAVTEXT", "COOKIETEXT", "CRUMBTEXT", "SIDEBARTEXT", "FORMTEXT",
                 "ASIDETEXT", "FOOTERTEXT", "NOSCRIPTTEXT", "IFRAMETEXT", "color:red", "SHARETEXT", "SOCIALTEXT",
                 "RELATEDTEXT", "NEWSTEXT", "PAGERTEXT"):  # fmt: skip
        assert junk not in text
    assert "Lyon funds youth mediation & training." in text and "Social cohesion work stays." in text
    assert "Partner | Role\nClub | Mentoring" in text
    sections = [b.section for b in doc.blocks]
    assert sections == [
        ("Preventing hate in Lyon",),
        ("Preventing hate in Lyon", "Partners"),
        ("Preventing hate in Lyon", "Partners", "Funding"),
        ("Preventing hate in Lyon", "Results"),
    ]


def test_html_title_falls_back_to_h1_and_main_is_preferred(tmp_path: Path):
    path = tmp_path / "p.htm"
    path.write_text(
        "<html><body><div>OUTSIDE</div><main><h1>Main title</h1><p>Inside main text.</p></main></body></html>"
    )
    doc = read_document(path, max_bytes=MB)
    assert doc.title == "Main title"
    assert "OUTSIDE" not in doc.text and "Inside main text." in doc.text


def test_deeply_nested_html_does_not_blow_up(tmp_path: Path):
    path = tmp_path / "deep.html"
    n = 100_000
    path.write_text("<html><head><title>Deep</title></head><body>" + "<div>" * n
                    + "Text at the bottom of the nesting." + "</div>" * n + "</body></html>")  # fmt: skip
    doc = read_document(path, max_bytes=10**8)
    assert doc.title == "Deep"
    assert "Text at the bottom of the nesting." in doc.text


MARKDOWN = """---
author: someone
---
# Youth outreach in Malmö

Malmö works with **sports clubs** and [libraries](https://example.org).

## Method

Mentors meet young people weekly. See `guide.pdf`.

```
# not a heading
code stays as text
```

### Training
Staff get *two days* of training.

Results
-------
Fewer incidents.
"""


def test_markdown_sections_and_light_stripping(tmp_path: Path):
    path = tmp_path / "outreach.md"
    path.write_text(MARKDOWN, encoding="utf-8")
    doc = read_document(path, max_bytes=MB)
    assert doc.format == "markdown" and doc.title == "Youth outreach in Malmö"
    sections = [b.section for b in doc.blocks]
    assert sections == [
        ("Youth outreach in Malmö",),
        ("Youth outreach in Malmö", "Method"),
        ("Youth outreach in Malmö", "Method", "Training"),
        ("Youth outreach in Malmö", "Results"),
    ]
    text = doc.text
    assert "Malmö works with sports clubs and libraries." in text
    assert "# not a heading\ncode stays as text" in text
    assert "two days of training" in text
    assert "author" not in text and "https://" not in text


def test_markdown_detected_by_headings_without_suffix(tmp_path: Path):
    path = tmp_path / "notes"
    path.write_text("# Notes\n\nSome notes on the pilot.\n", encoding="utf-8")
    assert read_document(path, max_bytes=MB).format == "markdown"


def test_plain_text_title_and_seed_page_is_arabic(tmp_path: Path):
    doc = read_document(SEED_PAGE, max_bytes=MB)
    assert doc.format == "text"
    assert doc.language == "ar"
    assert len(doc.blocks) == 1 and doc.blocks[0].page is None
    long_first = tmp_path / "long.txt"
    long_first.write_text("word " * 100 + "\nsecond line")
    assert read_document(long_first, max_bytes=MB).title == "long"


@pytest.mark.parametrize("content", [b"", b"   \n\t\n  "])
def test_empty_files(tmp_path: Path, content: bytes):
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    with pytest.raises(IngestError) as info:
        read_document(path, max_bytes=MB)
    assert info.value.code == "empty"


def test_too_large_is_checked_before_reading(tmp_path: Path):
    path = tmp_path / "big.txt"
    path.write_text("x" * 5000)
    with pytest.raises(IngestError) as info:
        read_document(path, max_bytes=2_000_000 // 1000)
    assert info.value.code == "too_large"
    assert "MB" in str(info.value)


def test_png_named_pdf_is_not_read(tmp_path: Path):
    path = tmp_path / "scan.pdf"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 10)
    with pytest.raises(IngestError) as info:
        read_document(path, max_bytes=MB)
    assert info.value.code in {"unknown_format", "corrupt"}


def test_binary_with_many_nuls_is_unknown_format(tmp_path: Path):
    path = tmp_path / "data.txt"
    path.write_bytes(b"abc\0\0\0\0" * 500)
    with pytest.raises(IngestError) as info:
        read_document(path, max_bytes=MB)
    assert info.value.code == "unknown_format"


def test_text_with_a_few_nuls_and_cp1252_bytes(tmp_path: Path):
    path = tmp_path / "legacy.txt"
    path.write_bytes("Café culture in Göteborg – a short note on the programme.\0\n".encode("cp1252"))
    doc = read_document(path, max_bytes=MB)
    assert doc.blocks[0].text == "Café culture in Göteborg – a short note on the programme."


def test_utf16_with_bom(tmp_path: Path):
    path = tmp_path / "u16.txt"
    path.write_bytes("Prévention locale à Marseille et à Nice.".encode("utf-16"))
    assert read_document(path, max_bytes=MB).blocks[0].text == "Prévention locale à Marseille et à Nice."


# --- lists: every format writes an item as one "• item" or "N. item" line ---------------------------


def test_markdown_lists_become_marked_lines(tmp_path: Path):
    path = tmp_path / "steps.md"
    path.write_text(
        "# Steps\n\nThe group needs:\n\n- a **chair**\n* a secretariat\n  + a youth seat\n"
        "- [x] a budget\n\n1. Form the group\n2) Map the landscape\n\n---\n\nDone.\n",
        encoding="utf-8",
    )
    lines = read_document(path, max_bytes=MB).text.split("\n")
    assert lines == [
        "Steps", "The group needs:", "• a chair", "• a secretariat", "• a youth seat", "• a budget",
        "1. Form the group", "2. Map the landscape", "Done.",
    ]  # fmt: skip


def test_html_lists_show_bullets_and_the_numbers_a_browser_shows(tmp_path: Path):
    path = tmp_path / "steps.html"
    path.write_text(
        "<html><body><main><h1>Steps</h1><p>In order:</p><ol start='3'><li>Form the group</li>"
        "<li><p>Map the landscape</p><ul><li>police data</li><li>school <b>surveys</b></li></ul></li></ol>"
        "<ol><li>Write the plan</li></ol></main></body></html>",
        encoding="utf-8",
    )
    lines = read_document(path, max_bytes=MB).text.split("\n")
    assert lines == [
        "Steps", "In order:", "3. Form the group", "4. Map the landscape", "• police data",
        "• school surveys", "1. Write the plan",
    ]  # fmt: skip


def test_docx_lists_show_bullets_and_word_numbering(tmp_path: Path):
    docx = pytest.importorskip("docx")
    d = docx.Document()
    d.add_heading("Steps", level=1)
    d.add_paragraph("In order:")
    d.add_paragraph("Form the group", style="List Number")
    d.add_paragraph("Map the landscape", style="List Number")
    d.add_paragraph("police data", style="List Bullet")
    d.add_paragraph("Write the plan", style="List Number")  # the same list goes on counting
    d.add_paragraph("Not a list item.")
    d.save(str(tmp_path / "steps.docx"))
    lines = read_document(tmp_path / "steps.docx", max_bytes=MB).text.split("\n")
    assert lines == [
        "Steps", "In order:", "1. Form the group", "2. Map the landscape", "• police data",
        "3. Write the plan", "Not a list item.",
    ]  # fmt: skip


def test_docx_list_with_a_broken_numbering_part_still_reads(tmp_path: Path):
    docx = pytest.importorskip("docx")
    d = docx.Document()
    d.add_paragraph("Form the group", style="List Number")
    numbering = d.part.numbering_part.element
    for child in list(numbering):
        numbering.remove(child)  # no list definitions left: the item is read, marked as a bullet
    d.save(str(tmp_path / "broken.docx"))
    assert read_document(tmp_path / "broken.docx", max_bytes=MB).text == "• Form the group"


def test_markdown_table_rows_read_like_the_other_formats_tables(tmp_path: Path):
    path = tmp_path / "partners.md"
    path.write_text(
        "# Partners\n\n| Partner | Role |\n|:--------|:----:|\n| **Youth club** | Mentoring \\| sport |\n\nAfter the table.\n",
        encoding="utf-8",
    )
    lines = read_document(path, max_bytes=MB).text.split("\n")
    assert lines == ["Partners", "Partner | Role", "Youth club | Mentoring | sport", "After the table."]


def test_docx_without_heading_styles_takes_bold_and_larger_lines_as_headings(tmp_path: Path):
    docx = pytest.importorskip("docx")
    from docx.shared import Pt

    d = docx.Document()
    d.add_paragraph().add_run("Leeds prevention framework").font.size = Pt(20)
    d.add_paragraph("Leeds brings schools, police and youth services together in one board.")
    d.add_paragraph().add_run("Partners").bold = True
    d.add_paragraph("Schools, clubs and the police sit on the board.")
    note = d.add_paragraph()
    note.add_run("Note: ").bold = True
    note.add_run("partly bold, so not a heading")
    d.add_paragraph("Youth club", style="List Bullet").runs[0].bold = True  # a list item stays one
    d.add_paragraph().add_run("Funding").bold = True
    d.add_paragraph("The city pays.")
    d.save(str(tmp_path / "typed.docx"))
    doc = read_document(tmp_path / "typed.docx", max_bytes=MB)
    assert doc.title == "Leeds prevention framework"
    assert [(b.section, b.text.split("\n")) for b in doc.blocks] == [
        (("Leeds prevention framework",), ["Leeds prevention framework", "Leeds brings schools, police and youth services together in one board."]),
        (("Leeds prevention framework", "Partners"), ["Partners", "Schools, clubs and the police sit on the board.",
                                                      "Note: partly bold, so not a heading", "• Youth club"]),
        (("Leeds prevention framework", "Funding"), ["Funding", "The city pays."]),
    ]  # fmt: skip


def test_docx_with_heading_styles_does_not_guess_more_headings(tmp_path: Path):
    docx = pytest.importorskip("docx")
    d = docx.Document()
    d.add_heading("Partners", level=1)
    d.add_paragraph().add_run("Youth club").bold = True
    d.add_paragraph("Mentoring every week.")
    d.save(str(tmp_path / "styled.docx"))
    doc = read_document(tmp_path / "styled.docx", max_bytes=MB)
    assert [(b.section, b.text) for b in doc.blocks] == [(("Partners",), "Partners\nYouth club\nMentoring every week.")]


def test_plain_text_capitalised_lines_become_sections_and_items_are_marked(tmp_path: Path):
    path = tmp_path / "note.txt"
    path.write_text(
        "PELLSTON VICTIM SUPPORT\nA city practice note\n\nPellston is a fictional city.\n\nTHE NETWORK\n\n"
        "The network offers:\n\n  * a phone line\n  * legal advice\n\nAthens, Ohio\n\nA quote, then who said it.\n\n"
        "PRIVACY\n\nContacts are coded.\n",
        encoding="utf-8",
    )
    doc = read_document(path, max_bytes=MB)
    assert doc.title == "PELLSTON VICTIM SUPPORT"
    assert [(b.section[1:], b.text.split("\n")) for b in doc.blocks] == [
        ((), ["PELLSTON VICTIM SUPPORT", "A city practice note", "Pellston is a fictional city."]),
        # a mixed-case line alone ("Athens, Ohio") may be an attribution, not a heading: it stays text
        (("THE NETWORK",), ["THE NETWORK", "The network offers:", "• a phone line", "• legal advice",
                            "Athens, Ohio", "A quote, then who said it."]),
        (("PRIVACY",), ["PRIVACY", "Contacts are coded."]),
    ]  # fmt: skip


def test_a_title_right_above_the_first_section_opens_it_instead_of_a_chunk_of_its_own(tmp_path: Path):
    path = tmp_path / "guide.md"
    path.write_text("# Network guide\n\n## Step 1\n\nSecure a mandate.\n\n## Step 2\n\nPick the seats.\n", encoding="utf-8")
    doc = read_document(path, max_bytes=MB)
    assert [(b.section, b.text) for b in doc.blocks] == [
        (("Network guide", "Step 1"), "Network guide\nStep 1\nSecure a mandate."),
        (("Network guide", "Step 2"), "Step 2\nPick the seats."),
    ]
    docx = pytest.importorskip("docx")
    d = docx.Document()
    d.add_paragraph("Network guide", style="Title")  # Word's title paragraph: not a heading, same effect
    d.add_heading("Step 1", level=1)
    d.add_paragraph("Secure a mandate.")
    d.save(str(tmp_path / "guide.docx"))
    doc = read_document(tmp_path / "guide.docx", max_bytes=MB)
    assert [(b.section, b.text) for b in doc.blocks] == [(("Step 1",), "Network guide\nStep 1\nSecure a mandate.")]


def test_plain_text_underlined_lines_become_sections_without_their_underlines(tmp_path: Path):
    path = tmp_path / "guide.txt"
    path.write_text(
        "Network guide\n=============\n\nWhy a group\n-----------\nA group needs a mandate.\n\n"
        "Members\n-------\n\nTen to sixteen seats.\nSee the list below.\n---\n\nRhythm\n======\nIt meets monthly.\n",
        encoding="utf-8",
    )
    doc = read_document(path, max_bytes=MB)
    assert doc.title == "Network guide"
    assert [(b.section, b.text) for b in doc.blocks] == [
        (("Network guide", "Why a group"), "Network guide\nWhy a group\nA group needs a mandate."),
        (("Network guide", "Members"), "Members\nTen to sixteen seats.\nSee the list below.\n---"),  # a rule, not an underline
        (("Network guide", "Rhythm"), "Rhythm\nIt meets monthly."),
    ]
    plain = tmp_path / "plain.txt"
    plain.write_text("A note\n======\n\nFirst paragraph.\n\nSecond paragraph.\n", encoding="utf-8")
    (block,) = read_document(plain, max_bytes=MB).blocks
    assert block.text == "A note\n\nFirst paragraph.\n\nSecond paragraph." and block.section == ()


@pytest.mark.parametrize(
    "text",
    [
        "The leadership group met four times in 2023 and agreed its terms of\nreference at the second meeting.\n",
        "Minutes of the meeting held on 4 May.\n\nThe group agreed its terms of reference.\n",
        "Agenda:\n\n1. Terms of reference\n",
    ],
)
def test_plain_text_named_by_its_file_when_the_first_line_is_no_title(tmp_path: Path, text: str):
    path = tmp_path / "group-notes.txt"
    path.write_text(text, encoding="utf-8")
    doc = read_document(path, max_bytes=MB)
    assert doc.title == "group-notes" and doc.blocks[0].text.startswith(text.split("\n")[0])


@pytest.mark.parametrize(
    ("raw", "title"),
    [
        ("Harrow Bend prevention plan", "Harrow Bend prevention plan"),
        ("Microsoft Word - Harrow Bend plan.docx", "Harrow Bend plan"),  # a PDF printer's label
        ("Document1", ""), ("Untitled", ""), ("untitled-3", ""), ("Sans titre", ""), ("Title", ""),
        ("PowerPoint Presentation", ""), ("(anonymous)", ""), (None, ""), ("  ", ""),
        ("Documentation of the referral protocol", "Documentation of the referral protocol"),
    ],
)
def test_placeholder_metadata_titles_count_as_none(raw: str | None, title: str):
    from ingest.readers.titles import metadata_title

    assert metadata_title(raw) == title


def test_a_word_file_titled_document1_takes_its_first_heading(tmp_path: Path):
    docx = pytest.importorskip("docx")
    d = docx.Document()
    d.core_properties.title = "Document1"
    d.add_heading("Wendelsee steering group", level=1)
    d.add_paragraph("The deputy mayor chairs it.")
    d.save(str(tmp_path / "group.docx"))
    assert read_document(tmp_path / "group.docx", max_bytes=MB).title == "Wendelsee steering group"


@pytest.mark.parametrize(
    ("head", "h1", "title"),
    [
        ("<title>Exit counselling | City of Larchmont Ridge</title>", "Exit counselling", "Exit counselling"),
        ("<title>City of Larchmont Ridge – Exit counselling</title>", "Exit counselling", "Exit counselling"),
        ('<title>Exit counselling in our city | Larchmont Ridge</title><meta property="og:site_name" '
         'content="Larchmont Ridge">', "Turning Point", "Exit counselling in our city"),
        ("<title>Exit counselling | Larchmont Ridge</title>", "Turning Point", "Exit counselling | Larchmont Ridge"),
        # the h1 drops a word of the <title>'s part: still the page's own title (QA: Ashcombe's page
        # was titled with "| Ashcombe Borough Council")
        ("<title>Tackling online hate: how Ashcombe council works with schools | Ashcombe Borough Council</title>",
         "Tackling online hate: how Ashcombe works with schools", "Tackling online hate: how Ashcombe council works "
         "with schools"),
        ("<title>Pre-exit - post-exit support</title>", "", "Pre-exit - post-exit support"),  # nothing says which part
        ("", "Exit counselling", "Exit counselling"),
    ],
)
def test_html_title_without_the_site_name(tmp_path: Path, head: str, h1: str, title: str):
    path = tmp_path / "page.html"
    body = f"<h1>{h1}</h1>" if h1 else ""
    path.write_text(f"<html><head>{head}</head><body><main>{body}<p>Counsellors meet people who want to leave "
                    "violent groups.</p></main></body></html>", encoding="utf-8")
    assert read_document(path, max_bytes=MB).title == title


def test_markdown_html_comments_are_not_read_but_code_keeps_them(tmp_path: Path):
    path = tmp_path / "plan.md"
    path.write_text(
        "# Plan\n\n## Objective 1\n\nYoung people first.\n<!-- page -->\nSchools lead it.\n\n"
        "<!--\nTODO: add the budget\n-->\n\nBudget after <!-- draft --> review.\n\n```html\n<!-- kept in code -->\n```\n",
        encoding="utf-8",
    )
    (block,) = read_document(path, max_bytes=MB).blocks
    assert "page" not in block.text and "TODO" not in block.text and "draft" not in block.text
    assert "Young people first.\nSchools lead it." in block.text and "Budget after review." in block.text
    assert "<!-- kept in code -->" in block.text


@pytest.mark.parametrize(
    ("name", "data"),
    [("program.pdf", bytes(range(7, 250)) * 40),  # random bytes, no PDF header
     ("setup.exe.pdf", b"MZ\x90\x00" + b"\x00\x01" * 600),  # a program renamed
     ("plan.docx", b"Just some text, saved with the wrong name.")],
)  # fmt: skip
def test_a_pdf_or_docx_that_is_not_one_inside_is_called_misnamed(tmp_path: Path, name: str, data: bytes):
    """Not "this kind of file is not supported": the name says it is a kind we read."""
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(IngestError) as info:
        read_document(path, max_bytes=MB)
    assert info.value.code == "misnamed"
    assert name in str(info.value) and "renamed" in str(info.value)
