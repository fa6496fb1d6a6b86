"""Reading the framework file strictly, for labelling: a mistake is named by its line, never guessed at.

`kb.drafting.framework.load_framework` reads the template for drafting; labelling needs more: each section's
prototype texts (`prototypes:`, short texts in several languages saying what a passage about the
section says), a hash of everything labelling depends on (so a KB knows when to relabel), and a
clear refusal of a file that does not parse or repeats a key, since labels computed from a half-read
file would silently replace good ones.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kb.drafting.framework import OTHER_SECTION, Framework, Section

__all__ = ["FrameworkError", "LabelFramework", "read_framework"]


class FrameworkError(ValueError):
    """The framework file cannot be used for labelling; the message names the file and the line."""


@dataclass(frozen=True)
class LabelFramework:
    """The framework as labelling sees it: the sections plus each one's prototype texts, and the texts
    saying what does *not* count for a section (its `negatives:`, optional)."""

    framework: Framework
    prototypes: dict[str, tuple[str, ...]]  # section key -> texts (may be empty)
    path: Path
    negatives: dict[str, tuple[str, ...]] = field(default_factory=dict)  # section key -> texts (may be absent)

    @property
    def keys(self) -> tuple[str, ...]:
        return self.framework.keys

    def texts(self, key: str) -> tuple[str, ...]:
        """Everything that says what a section is about: title, purpose, suggested searches, prototypes."""
        s = self.framework.section(key)
        assert s is not None
        return tuple(t for t in (s.title, s.purpose, *s.searches, *self.prototypes.get(key, ())) if t)

    def negative_texts(self, key: str) -> tuple[str, ...]:
        """What a passage that does not speak to the section (though it looks close) says: the guideline's
        "does not count" column written as prototypes (used by kb.atlas.section_model as a feature)."""
        return self.negatives.get(key, ())

    def digest(self, extra: str = "") -> str:
        """A hash of what the labels depend on (not of comments or layout): relabel when it changes."""
        content = [[k, list(self.texts(k))] + ([list(self.negative_texts(k))] if self.negative_texts(k) else [])
                   for k in self.keys]
        return hashlib.sha256(json.dumps([content, extra], ensure_ascii=False).encode()).hexdigest()[:16]


class _StrictLoader(yaml.SafeLoader):
    """safe_load that refuses a mapping repeating a key (PyYAML keeps the last one silently)."""


def _mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        line = key_node.start_mark.line + 1
        if key in seen:
            raise FrameworkError(f"line {line}: the key {key!r} is repeated (first on line {seen[key]}).")
        seen[key] = line
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def _section_lines(text: str) -> list[int]:
    """The line of each item of `sections:`, to name it in errors."""
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    if not isinstance(root, yaml.MappingNode):
        return []
    for key, value in root.value:
        if key.value == "sections" and isinstance(value, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value.value]
    return []


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str | int | float) for v in value):
        raise FrameworkError(f"{where} must be a list of texts.")
    return tuple(" ".join(str(v).split()) for v in value if str(v).strip())


def read_framework(path: str | Path) -> LabelFramework:
    """Read a framework file for labelling.

    Args:
        path: the YAML file (e.g. `corpus/framework.yaml`).

    Returns:
        The LabelFramework. Raises FrameworkError (naming the file and line) when the file is missing,
        does not parse, repeats a key, or a section lacks a key or title or repeats another's key.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise FrameworkError(f"{path}: cannot be read ({err}).") from err
    try:
        data = yaml.load(text, Loader=_StrictLoader) or {}  # noqa: S506 (a SafeLoader subclass)
        lines = _section_lines(text)
    except FrameworkError as err:
        raise FrameworkError(f"{path}, {err}") from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "somewhere"
        problem = getattr(err, "problem", None) or str(err)
        raise FrameworkError(f"{path}, {where}: not valid YAML ({problem}).") from None
    if not isinstance(data, dict) or not isinstance(data.get("sections"), list):
        raise FrameworkError(f"{path}: expected a `sections:` list (see corpus/framework.yaml).")
    sections: list[Section] = []
    prototypes: dict[str, tuple[str, ...]] = {}
    negatives: dict[str, tuple[str, ...]] = {}
    first_line: dict[str, int] = {}
    for i, raw in enumerate(data["sections"]):
        line = lines[i] if i < len(lines) else 0
        where = f"{path}, line {line} (section {i + 1})"
        if not isinstance(raw, dict):
            raise FrameworkError(f"{where}: a section is a mapping with key, title, purpose, searches.")
        key, title = str(raw.get("key") or "").strip(), str(raw.get("title") or "").strip()
        if not key or not title:
            raise FrameworkError(f"{where}: a section needs both a key and a title.")
        if key == OTHER_SECTION:
            raise FrameworkError(f"{where}: {OTHER_SECTION!r} is reserved; choose another key.")
        if key in first_line:
            raise FrameworkError(f"{where}: the section key {key!r} is repeated (first on line {first_line[key]}).")
        first_line[key] = line
        searches = _strings(raw.get("searches"), f"{where}: searches")
        sections.append(Section(key, title, " ".join(str(raw.get("purpose") or "").split()), searches))
        prototypes[key] = _strings(raw.get("prototypes"), f"{where}: prototypes")
        if raw.get("negatives") is not None:
            negatives[key] = _strings(raw.get("negatives"), f"{where}: negatives")
    if not sections:
        raise FrameworkError(f"{path}: the framework has no sections.")
    framework = Framework(str(data.get("title") or "Local prevention framework"), tuple(sections))
    return LabelFramework(framework, prototypes, path, negatives)
