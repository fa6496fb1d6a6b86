"""Scans through the knowledge base: added with their OCR provenance, found by search at the right page
with "(OCR)" in the citation, bad scans failing alone, and `reread` reading scans OCR could not.

The hashing embedder keeps these fast; what is found here is found by the words OCR read (BM25).
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
from pathlib import Path

import pytest
from ocr_samples import ARABIC, ENGLISH, GREEK, arabic_pdf, image_of, mixed_pdf, scan_pdf, text_pdf

from evals.hostile_inputs import png_bomb
from evals.scans import A6, degrade, render_pages, text_pages
from kb import KnowledgeBase, Settings
from ui.render import ocr_cell


@pytest.fixture(scope="module")
def scans(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("kb-scans")
    scan_pdf(folder / "english-scan.pdf", [ENGLISH])
    arabic_pdf(folder / "arabic-scan.pdf", ARABIC)
    mixed_pdf(folder / "mixed.pdf")
    image_of(["Photographed terms of reference",
              "The Brackenfold steering group reviews every referral to the multi-agency panel within ten days."],
             "kb-png").save(folder / "terms.png")
    return folder


def _first(kb: KnowledgeBase, query: str, source: str):  # noqa: ANN202
    hits = kb.search(query, k=5)
    return next(h for h in hits if h.source == source)


def test_scans_are_added_and_found_at_their_page(scans: Path, tmp_path: Path) -> None:
    with KnowledgeBase(tmp_path / "home", embedder="hash") as kb:
        report = kb.add([scans])
        assert report.ok, report.to_dict()
        outcomes = {Path(f.path).name: f for f in report.files}
        assert {name: f.ocr_pages for name, f in outcomes.items()} == {
            "english-scan.pdf": 1, "arabic-scan.pdf": 1, "mixed.pdf": 1, "terms.png": 1}
        assert all("Read by OCR (tesseract 5" in (f.reason or "") for f in outcomes.values())
        assert outcomes["terms.png"].ocr_confidence and outcomes["terms.png"].ocr_confidence > 85

        hit = _first(kb, "Quarrington lighthouse Thursday evening", "english-scan.pdf")
        assert hit.page == 1 and hit.ocr and hit.citation.endswith("p. 1 (OCR)")
        hit = _first(kb, "مجلس الشباب في المكتبة البلدية", "arabic-scan.pdf")
        assert hit.page == 1 and hit.citation.endswith("p. 1 (OCR)") and hit.language == "ar"
        hit = _first(kb, "Wexbridge mediation budget ninety thousand euros", "mixed.pdf")
        assert hit.page == 2 and hit.citation.endswith("p. 2 (OCR)")
        hit = _first(kb, "mediation panel of Wexbridge founded in 2021", "mixed.pdf")
        assert hit.page == 1 and not hit.ocr and "(OCR)" not in hit.citation  # its text page was not OCRed
        hit = _first(kb, "Brackenfold steering group referral", "terms.png")
        assert hit.page == 1 and hit.citation.endswith("p. 1 (OCR)")
    with KnowledgeBase(tmp_path / "home", embedder="hash") as kb:  # the provenance is in the catalog
        doc = kb.document("mixed.pdf")
        assert doc is not None and doc.ocr is not None and doc.ocr_pages == {2}
        assert doc.ocr["engine"].startswith("tesseract 5") and doc.ocr["languages"] == ["eng"]
        assert doc.ocr["pages"]["2"]["confidence"] > 85 and doc.ocr["pages"]["2"]["low"] is False
        assert kb.document("arabic-scan.pdf").format == "pdf" and kb.document("terms.png").format == "image"
        assert kb.document("english-scan.pdf").ocr["pages"]["1"]["script"] == "Latin"
        # a scan's directory candidates come from what OCR read; its original was read again without
        # OCR and refused ("reading it needs OCR, and OCR is not enabled") though the KB had read it
        for name in ("terms.png", "english-scan.pdf", "mixed.pdf"):
            assert kb.directory.candidates(kb.document(name)) == []


def test_bad_scans_fail_alone_and_the_batch_goes_on(tmp_path: Path) -> None:
    from PIL import Image

    folder = tmp_path / "batch"
    folder.mkdir()
    png_bomb(folder / "bomb.png")
    Image.new("L", (600, 800), 255).save(folder / "blank.png")
    image_of(ENGLISH, "kb-corrupt").save(folder / "corrupt.tif")
    data = (folder / "corrupt.tif").read_bytes()
    (folder / "corrupt.tif").write_bytes(data[: len(data) // 2])
    greek, _ = text_pages(GREEK, rtl=False, points=12, page=A6)
    degrade(greek[0], "kb-greek").save(folder / "greek.png")
    (folder / "notes.txt").write_text("Plain notes\n\nThe panel meets monthly.", encoding="utf-8")
    with tempfile.TemporaryDirectory() as tmp:  # a faint fax: 100 dpi, blurred, noisy
        born = text_pdf(Path(tmp) / "faint.pdf", [ENGLISH])
        degrade(render_pages(born, 100)[0], "faint", blur=1.0, noise=30.0).save(folder / "faint.png", dpi=(100, 100))
    with KnowledgeBase(tmp_path / "home", embedder="hash") as kb:
        report = kb.add([folder])
        faint = kb.document("faint.png")
    codes = {Path(f.path).name: (f.outcome, f.error_code) for f in report.files}
    assert codes == {
        "bomb.png": ("failed", "too_large"),
        "blank.png": ("failed", "no_text"),
        "corrupt.tif": ("failed", "corrupt"),
        "greek.png": ("failed", "ocr_language"),
        "faint.png": ("added", None),
        "notes.txt": ("added", None),
    }
    # the faint page is read but flagged, in the outcome and in the Library's OCR column
    outcome = next(f for f in report.files if f.path.endswith("faint.png"))
    assert outcome.low_confidence_pages == [1] and outcome.ocr_confidence is not None and outcome.ocr_confidence < 76
    assert "Low OCR confidence (under 76 %) on p. 1" in (outcome.reason or "")
    assert faint is not None and "low confidence: p. 1" in ocr_cell(faint.ocr)
    greek_reason = next(f.reason for f in report.files if f.path.endswith("greek.png"))
    assert "tesseract-ocr-ell" in (greek_reason or "")


def test_reread_reads_the_scans_ocr_could_not_read_before(scans: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    with KnowledgeBase(settings=Settings.from_env(home, embedder="hash", ocr="off")) as kb:
        outcome = kb.add([scans / "mixed.pdf"]).files[0]
        assert outcome.outcome == "added" and outcome.ocr_pages == 0
        assert "1 scanned page(s) not read: OCR is turned off (KB_OCR=off)" in (outcome.reason or "")
        assert kb.ocr_pending() == []  # still off: nothing to read again
    with KnowledgeBase(settings=Settings.from_env(home, embedder="hash", ocr="auto")) as kb:
        assert [d.source for d in kb.ocr_pending()] == ["mixed.pdf"]
        report = kb.reread()
        assert [(f.outcome, f.ocr_pages) for f in report.files] == [("updated", 1)]
        hit = _first(kb, "Wexbridge mediation budget ninety thousand euros", "mixed.pdf")
        assert hit.page == 2 and hit.citation.endswith("p. 2 (OCR)")
        assert kb.ocr_pending() == [] and kb.reread().files == []
    # a pack missing when it was read and installed since: `reread` reads it again (the catalog is
    # edited as if eng had been missing, since packs cannot be removed and installed in a test)
    db = sqlite3.connect(home / "catalog.sqlite")
    with db:
        row = db.execute("SELECT ocr FROM documents WHERE source = 'mixed.pdf'").fetchone()
        ocr = {**json.loads(row[0]), "missing_packs": ["tesseract-ocr-eng"]}
        db.execute("UPDATE documents SET ocr = ? WHERE source = 'mixed.pdf'", (json.dumps(ocr),))
    db.close()
    with KnowledgeBase(home, embedder="hash") as kb:
        assert [d.source for d in kb.ocr_pending()] == ["mixed.pdf"]
        # as `kb reread` runs it, a job: it read only an older chunker's documents, never these scans
        assert [f.outcome for f in kb.reread_job().files] == ["updated"]
        assert kb.document("mixed.pdf").ocr["missing_packs"] == []
        assert [f.outcome for f in kb.reread(ocr=True).files] == ["updated"]  # --ocr: every OCRed document


def test_reread_ocr_finds_pdfs_whose_scanned_pages_were_left_out_before_ocr(scans: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    with KnowledgeBase(settings=Settings.from_env(home, embedder="hash", ocr="off")) as kb:
        assert kb.add([scans / "mixed.pdf"]).ok
    db = sqlite3.connect(home / "catalog.sqlite")  # as a KB from before OCR stored it: nothing recorded
    with db:
        db.execute("UPDATE documents SET ocr = NULL")
    db.close()
    with KnowledgeBase(home, embedder="hash") as kb:
        assert kb.ocr_pending() == [] and kb.reread().files == []  # nothing says it holds a scan...
        report = kb.reread(ocr=True)  # ...but page 2 of 2 gave no text
        assert [(f.outcome, f.ocr_pages) for f in report.files] == [("updated", 1)]
        assert kb.document("mixed.pdf").ocr_pages == {2}
