"""The records the atlas hands out: cities, comparable cities, section examples and label reports.

Plain frozen dataclasses with `to_dict` for `--json` and the web UI; nothing here touches storage.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from kb.types import Hit

__all__ = ["CitySection", "CityDocument", "City", "ComparableCity", "SectionExample", "RelabelReport"]


@dataclass(frozen=True)
class CitySection:
    """How one city's documents cover one framework section."""

    section: str
    title: str
    excerpts: int  # chunks of the city's documents labelled with this section
    best_chunk: int | None  # the chunk with the highest label score, or None
    best_score: float = 0.0


@dataclass(frozen=True)
class CityDocument:
    id: int
    title: str
    source: str
    language: str
    year: int | None
    doc_type: str | None


@dataclass(frozen=True)
class City:
    """A city as its documents' metadata describe it (see kb.atlas.cities for how spellings merge)."""

    key: str  # the folded name ("harrow bend"), plus " (cc)" when two countries share a name
    name: str  # the spelling most documents use
    country: str | None
    region: str | None
    population_band: str | None
    languages: tuple[str, ...]
    documents: tuple[CityDocument, ...]
    themes: tuple[str, ...]  # most frequent first
    years: tuple[int, ...]
    sections: tuple[CitySection, ...]  # in framework order
    chunks: int = 0
    spellings: tuple[str, ...] = ()  # every way the documents write the name
    conflicts: tuple[str, ...] = ()  # metadata the documents disagree on, said plainly

    def coverage(self) -> dict[str, int]:
        """Section key -> excerpts speaking to it."""
        return {s.section: s.excerpts for s in self.sections}

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ComparableCity:
    """Another city, how like the profile it is (0..1), and why, in words."""

    key: str
    name: str
    country: str | None
    region: str | None
    population_band: str | None
    score: float
    reasons: tuple[str, ...]  # e.g. "same size band (50k-250k)", "both work on online hate"
    parts: dict[str, float] = field(default_factory=dict)  # each part of the score, 0..1
    # the reasons as data, in the same order, for a UI to word in its language: (code, params), codes
    # size_same/size_near {band}, country {country}, region {region}, themes {themes}, sections
    # {sections}, text_city, text_themes {themes}
    why: tuple[tuple[str, dict[str, Any]], ...] = ()

    @property
    def explanation(self) -> str:
        """The reasons as one sentence ("Same size band (50k-250k); same region (Europe).")."""
        if not self.reasons:
            return "Little in common with the profile."
        text = "; ".join(self.reasons)
        return text[0].upper() + text[1:] + "."

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "explanation": self.explanation}


@dataclass(frozen=True)
class SectionExample:
    """A cited excerpt that speaks to a framework section, and (with a profile) how comparable its city is."""

    hit: Hit
    section: str
    label_score: float
    city_similarity: float | None = None
    reason: str = ""  # why its city is comparable, or ""

    def to_dict(self) -> dict[str, Any]:
        """The hit's fields (its `section` is the heading path) plus `framework_section` and the rest."""
        return {**self.hit.to_dict(), "framework_section": self.section, "label_score": round(self.label_score, 4),
                "city_similarity": None if self.city_similarity is None else round(self.city_similarity, 3),
                "reason": self.reason}


@dataclass(frozen=True)
class RelabelReport:
    """What `kb relabel` (or opening a KB whose framework changed) did."""

    chunks: int  # chunks labelled
    labelled: int  # of them, given at least one section
    per_section: dict[str, int]
    framework: str  # the framework file used
    digest: str
    seconds: float
    kept_old: bool = False  # the framework could not be read: the old labels stay
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
