"""What the atlas's controls do: the overview, a heat-map cell, the city profile, "prefer comparable
cities", and a draft section's examples from comparable cities (no gradio import).

The session's profile travels as a plain dict (`Profile.to_dict()`, in a `gr.State`), checked by the
KB each time it is used; a value that is not allowed is refused with the allowed values listed.
"""

from __future__ import annotations

from typing import Any

from kb.access import can
from kb.atlas import Profile, ProfileError
from ui import render
from ui.actions_base import BaseActions, UiError, kb_thread
from ui.i18n import t
from ui.overview import comparable_html, overview_html, profile_summary, reasons_text

__all__ = ["AtlasActions", "PROFILE_FIELDS", "COMPARABLE_SHOWN", "EXAMPLES_K"]

PROFILE_FIELDS = ("city", "population_band", "region", "country", "themes")
COMPARABLE_SHOWN = 5
EXAMPLES_K = 5
CELL_K = 10


def profile_error(err: ProfileError) -> UiError:
    """A refused profile value, to show in the page language."""
    allowed = ", ".join(err.allowed) if err.allowed else ""
    if err.field in ("population_band", "region", "city"):
        return UiError(f"error.atlas.{err.field}", value=err.value, allowed=allowed or "—")
    if err.field == "country":
        return UiError("error.atlas.country", value=err.value)
    return UiError("error.atlas.profile")


