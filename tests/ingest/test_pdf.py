"""PDF reading on the real sample collection, plus damaged and disguised files."""

from __future__ import annotations

import json
import shutil
import unicodedata
from pathlib import Path

import pytest

from ingest import IngestError, read_document

from .conftest import PDF_SAMPLES

ALL_PDFS = sorted(PDF_SAMPLES.glob("*/*.pdf"))
# Files that must fail, and how; every other sample must parse.
EXPECTED_ERRORS = {
    "005-libreoffice-writer-password/libreoffice-writer-password.pdf": "encrypted",
    "007-imagemagick-images/imagemagick-ASCII85Decode.pdf": "no_text",
    "007-imagemagick-images/imagemagick-CCITTFaxDecode.pdf": "no_text",
    "007-imagemagick-images/imagemagick-lzw.pdf": "no_text",
    "017-unreadable-meta-data/unreadablemetadata.pdf": "corrupt",
    "019-grayscale-image/grayscale-image.pdf": "no_text",
    "023-cmyk-image/cmyk-image.pdf": "no_text",
}
PAGES = {f["path"]: f["pages"] for f in json.loads((PDF_SAMPLES / "files.json").read_text())["data"]}


def _rel(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


def test_the_sample_collection_is_there():
    assert len(ALL_PDFS) >= 25


@pytest.mark.parametrize("path", ALL_PDFS, ids=_rel)
def test_every_sample_parses_or_fails_with_a_clear_code(path: Path):
    expected = EXPECTED_ERRORS.get(_rel(path))
    if expected:
        with pytest.raises(IngestError) as info:
            read_document(path, max_bytes=10_000_000)
        assert info.value.code == expected
        assert len(str(info.value)) > 30  # a sentence, not a bare code
        return
    doc = read_document(path, max_bytes=10_000_000)
    assert doc.format == "pdf"
    assert doc.blocks and all(b.text.strip() for b in doc.blocks)
    assert doc.page_count == PAGES[_rel(path)]
    pages = [b.page for b in doc.blocks]
    assert pages == sorted(set(pages)) and pages[0] >= 1 and pages[-1] <= doc.page_count
    assert all("  " not in b.text for b in doc.blocks)  # pypdf's double spaces are gone


def test_four_pages_keep_their_page_numbers():
    doc = read_document(PDF_SAMPLES / "004-pdflatex-4-pages" / "pdflatex-4-pages.pdf", max_bytes=10_000_000)
    assert [b.page for b in doc.blocks] == [1, 2, 3, 4]
    by_page = {b.page: b.text for b in doc.blocks}
    assert by_page[1].startswith("Hello, here is some text without a meaning.")
    assert by_page[2].startswith("information. Really? Is there no information?")
    assert by_page[3].startswith("you information about the selected font")
    assert by_page[4].startswith("in of the original language.")
    assert doc.language == "en"


def test_encrypted_pdf_says_to_remove_the_password():
    with pytest.raises(IngestError) as info:
        read_document(
            PDF_SAMPLES / "005-libreoffice-writer-password" / "libreoffice-writer-password.pdf",
            max_bytes=10**7,
        )
    assert info.value.code == "encrypted"
    assert "password" in str(info.value)


def test_image_only_pdf_says_ocr_is_not_enabled():
    with pytest.raises(IngestError) as info:
        read_document(PDF_SAMPLES / "019-grayscale-image" / "grayscale-image.pdf", max_bytes=10**7)
    assert info.value.code == "no_text"
    assert "OCR is not enabled" in str(info.value)


@pytest.mark.parametrize(
    "rel, page_sections",
    [
        ("006-pdflatex-outline/pdflatex-outline.pdf", {1: (), 2: ("Foo",), 3: ("Foo",), 4: ("Baz",)}),
        (
            "014-outlines/mistitled_outlines_example.pdf",
            {1: (), 2: ("Nineteenth", "Twenty-second"), 4: ("Nineteenth", "Twenty-seventh")},
        ),
    ],
)
def test_outline_titles_become_sections(rel: str, page_sections: dict[int, tuple[str, ...]]):
    doc = read_document(PDF_SAMPLES / rel, max_bytes=10**7)
    sections = {b.page: b.section for b in doc.blocks}
    for page, section in page_sections.items():
        assert sections[page] == section


@pytest.mark.parametrize("name", ["habibi.pdf", "habibi-oneline-cmap.pdf", "habibi-rotated.pdf"])
def test_arabic_samples_read_in_logical_order(name: str):
    doc = read_document(PDF_SAMPLES / "015-arabic" / name, max_bytes=10**7)
    text = doc.blocks[0].text
    # habibi = ha, fatha, ba, ya, ba, ya: the word starts with ha in reading order.
    assert "\u062d\u064e\u0628\u064a\u0628\u064a" in text
    assert "\u064a\u0628\u064a\u0628\u064e\u062d" not in text
    assert "habibi" in text


def _shape(word: str) -> str:
    """Minimal Arabic shaping for the test phrase: each letter to its contextual presentation form."""
    right_joining = set("\u0627\u0623\u0625\u0622\u062f\u0630\u0631\u0632\u0648\u0624\u0629\u0649")
    out = []
    for i, ch in enumerate(word):
        joins_prev = i > 0 and word[i - 1] not in right_joining
        joins_next = i + 1 < len(word) and ch not in right_joining
        form = {
            (False, False): "ISOLATED",
            (False, True): "INITIAL",
            (True, True): "MEDIAL",
            (True, False): "FINAL",
        }
        out.append(unicodedata.lookup(f"{unicodedata.name(ch)} {form[(joins_prev, joins_next)]} FORM"))
    return "".join(out)


def test_arabic_stored_in_visual_order_is_put_back_in_reading_order(tmp_path: Path):
    """A browser-style PDF: shaped presentation forms that pypdf returns reversed, as STACK-NOTES saw."""
    canvas_mod = pytest.importorskip("reportlab.pdfgen.canvas")
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    font = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if not font.exists():
        pytest.skip("DejaVuSans (Arabic presentation forms) is not installed")
    phrase = "\u0627\u0644\u0648\u0642\u0627\u064a\u0629 \u0645\u0646 \u0627\u0644\u062a\u0637\u0631\u0641 \u0627\u0644\u0639\u0646\u064a\u0641"
    pdfmetrics.registerFont(TTFont("DejaVuTest", str(font)))
    path = tmp_path / "visual.pdf"
    c = canvas_mod.Canvas(str(path))
    c.setFont("DejaVuTest", 14)
    c.drawString(72, 700, " ".join(_shape(w) for w in phrase.split()))
    c.save()

    import pypdf

    raw = unicodedata.normalize("NFKC", pypdf.PdfReader(str(path)).pages[0].extract_text())
    assert phrase not in raw  # the problem exists: pypdf alone gives the words backwards
    doc = read_document(path, max_bytes=10**7)
    assert doc.blocks[0].text == phrase  # "preventing violent extremism", in reading order


def test_truncated_pdf_is_corrupt(tmp_path: Path):
    data = (PDF_SAMPLES / "004-pdflatex-4-pages" / "pdflatex-4-pages.pdf").read_bytes()
    path = tmp_path / "half.pdf"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(IngestError) as info:
        read_document(path, max_bytes=10**7)
    assert info.value.code == "corrupt"


def test_garbage_after_pdf_header_is_corrupt(tmp_path: Path):
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 20)
    with pytest.raises(IngestError) as info:
        read_document(path, max_bytes=10**7)
    assert info.value.code == "corrupt"


