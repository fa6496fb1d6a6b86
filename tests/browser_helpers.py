"""What the browser tests share: starting the app on a free port, fresh pages, screenshots, and the
few moves every journey makes (search, choose, switch tab)."""

from __future__ import annotations

import socket
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class RunningApp:
    url: str
    kb: Any
    app: Any
    home: Path
    requests: list[str] = field(default_factory=list)  # every URL any page of this app asked for


def start_app(kb: Any, users: dict | None) -> RunningApp:
    """Launch `ui.serve` in the background and wait until it answers."""
    from ui import serve

    port = free_port()
    app = serve(kb, "127.0.0.1", port, users, block=False)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(url + "gradio_api/info", timeout=2)  # noqa: S310 (loopback)
            break
        except urllib.error.HTTPError:  # it answers (401 before sign-in): it is up
            break
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    return RunningApp(url, kb, app, kb.settings.home)


@contextmanager
def local_app_page(browser: Any, home: Path, docs: Sequence[Path] = ()) -> Iterator[tuple[RunningApp, Any]]:
    """A one-test app without accounts on a hashing-embedder KB at `home` holding `docs` (added first,
    then opened afresh as `kb serve` opens it), and a page open on it; all closed after."""
    from kb import KnowledgeBase

    if docs:
        with KnowledgeBase(home, embedder="hash") as setup:
            assert setup.add(list(docs)).ok
    kb = KnowledgeBase(home, embedder="hash")
    running = start_app(kb, users={})
    page = new_page(browser, running)
    try:
        open_app(page, running.url)
        yield running, page
    finally:
        page.context.close()
        running.app.close()
        kb.close()


def new_page(browser: Any, running: RunningApp, locale: str = "en-US") -> Any:
    """A fresh browser context (in a browser language) and page that records requests and fails on any dialog."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, accept_downloads=True, locale=locale)
    page = context.new_page()
    page.on("request", lambda r: running.requests.append(r.url))
    page.dialogs = []  # type: ignore[attr-defined]
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    page.set_default_timeout(30_000)
    return page


def shot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def query_box(page: Any) -> Any:
    return page.locator("#kb-query").locator("textarea, input").first


def open_app(page: Any, url: str) -> None:
    page.goto(url)
    query_box(page).wait_for()


def search(page: Any, query: str) -> None:
    query_box(page).fill(query)
    page.click("#kb-search-btn")
    page.locator("#kb-search-status", has_text=query).wait_for()


def choose(page: Any, elem_id: str, label: str) -> None:
    page.locator(f"#{elem_id}").locator("input").first.click()
    page.get_by_role("option", name=label).first.click()


def tab(page: Any, name: str) -> None:
    page.get_by_role("tab", name=name).click()


# Words of `selector`'s table cells and headers drawn on two lines ("Num|éro", "Supprim|é par", "rea dy").
BROKEN_WORDS_JS = r"""(selector) => {
  const out = [];
  const walk = document.createTreeWalker(document.querySelector(selector), NodeFilter.SHOW_TEXT);
  while (walk.nextNode()) {
    const node = walk.currentNode;
    if (!node.parentElement.closest('.body-cell, th') || !node.parentElement.getBoundingClientRect().height) continue;
    for (const m of node.data.matchAll(/\p{L}+/gu)) {  // a word drawn on two lines has two boxes
      const range = document.createRange();
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      if (range.getClientRects().length > 1) out.push(m[0]);
    }
  }
  return out;
}"""
