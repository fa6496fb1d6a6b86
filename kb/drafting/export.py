"""Export a draft as DOCX, Markdown, and its references as CSL-JSON (for Zotero and other managers).

All three share one numbering: references are numbered in order of first use, and excerpts with
the same citation share a number. Output depends only on the draft, so exporting twice gives the
same Markdown and CSL-JSON, and DOCX files with the same text and document properties.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from ingest import same_words
from ingest.language import is_right_to_left
from kb.drafting.docx_language import language_code, mark_language, set_document_language
from kb.drafting.drafts import Draft, DraftItem
from kb.drafting.quotes import quote_for_reading

__all__ = ["Reference", "Appendix", "references", "to_markdown", "to_docx", "to_csl_json", "export", "FORMATS",
           "SectionNote"]

FORMATS = {"docx": ".docx", "markdown": ".md", "csl-json": ".json"}


@dataclass(frozen=True)
class Reference:
    """One numbered entry of the reference list and the data CSL-JSON needs."""

    number: int
    citation: str
    item: DraftItem  # the first excerpt that used it


class Appendix(Protocol):
    """A part exported with the draft (the city's directory, the leadership group) whose sources are
    numbered in the same reference list. It goes at the end of the framework section it belongs to
    (`section`, a framework key: the directory table in "Directory of programmes and stakeholders",
    without a heading repeating that section's), else after the sections, under its own heading."""

    @property
    def section(self) -> str: ...
    def cited(self) -> Sequence[DraftItem]: ...
    def markdown(self, numbers: Mapping[str, int], heading: bool = True) -> list[str]: ...
    def docx(self, doc: Any, numbers: Mapping[str, int], heading: bool = True) -> None: ...


def _placed(draft: Draft, appendices: Sequence[Appendix]) -> tuple[dict[str, list[Appendix]], list[Appendix]]:
    """({section key: the appendices at its end}, the appendices after every section)."""
    keys = {sec.section.key for sec in draft.sections}
    inside: dict[str, list[Appendix]] = {}
    for a in appendices:
        if a.section in keys:
            inside.setdefault(a.section, []).append(a)
    return inside, [a for a in appendices if a.section not in keys]


# How a reference is written in the list: its stored citation, or (from the UI) in the drafter's language.
Cite = Callable[[DraftItem], str]
# How CSL-JSON's note names a reference's section path ("Section: § 5 Beschlüsse"), in the drafter's
# language from the UI (`lambda path: t(lang, "export.section_note", section=path)`).
SectionNote = Callable[[str], str]
# How CSL-JSON's genre names a document type ("pilot-output" -> "Resultado de piloto"), in the drafter's
# language from the UI: a code is internal, a reference manager shows the genre to readers.
Genre = Callable[[str], str]


def _english_note(path: str) -> str:
    return f"Section: {path}"


def references(draft: Draft, appendices: Sequence[Appendix] = (), cite: Cite | None = None) -> list[Reference]:
    """The draft's references, numbered in order of first use (same stored citation, same number),
    each written by `cite` (default: as stored)."""
    refs: dict[str, Reference] = {}
    inside, after = _placed(draft, appendices)
    in_order = [item for sec in draft.sections
                for item in [*sec.items, *(i for a in inside.get(sec.section.key, ()) for i in a.cited())]]
    for item in [*in_order, *(i for a in after for i in a.cited())]:
        if item.kind == "excerpt" and item.citation not in refs:
            refs[item.citation] = Reference(len(refs) + 1, cite(item) if cite else item.citation, item)
    return list(refs.values())


def _numbers(draft: Draft, appendices: Sequence[Appendix] = ()) -> dict[str, int]:
    return {r.item.citation: r.number for r in references(draft, appendices)}


def _heading_line(draft: Draft) -> str:
    return f"{draft.framework_title} — {draft.city}" if draft.city else draft.framework_title


def to_markdown(draft: Draft, references_heading: str = "References", appendices: Sequence[Appendix] = (),
                cite: Cite | None = None) -> str:
    """The draft as Markdown: sections as `##` headings, excerpts as `> ` blockquotes ending in [n]
    (as `quote_for_reading` gives them), then the appendices (directory, leadership group) and the
    references."""
    numbers = _numbers(draft, appendices)
    inside, after = _placed(draft, appendices)
    out = [f"# {draft.title}", "", f"*{_heading_line(draft)}*", ""]
    for sec in draft.sections:
        out += [f"## {sec.section.title}", ""]
        if sec.section.purpose:
            out += [f"*{sec.section.purpose}*", ""]
        for item in sec.items:
            if item.kind == "excerpt":
                out += _quote(quote_for_reading(item), numbers[item.citation])
            else:
                out += [item.text.strip(), ""]
        for appendix in inside.get(sec.section.key, ()):
            out += appendix.markdown(numbers, heading=False)
    for appendix in after:
        out += appendix.markdown(numbers)
    refs = references(draft, appendices, cite)
    if refs:
        out += [f"## {references_heading}", ""]
        out += [f"{r.number}. {r.citation}" for r in refs]
        out.append("")
    return "\n".join(out)


# Characters that Markdown would read as markup anywhere in a line, and at the start of one.
_MD_INLINE = re.compile(r"([\\`*_<\[\]])")
_MD_LINE_START = re.compile(r"^([#>+=-])")


def _quote(text: str, number: int) -> list[str]:
    """An excerpt as a blockquote ending in [n], verbatim once rendered.

    Each line of an excerpt (its wrapped lines joined: `quote_for_reading`) is a paragraph, heading,
    list item or table row, so lines are kept apart by empty quote lines (adjacent "> " lines would
    render run together); characters that Markdown reads as markup are escaped, so "<cada>" or "*"
    show as written.
    """
    lines = [_MD_LINE_START.sub(r"\\\1", _MD_INLINE.sub(r"\\\1", line.strip()))
             for line in text.strip().splitlines() if line.strip()] or [""]
    lines[-1] = f"{lines[-1]} [{number}]".lstrip()
    return ["\n>\n".join(f"> {line}".rstrip() for line in lines), ""]


def _xml_safe(text: str) -> str:
    # Word refuses control characters that PDFs sometimes leave in extracted text.
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", text)


def _stamp(value: str) -> datetime:
    try:
        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        return datetime(2000, 1, 1)


# Scripts written right to left (Hebrew, Arabic, Syriac, Thaana, N'Ko ... and their presentation forms).
_RTL_CHARS = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")
_LTR_CHARS = re.compile(r"[^\W\d_]")


def is_rtl(text: str, language: str | None = None) -> bool:
    """Whether a paragraph reads right to left: its first letter is of a right-to-left script."""
    letter = _LTR_CHARS.search(text)
    if letter is None:
        return is_right_to_left(language)
    return bool(_RTL_CHARS.match(letter.group(0)))


# What may follow <w:bidi/> inside <w:pPr>, in the order the Office Open XML schema requires.
_AFTER_BIDI = ("w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
               "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
               "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")


def _mark_rtl(para: Any) -> None:
    """Mark a Word paragraph and its runs right to left (<w:bidi/>, <w:rtl/>), as Word does for Arabic."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    ppr = para._p.get_or_add_pPr()
    if ppr.find(qn("w:bidi")) is None:
        ppr.insert_element_before(OxmlElement("w:bidi"), *_AFTER_BIDI)
    for run in para.runs:
        run._r.get_or_add_rPr().get_or_add_rtl()


def to_docx(draft: Draft, path: str | Path, references_heading: str = "References",
            appendices: Sequence[Appendix] = (), rtl: bool | None = None, cite: Cite | None = None,
            language: str | None = None) -> Path:
    """Write the draft as a Word document.

    Args:
        draft: the draft (from `Drafts.get`).
        path: where to write the .docx.
        references_heading: the heading of the reference list (the drafter's language).
        appendices: parts after the sections (the directory and the leadership group, as tables).
        rtl: the drafter writes right to left (Arabic): the document's section is laid out right
            to left too (page order, table columns), not only its Arabic paragraphs. None (the
            default) takes it from `language`.
        cite: how the reference list writes each citation (default: as stored).
        language: the drafter's language (ISO 639-1): the document's language property and the
            default language of its text (spelling, hyphenation); None leaves the template's.

    Returns:
        The path written. Excerpts (as `quote_for_reading` gives them) use the "Quote" style followed
        by [n], their words marked in their own language; notes are normal paragraphs; a
        "References" section at the end lists each full citation. A paragraph in a right-to-left
        script (an Arabic quote, note or title) is marked right to left, so Word lays it out and
        punctuates it as Arabic.
    """
    from docx import Document as DocxDocument

    numbers = _numbers(draft, appendices)
    inside, after = _placed(draft, appendices)
    doc = DocxDocument()
    # Fixed properties (from the draft, not the clock) so two exports of one draft match.
    props = doc.core_properties
    props.title = draft.title
    props.author = props.last_modified_by = ""
    props.created = _stamp(draft.created_at)
    props.modified = _stamp(draft.updated_at)
    props.revision = 1
    drafter = language_code(language)
    if rtl is None:
        rtl = is_right_to_left(drafter)
    if drafter:
        set_document_language(doc, drafter)
    if rtl:
        from docx.oxml import OxmlElement

        doc.sections[0]._sectPr.append(OxmlElement("w:bidi"))

    def direct(para: Any, language: str | None = None) -> Any:
        if is_rtl(para.text, language):
            _mark_rtl(para)
        return para

    direct(doc.add_heading(_xml_safe(draft.title), level=0))
    line = doc.add_paragraph(_xml_safe(_heading_line(draft)))
    line.runs[0].italic = True
    direct(line)
    for sec in draft.sections:
        direct(doc.add_heading(_xml_safe(sec.section.title), level=1))
        if sec.section.purpose:
            purpose = doc.add_paragraph(_xml_safe(sec.section.purpose))
            purpose.runs[0].italic = True
            direct(purpose)
        for item in sec.items:
            if item.kind == "excerpt":
                para = doc.add_paragraph(_xml_safe(quote_for_reading(item)), style="Quote")
                quoted_in = language_code(item.meta.get("language"))
                if quoted_in and quoted_in != drafter and para.runs:
                    mark_language(para.runs[0]._r.get_or_add_rPr(), quoted_in)
                para.add_run(f" [{numbers[item.citation]}]")
                direct(para, item.meta.get("language"))
            else:
                direct(doc.add_paragraph(_xml_safe(item.text.strip())))
        for appendix in inside.get(sec.section.key, ()):
            appendix.docx(doc, numbers, heading=False)
    for appendix in after:
        appendix.docx(doc, numbers)
    refs = references(draft, appendices, cite)
    if refs:
        direct(doc.add_heading(_xml_safe(references_heading), level=1))
        for r in refs:  # in the drafter's language (see `cite`): right to left in a right-to-left draft
            para = doc.add_paragraph(_xml_safe(f"[{r.number}] {r.citation}"))
            _mark_rtl(para) if rtl else direct(para)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


def _csl_item(ref: Reference, section_note: SectionNote = _english_note, genre: Genre = str) -> dict[str, Any]:
    meta = ref.item.meta
    item: dict[str, Any] = {
        "id": f"ref{ref.number}",
        "type": "report",
        "title": meta.get("title") or ref.item.source or ref.citation,
    }
    author = meta.get("author") or meta.get("city")
    if author:  # the publishing city or organisation: a name, not a person
        item["author"] = [{"literal": str(author)}]
    place = ", ".join(str(p) for p in (meta.get("city"), meta.get("country")) if p)
    if place:
        item["publisher-place"] = place
    year = str(meta.get("year") or "")
    if year.isdigit():
        item["issued"] = {"date-parts": [[int(year)]]}
    if ref.item.page:
        item["page"] = str(ref.item.page)
    # a heading that only repeats the title (a Markdown file's H1) is not said again, as in citations
    path = [str(s) for s in meta.get("section") or () if not same_words(str(s), str(item["title"]))]
    if path:
        item["note"] = section_note(" › ".join(path))
    if meta.get("url"):
        item["URL"] = str(meta["url"])
    if meta.get("language") and meta["language"] != "und":
        item["language"] = meta["language"]
    if meta.get("doc_type"):
        item["genre"] = genre(str(meta["doc_type"]))
    return item


def to_csl_json(draft: Draft, appendices: Sequence[Appendix] = (), section_note: SectionNote | None = None,
                genre: Genre | None = None) -> list[dict[str, Any]]:
    """The references as CSL-JSON items (type "report"), in reference-number order; `section_note`
    writes the note naming a reference's section (default: "Section: ...", in English), `genre` the
    name of its document type (default: the stored code; kb has no words for it)."""
    return [_csl_item(r, section_note or _english_note, genre or str) for r in references(draft, appendices)]


def export(draft: Draft, fmt: str, path: str | Path, references_heading: str = "References",
           appendices: Sequence[Appendix] = (), rtl: bool | None = None, cite: Cite | None = None,
           language: str | None = None, section_note: SectionNote | None = None, genre: Genre | None = None) -> Path:
    """Write a draft in one of FORMATS ("docx", "markdown", "csl-json") and return the path (`rtl`,
    `language`: see `to_docx`; `cite`: how the reference list writes each citation, default as
    stored; CSL-JSON keeps its structured fields, its note on the section written by `section_note`, its
    genre by `genre`)."""
    path = Path(path)
    if fmt == "docx":
        return to_docx(draft, path, references_heading, appendices, rtl=rtl, cite=cite, language=language)
    if fmt == "markdown":
        text = to_markdown(draft, references_heading, appendices, cite)
    elif fmt == "csl-json":
        text = json.dumps(to_csl_json(draft, appendices, section_note, genre), ensure_ascii=False, indent=2) + "\n"
    else:
        raise ValueError(f"Unknown export format {fmt!r}; use one of: {', '.join(FORMATS)}.")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