def test_pdf_named_txt_is_still_read_as_pdf(tmp_path: Path):
    path = tmp_path / "report.txt"
    shutil.copy(PDF_SAMPLES / "001-trivial" / "minimal-document.pdf", path)
    doc = read_document(path, max_bytes=10**7)
    assert doc.format == "pdf" and doc.page_count == 1
    assert doc.blocks[0].text.startswith("Lorem ipsum")


def test_pdf_list_items_read_as_bullet_lines(tmp_path: Path):
    """ReportLab draws each bullet apart from its text; pypdf returns it on a line of its own."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import ListFlowable, ListItem, Paragraph, SimpleDocTemplate

    styles = getSampleStyleSheet()
    items = ["the chair and the city office", "education and social services", "police as a non-voting advisor"]
    story = [
        Paragraph("A core group typically includes:", styles["Normal"]),
        ListFlowable([ListItem(Paragraph(t, styles["Normal"])) for t in items], bulletType="bullet", start="\u2022"),
        Paragraph("Map who is missing.", styles["Normal"]),
    ]
    SimpleDocTemplate(str(tmp_path / "list.pdf"), pagesize=A4).build(story)
    lines = read_document(tmp_path / "list.pdf", max_bytes=10**7).text.split("\n")
    assert lines == ["A core group typically includes:", *[f"• {t}" for t in items], "Map who is missing."]


def _plan_with_header_and_footer(path: Path, pages: int = 4) -> Path:
    """A ReportLab PDF whose pages carry a running header and a "Page N of M" footer, drawn first."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

    styles = getSampleStyleSheet()

    def margins(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.drawString(72, A4[1] - 40, "Harrow Bend Prevention Plan 2023-2026")
        canvas.drawRightString(A4[0] - 72, 30, f"Page {doc.page} of {pages}")
        canvas.restoreState()

    story = []
    for i in range(1, pages + 1):
        story += [Paragraph(f"Objective {i}", styles["Heading2"]),
                  Paragraph(f"The plan funds youth work in district {i}. " * 8, styles["Normal"]), PageBreak()]  # fmt: skip
    SimpleDocTemplate(str(path), pagesize=A4, title="Harrow Bend plan").build(story[:-1], onFirstPage=margins, onLaterPages=margins)
    return path


def test_running_header_and_page_numbers_are_dropped_but_headings_stay(tmp_path: Path):
    doc = read_document(_plan_with_header_and_footer(tmp_path / "plan.pdf"), max_bytes=10**7)
    assert doc.title == "Harrow Bend plan" and [b.page for b in doc.blocks] == [1, 2, 3, 4]
    for i, block in enumerate(doc.blocks, start=1):
        lines = block.text.split("\n")
        # "Objective N" repeats on every page, digits aside, but it is drawn in the body: it stays
        assert lines[0] == f"Objective {i}" and lines[1].startswith(f"The plan funds youth work in district {i}.")
        assert "Prevention Plan 2023" not in block.text and "Page " not in block.text


def test_a_book_loses_its_running_chapter_titles():
    """GeoTopo (pdflatex) prints "page number + section" at the top of each page; each changes every few pages."""
    doc = read_document(PDF_SAMPLES / "009-pdflatex-geotopo" / "GeoTopo-komprimiert.pdf", max_bytes=10**8)
    first_lines = {b.page: b.text.split("\n", 1)[0] for b in doc.blocks}
    assert first_lines[11] == "Beispiel 10" and first_lines[12].startswith("Beispiel 11")
    assert not any("METRISCHE RÄUME" in b.text for b in doc.blocks if b.page in (11, 12))
    assert "Metrische Räume" in doc.text  # the section itself is still there, where the book names it


def test_margin_lines_go_only_where_they_were_drawn() -> None:
    from ingest.readers.running_lines import strip_running_lines

    pages = ["Plan 2023\nIntro text.\n1", "Plan 2023\nThe Plan 2023 is city-wide.\nPlan 2023\n2", "Only text.\nxii"]
    margins = [["plan#", "#"], ["plan#", "#"], ["xii"]]
    assert strip_running_lines(pages, margins) == [
        "Intro text.", "The Plan 2023 is city-wide.\nPlan 2023", "Only text."
    ]  # fmt: skip
    # a page with nothing but margin lines keeps them; a line in the margin of one page only stays
    assert strip_running_lines(["Background\n3"], [["background", "#"]]) == ["Background"]
    assert strip_running_lines(["Header\n", "Body"], [["header"], []]) == ["Header\n", "Body"]


def test_hyphenated_line_ends_of_a_typeset_pdf_are_joined():
    doc = read_document(PDF_SAMPLES / "026-latex-multicolumn" / "multicolumn.pdf", max_bytes=10**7)
    assert "consectetuer adipiscing elit" in doc.text and "tristique senectus" in doc.text
    assert "adip- iscing" not in doc.text and "- " not in doc.blocks[0].text.split("Abstract")[1][:2000]


def test_a_pdf_without_bookmarks_takes_its_sections_from_its_heading_sizes(tmp_path: Path):
    """Two heading sizes give two levels; a heading mid-page starts a block; title and date are not sections."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

    styles = getSampleStyleSheet()
    big = ParagraphStyle("big", parent=styles["Title"], fontSize=22, leading=26)
    body = "The city funds youth work, referral panels and victim support with the county. " * 3
    story = [
        Paragraph("Harrow Bend plan", big), Paragraph("March 2024", styles["Heading3"]), Paragraph(body, styles["Normal"]),
        Paragraph("Objectives", styles["Heading1"]), Paragraph(body, styles["Normal"]),
        Paragraph("Young people", styles["Heading2"]), Paragraph(body, styles["Normal"]),
        Paragraph("Referrals", styles["Heading2"]), Paragraph(body, styles["Normal"]), PageBreak(),
        Paragraph(body, styles["Normal"]),
        Paragraph("Governance", styles["Heading1"]), Paragraph(body, styles["Normal"]),
    ]  # fmt: skip
    SimpleDocTemplate(str(tmp_path / "plan.pdf"), pagesize=A4).build(story)
    doc = read_document(tmp_path / "plan.pdf", max_bytes=10**7)
    assert [(b.page, b.section) for b in doc.blocks] == [
        (1, ("Objectives",)),  # what precedes the first heading opens its section, as a bookmark would
        (1, ("Objectives", "Young people")),
        (1, ("Objectives", "Referrals")),
        (2, ("Objectives", "Referrals")),  # a section goes on across the page break
        (2, ("Governance",)),
    ]
    assert doc.blocks[0].text.startswith("Harrow Bend plan\nMarch 2024\nThe city funds")
    assert doc.blocks[1].text.startswith("Young people\n") and doc.blocks[4].text.startswith("Governance\n")


@pytest.mark.parametrize(
    ("rel", "title"),
    [
        ("020-xmp/output_with_metadata_pymupdf.pdf", "Sample PDF with XMP Metadata"),  # XMP dc:title only
        ("026-latex-multicolumn/multicolumn.pdf", "Two-Column Document with Lorem Ipsum"),  # largest line, no metadata
        ("011-google-doc-document/google-doc-document.pdf", "PDF Example Document"),  # the metadata title first
        ("006-pdflatex-outline/pdflatex-outline.pdf", None),  # first page is a table of contents
        ("014-outlines/mistitled_outlines_example.pdf", None),
        ("004-pdflatex-4-pages/pdflatex-4-pages.pdf", None),  # first line is a wrapped body line
        ("016-libre-office-link/libre-office-link.pdf", None),  # first line is a sentence
    ],
)
def test_pdf_titles_come_from_metadata_or_type_size_never_from_body_text(rel: str, title: str | None):
    """None lets ingest fall back to the file name, which beats a table of contents or a paragraph as a title."""
    assert read_document(PDF_SAMPLES / rel, max_bytes=10**7).title == title


def test_a_pdf_without_a_metadata_title_takes_its_largest_lines_under_a_running_header(tmp_path: Path):
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    styles = getSampleStyleSheet()
    big = ParagraphStyle("big", parent=styles["Title"], fontSize=22, leading=26)

    def header(canvas, _doc) -> None:
        canvas.setFont("Helvetica", 8)
        canvas.drawString(72, A4[1] - 40, "City of Harrow Bend, 2024")

    body = "The city funds youth work, referral panels and victim support with the county. " * 4
    story = [Paragraph("Harrow Bend prevention plan", big), Paragraph("2023 to 2026", big),
             Paragraph(body, styles["Normal"]), Paragraph(body, styles["Normal"])]
    SimpleDocTemplate(str(tmp_path / "plan.pdf"), pagesize=A4).build(story, onFirstPage=header)
    assert read_document(tmp_path / "plan.pdf", max_bytes=10**7).title == "Harrow Bend prevention plan 2023 to 2026"


def test_a_metadata_title_that_is_only_the_file_name_gives_way_to_the_first_heading(tmp_path: Path):
    """Scanners and image-to-PDF tools write the file's name as its title: QA's OCR'd scan was titled
    "brookfield-scan" above its own heading "Brookfield Youth Outreach: Annual Report 2024"."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    for stem, meta_title, expected in (("brookfield-scan", "brookfield-scan", "Brookfield Youth Outreach: Annual Report"),
                                       ("report", "Outreach in Brookfield", "Outreach in Brookfield")):
        c = canvas.Canvas(str(tmp_path / f"{stem}.pdf"), pagesize=A4)
        c.setTitle(meta_title)
        c.setFont("Helvetica", 11)
        c.drawString(72, 760, "Brookfield Youth Outreach: Annual Report")
        c.drawString(72, 730, "The street team met young people at risk every week of the year.")
        c.save()
        assert read_document(tmp_path / f"{stem}.pdf", max_bytes=10**7).title == expected


