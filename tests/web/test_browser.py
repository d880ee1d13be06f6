"""Whole journeys in a real browser (Debian's Chromium under Playwright): sign in with a
TOTP code, the dashboard in English and Arabic, an item and its reveal; no page breaks
the Content-Security-Policy, and axe-core finds no accessibility violation on any page
in either language. Screenshots go to /tmp/web-shots/ (outside the repository) for a
person to look at."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import uvicorn
from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]
from playwright.sync_api import Page, sync_playwright
from sqlalchemy import func, select

from dalil.capabilities import rules
from dalil.vault.verify import verify
from dalil.web import totp
from dalil.web.app import create_app
from dalil.web.context import Settings
from dalil.web.roles import Role
from dalil.web.tables import web_reveals

from .factories import PASSWORD, WebArchive, person_for

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]  # fmt: skip
SHOTS = Path("/tmp/web-shots")
ANALYST = person_for(Role.ANALYST)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(web: WebArchive) -> Iterator[str]:
    port = _free_port()
    app = create_app(web.archive, Settings(secure_cookies=False))  # real time: real TOTP
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    while not running.started:
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    running.should_exit = True
    thread.join(5)


def _audit(page: Page, name: str, backend: str) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    SHOTS.mkdir(exist_ok=True)
    if backend == "sqlite":
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _language(page: Page, lang: str) -> None:
    page.click(f"form.language button[value={lang}]")
    page.wait_for_load_state()
    assert page.get_attribute("html", "lang") == lang


def test_a_journey_in_both_languages_with_a_reveal(web: WebArchive, server: str) -> None:
    backend = web.archive.engine.dialect.name
    csp_errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 1100, "height": 800})
        page.on("console", lambda m: csp_errors.append(m.text)
                if "Content Security Policy" in m.text else None)  # fmt: skip
        for lang in ("en", "ar"):
            page.goto(f"{server}/login")
            _language(page, lang)
            _audit(page, f"login-{lang}", backend)
            page.fill("#person", ANALYST if lang == "en" else person_for(Role.CUSTODIAN))
            page.fill("#password", PASSWORD)
            page.click("form.stack button[type=submit]")
            page.wait_for_load_state()
            if lang == "ar":  # the custodian's roles need the second factor
                assert page.url.endswith("/login/code")
                assert page.get_attribute("html", "dir") == "rtl"
                _audit(page, "code-ar", backend)
                page.fill("#code", totp.code_at(web.secrets[person_for(Role.CUSTODIAN)],
                                                totp_now()))  # fmt: skip
                page.click("form.stack button[type=submit]")
                page.wait_for_load_state()
            assert page.url == f"{server}/", page.content()[:500]
            _audit(page, f"dashboard-{lang}", backend)
            page.click("a[href='/collections/caesar']")
            page.wait_for_load_state()
            _audit(page, f"collection-{lang}", backend)
            page.goto(f"{server}/items/{web.shown}")
            assert f"/items/{web.shown}/image" not in page.content()
            _audit(page, f"item-{lang}", backend)
            page.select_option("#purpose", "authenticity")
            page.click("#photo button[type=submit]")
            page.wait_for_selector("img.revealed")
            shown = page.eval_on_selector("img.revealed", "i => i.complete && i.naturalWidth")
            assert shown
            _audit(page, f"item-revealed-{lang}", backend)
            page.goto(f"{server}/items/{'0' * 64}")
            _audit(page, f"error-{lang}", backend)
            page.goto(f"{server}/")
            page.click("form.logout button")
            page.wait_for_load_state()
            assert page.url.endswith("/login")
        _people_page(page, server, web)
        browser.close()
    assert csp_errors == []
    with web.archive.read() as conn:
        assert conn.execute(select(func.count()).select_from(web_reveals)).scalar_one() == 2
    report = verify(web.archive, rules(), fast=True, record=False)
    assert report.ok, [str(p) for p in report.problems]


def _people_page(page: Page, server: str, web: WebArchive) -> None:
    admin = person_for(Role.ADMIN)
    page.goto(f"{server}/login")
    page.fill("#person", admin)
    page.fill("#password", PASSWORD)
    page.click("form.stack button[type=submit]")
    page.wait_for_load_state()
    page.fill("#code", totp.code_at(web.secrets[admin], totp_now()))
    page.click("form.stack button[type=submit]")
    page.wait_for_load_state()
    page.click("a[href='/admin/people']")
    page.wait_for_load_state()
    backend = web.archive.engine.dialect.name
    _audit(page, "people-ar", backend)
    _language(page, "en")
    _audit(page, "people-en", backend)


def totp_now() -> datetime:
    return datetime.now(UTC)
