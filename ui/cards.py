"""Result cards: the passage around a hit's best sentences, its citation, and what can be done with it.

A card's header names the document, its place, page and section, so the excerpt below starts with
what the passage says: a leading line that only repeats the title or a heading is left out of it.
A long passage shows a window around its highlighted sentences, with "show more" for the whole
(toggled in the browser, no round trip). Every text goes through `esc` (see `ui.render`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from ingest.wraps import lines_may_wrap, soft_wraps
from kb.searching.citations import Part, section_path
from kb.searching.highlights import body_text
from kb.types import Hit
from ui.i18n import direction, t
from ui.i18n.locale import country_name, language_name
from ui.render_base import copy_citation, esc, isolated, local_parts, rtl_language, said

__all__ = ["Original", "CardState", "CardRights", "PinnedAt", "result_cards", "excerpt_window", "body_text",
           "highlight", "citation_parts", "citation_text"]

WINDOW = 700  # characters a card shows before "show more"
CONTEXT = 240  # characters of context kept around the highlighted sentences
_BOUNDARY = re.compile(r"(?<=[.!?؟。！？])\s+|\n+")


@dataclass(frozen=True)
class Original:
    """How a card reaches its document: a link (PDF at the page, or the web), the in-page reader,
    and the stored original to download under its own name."""

    open_url: str | None = None  # PDF with #page=N, or the document's web address
    reader: bool = False  # the text view inside the page (DOCX, HTML, Markdown, text)
    download_url: str | None = None
    filename: str | None = None


@dataclass(frozen=True)
class PinnedAt:
    """An item of the working draft that quotes this card's chunk."""

    item_id: int
    number: int  # the section's place in the framework, 1-based
    section: str  # its title in the UI language


@dataclass
class CardState:
    """What a card says about the working draft, and a one-off notice where the click happened."""

    pinned: list[PinnedAt] = field(default_factory=list)
    notice: str = ""  # already-translated text
    notice_kind: str = "info"
    offer_create: bool = False  # no draft yet: offer to create one here
    city: str = ""  # the city that offer names first (the reader's one workspace), if any
    gone: bool = False  # its passage left the knowledge base since the search: said, and no buttons


@dataclass(frozen=True)
class CardRights:
    """Which of a card's buttons the reader may use (a button that could only refuse is not shown)."""

    pin: bool = True  # Pin, Pin highlighted sentences, Undo a pin
    directory: bool = True  # Add to directory


def highlight(text: str, sentences: Iterable[str], start: int = 0, end: int | None = None,
              shown: str | None = None) -> str:
    """Escaped `text[start:end]` with each of `sentences` (verbatim substrings of `text`) in <mark>;
    written as `shown` says it (the same text with its wrapped lines joined: `soft_wraps`), if given."""
    end = len(text) if end is None else end
    said = text if shown is None or len(shown) != len(text) else shown
    spans: list[tuple[int, int]] = []
    for sentence in sentences:
        at = text.find(sentence) if sentence else -1
        if at >= 0:
            spans.append((max(at, start), min(at + len(sentence), end)))
    out, pos = [], start
    for a, b in sorted(spans):
        if a < pos or a >= b:  # overlapping or outside the window: keep the first
            continue
        out += [esc(said[pos:a]), "<mark>", esc(said[a:b]), "</mark>"]
        pos = b
    out.append(esc(said[pos:end]))
    return "".join(out)


def excerpt_window(text: str, sentences: Sequence[str], limit: int = WINDOW,
                   context: int = CONTEXT) -> tuple[int, int]:
    """The span of `text` a card shows first: all of it when short, else the highlighted sentences
    with up to `context` characters around them, cut at sentence boundaries."""
    if len(text) <= limit:
        return 0, len(text)
    cuts = sorted({0, len(text), *(m.end() for m in _BOUNDARY.finditer(text))})
    found = [(text.find(s), len(s)) for s in sentences if s and text.find(s) >= 0]
    if found:
        a = min(at for at, _ in found)
        b = max(at + n for at, n in found)
        lo = min((c for c in cuts if a - context <= c <= a), default=a)
        reach = max(b + context, lo + limit - context)
    else:
        lo, b, reach = 0, 0, limit
    hi = max((c for c in cuts if b <= c <= reach), default=None)
    if hi is None or hi <= lo:
        hi = min((c for c in cuts if c >= max(b, reach)), default=len(text))
    if hi - lo >= 0.85 * len(text):
        return 0, len(text)
    return lo, hi


def _place_html(city: str | None, country: str | None, lang: str) -> str:
    """The city, isolated (the document's word), and the country's name in the page language."""
    return esc(t(lang, "common.comma")).join(p for p in (f"<bdi>{esc(city)}</bdi>" if city else "",
                                                         esc(country_name(country, lang))) if p)


