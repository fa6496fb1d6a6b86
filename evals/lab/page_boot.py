"""LAB: where the page's opening time goes (issue 14): the served page against trimmed copies of it.

Starts the app on a home (as `kb serve` would, in this process) and opens it in new headless Chromium
contexts until the heat map shows, alternating between the page as served and copies of its Gradio
config with one part taken out. A copy is only for measuring: the trimmed page does not work.

* ``page``: as served.
* ``no hidden tabs``: the tabs other than Search left out of the layout (their components and events
  stay in the config).
* ``no events``: every event listener left out.

    python -m evals.lab.page_boot HOME [LOADS]
"""

from __future__ import annotations

import copy
import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

PORT = 7917


def _without_hidden_tabs(cfg: dict[str, Any]) -> None:
    comps = {c["id"]: c for c in cfg["components"]}

    def prune(node: dict[str, Any]) -> None:
        if comps.get(node["id"], {}).get("type") == "tabs":
            node["children"] = node["children"][:1]
        for child in node.get("children", []):
            prune(child)

    prune(cfg["layout"])
    for page in cfg.get("page", {}).values():
        if "layout" in page:
            prune(page["layout"])


def _without_events(cfg: dict[str, Any]) -> None:
    cfg["dependencies"] = []
    for page in cfg.get("page", {}).values():
        page["dependencies"] = []


VARIANTS: dict[str, Callable[[dict[str, Any]], None]] = {
    "page": lambda cfg: None,
    "no hidden tabs": _without_hidden_tabs,
    "no events": _without_events,
}


def measure(home: str, loads: int = 5) -> dict[str, list[float]]:
    """Seconds from navigation to the heat map, per variant, `loads` new visitors each (interleaved)."""
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    from playwright.sync_api import sync_playwright

    from kb import KnowledgeBase
    from ui.app import serve

    out: dict[str, list[float]] = {name: [] for name in VARIANTS}
    with KnowledgeBase(home) as kb:
        app = serve(kb, port=PORT, block=False)
        served = copy.deepcopy(app.config)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True)
                for _ in range(loads):
                    for name, trim in VARIANTS.items():
                        cfg = copy.deepcopy(served)
                        trim(cfg)
                        app.config = cfg
                        ctx = browser.new_context()
                        page = ctx.new_page()
                        started = time.perf_counter()
                        page.goto(f"http://127.0.0.1:{PORT}/")
                        page.locator("#kb-heat").wait_for()
                        out[name].append(time.perf_counter() - started)
                        ctx.close()
                browser.close()
        finally:
            app.config = served
            app.close()
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
