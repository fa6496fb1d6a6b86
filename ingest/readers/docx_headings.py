"""Headings of a Word file written without Heading styles: its short lines set larger, or in bold."""

from __future__ import annotations

from typing import Any

from lxml import etree

__all__ = ["PSEUDO_HEADING_RATIO", "pseudo_headings"]

PSEUDO_HEADING_RATIO = 1.15  # "larger" is at least this times the body size
_MAX_HEADING_CHARS = 120
_ENDS_SENTENCE = (".", ",", ";", ":", "!", "?", "。", "،", "؛")
_DEFAULT_SIZE = etree.XPath(
    "./w:docDefaults/w:rPrDefault/w:rPr/w:sz/@w:val",
    namespaces={"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"},
)


def pseudo_headings(document: Any, paragraphs: list[tuple[Any, ...]]) -> dict[int, int]:
    """id(paragraph) -> heading level for short lines set larger than the body (by size, largest
    first) or wholly in bold (the level below those), in a document that uses no Heading style."""
    default = (_style_size(document.styles["Normal"]) if "Normal" in document.styles else None) or _default_size(document)
    found: list[tuple[int, float | None, bool]] = []
    chars: dict[float, int] = {}
    for _, para, text, _, style_obj, style in paragraphs:
        runs = [r for r in para.runs if r.text.strip()]
        if not runs or style == "Title":
            continue
        sizes = [_run_size(r, style_obj, default) for r in runs]
        size = max((x for x in sizes if x is not None), default=None)
        if size is not None:
            chars[size] = chars.get(size, 0) + len(text)
        line = " ".join(text.split())
        listed = (para._p.pPr is not None and para._p.pPr.numPr is not None) or style.startswith("List")
        if listed or not 0 < len(line) <= _MAX_HEADING_CHARS or line.endswith(_ENDS_SENTENCE):
            continue
        found.append((id(para), size, all(_run_bold(r, style_obj) for r in runs)))
    body = max(chars, key=lambda k: chars[k]) if chars else None
    larger = sorted({s for _, s, _ in found if body and s and s >= body * PSEUDO_HEADING_RATIO}, reverse=True)[:2]
    levels: dict[int, int] = {}
    for key, size, bold in found:
        if size in larger:
            levels[key] = larger.index(size) + 1
        elif bold and (not body or not size or size >= body):
            levels[key] = len(larger) + 1
    return levels


def _default_size(document: Any) -> float:
    """The document's default type size (docDefaults, in half-points), else Word's 11 pt."""
    try:
        half_points = _DEFAULT_SIZE(document.styles.element)
        return int(half_points[0]) / 2 if half_points else 11.0
    except (ValueError, TypeError):
        return 11.0


def _style_size(style: Any) -> float | None:
    for _ in range(10):  # the style, then the styles it is based on
        if style is None:
            return None
        if style.font.size is not None:
            return float(style.font.size.pt)
        style = style.base_style
    return None


def _run_size(run: Any, style: Any, default: float | None) -> float | None:
    if run.font.size is not None:
        return float(run.font.size.pt)
    return _style_size(style) or default


def _run_bold(run: Any, style: Any) -> bool:
    if run.bold is not None:
        return bool(run.bold)
    for _ in range(10):
        if style is None:
            return False
        if style.font.bold is not None:
            return bool(style.font.bold)
        style = style.base_style
    return False
