"""The web server: Streamlit's app (``main.py``) plus the workbench's own routes and headers.

``streamlit run workbench/app/server.py`` (what ``workbench serve`` runs) finds ``app`` below.
Two routes set and clear the HttpOnly session cookie (page scripts cannot touch it), and every
HTTP answer says the app may only be framed by itself.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import streamlit as st
from starlette.datastructures import MutableHeaders
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from workbench import sessions
from workbench.app.common import SESSION_END_ROUTE, SESSION_ROUTE
from workbench.config import database_url
from workbench.db import Database, open_database

MAIN = Path(__file__).with_name("main.py")
SECURITY_HEADERS = {
    "X-Frame-Options": "SAMEORIGIN",
    "Content-Security-Policy": "frame-ancestors 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


@cache
def database() -> Database:
    return open_database(database_url())


def same_origin_request(request: Request) -> bool:
    """Only the app's own page may call these routes: it sends a custom header (which another
    origin cannot send without a CORS preflight this server never allows)."""
    return request.headers.get("x-workbench") == "1"


def https(request: Request) -> bool:
    return request.url.scheme == "https" or request.headers.get("x-forwarded-proto") == "https"


async def start_session(request: Request) -> Response:
    """Trade the one-time code the signed-in page handed over for the session cookie."""
    if not same_origin_request(request):
        return Response(status_code=403)
    code = str((await request.form()).get("code", ""))
    token = await run_in_threadpool(sessions.trade_handoff, database(), code) if code else None
    if token is None:
        return Response(status_code=400)
    response = Response(status_code=204, headers={"Cache-Control": "no-store"})
    response.set_cookie(
        sessions.COOKIE_NAME,
        token,
        max_age=int(sessions.ABSOLUTE_LIFETIME.total_seconds()),
        path="/",
        httponly=True,
        samesite="lax",
        secure=https(request),
    )
    return response


async def end_session(request: Request) -> Response:
    """Sign out: end the cookie's session (if still live) and drop the cookie."""
    if not same_origin_request(request):
        return Response(status_code=403)
    token = request.cookies.get(sessions.COOKIE_NAME)
    if token:
        await run_in_threadpool(sessions.end_session_by_token, database(), token)
    response = Response(status_code=204, headers={"Cache-Control": "no-store"})
    response.delete_cookie(
        sessions.COOKIE_NAME, path="/", httponly=True, samesite="lax", secure=https(request)
    )
    return response


class SecurityHeaders:
    """Adds ``SECURITY_HEADERS`` to every HTTP answer (WebSocket frames are untouched)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)


app = st.App(
    MAIN,
    routes=[
        Route(SESSION_ROUTE, start_session, methods=["POST"]),
        Route(SESSION_END_ROUTE, end_session, methods=["POST"]),
    ],
    middleware=[Middleware(SecurityHeaders)],
)
