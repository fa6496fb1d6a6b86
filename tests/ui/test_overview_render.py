"""The overview's heat map past `HEAT_ROWS` cities: its first rows (the reader's city and comparable
ones, then the most passages), the "show all" button, every city A to Z when asked; and the page's
early overview script (ui.page_js.EARLY_OVERVIEW_HEAD)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from kb.atlas.overview import HeatRow, Overview
from kb.drafting.framework import load_framework
from ui.charts import HEAT_ROWS, heat_map, heat_rows
from ui.overview import OVERVIEW_JS, overview_html
from ui.page_js import DETECT_LANG_JS, EARLY_OVERVIEW_HEAD

SECTIONS = (("leadership", "Leadership"), ("plan", "Plan"))


def _overview(cities: int) -> Overview:
    # city i has i passages on leadership, none on plan: the last city has the most
    heat = tuple(HeatRow(f"c{i:03d}", f"City {i:03d}", "NL", (i, 0)) for i in range(cities))
    return Overview(documents=cities, chunks=cities * 3, labelled=cities, by_language=(), by_country=(),
                    by_doc_type=(), by_year=(), sections=SECTIONS, heat=heat, no_city_documents=0, gaps=())


def _cities_drawn(html: str) -> list[str]:
    return re.findall(r'<th scope="row" dir="auto">(City \d+)', html)


def test_a_small_map_is_drawn_whole_a_to_z() -> None:
    ov = _overview(HEAT_ROWS)
    assert [r.city for r in heat_rows(ov)] == [r.city for r in ov.heat]
    html = heat_map(ov, load_framework().sections, "en")
    assert len(_cities_drawn(html)) == HEAT_ROWS and "kb-heat-all" not in html
    # "§1" stays "§1" on an Arabic page (the column heads and the legend are left to right)
    arabic = heat_map(ov, load_framework().sections, "ar")
    assert 'dir="ltr">§1</abbr>' in arabic and '<bdi dir="ltr">§1</bdi>' in arabic


def test_a_large_map_draws_the_first_rows_and_offers_all() -> None:
    ov = _overview(100)
    sections = load_framework().sections
    html = heat_map(ov, sections, "en")
    drawn = _cities_drawn(html)
    assert len(drawn) == HEAT_ROWS
    assert drawn[:3] == ["City 099", "City 098", "City 097"]  # the most passages first
    assert f"Cities shown: {HEAT_ROWS} of 100 (those with the most passages first)" in html  # no city set
    mine = heat_map(ov, sections, "en", first=["c005"])
    assert f"Cities shown: {HEAT_ROWS} of 100 (your city and comparable ones first" in mine
    assert '<button class="kb-heat-all" data-act="all">Show all cities (100)</button>' in html
    everything = heat_map(ov, sections, "en", all_rows=True)
    assert _cities_drawn(everything) == [f"City {i:03d}" for i in range(100)] and "kb-heat-all" not in everything


def test_the_readers_city_and_comparable_ones_come_first() -> None:
    ov = _overview(100)
    rows = heat_rows(ov, first=["c005", "c002"])
    assert [r.city for r in rows[:3]] == ["c005", "c002", "c099"] and len(rows) == HEAT_ROWS


def test_show_all_is_worded_in_the_page_language() -> None:
    ov = _overview(40)
    html = overview_html(ov, load_framework().sections, "ar")
    assert 'dir="rtl"' in html and "اعرض كل المدن" in html and "kb-heat-all" in html
    assert "Show all" not in html


def test_the_click_script_asks_for_all_cities_and_for_a_cell() -> None:
    assert "button.kb-heat-all" in OVERVIEW_JS and "act: 'all'" in OVERVIEW_JS
    assert "button.kb-cell" in OVERVIEW_JS and "act: 'cell'" in OVERVIEW_JS


def test_the_early_overview_script_asks_the_gate_in_the_browsers_language() -> None:
    assert EARLY_OVERVIEW_HEAD.startswith("<script>") and EARLY_OVERVIEW_HEAD.endswith("</script>")
    assert DETECT_LANG_JS.strip() in EARLY_OVERVIEW_HEAD  # the same choice of language as the page's
    assert "fetch('kb/overview?lang=' + encodeURIComponent(lang)" in EARLY_OVERVIEW_HEAD
    assert "#kb-overview .html-container > div" in EARLY_OVERVIEW_HEAD  # the HTML component's own box


APP_CSS = Path(__file__).resolve().parents[2] / "ui" / "static" / "app.css"


def draw(page: Any, html: str, lang: str, direction: str, body_style: str = "") -> None:
    """`html` alone on a page of `lang`, with the app's style sheet (no app)."""
    page.set_content(f'<html dir="{direction}" lang="{lang}"><style>{APP_CSS.read_text(encoding="utf-8")}</style>'
                     f'<body style="{body_style}">{html}</body></html>')


