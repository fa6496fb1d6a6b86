"""The little JavaScript the page runs: card clicks, the page language and its direction.

Kept as strings Gradio runs in the browser (`js_on_load` of an HTML component, `js=` of an event).
"""

from __future__ import annotations

import json

from ui.i18n import LANGUAGES, RTL_LANGUAGES

__all__ = ["CLICK_JS", "DETECT_LANG_JS", "APPLY_LANG_JS", "AFTER_CARD_JS", "EARLY_OVERVIEW_HEAD"]

# Clicks on card and draft-item buttons become one custom event carrying the button's data; "show
# more" is done here (no round trip); a pin or "Add to directory" sends the text selected in that
# card's excerpt (or the reader's cited passage), if any, and "create and pin" the city typed in the card.
CLICK_JS = """
const send = (b) => {
  const card = b.closest('.kb-card') || b.closest('.kb-reader');
  let quote = null, city = null;
  if (card) {
    const sel = window.getSelection();
    if ((b.dataset.act === 'pin' || b.dataset.act === 'directory') && sel && !sel.isCollapsed) {
      const node = sel.anchorNode && (sel.anchorNode.nodeType === 1 ? sel.anchorNode : sel.anchorNode.parentElement);
      if (node && card.contains(node) && node.closest('.kb-excerpt, .kb-target')) quote = sel.toString();
    }
    const input = card.querySelector('input[name=kb-city]');
    if (input) city = input.value;
  }
  // the reader, opened, takes focus; closed, gives it back here (ui.page_a11y)
  if (b.dataset.act === 'open' || b.dataset.act === 'open-source') {
    window.__kbOpener = {el: b, act: b.dataset.act, chunk: b.dataset.chunk || ''};
  }
  // the cards are drawn again after the event and the focused button goes with them: AFTER_CARD_JS
  // gives focus back to the same card (a keyboard user was left on the page's body)
  const list = card && card.parentElement && card.parentElement.closest('[id]');
  const pane = b.closest('[id]');  // a draft's item buttons: focus back to that item (or its Undo)
  window.__kbFocus = (card && document.activeElement === b && card.dataset.chunk)
    ? {list: list ? list.id : null, chunk: card.dataset.chunk, act: b.dataset.act}
    : (!card && b.dataset.item && document.activeElement === b)
      ? {list: pane ? pane.id : null, item: b.dataset.item, act: b.dataset.act} : null;
  trigger('kb_action', {act: b.dataset.act, chunk: b.dataset.chunk || null, item: b.dataset.item || null,
                        quote: quote, city: city});
};
element.addEventListener('click', (e) => {
  const b = e.target.closest('button.kb-act');
  if (!b) return;
  e.preventDefault();
  if (b.dataset.act === 'expand') {
    const card = b.closest('.kb-card');
    const full = card.querySelector('.kb-full'), short = card.querySelector('.kb-short');
    const open = full.hidden;
    full.hidden = !open; short.hidden = open;
    b.textContent = open ? b.dataset.less : b.dataset.more;
    b.setAttribute('aria-expanded', String(open));
    return;
  }
  send(b);
});
element.addEventListener('keydown', (e) => {
  if (e.key !== 'Enter' || !e.target.matches('input[name=kb-city]')) return;
  e.preventDefault();
  const b = e.target.closest('.kb-create').querySelector('button.kb-act');
  if (b) { b.focus(); send(b); }  // as if its button were pressed: focus then follows the pin (to its Undo)
});
"""

# The language the page opens in: ?lang=xx, else the one chosen before on this browser, else the
# first of the browser's languages the UI speaks, else English (`ui.i18n.normalize` checks it again).
DETECT_LANG_JS = """
(hint) => {
  const supported = SUPPORTED_LANGUAGES;
  let kept = null;
  try { kept = window.localStorage.getItem('kb-lang'); } catch (e) {}
  const asked = new URLSearchParams(window.location.search).get('lang');
  const wanted = [asked, kept, navigator.language, ...(navigator.languages || [])];
  for (const tag of wanted) {
    const code = (tag || '').toLowerCase().split(/[-_]/)[0];
    if (supported.includes(code)) return code;
  }
  return 'en';
}
""".replace("SUPPORTED_LANGUAGES", json.dumps(list(LANGUAGES)))

