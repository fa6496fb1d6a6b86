"""OCR of scanned PDFs and images with the real Tesseract (installed by `make ocr`): what is read,
on which page, with which pack, and a clear error for every kind of bad scan.

The scans are A6 pages made like the scanned corpus (tests/ocr_samples.py), about a second each.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from ocr_samples import (
    ARABIC,
    ENGLISH,
    GREEK,
    MIXED_SCAN,
    MIXED_TEXT,
    PNG_TEXT,
    arabic_pdf,
    image_of,
    mixed_pdf,
    scan_pdf,
)

from evals.hostile_inputs import png_bomb
from evals.scans import A6, degrade, image_pdf, text_pages
from ingest import IngestError, OcrOptions, ParsedDocument, read_document
from ingest.ocr import available_engine, ocr_pages
from ingest.readers.pdf_scans import broken_text_layer

from .conftest import PDF_SAMPLES

OCR = OcrOptions()


@pytest.fixture(scope="module")
def scans(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("scans")
    two = [image_of(ENGLISH, "tiff-1"), image_of(PNG_TEXT, "tiff-2")]
    two[0].save(folder / "two-pages.tif", save_all=True, append_images=two[1:], compression="tiff_deflate",
                dpi=(200, 200))
    image_of(PNG_TEXT, "png").save(folder / "terms.png")
    image_of(PNG_TEXT, "turned", turn=90).save(folder / "turned.png")
    greek, _ = text_pages(GREEK, rtl=False, points=12, page=A6)
    degrade(greek[0], "greek").save(folder / "greek.png")
    image_of(["Gemeentelijke jeugdraad", "De jeugdraad van de stad vergadert elke donderdag in de bibliotheek."],
             "dutch").save(folder / "dutch.png")
    from PIL import Image

    Image.new("L", (826, 1166), 250).save(folder / "blank.png")
    image_of(ENGLISH, "corrupt").save(folder / "corrupt.tif")
    data = (folder / "corrupt.tif").read_bytes()
    (folder / "corrupt.tif").write_bytes(data[: len(data) // 2])  # the header is whole, the pixels are cut
    return {
        "english": scan_pdf(folder / "english-scan.pdf", [ENGLISH]),
        "arabic": arabic_pdf(folder / "arabic-scan.pdf", ARABIC),
        "mixed": mixed_pdf(folder / "mixed.pdf"),
        "thousand": _thousand_pages(folder / "thousand-pages.pdf"),
        "bomb": png_bomb(folder / "bomb.png"),
        **{p.stem: p for p in folder.glob("*.png")},
        **{p.stem: p for p in folder.glob("*.tif")},
    }


def _thousand_pages(path: Path) -> Path:
    """A 1,000-page image-only PDF (one small picture drawn on every page: half a megabyte)."""
    from PIL import Image
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    picture = ImageReader(Image.new("L", (200, 280), 255))
    pdf = canvas.Canvas(str(path), pagesize=(144, 200))
    for _ in range(1000):
        pdf.drawImage(picture, 0, 0, 144, 200)
        pdf.showPage()
    pdf.save()
    return path


@pytest.fixture(scope="module")
def read(scans: dict[str, Path]) -> Any:
    """Each scan read once (with the default OCR options) and kept for the tests that look at it."""
    done: dict[str, ParsedDocument] = {}

    def get(name: str) -> ParsedDocument:
        if name not in done:
            done[name] = read_document(scans[name], ocr=OCR)
        return done[name]

    return get


def flat(text: str) -> str:
    return " ".join(text.split())


def test_english_scan_is_read_with_its_page_and_provenance(read: Any) -> None:
    doc = read("english")
    assert doc.format == "pdf" and doc.language == "en" and doc.page_count == 1
    assert "youth council of Quarrington meets at the old lighthouse every Thursday evening" in flat(doc.text)
    assert {b.page for b in doc.blocks} == {1}
    assert doc.ocr is not None and doc.ocr.engine.startswith("tesseract 5")
    (page,) = doc.ocr.pages
    assert (page.page, page.languages, page.script) == (1, ("eng",), "Latin")
    assert page.confidence > 85 and not page.low
    assert doc.ocr.to_dict()["pages"]["1"]["languages"] == ["eng"]
    assert "Read by OCR (tesseract 5" in doc.ocr.summary()


def test_arabic_scan_comes_out_in_reading_order(read: Any) -> None:
    doc = read("arabic")
    assert doc.language == "ar"
    assert doc.ocr is not None and doc.ocr.pages[0].languages == ("ara",) and doc.ocr.pages[0].script == "Arabic"
    text = flat(doc.text)
    # logical order: the words of each line in the order they are read, right to left on the page
    assert "مجلس الشباب في مدينة الواحة" in text
    assert "يجتمع مجلس الشباب في المكتبة البلدية" in text
    assert "لمناقشة برامج الوقاية" in text  # the line below it, which a skewed page used to lose


def test_mixed_pdf_keeps_its_text_page_and_reads_its_scan(read: Any) -> None:
    doc = read("mixed")
    assert doc.page_count == 2
    assert doc.ocr is not None and [p.page for p in doc.ocr.pages] == [2]
    page1 = flat(" ".join(b.text for b in doc.blocks if b.page == 1))
    page2 = flat(" ".join(b.text for b in doc.blocks if b.page == 2))
    assert "the mediation panel of Wexbridge was founded in 2021" in page1  # pypdf's text, as it was
    assert flat(MIXED_SCAN[1]) in page2
    assert MIXED_TEXT[0] not in page2


def test_png_and_multi_page_tiff_are_documents(read: Any) -> None:
    png = read("terms")
    assert png.format == "image" and png.page_count == 1 and png.title == PNG_TEXT[0]
    assert "reviews every referral to the multi-agency panel within ten days" in flat(png.text)
    tiff = read("two-pages")
    assert tiff.format == "image" and tiff.page_count == 2
    assert tiff.ocr is not None and [p.page for p in tiff.ocr.pages] == [1, 2]
    assert "Quarrington" in " ".join(b.text for b in tiff.blocks if b.page == 1)
    assert "Brackenfold" in " ".join(b.text for b in tiff.blocks if b.page == 2)


def test_a_page_scanned_sideways_is_turned_upright(read: Any) -> None:
    assert "Brackenfold steering group reviews every referral" in flat(read("turned").text)


def test_metadata_language_without_its_pack_reads_with_english_and_names_the_pack(scans: dict[str, Path]) -> None:
    doc = read_document(scans["dutch"], ocr=OcrOptions(language="nl"))
    assert "jeugdraad" in doc.text
    assert doc.ocr is not None and doc.ocr.pages[0].languages == ("eng",)
    assert doc.ocr.missing_packs == ["tesseract-ocr-nld"]
    assert any("Install tesseract-ocr-nld" in note for note in doc.notes)


@pytest.mark.parametrize(
    ("name", "code", "words"),
    [
        ("blank", "no_text", "are blank"),
        ("bomb", "too_large", "40,000 x 40,000 pixels"),
        ("corrupt", "corrupt", "damaged"),
        ("greek", "ocr_language", "tesseract-ocr-ell"),
    ],
)
def test_bad_scans_fail_with_a_clear_reason(scans: dict[str, Path], name: str, code: str, words: str) -> None:
    started = time.monotonic()
    with pytest.raises(IngestError) as info:
        read_document(scans[name], ocr=OCR)
    assert info.value.code == code and words in str(info.value), str(info.value)
    if name == "bomb":  # refused from its header: 1.6 billion pixels are never decoded
        assert time.monotonic() - started < 2


def test_a_thousand_page_scan_is_refused_before_any_page_is_read(scans: dict[str, Path]) -> None:
    started = time.monotonic()
    with pytest.raises(IngestError) as info:
        read_document(scans["thousand"], ocr=OCR)  # the default limit: 200 pages
    message = str(info.value)
    assert info.value.code == "too_large" and "1,000 scanned pages" in message and "KB_OCR_MAX_PAGES" in message
    assert time.monotonic() - started < 60  # pypdf looks at each page; none is drawn or read


def test_time_limit_keeps_the_pages_read_and_says_partial(scans: dict[str, Path]) -> None:
    options = OcrOptions(workers=1)
    page = image_of(ENGLISH, "partial")

    def image_of_page(n: int, left: float) -> tuple[Any, int]:
        if n == 2:  # drawing it runs past the time left for the file, as pdftoppm would
            raise subprocess.TimeoutExpired(["pdftoppm"], left)
        return page, 200

    run = ocr_pages([1, 2], image_of_page, options, available_engine(options, pdf=False))
    info = run.info()
    assert [p.page for p in info.pages] == [1] and info.skipped == {2: "time limit"} and info.partial
    assert any("Partial" in note and "KB_OCR_MAX_SECONDS" in note for note in info.notes())
    with pytest.raises(IngestError) as nothing:  # no page read in time: a clear failure, not an empty document
        read_document(scans["english"], ocr=OcrOptions(max_seconds=0.001))
    assert nothing.value.code == "too_large" and "KB_OCR_MAX_SECONDS" in str(nothing.value)


def test_ocr_off_or_not_given_says_how_to_turn_it_on(scans: dict[str, Path]) -> None:
    with pytest.raises(IngestError) as off:
        read_document(scans["english"], ocr=OcrOptions(mode="off"))
    assert off.value.code == "no_text" and "KB_OCR=off" in str(off.value)
    with pytest.raises(IngestError) as image:
        read_document(scans["terms"])
    assert image.value.code == "no_text" and "OCR is not enabled" in str(image.value)
    mixed = read_document(scans["mixed"], ocr=OcrOptions(mode="off"))  # the text page is still read
    assert {b.page for b in mixed.blocks} == {1}
    assert mixed.ocr is not None and mixed.ocr.engine == "" and list(mixed.ocr.skipped) == [2]
    assert any("1 scanned page(s) not read" in note for note in mixed.notes)


@pytest.mark.parametrize(
    "rel",
    [
        "007-imagemagick-images/imagemagick-ASCII85Decode.pdf",
        "007-imagemagick-images/imagemagick-CCITTFaxDecode.pdf",
        "007-imagemagick-images/imagemagick-lzw.pdf",
        "019-grayscale-image/grayscale-image.pdf",
        "023-cmyk-image/cmyk-image.pdf",
    ],
)
def test_image_only_samples_fail_with_a_clear_reason(rel: str) -> None:
    """A 16-pixel smiley, a cartoon and an aerial photo: OCR runs and finds no text."""
    with pytest.raises(IngestError) as info:
        read_document(PDF_SAMPLES / rel, ocr=OCR)
    assert info.value.code == "no_text" and "OCR found no text" in str(info.value), str(info.value)


def test_broken_text_layer_is_recognised() -> None:
    assert broken_text_layer("\ue000\ue001\ue002" * 10 + "abc")
    assert broken_text_layer("\ufffd" * 15 + "Plan de prévention")
    assert not broken_text_layer("Plan de prévention de la ville, 2024-2026 : objectifs")
    assert not broken_text_layer("\ue000" * 5)  # too short to judge


def test_scan_builder_is_byte_stable(tmp_path: Path) -> None:
    """evals/scans.py: the same page scanned twice gives the same bytes (seeded noise, no dates)."""
    for run in ("a", "b"):
        image_pdf([image_of(ENGLISH, "stable")], tmp_path / run / "scan.pdf")
    assert (tmp_path / "a" / "scan.pdf").read_bytes() == (tmp_path / "b" / "scan.pdf").read_bytes()


def test_one_pack_per_page_from_script_metadata_and_earlier_pages() -> None:
    from ingest.ocr.languages import choose, debian_package, pack_for_language

    installed = frozenset({"eng", "ara", "fra", "spa", "deu", "por", "ita", "rus", "tur", "chi_sim", "osd"})
    assert choose("Latin", "fra", {}, installed) == ("fra", None, True)  # the metadata's language
    assert choose("Arabic", "fra", {}, installed) == ("ara", None, False)  # not when it writes another script
    assert choose("Latin", None, {"Latin": "deu"}, installed) == ("deu", None, True)  # what page 1 turned out to be
    assert choose("Latin", None, {}, installed) == ("eng", None, False)  # a guess, checked against the text
    assert choose("Greek", None, {}, installed) == (None, "ell", True)  # no pack: say which to install
    assert choose("Latin", "nld", {}, installed) == ("eng", "nld", True)  # read anyway, name the missing pack
    assert choose(None, "ara", {}, installed).pack == "ara"  # OSD could not tell: the metadata's script
    assert [pack_for_language(x) for x in ("fr", "fr-BE", "fra", "zh", "xx", None)] == [
        "fra", "fra", "fra", "chi_sim", None, None]
    assert debian_package("chi_sim") == "tesseract-ocr-chi-sim"


def test_skew_is_measured_and_levelled() -> None:
    from ingest.ocr.deskew import skew_angle

    page = image_of(ENGLISH, "level")  # turned 1-2 degrees by the scan's degradation
    measured = skew_angle(page)
    assert 0.9 <= abs(measured) <= 2.1
    assert abs(skew_angle(page.rotate(measured, fillcolor=255))) <= 0.15


def test_image_pages_with_a_stray_word_of_text_are_read_by_ocr(tmp_path: Path) -> None:
    """A phone photo of each page (drawn at 48 pixels per inch) under one stray word of text layer:
    the pages are read by OCR; here the photos hold no text, which is said, instead of a document
    called "Background Background"."""
    from PIL import Image
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    path = tmp_path / "photographed.pdf"
    pdf = canvas.Canvas(str(path), pagesize=A4)
    for _ in range(2):
        pdf.drawImage(ImageReader(Image.new("RGB", (400, 560), (235, 235, 228))), 40, 60, width=500, height=720)
        pdf.drawString(72, 420, "Background")
        pdf.showPage()
    pdf.save()
    with pytest.raises(IngestError) as info:
        read_document(path, ocr=OCR)
    assert info.value.code == "no_text" and "OCR found no text" in str(info.value)
    assert [b.text for b in read_document(path).blocks] == ["Background", "Background"]  # without OCR, as before
