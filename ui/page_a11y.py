"""The script in the page's <head> for keyboards and screen readers: what Gradio leaves unnamed, in
English or silent, and the reader as a dialog. `ui.page_js` holds the page's other scripts."""

from __future__ import annotations

import json

from ui.i18n import LANGUAGES

__all__ = ["a11y_head", "GRADIO_NAMES", "TOAST_TITLES"]

# In the page's <head>, for keyboards and screen readers (QA pass 15): the reader is a dialog (named by
# its title; Escape closes it, Tab stays in it, and focus goes back to the button that opened it);
# Gradio's upload boxes, named "Click to upload or drop files" in English whatever the page's
# language, take their own label, as do its tables ("Dataframe") and the controls it names in English
# ("Table actions", "Fullscreen", "Close"); its accordions say whether they are open; the window's
# title is in the page language.
_A11Y_HEAD = """<script>
(() => {
  const TITLES = TITLES_BY_LANGUAGE, CHOOSE = CHOOSE_BY_LANGUAGE, NAMED = NAMED_BY_KEY, GRADIO = GRADIO_NAMES;
  const TOAST = TOAST_WORDS;  // a toast's title by its type, in each language
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
    // a toast's title: Gradio 6 writes its type ("Error", "Warning", "Info") in English, whatever the
    // title it is given; a refusal is an alert, spoken at once, not a polite status
    document.querySelectorAll('.toast-title').forEach((el) => {
      const type = Object.keys(TOAST).find((k) => el.classList.contains(k));
      const said = type && (TOAST[type][lang] || TOAST[type].en);
      const text = el.firstChild;
      if (said && text && text.nodeType === 3 && text.textContent.trim() !== said) text.textContent = said + ' ';
      const body = type === 'error' && el.closest('[data-testid="toast-body"]');
      if (body && body.getAttribute('role') !== 'alert') {
        body.setAttribute('role', 'alert');
        body.setAttribute('aria-live', 'assertive');
      }
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
    toast = {kind: {lang: t(lang, key) for lang in LANGUAGES} for kind, key in TOAST_TITLES.items()}
    return (_A11Y_HEAD.replace("TITLES_BY_LANGUAGE", json.dumps(titles, ensure_ascii=False))
            .replace("CHOOSE_BY_LANGUAGE", json.dumps(choose, ensure_ascii=False))
            .replace("NAMED_BY_KEY", json.dumps(named, ensure_ascii=False))
            .replace("GRADIO_NAMES", json.dumps(GRADIO_NAMES))
            .replace("TOAST_WORDS", json.dumps(toast, ensure_ascii=False)))


# The names Gradio 6 writes in English into its controls' aria-label or title, whatever the page's
# language (its own translations do not cover them), by `gradio_named` key.
GRADIO_NAMES = {"table_actions": "Table actions", "fullscreen": "Fullscreen", "exit_fullscreen": "Exit fullscreen mode",
                "close": "Close", "footer": "Gradio footer navigation"}

# A toast's title by its Gradio type: the words `ui` gives each (`gr.Error` a refusal, "Not done";
# `gr.Warning` a note; `gr.Info` what was done), which Gradio 6 does not show.
TOAST_TITLES = {"error": "error.title", "warning": "toast.note", "info": "toast.done", "success": "toast.done"}