# Put the page in a language: its direction, Gradio's own texts and ours (Gradio's `changeLocale`,
# found as the module the page already loaded), and remember the choice on this browser and, when
# the address says ?lang=, in the address too.
APPLY_LANG_JS = """
async (lang) => {
  const rtl = RTL_LANGUAGES;
  document.documentElement.dir = rtl.includes(lang) ? 'rtl' : 'ltr';
  document.documentElement.lang = lang;
  try { window.localStorage.setItem('kb-lang', lang); } catch (e) {}
  try {  // an address that names a language names this one, or a reload would go back to the old
    const url = new URL(window.location.href);
    if (url.searchParams.has('lang') && url.searchParams.get('lang') !== lang) {
      url.searchParams.set('lang', lang);
      window.history.replaceState(window.history.state, '', url);
    }
  } catch (e) {}
  const urls = performance.getEntriesByType('resource').map((r) => r.name)
    .concat(Array.from(document.querySelectorAll('script[src], link[rel=modulepreload]'), (n) => n.src || n.href));
  const core = urls.find((u) => /\\/assets\\/core-[^/]*\\.js(\\?|$)/.test(u));
  if (core) {
    try { const m = await import(core); if (m.changeLocale) m.changeLocale(lang); } catch (e) { console.warn(e); }
  }
  return lang;
}
""".replace("RTL_LANGUAGES", json.dumps(sorted(RTL_LANGUAGES)))

# After a card or reader click: bring the cited passage into view in the reader, and start the
# download of an original the server has just prepared (once per file).
AFTER_CARD_JS = """
() => {
  setTimeout(() => {
    const target = document.getElementById('kb-reader-target');
    const text = target && target.closest('.kb-reader-text');
    // scroll the reader's text only: scrollIntoView also scrolled the panel, and on a phone its
    // "Close" button went off the top with no way back
    if (text && target.getClientRects().length) {
      text.scrollTop += target.getBoundingClientRect().top - text.getBoundingClientRect().top;
    }
    const f = window.__kbFocus;
    window.__kbFocus = null;
    const lost = !document.activeElement || document.activeElement === document.body;
    if (f && lost && /^[0-9]+$/.test(f.chunk)) {
      const root = (f.list && document.getElementById(f.list)) || document;
      const card = root.querySelector(`.kb-card[data-chunk="${f.chunk}"]`);
      // a Pin with no draft yet: the card's offer to create one, at its city box (QA pass 15)
      const offer = /^pin/.test(f.act) && card && card.querySelector('.kb-create input[name=kb-city]');
      const again = offer || card && (card.querySelector(`button.kb-act[data-act="${f.act}"]`)
                             || card.querySelector('button.kb-act[data-act=unpin]') || card.querySelector('button.kb-act'));
      if (again) again.focus({preventScroll: true});
      else if (f.act === 'more') {  // the results were replaced: their status line says what they are
        const line = document.getElementById(f.list === 'kb-suggestions' ? 'kb-suggest-status' : 'kb-search-status');
        if (line) { line.tabIndex = -1; line.focus({preventScroll: true}); }
      }
    }
    if (f && lost && /^[0-9]+$/.test(f.item || '')) {  // QA pass 15: focus fell to the page's body
      const root = (f.list && document.getElementById(f.list)) || document;
      const again = root.querySelector(`button.kb-act[data-act="${f.act}"][data-item="${f.item}"]`)
                    || root.querySelector(`button.kb-act[data-item="${f.item}"]`);
      if (again) again.focus({preventScroll: true});
    }
    const panel = document.getElementById('kb-reader-panel');
    const title = panel && panel.getClientRects().length && panel.querySelector('.kb-reader-title');
    if (title && window.__kbOpener && !panel.contains(document.activeElement)) {
      title.tabIndex = -1;  // the reader, opened, is where focus goes (it stayed behind the overlay)
      title.focus({preventScroll: true});
    }
    const link = document.querySelector('#kb-original-file a[href]');
    if (link && link.href !== window.__kbDownloaded) {
      window.__kbDownloaded = link.href;
      link.click();
    }
  }, 100);
}
"""


# In the page's <head>: ask for the overview panel (ui.gate, GET kb/overview) as the page starts, and
# draw it into its panel as soon as Gradio has made the panel, instead of after Gradio's load events
# (a round trip after the whole app is up). It marks what it drew; Gradio's own value, when it comes,
# is morphed over it (the same HTML: nothing moves) and clears the mark, and then this stops.
EARLY_OVERVIEW_HEAD = """<script>
(() => {
  const lang = (DETECT)(null);
  fetch('kb/overview?lang=' + encodeURIComponent(lang), {credentials: 'same-origin', cache: 'no-store'})
    .then((r) => (r.ok ? r.text() : null)).catch(() => null).then((html) => {
      if (!html) return;
      const until = Date.now() + 20000;
      const place = () => {
        const host = document.querySelector('#kb-overview .html-container > div');
        if (host && host.querySelector('.kb-overview:not([data-kb-early])')) return;
        if (host && !host.querySelector('.kb-overview')) {
          host.innerHTML = html;
          const drawn = host.querySelector('.kb-overview');
          if (drawn) drawn.setAttribute('data-kb-early', '');
        }
        if (Date.now() < until) requestAnimationFrame(place);
      };
      place();
    });
})();
</script>""".replace("DETECT", DETECT_LANG_JS.strip())