def citation_parts(hit: Hit, lang: str) -> list[Part]:
    """The hit's citation in the reader's language (country name, "p." as the language writes it), in
    parts: the document's own (title, city, year, page, section names) and the separators between them."""
    # a page read by OCR says so, so whoever quotes it knows the text may differ from the scan
    return local_parts(hit.title, hit.city, hit.country, hit.year, hit.page, hit.ocr, hit.section, lang)


def citation_text(hit: Hit, lang: str) -> str:
    """The hit's citation in the reader's language, as text (`citation_parts` joined)."""
    return "".join(text for text, _ in citation_parts(hit, lang))


def _badge(code: str | None, lang: str) -> str:
    name = language_name(code, lang)
    if not name:
        return ""
    return f'<span class="kb-badge kb-lang" data-code="{esc(code)}" title="{esc(name)}">{esc(name)}</span>'


def _doc_type(value: str | None, lang: str) -> str:
    return t(lang, f"choice.doc_type.{value}") if value else ""


def _links(hit: Hit, original: Original, lang: str) -> str:
    out = []
    if original.open_url and not original.reader:
        text = t(lang, "card.open_page", page=str(hit.page)) if hit.page else t(lang, "card.open")
        out.append(f'<a class="kb-open" href="{esc(original.open_url)}" target="_blank" rel="noopener">'
                   f"{esc(text)}</a>")
    if original.reader:
        out.append(f'<button class="kb-act kb-open" data-act="open" data-chunk="{hit.chunk_id}">'
                   f"{esc(t(lang, 'card.open'))}</button>")
    if original.download_url:  # served by the app under the original's own name (see Actions.original_copy)
        name = original.filename or "original"
        out.append(f'<button class="kb-act kb-link kb-download" data-act="download" data-chunk="{hit.chunk_id}" '
                   f'title="{esc(name)}">{esc(t(lang, "card.download"))}</button>')
    return " ".join(out)


def _state_html(hit: Hit, state: CardState | None, lang: str) -> str:
    if state is None:
        return ""
    out = []
    for p in state.pinned:
        out.append(
            f'<p class="kb-pinned" role="status">{esc(t(lang, "card.pinned", number=str(p.number), section=p.section))}'
            f' · <button class="kb-act kb-link" data-act="unpin" data-chunk="{hit.chunk_id}" data-item="{p.item_id}">'
            f"{esc(t(lang, 'card.undo'))}</button></p>"
        )
    if state.gone:
        out.append(f'<p class="kb-msg kb-info kb-card-gone">{esc(t(lang, "card.gone"))}</p>')
    if state.notice:
        out.append(f'<p class="kb-msg kb-{esc(state.notice_kind)} kb-card-notice" role="status">{esc(state.notice)}</p>')
    if state.offer_create and not state.gone:
        out.append(
            # the offer's words describe its city box, where a Pin's focus goes (ui.page_js.AFTER_CARD_JS)
            f'<div class="kb-create" role="group"><p id="kb-create-{hit.chunk_id}">{esc(t(lang, "card.no_draft"))}</p>'
            f'<label>{esc(t(lang, "field.city"))} <input name="kb-city" type="text" dir="auto" '
            f'aria-describedby="kb-create-{hit.chunk_id}" '
            f'value="{esc(state.city)}" placeholder="{esc(t(lang, "help.your_city"))}"></label> '
            f'<button class="kb-act kb-primary" data-act="create-pin" data-chunk="{hit.chunk_id}">'
            f"{esc(t(lang, 'card.create_and_pin'))}</button></div>"
        )
    return "".join(out)


