"""Small scans for the OCR tests, made the way evals/scans.py makes the scanned corpus.

Pages are A6 (a quarter of A4) at 200 dpi with a few lines of large type, so one takes about a
second to read; the text is written to be found by words that appear nowhere else in the tests.
"""

from __future__ import annotations

import tempfile
import textwrap
from pathlib import Path
from typing import Any

from evals.scans import A6, degrade, image_pdf, render_pages, text_pages

__all__ = [
    "ENGLISH",
    "ARABIC",
    "MIXED_TEXT",
    "MIXED_SCAN",
    "PNG_TEXT",
    "GREEK",
    "text_pdf",
    "scan_pdf",
    "image_of",
    "arabic_pdf",
    "mixed_pdf",
]

ENGLISH = [
    "Quarrington youth council",
    "The youth council of Quarrington meets at the old lighthouse every Thursday evening.",
    "Mentors from the harbour boxing club run the sessions with two social workers.",
]
ARABIC = [
    "مجلس الشباب في مدينة الواحة",
    "يجتمع مجلس الشباب في المكتبة البلدية كل يوم خميس لمناقشة برامج الوقاية من التطرف.",
    "ويشارك في الاجتماعات ممثلون عن المدارس والجمعيات المحلية.",
]
MIXED_TEXT = [
    "Wexbridge mediation plan",
    "This first page is ordinary text: the mediation panel of Wexbridge was founded in 2021.",
]
MIXED_SCAN = [
    "Signed resolution",
    "The council of Wexbridge approved the mediation budget of ninety thousand euros on 4 May.",
]
PNG_TEXT = [
    "Photographed terms of reference",
    "The Brackenfold steering group reviews every referral to the multi-agency panel within ten days.",
]
GREEK = [
    "Δημοτικό συμβούλιο νεολαίας",
    "Το συμβούλιο νεολαίας της πόλης συνεδριάζει κάθε Πέμπτη στη δημοτική βιβλιοθήκη.",
]


def text_pdf(path: Path, pages: list[list[str]]) -> Path:
    """A born-digital A6 PDF: each page's first line as a heading, the rest wrapped below it."""
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

    styles = getSampleStyleSheet()
    story: list[Any] = []
    for n, lines in enumerate(pages):
        if n:
            story.append(PageBreak())
        story.append(Paragraph(lines[0], styles["Heading2"]))
        story += [Paragraph(line, styles["BodyText"]) for line in lines[1:]]
    doc = SimpleDocTemplate(str(path), pagesize=(A6[0] * 72, A6[1] * 72), leftMargin=24, rightMargin=24,
                            topMargin=24, bottomMargin=24)
    doc.build(story)
    return path


def image_of(lines: list[str], key: str, turn: int = 0) -> Any:
    """A scanned A6 page of `lines` (Latin script) as a grey image, turned by `turn` degrees if asked."""
    with tempfile.TemporaryDirectory(prefix="kb-ocr-test-") as tmp:
        page = degrade(render_pages(text_pdf(Path(tmp) / "page.pdf", [lines]))[0], key)
    return page.rotate(turn, expand=True, fillcolor=255) if turn else page


def scan_pdf(path: Path, pages: list[list[str]]) -> Path:
    """An image-only PDF of `pages` (Latin script), scanned like the corpus (200 dpi, skew, blur, noise)."""
    born = text_pdf(path.with_suffix(".born.pdf"), pages)
    image_pdf([degrade(page, path.name, n) for n, page in enumerate(render_pages(born), start=1)], path)
    born.unlink()
    return path


def arabic_pdf(path: Path, paragraphs: list[str]) -> Path:
    """An image-only PDF of Arabic paragraphs set on A6 pages (raqm-shaped, right to left), scanned."""
    images, _ = text_pages(paragraphs, rtl=True, points=12, page=A6)
    image_pdf([degrade(page, path.name, n) for n, page in enumerate(images, start=1)], path)
    return path


def mixed_pdf(path: Path) -> Path:
    """A two-page PDF: page 1 born-digital text (MIXED_TEXT), page 2 a scan of MIXED_SCAN drawn as a picture."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    scan = image_of(MIXED_SCAN, path.name)
    width, height = A6[0] * 72, A6[1] * 72
    pdf = canvas.Canvas(str(path), pagesize=(width, height))
    pdf.drawString(24, height - 40, MIXED_TEXT[0])
    y = height - 64
    for line in MIXED_TEXT[1:]:
        for part in textwrap.wrap(line, 45):
            pdf.drawString(24, y, part)
            y -= 14
    pdf.showPage()
    pdf.drawImage(ImageReader(scan), 0, 0, width, height)
    pdf.showPage()
    pdf.save()
    return path
