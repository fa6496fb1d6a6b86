"""`read_document`: size check, format sniffing, the right reader, document language."""

from __future__ import annotations

from pathlib import Path

from .errors import IngestError
from .language import detect_language
from .ocr import OcrOptions
from .readers import read_docx, read_html, read_image, read_markdown, read_pdf, read_text
from .records import ParsedDocument
from .sniff import decode_text, sniff_format

__all__ = ["read_document", "check_size", "DEFAULT_MAX_BYTES"]

DEFAULT_MAX_BYTES = 50_000_000
_HEAD_BYTES = 8192


def _read(path: Path, fmt: str, ocr: OcrOptions | None) -> ParsedDocument:
    if fmt == "pdf":
        return read_pdf(path, ocr)
    if fmt == "image":
        return read_image(path, ocr)
    if fmt == "docx":
        return read_docx(path)
    text = decode_text(path.read_bytes())
    if not text.strip():
        raise IngestError("empty", "This file is empty.")
    if fmt == "html":
        return read_html(text)
    if fmt == "markdown":
        return read_markdown(text)
    return read_text(text, path.stem)


def check_size(path: Path, max_bytes: int) -> int:
    """The file's size in bytes; IngestError("too_large") past `max_bytes`, before anything is read."""
    size = Path(path).stat().st_size
    if size > max_bytes:
        mib = 1024 * 1024
        raise IngestError("too_large", f"This file is {size / mib:.1f} MB; the limit is {max_bytes / mib:g} MB.")
    return size


def read_document(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES, ocr: OcrOptions | None = None) -> ParsedDocument:
    """Read a PDF, DOCX, HTML, Markdown or text file, or an image (PNG, JPEG, TIFF), into blocks.

    Args:
        path: the file. Its format is decided by its content; the suffix only breaks ties
            between text formats.
        max_bytes: files larger than this are refused before being read.
        ocr: how to read scanned PDF pages and images by OCR; None (the default) does not, and
            says so in the error of a file that needs it.

    Returns:
        A ParsedDocument with `language` set from its first few thousand characters.

    Raises:
        IngestError: and nothing else; `.code` is one of encrypted, corrupt, no_text, empty,
            too_large, unknown_format, misnamed, ocr_language.
    """
    path = Path(path)
    try:
        size = check_size(path, max_bytes)
        if size == 0:
            raise IngestError("empty", "This file is empty.")
        with path.open("rb") as fh:
            head = fh.read(_HEAD_BYTES)
        if not head.strip() and (size <= _HEAD_BYTES or not path.read_bytes().strip()):
            raise IngestError("empty", "This file contains only blank space.")
        doc = _read(path, sniff_format(path, head), ocr)
        doc.language = detect_language(doc.text)
        return doc
    except IngestError:
        raise
    except MemoryError as exc:
        raise IngestError("too_large", "This file needs more memory to read than is available.") from exc
    except OSError as exc:
        raise IngestError(
            "corrupt", f"This file could not be read ({exc.strerror or type(exc).__name__})."
        ) from exc
    except Exception as exc:  # anything a parser throws on a hostile file is a damaged file to the user
        raise IngestError(
            "corrupt", f"This file is damaged and cannot be read ({type(exc).__name__})."
        ) from exc
