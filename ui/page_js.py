"""The little JavaScript the page runs: card clicks, the page language and its direction.

Kept as strings Gradio runs in the browser (`js_on_load` of an HTML component, `js=` of an event).
"""

from __future__ import annotations

__all__ = ["CLICK_JS", "DETECT_LANG_JS", "APPLY_LANG_JS", "SHOW_READER_JS"]

# Clicks on card and draft-item buttons become one custom event carrying the button's data; "show
# more" is done here (no round trip); a pin sends the text selected in that card's excerpt, if any,
# and "create and pin" the city typed in the card.
CLICK_JS = """
const send = (b) => {
  const card = b.closest('.kb-card');
  let quote = null, city = null;
  if (card) {
    const sel = window.getSelection();
    if (b.dataset.act === 'pin' && sel && !sel.isCollapsed) {
      const node = sel.anchorNode && (sel.anchorNode.nodeType === 1 ? sel.anchorNode : sel.anchorNode.parentElement);
      if (node && card.contains(node) && node.closest('.kb-excerpt')) quote = sel.toString();
    }
    const input = card.querySelector('input[name=kb-city]');
    if (input) city = input.value;
  }
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
  if (b) send(b);
});
"""

# The language the page opens in: ?lang=xx, else the one chosen before on this browser, else the
# browser's own. Python reads it into a supported code (`ui.i18n.normalize`).
DETECT_LANG_JS = """
(hint) => {
  const asked = new URLSearchParams(window.location.search).get('lang');
  let kept = null;
  try { kept = window.localStorage.getItem('kb-lang'); } catch (e) {}
  return asked || kept || navigator.language || (navigator.languages || [])[0] || 'en';
}
"""

# Put the page in a language: its direction, Gradio's own texts and ours (Gradio's `changeLocale`,
# found as the module the page already loaded), and remember the choice on this browser.
APPLY_LANG_JS = """
async (lang) => {
  const rtl = ['ar'];
  document.documentElement.dir = rtl.includes(lang) ? 'rtl' : 'ltr';
  document.documentElement.lang = lang;
  try { window.localStorage.setItem('kb-lang', lang); } catch (e) {}
  const urls = performance.getEntriesByType('resource').map((r) => r.name)
    .concat(Array.from(document.querySelectorAll('script[src], link[rel=modulepreload]'), (n) => n.src || n.href));
  const core = urls.find((u) => /\\/assets\\/core-[^/]*\\.js(\\?|$)/.test(u));
  if (core) {
    try { const m = await import(core); if (m.changeLocale) m.changeLocale(lang); } catch (e) { console.warn(e); }
  }
  return lang;
}
"""

# After the reader opens: bring the cited passage into view inside it.
SHOW_READER_JS = """
() => {
  const go = () => {
    const target = document.getElementById('kb-reader-target');
    if (target) target.scrollIntoView({block: 'start'});
  };
  setTimeout(go, 50);
}
"""
