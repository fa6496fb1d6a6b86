"""Hostile input: every file gets a clear per-file error or a safe result, in bounded time and memory.

Reads of hostile files run in a subprocess (see isolated_read.py) under a 1.5 GB address-space
limit with a time bound, so a parser that crashes, hangs or balloons fails one test instead of
the run; its peak RSS must stay under 500 MB and it must write nothing. Through the KB, nothing may
be written outside the KB home (the `sandbox` fixture checks inputs, a neighbour folder and temp).
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import time
from pathlib import Path, PurePosixPath
from typing import Any

import pytest

from evals.hostile_inputs import (
    SCRIPT_PAYLOADS,
    binary_nul_text,
    nested_html,
    nul_and_bad_utf8_text,
    pdf_page_tree_loop,
    pdf_self_length_stream,
    pdf_with_launch_action,
    pdf_xref_prev_loop,
    png_bomb,
    sparse_file,
    truncated_copy,
)
from kb import KnowledgeBase

PDF_SAMPLES = Path(__file__).resolve().parents[2] / ".." / "shared" / "datasets" / "pdf-samples"
LOOP_SECONDS = 20  # a looping PDF must be answered (either way) within this


def _inside(path: Path, root: Path) -> bool:
    return path.resolve().is_relative_to(root.resolve())


# --- reads in a subprocess ------------------------------------------------------------------------


def test_docx_zip_bomb_is_refused_without_inflating(zip_bomb: Path, read_isolated: Any) -> None:
    assert zip_bomb.stat().st_size < 5 * 2**20  # ~1 GB of zeros packed into ~1 MB
    result = read_isolated(zip_bomb, "zip bomb docx")
    assert result["status"] == "error" and result["code"] in ("corrupt", "too_large"), result
    assert "bomb" in result["message"] or "expand" in result["message"], result["message"]
    assert result["seconds"] < 5


@pytest.mark.parametrize("sample", [
    "004-pdflatex-4-pages/pdflatex-4-pages.pdf",
    "009-pdflatex-geotopo/GeoTopo-komprimiert.pdf",
    "011-google-doc-document/google-doc-document.pdf",
])  # fmt: skip
def test_truncated_pdf_is_corrupt(tmp_path: Path, read_isolated: Any, sample: str) -> None:
    source = PDF_SAMPLES / sample
    if not source.exists():
        pytest.skip("../shared/datasets/pdf-samples is not beside this checkout")
    cut = truncated_copy(source, tmp_path / "cut.pdf", fraction=0.5)
    result = read_isolated(cut, f"truncated {source.name}")
    assert result["status"] == "error" and result["code"] == "corrupt", result


@pytest.mark.parametrize(
    "build",
    [pdf_xref_prev_loop, pdf_page_tree_loop, pdf_self_length_stream],
    ids=["xref-prev-loop", "page-tree-loop", "self-length-stream"],
)
def test_looping_pdf_returns_in_bounded_time(tmp_path: Path, read_isolated: Any, build: Any) -> None:
    pdf = build(tmp_path / "loop.pdf")
    result = read_isolated(pdf, build.__name__, timeout=LOOP_SECONDS)
    if result["status"] == "ok":  # a safe result: the readable text, nothing else
        assert result["format"] == "pdf" and result["text"].strip(), result
    else:
        assert result["code"] in ("corrupt", "no_text"), result


def test_pdf_actions_are_not_executed(tmp_path: Path, read_isolated: Any) -> None:
    sentinel = tmp_path / "SENTINEL"
    pdf = pdf_with_launch_action(tmp_path / "launch.pdf", sentinel)
    result = read_isolated(pdf, "pdf launch/javascript actions")
    assert result["status"] == "ok" and "Launch action harmless text" in result["text"], result
    assert not sentinel.exists()


def test_png_decompression_bomb_is_refused_before_decoding(tmp_path: Path, read_isolated: Any) -> None:
    """1.6 billion pixels in 69 bytes: refused from its header (Pillow's pixel limit), never decoded."""
    result = read_isolated(png_bomb(tmp_path / "bomb.png"), "png decompression bomb")
    assert result["status"] == "error" and result["code"] == "too_large", result
    assert "40,000 x 40,000 pixels" in result["message"]
    assert result["maxrss_mb"] < 200 and result["seconds"] < 2, result


@pytest.mark.parametrize("suffix", [".pdf", ".txt"])
def test_sparse_500mb_file_is_too_large_without_being_read(
    tmp_path: Path, read_isolated: Any, suffix: str
) -> None:
    huge = sparse_file(tmp_path / f"huge{suffix}")
    assert huge.stat().st_size == 500 * 2**20
    result = read_isolated(huge, f"sparse 500 MB {suffix}")
    assert result["status"] == "error" and result["code"] == "too_large", result
    assert result["read_bytes"] < 2**20, f"read {result['read_bytes']} bytes of a file it should refuse"
    assert result["seconds"] < 1


def test_deeply_nested_html_is_safe(tmp_path: Path, read_isolated: Any) -> None:
    page = nested_html(tmp_path / "deep.html", depth=100_000)
    result = read_isolated(page, "html 100k nested divs", timeout=30)
    if result["status"] == "ok":
        assert "Community mentoring keeps young people away" in result["text"], result
    else:
        assert result["code"] in ("corrupt", "no_text", "too_large"), result


def test_nul_bytes_and_invalid_utf8_are_read_safely(tmp_path: Path, read_isolated: Any) -> None:
    result = read_isolated(nul_and_bad_utf8_text(tmp_path / "notes.txt"), "nul + invalid utf-8 text")
    assert result["status"] == "ok", result
    assert "\x00" not in result["text"]
    assert "Youth work and school mediation reduce polarisation." in result["text"]
    assert "end." in result["text"]


def test_invalid_utf8_does_not_garble_the_valid_text(tmp_path: Path, read_isolated: Any) -> None:
    """A few bad bytes in a UTF-8 file must not turn every accented letter into mojibake."""
    result = read_isolated(nul_and_bad_utf8_text(tmp_path / "notes.txt"), "nul + invalid utf-8 text")
    assert result["status"] == "ok", result
    assert "Café médiation à Lyon." in result["text"], result["text"]


def test_mostly_nul_text_is_a_clear_error(tmp_path: Path, read_isolated: Any) -> None:
    result = read_isolated(binary_nul_text(tmp_path / "data.txt"), "mostly-NUL .txt")
    assert result["status"] == "error" and result["code"] == "unknown_format", result
    assert "binary" in result["message"]


# --- through the knowledge base --------------------------------------------------------------------


def test_kb_reports_bomb_and_huge_file_per_file_and_adds_the_rest(sandbox: Any, zip_bomb: Path) -> None:
    shutil.copyfile(zip_bomb, sandbox.inputs / "bomb.docx")
    sparse_file(sandbox.inputs / "huge.pdf")
    (sandbox.inputs / "fine.md").write_text(
        "# Fine\n\nA school mediation programme in Lyon.\n", encoding="utf-8"
    )
    sandbox.freeze()
    started = time.monotonic()
    with KnowledgeBase(sandbox.home, embedder="hash") as kb:
        report = kb.add(sandbox.inputs)
        by_name = {Path(f.path).name: f for f in report.files}
        assert by_name["fine.md"].outcome == "added"
        assert by_name["bomb.docx"].outcome == "failed" and by_name["bomb.docx"].error_code == "corrupt"
        assert by_name["huge.pdf"].outcome == "failed" and by_name["huge.pdf"].error_code == "too_large"
        assert "100 MB" in (by_name["huge.pdf"].reason or "")
        assert [d.source for d in kb.documents()] == ["fine.md"]
        stored = [p.name for p in (sandbox.home / "files").iterdir()]
        assert len(stored) == 1 and stored[0].endswith(".md"), stored  # no copy of a refused file
    assert time.monotonic() - started < 20


def test_upload_names_cannot_escape_the_home(sandbox: Any) -> None:
    from ui.uploads import staged_uploads

    upload = sandbox.outside / "tmp-upload-1"
    upload.write_text("# Escape\n\nThis upload tried to climb out of the KB home.\n", encoding="utf-8")
    weird = sandbox.inputs / "..\\..\\win.md"  # a legal POSIX name that means `..\..` on Windows
    weird.write_text("Backslash name about youth outreach.\n", encoding="utf-8")
    nested = sandbox.inputs / "a" / "b"
    nested.mkdir(parents=True)
    (sandbox.inputs / "dotdot.md").write_text("Dot-dot path about family support.\n", encoding="utf-8")
    sandbox.freeze()
    with KnowledgeBase(sandbox.home, embedder="hash") as kb:
        names = ["../../x.md", "/etc/cron.d/x.md", "..", "C:\\Windows\\x.md"]
        with staged_uploads(sandbox.home, [upload] * len(names), names=names) as staged:
            assert all(_inside(p, sandbox.home) for p in staged), staged
            report = kb.add(staged)
        # A path with `..` in it and an absolute path: the source is only ever a name.
        report.files += kb.add([nested / ".." / ".." / "dotdot.md", weird.resolve()]).files
        assert report.count("failed") == 0, report.to_dict()
        for doc in kb.documents():
            source = PurePosixPath(doc.source)
            assert not source.is_absolute() and ".." not in source.parts, doc.source
            original = kb.original_path(doc.id)
            assert original is not None and _inside(original, sandbox.home / "files"), (doc.source, original)
        sources = {d.source for d in kb.documents()}
        assert "dotdot.md" in sources and "..\\..\\win.md" in sources
    assert not (sandbox.root.parent / "x.md").exists() and not (sandbox.home.parent / "x.md").exists()


def test_script_markup_is_stored_and_returned_as_literal_text(sandbox: Any) -> None:
    script, img = SCRIPT_PAYLOADS
    note = sandbox.inputs / "payload.txt"
    note.write_text(f"Dialogue circles {script} and {img} in Malmo youth centres.\n", encoding="utf-8")
    sandbox.freeze()
    meta = {"title": f"Report {script}", "city": img, "note": f"{script}{img}"}
    with KnowledgeBase(sandbox.home, embedder="hash") as kb:
        report = kb.add(note, metadata=meta)
        assert report.count("added") == 1, report.to_dict()
        doc = kb.documents()[0]
        assert doc.title == f"Report {script}" and doc.metadata["city"] == img
        assert doc.metadata["note"] == f"{script}{img}"
        [chunk] = kb.chunks_of(doc.id)
        assert script in chunk.text and img in chunk.text  # not stripped, not escaped
        hits = kb.search("dialogue circles Malmo", k=3)
        assert hits and hits[0].doc_id == doc.id
        assert script in hits[0].text and img in hits[0].text
        assert hits[0].title == f"Report {script}" and hits[0].city == img
        assert script in hits[0].citation
        assert "&lt;" not in hits[0].text + hits[0].citation  # escaping is the renderer's job
    db = sqlite3.connect(sandbox.home / "catalog.sqlite")
    try:
        raw_meta, raw_title = db.execute("SELECT metadata, title FROM documents").fetchone()
        raw_text = db.execute("SELECT text FROM chunks").fetchone()[0]
    finally:
        db.close()
    assert json.loads(raw_meta)["city"] == img and img in raw_meta
    assert raw_title == f"Report {script}" and script in raw_text


def test_symlinks_out_of_the_added_folder_are_refused(sandbox: Any) -> None:
    secret = sandbox.outside / "secret.txt"
    secret.write_text("TOPSECRET credentials of the outside folder.\n", encoding="utf-8")
    (sandbox.outside / "dir").mkdir()
    (sandbox.outside / "dir" / "inner.txt").write_text("TOPSECRET inner file.\n", encoding="utf-8")
    (sandbox.inputs / "ok.md").write_text("# Fine\n\nA local prevention network.\n", encoding="utf-8")
    os.symlink("/etc/passwd", sandbox.inputs / "passwd.txt")
    os.symlink(secret, sandbox.inputs / "secret.txt")
    os.symlink(sandbox.outside / "dir", sandbox.inputs / "linked-dir")
    os.symlink(sandbox.inputs / "ok.md", sandbox.inputs / "alias.md")  # inside the folder: harmless
    sandbox.freeze()
    with KnowledgeBase(sandbox.home, embedder="hash") as kb:
        report = kb.add(sandbox.inputs)
        by_name = {Path(f.path).name: f for f in report.files}
        for name in ("passwd.txt", "secret.txt"):
            assert by_name[name].outcome == "failed", report.to_dict()
            assert by_name[name].error_code == "outside_folder"
            assert "outside the folder" in (by_name[name].reason or "")
        assert "inner.txt" not in by_name  # a linked folder is not walked into
        # The file and a link to it inside the folder are one document, under the file's own name
        # (the link sorts first by name, but real files are taken before links).
        assert by_name["ok.md"].outcome == "added" and by_name["alias.md"].outcome == "unchanged", report.to_dict()
        assert [d.source for d in kb.documents()] == ["ok.md"]
        texts = " ".join(c.text for d in kb.documents() for c in kb.chunks_of(d.id))
        assert "TOPSECRET" not in texts and "root:" not in texts
        assert not kb.search("TOPSECRET credentials", k=5) or all(
            "TOPSECRET" not in h.text for h in kb.search("TOPSECRET credentials", k=5)
        )
