"""The overview's charts, drawn by the server: bar charts as SVG (and as lines of text on a phone),
and the cities x framework sections heat map as a table of buttons; every chart with a plain table.

Plain strings (no gradio import), no chart library. Every text is in the page language (`ui.i18n`);
every value from the documents goes through `esc`, and no markup here holds a brace, a dollar sign or
a backtick (the Gradio HTML component reads its value as a template).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kb.atlas import Overview
from kb.atlas.overview import Count
from kb.drafting.framework import Section
from ui.i18n import direction, language_label, t
from ui.i18n.locale import country_name, number
from ui.render import section_title
from ui.render_base import esc

__all__ = ["bar_chart", "heat_map", "heat_level", "heat_rows", "HEAT_ROWS"]

# Rows of the heat map drawn at first: the map is for a glance (and a page of 500 cities x 8 sections
# is ~1 MB of HTML and 10,000 elements, a second to draw); "show all" draws every city.
HEAT_ROWS = 30

BAR_AREA = 300  # px of the longest bar
ROW = 22  # px per bar
LABEL = 190  # px for the labels


def heat_level(n: int) -> int:
    """0 none, 1 one passage, 2 two or three, 3 four to six, 4 seven or more."""
    return 0 if n <= 0 else 1 if n == 1 else 2 if n <= 3 else 3 if n <= 6 else 4


def _label(chart: str, c: Count, lang: str) -> str:
    if chart == "language":  # "und": too little text to tell (a scan, a one-line file)
        return language_label(c.value, lang)
    if chart == "country":
        return country_name(c.value, lang)
    if chart == "doc_type":
        return t(lang, f"choice.doc_type.{c.value}")
    return c.value


def bar_chart(chart: str, counts: Sequence[Count], lang: str) -> str:
    """One chart of documents by `chart` (language, country, doc_type, year): SVG bars and its table."""
    title = t(lang, f"atlas.chart.{chart}")
    ident = f"kb-chart-{chart.replace('_', '-')}"
    if not counts:
        return (f'<figure class="kb-chart" id="{ident}"><figcaption>{esc(title)}</figcaption>'
                f'<p class="kb-meta">{esc(t(lang, "atlas.chart.empty"))}</p></figure>')
    rows = [(_label(chart, c, lang), c.count) for c in counts]
    most = max(n for _, n in rows) or 1
    height = ROW * len(rows) + 4
    spoken = t(lang, "common.comma").join(f"{label}: {number(n, lang)}" for label, n in rows)
    rtl = direction(lang) == "rtl"
    bars = []
    for i, (label, n) in enumerate(rows):
        y = i * ROW + 2
        width = max(2, round(BAR_AREA * n / most))
        label_x = BAR_AREA + 8 if rtl else LABEL - 8
        anchor = "start" if rtl else "end"
        bar_x = BAR_AREA - width if rtl else LABEL
        count_x = bar_x - 4 if rtl else LABEL + width + 4
        count_anchor = "end" if rtl else "start"
        bars.append(
            f'<text x="{label_x}" y="{y + 15}" text-anchor="{anchor}" class="kb-chart-label">{esc(label)}</text>'
            f'<rect x="{bar_x}" y="{y + 3}" width="{width}" height="{ROW - 7}" rx="2" class="kb-chart-bar"></rect>'
            f'<text x="{count_x}" y="{y + 15}" text-anchor="{count_anchor}" class="kb-chart-count">{esc(number(n, lang))}</text>'
        )
    table_rows = "".join(f"<tr><td dir=\"auto\">{esc(label)}</td><td>{esc(number(n, lang))}</td></tr>" for label, n in rows)
    # on a phone the SVG is drawn at half its size (labels of 6 px): the same bars as lines of the page's
    # text instead (app.css shows one or the other)
    phone = "".join(
        f'<li><span class="kb-pbar-label" dir="auto">{esc(label)}</span><span class="kb-pbar">'
        f'<span class="kb-pbar-fill" style="width:calc((100% - 3rem) * {max(0.01, n / most):.3f})"></span>'
        f'<span class="kb-pbar-count">{esc(number(n, lang))}</span></span></li>'
        for label, n in rows)
    return (
        f'<figure class="kb-chart" id="{ident}"><figcaption id="{ident}-title">{esc(title)}</figcaption>'
        # the coordinates above place the labels themselves (mirrored for RTL): anchors must keep
        # their left-to-right meaning, which an Arabic page's inherited direction would flip
        f'<svg xmlns="http://www.w3.org/2000/svg" direction="ltr" role="img" aria-label="{esc(title)}: {esc(spoken)}" '
        f'viewBox="{-50 if rtl else 0} 0 {LABEL + BAR_AREA + 50} {height}" width="100%" '  # room for the counts
        f'preserveAspectRatio="{"xMaxYMin" if rtl else "xMinYMin"} meet" '
        f'class="kb-chart-svg">{"".join(bars)}</svg>'
        f'<ul class="kb-chart-phone" aria-label="{esc(title)}">{phone}</ul>'
        f'<details class="kb-table-fallback"><summary>{esc(t(lang, "atlas.chart.as_table"))}</summary>'
        f'<table><thead><tr><th scope="col">{esc(t(lang, f"atlas.col.{chart}"))}</th>'
        f'<th scope="col">{esc(t(lang, "atlas.col.documents"))}</th></tr></thead><tbody>{table_rows}</tbody></table>'
        f"</details></figure>"
    )


def heat_rows(ov: Overview, first: Sequence[str] = (), all_rows: bool = False) -> list[Any]:
    """The rows to draw: every city (A to Z) with `all_rows` or when they fit; else `HEAT_ROWS` of them,
    the cities in `first` (the reader's and comparable ones) then the most passages."""
    if all_rows or len(ov.heat) <= HEAT_ROWS:
        return list(ov.heat)
    rank = {key: i for i, key in enumerate(first)}
    ordered = sorted(ov.heat, key=lambda r: (rank.get(r.city, len(rank)), -sum(r.cells), r.name))
    return ordered[:HEAT_ROWS]


def heat_map(ov: Overview, sections: Sequence[Section], lang: str, first: Sequence[str] = (),
             all_rows: bool = False) -> str:
    """Cities x framework sections: each cell counts the city's passages that speak to the section;
    a non-empty cell is a button that lists them (see OVERVIEW_JS). Past `HEAT_ROWS` cities, the
    first rows only (see `heat_rows`) and a button for all."""
    if not ov.heat:
        return ""
    titles = {s.key: section_title(s, lang) for s in sections}
    keys = [k for k, _ in ov.sections]
    names = [titles.get(k, dict(ov.sections)[k]) for k in keys]
    # "§3" kept in that order on a right-to-left page too (the bidi algorithm wrote "3§")
    head = "".join(f'<th scope="col"><abbr title="{esc(n)}" dir="ltr">§{i}</abbr></th>' for i, n in enumerate(names, 1))
    body = []
    rows = heat_rows(ov, first, all_rows)
    for row in rows:
        cells = []
        for key, name, n in zip(keys, names, row.cells, strict=True):
            level = heat_level(n)
            said = t(lang, "atlas.heat.cell", city=row.name, section=name, n=n)
            if n:
                inner = (f'<button class="kb-cell" data-act="cell" data-city="{esc(row.city)}" data-section="{esc(key)}" '
                         f'aria-label="{esc(said)}" title="{esc(said)}">{esc(number(n, lang))}</button>')
            else:
                inner = f'<span class="kb-cell-empty" title="{esc(said)}" aria-label="{esc(said)}">·</span>'
            cells.append(f'<td class="kb-heat-{level}">{inner}</td>')
        place = f' <span class="kb-meta">{esc(country_name(row.country, lang))}</span>' if row.country else ""
        body.append(f'<tr><th scope="row" dir="auto">{esc(row.name)}{place}</th>{"".join(cells)}</tr>')
    legend = "".join(f'<li><bdi dir="ltr">§{i}</bdi> {esc(n)}</li>' for i, n in enumerate(names, 1))
    more = ""
    if len(rows) < len(ov.heat):
        # "your city and comparable ones first" only when there is a city to put first
        said = t(lang, "atlas.heat.some" if first else "atlas.heat.some_busiest", shown=len(rows), total=len(ov.heat))
        more = (f'<p class="kb-meta kb-heat-more">{esc(said)} <button class="kb-heat-all" data-act="all">'
                f'{esc(t(lang, "atlas.heat.all", n=len(ov.heat)))}</button></p>')
    return (
        f'<section class="kb-heat-wrap" aria-labelledby="kb-heat-title"><h3 id="kb-heat-title">'
        f'{esc(t(lang, "atlas.heat.title"))}</h3><p class="kb-meta">{esc(t(lang, "atlas.heat.help"))}</p>{more}'
        # on a narrow screen the map scrolls sideways; this says so, and its first column stays (app.css)
        f'<p class="kb-meta kb-heat-swipe">{esc(t(lang, "atlas.heat.swipe"))}</p>'
        f'<div class="kb-heat-scroll"><table class="kb-heat" id="kb-heat"><thead><tr><th scope="col">'
        f'{esc(t(lang, "field.city"))}</th>{head}</tr></thead><tbody>{"".join(body)}</tbody></table></div>'
        f'<ol class="kb-heat-legend">{legend}</ol></section>'
    )
