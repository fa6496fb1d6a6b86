"""One reader per format (scans and images through OCR); each turns a file into blocks (and a title) and raises IngestError only."""

from __future__ import annotations

from .docx import read_docx
from .html import read_html
from .image import read_image
from .markdown import read_markdown
from .pdf import read_pdf
from .text import read_text

__all__ = ["read_pdf", "read_docx", "read_html", "read_image", "read_markdown", "read_text"]
