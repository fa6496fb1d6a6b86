"""Builders of hostile and damaged input files, shared by the hardening tests and benchmarks.

Each builder writes one file and returns its path. They are here, not in a test module, so the
files can be rebuilt by hand (`python -m evals.hostile_inputs OUT_DIR`) when someone wants to feed
them to the UI or to another tool. Every builder streams what it writes: the zip bomb expands to
~1 GB but building it never holds more than a few MB in memory.
"""

from __future__ import annotations

import struct
import sys
import zipfile
import zlib
from collections.abc import Iterable
from pathlib import Path

__all__ = [
    "build_pdf",
    "zip_bomb_docx",
    "truncated_copy",
    "pdf_xref_prev_loop",
    "pdf_page_tree_loop",
    "pdf_self_length_stream",
    "pdf_with_launch_action",
    "sparse_file",
    "nested_html",
    "nul_and_bad_utf8_text",
    "binary_nul_text",
    "png_bomb",
    "SCRIPT_PAYLOADS",
]

# Markup that must stay inert text wherever it is stored or shown.
SCRIPT_PAYLOADS = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>")

_DOCX_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
_DOCX_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/></Relationships>'
)


def zip_bomb_docx(path: Path, expanded_bytes: int = 1 << 30) -> Path:
    """A .docx whose word/document.xml inflates to `expanded_bytes` (default 1 GiB) of zeros.

    The member is written in 1 MiB pieces through `ZipFile.open(..., "w")`, so building the bomb
    costs a few MB of memory and ~1 MB on disk (deflate packs zeros ~1000:1).
    """
    piece = b"0" * (1 << 20)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", _DOCX_CONTENT_TYPES)
        zf.writestr("_rels/.rels", _DOCX_RELS)
        info = zipfile.ZipInfo("word/document.xml")
        info.compress_type = zipfile.ZIP_DEFLATED
        with zf.open(info, "w", force_zip64=True) as out:
            out.write(b'<?xml version="1.0"?><w:document xmlns:w="x"><w:body><w:p><w:r><w:t>')
            written = 0
            while written < expanded_bytes:
                n = min(len(piece), expanded_bytes - written)
                out.write(piece[:n])
                written += n
            out.write(b"</w:t></w:r></w:p></w:body></w:document>")
    return path


def truncated_copy(source: Path, path: Path, fraction: float = 0.5) -> Path:
    """The first `fraction` of `source`'s bytes, as a download cut off half-way would leave it."""
    data = source.read_bytes()
    path.write_bytes(data[: max(1, int(len(data) * fraction))])
    return path


def build_pdf(objects: Iterable[bytes], trailer: bytes, *, prev_self: bool = False) -> bytes:
    """Assemble a PDF from numbered object bodies with a correct xref table.

    Args:
        objects: bodies of objects 1..n (without "N 0 obj"/"endobj").
        trailer: the trailer dictionary's inner entries, e.g. b"/Root 1 0 R".
        prev_self: add `/Prev` pointing at this very xref section (an xref loop).

    Returns:
        The file's bytes.
    """
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets: list[int] = []
    bodies = list(objects)
    for number, body in enumerate(bodies, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref_at = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    extra = b" /Prev %d" % xref_at if prev_self else b""
    out += b"trailer\n<< /Size %d %s%s >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(bodies) + 1,
        trailer,
        extra,
        xref_at,
    )
    return bytes(out)


def _content(text: str) -> bytes:
    stream = b"BT /F1 12 Tf 72 720 Td (" + text.encode("latin-1") + b") Tj ET"
    return b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream"


_FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def pdf_xref_prev_loop(path: Path) -> Path:
    """A one-page PDF whose trailer's /Prev points back at its own xref section."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        _content("Prevention networks in cities loop xref"),
        _FONT,
    ]
    path.write_bytes(build_pdf(objects, b"/Root 1 0 R", prev_self=True))
    return path


def pdf_page_tree_loop(path: Path) -> Path:
    """A PDF whose page tree is a cycle: the root /Pages lists itself and a child that lists the root."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [2 0 R 3 0 R 6 0 R] /Count 3 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        _content("Page tree loop"),
        _FONT,
        b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R 6 0 R] /Count 2 >>",
    ]
    path.write_bytes(build_pdf(objects, b"/Root 1 0 R"))
    return path