def test_on_a_phone_a_chart_is_drawn_as_lines_of_readable_text(browser: Any) -> None:
    """QA pass 11: at 390 px the SVG chart was scaled to half its size, its labels about 6 px high."""
    from kb.atlas.overview import Count
    from ui.charts import bar_chart

    counts = [Count("pilot-output", "pilot-output", 22), Count("network-guidance", "network-guidance", 6),
              Count("evaluation", "evaluation", 3)]
    page = browser.new_page(viewport={"width": 390, "height": 500})
    try:
        for lang, direction in (("pt", "ltr"), ("ar", "rtl")):
            draw(page, bar_chart("doc_type", counts, lang), lang, direction, body_style="margin:0 16px")
            assert not page.locator("svg").is_visible()
            rows = page.locator(".kb-chart-phone li")
            assert rows.count() == 3
            size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.kb-pbar-label')).fontSize)")
            assert size >= 12, size
            body = page.locator("body").bounding_box()
            for i in range(3):  # label, bar and count on the screen, none past the body's edge
                for part in (".kb-pbar-label", ".kb-pbar-fill", ".kb-pbar-count"):
                    box = rows.nth(i).locator(part).bounding_box()
                    assert box["x"] >= body["x"] - 0.5 and box["x"] + box["width"] <= body["x"] + body["width"] + 0.5, (
                        lang, i, part)
            assert "22" in rows.first.inner_text() or "٢٢" in rows.first.inner_text()
        page.set_viewport_size({"width": 1000, "height": 500})
        assert page.locator("svg").is_visible() and not page.locator(".kb-chart-phone").is_visible()
    finally:
        page.close()


def test_an_arabic_chart_keeps_its_labels_and_counts_inside_it(browser: Any) -> None:
    """On a right-to-left page the labels were cut to one letter and "13" showed as "3": the SVG's
    text anchors took the page's direction. Drawn in Chromium, every label and count must lie
    inside the chart."""
    from kb.atlas.overview import Count
    from ui.charts import bar_chart

    counts = [Count("es", "es", 22), Count("ar", "ar", 13), Count("en", "en", 7), Count("de", "de", 1)]
    page = browser.new_page(viewport={"width": 700, "height": 300})
    try:
        for lang, direction in (("ar", "rtl"), ("en", "ltr")):
            draw(page, bar_chart("language", counts, lang), lang, direction)
            svg = page.locator("svg").bounding_box()
            texts = page.locator("svg text")
            assert texts.count() == 8
            for i in range(texts.count()):
                box = texts.nth(i).bounding_box()
                assert svg["x"] - 0.5 <= box["x"] and box["x"] + box["width"] <= svg["x"] + svg["width"] + 0.5, (
                    lang, texts.nth(i).text_content())
            assert "22" in page.locator("svg").text_content()
    finally:
        page.close()


def test_theme_tags_are_named_in_the_page_language() -> None:
    from kb.atlas.records import ComparableCity
    from ui.i18n import theme_name
    from ui.overview import reasons_text

    assert theme_name("online-hate", "es") == "odio en línea" and theme_name("youth-resilience", "ar") == "صمود الشباب"
    assert theme_name("our-own-tag", "de") == "our own tag"  # themes are free text: as written
    city = ComparableCity("lyon", "Lyon", "FR", None, None, 0.5, (), why=(("themes", {"themes": ["digital-literacy"]}),))
    assert "alfabetización digital" in reasons_text(city, "es", load_framework().sections)
    # QA pass 11: the sections two cities share were named by their keys ("(leadership)")
    shared = ComparableCity("lyon", "Lyon", "FR", None, None, 0.5, (), why=(("sections", {"sections": ["leadership"]}),))
    said = reasons_text(shared, "fr", load_framework().sections)
    assert "(leadership)" not in said and "Groupe de pilotage multi-acteurs" in said, said


def test_a_language_too_short_to_tell_is_called_unknown_in_the_page_language() -> None:
    """QA: a near-empty scan's "und" stood in the language chart as the raw code."""
    from dataclasses import replace

    from kb.atlas.overview import Count

    ov = replace(_overview(2), by_language=(Count("en", "English", 3), Count("und", "an unknown language", 1)))
    for lang, word in (("en", "Unknown"), ("fr", "inconnue"), ("ar", "غير معروفة")):  # as CLDR writes "anglais"
        html = overview_html(ov, load_framework().sections, lang)
        assert word in html and ">und<" not in html, lang
    # and Search's language filter names it the same way (it listed the bare code "und")
    from ui.handlers import _label

    assert _label("language", "und", "fr") == "inconnue" and _label("language", "de", "fr") == "allemand"


def test_regions_are_named_in_the_page_language() -> None:
    """QA: "gleiche Region (Europe)" on a German page; regions are written in English in the metadata."""
    from kb.atlas.profile import Profile
    from kb.atlas.records import ComparableCity
    from ui.i18n import region_name
    from ui.overview import profile_summary, reasons_text

    assert [region_name(r, "de") for r in ("Europe", "Latin America", "West Africa", "Middle East and North Africa")] == [
        "Europa", "Lateinamerika", "Westafrika", "Naher Osten und Nordafrika"]
    assert region_name("West Africa", "en") == "West Africa" and region_name("Our own region", "fr") == "Our own region"
    city = ComparableCity("lyon", "Lyon", "FR", None, "Europe", 0.5, (), why=(("region", {"region": "Europe"}),))
    assert "(Europa)" in reasons_text(city, "de", load_framework().sections) and "Europe" not in reasons_text(city, "de", load_framework().sections)
    assert "أوروبا" in profile_summary(Profile(region="Europe"), "ar")


def test_a_comparable_citys_reasons_are_joined_as_the_page_language_punctuates() -> None:
    """QA: the Arabic reasons were joined with a Latin ";"."""
    from kb.atlas.records import ComparableCity
    from ui.overview import reasons_text

    city = ComparableCity("lyon", "Lyon", "FR", None, "Europe", 0.5, (),
                          why=(("region", {"region": "Europe"}), ("country", {"country": "FR"})))
    assert "؛ " in reasons_text(city, "ar", load_framework().sections) and ";" not in reasons_text(city, "ar", load_framework().sections)
    assert " ; " in reasons_text(city, "fr", load_framework().sections) and "); " in reasons_text(city, "en", load_framework().sections)
