"""Cities as first-class records, built from the metadata of their documents.

A city is every document whose `city` field names it, however it is spelled: names are compared
folded (case, accents, spacing and punctuation ignored), so "Harrow Bend", "harrow bend" and
"HARROW-BEND" are one city, shown under the spelling most of its documents use. Two documents that
name the same city but different countries are two cities (there is a Córdoba in Spain and one in
Argentina). Where its documents disagree (one says 50k-250k, another 250k-1m), the value most
documents give wins and the disagreement is kept in `conflicts`, so a coordinator can fix it.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from kb.atlas.records import City, CityDocument, CitySection
from kb.types import Document

__all__ = ["fold", "city_key", "theme_key", "theme_words", "SectionStats", "build_cities"]


def fold(text: str) -> str:
    """Lower-case words without accents or punctuation: what two spellings of one name share."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return " ".join(re.findall(r"\w+", plain))


def city_key(name: str) -> str:
    """The key a city's documents are grouped under ("Harrow Bend" -> "harrow bend")."""
    return fold(name)


def theme_key(theme: str) -> str:
    """A theme as stored in metadata ("Online hate" -> "online-hate")."""
    return "-".join(fold(theme).split())


def theme_words(theme: str) -> str:
    """A theme as a person writes it ("online-hate" -> "online hate")."""
    return theme.replace("-", " ").replace("_", " ")


@dataclass(frozen=True)
class SectionStats:
    """One document's chunks labelled with one section: how many, and the best one."""

    excerpts: int
    best_chunk: int
    best_score: float


def _spelling_rank(name: str, count: int) -> tuple[int, bool, bool, int, str]:
    # most documents first; then a name as names are written (not all capitals, not all lower case),
    # then one keeping its accents over a flattened one
    letters = [ch for ch in name if ch.isalpha() and ch.lower() != ch.upper()]
    shouted = bool(letters) and all(ch.isupper() for ch in letters)
    flat = bool(letters) and all(ch.islower() for ch in letters)
    marks = sum(1 for ch in unicodedata.normalize("NFKD", name) if unicodedata.combining(ch))
    return (-count, shouted, flat, -marks, name)


def _most_common(values: Iterable[str | None], what: str, conflicts: list[str]) -> str | None:
    counts = Counter(v for v in values if v)
    if not counts:
        return None
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    if len(ranked) > 1:
        said = " and ".join(f"{v} ({n} document{'s' if n != 1 else ''})" for v, n in ranked)
        conflicts.append(f"{what} given as {said}")
    return ranked[0][0]


def _groups(docs: Sequence[Document]) -> dict[str, list[Document]]:
    """Documents by city: the folded name, split by country when two countries share it."""
    by_name: dict[str, list[Document]] = {}
    for d in docs:
        name = str(d.metadata.get("city") or "").strip()
        if name and city_key(name):
            by_name.setdefault(city_key(name), []).append(d)
    out: dict[str, list[Document]] = {}
    for key, group in by_name.items():
        countries = Counter(d.metadata.get("country") for d in group if d.metadata.get("country"))
        if len(countries) <= 1:
            out[key] = group
            continue
        main = countries.most_common(1)[0][0]  # documents naming no country join the most common one
        for d in group:
            country = d.metadata.get("country") or main
            out.setdefault(f"{key} ({str(country).lower()})", []).append(d)
    return out


def build_cities(
    docs: Sequence[Document],
    sections: Sequence[tuple[str, str]],
    stats: Mapping[int, Mapping[str, SectionStats]],
) -> list[City]:
    """Every city named in the documents' metadata, with what its documents cover.

    Args:
        docs: the catalog's documents (with metadata and chunk counts).
        sections: (key, title) of the framework's sections, in order.
        stats: document id -> section key -> that document's labelled chunks for the section.

    Returns:
        Cities by name. Documents naming no city belong to none (the overview counts them).
    """
    cities: list[City] = []
    for key, group in _groups(docs).items():
        group = sorted(group, key=lambda d: d.id)
        conflicts: list[str] = []
        spellings = Counter(str(d.metadata["city"]).strip() for d in group)
        name = sorted(spellings.items(), key=lambda kv: _spelling_rank(*kv))[0][0]
        country = _most_common((d.metadata.get("country") for d in group), "country", conflicts)
        region = _most_common((d.metadata.get("region") for d in group), "region", conflicts)
        band = _most_common((d.metadata.get("population_band") for d in group), "population band", conflicts)
        themes = Counter(t for d in group for t in (d.metadata.get("themes") or []))
        years = sorted({int(d.metadata["year"]) for d in group if d.metadata.get("year")})
        covered = []
        for skey, title in sections:
            per_doc = [stats[d.id][skey] for d in group if skey in stats.get(d.id, {})]
            best = max(per_doc, key=lambda s: s.best_score, default=None)
            covered.append(CitySection(skey, title, sum(s.excerpts for s in per_doc),
                                       best.best_chunk if best else None, best.best_score if best else 0.0))
        cities.append(City(
            key=key,
            name=name,
            country=country,
            region=region,
            population_band=band,
            languages=tuple(sorted({d.language for d in group})),
            documents=tuple(CityDocument(d.id, d.title, d.source, d.language, d.metadata.get("year"),
                                         d.metadata.get("doc_type")) for d in group),
            themes=tuple(t for t, _ in sorted(themes.items(), key=lambda kv: (-kv[1], kv[0]))),
            years=tuple(years),
            sections=tuple(covered),
            chunks=sum(d.chunk_count for d in group),
            spellings=tuple(sorted(spellings)),
            conflicts=tuple(conflicts),
        ))
    return sorted(cities, key=lambda c: (fold(c.name), c.key))
