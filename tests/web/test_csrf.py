"""Cross-site request forgery: every state-changing request needs its session's token.

A request without the token, or with another session's, is refused with 403 before the
view runs: nothing is written (no session, no attempt, no event). Login is included (a
forged login would sign a victim into the attacker's account). Every form on every page
carries the token.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from dalil.db import schema
from dalil.web.roles import Role
from dalil.web.routes import ROUTES
from dalil.web.tables import web_login_attempts, web_sessions

from .factories import PASSWORD, WebArchive, person_for
from .test_authorization import FORMS, TABLE, url

POSTS = [p.path for p in ROUTES if "POST" in p.methods]
ADMIN = person_for(Role.ADMIN)


def _counts(web: WebArchive) -> tuple[int, int, int]:
    with web.archive.read() as conn:
        return tuple(  # type: ignore[return-value]
            int(conn.execute(select(func.count()).select_from(t)).scalar_one())
            for t in (schema.events, web_sessions, web_login_attempts)
        )


@pytest.mark.parametrize("template", POSTS)
@pytest.mark.parametrize("forged", ["missing", "wrong", "another session's"])
def test_a_state_change_without_its_sessions_token_is_refused(
    shared_web: WebArchive, template: str, forged: str
) -> None:
    client = shared_web.client()
    shared_web.sign_in(client, ADMIN if "admin" in template else person_for(Role.CUSTODIAN))
    other = shared_web.client()
    shared_web.sign_in(other, person_for(Role.ANALYST))
    tokens = {"missing": None, "wrong": "x" * 43,
              "another session's": re.findall(r'name="csrf" value="([^"]+)"',
                                              other.get("/").text)[0]}  # fmt: skip
    form = {**FORMS.get(template, {}), "person": ADMIN, "password": PASSWORD, "code": "000000"}
    if tokens[forged] is not None:
        form["csrf"] = tokens[forged]
    before = _counts(shared_web)
    answer = client.post(url(template, shared_web), data=form)
    assert answer.status_code == 403, answer.text
    assert "This request was refused." in answer.text  # the generic page, no reason given
    assert _counts(shared_web) == before


def test_a_login_without_the_token_signs_no_one_in(shared_web: WebArchive) -> None:
    client = shared_web.client()
    client.get("/login")  # the CSRF cookie is set; the form's copy is withheld
    answer = client.post("/login", data={"person": person_for(Role.VIEWER), "password": PASSWORD})
    assert answer.status_code == 403
    assert "dalil-session" not in answer.headers.get("set-cookie", "")


def test_a_token_in_the_htmx_header_is_accepted(shared_web: WebArchive) -> None:
    client = shared_web.client()
    page = client.get("/login").text
    csrf = re.findall(r'name="csrf" value="([^"]+)"', page)[0]
    answer = client.post("/language", data={"lang": "ar"}, headers={"X-CSRF-Token": csrf})
    assert answer.status_code == 303


@pytest.mark.parametrize("role", list(Role))
def test_every_form_on_every_page_carries_the_sessions_token(
    shared_web: WebArchive, role: Role
) -> None:
    client = shared_web.client()
    shared_web.sign_in(client, person_for(role))
    pages = [url(t, shared_web) for t, rows in TABLE.items()
             if rows["GET"][role.value] == 200 and t != "/static"]  # fmt: skip
    tokens = set()
    for path in pages:
        answer = client.get(path)
        if not answer.headers["content-type"].startswith("text/html"):
            continue
        html = answer.text
        forms = re.findall(r"<form\b[^>]*>.*?</form>", html, flags=re.S)
        assert forms, path
        for form in forms:
            assert 'method="post"' in form, (path, form[:80])
            found = re.findall(r'name="csrf" value="([^"]+)"', form)
            assert len(found) == 1, (path, form[:200])
            tokens.update(found)
    assert len(tokens) == 1  # one session, one token
