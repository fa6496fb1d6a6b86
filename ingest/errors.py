"""The two error types `ingest` raises: one for files, one for metadata.

Both carry a sentence a coordinator can act on, because the KB layer shows `str(err)` as the
reason a file was skipped and keeps going with the rest of the batch.
"""

from __future__ import annotations

__all__ = ["IngestError", "MetadataError", "ERROR_CODES"]

# "scanned": a PDF whose pages are images with almost no text layer and OCR read none (`ingest.scanned`);
# "ocr_language": a scan in a script no installed Tesseract pack reads; "misnamed": a .pdf or .docx
# whose bytes are not that format (damaged, or another file renamed); "data_file": a CSV or TSV, a table of
# data (a manifest, a directory's contacts), never a practice document.
ERROR_CODES = frozenset(
    {"encrypted", "corrupt", "no_text", "empty", "too_large", "unknown_format", "misnamed", "scanned", "ocr_language",
     "data_file"}
)


class IngestError(Exception):
    """A file that cannot be turned into text; `code` says why in one word."""

    def __init__(self, code: str, message: str) -> None:
        if code not in ERROR_CODES:
            raise ValueError(f"unknown ingest error code {code!r}")
        super().__init__(message)
        self.code = code

    def __repr__(self) -> str:
        return f"IngestError({self.code!r}, {str(self)!r})"

    def __reduce__(self) -> tuple[type[IngestError], tuple[str, str]]:
        # pickled as (code, message): a file read in a worker process or on a Ray node reports its error
        return (IngestError, (self.code, str(self)))


class MetadataError(ValueError):
    """Metadata with a bad value; the message names the field, the value and what is allowed."""
