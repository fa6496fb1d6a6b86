"""The collection at a glance: what it holds, which cities cover which framework sections, and the gaps.

Only counts and labels already in the catalog are read (no model, no index), so the overview is
cheap enough to build on every page load. Every figure comes as data; how it is drawn (SVG charts
with table fallbacks, `--json`) is the caller's business.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from kb.atlas.records import City
from kb.indexing.country_names import COUNTRY_NAMES

__all__ = ["Count", "Gap", "HeatRow", "Note", "Overview", "build_overview", "language_name", "METADATA_HINT"]

LANGUAGE_NAMES = {
    "ar": "Arabic", "bn": "Bengali", "cs": "Czech", "da": "Danish", "de": "German", "el": "Greek",
    "en": "English", "es": "Spanish", "fa": "Persian", "fi": "Finnish", "fr": "French", "he": "Hebrew",
    "hi": "Hindi", "hu": "Hungarian", "id": "Indonesian", "it": "Italian", "ja": "Japanese", "ko": "Korean",
    "nl": "Dutch", "no": "Norwegian", "pl": "Polish", "pt": "Portuguese", "ro": "Romanian", "ru": "Russian",
    "sv": "Swedish", "sw": "Swahili", "th": "Thai", "tr": "Turkish", "uk": "Ukrainian", "ur": "Urdu",
    "vi": "Vietnamese", "zh": "Chinese", "und": "an unknown language",
}
METADATA_HINT = (
    "No document names its city yet. Add `city`, `country`, `region` and `population_band` metadata: "
    "`kb set DOC city=… country=… region=… population_band=50k-250k`, the Library tab's form, or a "
    "manifest CSV with those columns (`kb add FOLDER --manifest manifest.csv`)."
)
MAX_GAPS = 40


def language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code, code)


@dataclass(frozen=True)
class Count:
    """One bar of a chart: a value, how a person reads it, and how many documents have it."""

    value: str
    label: str
    count: int


@dataclass(frozen=True)
class Gap:
    """Something the collection lacks, as data (the UI words it in the page language; `text` is English).

    kind: "section" (no document covers the section), "language" (no document in `language` does),
    "one_city" (only `city` has documents on it), "no_city" (only documents naming no city cover it).
    """

    kind: str
    section: str
    section_title: str
    language: str | None = None
    city: str | None = None

    @property
    def text(self) -> str:
        title = f"“{self.section_title}”"
        if self.kind == "section":
            return f"No document in the collection covers {title}."
        if self.kind == "language":
            return f"No document in {language_name(self.language or 'und')} covers {title}."
        if self.kind == "one_city":
            return f"Only one city, {self.city}, has documents on {title}."
        return f"No city's own documents cover {title} (only documents naming no city do)."

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "text": self.text}


@dataclass(frozen=True)
class Note:
    """Something the reader of the overview should know: "no_city_metadata" (with how to add it) or
    "framework_error" (the framework file cannot be read; `detail` says why)."""

    kind: str
    detail: str = ""

    @property
    def text(self) -> str:
        if self.kind == "no_city_metadata":
            return METADATA_HINT
        return f"The framework file could not be read, so the labels of its previous version are kept: {self.detail}"

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "text": self.text}


@dataclass(frozen=True)
class HeatRow:
    """One city of the heat map: excerpts speaking to each framework section, in framework order."""

    city: str  # the city key
    name: str
    country: str | None
    cells: tuple[int, ...]


@dataclass(frozen=True)
class Overview:
    documents: int
    chunks: int
    labelled: int  # chunks labelled with at least one section
    by_language: tuple[Count, ...]
    by_country: tuple[Count, ...]
    by_doc_type: tuple[Count, ...]
    by_year: tuple[Count, ...]
    sections: tuple[tuple[str, str], ...]  # (key, title)
    heat: tuple[HeatRow, ...]
    no_city_documents: int
    gaps: tuple[Gap, ...]
    notes: tuple[Note, ...] = field(default=())
    more_gaps: int = 0  # gaps left out of `gaps` (it keeps the first MAX_GAPS)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["sections"] = [{"key": k, "title": t} for k, t in self.sections]
        d["gaps"] = [g.to_dict() for g in self.gaps]
        d["notes"] = [n.to_dict() for n in self.notes]
        return d


def _counts(rows: Sequence[tuple[str, int]], label: Any = str, by_value: bool = False) -> tuple[Count, ...]:
    items = [Count(str(v), label(str(v)), int(n)) for v, n in rows]
    order = (lambda c: c.value) if by_value else (lambda c: (-c.count, c.label))
    return tuple(sorted(items, key=order))


def _gaps(sections: Sequence[tuple[str, str]], languages: Sequence[str], per_language: dict[tuple[str, str], int],
          totals: dict[str, int], cities: Sequence[City]) -> list[Gap]:
    out: list[Gap] = []
    for key, title in sections:
        if not totals.get(key):
            out.append(Gap("section", key, title))
            continue
        out += [Gap("language", key, title, language=lang) for lang in languages if not per_language.get((lang, key))]
        if len(cities) >= 3:
            having = [c.name for c in cities if c.coverage().get(key)]
            if len(having) == 1:
                out.append(Gap("one_city", key, title, city=having[0]))
            elif not having:
                out.append(Gap("no_city", key, title))
    return out


def build_overview(
    *,
    documents: int,
    chunks: int,
    labelled: int,
    facet_counts: dict[str, list[tuple[str, int]]],
    sections: Sequence[tuple[str, str]],
    cities: Sequence[City],
    no_city_documents: int,
    per_language: dict[tuple[str, str], int],
    totals: dict[str, int],
    notes: Sequence[Note] = (),
) -> Overview:
    """Assemble the overview from catalog counts (see kb.atlas.atlas.Atlas.overview).

    Args:
        facet_counts: facet key ("language", "country", "doc_type", "year") -> (value, documents).
        per_language: (chunk language, section key) -> labelled chunks; totals: section key -> labelled chunks.
    """
    # no gap "in an unknown language": a reader cannot look for documents written in no language
    languages = [v for v, _ in facet_counts.get("language", []) if v != "und"]
    gaps = _gaps(sections, sorted(languages, key=language_name), per_language, totals, cities)
    notes = list(notes)
    if documents and not cities:
        notes.append(Note("no_city_metadata"))
    more = max(0, len(gaps) - MAX_GAPS)
    return Overview(
        documents=documents,
        chunks=chunks,
        labelled=labelled,
        by_language=_counts(facet_counts.get("language", []), lambda v: f"{language_name(v)} ({v})"),
        by_country=_counts(facet_counts.get("country", []), lambda v: f"{COUNTRY_NAMES.get(v, v)} ({v})"),
        by_doc_type=_counts(facet_counts.get("doc_type", [])),
        by_year=_counts(facet_counts.get("year", []), by_value=True),
        sections=tuple(sections),
        heat=tuple(HeatRow(c.key, c.name, c.country, tuple(s.excerpts for s in c.sections)) for c in cities),
        no_city_documents=no_city_documents,
        gaps=tuple(gaps[:MAX_GAPS]),
        notes=tuple(notes),
        more_gaps=more,
    )
