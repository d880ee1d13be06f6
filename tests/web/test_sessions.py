"""Sessions: a new id at every sign-in, idle and absolute expiry, and every way to end
one (logout, password change, second factor renewed, disabled person, admin)."""

from __future__ import annotations

from starlette.testclient import TestClient

from dalil.clock import format_utc
from dalil.people import registry
from dalil.web import accounts
from dalil.web.roles import Role

from .factories import PASSWORD, WebArchive, login, person_for, post

VIEWER = person_for(Role.VIEWER)
COOKIE = "dalil-session"


def _signed_in(web: WebArchive, person: str = VIEWER) -> TestClient:
    client = web.client()
    web.sign_in(client, person)
    assert client.get("/").status_code == 200
    return client


def _out(client: TestClient) -> bool:
    answer = client.get("/")
    return bool(answer.status_code == 303 and answer.headers["location"] == "/login")


def test_signing_in_gives_a_new_session_id_even_over_a_planted_one(web: WebArchive) -> None:
    client = web.client()
    client.cookies.set(COOKIE, "planted-by-an-attacker", domain="127.0.0.1")
    login(client, VIEWER)
    first = client.cookies[COOKIE]
    assert first != "planted-by-an-attacker"
    login(client, VIEWER)
    assert client.cookies[COOKIE] != first
    stale = web.client()
    stale.cookies.set(COOKIE, first)
    assert _out(stale)  # the earlier session ended when the new one began


def test_the_session_cookie_is_httponly_strict_and_secure_by_default(web: WebArchive) -> None:
    from dalil.web.app import create_app
    from dalil.web.context import Settings

    client = TestClient(create_app(web.archive, Settings(clock=web.clock)),
                        base_url="https://127.0.0.1", follow_redirects=False)  # fmt: skip
    answer = login(client, VIEWER)
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith("__Host-dalil-session=")
    for part in ("HttpOnly", "Secure", "SameSite=strict", "Path=/"):
        assert part.lower() in cookie.lower(), cookie
    assert "domain=" not in cookie.lower()


def test_a_session_idle_for_fifteen_minutes_has_ended(web: WebArchive) -> None:
    client = _signed_in(web)
    web.clock.advance(minutes=14, seconds=50)
    assert client.get("/").status_code == 200  # activity restarts the idle time
    web.clock.advance(minutes=14, seconds=50)
    assert client.get("/").status_code == 200
    web.clock.advance(minutes=15, seconds=1)
    assert _out(client)


def test_a_session_ends_twelve_hours_after_it_began_however_busy(web: WebArchive) -> None:
    client = _signed_in(web)
    for _ in range(12 * 6 - 1):
        web.clock.advance(minutes=10)
        assert client.get("/").status_code == 200
    web.clock.advance(minutes=10, seconds=1)
    assert _out(client)


def test_logout_ends_the_session_on_the_server(web: WebArchive) -> None:
    client = _signed_in(web)
    token = client.cookies[COOKIE]
    assert post(client, "/logout", {}).status_code == 303
    replayed = web.client()
    replayed.cookies.set(COOKIE, token)
    assert _out(replayed)


def test_a_password_change_ends_every_session_of_the_person(web: WebArchive) -> None:
    one, two = _signed_in(web), _signed_in(web)
    accounts.set_password(web.archive, VIEWER, PASSWORD + "!", format_utc(web.clock.now))
    assert _out(one) and _out(two)
    assert login(web.client(), VIEWER).status_code == 400  # the old password no longer works


def test_disabling_the_person_ends_their_sessions_and_sign_ins(web: WebArchive) -> None:
    client = _signed_in(web)
    registry.disable(web.archive, VIEWER, "left the team")
    assert _out(client)
    assert login(web.client(), VIEWER).status_code == 400


def test_an_admin_ends_a_persons_sessions(web: WebArchive) -> None:
    viewer = _signed_in(web)
    admin = _signed_in(web, person_for(Role.ADMIN))
    ended = post(admin, f"/admin/people/{VIEWER}/sessions/end", {})
    assert ended.status_code == 303
    assert _out(viewer)
    assert admin.get("/").status_code == 200


def test_a_password_without_the_code_opens_nothing_but_the_code_page(web: WebArchive) -> None:
    client = web.client()
    assert login(client, person_for(Role.CUSTODIAN)).headers["location"] == "/login/code"
    assert _out(client)
    assert client.get(f"/items/{web.shown}").status_code == 303
    assert client.get("/login/code").status_code == 200
