"""Text clean-up shared by every reader: Unicode form, control characters, whitespace."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["BULLET", "normalize_text", "clean_inline", "join_wrapped_lines", "mark_bullets", "same_words",
           "WORD_BEFORE_HYPHEN", "OPEN_COMPOUND_WORDS"]

# Control characters except tab and newline, plus invisible formatting that only disturbs search
# (bidi embeddings/overrides/isolates, LRM/RLM, zero-width space, BOM, soft hyphen). ZWJ/ZWNJ are kept:
# Persian spelling depends on ZWNJ.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)
_SPACES = re.compile(r"[^\S\n]+")  # any whitespace except newline
# What NFKC would turn into other letters or digits, kept as printed: the ordinal signs ("6º ano",
# "1.ª fase", "n.º"), superscripts and subscripts ("m²", "CO₂", a footnote's "¹") and vulgar fractions
# ("½"). A quotation is the document's words; search folds them anyway (index.tokenizer's own NFKC).
_AS_PRINTED = re.compile("([\u00aa\u00ba\u00b2\u00b3\u00b9\u00bc-\u00be\u2070-\u209f\u2150-\u215f\u2189]+)")
_MANY_NEWLINES = re.compile(r"\n{3,}")


_SENTENCE_END = ".!?:;。！？؟"

# Every reader writes a list item as one line "• item" (numbered ones as "1. item"), so excerpts
# show lists the same way whatever the format and a bullet never reads as a paragraph of its own.
BULLET = "\u2022"
# What PDFs draw bullets with: the bullet and its circle/square cousins, the Symbol and Wingdings
# private-use bullets Word exports (U+F0B7, U+F0A7, U+F076, U+F0D8, U+F0FC), and the control codes a
# standard-14 font's bullet comes out as in pypdf (\x7f; \x95 is the cp1252 bullet).
_BULLET_GLYPHS = "\u2022\u25cf\u25aa\u25a0\u25e6\u25cb\u2023\u2219\u2043\uf0b7\uf0a7\uf076\uf0d8\uf0fc\x7f\x95"
_BULLET_LINE = re.compile(f"^[^\\S\n]*([{_BULLET_GLYPHS}])[^\\S\n]*(\\S.*)?$")
# Only these mark a list item when they stand alone on a line: a lone square, circle or dot can be the
# end-of-proof mark or a symbol of a formula, and must not turn the next line into a bullet.
_LONE_BULLETS = "\u2022\u25e6\u2023\u2043\uf0b7\uf0a7\uf076\uf0d8\uf0fc\x7f\x95"


def mark_bullets(text: str) -> str:
    """Rewrite extracted list items as "• item" lines, whatever glyph the PDF drew.

    pypdf puts a bullet drawn apart from its text on a line of its own (ReportLab's lists do this),
    so a glyph alone is joined to the next non-blank line; other glyphs become "•". Runs before
    `normalize_text`, which would drop the control-code bullets.
    """
    out: list[str] = []
    waiting = False  # a bullet stood alone on the line before
    for line in text.split("\n"):
        m = _BULLET_LINE.match(line)
        if m and m.group(2):
            out.append(f"{BULLET} {m.group(2).strip()}")
            waiting = False
        elif m and m.group(1) in _LONE_BULLETS:
            waiting = True
        elif waiting and line.strip():
            out.append(f"{BULLET} {line.strip()}")
            waiting = False
        elif not waiting:
            out.append(line)
    return "\n".join(out)


def join_wrapped_lines(text: str) -> str:
    """Join lines that a PDF wrapped mid-sentence, so excerpts read as paragraphs.

    A break is joined when the line before does not end a sentence and the next line goes on in
    lower case (or with a digit or an opening bracket). Headings, bullets and lines starting with a
    capital keep their own lines; caseless scripts are left alone.
    """
    lines = text.split("\n")
    hyphenated = {w.lower() for w in _HYPHENATED_WORD.findall(text)}
    out = [lines[0]]
    for line in lines[1:]:
        prev, rest = out[-1].rstrip(), line.lstrip()
        head = rest[:1]
        if prev and prev[-1] not in _SENTENCE_END and (head.islower() or head.isdigit() or head == "("):
            out[-1] = _join_hyphenated(prev, rest, hyphenated) or f"{prev} {rest}"
        else:
            out.append(line)
    return "\n".join(out)


_HYPHENATED_WORD = re.compile(r"\w+(?:[-\u2010]\w+)+")
# A word hyphenated at the end of a line (also `kb.drafting.quotes`, which reflows stored passages).
WORD_BEFORE_HYPHEN = re.compile(r"(\w+)[-\u2010]$")
# "and" / "or" (and "as well as") in the corpus's languages: after a hyphen, a compound left open
# ("Ausstiegs- und Distanzierungsberatung"). `kb.drafting.quotes` adds a few more for exports.
OPEN_COMPOUND_WORDS = frozenset({"und", "oder", "bzw", "sowie", "and", "or", "et", "ou", "y", "o", "e", "u"})


def _join_hyphenated(prev: str, rest: str, hyphenated: set[str]) -> str | None:
    """`prev` + `rest` when `prev` ends in a word hyphenated at the line break, else None.

    "adip-" + "iscing" is "adipiscing"; the hyphen is kept only when the text writes the word with
    one elsewhere ("city-wide"), since a typesetter's hyphen and a compound's look the same here. A
    hyphen before "und", "or", "et" ... is a word left open for the next ("Ausstiegs- und
    Distanzierungsberatung", "pre- and post-"): hyphen and space both stay.
    """
    m = WORD_BEFORE_HYPHEN.search(prev)
    if not m or not rest[:1].isalpha():
        return None
    first = rest.split(maxsplit=1)[0].rstrip(".,;:!?)")
    if first.lower() in OPEN_COMPOUND_WORDS:
        return f"{prev} {rest}"
    keep = f"{m.group(1)}-{first}".lower() in hyphenated
    return prev + rest if keep else prev[:-1] + rest


def normalize_text(text: str) -> str:
    """NFKC, drop control/invisible characters, collapse spaces, keep paragraph breaks.

    NFKC folds ligatures ("ﬁ") and Arabic presentation forms into ordinary letters, so search and
    the tokenizer see the same characters whatever produced the file; not ordinal signs, superscripts
    or fractions ("6º" read "6o", `_AS_PRINTED`). pypdf returns double spaces on
    justified text; collapsing them keeps spans and highlights stable.

    Args:
        text: raw text from a reader.

    Returns:
        Text with lines stripped, single spaces, and at most one blank line between paragraphs.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(part if i % 2 else unicodedata.normalize("NFKC", part)
                   for i, part in enumerate(_AS_PRINTED.split(text)))
    text = _INVISIBLE.sub("", text)
    text = _SPACES.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    text = _MANY_NEWLINES.sub("\n\n", text)
    return text.strip()


def clean_inline(text: str) -> str:
    """Normalise a one-line string such as a title or a heading."""
    return " ".join(normalize_text(text).split())


def same_words(a: str, b: str) -> bool:
    """Whether two headings say the same, spacing and case aside ("THE PLAN" is "The plan")."""
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()
