"""Word list paragraphs: the marker Word shows before each ("• ", "3. "), from its numbering part."""

from __future__ import annotations

from typing import Any

from lxml import etree

from ..normalize import BULLET

__all__ = ["ListMarkers"]


class ListMarkers:
    """The marker Word shows before a list paragraph: "• " for bullets, "3. " for numbered items.

    A paragraph is a list item when it or its style (or a style it is based on) has numbering
    properties; the format of its level ("bullet", "decimal", letters, roman) comes from the numbering
    part. Counters run per list and level, and an item resets the deeper levels, as Word does.
    """

    def __init__(self, document: Any) -> None:
        self.formats: dict[tuple[str, str], tuple[str, int]] = {}  # (numId, level) -> (format, start)
        self.counters: dict[str, dict[str, int]] = {}  # numId -> level -> last number shown
        self._chains: dict[str | None, list[Any]] = {}  # style id -> pPr of it and the styles it is based on
        try:
            self._read_formats(document.part.numbering_part.element)
        except Exception:  # no numbering part, or one Word would repair: items then show as bullets
            self.formats = {}

    def _read_formats(self, numbering: Any) -> None:
        levels: dict[str, dict[str, tuple[str, int]]] = {}
        for abstract in _XPATH["abstract"](numbering):
            by_level = levels.setdefault(abstract.get(_w("abstractNumId")), {})
            for lvl in _XPATH["levels"](abstract):
                fmt = _XPATH["format"](lvl)
                start = _XPATH["start"](lvl)
                by_level[lvl.get(_w("ilvl"))] = (fmt[0] if fmt else "decimal", _int(start[0] if start else "1"))
        for num in _XPATH["num"](numbering):
            abstract_id = _XPATH["abstract_id"](num)
            for level, spec in levels.get(abstract_id[0] if abstract_id else "", {}).items():
                self.formats[(num.get(_w("numId")), level)] = spec

    def marker(self, ppr: Any, style: Any) -> str:
        """A paragraph's list marker with a trailing space, or "" when it is not a list item.

        Args:
            ppr: the paragraph's own properties (`w:pPr`, or None).
            style: its style object (or None); the style chain is looked up once per style.
        """
        key = style.style_id if style is not None else None
        if key not in self._chains:
            self._chains[key] = _style_chain(style)
        num_id, level = _numbering_of([ppr, *self._chains[key]])
        if num_id is None or num_id == "0":
            return ""
        fmt, start = self.formats.get((num_id, level), ("bullet", 1))
        if fmt == "bullet":
            return f"{BULLET} "
        if fmt == "none":
            return ""
        counters = self.counters.setdefault(num_id, {})  # one list's levels: at most nine
        counters[level] = counters.get(level, start - 1) + 1
        for deeper in [lv for lv in counters if _int(lv) > _int(level)]:
            del counters[deeper]
        return f"{_format_number(counters[level], fmt)}. "


_NS = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}

_XPATH = {
    name: etree.XPath(expr, namespaces=_NS)
    for name, expr in {
        "abstract": "./w:abstractNum", "levels": "./w:lvl", "format": "./w:numFmt/@w:val",
        "start": "./w:start/@w:val", "num": "./w:num", "abstract_id": "./w:abstractNumId/@w:val",
    }.items()
}  # fmt: skip


def _w(name: str) -> str:
    return f"{{{_NS['w']}}}{name}"


def _int(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        return 0


def _style_chain(style: Any) -> list[Any]:
    """The pPr of a style and of the styles it is based on, nearest first."""
    chain = []
    for _ in range(10):  # styles can be based on each other; a cycle must not hang the reader
        if style is None:
            break
        chain.append(style.element.pPr)
        style = style.base_style
    return chain


def _numbering_of(candidates: list[Any]) -> tuple[str | None, str]:
    """(numId, level) from the first paragraph properties that set each: the paragraph's, then its styles'."""
    num_id = level = None
    for ppr in candidates:
        numpr = ppr.numPr if ppr is not None else None
        if numpr is None:
            continue
        if num_id is None and numpr.numId is not None:
            num_id = str(numpr.numId.val)
        if level is None and numpr.ilvl is not None:
            level = str(numpr.ilvl.val)
    return num_id, str(min(max(_int(level or "0"), 0), 8))  # Word has levels 0-8; a file may claim more


def _format_number(n: int, fmt: str) -> str:
    if fmt in ("lowerLetter", "upperLetter") and 1 <= n <= 26:
        letter = chr(ord("a") + n - 1)
        return letter if fmt == "lowerLetter" else letter.upper()
    if fmt in ("lowerRoman", "upperRoman") and 1 <= n < 40:
        roman = "x" * (n // 10) + _SMALL_ROMAN[n % 10]
        return roman if fmt == "lowerRoman" else roman.upper()
    return str(n)


_SMALL_ROMAN = ("", "i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix")
