"""A PDF whose pages are images with a stray word of text is flagged as probably scanned, not added."""

from __future__ import annotations

from pathlib import Path

from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from ingest import read_document
from ingest.scanned import probably_scanned


def scan_like(path: Path, pages: int = 4) -> Path:
    """Pages that are each a photographed page (an image) and one word of text layer."""
    picture = Image.new("RGB", (400, 560), (235, 235, 228))
    c = canvas.Canvas(str(path), pagesize=A4)
    for _ in range(pages):
        c.drawImage(ImageReader(picture), 40, 60, width=500, height=720)
        c.drawString(72, 420, "Background")
        c.showPage()
    c.save()
    return path


def short_text(path: Path) -> Path:
    c = canvas.Canvas(str(path), pagesize=A4)
    for line in ("Monitoring and evaluation of the prevention plan", "Indicators are reviewed every year."):
        c.drawString(72, 760, line)
        c.showPage()
    c.save()
    return path


def test_image_pages_with_a_stray_word_are_probably_scanned(tmp_path: Path) -> None:
    pdf = scan_like(tmp_path / "scan.pdf")
    assert probably_scanned(pdf, read_document(pdf, max_bytes=10**8))
    text = short_text(tmp_path / "text.pdf")
    assert not probably_scanned(text, read_document(text, max_bytes=10**8))  # a line a page is real text


def test_a_scanned_pdf_is_refused_with_that_reason(tmp_path: Path) -> None:
    """With OCR off, the stray word would make a document of nothing: refused as probably scanned."""
    from kb import KnowledgeBase
    from kb.settings import Settings

    with KnowledgeBase(settings=Settings.from_env(tmp_path / "home", embedder="hash", ocr="off")) as kb:
        report = kb.add([scan_like(tmp_path / "scan.pdf"), short_text(tmp_path / "text.pdf")])
        outcomes = {Path(f.path).name: f for f in report.files}
        assert outcomes["scan.pdf"].outcome == "failed" and outcomes["scan.pdf"].error_code == "scanned"
        assert "probably scanned" in outcomes["scan.pdf"].reason
        assert "KB_OCR=off" in outcomes["scan.pdf"].reason
        assert outcomes["text.pdf"].outcome == "added"
        assert [d.source for d in kb.documents()] == ["text.pdf"]


def test_with_ocr_on_its_blank_pictures_are_read_and_found_empty(tmp_path: Path) -> None:
    """With OCR on, the pictures are read; blank ones give no text, said as such (not a document of one word)."""
    from kb import KnowledgeBase
    from kb.settings import Settings

    with KnowledgeBase(settings=Settings.from_env(tmp_path / "home", embedder="hash", ocr="auto")) as kb:
        report = kb.add([scan_like(tmp_path / "scan.pdf")])
        assert report.files[0].outcome == "failed" and report.files[0].error_code == "no_text"
        assert "OCR found no text" in (report.files[0].reason or "")
        assert kb.documents() == []
