"""Markdown to blocks: ATX/setext headings as sections, inline markup stripped lightly."""

from __future__ import annotations

import re

from ..errors import IngestError
from ..normalize import BULLET, clean_inline
from ..records import ParsedDocument
from ..tables import Table, make_table, row_line
from .sections import SectionBuilder

__all__ = ["read_markdown", "strip_inline"]

_ATX = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_RULE = re.compile(r"^ {0,3}([-*_])([ \t]*\1){2,}[ \t]*$")
_LINK_DEF = re.compile(r"^ {0,3}\[[^\]]+\]:\s*\S+")
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\[[^\]]*\])")
_AUTOLINK = re.compile(r"<(https?://[^>\s]+)>")
_HTML_TAG = re.compile(r"</?[A-Za-z][^>]*>")
_COMMENT = re.compile(r"<!--.*?-->")
_BOLD = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EM_STAR = re.compile(r"\*(?=\S)([^*]+?)(?<=\S)\*")
_EM_UNDER = re.compile(r"(?<![\w])_(?=\S)([^_]+?)(?<=\S)_(?![\w])")
_CODE = re.compile(r"`([^`]+)`")
_QUOTE = re.compile(r"^ {0,3}> ?")
# List items, at any depth; a task list's box is dropped. Numbered items keep their number.
_BULLET_ITEM = re.compile(r"^[ \t]*[-*+][ \t]+(?:\[[ xX]\][ \t]+)?(\S.*)$")
_NUMBERED_ITEM = re.compile(r"^[ \t]*(\d{1,9})[.)][ \t]+(\S.*)$")
# Tables: "| a | b |" rows become "a | b" like the other readers' table rows; the "|---|:-:|" row goes.
_TABLE_ROW = re.compile(r"^ {0,3}\|.*\|[ \t]*$")
_TABLE_DELIMITER = re.compile(r"^ {0,3}\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")


def strip_inline(line: str) -> str:
    """Remove inline Markdown (links, emphasis, code ticks, HTML tags), keeping the words."""
    line = _IMAGE.sub(r"\1", line)
    line = _LINK.sub(r"\1", line)
    line = _AUTOLINK.sub(r"\1", line)
    line = _CODE.sub(r"\1", line)
    line = _HTML_TAG.sub("", line)
    line = _BOLD.sub(r"\2", line)
    line = _EM_STAR.sub(r"\1", line)
    return _EM_UNDER.sub(r"\1", line)


def _without_comments(line: str, in_comment: bool) -> tuple[str, bool]:
    """The line without HTML comments, and whether a comment is still open at its end."""
    if in_comment:
        if "-->" not in line:
            return "", True
        line = line.split("-->", 1)[1]
    line = _COMMENT.sub("", line)
    if "<!--" in line:
        return line.split("<!--", 1)[0], True
    return line, False


def _drop_front_matter(lines: list[str]) -> list[str]:
    if lines and lines[0].strip() == "---":
        for i in range(1, min(len(lines), 200)):
            if lines[i].strip() in ("---", "..."):
                return lines[i + 1 :]
    return lines


def read_markdown(text: str) -> ParsedDocument:
    """Read Markdown into blocks under its heading path.

    Args:
        text: the decoded file.

    Returns:
        A ParsedDocument; title = the first level-1 heading (language is filled in by the caller).

    Raises:
        IngestError: empty when there is no text.
    """
    lines = _drop_front_matter(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    builder = SectionBuilder()
    title: str | None = None
    fence: str | None = None
    pending: str | None = None  # a paragraph line that may turn out to be a setext heading
    in_comment = False  # inside an HTML comment (<!-- ... -->), which a Markdown reader never shows
    tables: list[Table] = []
    rows: list[list[str]] = []  # the rows of the table being read (a GFM table: header, delimiter, rows)
    delimited = False  # its delimiter row was seen

    def end_table() -> None:
        nonlocal delimited
        if rows and delimited:
            table = make_table(len(tables), builder.path, rows)
            if table is not None:
                tables.append(table)
        rows.clear()
        delimited = False

    def flush_pending() -> None:
        nonlocal pending
        if pending is not None:
            builder.text(strip_inline(pending))
            pending = None

    for line in lines:
        if rows and not (_TABLE_ROW.match(line) or ("|" in line and _TABLE_DELIMITER.match(line))):
            end_table()
        if fence is not None:
            if line.strip().startswith(fence):
                fence = None
            else:
                builder.text(line)  # code is kept as text: it may be what someone searches for
            continue
        if in_comment or "<!--" in line:
            line, in_comment = _without_comments(line, in_comment)
            if not line.strip():
                continue  # a comment on its own line is not a paragraph break either
        m = _FENCE.match(line)
        if m:
            flush_pending()
            fence = m.group(1)[0] * 3
            continue
        m = _SETEXT.match(line)
        if m and pending is not None and pending.strip():
            level = 1 if m.group(1)[0] == "=" else 2
            heading = clean_inline(strip_inline(pending))
            pending = None
            if level == 1 and title is None:
                title = heading
            builder.heading(level, heading)
            continue
        flush_pending()
        m = _ATX.match(line)
        if m:
            level = len(m.group(1))
            heading = clean_inline(strip_inline(m.group(2)))
            if level == 1 and title is None and heading:
                title = heading
            builder.heading(level, heading)
        elif "|" in line and _TABLE_DELIMITER.match(line):
            delimited = delimited or len(rows) == 1  # right under the header row
            continue
        elif _RULE.match(line) or _LINK_DEF.match(line):
            continue
        elif _TABLE_ROW.match(line):
            cells = [strip_inline(c.strip().replace("\\|", "|")) for c in _CELL_SPLIT.split(line.strip()[1:-1])]
            rows.append(cells)
            builder.text(row_line(cells))
            continue
        elif m := _BULLET_ITEM.match(line):  # an item is never a setext heading's text
            builder.text(f"{BULLET} {strip_inline(m.group(1))}")
        elif m := _NUMBERED_ITEM.match(line):
            builder.text(f"{m.group(1)}. {strip_inline(m.group(2))}")
        else:
            pending = _QUOTE.sub("", line)
    flush_pending()
    end_table()
    blocks = builder.finish()
    if not blocks:
        raise IngestError("empty", "This Markdown file has no text.")
    return ParsedDocument(format="markdown", title=title, blocks=blocks, page_count=None, language="und",
                          tables=tables)
