"""What the command line's KEY=VALUE arguments mean: a pair, and the search filters a list of them gives.

Shared by the parser and by every group of commands (`kb search`, `kb examples`, `kb directory`),
so none of them imports another for it.
"""

from __future__ import annotations

import argparse
from typing import Any

__all__ = ["kv", "filters_of"]


def kv(text: str) -> tuple[str, str]:
    """An argparse type: "key=value" -> (key, value), both trimmed."""
    if "=" not in text:
        raise argparse.ArgumentTypeError(f"expected key=value, got {text!r}")
    key, value = text.split("=", 1)
    return key.strip(), value.strip()


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