def test_title_by_size_skips_a_contents_page_and_small_type():
    from ingest.readers.pdf_headings import Line, title_by_size

    def lines(*measured: tuple[str, float]) -> list[Line]:
        return [Line(key, size, False) for key, size in measured]

    sizes = lines(("sommaire", 18.0), ("1.objet3", 10.0))
    assert title_by_size("Sommaire\n1. Objet 3", sizes, 10.0) is None
    assert title_by_size("Plan\nBody text here.", lines(("plan", 10.5), ("bodytexthere.", 10.0)), 10.0) is None
    big = lines(("intro", 9.0), ("aplanfor", 20.0), ("harrowbend", 20.0), ("bodytext.", 10.0))
    assert title_by_size("Intro\nA plan for\nHarrow Bend\nBody text.", big, 10.0) == "A plan for Harrow Bend"
    # a scan's sizes are OCR's estimates, line by line: a title's second line measured 35 under 36
    # ("Santa Brisa: protocolo de derivación de personas en" was the title); a heading under it is not
    scan = lines(("santabrisa:protocolo...en", 36.0), ("riesgodeviolencia", 35.0), ("objeto", 29.0), ("santa.", 20.0))
    page = "Santa Brisa: protocolo ... en\nriesgo de violencia\nObjeto\nSanta."
    assert title_by_size(page, scan, 20.0) == "Santa Brisa: protocolo ... en riesgo de violencia"
    # ... or its second line the larger ("Villa Serena: mesa barrial ... y" 33, "prevención del odio" 34):
    # the title was "prevención del odio"
    serena = lines(("header", 16.0), ("villaserena:mesabarrialy", 33.0), ("prevencióndelodio", 34.0), ("body.", 20.0))
    page = "Header\nVilla Serena: mesa barrial y\nprevención del odio\nBody."
    assert title_by_size(page, serena, 20.0) == "Villa Serena: mesa barrial y prevención del odio"


