"""Numbers, dates, plural forms, country and language names for a UI language, from CLDR (Babel).

The codes stay in the data (`country: AR`, `language: ar`); only what the page shows is a name in
the reader's language ("Argentina", "الأرجنتين"), so a country code no longer reads like a language.
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from typing import Any

__all__ = ["number", "plural_category", "date_time", "country_name", "language_name", "region_code"]


@functools.cache
def _locale(lang: str) -> Any:
    from babel import Locale

    return Locale.parse(lang)


def number(value: float, lang: str) -> str:
    """A number as the language writes it (12,345 / 12.345 / 12 345)."""
    from babel.numbers import format_decimal

    return format_decimal(value, locale=_locale(lang))


# The catalogue's Portuguese is European ("ficheiro", "secção"): its plurals follow pt_PT, where 0 is
# "other" ("0 entradas"), not Babel's "pt" (Brazilian), where 0 and 1.5 are "one".
_PLURAL_LOCALE = {"pt": "pt_PT"}


def plural_category(n: Any, lang: str) -> str:
    """CLDR plural category of `n` in `lang` ("one", "few", "many", "other", ...)."""
    try:
        return str(_locale(_PLURAL_LOCALE.get(lang, lang)).plural_form(abs(float(n)) if not float(n).is_integer() else abs(int(n))))
    except (TypeError, ValueError):
        return "other"


def date_time(stamp: str | None, lang: str, *, with_time: bool = True) -> str:
    """An ISO timestamp of the catalog ("2026-12-06T10:05:00Z") as the language writes dates."""
    from babel.dates import format_date, format_datetime

    if not stamp:
        return ""
    try:
        when = datetime.strptime(stamp[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC)
    except ValueError:
        return stamp
    if with_time:
        return format_datetime(when, "medium", tzinfo=UTC, locale=_locale(lang))
    return format_date(when, "medium", locale=_locale(lang))


def country_name(code: str | None, lang: str) -> str:
    """The country of an ISO 3166-1 alpha-2 code in the UI language; the code itself when unknown."""
    if not code:
        return ""
    return _locale(lang).territories.get(str(code).upper(), str(code))


def language_name(code: str | None, lang: str) -> str:
    """A document language's name in the UI language; "" for an unknown one ("und")."""
    if not code or code == "und":
        return ""
    return _locale(lang).languages.get(str(code).lower(), str(code))


# Regions as people write them that CLDR names otherwise ("West Africa" is CLDR's "Western Africa").
_REGION_ALIASES = {"west africa": "011", "east africa": "014", "north africa": "015", "central africa": "017",
                   "southern europe": "039", "middle east": "145", "mena": "145"}


@functools.cache
def _region_codes() -> dict[str, str]:
    """CLDR's English names of the world's regions (UN M.49 codes: "150" Europe), folded, to codes."""
    names = {name.casefold(): code for code, name in _locale("en").territories.items() if code.isdigit()}
    return {**names, **_REGION_ALIASES}


def region_code(value: str | None) -> str | None:
    """The UN M.49 code of a region as the metadata writes it in English ("Latin America" -> "419"),
    from CLDR's names (and a few usual variants); None for one CLDR does not name. `country_name`
    names the code in a UI language."""
    return _region_codes().get(value.strip().casefold()) if value else None
