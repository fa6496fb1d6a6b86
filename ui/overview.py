"""The collection at a glance, drawn by the server: the charts (`ui.charts`), the gaps, and comparable
cities; the script that turns a heat-map click into an event.

Plain strings (no gradio import). Nothing is fetched from anywhere: the SVG is written here, and the
page runs no chart library. Every text is in the page language (`ui.i18n`); every value from the
documents goes through `esc`, and no markup here holds a brace, a dollar sign or a backtick (the
Gradio HTML component reads its value as a template).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kb.atlas import ComparableCity, Overview, Profile
from kb.atlas.overview import Gap, Note
from kb.drafting.framework import Section
from ui.charts import bar_chart, heat_map
from ui.i18n import direction, region_name, t, theme_name
from ui.i18n.locale import country_name, language_name, number
from ui.render import section_title
from ui.render_base import esc

__all__ = ["overview_html", "profile_summary", "reasons_text", "gap_text", "OVERVIEW_JS", "KEEP_ALL_JS"]

# A heat-map click becomes the panel's `kb_action` event, with the cell's city and section; "show all
# cities" asks for the whole map.
OVERVIEW_JS = """
element.addEventListener('click', (e) => {
  const all = e.target.closest('button.kb-heat-all');
  if (all) {
    e.preventDefault();
    window.__kbCellAsked = false;
    window.__kbAllCities = true;  // KEEP_ALL_JS: the whole map from now on, whatever redraws it
    trigger('kb_action', {act: 'all'});
    return;
  }
  const b = e.target.closest('button.kb-cell');
  if (!b) return;
  e.preventDefault();
  window.__kbCellAsked = true;  // SHOW_CELL_JS brings the passages into view once they come
  trigger('kb_action', {act: 'cell', city: b.dataset.city, section: b.dataset.section});
});
"""

# After a heat-map click: the cell's passages are drawn below the whole map, often a screen or more
# down, so without this a click seemed to do nothing.
SHOW_CELL_JS = """
() => {
  if (!window.__kbCellAsked) return;
  window.__kbCellAsked = false;
  const status = document.getElementById('kb-cell-status');
  if (status) status.scrollIntoView({block: 'start', behavior: 'smooth'});
}
"""

# After any redraw of the overview (the page's load event, a language switch, a profile, documents
# added): once the reader has asked for every city, a map cut to its first cities asks again. Without
# it, "show all" clicked on the early overview before the load event answered was undone by that answer.
KEEP_ALL_JS = """
() => {
  window.__kbOverviewDrawn = (window.__kbOverviewDrawn || 0) + 1;
  if (!window.__kbAllCities) return;
  const more = document.querySelector('#kb-overview button.kb-heat-all');
  if (more) more.click();
}
"""

def gap_text(gap: Gap, sections: Sequence[Section], lang: str) -> str:
    """A gap in the page language."""
    title = next((section_title(s, lang) for s in sections if s.key == gap.section), gap.section_title)
    if gap.kind == "language":
        return t(lang, "atlas.gap.language", language=language_name(gap.language, lang) or gap.language or "",
                 section=title)
    return t(lang, f"atlas.gap.{gap.kind}", section=title, city=gap.city or "")


def _note(note: Note, lang: str) -> str:
    text = t(lang, f"atlas.note.{note.kind}", detail=note.detail)
    return f'<p class="kb-notice" role="status" dir="auto">{esc(text)}</p>'


def overview_html(ov: Overview, sections: Sequence[Section], lang: str,
                  comparable: Sequence[ComparableCity] = (), profile: Profile | None = None,
                  all_rows: bool = False, may_add: bool = True) -> str:
    """The whole overview panel (the heat map's first rows: the reader's city and comparable ones);
    `may_add`: whether the reader has the "Add documents" tab an empty collection points to."""
    d = direction(lang)
    if not ov.documents:
        empty = t(lang, "atlas.empty" if may_add else "search.empty_kb")
        return f'<div class="kb-overview" dir="{d}"><p class="kb-empty">{esc(empty)}</p></div>'
    summary = t(lang, "atlas.summary", documents=ov.documents, chunks=ov.chunks, cities=len(ov.heat),
                labelled=ov.labelled)
    charts = "".join(bar_chart(name, counts, lang) for name, counts in (
        ("language", ov.by_language), ("country", ov.by_country), ("doc_type", ov.by_doc_type), ("year", ov.by_year)))
    notes = "".join(_note(n, lang) for n in ov.notes)
    first = ([profile.city] if profile is not None and profile.city else []) + [c.key for c in comparable]
    gaps = ""
    if ov.gaps:
        items = "".join(f'<li dir="auto">{esc(gap_text(g, sections, lang))}</li>' for g in ov.gaps)
        more = f'<li>{esc(t(lang, "atlas.gap.more", n=ov.more_gaps))}</li>' if ov.more_gaps else ""
        gaps = (f'<section class="kb-gaps" aria-labelledby="kb-gaps-title"><h3 id="kb-gaps-title">'
                f'{esc(t(lang, "atlas.gaps"))}</h3><ul>{items}{more}</ul></section>')
    return (
        f'<div class="kb-overview" dir="{d}"><p class="kb-overview-summary">{esc(summary)}</p>{notes}'
        f'<div class="kb-charts">{charts}</div>{heat_map(ov, sections, lang, first, all_rows)}'
        f"{comparable_html(comparable, profile, lang, sections) if profile is not None else ''}{gaps}</div>"
    )


def join_list(items: Sequence[str], lang: str) -> str:
    """"a", "a and b", "a, b and c" in the page language."""
    items = list(items)
    if len(items) < 2:
        return "".join(items)
    return t(lang, "common.comma").join(items[:-1]) + t(lang, "atlas.and") + items[-1]


def reasons_text(c: ComparableCity, lang: str, sections: Sequence[Section]) -> str:
    """Why a city is comparable, in the page language ("Same size band (50k-250k); same region (Europe)."),
    the framework's sections by their titles (QA: "(leadership)" was the section's key)."""
    titles = {s.key: section_title(s, lang) for s in sections}
    parts = []
    for code, params in c.why:
        values: dict[str, Any] = dict(params)
        if "band" in values:
            values["band"] = t(lang, f"choice.population_band.{values['band']}")
        if "country" in values:
            values["country"] = country_name(values["country"], lang)
        if "region" in values:
            values["region"] = region_name(str(values["region"]), lang)
        if "themes" in values:
            values["themes"] = join_list([theme_name(str(x), lang) for x in values["themes"][:3]], lang)
        if "sections" in values:
            values["sections"] = join_list([titles.get(k, k) for k in values["sections"]], lang)
        parts.append(t(lang, f"atlas.reason.{code}", **values))
    if not parts:
        return t(lang, "atlas.reason.none")
    text = t(lang, "common.semicolon").join(parts)  # "؛" in Arabic
    return text[0].upper() + text[1:] + "."


def profile_summary(profile: Profile | None, lang: str, city_name: str | None = None) -> str:
    """A profile in a few words, in the page language."""
    if profile is None or profile.is_empty():
        return t(lang, "atlas.profile.none_short")
    parts = []
    if city_name:
        parts.append(city_name)
    if profile.population_band:
        parts.append(t(lang, f"choice.population_band.{profile.population_band}"))
    if profile.region:
        parts.append(region_name(profile.region, lang))
    if profile.country:
        parts.append(country_name(profile.country, lang))
    if profile.themes and not city_name:
        parts.append(t(lang, "common.comma").join(x.replace("-", " ") for x in profile.themes[:4]))
    return " · ".join(parts)


def comparable_html(comparable: Sequence[ComparableCity], profile: Profile | None, lang: str,
                    sections: Sequence[Section], city_name: str | None = None) -> str:
    """The most comparable cities, each with its reasons."""
    if profile is None:
        return ""
    head = t(lang, "atlas.profile.comparable", profile=profile_summary(profile, lang, city_name))
    if not comparable:
        return (f'<section class="kb-comparable" id="kb-comparable"><h3>{esc(head)}</h3>'
                f'<p class="kb-meta">{esc(t(lang, "atlas.profile.no_other"))}</p></section>')
    items = "".join(
        f'<li><strong dir="auto">{esc(c.name)}</strong> <span class="kb-meta">'
        f"{esc(country_name(c.country, lang))} · {esc(number(round(100 * c.score), lang))} %</span><br>"
        f'<span dir="auto">{esc(reasons_text(c, lang, sections))}</span></li>'
        for c in comparable
    )
    return f'<section class="kb-comparable" id="kb-comparable"><h3>{esc(head)}</h3><ol>{items}</ol></section>'