def test_a_pdf_without_bookmarks_takes_bold_body_size_lines_as_its_lowest_headings(tmp_path: Path):
    """Word's bold run-in headings count; a bold phrase inside a paragraph or a bold paragraph does not."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    styles = getSampleStyleSheet()
    normal = ParagraphStyle("body", parent=styles["Normal"], fontName="Helvetica", fontSize=10, leading=13)
    bold = ParagraphStyle("bold", parent=normal, fontName="Helvetica-Bold")
    body = "The city funds youth work, referral panels and victim support together with the county. " * 3
    story = [
        Paragraph("Objectives", styles["Heading1"]), Paragraph(body, normal),
        Paragraph("Young people", bold), Paragraph(body, normal),
        Paragraph("Referrals", bold), Paragraph("<b>Note:</b> " + body, normal),
        Paragraph("Every referral is answered within five working days by the panel, which meets weekly and "
                  "keeps a record of what it decided and why, reviewed each year by the council", bold),
        Paragraph(body, normal), Paragraph(body, normal),
        Paragraph("Governance", styles["Heading1"]), Paragraph(body, normal),
    ]  # fmt: skip
    SimpleDocTemplate(str(tmp_path / "plan.pdf"), pagesize=A4).build(story)
    doc = read_document(tmp_path / "plan.pdf", max_bytes=10**7)
    assert [b.section for b in doc.blocks] == [
        ("Objectives",),
        ("Objectives", "Young people"),
        ("Objectives", "Referrals"),  # the bold paragraph and the bold "Note:" stay in it
        ("Governance",),
    ]
    assert "Note: The city funds" in doc.blocks[2].text and "Every referral is answered" in doc.blocks[2].text


def test_bold_says_nothing_in_a_pdf_set_mostly_in_bold(tmp_path: Path):
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    bold = ParagraphStyle("bold", parent=getSampleStyleSheet()["Normal"], fontName="Helvetica-Bold", fontSize=10)
    story = [Paragraph("Members", bold), Paragraph("The mayor chairs the group of twelve members. " * 3, bold),
             Paragraph("Rhythm", bold), Paragraph("It meets every month in the town hall. " * 3, bold)]
    SimpleDocTemplate(str(tmp_path / "bold.pdf"), pagesize=A4).build(story)
    assert {b.section for b in read_document(tmp_path / "bold.pdf", max_bytes=10**7).blocks} == {()}


@pytest.mark.parametrize(
    ("name", "descriptor", "bold"),
    [
        ("/CAAAAA+Arial-BoldMT", None, True),  # Google Docs
        ("/BAAAAA+LiberationSans-Bold", None, True),  # LibreOffice
        ("/RDMIXZ+CMBX10", None, True),  # TeX bold extended
        ("/IJWTEU+SFBX1440", None, True),
        ("/Roboto-Black", None, True),
        ("/AAAAAA+ArialMT", None, False),
        ("/VVNDXJ+CMR10", None, False),
        ("/Helvetica", None, False),
        ("/ABCDEF+Univers65", {"/FontWeight": 700}, True),  # a name that says nothing: the descriptor does
        ("/ABCDEF+Univers55", {"/FontWeight": 400, "/Flags": 1 << 18}, True),  # ForceBold
        ("/ABCDEF+Univers55", {"/FontWeight": 400, "/Flags": 32}, False),
    ],
)
def test_bold_faces_are_known_by_name_or_descriptor(name: str, descriptor: dict | None, bold: bool):
    from pypdf.generic import DictionaryObject, NameObject, NumberObject

    from ingest.readers.pdf_pieces import is_bold

    font = DictionaryObject({NameObject("/BaseFont"): NameObject(name)})
    if descriptor is not None:
        font[NameObject("/FontDescriptor")] = DictionaryObject(
            {NameObject(k): NumberObject(v) for k, v in descriptor.items()}
        )
    assert is_bold(font) is bold
    assert is_bold(None) is False and is_bold("not a font") is False