def _card(n: int, hit: Hit, original: Original, lang: str, rights: CardRights, state: CardState | None,
          typed: bool = True) -> str:
    text = body_text(hit.text, (hit.title, *hit.section))
    shown = soft_wraps(text) if lines_may_wrap(hit.source) else text  # a PDF's wrapped lines as running text
    a, b = excerpt_window(text, hit.highlights)
    text_dir = "rtl" if rtl_language(hit.language) else "auto"
    lang_attr = f' lang="{esc(hit.language)}"' if hit.language and hit.language != "und" else ""
    excerpt = (f'<p class="kb-excerpt kb-short" dir="{text_dir}"{lang_attr}>{"… " if a else ""}'
               f'{highlight(text, hit.highlights, a, b, shown)}{" …" if b < len(text) else ""}</p>')
    if (a, b) != (0, len(text)):
        excerpt += (f'<p class="kb-excerpt kb-full" dir="{text_dir}"{lang_attr} hidden>'
                    f"{highlight(text, hit.highlights, shown=shown)}</p>"
                    f'<button class="kb-act kb-link kb-toggle" data-act="expand" data-more="{esc(t(lang, "card.more"))}" '
                    f'data-less="{esc(t(lang, "card.less"))}">{esc(t(lang, "card.more"))}</button>')
    if not hit.highlights and typed:  # "your words": only when the reader typed some
        excerpt += f'<p class="kb-nohl">{esc(t(lang, "card.no_highlight"))}</p>'
    # the document's words (city, section names) isolated, so each reads in its own direction and the
    # separators between them in the page's (see `ui.render_base.isolated`)
    meta = " · ".join(p for p in (_place_html(hit.city, hit.country, lang), esc(hit.year) if hit.year else "",
                                  esc(_doc_type(hit.doc_type, lang))) if p)
    path = " › ".join(f"<bdi>{esc(name)}</bdi>" for name in section_path(hit.title, hit.section))
    where = " · ".join(p for p in (esc(t(lang, "card.page", page=str(hit.page))) if hit.page else "",
                                   f"§ {path}" if path else "") if p)
    gone = state is not None and state.gone  # nothing left to open, pin or compare: no buttons
    pin = ""
    if rights.pin and not gone:
        pin = (f'<button class="kb-act kb-primary" data-act="pin" data-chunk="{hit.chunk_id}" '
               f'title="{esc(t(lang, "card.pin_hint"))}">{esc(t(lang, "card.pin"))}</button>')
        span = [(text.find(h), text.find(h) + len(h)) for h in hit.highlights if h and text.find(h) >= 0]
        if span and max(b for _, b in span) - min(a for a, _ in span) < 0.9 * len(text):
            pin += (f' <button class="kb-act" data-act="pin-hl" data-chunk="{hit.chunk_id}">'
                    f"{esc(t(lang, 'card.pin_highlighted'))}</button>")
    # another copy's citation written as the card's own is ("pág. 1", not "p. 1"), its parts isolated;
    # one given without its parts (`also_in` alone) isolated whole
    cited = [copy_citation(c, lang) for c in hit.copies] if hit.copies else hit.also_in
    also = "".join(f'<p class="kb-citation kb-also" dir="{direction(lang)}">{said(lang, "card.also_in", citation=c)}</p>'
                   for c in cited)
    return (
        # named by its rank and title: a screen reader moving card to card hears which (QA pass 15)
        f'<article class="kb-card{" kb-gone" if gone else ""}" id="kb-card-{hit.chunk_id}" data-chunk="{hit.chunk_id}" '
        f'aria-labelledby="kb-rank-{hit.chunk_id} kb-title-{hit.chunk_id}">'
        f'<header><span class="kb-rank" id="kb-rank-{hit.chunk_id}">{n}</span> '
        f'<strong class="kb-title" id="kb-title-{hit.chunk_id}" dir="auto"{lang_attr}>{esc(hit.title)}</strong> '
        f'{_badge(hit.language, lang)} <span class="kb-meta" dir="{direction(lang)}">{meta}</span>'
        + (f'<span class="kb-where" dir="{direction(lang)}">{where}</span>' if where else "")
        + f"</header>{excerpt}"
        f'<p class="kb-citation" dir="{direction(lang)}">{isolated(citation_parts(hit, lang))}</p>{also}'
        f"{_state_html(hit, state, lang)}"
        + ("" if gone else
           f"<footer>{_links(hit, original, lang)} "
           f'<button class="kb-act" data-act="more" data-chunk="{hit.chunk_id}">{esc(t(lang, "card.more_like"))}'
           f"</button> {pin} "
           + (f'<button class="kb-act" data-act="directory" data-chunk="{hit.chunk_id}" '
              f'title="{esc(t(lang, "card.directory_hint"))}">{esc(t(lang, "card.directory"))}</button>'
              if rights.directory else "")
           + "</footer>")
        + "</article>"
    )


def result_cards(
    hits: Sequence[Hit],
    original: Callable[[Hit], Original | str | None],
    lang: str = "en",
    *,
    rights: CardRights = CardRights(),
    empty: str | None = None,
    states: Mapping[int, CardState] | None = None,
    typed: bool = True,
) -> str:
    """Search results as cards, best first.

    Args:
        hits: the results.
        original: how each hit's document opens (an `Original`; a plain URL is read as a link).
        lang: the page language.
        rights: which buttons to show (Pin, Add to directory): only those the reader may use.
        empty: what to say when there are no hits (translated); a default otherwise.
        states: per chunk id, what the card says about the working draft.
        typed: the hits answer words the reader typed; a card without highlights then says no
            sentence stands out for them (not said of a heat-map cell's passages).

    Returns:
        HTML; buttons carry `data-act` and `data-chunk` for the page's click handler.
    """
    if not hits:
        return f'<div class="kb-empty" dir="{direction(lang)}">{esc(empty or t(lang, "search.no_results"))}</div>'
    cards = []
    for n, hit in enumerate(hits, start=1):
        found = original(hit)
        link = found if isinstance(found, Original) else Original(open_url=found)
        cards.append(_card(n, hit, link, lang, rights, (states or {}).get(hit.chunk_id), typed))
    return f'<div class="kb-results" dir="{direction(lang)}">' + "".join(cards) + "</div>"
