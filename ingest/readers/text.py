"""Plain text to one block; the title is the first line when it is short enough to be one."""

from __future__ import annotations

from ..errors import IngestError
from ..normalize import normalize_text
from ..records import Block, ParsedDocument

__all__ = ["read_text", "MAX_TITLE_CHARS"]

MAX_TITLE_CHARS = 120


def read_text(text: str, stem: str) -> ParsedDocument:
    """Read decoded plain text.

    Args:
        text: the decoded file.
        stem: the file name without suffix, the title when the first line is too long.

    Returns:
        A ParsedDocument with one block (language is filled in by the caller).

    Raises:
        IngestError: empty when there is no text.
    """
    body = normalize_text(text)
    if not body:
        raise IngestError("empty", "This file is empty.")
    first = body.split("\n", 1)[0].strip()
    title = first if len(first) <= MAX_TITLE_CHARS else stem
    return ParsedDocument(
        format="text",
        title=title,
        blocks=[Block(text=body, page=None, section=())],
        page_count=None,
        language="und",
    )
