"""Pick a file's format from its bytes; the extension only breaks ties between text formats.

A PDF renamed to .txt is still a PDF, and a PNG renamed to .pdf is not one, so content decides.
PNG, JPEG and TIFF files are images to read by OCR; other pictures (GIF, BMP, WebP) are not read.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from .errors import IngestError

__all__ = ["sniff_format", "decode_text", "SUPPORTED_SUFFIXES", "DATA_SUFFIXES", "FORMATS", "unknown_format"]

FORMATS = ("pdf", "docx", "html", "markdown", "text", "image")
SUPPORTED_SUFFIXES = frozenset({".pdf", ".docx", ".html", ".htm", ".md", ".markdown", ".txt", ".text",
                                ".png", ".jpg", ".jpeg", ".tif", ".tiff"})
# Images read by OCR (ingest.readers.image): PNG, JPEG, TIFF (and BigTIFF)
_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")
_MARKDOWN_SUFFIXES = {".md", ".markdown"}
_NAMED_FOR = {".pdf": "a PDF", ".docx": "a Word document"}
_HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
DATA_SUFFIXES = frozenset({".csv", ".tsv"})  # tables of data, refused (`sniff_format`)

# Magic numbers of common binary files someone may drop into a folder by mistake.
_BINARY_MAGIC = (
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF8",
    b"\xd0\xcf\x11\xe0",  # OLE2: legacy .doc/.xls/.ppt
    b"Rar!",
    b"7z\xbc\xaf",
    b"\x1f\x8b",
    b"BM",
    b"II*\x00",
    b"MM\x00*",
    b"\x7fELF",
    b"MZ",
    b"RIFF",
    b"OggS",
    b"ID3",
    b"%!PS",
    b"{\\rtf",
)
# Office files people have that we do not read, named so the coordinator knows what to do with them.
_SAVE_AS = "open it in its program (or LibreOffice) and save it as .docx or PDF, then add that file"
_OFFICE_MAGIC = (
    (b"\xd0\xcf\x11\xe0", "an older Microsoft Office file (.doc, .xls or .ppt)"),
    (b"{\\rtf", "a Rich Text (RTF) file"),
)
_OFFICE_ZIPS = (
    ("xl/workbook.xml", "an Excel workbook"),
    ("ppt/presentation.xml", "a PowerPoint presentation"),
    ("content.xml", "an OpenDocument (LibreOffice) file"),
)
_HTML_START = re.compile(rb"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]", re.IGNORECASE)
_ANY_TAG = re.compile(r"<(p|div|span|a|h[1-6]|table|ul|ol|br|article|section|main)[\s>/]", re.IGNORECASE)
_MD_HEADING = re.compile(r"^#{1,6}[ \t]+\S", re.MULTILINE)
_CONTROL = re.compile("[\x01-\x08\x0b\x0e-\x1a\x1c-\x1f\x7f]")


def unknown_format(detail: str) -> IngestError:
    """The error for a file we cannot read, naming what we can read."""
    return IngestError(
        "unknown_format",
        f"{detail}. Supported formats are PDF, Word (.docx), HTML, Markdown and plain text, and scans as "
        "PNG, JPEG or TIFF images.",
    )


def decode_text(data: bytes) -> str:
    """Decode bytes that should be text: BOMs first, then UTF-8, then cp1252 as a last resort.

    Args:
        data: the file's bytes.

    Returns:
        The decoded text, with stray NUL bytes removed.

    Raises:
        IngestError: "unknown_format" when the bytes look binary (many NULs or control characters).
    """
    if data.startswith(b"\xef\xbb\xbf"):
        text = data[3:].decode("utf-8", errors="replace")
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", errors="replace")
    else:
        # A few NULs happen in text written by buggy tools; many mean a binary file (or BOM-less UTF-16).
        nuls = data.count(0)
        if nuls > max(8, len(data) // 100):
            raise unknown_format("This file looks binary, not text")
        data = data.replace(b"\x00", b"")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            # A few damaged bytes in UTF-8 text must not garble the rest, as decoding it all as
            # cp1252 would. Real cp1252 text almost never contains a valid multi-byte UTF-8
            # sequence (it would need pairs like "Ã©"); damaged UTF-8 text is full of them.
            loose = data.decode("utf-8", errors="replace")
            bad = loose.count("\ufffd")
            valid = sum(1 for ch in loose if ch > "\x7f") - bad
            text = loose if valid >= max(1, bad // 3) else data.decode("cp1252", errors="replace")
    text = text.replace("\x00", "")
    sample = text[:20000]
    if sample and len(_CONTROL.findall(sample)) > len(sample) // 20:
        raise unknown_format("This file looks binary, not text")
    return text


def _zip_kind(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise IngestError("corrupt", "This ZIP/Word file is damaged and cannot be opened.") from exc
    if "word/document.xml" in names:
        return "docx"
    for member, kind in _OFFICE_ZIPS:
        if member in names:
            raise unknown_format(f"'{path.name}' is {kind}; {_SAVE_AS}")
    raise unknown_format("This is a ZIP archive but not a Word (.docx) document")


def sniff_format(path: Path, head: bytes) -> str:
    """Name the format of a file from its first bytes (and its suffix among text formats).

    Args:
        path: the file, for its suffix and, for ZIPs, its member list.
        head: the first few KB of the file.

    Returns:
        One of FORMATS.

    Raises:
        IngestError: "unknown_format" for binary files we do not read, "corrupt" for a broken ZIP,
            "misnamed" for a .pdf or .docx whose bytes are not that format.
    """
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(path)
    if head.startswith(_IMAGE_MAGIC):
        return "image"
    for magic, kind in _OFFICE_MAGIC:
        if head.startswith(magic):
            raise unknown_format(f"'{path.name}' is {kind}; {_SAVE_AS}")
    suffix = path.suffix.lower()
    if suffix in _NAMED_FOR:
        # a .pdf without a PDF header or a .docx that is no ZIP: damaged, or another file renamed;
        # "not supported" would contradict the name the person sees
        raise IngestError("misnamed", f"'{path.name}' is named {suffix} but is not {_NAMED_FOR[suffix]} inside: "
                                      "it is damaged, or another kind of file was renamed")
    if head.startswith(_BINARY_MAGIC):
        raise unknown_format(f"'{path.name}' is not a document format we can read")
    if suffix in DATA_SUFFIXES:
        # a manifest or a directory's contacts dropped among the documents: added, its rows (private
        # phone numbers too) would be searchable by everyone
        raise IngestError("data_file", f"'{path.name}' is a table of data ({suffix[1:].upper()}), not a document: a "
                                       "batch's metadata goes in its manifest (kb add --manifest), programmes and "
                                       "contacts in the directory (kb directory import)")
    text_head = decode_text(head).lstrip()
    if _HTML_START.search(head[:4096]) or (suffix in _HTML_SUFFIXES and _ANY_TAG.search(text_head)):
        return "html"
    if suffix in _MARKDOWN_SUFFIXES:
        return "markdown"
    if suffix not in (".txt", ".text") and _MD_HEADING.search(text_head):
        return "markdown"
    return "text"
