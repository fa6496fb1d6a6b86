"""What the command line's arguments mean: KEY=VALUE pairs and the search filters a list of them gives,
and the argparse types that refuse a count, a size or a language code no command can use.

Shared by the parser and by every group of commands (`kb search`, `kb examples`, `kb directory`),
so none of them imports another for it.
"""

from __future__ import annotations

import argparse
import functools
import math
from typing import Any

__all__ = ["kv", "filters_of", "positive_int", "positive_float", "reader_language", "iso639_1", "utc_date"]


def kv(text: str) -> tuple[str, str]:
    """An argparse type: "key=value" -> (key, value), both trimmed."""
    if "=" not in text:
        raise argparse.ArgumentTypeError(f"expected key=value, got {text!r}")
    key, value = text.split("=", 1)
    return key.strip(), value.strip()


def positive_int(text: str) -> int:
    """An argparse type for a count of results: a whole number, at least 1 (0 would ask for nothing)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def positive_float(text: str) -> float:
    """An argparse type for a size limit: a number above 0 (0 or less would refuse every file)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive number, got {text!r}")
    return value


def utc_date(text: str) -> str:
    """An argparse type for `kb log --since`: an ISO date or date-time (kb.audit.utc_time); "yesterday"
    would otherwise match no entry and look like an empty trail."""
    from kb.audit.trail import utc_time

    try:
        return utc_time(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


@functools.cache
def iso639_1() -> frozenset[str]:
    """Every ISO 639-1 language code (two letters), from CLDR's language names (Babel)."""
    from babel import Locale

    codes = (code for code in Locale("en").languages if isinstance(code, str))
    return frozenset(code for code in codes if len(code) == 2 and code.isalpha() and code.islower())


def reader_language(text: str) -> str:
    """An argparse type for `--reader-language`: "auto" or an ISO 639-1 code, lower-cased.

    A mistyped code would match no passage's language and quietly turn the preference off.
    """
    code = text.strip().lower()
    if code == "auto" or code in iso639_1():
        return code
    raise argparse.ArgumentTypeError(
        f"{text!r} is not an ISO 639-1 language code; give two letters such as en, fr, es, de, ar or zh, "
        "or auto (the query's language)")


def filters_of(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """Search filters from --filter pairs: a key given twice matches any of its values; themes split on ';'."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            prev = out[key]
            out[key] = [*prev, value] if isinstance(prev, list) else [prev, value]
        elif key == "themes":
            out[key] = [v.strip() for v in value.split(";") if v.strip()]
        else:
            out[key] = value
    return out
