"""The page as city staff meet it, in headless Chromium: their language (Arabic right to left,
Spanish), pinning without friction (no draft yet, duplicates, undo), "Open" for an HTML original,
filter errors in the user's words, an Arabic quote exported right to left, and a screenshot of the
search page in each language (tests/artifacts/search-<lang>.png).

One app on the hashing embedder (fast; lexical search finds each language's own documents).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_helpers import (
    ARTIFACTS,
    BROKEN_WORDS_JS,
    RunningApp,
    new_page,
    query_box,
    search,
    shot,
    start_app,
    tab,
)

from ui.i18n import LANGUAGES, catalogue, t

pytestmark = pytest.mark.browser

DOCS = {
    "majlis.txt": ("مجلس الوقاية المحلي\n\nيرأس رئيس البلدية مجلس الوقاية المحلي. يجتمع المجلس كل شهر مع الشرطة "
                   "والمدارس والعاملين مع الشباب. تُنشر محاضر الاجتماعات على موقع البلدية.", "AR"),
    "jovenes.txt": ("Programa juvenil\n\nEl programa juvenil ofrece talleres de alfabetización digital para reconocer "
                    "la desinformación y el discurso de odio en internet. Los talleres duran seis semanas.", "AR"),
    "board.txt": ("Leadership group\n\nThe local prevention board is chaired by the mayor. It meets every month "
                  "with the police, schools and youth workers.", "US"),
    "review.txt": ("Annual review\n\n" + " ".join(f"Finding {i}: the partners met, shared their cases and agreed on "
                                                 "the next steps for the neighbourhood." for i in range(1, 12))
                   + " The youth council asked for a seat on the steering group. "
                   + " ".join(f"Note {i}: the budget line for outreach stayed the same as the year before."
                              for i in range(1, 10)), "US"),
    "panel.html": ("<html><head><title>Referral panel</title><script>window.__pwned = 1;</script></head><body>"
                   "<h1>Referral panel</h1><h2>Who sits on it</h2><p>The panel brings together social work, "
                   "schools and the police.</p>" + "".join(f"<h2>Part {i}</h2><p>Background paragraph {i} on how "
                   "the city organises its services, with more words to make the page long enough to scroll.</p>"
                   for i in range(1, 15)) + "<h2>How a referral works</h2><p>A referral reaches the panel within "
                   "48 hours and the family is told.</p><img src=x onerror=\"window.__pwned = 2\"></body></html>",
                   "US"),
}
DATA_WORDS = {"Riverton", "Referral", "panel", "Leadership", "group", "Programa", "juvenil", "mayor", "chairs"}
FORMAT_WORDS = {"PDF", "DOCX", "HTML", "Markdown", "CSV", "CSL", "JSON", "Word", "OCR", "API", "Gradio", "https"}


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    from kb import KnowledgeBase

    root = tmp_path_factory.mktemp("i18n")
    with KnowledgeBase(root / "home", embedder="hash") as setup:
        for name, (text, country) in DOCS.items():
            (root / name).write_text(text, encoding="utf-8")
            assert setup.add([root / name], metadata={"city": "Riverton", "country": country, "year": 2023,
                                                      "doc_type": "city-practice"}).ok
    kb = KnowledgeBase(root / "home", embedder="hash")
    running = start_app(kb, users={})
    yield running
    running.app.close()
    kb.close()


def open_in(browser: Any, app: RunningApp, locale: str) -> Any:
    page = new_page(browser, app, locale=locale)
    page.goto(app.url)
    query_box(page).wait_for()
    page.locator("#kb-banner .kb-banner").wait_for()  # the server's part of the page is in
    page.wait_for_function("() => document.documentElement.dir !== ''")  # and the language applied
    return page


def pin_creating_a_draft(page: Any, card: Any) -> None:
    """Pin `card`; when the app has no draft yet, the card offers to create one in place: create it."""
    card.locator("button[data-act=pin]").click()
    page.locator(".kb-card .kb-pinned, .kb-card .kb-create").first.wait_for()  # the answer, either way
    if page.locator(".kb-card .kb-create").count():
        page.locator(".kb-card .kb-create input").first.fill("Riverton")
        page.locator(".kb-card button[data-act=create-pin]").first.click()


# Visible text of the page, leaving out what documents say (titles, excerpts, citations, places).
VISIBLE_TEXT_JS = """
(skip) => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    if (!el || el.closest(skip) || !el.getClientRects().length) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none') continue;
    out.push(walker.currentNode.textContent);
  }
  for (const el of document.querySelectorAll('[placeholder], button[title]')) {
    if (el.getClientRects().length && !el.closest(skip)) out.push(el.getAttribute('placeholder') || el.title);
  }
  return out.join(' ');
}
"""
DOCUMENT_PARTS = ("script, style, footer.svelte-1rjryqp, .kb-title, .kb-excerpt, .kb-citation, .kb-meta, .kb-where, "
                  "pre, code, .kb-reader-title, .kb-reader-text, #kb-draft h2, #kb-draft .kb-meta, "
                  "#kb-query textarea, .kb-searches, [data-testid=dropdown] input, .footer, footer")


def english_left(page: Any, lang: str) -> set[str]:
    """English words of the interface still on the page (words of en.yaml not also in `lang`'s file)."""
    def words(lang_: str) -> set[str]:
        values = [v for m in catalogue(lang_).values() for v in (m.values() if isinstance(m, dict) else [m])]
        return {w.lower() for v in values for w in re.findall(r"[A-Za-z]{4,}", re.sub(r"\{\w+\}", "", v))}

    english = words("en") - words(lang) - {w.lower() for w in DATA_WORDS | FORMAT_WORDS}
    text = page.evaluate(VISIBLE_TEXT_JS, DOCUMENT_PARTS)
    return {w for w in re.findall(r"[A-Za-z]{4,}", text) if w.lower() in english}


def test_arabic_page_is_right_to_left_and_arabic_through_search_and_pinning(browser: Any, app: RunningApp) -> None:
    page = open_in(browser, app, "ar-EG")
    try:
        assert page.evaluate("document.documentElement.dir") == "rtl"
        assert page.get_by_role("tab", name="البحث").is_visible() and page.get_by_role("tab", name="الصياغة").is_visible()
        assert page.locator("#kb-search-btn").inner_text().strip() == "بحث"
        box = query_box(page)
        assert box.evaluate("e => getComputedStyle(e).direction") == "rtl"  # the query box too
        # ... and a value in a Latin script reads from its own start (a Spanish draft's title lost its start)
        assert box.evaluate("e => getComputedStyle(e).unicodeBidi") == "plaintext"
        # Gradio writes dir="ltr" on its blocks: the checkbox must still come first from the right,
        # and a dropdown's arrow sit at the end of its text (the left), not over its start
        tick = page.locator("#kb-reader-first input[type=checkbox]").bounding_box()
        words = page.locator("#kb-reader-first .label-text").bounding_box()
        assert tick["x"] > words["x"] + words["width"] - 1
        arrow = page.locator("#kb-pin-section .icon-wrap").bounding_box()
        field_box = page.locator("#kb-pin-section input[role=combobox]").bounding_box()
        assert arrow["x"] + arrow["width"] < field_box["x"] + field_box["width"] / 2
        assert "قاعدة المعارف حول الوقاية" in page.inner_text("#kb-intro")
        box.fill("رئيس البلدية مجلس الوقاية")
        page.click("#kb-search-btn")
        page.locator("#kb-search-status", has_text="لـ «رئيس البلدية").wait_for()
        card = page.locator(".kb-card", has_text="يرأس رئيس البلدية").first
        assert card.evaluate("e => getComputedStyle(e).direction") == "rtl"
        assert "الأرجنتين" in card.locator(".kb-meta").inner_text()  # AR is Argentina, in Arabic
        assert "العربية" in card.locator(".kb-lang").inner_text()  # the document's language, named
        # its citation mixes scripts (Arabic title, Latin city): each part isolated, in order from the right
        assert_parts_right_to_left(card.locator(".kb-citation").first)
        # No draft yet: the card offers one, named for the city, and confirms where it pinned.
        card.locator("button[data-act=pin]").click()
        card = page.locator(".kb-card", has_text="يرأس رئيس البلدية").first
        card.locator(".kb-create input").fill("Riverton")
        card.locator("button[data-act=create-pin]").click()
        page.locator(".kb-card .kb-pinned", has_text="مثبّت في §1").wait_for()
        assert "الإطار المحلي للوقاية في Riverton" in page.locator("#kb-pin-draft input").first.input_value()
        assert english_left(page, "ar") == set()
        shot(page, "journey-arabic")
        # Pinning the same excerpt again says so, on the card.
        page.locator(".kb-card", has_text="يرأس رئيس البلدية").first.locator("button[data-act=pin]").click()
        page.locator(".kb-card .kb-card-notice", has_text="موجود بالفعل في §1").wait_for()
        tab(page, "الصياغة")
        page.locator("#kb-draft blockquote", has_text="يرأس رئيس البلدية").wait_for()
        assert page.locator("#kb-draft blockquote").count() == 1  # the duplicate added nothing
        assert_parts_right_to_left(page.locator("#kb-draft .kb-citation").first)  # the stored citation too
        assert english_left(page, "ar") == set()
        # The DOCX marks the Arabic quote right to left.
        page.click("#kb-export-docx")
        link = page.locator("#kb-export-file a").first
        link.wait_for()
        url = link.get_attribute("href")
        assert url.split("?")[0].endswith(".docx")
        body = page.request.get(url if url.startswith("http") else app.url.rstrip("/") + url).body()
        (ARTIFACTS / "arabic-draft.docx").write_bytes(body)
        assert_quote_is_rtl(ARTIFACTS / "arabic-draft.docx", "يرأس رئيس البلدية")
        assert page.dialogs == []
    finally:
        page.context.close()


def assert_parts_right_to_left(citation: Any) -> None:
    """A citation's parts (title, city, country, year) each in a <bdi>, laid out from the right in their order."""
    rights = citation.evaluate("p => [...p.querySelectorAll('bdi')].map(b => b.getBoundingClientRect().right)")
    assert len(rights) >= 4 and all(a > b for a, b in zip(rights, rights[1:], strict=False)), rights


def assert_quote_is_rtl(path: Path, words: str) -> None:
    from docx import Document as DocxDocument
    from docx.oxml.ns import qn

    doc = DocxDocument(str(path))
    quote = next(p for p in doc.paragraphs if p.style.name == "Quote" and words in p.text)
    assert quote._p.pPr.find(qn("w:bidi")) is not None
    assert all(r._r.rPr is not None and r._r.rPr.find(qn("w:rtl")) is not None for r in quote.runs)
    assert any(p.text == "المراجع" for p in doc.paragraphs)  # the heading in the drafter's language


def test_spanish_page_is_spanish_through_search_filters_and_drafting(browser: Any, app: RunningApp) -> None:
    page = open_in(browser, app, "es-ES")
    try:
        assert page.evaluate("document.documentElement.dir") == "ltr"
        assert page.get_by_role("tab", name="Buscar").is_visible()
        query_box(page).fill("programa juvenil talleres")
        page.click("#kb-search-btn")
        page.locator("#kb-search-status", has_text="resultado").wait_for()
        card = page.locator(".kb-card", has_text="talleres").first
        assert "Argentina" in card.locator(".kb-meta").inner_text() and "Práctica municipal" in card.inner_text()
        assert card.locator("button[data-act=pin]").inner_text() == "Fijar"
        assert english_left(page, "es") == set()
        # A bad year in a filter is refused in the user's words and language.
        page.locator("#kb-filters").get_by_text("Filtros").first.click()
        page.locator("#kb-year-min").locator("textarea, input").first.fill("veinte")
        page.click("#kb-search-btn")
        page.get_by_text("Año desde: escriba un año, p. ej. 2021").first.wait_for()
        assert english_left(page, "es") == set()
        tab(page, "Redacción")
        page.locator("#kb-draft").wait_for()
        assert english_left(page, "es") == set()
        tab(page, "Añadir documentos")  # Gradio's own upload words too ("Drop File Here" stayed English)
        page.locator("#kb-upload", has_text="Suelte los archivos aquí").wait_for()
        assert "Haga clic para elegir archivos" in page.inner_text("#kb-upload")
        assert "resultado" in page.inner_text("#kb-outcomes")  # its column headers
        assert english_left(page, "es") == set()
    finally:
        page.context.close()


def test_the_language_switch_relabels_the_page_in_place(browser: Any, app: RunningApp) -> None:
    page = open_in(browser, app, "en-GB")
    try:
        assert page.get_by_role("tab", name="Search").is_visible()
        page.locator("#kb-lang input").click()
        page.get_by_role("option", name="العربية").click()
        page.get_by_role("tab", name="البحث").wait_for()
        assert page.evaluate("document.documentElement.dir") == "rtl"
        page.locator("#kb-banner", has_text="للمسؤولين").wait_for()
        arabic = [t("ar", f"tab.{key}") for key in ("search", "drafting", "directory", "group", "library", "add")]
        assert page.locator("[role=tab]").all_inner_texts() == arabic  # every tab, not only the open one
        page.reload()  # the choice is kept on this browser
        page.get_by_role("tab", name="البحث").wait_for()
        assert page.evaluate("document.documentElement.dir") == "rtl"
        # the tabs that were not open kept the browser's language ("Drafting" on an Arabic page)
        page.get_by_role("tab", name=arabic[-1]).wait_for()
        assert page.locator("[role=tab]").all_inner_texts() == arabic
        # An address with ?lang= follows a switch: a reload went back to the address's language (QA)
        page.goto(app.url + "?lang=fr")
        page.get_by_role("tab", name=t("fr", "tab.search")).wait_for()
        page.locator("#kb-lang input").click()
        page.get_by_role("option", name="Deutsch").click()
        page.wait_for_function("() => new URLSearchParams(location.search).get('lang') === 'de'")
        page.reload()
        page.get_by_role("tab", name=t("de", "tab.search")).wait_for()
    finally:
        page.evaluate("window.localStorage.removeItem('kb-lang')")
        page.context.close()


def test_a_language_switch_redraws_the_cards_the_drafting_tab_shows(browser: Any, app: RunningApp) -> None:
    page = open_in(browser, app, "en-US")
    try:
        tab(page, "Drafting")
        page.locator("#kb-suggest").click()
        pin = page.locator("#kb-suggestions .kb-card button[data-act=pin]").first
        pin.wait_for()
        assert pin.inner_text() == catalogue("en")["card.pin"]
        page.locator("#kb-lang input").click()
        page.get_by_role("option", name=LANGUAGES["es"]).click()
        page.locator("#kb-suggestions .kb-card button[data-act=pin]", has_text=catalogue("es")["card.pin"]).first.wait_for()
        assert page.locator("#kb-suggestions .kb-card button[data-act=pin]",
                            has_text=re.compile(f"^{catalogue('en')['card.pin']}$")).count() == 0
    finally:
        page.evaluate("window.localStorage.removeItem('kb-lang')")
        page.context.close()



def test_a_language_switch_relabels_the_library_table_at_once(browser: Any, app: RunningApp) -> None:
    page = open_in(browser, app, "en-US")
    try:
        tab(page, "Library")
        table = page.locator("#kb-library")
        table.get_by_text(catalogue("en")["library.col.source"], exact=True).first.wait_for()
        # opening a section this page has no use for (accounts, in single-user mode) raises no error
        page.locator("#kb-accounts").get_by_text(catalogue("en")["accounts.title"]).first.click()
        page.locator("#kb-account-name").wait_for()
        page.wait_for_timeout(800)
        assert page.locator(".toast-body").count() == 0
        page.locator("#kb-lang input").click()
        page.get_by_role("option", name=LANGUAGES["es"]).click()
        table.get_by_text(catalogue("es")["library.col.source"], exact=True).first.wait_for()
        assert table.get_by_text(catalogue("en")["library.col.source"], exact=True).count() == 0
        assert table.get_by_text("Riverton").count() + table.get_by_text("Harrow").count() > 0, "rows kept"
        listing = page.locator("#kb-library-list")
        assert not listing.is_visible(), "the list is the table's stand-in on a phone only"
        # on a phone the fourteen columns become a list, a document a line, in the page language
        page.set_viewport_size({"width": 390, "height": 844})
        listing.locator("li").first.wait_for()
        assert not table.is_visible()
        first = listing.locator("li").first.inner_text()
        assert "Riverton" in first and f"{catalogue('es')['library.col.chunks']}:" in first, first
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        shot(page, "library-phone-es")
    finally:
        page.evaluate("window.localStorage.removeItem('kb-lang')")
        page.context.close()

def test_pin_undo_and_undo_of_a_removed_item(browser: Any, app: RunningApp) -> None:
    page = open_in(browser, app, "en-US")
    try:
        search(page, "prevention board chaired")
        pin_creating_a_draft(page, page.locator(".kb-card", has_text="chaired by the mayor").first)
        pinned = page.locator(".kb-card", has_text="chaired by the mayor").first.locator(".kb-pinned")
        pinned.wait_for()
        assert re.search(r"Pinned to §1 City-led multi-actor leadership group · Undo", pinned.inner_text())
        tab(page, "Drafting")
        item = page.locator("#kb-draft .kb-item", has_text="chaired by the mayor")
        item.wait_for()
        item.locator("button[data-act=remove]").click()
        page.locator("#kb-draft .kb-undo", has_text="Removed").wait_for()
        assert page.locator("#kb-draft .kb-item", has_text="chaired by the mayor").count() == 0
        page.locator("#kb-draft button[data-act=restore]").click()
        page.locator("#kb-draft .kb-item", has_text="chaired by the mayor").wait_for()
        assert page.locator("#kb-draft .kb-undo").count() == 0
        # A long passage shows a window around its best sentence; "show more" shows it all, in the page.
        tab(page, "Search")
        search(page, "youth council seat steering group")
        card = page.locator(".kb-card", has_text="youth council asked").first
        assert card.locator(".kb-short").is_visible() and not card.locator(".kb-full").is_visible()
        assert "Finding 1:" not in card.locator(".kb-short").inner_text()
        card.locator("button[data-act=expand]").click()
        assert card.locator(".kb-full").is_visible() and "Finding 1:" in card.locator(".kb-full").inner_text()
        # Pinning a selection of the excerpt quotes exactly that.
        card.locator(".kb-full").evaluate("""(p) => {
            const text = p.firstChild.nodeType === 3 ? p.firstChild : p.childNodes[0];
            const start = text.textContent.indexOf('Finding 2:');
            const range = document.createRange();
            range.setStart(text, start); range.setEnd(text, start + 'Finding 2: the partners met'.length);
            const sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(range); }""")
        card.locator("button[data-act=pin]").click()
        page.locator("#kb-search-status", has_text="chosen sentences").wait_for()
        tab(page, "Drafting")
        page.locator("#kb-draft blockquote", has_text="Finding 2: the partners met").wait_for()
        assert page.locator("#kb-draft blockquote", has_text="Finding 2: the partners met").inner_text().strip() == \
            "Finding 2: the partners met"
        tab(page, "Search")
        # The card's own "undo" takes the pin out again.
        tab(page, "Search")
        search(page, "prevention board chaired")
        page.locator(".kb-card", has_text="chaired by the mayor").first.locator("button[data-act=unpin]").click()
        page.locator(".kb-card .kb-card-notice", has_text="Taken out of the draft").wait_for()
        assert page.locator(".kb-card", has_text="chaired by the mayor").first.locator(".kb-pinned").count() == 0
    finally:
        page.context.close()



def test_an_excerpt_taken_out_in_another_page_is_said_so_and_the_draft_redrawn(
        browser: Any, app: RunningApp) -> None:
    page = open_in(browser, app, "en-US")
    try:
        search(page, "prevention board chaired")
        pin_creating_a_draft(page, page.locator(".kb-card", has_text="chaired by the mayor").first)
        page.locator(".kb-card", has_text="chaired by the mayor").first.locator(".kb-pinned").wait_for()
        tab(page, "Drafting")
        item = page.locator("#kb-draft .kb-item", has_text="chaired by the mayor")
        item.wait_for()
        item_id = int(item.locator("button[data-act=remove]").get_attribute("data-item"))
        app.kb.drafts.remove_item(item_id)  # another drafter, or this one in another tab
        item.locator("button[data-act=remove]").click()  # (its only item: "down" is disabled, QA pass 15)
        page.locator(".toast-body", has_text="no longer in the draft").wait_for()
        item.wait_for(state="detached")  # the draft as it is now
        assert page.locator(".toast-body", has_text="Error").count() == 0
    finally:
        page.context.close()


def test_a_pin_that_fails_says_so_where_the_last_pin_said_added(browser: Any, app: RunningApp,
                                                                 tmp_path: Path) -> None:
    """QA pass 13: a colleague trashed a document whose card was on screen; its Pin failed with a toast,
    while the line under the search still said the last pin's "Added to …", and the card stayed as if
    it could still be pinned."""
    note = tmp_path / "dunmore-quay.txt"
    note.write_text("Dunmore Quay\n\nThe Dunmore Quay harbour forum meets fishermen and youth workers monthly.",
                    encoding="utf-8")
    assert app.kb.add([note], metadata={"city": "Dunmore Quay"}).ok
    page = open_in(browser, app, "en-US")
    try:
        search(page, "Dunmore Quay harbour forum")
        card = page.locator(".kb-card", has_text="harbour forum").first
        pin_creating_a_draft(page, card)
        status = page.locator("#kb-search-status")
        status.filter(has_text="Added to").wait_for()
        app.kb.remove(app.kb.document("dunmore-quay.txt").id, by="claire")  # to the trash, in another page
        card.locator("button[data-act=pin]").click()
        page.locator(".toast-body", has_text="no longer in the knowledge base").wait_for()
        status.filter(has_text="no longer in the knowledge base").wait_for()
        assert "Added to" not in status.inner_text()
        # and the card says so, with no button left that could only fail (it stayed as it was)
        gone = page.locator(".kb-card.kb-gone", has_text="harbour forum")
        gone.locator(".kb-card-gone", has_text="its document was removed or read again").wait_for()
        assert gone.locator("button[data-act=pin], button[data-act=more], button[data-act=open]").count() == 0
    finally:
        page.context.close()


def test_the_drafting_tab_opened_shows_a_draft_made_in_another_page(browser: Any, app: RunningApp) -> None:
    """QA pass 13: ben's Drafting tab, open since before ana made the city's draft, said "No draft yet"
    until he reloaded the page (inviting a second draft for the same city)."""
    page = open_in(browser, app, "en-US")
    draft = app.kb.drafts.create("Lakeside", "Lakeside plan made in another page")
    try:
        tab(page, "Drafting")
        page.locator("#kb-draft-sel").locator("input").first.click()
        page.get_by_role("option").filter(has_text="Lakeside plan made in another page").wait_for(timeout=10_000)
    finally:
        page.context.close()
        app.kb.drafts.delete(draft.id)


def test_open_on_an_html_card_shows_its_text_at_the_section_and_runs_nothing(browser: Any, app: RunningApp) -> None:
    page = open_in(browser, app, "en-US")
    try:
        search(page, "referral reaches the panel within 48 hours")
        card = page.locator(".kb-card", has_text="within 48 hours").first
        card.locator("button[data-act=open]").click()
        reader = page.locator("#kb-reader-panel")
        reader.wait_for()
        target = page.locator("#kb-reader-target")
        target.wait_for()
        assert "A referral reaches the panel within 48 hours" in target.inner_text()
        assert "How a referral works" in page.inner_text("#kb-reader")  # its section heading, as text
        page.wait_for_function("() => { const r = document.getElementById('kb-reader-target').getBoundingClientRect();"
                               " return r.top >= 0 && r.top < window.innerHeight; }")
        assert page.locator("#kb-reader script, #kb-reader img, #kb-reader iframe").count() == 0
        assert page.evaluate("window.__pwned") is None and page.dialogs == []
        shot(page, "reader-html")
        # the reader pins too: the words selected in the cited passage, into a draft (made here if none)
        if not app.kb.drafts.list():
            app.kb.drafts.create("Riverton", "Riverton plan")
            page.reload()
            search(page, "referral reaches the panel within 48 hours")
            card.locator("button[data-act=open]").click()
            target.wait_for()
        page.evaluate("""() => {
            const walk = document.createTreeWalker(document.getElementById('kb-reader-target'), NodeFilter.SHOW_TEXT);
            while (walk.nextNode()) {
                const at = walk.currentNode.data.indexOf('within 48 hours');
                if (at < 0) continue;
                const range = document.createRange();
                range.setStart(walk.currentNode, at);
                range.setEnd(walk.currentNode, at + 'within 48 hours'.length);
                window.getSelection().removeAllRanges();
                window.getSelection().addRange(range);
                return;
            }
        }""")
        page.locator("#kb-reader .kb-reader-actions button[data-act=pin]").click()
        page.locator("#kb-reader .kb-msg", has_text="Added the chosen sentences to “").wait_for()
        assert any(i.text == "within 48 hours" for d in app.kb.drafts.list() for i in app.kb.drafts.get(d.id).items())
        with page.expect_download() as got:
            page.locator("#kb-reader button.kb-download").click()
        assert got.value.suggested_filename == "panel.html"  # the original name, not a hash
        tab(page, "Drafting")  # another tab: the reader does not stay over it, nor the original's download box
        reader.wait_for(state="hidden")
        page.locator("#kb-original-file").wait_for(state="hidden")
        tab(page, "Search")
        assert not any(re.search(r"/file=.*\.html?($|\?)", u) for u in app.requests)  # never served as a page
        # on a phone the reader shows the passage and keeps its "Close" button in view
        page.set_viewport_size({"width": 390, "height": 640})
        card.locator("button[data-act=open]").click()
        target.wait_for()
        page.wait_for_function("() => { const r = document.getElementById('kb-reader-target').getBoundingClientRect();"
                               " return r.top >= 0 && r.top < window.innerHeight; }")
        close = page.locator("#kb-reader-close").bounding_box()
        assert close is not None and close["y"] >= 0 and close["y"] + close["height"] <= 640, close
        page.locator("#kb-reader-close").click()
        reader.wait_for(state="hidden")
    finally:
        page.context.close()


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_screenshot_of_the_search_page(browser: Any, app: RunningApp, lang: str) -> None:
    page = open_in(browser, app, lang)
    try:
        query_box(page).fill("mayor board / رئيس البلدية / programa juvenil")
        page.click("#kb-search-btn")
        page.locator(".kb-card").first.wait_for()
        page.wait_for_timeout(300)
        assert page.evaluate("document.documentElement.lang").startswith(lang)
        shot(page, f"search-{lang}")
    finally:
        page.context.close()


def test_removing_a_document_in_the_library_lets_go_of_it_in_the_menu_and_form(
    browser: Any, app: RunningApp, tmp_path: Path
) -> None:
    scratch = tmp_path / "scratch.txt"
    scratch.write_text("Scratch notes\n\nA note to remove again.", encoding="utf-8")
    assert app.kb.add([scratch], metadata={"city": "Riverton"}).ok
    page = open_in(browser, app, "en-US")
    try:
        tab(page, "Library")
        menu = page.locator("#kb-doc-sel input").first
        menu.click()
        page.get_by_role("option", name=re.compile("Scratch notes")).first.click()
        title = page.locator("#kb-edit-title textarea, #kb-edit-title input").first
        page.wait_for_function("(box) => box.value === 'Scratch notes'", arg=title.element_handle())
        page.locator("#kb-remove-ok input").check()
        page.locator("#kb-remove").click()
        page.locator("#kb-library-status", has_text="to the trash").wait_for()
        # the collection at a glance counts one document fewer
        count = len(app.kb.documents())
        page.wait_for_function("(n) => document.querySelector('#kb-overview').textContent.includes(n + ' documents')",
                               arg=count)  # on the Search tab, hidden here
        page.wait_for_function("(box) => box.value === ''", arg=menu.element_handle())  # not a bare id
        page.wait_for_function("(box) => box.value === ''", arg=title.element_handle())
        menu.fill("santa")  # typed text that names no document: an empty form, no error
        menu.press("Enter")
        page.wait_for_timeout(500)
        assert page.locator(".toast-body").count() == 0 and title.input_value() == ""
    finally:
        page.context.close()
        gone = next(i for i in app.kb.trash.items() if i.title == "Scratch notes")
        assert gone  # in the trash, where the Trash panel can restore it


# Headers of `selector`'s table whose text runs past their cell's edge, cut off ("Numér").
CLIPPED_HEADERS_JS = r"""(selector) => [...document.querySelectorAll(selector + ' th')].filter((th) => {
  const cell = th.getBoundingClientRect();
  const range = document.createRange();
  range.selectNodeContents(th.querySelector('.header') || th);
  return cell.height && [...range.getClientRects()].some((r) => r.width && r.right > cell.right + 1);
}).map((th) => th.textContent.trim())"""


def test_the_trash_and_audit_tables_read_like_the_library_at_1280_px_and_on_a_phone(
    browser: Any, app: RunningApp, tmp_path: Path
) -> None:
    """French page: the trash's headers were broken mid-word ("Num|éro", "Supprim|é par"), its last two
    columns off-screen, in a monospace font; on a phone the audit trail's headers and names fell apart
    ("Qua|nd", "jo|ao") and the restore checkbox's label was clipped."""
    notes = tmp_path / "notes.txt"
    notes.write_text("Wendelsee: Geschäftsordnung des Runden Tisches „Demokratie und Prävention“\n\n"
                     "Der Runde Tisch trifft sich jeden Monat.", encoding="utf-8")
    report = app.kb.add([notes], metadata={"city": "Riverton", "country": "BE"})
    assert report.ok
    doc = next(d for d in app.kb.documents() if d.source == "notes.txt")
    app.kb.remove(doc.id, by="joao")
    page = open_in(browser, app, "fr-FR")
    try:
        tab(page, t("fr", "tab.library"))
        page.locator("#kb-trash").get_by_text(t("fr", "trash.title")).first.click()
        page.locator("#kb-trash-refresh").click()
        trash = page.locator("#kb-trash-table")
        trash.locator(".body-cell", has_text="notes.txt").first.wait_for()
        assert page.evaluate(BROKEN_WORDS_JS, "#kb-trash-table") == []
        assert page.evaluate(CLIPPED_HEADERS_JS, "#kb-trash-table") == []
        for column in ("removed_at", "purge_after"):  # every column on screen, not scrolled off
            header = trash.locator("th", has_text=t("fr", f"trash.col.{column}")).first
            box = header.bounding_box()
            assert box and box["x"] + box["width"] <= 1280, (column, box)
        font = page.evaluate("() => getComputedStyle(document.querySelector('#kb-trash-table .body-cell')).fontFamily")
        library_font = page.evaluate("() => getComputedStyle(document.querySelector('#kb-library .body-cell')).fontFamily")
        assert font == library_font and "mono" not in font.lower(), font
        page.locator("#kb-audit").get_by_text(t("fr", "audit.title")).first.click()
        page.locator("#kb-audit-refresh").click()
        audit = page.locator("#kb-audit-table")
        audit.locator(".body-cell", has_text="joao").first.wait_for()
        assert page.evaluate(BROKEN_WORDS_JS, "#kb-audit-table") == []
        assert page.evaluate(CLIPPED_HEADERS_JS, "#kb-audit-table") == []
        trash.scroll_into_view_if_needed()
        shot(page, "trash-fr")
        page.set_viewport_size({"width": 390, "height": 844})
        page.wait_for_timeout(300)
        shot(page, "trash-audit-phone-fr")
        for table in ("#kb-trash-table", "#kb-audit-table"):  # "Qua|nd (UTC", "jo|ao" on a phone
            assert page.evaluate(BROKEN_WORDS_JS, table) == [], table
            assert page.evaluate(CLIPPED_HEADERS_JS, table) == [], table
        label = page.locator("#kb-trash-copy label").first
        assert t("fr", "trash.as_copy") in label.inner_text()
        # every line of the checkbox's label inside its box (it ran past the box's edge, cut off)
        clipped = label.evaluate("""(el) => {
          const box = el.closest('#kb-trash-copy').getBoundingClientRect();
          const range = document.createRange();
          range.selectNodeContents(el);
          return [...range.getClientRects()].filter((r) => r.width && (r.left < box.left - 1 || r.right > box.right + 1))
            .map((r) => [r.left, r.right, box.left, box.right]);
        }""")
        assert clipped == [], clipped
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        page.context.close()


def test_the_drafting_tab_s_section_menu_shows_its_whole_title_on_a_phone(browser: Any, app: RunningApp) -> None:
    """A 390 px phone, a Portuguese page: the menu's field cut its choice ("§1 Grupo de liderança multiator
    conduzic"); its title is said whole right under it, and each choice of its open list is whole."""
    page = open_in(browser, app, "pt-PT")
    try:
        page.set_viewport_size({"width": 390, "height": 844})
        tab(page, t("pt", "tab.drafting"))
        menu = page.locator("#kb-section-sel")
        menu.wait_for()
        title = t("pt", "framework.leadership.title")
        heading = page.locator("#kb-purpose .kb-section-title")
        heading.wait_for()
        assert heading.inner_text() == title
        # nothing between the menu and its title's heading (the new-draft form stood there)
        below = page.evaluate("""() => {
          const row = document.querySelector('#kb-working-draft').getBoundingClientRect();
          const heading = document.querySelector('#kb-purpose .kb-section-title').getBoundingClientRect();
          return [row.bottom, heading.top];
        }""")
        assert 0 <= below[1] - below[0] <= 60, below
        shot(page, "drafting-phone-pt")
        menu.locator("input").first.click()
        option = page.get_by_role("option", name=re.compile(re.escape(title))).first
        option.wait_for()
        whole = option.evaluate("""(el) => {
          const box = el.getBoundingClientRect();
          const range = document.createRange();
          range.selectNodeContents(el);
          return box.right <= window.innerWidth && [...range.getClientRects()].every((r) => r.right <= box.right + 1);
        }""")
        assert whole and title in option.inner_text()
    finally:
        page.context.close()
