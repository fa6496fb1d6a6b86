"""The little JavaScript the page runs: card clicks, the page language and its direction.

Kept as strings Gradio runs in the browser (`js_on_load` of an HTML component, `js=` of an event).
"""

from __future__ import annotations

import json

from ui.i18n import LANGUAGES, RTL_LANGUAGES

__all__ = ["CLICK_JS", "DETECT_LANG_JS", "APPLY_LANG_JS", "AFTER_CARD_JS", "EARLY_OVERVIEW_HEAD", "a11y_head"]

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
  // the reader, opened, takes focus; closed, gives it back here (a11y_head)
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


# In the page's <head>, for keyboards and screen readers (QA pass 15): the reader is a dialog (named by
# its title; Escape closes it, Tab stays in it, and focus goes back to the button that opened it);
# Gradio's upload boxes, named "Click to upload or drop files" in English whatever the page's
# language, take their own label, as do its tables ("Dataframe") and the controls it names in English
# ("Table actions", "Fullscreen", "Close"); its accordions say whether they are open; the window's
# title is in the page language.
_A11Y_HEAD = """<script>
(() => {
  const TITLES = TITLES_BY_LANGUAGE, CHOOSE = CHOOSE_BY_LANGUAGE, NAMED = NAMED_BY_KEY, GRADIO = GRADIO_NAMES;
  const KNOWN = {};  // a name Gradio gives (or one put in its place before) -> its key
  for (const [key, english] of Object.entries(GRADIO)) {
    KNOWN[english] = key;
    for (const said of Object.values(NAMED[key])) KNOWN[said] = key;
  }
  const NAMED_SELECTOR = Object.keys(KNOWN).flatMap((n) => [`[aria-label=${JSON.stringify(n)}]`, `[title=${JSON.stringify(n)}]`]).join(',');
  const shown = (el) => el && el.getClientRects().length > 0;
  const panel = () => document.getElementById('kb-reader-panel');
  let queued = false;
  const mend = () => {
    queued = false;
    const lang = document.documentElement.lang || 'en';
    if (TITLES[lang] && document.title !== TITLES[lang]) document.title = TITLES[lang];
    document.querySelectorAll('[aria-label="Click to upload or drop files"]').forEach((box) => {
      const label = box.closest('.block') && box.closest('.block').querySelector('[data-testid="block-label"]');
      const named = ((label && label.textContent) || '').trim();
      box.setAttribute('aria-label', named ? `${named}: ${CHOOSE[lang] || CHOOSE.en}` : (CHOOSE[lang] || CHOOSE.en));
    });
    // what Gradio names in English on every page (a table's toolbar, fullscreen, close, its footer)
    document.querySelectorAll(NAMED_SELECTOR).forEach((el) => {
      for (const attr of ['aria-label', 'title']) {
        const key = KNOWN[el.getAttribute(attr)];
        const said = key && (NAMED[key][lang] || NAMED[key].en);
        if (said && el.getAttribute(attr) !== said) el.setAttribute(attr, said);
      }
    });
    // a table Gradio names "Dataframe": named by its accordion, else by its tab
    document.querySelectorAll('[aria-label="Dataframe"]').forEach((grid) => {
      let name = '';
      for (let a = grid.parentElement; a && !name; a = a.parentElement) {
        const wrap = a.querySelector(':scope > button.label-wrap');
        if (wrap) name = (wrap.firstElementChild || wrap).textContent.trim();
      }
      const tab = document.querySelector('[role=tab][aria-selected=true]');
      name = name || (tab ? tab.textContent.trim() : '');
      if (name) grid.setAttribute('aria-label', name);
    });
    // Gradio's accordions: say whether each is open, and leave the "▼" out of its name
    document.querySelectorAll('button.label-wrap').forEach((b) => {
      const open = String(b.classList.contains('open'));
      if (b.getAttribute('aria-expanded') !== open) b.setAttribute('aria-expanded', open);
      const icon = b.lastElementChild;
      if (icon && icon !== b.firstElementChild && !icon.hasAttribute('aria-hidden')) icon.setAttribute('aria-hidden', 'true');
    });
    const p = panel();
    if (p && p.getAttribute('role') !== 'dialog') {
      p.setAttribute('role', 'dialog');
      p.setAttribute('aria-modal', 'true');
    }
    const title = p && p.querySelector('.kb-reader-title');
    if (title) {
      title.id = 'kb-reader-heading';
      p.setAttribute('aria-labelledby', 'kb-reader-heading');
    }
  };
  new MutationObserver(() => {
    if (!queued) { queued = true; requestAnimationFrame(mend); }
  }).observe(document.documentElement, {subtree: true, childList: true, attributes: true,
                                        attributeFilter: ['lang', 'class']});
  const back = () => {  // the reader closed: focus to the button that opened it
    const o = window.__kbOpener;
    window.__kbOpener = null;
    if (!o) return;
    const until = Date.now() + 3000;
    const tick = () => {
      if (shown(panel()) && Date.now() < until) { requestAnimationFrame(tick); return; }
      const el = (o.el && o.el.isConnected) ? o.el
        : document.querySelector(`button.kb-act[data-act="${o.act}"][data-chunk="${o.chunk}"]`);
      if (el) el.focus({preventScroll: false});
    };
    tick();
  };
  document.addEventListener('click', (e) => { if (e.target.closest('#kb-reader-close')) back(); }, true);
  document.addEventListener('keydown', (e) => {
    const p = panel();
    if (!shown(p)) return;
    if (e.key === 'Escape') {
      const close = document.getElementById('kb-reader-close');
      if (close) { e.preventDefault(); close.click(); }
      return;
    }
    if (e.key !== 'Tab') return;
    const stops = Array.from(p.querySelectorAll('button, a[href], input, select, textarea, [tabindex]:not([tabindex="-1"])'))
      .filter((el) => shown(el) && !el.disabled);
    if (!stops.length) return;
    const first = stops[0], last = stops[stops.length - 1];
    if (!p.contains(document.activeElement)) { e.preventDefault(); first.focus(); }
    else if (e.shiftKey && document.activeElement === first) { e.preventDefault(); last.focus(); }
    else if (!e.shiftKey && document.activeElement === last) { e.preventDefault(); first.focus(); }
  }, true);
})();
</script>"""


def a11y_head() -> str:
    """`_A11Y_HEAD` with the window's title and the upload boxes' words in every page language."""
    from ui.i18n import t

    titles = {lang: t(lang, "app.name") for lang in LANGUAGES}
    choose = {lang: t(lang, "gradio.upload_text.click_to_upload") for lang in LANGUAGES}
    named = {key: {lang: t(lang, f"gradio_named.{key}") for lang in LANGUAGES} for key in GRADIO_NAMES}
    return (_A11Y_HEAD.replace("TITLES_BY_LANGUAGE", json.dumps(titles, ensure_ascii=False))
            .replace("CHOOSE_BY_LANGUAGE", json.dumps(choose, ensure_ascii=False))
            .replace("NAMED_BY_KEY", json.dumps(named, ensure_ascii=False))
            .replace("GRADIO_NAMES", json.dumps(GRADIO_NAMES)))


# The names Gradio 6 writes in English into its controls' aria-label or title, whatever the page's
# language (its own translations do not cover them), by `gradio_named` key.
GRADIO_NAMES = {"table_actions": "Table actions", "fullscreen": "Fullscreen", "exit_fullscreen": "Exit fullscreen mode",
                "close": "Close", "footer": "Gradio footer navigation"}
