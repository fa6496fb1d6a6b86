"""How the command line says a count: "1 chunk", "2 chunks" (English only; the web UI has CLDR plurals)."""

from __future__ import annotations

__all__ = ["form", "plural"]


def form(n: int, one: str, many: str | None = None) -> str:
    """The word in the form a count of `n` takes: `one` for exactly 1, else `many` (default `one` + "s").

    For a verb give both: form(n, "was", "were").
    """
    return one if n == 1 else many or f"{one}s"


def plural(n: int, one: str, many: str | None = None) -> str:
    """`n` with its noun: plural(1, "chunk") == "1 chunk", plural(0, "entry", "entries") == "0 entries"."""
    return f"{n} {form(n, one, many)}"
