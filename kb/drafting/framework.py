"""The framework template: the sections a local prevention framework is drafted in.

`corpus/framework.yaml` lists the sections in order, each with a key, a title, a short purpose and
two or three suggested searches; drafts follow it, and a city can edit it without touching code.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

__all__ = ["Framework", "Section", "DraftError", "ItemGone", "load_framework", "DEFAULT_FRAMEWORK", "OTHER_SECTION"]

DEFAULT_FRAMEWORK = Path(__file__).resolve().parents[2] / "corpus" / "framework.yaml"
# Items whose section the template no longer has are shown (and exported) here, never dropped.
OTHER_SECTION = "other"


class DraftError(ValueError):
    """A drafting request that cannot be done; the message says why in plain words."""


class ItemGone(DraftError):
    """The draft item is not there (any more): removed meanwhile, in another page or by a co-drafter."""


@dataclass(frozen=True)
class Section:
    """One section of the framework template."""

    key: str
    title: str
    purpose: str
    searches: tuple[str, ...]


@dataclass(frozen=True)
class Framework:
    """The template: a title and its sections in the order a draft shows them."""

    title: str
    sections: tuple[Section, ...]

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(s.key for s in self.sections)


def load_framework(path: str | Path | None = None) -> Framework:
    """Read and check a framework template.

    Args:
        path: a YAML file; defaults to the project's `corpus/framework.yaml`.

    Returns:
        The Framework. Raises DraftError when a section lacks a key or title, or keys repeat.
    """
    path = Path(path) if path else DEFAULT_FRAMEWORK
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    sections = []
    for i, raw in enumerate(data.get("sections") or [], start=1):
        key, title = str(raw.get("key") or "").strip(), str(raw.get("title") or "").strip()
        if not key or not title:
            raise DraftError(f"{path}: section {i} needs both a key and a title.")
        searches = tuple(str(s).strip() for s in raw.get("searches") or [] if str(s).strip())
        sections.append(Section(key, title, " ".join(str(raw.get("purpose") or "").split()), searches))
    keys = [s.key for s in sections]
    if len(set(keys)) != len(keys) or OTHER_SECTION in keys:
        raise DraftError(f"{path}: section keys must be unique and not {OTHER_SECTION!r}.")
    if not sections:
        raise DraftError(f"{path}: the framework has no sections.")
    return Framework(str(data.get("title") or "Local prevention framework"), tuple(sections))
