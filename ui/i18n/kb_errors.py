"""Messages that `kb` and `ingest` write in English, said in the reader's language.

Outcomes carry an `error_code`; metadata errors start with the field they concern; the few fixed
sentences of an added or updated file are matched whole. Anything not recognised is shown as `kb`
wrote it, after a translated lead-in, so nothing is ever lost in translation.
"""

from __future__ import annotations

import re
from typing import Any

from ui.i18n import Msg, catalogue, t

__all__ = ["outcome_reason", "metadata_error", "field_label"]

_FIXED_REASONS = {
    "Same content, read and cut into chunks again by the current version.": "reason.rechunked",
    "New content replaced the previous version.": "reason.replaced",
    "Same content; metadata updated.": "reason.metadata_updated",
    "Read again from its stored original by the current version.": "reason.reread",
    "No such file or folder.": "reason.missing",
    "Already in the knowledge base with the same content and metadata; nothing changed.": "reason.unchanged",
    "Another name for a file already in this batch.": "reason.batch_twin",
}
_SAME_AS = re.compile(r"^Same content as the stored document '(.+)'\.$")
# kb.ingesting: two files of a batch under one name; a stored document of another place under its name
_SAME_NAME = re.compile(r"^Another file of this batch, (.+), is also named “(.+)”:")
_NAME_TAKEN = re.compile(r"^“(.+)” is already in the knowledge base as document (\d+) \(“(.*)”\), of (.+); "
                         r"this file is of (.+?)\. ")
_TOO_LARGE = re.compile(r"^This file is ([\d.]+) MB; the limit is ([\d.]+) MB\.")  # ingest.reader
# what OCR says of a scan (ingest.records.OcrInfo.summary, ingest.readers.scanned.unread_scan_error)
_OCR_READ = re.compile(r"Read by OCR \(([^,()]+), ([^()]+)\): (\d+) page\(s\), mean confidence (\d+) %\.")
_OCR_LOW = re.compile(r"Low OCR confidence \(under ([\d.]+) %\) on ((?:p\. \d+(?:, )?)+): check against the original\.")
_OCR_NOTHING = re.compile(r"^OCR found no text in this (PDF|image): its pages hold only pictures, or are blank\.$")
_OCR_BLANK = re.compile(r"^This (PDF|image)'s pages are blank: OCR found nothing to read\.$")
# kb.ingesting.ingestor's near-copy note, up to its own end: what follows (OCR's sentences) is kept
_SIMILAR = re.compile(r"\s*About \d+ % of its text is also in .*?both are kept: remove one if it is a copy\.", re.S)


def field_label(field: str, lang: str) -> str:
    """A metadata field's label (`field.<name>`), or its name when the catalogue does not know it."""
    key = f"field.{field}"
    return t(lang, key) if key in catalogue("en") else field


def metadata_error(text: str) -> Msg:
    """A MetadataError's message ("country: 'Narnia' is not an ISO 3166-1 ...") as a message key."""
    field, _, detail = text.partition(": ")
    if field.endswith(".csv") or " line " in field or "." in field:  # a manifest problem: file and line
        return Msg("error.meta.manifest", detail=text)
    name: Msg | str = Msg(f"field.{field}") if f"field.{field}" in catalogue("en") else field
    value = re.search(r"^('.*?'|\".*?\"|\S+)", detail)
    shown = value.group(1).strip("'\"") if value else ""
    if "is not allowed; use one of:" in detail:
        allowed = detail.split("use one of:", 1)[1].strip()
        return Msg("error.meta.choice", field=name, value=shown, allowed=allowed)
    if "ISO 3166-1" in detail:
        return Msg("error.meta.country", field=name, value=shown)
    if "is not a year" in detail:  # "... use a whole year from 1900 to 2100": the range is the schema's
        span = re.search(r"from (\d+) to (\d+)", detail)
        lo, hi = span.groups() if span else ("", "")
        return Msg("error.meta.year", field=name, value=shown, lo=lo, hi=hi)
    if "is not a web address" in detail:
        return Msg("error.meta.url", field=name, value=shown)
    return Msg("error.meta.other", detail=text)


def outcome_reason(f: dict[str, Any], lang: str) -> str:
    """One file's outcome reason, whole, in the reader's language ("" when there is nothing to say)."""
    reason = str(f.get("reason") or "")
    code = f.get("error_code")
    if f.get("outcome") == "failed":
        if code == "metadata":
            return metadata_error(reason.removeprefix("Metadata: ")).text(lang)
        if code == "too_large" and (size := _TOO_LARGE.match(reason)):  # said whole, not half in English
            return t(lang, "reason.too_large_size", size=float(size[1]), limit=float(size[2]))
        if _OCR_NOTHING.match(reason) or _OCR_BLANK.match(reason):
            return t(lang, "reason.no_text", detail=t(lang, "reason.ocr_blank" if _OCR_BLANK.match(reason)
                                                     else "reason.ocr_nothing"))
        if code == "same_name" and (twin := _SAME_NAME.match(reason)):
            return t(lang, "reason.same_name", first=twin[1], source=twin[2])
        if code == "name_taken" and (taken := _NAME_TAKEN.match(reason)):
            return t(lang, "reason.name_taken", source=taken[1], id=taken[2], title=taken[3], stored=taken[4],
                     given=taken[5])
        key = f"reason.{code}"
        if code and key in catalogue("en"):
            return t(lang, key, detail=reason)
        return t(lang, "reason.other", detail=reason) if reason else ""
    base = _SIMILAR.sub("", reason).strip()
    out = []
    if base in _FIXED_REASONS:
        out.append(t(lang, _FIXED_REASONS[base]))
    elif (same := _SAME_AS.match(base)) is not None:
        out.append(t(lang, "reason.same_as", source=same.group(1)))
    elif base:
        out.append(_ocr_said(base, lang))
    if f.get("similar_to"):
        share = round(100 * float(f.get("similarity") or 0))
        out.append(t(lang, "reason.similar", share=share, source=str(f["similar_to"])))
    return " ".join(out)


def _ocr_said(text: str, lang: str) -> str:
    """OCR's sentences in an outcome ("Read by OCR (tesseract 5.3.0, spa): 1 page(s), mean confidence
    95 %.", "Low OCR confidence ... on p. 2: ...") in the reader's language; the rest as written."""
    text = _OCR_READ.sub(lambda m: t(lang, "reason.ocr_read", engine=m.group(1), languages=m.group(2),
                                     n=int(m.group(3)), confidence=m.group(4)), text)
    return _OCR_LOW.sub(lambda m: t(lang, "reason.ocr_low", threshold=m.group(1),
                                    pages=", ".join(t(lang, "card.page", page=p) for p in re.findall(r"\d+", m.group(2)))),
                        text)
