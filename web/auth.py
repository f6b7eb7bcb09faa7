"""The key in front of every face: with ``CIRCULARBENCH_API_KEY`` set, the UI and Gradio's own
routes (``/``, ``/config``, ``/gradio_api/*``, files, docs) answer only clients that send the key
(``X-API-Key``) or the session cookie ``/login`` issues once the key is entered.

The cookie is an HMAC of the key, not a server-side session: every worker accepts it, and a new
key ends all sessions. ``/v1`` routes check the header themselves; health stays open.
"""

from __future__ import annotations

import hashlib
import hmac

from fastapi import APIRouter, Depends, Form, Request, status
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Receive, Scope, Send

from circularbench.settings import Settings
from web.dependencies import get_settings, key_matches

COOKIE = "circularbench_session"
_OPEN_PATHS = {"/healthz", "/readyz", "/login"}

router = APIRouter(include_in_schema=False)


def session_token(key: str) -> str:
    return hmac.new(key.encode("utf-8"), b"circularbench-ui-session", hashlib.sha256).hexdigest()


def client_has_key(scope: Scope, key: str) -> bool:
    """The request carries the key: in the X-API-Key header, or as the session cookie."""
    headers = dict(scope.get("headers") or [])
    if key_matches(headers.get(b"x-api-key"), key):
        return True
    cookies = cookie_parser(headers.get(b"cookie", b"").decode("latin-1"))
    return key_matches(cookies.get(COOKIE, "").encode("latin-1"), session_token(key))


class KeyGate:
    """ASGI middleware: without the key, a browser asking for a page is sent to /login and any
    other request gets 401, before the UI or Gradio sees it."""

    def __init__(self, app: ASGIApp, settings: Settings):
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = self.settings.api_key
        path = scope.get("path", "")
        if (not key or scope["type"] not in ("http", "websocket") or path in _OPEN_PATHS
                or path.startswith("/v1/") or client_has_key(scope, key)):
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        headers = dict(scope.get("headers") or [])
        response: Response
        if scope.get("method") == "GET" and b"text/html" in headers.get(b"accept", b""):
            response = RedirectResponse("/login", status_code=status.HTTP_303_SEE_OTHER)
        else:
            response = JSONResponse({"detail": "missing or wrong X-API-Key header (or sign in at /login)"},
                                    status_code=status.HTTP_401_UNAUTHORIZED)
        await response(scope, receive, send)


_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>circularbench — sign in</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{{font-family:system-ui,sans-serif;max-width:24em;margin:4em auto;padding:0 1em}}
input,button{{font-size:1em;padding:.4em;width:100%;box-sizing:border-box;margin:.3em 0}}
.error{{color:#b00}}</style></head><body><h1>circularbench</h1>
<form method="post" action="/login"><label for="password">API key</label>
<input id="password" name="password" type="password" autocomplete="current-password" required autofocus>
<button type="submit">Sign in</button></form>{error}</body></html>"""


@router.get("/login", response_class=HTMLResponse)
def login_page() -> HTMLResponse:
    return HTMLResponse(_PAGE.format(error=""))


@router.post("/login")
def login(request: Request, password: str = Form(""), username: str = Form(""),
          settings: Settings = Depends(get_settings)) -> Response:
    """Check the key and issue the session cookie. ``username`` is accepted and ignored, so
    gradio_client's ``auth=(name, key)`` signs in too."""
    browser = "text/html" in request.headers.get("accept", "")
    if not settings.api_key:
        return RedirectResponse("/", status_code=status.HTTP_303_SEE_OTHER) if browser else JSONResponse({"success": True})
    if not key_matches(password, settings.api_key):
        if browser:
            return HTMLResponse(_PAGE.format(error='<p class="error">Wrong key.</p>'),
                                status_code=status.HTTP_401_UNAUTHORIZED)
        return JSONResponse({"detail": "wrong key"}, status_code=status.HTTP_401_UNAUTHORIZED)
    response: Response = (RedirectResponse("/", status_code=status.HTTP_303_SEE_OTHER) if browser
                          else JSONResponse({"success": True}))
    response.set_cookie(COOKIE, session_token(settings.api_key), httponly=True, samesite="strict")
    return response
