"""LAB: where the page's opening time goes (issue 14): the served page against trimmed copies of it.

Starts `kb serve` on a home (its own process, as a user starts it: `evals` imports nothing of `ui`)
and opens the page in new headless Chromium contexts until the heat map shows, alternating between
the page as served and copies whose Gradio config (`window.gradio_config`, set by the page's HTML)
has one part taken out by a script that runs before the page's own. A copy is only for measuring:
the trimmed page does not work.

* ``page``: as served.
* ``no hidden tabs``: the tabs other than the first left out of the layout (their components and
  events stay in the config).
* ``empty hidden tabs``: those tabs kept (their buttons show) with nothing in them.
* ``no events``: every event listener left out.

What it found (2026-12-07, 10k home, medians of 5-7 loads): the hidden tabs cost 0.2-0.3 s of a
1.1-1.6 s load, and all of it is their layout nodes, not their tab buttons ("empty hidden tabs" gains
as much as "no hidden tabs"), not their components' code (marking them invisible, so Gradio loads no
module for them, gains nothing) and not the load event's updates to them (leaving the load events out
gains nothing). A CPU profile of both (CDP, inclusive time) puts the difference in Gradio's tree
building: `AppTree.postprocess` -> `find_attached_events`, which for every layout node filters every
dependency's targets through Svelte's state proxies, and runs twice (the AppTree constructor, then
Blocks' first `$effect`, which calls `reload`): ~0.17 s at 304 nodes x 112 dependencies. The cost
grows as nodes x dependencies; only fewer of either in the first page's layout (tabs built when first
opened) would remove it.

    python -m evals.lab.page_boot HOME [LOADS]
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Sequence

from evals.bench_atlas import served

# Catches the page's `window.gradio_config = {...}` and trims it before Gradio reads it.
_TRIM = """
(variant) => {
  const trim = (cfg) => {
    const types = Object.fromEntries(cfg.components.map((c) => [c.id, c.type]));
    const prune = (node) => {
      if (types[node.id] === 'tabs' && node.children) node.children = node.children.slice(0, 1);
      (node.children || []).forEach(prune);
    };
    if (variant === 'no hidden tabs') {
      prune(cfg.layout);
      Object.values(cfg.page || {}).forEach((p) => p.layout && prune(p.layout));
    }
    if (variant === 'empty hidden tabs') {
      const empty = (node) => {
        if (types[node.id] === 'tabs' && node.children) node.children.slice(1).forEach((tab) => { tab.children = []; });
        (node.children || []).forEach(empty);
      };
      empty(cfg.layout);
      Object.values(cfg.page || {}).forEach((p) => p.layout && empty(p.layout));
    }
    if (variant === 'no events') {
      cfg.dependencies = [];
      Object.values(cfg.page || {}).forEach((p) => { p.dependencies = []; });
    }
    return cfg;
  };
  let kept;
  Object.defineProperty(window, 'gradio_config', {
    configurable: true,
    get: () => kept,
    set: (cfg) => { kept = cfg && cfg.components ? trim(cfg) : cfg; },
  });
}
"""
VARIANTS = ("page", "no hidden tabs", "empty hidden tabs", "no events")


def measure(home: str, loads: int = 5) -> dict[str, list[float]]:
    """Seconds from navigation to the heat map, per variant, `loads` new visitors each (interleaved)."""
    from playwright.sync_api import sync_playwright

    out: dict[str, list[float]] = {name: [] for name in VARIANTS}
    with served(home) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True)
        for _ in range(loads):
            for name in VARIANTS:
                ctx = browser.new_context()
                page = ctx.new_page()
                if name != "page":
                    page.add_init_script(f"({_TRIM})({json.dumps(name)})")
                started = time.perf_counter()
                page.goto(url)
                page.locator("#kb-heat").wait_for()
                out[name].append(time.perf_counter() - started)
                tabs = page.get_by_role("tab").count()
                if (tabs > 1) == (name == "no hidden tabs"):  # the trim applied (empty tabs keep their buttons)
                    raise RuntimeError(f"{name}: the page shows {tabs} tabs; the trim did not apply")
                ctx.close()
        browser.close()
    return out


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args:
        print(__doc__.splitlines()[-1].strip())
        return 2
    for name, seconds in measure(args[0], int(args[1]) if len(args) > 1 else 5).items():
        print(f"{name}: median {statistics.median(seconds):.2f} s ({', '.join(f'{s:.2f}' for s in seconds)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
