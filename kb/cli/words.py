"""How the command line says things: a count ("1 chunk", "2 chunks"; English only, the web UI has CLDR
plurals), and `--json` output, printed the same way by every command."""

from __future__ import annotations

import json
from typing import Any

__all__ = ["form", "plural", "print_json"]


def print_json(data: Any) -> None:
    """`--json` output: indented, and every language's letters as they are (not \\u escapes)."""
    print(json.dumps(data, ensure_ascii=False, indent=2))


def form(n: int, one: str, many: str | None = None) -> str:
    """The word in the form a count of `n` takes: `one` for exactly 1, else `many` (default `one` + "s").

    For a verb give both: form(n, "was", "were").
    """
    return one if n == 1 else many or f"{one}s"


def plural(n: int, one: str, many: str | None = None) -> str:
    """`n` with its noun: plural(1, "chunk") == "1 chunk", plural(0, "entry", "entries") == "0 entries"."""
    return f"{n} {form(n, one, many)}"
