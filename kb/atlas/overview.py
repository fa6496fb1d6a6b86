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
from kb.country_names import COUNTRY_NAMES

__all__ = ["Count", "HeatRow", "Overview", "build_overview", "language_name", "METADATA_HINT"]

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
    gaps: tuple[str, ...]
    notes: tuple[str, ...] = field(default=())  # how to add metadata, a framework file that cannot be read

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["sections"] = [{"key": k, "title": t} for k, t in self.sections]
        return d


def _counts(rows: Sequence[tuple[str, int]], label: Any = str, by_value: bool = False) -> tuple[Count, ...]:
    items = [Count(str(v), label(str(v)), int(n)) for v, n in rows]
    order = (lambda c: c.value) if by_value else (lambda c: (-c.count, c.label))
    return tuple(sorted(items, key=order))


def _gaps(sections: Sequence[tuple[str, str]], languages: Sequence[str], per_language: dict[tuple[str, str], int],
          totals: dict[str, int], cities: Sequence[City]) -> list[str]:
    out: list[str] = []
    for key, title in sections:
        if not totals.get(key):
            out.append(f"No document in the collection covers “{title}”.")
            continue
        missing = [language_name(lang) for lang in languages if not per_language.get((lang, key))]
        for name in missing:
            out.append(f"No document in {name} covers “{title}”.")
        if len(cities) >= 3:
            having = [c.name for c in cities if c.coverage().get(key)]
            if len(having) == 1:
                out.append(f"Only one city, {having[0]}, has documents on “{title}”.")
            elif not having:
                out.append(f"No city's own documents cover “{title}” (only documents naming no city do).")
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
    notes: Sequence[str] = (),
) -> Overview:
    """Assemble the overview from catalog counts (see kb.atlas.atlas.Atlas.overview).

    Args:
        facet_counts: facet key ("language", "country", "doc_type", "year") -> (value, documents).
        per_language: (chunk language, section key) -> labelled chunks; totals: section key -> labelled chunks.
    """
    languages = [v for v, _ in facet_counts.get("language", [])]
    gaps = _gaps(sections, sorted(languages, key=language_name), per_language, totals, cities)
    notes = list(notes)
    if documents and not cities:
        notes.append(METADATA_HINT)
    if len(gaps) > MAX_GAPS:
        gaps = [*gaps[:MAX_GAPS], f"… and {len(gaps) - MAX_GAPS} more gaps (see `kb overview --json`)."]
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
        gaps=tuple(gaps),
        notes=tuple(notes),
    )
