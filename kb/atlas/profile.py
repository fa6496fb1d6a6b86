"""A city profile: what "comparable" is measured against, typed in or taken from a known city.

A profile names a population band, a region, a country and themes of concern, or "my city" (a city
the KB knows), whose metadata then fills whatever was not typed. Values are checked against what
is allowed (the population bands of `ingest`, the regions the KB's documents name, ISO country
codes), and a wrong one is refused with the allowed values listed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

from kb.atlas.cities import city_key, fold, theme_key, theme_words
from kb.atlas.records import City

__all__ = ["Profile", "ProfileError", "check_profile", "find_city", "parse_profile_text"]

MAX_LISTED_CITIES = 30  # in an error naming the known cities


class ProfileError(ValueError):
    """A profile value that is not allowed; the message lists what is.

    Attributes (for a UI to word it): field ("population_band", "region", "country", "city" or
    "profile" when nothing was described), value, allowed (the allowed values, when a list).
    """

    def __init__(self, message: str, *, field: str = "profile", value: str = "",
                 allowed: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.field, self.value, self.allowed = field, value, tuple(allowed)


@dataclass(frozen=True)
class Profile:
    """What a city is like, for finding comparable cities.

    Attributes:
        population_band: one of ingest.POPULATION_BANDS ("<50k", "50k-250k", "250k-1m", ">1m").
        region: a region the KB's documents name (e.g. "Latin America").
        country: ISO 3166-1 alpha-2 code.
        themes: theme keys as in metadata ("online-hate", "schools").
        city: the key of "my city" (a known city), whose documents are its own, never "comparable".
    """

    population_band: str | None = None
    region: str | None = None
    country: str | None = None
    themes: tuple[str, ...] = ()
    city: str | None = None

    def is_empty(self) -> bool:
        return not (self.population_band or self.region or self.country or self.themes or self.city)

    def describe(self) -> str:
        """The profile in a few words ("50k-250k · Latin America · online hate, schools")."""
        parts = [p for p in (self.population_band, self.region, self.country) if p]
        if self.themes:
            parts.append(", ".join(theme_words(t) for t in self.themes))
        return " · ".join(parts) or "no profile"

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["themes"] = list(self.themes)
        return d

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> Profile:
        """A profile from `to_dict` output or a form (unknown keys ignored; nothing checked yet)."""
        data = data or {}
        themes = data.get("themes") or ()
        if isinstance(themes, str):
            themes = [t for part in themes.split(";") for t in part.split(",")]
        return cls(
            population_band=_blank(data.get("population_band")),
            region=_blank(data.get("region")),
            country=_blank(data.get("country")),
            themes=tuple(theme_key(str(t)) for t in themes if theme_key(str(t))),
            city=_blank(data.get("city")),
        )


def _blank(value: Any) -> str | None:
    text = " ".join(str(value).split()) if value is not None else ""
    return text or None


def parse_profile_text(pairs: Sequence[str]) -> Profile:
    """A profile from `key=value` words (`kb compare --profile population_band=50k-250k themes="a;b"`)."""
    data: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip().replace("-", "_").lower()
        if not sep or key not in ("population_band", "region", "country", "themes", "city", "band", "size"):
            raise ProfileError(f"Expected KEY=VALUE with KEY one of population_band, region, country, themes, "
                               f"city; got {pair!r}.")
        data["population_band" if key in ("band", "size") else key] = value
    return Profile.from_dict(data)


def _band(value: str) -> str:
    from ingest import POPULATION_BANDS

    key = value.lower().replace("\u2013", "-").replace("_", "-").replace(" ", "")
    if key not in POPULATION_BANDS:
        raise ProfileError(f"Unknown population band {value!r}; use one of: {', '.join(POPULATION_BANDS)}.",
                           field="population_band", value=value, allowed=POPULATION_BANDS)
    return key


def _region(value: str, regions: Sequence[str]) -> str:
    for known in regions:
        if fold(known) == fold(value):
            return known
    allowed = ", ".join(sorted(regions)) if regions else "none yet (add `region` metadata to documents)"
    raise ProfileError(f"Unknown region {value!r}; the regions this knowledge base knows: {allowed}.",
                       field="region", value=value, allowed=sorted(regions))


def _country(value: str) -> str:
    from ingest import MetadataError, validate_metadata

    try:
        return str(validate_metadata({"country": value})["country"])
    except MetadataError as err:
        raise ProfileError(str(err).replace("country: ", "Country ", 1), field="country", value=value) from err


def find_city(name: str, cities: Sequence[City]) -> City | None:
    """A known city by name or key, however spelled."""
    wanted = city_key(name)
    exact = [c for c in cities if c.key == name or c.key == wanted]
    return exact[0] if exact else next((c for c in cities if city_key(c.name) == wanted), None)


def check_profile(raw: Profile | Mapping[str, Any], *, regions: Sequence[str], cities: Sequence[City]) -> Profile:
    """Check a profile's values and fill the blanks from "my city".

    Args:
        raw: a Profile or a mapping (see Profile.from_dict).
        regions: the regions the KB's documents name.
        cities: the known cities (for "my city").

    Returns:
        The checked Profile (canonical spellings). Raises ProfileError listing the allowed values.
    """
    p = raw if isinstance(raw, Profile) else Profile.from_dict(raw)
    mine = None
    if p.city:
        mine = find_city(p.city, cities)
        if mine is None:
            names = ", ".join(c.name for c in cities[:MAX_LISTED_CITIES]) or "none yet (add `city` metadata)"
            more = f" (and {len(cities) - MAX_LISTED_CITIES} more, see `kb cities`)" if len(cities) > MAX_LISTED_CITIES else ""
            raise ProfileError(f"Unknown city {p.city!r}; the cities this knowledge base knows: {names}{more}.",
                               field="city", value=p.city, allowed=[c.name for c in cities])
    checked = replace(
        p,
        population_band=_band(p.population_band) if p.population_band else None,
        region=_region(p.region, regions) if p.region else None,
        country=_country(p.country) if p.country else None,
        city=mine.key if mine else None,
    )
    if mine is not None:
        checked = replace(
            checked,
            population_band=checked.population_band or mine.population_band,
            region=checked.region or mine.region,
            country=checked.country or mine.country,
            themes=checked.themes or tuple(mine.themes),
        )
    return checked