class AtlasActions(BaseActions):
    """The atlas's part of the UI's operations (mixed into `ui.actions.Actions`)."""

    def checked_profile(self, raw: dict[str, Any] | None) -> Profile | None:
        """The session's profile, checked (None when there is none)."""
        if not raw:
            return None
        try:
            profile = self.kb.atlas.profile(Profile.from_dict(raw))
        except ProfileError as err:
            raise profile_error(err) from err
        return None if profile.is_empty() else profile

    def _city_name(self, profile: Profile | None) -> str | None:
        found = self.kb.city(profile.city) if profile is not None and profile.city else None
        return found.name if found else None

    @kb_thread
    def city_choices(self) -> list[tuple[str, str]]:
        """("", "") then (name, key) of every known city, for "my city"."""
        return [("", ""), *((c.name, c.key) for c in self.kb.cities())]

    @kb_thread
    def region_choices(self) -> list[str]:
        return ["", *self.kb.atlas.regions()]

    @kb_thread
    def overview(self, user: str | None, lang: str = "en", profile: dict[str, Any] | None = None,
                 all_cities: bool = False) -> str:
        """The overview panel (charts, heat map, gaps, comparable cities when a profile is set); the heat
        map's first cities only unless `all_cities` (ui.overview.heat_rows)."""
        role = self.check(user, "search")
        checked = self.checked_profile(profile)
        comparable = self.kb.compare(checked, k=COMPARABLE_SHOWN) if checked is not None else []
        return overview_html(self.kb.overview(), self.kb.drafts.framework.sections, lang, comparable, checked,
                             all_rows=all_cities, may_add=can(role, "add"))

    @kb_thread
    def set_profile(self, user: str | None, form: dict[str, Any], lang: str = "en") -> tuple[dict[str, Any] | None, str]:
        """Check a typed profile or "my city"; returns (the profile for the session, what it compares with)."""
        self.check(user, "search")
        raw = {k: v for k, v in form.items() if v not in (None, "", [])}
        if not raw:
            return None, render.say(lang, "atlas.profile.none")
        profile = self.checked_profile(raw)
        if profile is None:
            return None, render.say(lang, "atlas.profile.none")
        comparable = self.kb.compare(profile, k=COMPARABLE_SHOWN)
        return profile.to_dict(), comparable_html(comparable, profile, lang, self.kb.drafts.framework.sections,
                                                   self._city_name(profile))

    @kb_thread
    def cell(self, user: str | None, city: str, section: str, lang: str = "en") -> tuple[list[Any], str]:
        """A heat-map cell: that city's passages for that section (hits, status line)."""
        self.check(user, "search")
        found = self.kb.city(city)
        title = self._section_title(section, lang)
        if found is None or title is None:
            raise UiError("error.atlas.cell_gone")
        hits = [e.hit for e in self.kb.city_excerpts(found.key, section, k=CELL_K)]
        status = t(lang, "atlas.cell.status", city=found.name, section=title, n=len(hits))
        return hits, render.message(status)

    def _section_title(self, key: str, lang: str) -> str | None:
        section = self.kb.drafts.framework.section(key or "")
        return render.section_title(section, lang) if section is not None else None

    @kb_thread
    def examples(self, user: str | None, draft_id: Any, section: str, profile: dict[str, Any] | None,
                 lang: str = "en") -> tuple[list[Any], str]:
        """A draft section's best passages, from the cities most like the draft's (hits, status line).

        The draft's own profile (kb.draft_profile) comes first, then the session's; with neither, the
        section's best passages from anywhere.
        """
        self.check(user, "search")
        title = self._section_title(section, lang)
        if title is None:
            raise UiError("error.choose_section")
        mine = self.kb.draft_profile(int(draft_id)) if draft_id not in (None, "") else None
        mine = mine or self.checked_profile(profile)
        found = self.kb.section_examples(section, k=EXAMPLES_K, prefer=mine)
        if not found:
            return [], render.say(lang, "atlas.examples.none", section=title)
        if mine is None:
            return [e.hit for e in found], render.say(lang, "atlas.examples.no_profile", section=title)
        head = t(lang, "atlas.examples.status", section=title,
                 profile=profile_summary(mine, lang, self._city_name(mine)))
        compared = {c.key: c for c in self.kb.compare(mine)}
        cities = []
        for e in found:
            key = self.kb.atlas.doc_cities().get(e.hit.doc_id)
            if key and key not in [k for k, _ in cities]:
                why = t(lang, "atlas.reason.own") if key == mine.city else (
                    reasons_text(compared[key], lang, self.kb.drafts.framework.sections) if key in compared else "")
                cities.append((key, f"{e.hit.city}: {why}"))
        items = "".join(f'<li dir="auto">{render.esc(line)}</li>' for _, line in cities)
        return [e.hit for e in found], render.message(head) + (f'<ul class="kb-why">{items}</ul>' if items else "")

    @kb_thread
    def draft_profile_text(self, user: str | None, draft_id: Any, lang: str = "en") -> str:
        """What city profile the working draft records."""
        self.check(user, "draft")
        if draft_id in (None, ""):
            return ""
        self.require_draft(user, draft_id, edit=False, what="view")
        mine = self.kb.draft_profile(int(draft_id))
        text = (t(lang, "atlas.draft_profile.is", profile=profile_summary(mine, lang, self._city_name(mine)))
                if mine is not None else t(lang, "atlas.draft_profile.none"))
        return render.message(text)

    @kb_thread
    def record_draft_profile(self, user: str | None, draft_id: Any, profile: dict[str, Any] | None,
                             lang: str = "en") -> str:
        """Record the session's profile as the working draft's city profile: a change to the draft,
        so only for those who may change it (a viewer could, before), and in the audit trail."""
        self.check(user, "draft")
        if draft_id in (None, ""):
            raise UiError("error.choose_draft")
        self.require_draft(user, draft_id, edit=True, what="profile")
        checked = self.checked_profile(profile)
        if checked is None:
            raise UiError("error.atlas.profile")
        self.kb.set_draft_profile(int(draft_id), checked)
        self.kb.audit.record(self.owner(user), "draft.profile", f"draft {int(draft_id)}",
                             {"city": checked.city, "country": checked.country})
        return self.draft_profile_text(user, draft_id, lang)

    @kb_thread
    def after_create(self, user: str | None, draft_id: Any, profile: dict[str, Any] | None) -> None:
        """A new draft records the session's profile, unless its own city already gives one."""
        if draft_id in (None, "") or not profile:
            return
        if self.kb.draft_profile(int(draft_id)) is None:
            checked = self.checked_profile(profile)
            if checked is not None:
                self.kb.set_draft_profile(int(draft_id), checked)
