"""How like a profile each known city is, as a score that says why.

The score mixes what the metadata says (size band, country or region, shared themes) with what the
documents say (which framework sections they cover, and how close their text is), each part 0..1
and weighted; a part the profile says nothing about is left out and the rest re-weighted, so a
profile of only a population band ranks by size alone. Each part that counts becomes a reason in
words ("same size band (50k-250k)", "both work on online hate and schools").

Everything is held in arrays built once per set of cities (`CityTable`), so ranking 1,000 cities
is a few array operations and one loop of set intersections.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from kb.atlas.cities import fold, theme_words
from kb.atlas.profile import Profile
from kb.atlas.records import City, ComparableCity

__all__ = ["WEIGHTS", "CityTable", "rank_cities", "join_words", "themes_words"]

# What each part weighs when the profile speaks to it (they sum to 1).
WEIGHTS = {"size": 0.25, "place": 0.25, "themes": 0.25, "sections": 0.10, "text": 0.15}
SAME_REGION = 0.7  # a city of the same region, another country
NEAR_BAND = 0.5  # one population band apart
TEXT_REASON_AT = 0.6  # the text part from which "their documents say ..." is given as a reason
SECTIONS_REASON_AT = 0.8


def join_words(words: Sequence[str]) -> str:
    """"a", "a and b", "a, b and c"."""
    words = list(words)
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1] if words else ""


@dataclass
class CityTable:
    """Known cities as arrays, for ranking against many profiles."""

    cities: list[City]
    coverage: np.ndarray  # [n, sections] share of each city's labelled excerpts per section
    centroids: np.ndarray  # [n, dim] L2-normalised mean chunk vector, zero rows when unknown
    section_titles: dict[str, str]

    @classmethod
    def build(cls, cities: Sequence[City], vectors: Mapping[str, np.ndarray], dim: int) -> CityTable:
        cities = list(cities)
        keys = [s.section for s in cities[0].sections] if cities else []
        cov = np.array([[s.excerpts for s in c.sections] for c in cities], dtype=np.float32).reshape(len(cities), len(keys))
        totals = cov.sum(axis=1, keepdims=True)
        cov = np.divide(cov, totals, out=np.zeros_like(cov), where=totals > 0)
        cent = np.zeros((len(cities), dim), dtype=np.float32)
        for i, c in enumerate(cities):
            v = vectors.get(c.key)
            if v is not None and len(v) == dim:
                cent[i] = v / (np.linalg.norm(v) or 1.0)
        titles = {s.section: s.title for s in cities[0].sections} if cities else {}
        return cls(cities, cov, cent, titles)

    def index(self, key: str | None) -> int | None:
        return next((i for i, c in enumerate(self.cities) if c.key == key), None) if key else None


Why = tuple[str, str, dict[str, Any]]  # (reason in words, code, params)


def _size(profile: Profile, city: City) -> tuple[float, Why | None]:
    from ingest import POPULATION_BANDS

    if not city.population_band or city.population_band not in POPULATION_BANDS:
        return 0.0, None
    assert profile.population_band is not None
    gap = abs(POPULATION_BANDS.index(profile.population_band) - POPULATION_BANDS.index(city.population_band))
    band = {"band": city.population_band}
    if gap == 0:
        return 1.0, (f"same size band ({city.population_band})", "size_same", band)
    if gap == 1:
        return NEAR_BAND, (f"a size band apart ({city.population_band})", "size_near", band)
    return 0.0, None


def _place(profile: Profile, city: City) -> tuple[float, Why | None]:
    if profile.country and city.country == profile.country:
        return 1.0, (f"same country ({city.country})", "country", {"country": city.country})
    if profile.region and city.region and fold(city.region) == fold(profile.region):
        return SAME_REGION, (f"same region ({city.region})", "region", {"region": city.region})
    return 0.0, None


MAX_THEMES_SAID = 3  # themes named in a reason; the rest are counted


def themes_words(themes: Sequence[str]) -> str:
    """"online hate and schools"; "a, b, c and 2 more themes" beyond MAX_THEMES_SAID."""
    words = [theme_words(t) for t in themes]
    if len(words) > MAX_THEMES_SAID:
        return ", ".join(words[:MAX_THEMES_SAID]) + f" and {len(words) - MAX_THEMES_SAID} more themes"
    return join_words(words)


def _themes(profile: Profile, city: City) -> tuple[float, Why | None]:
    shared = [t for t in profile.themes if t in set(city.themes)]
    if not shared:
        return 0.0, None
    return len(shared) / len(profile.themes), ("both work on " + themes_words(shared), "themes", {"themes": shared})


def _relative(values: np.ndarray, skip: int | None) -> np.ndarray:
    """Cosines as 0..1 among the cities: the median city 0, the closest 1 (raw cosines run in a narrow band)."""
    pool = np.delete(values, skip) if skip is not None and len(values) > 1 else values
    if not len(pool):
        return np.zeros_like(values)
    low, high = float(np.median(pool)), float(pool.max())
    if high - low < 1e-6:
        return np.zeros_like(values)
    return np.clip((values - low) / (high - low), 0.0, 1.0)


def rank_cities(
    table: CityTable,
    profile: Profile,
    *,
    text_vector: np.ndarray | None = None,
    k: int | None = None,
) -> list[ComparableCity]:
    """The known cities other than the profile's own, most comparable first.

    Args:
        table: the cities as arrays.
        profile: a checked Profile (see kb.atlas.profile.check_profile).
        text_vector: what the profile's city says (its centroid) or its themes embedded as a query;
            None leaves the text part out.
        k: how many to return (None: all).

    Returns:
        ComparableCity records, best first (ties by name).
    """
    own = table.index(profile.city)
    n = len(table.cities)
    text = None
    if text_vector is not None and n and np.any(text_vector):
        alive = np.any(table.centroids, axis=1)
        text = np.where(alive, _relative(table.centroids @ text_vector.astype(np.float32), own), 0.0)
    sections = None
    if own is not None and table.coverage.shape[1] and table.coverage[own].any():
        mine = table.coverage[own]
        norms = np.linalg.norm(table.coverage, axis=1) * (np.linalg.norm(mine) or 1.0)
        sections = np.divide(table.coverage @ mine, norms, out=np.zeros(n, dtype=np.float32), where=norms > 0)
    used = {
        "size": profile.population_band is not None,
        "place": bool(profile.country or profile.region),
        "themes": bool(profile.themes),
        "sections": sections is not None,
        "text": text is not None,
    }
    total = sum(w for part, w in WEIGHTS.items() if used[part]) or 1.0
    out: list[ComparableCity] = []
    for i, city in enumerate(table.cities):
        if i == own:
            continue
        parts: dict[str, float] = {}
        reasons: list[tuple[float, Why]] = []
        for part, fn in (("size", _size), ("place", _place), ("themes", _themes)):
            if used[part]:
                value, why = fn(profile, city)
                parts[part] = value
                if why:
                    reasons.append((WEIGHTS[part] * value, why))
        if sections is not None:
            parts["sections"] = float(sections[i])
            if sections[i] >= SECTIONS_REASON_AT:
                reasons.append((WEIGHTS["sections"] * float(sections[i]), _sections_reason(table, own, i)))
        if text is not None:
            parts["text"] = float(text[i])
            if text[i] >= TEXT_REASON_AT:
                said: Why = (("their documents read much like yours", "text_city", {}) if own is not None
                             else ("their documents speak to " + themes_words(profile.themes), "text_themes",
                                   {"themes": list(profile.themes)}))
                reasons.append((WEIGHTS["text"] * float(text[i]), said))
        ordered = [why for _, why in sorted(reasons, key=lambda r: -r[0])]
        score = sum(WEIGHTS[p] * v for p, v in parts.items()) / total
        out.append(ComparableCity(
            key=city.key, name=city.name, country=city.country, region=city.region,
            population_band=city.population_band, score=round(score, 4),
            reasons=tuple(w[0] for w in ordered), parts={p: round(v, 4) for p, v in parts.items()},
            why=tuple((w[1], w[2]) for w in ordered),
        ))
    out.sort(key=lambda c: (-c.score, fold(c.name)))
    return out[:k] if k is not None else out


def _sections_reason(table: CityTable, own: int | None, i: int) -> Why:
    assert own is not None
    keys = list(table.section_titles)
    both = [j for j in range(len(keys)) if table.coverage[own, j] > 0 and table.coverage[i, j] > 0]
    top = sorted(both, key=lambda j: -min(table.coverage[own, j], table.coverage[i, j]))[:2]
    titles = [table.section_titles[keys[j]].lower() for j in top]
    said = "documents on the same framework sections" + (f" ({join_words(titles)})" if titles else "")
    return said, "sections", {"sections": [keys[j] for j in top]}
