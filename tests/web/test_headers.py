"""Security headers on every response: pages, images, static files, redirects, errors;
and error pages that say nothing about the code behind them."""

from __future__ import annotations

from datetime import datetime

import httpx
import pytest
from starlette.testclient import TestClient

from dalil.web.app import create_app
from dalil.web.context import Settings
from dalil.web.headers import HEADERS
from dalil.web.roles import Role

from .factories import WebArchive, person_for
from .test_authorization import TABLE, url


def _check(answer: httpx.Response) -> None:
    headers = answer.headers
    for name, value in HEADERS.items():
        assert headers.get(name) == value, (answer, name)
    csp = headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert "cache-control" in headers


@pytest.mark.parametrize("signed_in", [False, True])
def test_every_route_answers_with_the_security_headers(
    shared_web: WebArchive, signed_in: bool
) -> None:
    client = shared_web.client()
    if signed_in:
        shared_web.sign_in(client, person_for(Role.CUSTODIAN))
    for template in TABLE:
        for method in ("GET", "POST", "PUT", "DELETE"):
            _check(client.request(method, url(template, shared_web)))
    _check(client.get("/no/such/page"))


def _stopped_clock() -> datetime:
    raise RuntimeError("the clock stopped at /work/main/src/dalil/web/context.py line 1")


def test_a_crash_answers_with_a_generic_page_and_no_traceback(shared_web: WebArchive) -> None:
    app = create_app(shared_web.archive, Settings(secure_cookies=False, clock=_stopped_clock))
    broken = TestClient(app, raise_server_exceptions=False, follow_redirects=False)
    answer = broken.get("/login")
    assert answer.status_code == 500
    _check(answer)
    assert "Traceback" not in answer.text and "clock" not in answer.text
    assert "Something went wrong" in answer.text


def test_html_from_the_app_has_no_inline_script_or_style(shared_web: WebArchive) -> None:
    client = shared_web.client()
    shared_web.sign_in(client, person_for(Role.CUSTODIAN))
    for path in ("/login", "/", f"/items/{shared_web.shown}", "/collections/caesar", "/nope"):
        html = client.get(path).text
        assert "<script>" not in html and "<style" not in html and " style=" not in html
        for tag in html.split("<script")[1:]:
            assert tag.lstrip().startswith('src="/static/'), tag[:60]
