"""The web app's gate: private exports, stored originals and throttled sign-ins, checked per request.

An ASGI middleware in front of Gradio's own routes (given to `Blocks.launch` through `app_kwargs`):
- `GET /kb/export/<token>/<name>`: an export, only to the person it was made for and only until it
  expires (`kb.access.ExportShelf`); anything else is a plain 404, so a guessed or replayed address
  tells nothing. No export folder is served by Gradio (`allowed_paths` holds none).
- `GET /kb/original/<doc id>`: a stored original of a document in the library; with accounts
  configured, only to signed-in users.
- `GET /kb/overview?lang=xx`: the overview panel's HTML (`Actions.overview`), to whoever may search,
  asked for by the page's head script while Gradio is still starting (ui.page_js.EARLY_OVERVIEW_HEAD),
  so the collection at a glance is drawn as soon as its panel exists, not after the load events.
- `POST /login`: refused with 429 "try again in N seconds" while the user name or the address has
  failed too often (`kb.access.SignInThrottle`); failures and successes are counted after Gradio
  answers. Passwords are never logged or stored.
- `GET /` and `GET /config` before signing in: the page and Gradio's config name the sign-in message,
  which is given in the visitor's language (the page's `?lang=`, else the browser's) and, for Arabic,
  lays the sign-in form out right to left; Gradio writes its own words there (user name, password)
  in the browser's language, which a `?lang=` address sets for that page (a one-line script).
The signed-in user is Gradio's: its session cookie, looked up in the app's token table. Loading the
page with the session of an account disabled or removed since it signed in ends that session, so the
sign-in form shows.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import anyio
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, PlainTextResponse, Response

from ui.i18n import LANGUAGES, direction, normalize, t
from ui.render_base import esc

__all__ = ["Gate", "EXPORT_ROUTE", "ORIGINAL_ROUTE", "OVERVIEW_ROUTE"]

EXPORT_ROUTE = "/kb/export/"
ORIGINAL_ROUTE = "/kb/original/"
OVERVIEW_ROUTE = "/kb/overview"
Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
_PRIVATE = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "sandbox", "Referrer-Policy": "no-referrer"}


def _session(scope: Scope) -> tuple[dict[str, str] | None, str | None]:
    """(Gradio's token table, this request's session token), either None when there is none."""
    app = scope.get("app")
    tokens = getattr(app, "tokens", None)
    if not tokens:
        return None, None
    request = Request(scope)
    cookie_id = getattr(app, "cookie_id", "")
    token = request.cookies.get(f"access-token-{cookie_id}") or request.cookies.get(
        f"access-token-unsecure-{cookie_id}")
    return tokens, token


def _signed_in(scope: Scope) -> str | None:
    """The Gradio user of this request (its session cookie), or None."""
    tokens, token = _session(scope)
    return tokens.get(token) if tokens and token else None


class Gate:
    """The middleware. `act` is the app's `ui.actions.Actions` (its KB thread, users, shelf, throttle)."""

    def __init__(self, app: Callable[..., Awaitable[None]], act: Any) -> None:
        self.app = app
        self.act = act

    async def _on_kb(self, fn: Callable[[], Any]) -> Any:
        return await anyio.to_thread.run_sync(lambda: self.act.on_kb(fn))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path, method = scope["path"], scope["method"]
        if path.startswith(EXPORT_ROUTE) and method in ("GET", "HEAD"):
            await self._export(scope, path[len(EXPORT_ROUTE):])(scope, receive, send)
        elif path.startswith(ORIGINAL_ROUTE) and method in ("GET", "HEAD"):
            await (await self._original(scope, path[len(ORIGINAL_ROUTE):]))(scope, receive, send)
        elif path == OVERVIEW_ROUTE and method in ("GET", "HEAD"):
            await (await self._overview(scope))(scope, receive, send)
        elif path.rstrip("/") == "/login" and method == "POST" and not self.act.local:
            await self._login(scope, receive, send)
        elif path in ("/", "/config") and method == "GET" and not self.act.local:
            if path == "/":
                self._end_closed_session(scope)
            if _signed_in(scope) is None:
                await self._sign_in_page(scope, receive, send)
            else:
                await self.app(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def _sign_in_page(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The page (its embedded config) or Gradio's "not signed in" config answer, with the sign-in
        message in the visitor's language."""
        words = sign_in_message(sign_in_language(scope))
        asked = Request(scope).query_params.get("lang")
        start: MutableMapping[str, Any] = {}
        body: list[bytes] = []

        async def rewrite(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
                return
            body.append(message.get("body", b""))
            if message.get("more_body"):
                return
            data = b"".join(body)
            if start.get("status") == 401:
                data = _with_message(data, words)
            elif start.get("status") == 200:  # the page: its config, embedded as JSON in a script
                data = data.replace(_embedded(t("en", "auth.message")), _embedded(words), 1)
                if asked in LANGUAGES:  # Gradio's own words (Login, password) too, before its code runs
                    data = data.replace(b"<head>", b"<head>" + _browser_language(asked), 1)
                data = data.replace(b"<head>", b"<head>" + _sign_in_head(sign_in_language(scope)), 1)
            headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
            await send({**start, "headers": [*headers, (b"content-length", str(len(data)).encode())]})
            await send({"type": "http.response.body", "body": data})

        await self.app(scope, receive, rewrite)

    def _end_closed_session(self, scope: Scope) -> None:
        """A session whose account was disabled or removed since it signed in ends when the page is
        loaded again, so Gradio shows the sign-in form instead of a page whose every part fails."""
        tokens, token = _session(scope)
        name = tokens.get(token) if tokens and token else None
        if tokens is not None and token and name and not self._active(name):
            tokens.pop(token, None)

    def _active(self, name: str) -> bool:
        """Whether `name` is an account that may act now (known, not disabled)."""
        user = self.act.users.get(name)
        return user is not None and not user.disabled

    def _owner(self, scope: Scope) -> str | None:
        """Who asks: "local" in single-user mode, else the signed-in user while their account is
        active (a session outlives a disable until the page is loaded again; its exports and the
        originals are closed to it at once)."""
        if self.act.local:
            return "local"
        name = _signed_in(scope)
        return name if name and self._active(name) else None

    def _export(self, scope: Scope, rest: str) -> Response:
        token, _, name = rest.partition("/")
        owner = self._owner(scope)
        found = self.act.shelf.open(token, unquote(name), owner) if owner else None
        if found is None:
            return PlainTextResponse("Not found", status_code=404, headers=_PRIVATE)
        return FileResponse(found, filename=found.name, headers=_PRIVATE,
                            content_disposition_type="attachment")

    async def _original(self, scope: Scope, rest: str) -> Response:
        if not self._owner(scope):
            return PlainTextResponse("Sign in to open documents.", status_code=401, headers=_PRIVATE)
        doc_id = rest.split("/")[0]
        path = await self._on_kb(lambda: self.act.kb.original_path(int(doc_id))) if doc_id.isdigit() else None
        if path is None:
            return PlainTextResponse("Not found", status_code=404, headers=_PRIVATE)
        inline = path.suffix.lower() == ".pdf" and b"download=1" not in scope.get("query_string", b"")
        return FileResponse(path, headers=_PRIVATE, filename=path.name,
                            media_type="application/pdf" if inline else "application/octet-stream",
                            content_disposition_type="inline" if inline else "attachment")

    async def _overview(self, scope: Scope) -> Response:
        owner = self._owner(scope)
        if not owner:
            return PlainTextResponse("Sign in to search.", status_code=401, headers=_PRIVATE)
        from ui.actions import UiError
        from ui.i18n import normalize

        lang = normalize(Request(scope).query_params.get("lang"))
        user = None if self.act.local else owner
        try:
            html = await self._on_kb(lambda: self.act.overview(user, lang, None))
        except UiError as err:  # not allowed to search: the page's own load event says why
            return PlainTextResponse(err.text(lang), status_code=403, headers=_PRIVATE)
        return HTMLResponse(html, headers={**_PRIVATE, "Content-Language": lang})

    async def _login(self, scope: Scope, receive: Receive, send: Send) -> None:
        chunks = []
        more = True
        while more:
            message = await receive()
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        body = b"".join(chunks)

        async def replay() -> MutableMapping[str, Any]:
            return {"type": "http.request", "body": body, "more_body": False}

        try:
            form = await Request(scope, replay).form()
        except Exception:  # a malformed body: Gradio answers it as it would (no credentials, 4xx)
            await self.app(scope, replay, send)
            return
        user = str(form.get("username") or "").strip()
        address = (scope.get("client") or ("", 0))[0] or None
        throttle = self.act.throttle
        from kb.access import Throttled

        try:
            await self._on_kb(lambda: throttle.check(user, address))
        except Throttled as err:
            await JSONResponse({"detail": str(err)}, status_code=429,
                               headers={"Retry-After": str(err.wait)})(scope, replay, send)
            return
        status: list[int] = []

        async def watch(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status.append(int(message["status"]))
            await send(message)

        await self.app(scope, replay, watch)
        if status and status[0] == 200:
            await self._on_kb(lambda: throttle.succeeded(user))
        elif status and status[0] in (400, 401):
            await self._on_kb(lambda: throttle.failed(user, address))


def sign_in_language(scope: Scope) -> str:
    """The sign-in page's language: the page's own `?lang=` (of the address the visitor opened; for
    Gradio's request for its config, its referrer's), else the browser's first we speak."""
    request = Request(scope)
    asked = request.query_params.get("lang") or parse_qs(urlsplit(request.headers.get("referer", "")).query).get(
        "lang", [""])[0]
    return asked if asked in LANGUAGES else normalize(request.headers.get("accept-language"))


def sign_in_message(lang: str) -> str:
    """The sign-in message as Gradio shows it (as HTML): in `lang`, and for a right-to-left language
    with the form laid out right to left."""
    rtl = direction(lang) == "rtl"
    return (f'<p dir="{direction(lang)}" lang="{lang}">{esc(t(lang, "auth.message"))}</p>'
            + ("<style>html, .block { direction: rtl; }</style>" if rtl else ""))


def _embedded(message: str) -> bytes:
    """`"auth_message":"..."` as the page embeds Gradio's config (its "</" escaped, inside a script)."""
    return ('"auth_message":' + json.dumps(message, ensure_ascii=False).replace("</", "<\\/")).encode("utf-8")


def _browser_language(lang: str) -> bytes:
    """A script that makes the browser's language `lang` for this page: Gradio writes its sign-in words
    (Login, username, password, "Incorrect credentials") in the browser's language, which an address
    with `?lang=` overrules, as it does for the rest of the page once signed in. The page itself says
    it is in `lang` too (<html lang>: it said "en" to a screen reader on a Spanish sign-in page)."""
    tags = json.dumps([lang])
    return (f"<script>document.documentElement.lang = {json.dumps(lang)}; "
            f"try {{ Object.defineProperty(navigator, 'language', {{get: () => {json.dumps(lang)}}}); "
            f"Object.defineProperty(navigator, 'languages', {{get: () => {tags}}}); }} catch (e) {{}}</script>"
            ).encode()


def _sign_in_head(lang: str) -> bytes:
    """The sign-in page's title and direction in `lang`, and its "Incorrect credentials" said to screen
    readers as an alert (QA pass 15: a plain paragraph no one heard; an empty title; no `dir` in Arabic)."""
    title, rtl = json.dumps(t(lang, "app.name"), ensure_ascii=False), json.dumps(direction(lang))
    return (f"<script>document.title = {title}; document.documentElement.dir = {rtl}; "
            "new MutationObserver(() => document.querySelectorAll('p.creds:not([role])')"
            ".forEach((p) => p.setAttribute('role', 'alert')))"
            ".observe(document.documentElement, {subtree: true, childList: true});</script>").encode()


def _with_message(body: bytes, message: str) -> bytes:
    """Gradio's 401 JSON with `detail.auth_message` replaced (the body as it was when it is not that)."""
    try:
        data = json.loads(body)
    except ValueError:
        return body
    detail = data.get("detail") if isinstance(data, dict) else None
    if not isinstance(detail, dict) or "auth_message" not in detail:
        return body
    detail["auth_message"] = message
    return json.dumps(data, ensure_ascii=False).encode("utf-8")
