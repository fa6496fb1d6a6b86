"""The audit trail in words, in the reader's language: what was done, to what, and its details.

The trail stores actions, targets and details as codes ("draft.pin", "draft 5", {"as_copy": false});
the Library shows them named ("Entwurf: Auszug angeheftet", "Entwurf 5", "Als Kopie: nein"), and one a
catalogue does not know as recorded, so nothing is lost in translation.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ui.i18n import catalogue, t
from ui.i18n.locale import country_name, date_time, language_name

__all__ = ["audit_action", "audit_target", "audit_detail", "cited_place"]


def audit_action(action: str, lang: str = "en") -> str:
    """An audit entry's action in words: "draft.pin" -> "Draft: excerpt pinned" ("Entwurf: Auszug
    angeheftet"); one the catalogue does not know stays as recorded."""
    noun, _, verb = action.rpartition(".")
    if f"audit.verb.{noun}_{verb}" in catalogue("en"):  # its own words ("Cuenta: desactivada", agreeing)
        verb = f"{noun}_{verb}"
    if f"audit.verb.{verb}" not in catalogue("en") or (noun and f"audit.noun.{noun}" not in catalogue("en")):
        return action
    said = t(lang, f"audit.verb.{verb}")
    if not noun:
        return said[:1].upper() + said[1:]
    name = t(lang, f"audit.noun.{noun}")
    return f"{name[:1].upper()}{name[1:]}{t(lang, 'common.colon')}{said}"


def audit_target(target: str, lang: str = "en") -> str:
    """What an entry acted on, its kind in words: "draft 5" -> "Entwurf 5"; "indexes" -> "Indizes"."""
    noun, _, rest = target.partition(" ")
    if f"audit.noun.{noun}" not in catalogue("en"):
        return target
    return " ".join(filter(None, (t(lang, f"audit.noun.{noun}"), rest)))


# An entry's "before"/"after" that is one value, not a dict of fields: which field it is, by the action.
_ONE_VALUE_CHANGE = {"user.role": "role", "workspace.member": "role", "job.cancel": "state",
                     "draft.move": "workspace"}
# Export formats by their names (the same in every language).
_FORMAT_NAMES = {"docx": "Word (DOCX)", "markdown": "Markdown", "csl-json": "CSL-JSON", "csv": "CSV", "json": "JSON"}
_TIMES = frozenset({"removed_at"})  # details that are a catalog timestamp
# The country code of a stored citation's place, "Title — City, BE (2025), p. 4": after the title's dash (or
# at the start of a place stored alone) and the city, before the year, the page or the end.
_CITED_COUNTRY = re.compile(r"(?:(?<= — )|^)(?:[^—]*?, )?\b([A-Z]{2})(?= \(\d{4}\)|, |$)")


def cited_place(citation: str, lang: str) -> str:
    """A stored citation ("Plan — Hautmarais, BE (2025)") with its country named in the page language
    ("Plan — Hautmarais, Belgique (2025)"), as the page's citations name it; the rest as stored."""
    for match in _CITED_COUNTRY.finditer(citation):
        name = country_name(match.group(1), lang)
        if name != match.group(1):  # a code CLDR names, not two capitals it does not ("UK Plan", "XY")
            return citation[:match.start(1)] + name + citation[match.end(1):]
    return citation


def audit_detail(detail: dict[str, Any], lang: str = "en", action: str = "",
                 workspaces: Mapping[int, str] | None = None) -> str:
    """An audit entry's details in words: "Title: Old → New; City: — → Lyon", "As a copy: no", each
    key labelled and each coded value named in the page language ("Rol: — → redactor", "Sección:
    Seguimiento y evaluación"); not the Python form of its before and after. `action` (the entry's,
    "user.role") says what a before and after that are one value are of (a role, a job's state).
    `workspaces` (id -> name, the KB's) names a workspace the trail records by its id ("Lyon", not "1")."""
    known = catalogue("en")
    colon = t(lang, "common.colon")

    def workspace(value: Any) -> str | None:
        """A workspace id's name, when `workspaces` knows it."""
        return (workspaces or {}).get(value) if isinstance(value, int) and not isinstance(value, bool) else None

    def said(value: Any, key: str = "") -> str:
        """A value as the page names it: a document type's, a country's, a role's name, not its code."""
        if value is None or value == "" or value == [] or value == ():
            return "—"
        if isinstance(value, bool):
            return t(lang, "common.yes" if value else "common.no")
        if isinstance(value, list | tuple):
            return t(lang, "common.comma").join(said(v, key) for v in value)
        if isinstance(value, dict):
            return t(lang, "common.comma").join(f"{_field(k, lang)}{colon}{said(v, k)}" for k, v in value.items())
        text = str(value)
        if key == "country":
            return country_name(text, lang)
        if key == "language":
            return language_name(text, lang) or text
        if key == "changed":  # a directory entry's field, as its form names it
            return t(lang, f"entry.{text}") if f"entry.{text}" in known else _field(text, lang)
        if key == "section" and f"framework.{text}.title" in known:
            return t(lang, f"framework.{text}.title")
        if key == "section" and text == "other":
            return t(lang, "draft.other_section")
        if key == "format":
            return _FORMAT_NAMES.get(text, text)
        if key == "citation":
            return cited_place(text, lang)
        if key == "workspace" and (name := workspace(value)):
            return name
        if key in _TIMES:
            return date_time(text, lang)
        if key == "with" and isinstance(value, int):
            return audit_target(f"workspace {workspace(value) or value}", lang)
        codes = [f"choice.{key}.{text}", f"audit.value.{key}.{text}"]
        codes += [f"role.{text}"] if key == "role" else [f"jobs.state.{text}"] if key == "state" else []
        for code in codes:
            if code in known:
                return t(lang, code)
        return text

    parts = []
    before, after = detail.get("before"), detail.get("after")
    changed: set[str] = set()
    if isinstance(before, dict) and isinstance(after, dict):
        changed = {"before", "after", *before, *after}
        for key in dict.fromkeys([*before, *after]):
            parts.append(f"{_field(key, lang)}{colon}{said(before.get(key), key)} → {said(after.get(key), key)}")
    if isinstance(detail.get("by"), int) and "item" in detail:  # a draft item moved: "moved up; item 26"
        changed |= {"by", "item"}
        parts.append(f"{t(lang, 'audit.moved_up' if detail['by'] < 0 else 'audit.moved_down')}"
                     f"{t(lang, 'audit.separator')}{t(lang, 'audit.item')} {detail['item']}")
    one_value = []  # a role, a job's state, a workspace changed: "Role: — → drafter", said last
    if ("before" in detail or "after" in detail) and "before" not in changed:
        changed |= {"before", "after"}
        of = _ONE_VALUE_CHANGE.get(action, "")
        was = f"{said(before, of)} → " if "before" in detail else ""
        one_value.append(f"{_field(of, lang) if of else t(lang, 'audit.field.change')}{colon}{was}{said(after, of)}")
    # a field named again beside its change (the document's title, for reference) is said once
    parts += [f"{_field(k, lang)}{colon}{said(v, k)}" for k, v in detail.items() if k not in changed]
    return t(lang, "audit.separator").join(parts + one_value)


def _field(key: str, lang: str) -> str:
    """A detail's name in the reader's language: a metadata field's own label, else the trail's
    (`audit.field.*`); an unknown key as it is, its _ as spaces."""
    for code in (f"field.{key}", f"audit.field.{key}"):
        if code in catalogue("en"):
            return t(lang, code)
    return key.replace("_", " ")
