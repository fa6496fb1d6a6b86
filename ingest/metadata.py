"""Validate and normalise document metadata: known fields checked, unknown fields kept.

Which fields are known, and how each is checked, is `ingest.schema.FIELDS` (its `kind`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlparse

from .countries import country_code
from .errors import MetadataError
from .schema import DOC_TYPES, FIELDS, POPULATION_BANDS, PREVENTION_LEVELS, YEAR_RANGE, Field, field_aliases

__all__ = [
    "validate_metadata",
    "KNOWN_FIELDS",
    "POPULATION_BANDS",
    "DOC_TYPES",
    "PREVENTION_LEVELS",
    "YEAR_RANGE",
]

_FIELD_ALIASES = field_aliases()


def _text(field: str, value: Any) -> str:
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise MetadataError(f"{field}: expected text, got {value!r}")


def _choice(field: str, value: Any, allowed: tuple[str, ...]) -> str:
    if _hyphenated_words(allowed):  # "city practice" means "city-practice"
        key = _text(field, value).lower().replace("_", "-").replace(" ", "-")
    else:  # "50k – 250k" means "50k-250k"
        key = _text(field, value).lower().replace("\u2013", "-").replace("_", "-").replace(" ", "")
    if key not in allowed:
        raise MetadataError(f"{field}: {value!r} is not allowed; use one of: {', '.join(allowed)}")
    return key


def _list(field: str, value: Any) -> list[str]:
    items = value.split(";") if isinstance(value, str) else value
    if not isinstance(items, list | tuple):
        raise MetadataError(f"{field}: expected a list or text separated by ';', got {value!r}")
    out: list[str] = []
    for item in items:
        word = _text(field, item).lower()
        if word and word not in out:
            out.append(word)
    return out


def _country(field: str, value: Any) -> str:
    """A two-letter code, or a country's name in one of the page's languages, stored as its code."""
    code = country_code(_text(field, value))
    if code is None:
        raise MetadataError(
            f"{field}: {value!r} is not an ISO 3166-1 alpha-2 country code or a country's name; use two "
            "letters such as DE, FR, GB, US, or the name (Germany, Allemagne)"
        )
    return code


def _year(field: str, value: Any) -> int:
    lo, hi = YEAR_RANGE
    if isinstance(value, bool):
        raise MetadataError(f"{field}: {value!r} is not a year; use a whole year from {lo} to {hi}")
    try:
        year = int(value) if not isinstance(value, float) or value.is_integer() else None
    except (TypeError, ValueError):
        year = None
    if year is None or not lo <= year <= hi:
        raise MetadataError(f"{field}: {value!r} is not a year; use a whole year from {lo} to {hi}")
    return year


def _url(field: str, value: Any) -> str:
    url = _text(field, value)
    parsed = urlparse(url)
    if parsed.scheme.lower() not in ("http", "https") or not parsed.netloc:
        raise MetadataError(f"{field}: {value!r} is not a web address; use a full http:// or https:// URL")
    return url


def _hyphenated_words(allowed: tuple[str, ...]) -> bool:
    """Whether the allowed values are words joined by hyphens (typed with spaces, as document types are)."""
    return any("-" in a and a.replace("-", "").isalpha() for a in allowed)


def _validator(f: Field) -> Callable[[str, Any], Any]:
    """How a field of this kind is checked and normalised."""
    if f.kind == "choice":
        return lambda name, value: _choice(name, value, f.choices)
    if f.kind == "choices":
        return lambda name, value: [_choice(name, v, f.choices) for v in _list(name, value)]
    return {"text": _text, "country": _country, "list": _list, "year": _year, "url": _url}[f.kind]


# Every field coordinators set (not the language, which ingest detects).
_VALIDATORS: dict[str, Callable[[str, Any], Any]] = {f.name: _validator(f) for f in FIELDS if f.editable}
KNOWN_FIELDS = frozenset(_VALIDATORS)


def _is_unset(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def metadata_problems(meta: dict[str, Any]) -> list[MetadataError]:
    """Every field `validate_metadata` would refuse, each its own error, so a form can name them all at
    once instead of one per attempt."""
    problems = []
    for raw_key, value in (meta or {}).items():
        key = str(raw_key).strip()
        if not key or _is_unset(value):
            continue
        known = _FIELD_ALIASES.get(key.lower(), key.lower())
        if known in _VALIDATORS:
            try:
                _VALIDATORS[known](known, value)
            except MetadataError as err:
                problems.append(err)
    return problems


def validate_metadata(meta: dict[str, Any]) -> dict[str, Any]:
    """Check and normalise metadata from a form, a manifest row or a sidecar file.

    Args:
        meta: field -> value. Known fields (KNOWN_FIELDS, matched case-insensitively) are validated;
            other fields are kept as free metadata. Empty strings and None mean "not set".

    Returns:
        A new dict: country upper-cased, themes and prevention_level as lists of lower-case words,
        year as int, free-text values trimmed; unset fields dropped.

    Raises:
        MetadataError: naming the field, the bad value and what is allowed.
    """
    if not isinstance(meta, dict):
        raise MetadataError(f"metadata must be a mapping of field to value, got {type(meta).__name__}")
    out: dict[str, Any] = {}
    for raw_key, value in meta.items():
        key = str(raw_key).strip()
        if not key or _is_unset(value):
            continue
        known = _FIELD_ALIASES.get(key.lower(), key.lower())
        if known in _VALIDATORS:
            normalised = _VALIDATORS[known](known, value)
            if not _is_unset(normalised):
                out[known] = normalised
        else:
            out[key] = " ".join(value.split()) if isinstance(value, str) else value
    return out
