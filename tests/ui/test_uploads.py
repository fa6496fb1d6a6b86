"""Upload names cannot choose where a file is written."""

from __future__ import annotations

from pathlib import Path

import pytest

from ui.uploads import safe_filename, staged_uploads


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("report.pdf", "report.pdf"),
        ("../../x", "x"),
        ("..\\..\\windows\\evil.docx", "evil.docx"),
        ("/etc/passwd", "passwd"),
        ("..", "upload"),
        (".hidden.md", "hidden.md"),
        ("a\x00b<>|:*?.txt", "ab_.txt"),
        ("CON.txt", "upload_CON.txt"),
        ("informe de Málaga.pdf", "informe de Málaga.pdf"),
        ("تقرير.pdf", "تقرير.pdf"),
    ],
)
def test_safe_filename(name: str, expected: str) -> None:
    assert safe_filename(name) == expected


def test_long_names_keep_their_extension() -> None:
    out = safe_filename("a" * 400 + ".pdf")
    assert len(out) <= 150 and out.endswith(".pdf")


def test_staged_uploads_stay_inside_the_home_and_are_cleaned(tmp_path: Path) -> None:
    src = tmp_path / "src.txt"
    src.write_text("x", encoding="utf-8")
    home = tmp_path / "home"
    with staged_uploads(home, [src, src, src], names=["../../x.txt", "x.txt", "/abs/X.txt"]) as staged:
        folder = staged[0].parent
        assert folder.parent == (home / "uploads").resolve()
        assert [p.name for p in staged] == ["x.txt", "x-2.txt", "X-3.txt"]
        assert all(p.parent == folder and p.read_text() == "x" for p in staged)
    assert not folder.exists()
    assert not (tmp_path / "x.txt").exists()
