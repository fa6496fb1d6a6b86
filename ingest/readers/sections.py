"""Group headed text into blocks: one block per heading, its text under it."""

from __future__ import annotations

from ..normalize import clean_inline, normalize_text
from ..records import Block

__all__ = ["SectionBuilder"]


class SectionBuilder:
    """Collects paragraphs under the current heading path and emits one Block per section run.

    The heading's own text opens its block, so a chunk carries the words of its heading and a
    search for the heading finds the section. A heading with no text of its own before the next one
    (a title right above the first section) opens the next section's block instead of making a block,
    and so a chunk, that says nothing but the title.
    """

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self._path: list[str] = []
        self._levels: list[int] = []
        self._lines: list[str] = []
        self._has_text = False  # the open block holds more than heading lines

    @property
    def path(self) -> tuple[str, ...]:
        """The heading path text added now falls under (a table's section)."""
        return tuple(self._path)

    def heading(self, level: int, text: str) -> None:
        """Start a new section at `level` (1 = outermost)."""
        text = clean_inline(text)
        if not text:
            return
        if self._has_text:
            self._flush()
        while self._levels and self._levels[-1] >= level:
            self._levels.pop()
            self._path.pop()
        self._levels.append(level)
        self._path.append(text)
        self._lines.append(text)

    def title(self, text: str) -> None:
        """A document title set as a paragraph (Word's Title style): it opens the first section's block,
        like a heading, without being one in the section path."""
        if text.strip():
            self._lines.append(text)

    def text(self, text: str) -> None:
        """Add a paragraph (or a table row) to the current section."""
        if text.strip():
            self._lines.append(text)
            self._has_text = True

    def _flush(self) -> None:
        body = normalize_text("\n".join(self._lines))
        if body:
            self.blocks.append(Block(text=body, page=None, section=tuple(self._path)))
        self._lines = []
        self._has_text = False

    def finish(self) -> list[Block]:
        """Emit the last section and return every block in document order."""
        self._flush()
        return self.blocks