def pdf_self_length_stream(path: Path) -> Path:
    """A PDF whose content stream's /Length is itself, and whose /Contents refs form a 2-cycle."""
    stream = b"BT /F1 12 Tf 72 720 Td (Self length) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents [4 0 R 6 0 R] "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length 4 0 R >>\nstream\n" + stream + b"\nendstream",
        _FONT,
        b"7 0 R",
        b"6 0 R",
    ]
    path.write_bytes(build_pdf(objects, b"/Root 1 0 R"))
    return path


def pdf_with_launch_action(path: Path, sentinel: Path) -> Path:
    """A PDF that asks its reader to run JavaScript and launch `touch SENTINEL` on open.

    A text extractor must ignore both; the sentinel file existing afterwards would mean it ran them.
    """
    command = f"touch {sentinel}".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction 6 0 R /Names << /JavaScript 7 0 R >> >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> /AA << /O 6 0 R >> >>",
        _content("Launch action harmless text"),
        _FONT,
        b"<< /S /Launch /F (/bin/sh) /Win << /F (cmd.exe) /P (" + command + b") >> "
        b"/Next << /S /JavaScript /JS (app.launchURL\\('file:///bin/sh'\\)) >> >>",
        b"<< /Names [(x) << /S /JavaScript /JS (this.exportDataObject\\({cName: 'a', nLaunch: 2}\\)) >>] >>",
    ]
    path.write_bytes(build_pdf(objects, b"/Root 1 0 R"))
    return path


def sparse_file(path: Path, size: int = 500 * 2**20) -> Path:
    """A file of `size` bytes that occupies (almost) no disk: `truncate` leaves a hole."""
    with path.open("wb") as f:
        f.write(b"%PDF-1.4\n" if path.suffix == ".pdf" else b"Hello\n")
        f.truncate(size)
    return path


def nested_html(path: Path, depth: int = 100_000) -> Path:
    """An HTML page with `depth` nested <div>s around one sentence (built as bytes, ~1 MB)."""
    with path.open("wb") as f:
        f.write(b"<!DOCTYPE html><html><head><title>Deep page</title></head><body>")
        f.write(b"<div>" * depth)
        f.write(b"<p>Community mentoring keeps young people away from violent extremism.</p>")
        f.write(b"</div>" * depth)
        f.write(b"</body></html>")
    return path


def nul_and_bad_utf8_text(path: Path) -> Path:
    """Mostly good UTF-8 text with a few NUL bytes and invalid UTF-8 sequences in it."""
    path.write_bytes(
        b"Youth work\x00 and sch\x00ool mediation reduce polarisation.\n"
        b"Invalid bytes here: \xff\xfe\xc3\x28 and \xed\xa0\x80 end.\n"
        + "Caf\u00e9 m\u00e9diation \u00e0 Lyon.\n".encode()
    )
    return path


def binary_nul_text(path: Path) -> Path:
    """A '.txt' that is mostly NUL bytes: binary pretending to be text."""
    path.write_bytes(b"text\x00" + b"\x00" * 4000 + b"more")
    return path


def png_bomb(path: Path, side: int = 40_000) -> Path:
    """A 69-byte PNG whose header says `side` x `side` grey pixels (1.6 billion: 1.6 GB once decoded)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)  # 8-bit grey, no interlace
    data = zlib.compress(b"\x00" + b"\xff" * 64)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b""))
    return path


def main(argv: list[str] | None = None) -> int:
    """Write every hostile file into OUT_DIR (the zip bomb is ~1 MB on disk)."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m evals.hostile_inputs OUT_DIR", file=sys.stderr)
        return 2
    out = Path(args[0])
    out.mkdir(parents=True, exist_ok=True)
    zip_bomb_docx(out / "bomb.docx")
    pdf_xref_prev_loop(out / "xref-loop.pdf")
    pdf_page_tree_loop(out / "page-tree-loop.pdf")
    pdf_self_length_stream(out / "self-length.pdf")
    pdf_with_launch_action(out / "launch.pdf", out / "SENTINEL")
    sparse_file(out / "huge.pdf")
    sparse_file(out / "huge.txt")
    nested_html(out / "deep.html")
    nul_and_bad_utf8_text(out / "nul.txt")
    binary_nul_text(out / "binary.txt")
    png_bomb(out / "bomb.png")
    for p in sorted(out.iterdir()):
        print(p)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
