"""Signing in (password, then a TOTP code where the roles need one), out, and the
language switch. One message for every failed login: it never says whether the
account exists, the password was wrong or the account is limited."""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.responses import RedirectResponse, Response

from dalil.web import accounts, ratelimit, sessions
from dalil.web.context import Context, client_ip, set_cookie
from dalil.web.i18n import LANGUAGES

FAILED = "failed"
LIMITED = "limited"
YEAR = 365 * 24 * 3600


async def login_page(ctx: Context) -> Response:
    if ctx.request.method == "POST":
        return await _login(ctx)
    return ctx.render("login.html")


async def _login(ctx: Context) -> Response:
    form = await ctx.request.form()
    handle = str(form.get("person", ""))[:200]
    password = str(form.get("password", ""))
    ip = client_ip(ctx.request)
    with ctx.archive.write() as conn:
        if ratelimit.limited(conn, handle, ip, ctx.now):
            person = None
            problem = LIMITED
        else:
            person = accounts.check_password(conn, handle, password)
            ratelimit.record(conn, handle, ip, ctx.now, person is not None)
            problem = FAILED
        if person is None:
            return ctx.render("login.html", status=400, problem=problem)
        needs_code = accounts.access(conn, person.id).needs_two_factor
        found = accounts.credentials(conn, person.id)
        if needs_code and (found is None or found.totp_secret is None):
            return ctx.render("login.html", status=400, problem="no-code")
        stage = sessions.TOTP if needs_code else sessions.FULL
        sessions.end(conn, ctx.request.cookies.get(ctx.settings.cookie("session")))
        token, _ = sessions.begin(conn, person.id, stage, ctx.now)
    answer = RedirectResponse("/login/code" if needs_code else "/", status_code=303)
    set_cookie(answer, ctx.settings, "session", token)
    return answer


async def code_page(ctx: Context) -> Response:
    if ctx.request.method != "POST":
        return ctx.render("code.html")
    form = await ctx.request.form()
    code = str(form.get("code", ""))[:12]
    session = ctx.session
    assert session is not None  # the route admits only a session awaiting its code
    ip = client_ip(ctx.request)
    with ctx.archive.write() as conn:
        if ratelimit.limited(conn, session.person, ip, ctx.now):
            return ctx.render("code.html", status=400, problem=LIMITED)
        ok = accounts.use_code(ctx.archive, conn, session.person, code, ctx.now)
        ratelimit.record(conn, session.person, ip, ctx.now, ok)
        if not ok:
            return ctx.render("code.html", status=400, problem=FAILED)
        # A new session id once the second factor is given, as at every sign-in.
        sessions.end(conn, ctx.request.cookies.get(ctx.settings.cookie("session")))
        token, _ = sessions.begin(conn, session.person, sessions.FULL, ctx.now)
    answer = RedirectResponse("/", status_code=303)
    set_cookie(answer, ctx.settings, "session", token)
    return answer


async def logout(ctx: Context) -> Response:
    with ctx.archive.write() as conn:
        sessions.end(conn, ctx.request.cookies.get(ctx.settings.cookie("session")))
    answer = RedirectResponse("/login", status_code=303)
    name = ctx.settings.cookie("session")
    secure = ctx.settings.secure_cookies
    answer.delete_cookie(name, path="/", secure=secure, httponly=True, samesite="strict")
    return answer


def _local(target: str) -> str:
    """``target`` if it is a path on this server; else the dashboard (no open redirect)."""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


async def language(ctx: Context) -> Response:
    form = await ctx.request.form()
    chosen = str(form.get("lang", ""))
    answer = RedirectResponse(_local(str(form.get("next", "/"))), status_code=303)
    if chosen in LANGUAGES:
        set_cookie(answer, ctx.settings, "lang", chosen, max_age=YEAR)
    return answer
