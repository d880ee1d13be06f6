"""The web application: the route table behind the guard, static files, error pages.

``create_app(archive)`` is what ``dalil serve`` runs under uvicorn and what the tests
drive with Starlette's TestClient. Errors are answered with a generic page in the
visitor's language: never a traceback, never the reason a request was refused beyond
its status.
"""

from __future__ import annotations

import logging
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from dalil.vault.archive import Archive
from dalil.web import i18n
from dalil.web.context import Settings, guard
from dalil.web.headers import HEADERS, SecurityHeaders
from dalil.web.routes import ROUTES

STATIC = Path(__file__).parent / "static"
log = logging.getLogger("dalil.web")


def _error_page(request: Request, status: int) -> HTMLResponse:
    language = getattr(request.state, "language", None)
    if language is None:
        language = i18n.DEFAULT
    env = i18n.environment(language)
    page = env.get_template("error.html").render(status=status, ctx=None, csrf="", person="",
                                                 path="")  # fmt: skip
    return HTMLResponse(page, status_code=status)


async def _http_error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    return _error_page(request, status)


async def _server_error(request: Request, exc: Exception) -> Response:
    log.exception("error answering %s %s", request.method, request.url.path, exc_info=exc)
    # Starlette answers a crash outside every middleware: the headers are set here too.
    page = _error_page(request, 500)
    page.headers.update({**HEADERS, "Cache-Control": "no-store"})
    return page


class _Static(StaticFiles):
    """Static files, cacheable for an hour (they change only with a release)."""

    async def get_response(self, path: str, scope: dict) -> Response:  # type: ignore[override,type-arg]
        response = await super().get_response(path, scope)
        response.headers["Cache-Control"] = "public, max-age=3600"
        return response


def create_app(archive: Archive, settings: Settings | None = None) -> Starlette:
    chosen = settings or Settings()
    routes: list[Route | Mount] = [
        Route(page.path, guard(archive, chosen, page.need, page.view), methods=list(page.methods))
        for page in ROUTES
    ]
    routes.append(Mount("/static", app=_Static(directory=STATIC), name="static"))
    return Starlette(
        routes=routes,
        middleware=[Middleware(SecurityHeaders)],
        exception_handlers={HTTPException: _http_error, Exception: _server_error},
    )
