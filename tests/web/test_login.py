"""Login: one answer for every failure, limits per account and per address, TOTP codes
that work once in their window."""

from __future__ import annotations

from datetime import timedelta

from dalil.web import ratelimit, totp
from dalil.web.roles import Role

from .factories import PASSWORD, START, WebArchive, login, person_for, post

CUSTODIAN = person_for(Role.CUSTODIAN)
VIEWER = person_for(Role.VIEWER)


def _problem(page: str) -> str:
    return page.split('role="alert">')[1].split("<")[0]


def test_a_wrong_password_and_an_unknown_person_get_the_same_answer(web: WebArchive) -> None:
    wrong = login(web.client(), VIEWER, "not the password at all")
    unknown = login(web.client(), "nobody-here", "not the password at all")
    assert wrong.status_code == unknown.status_code == 400
    assert _problem(wrong.text) == _problem(unknown.text)


def test_five_failures_lock_the_account_whoever_types_the_right_password(web: WebArchive) -> None:
    for _ in range(ratelimit.PER_ACCOUNT):
        assert login(web.client(), VIEWER, "guess guess guess").status_code == 400
    locked = login(web.client(), VIEWER)
    assert locked.status_code == 400
    assert "Too many attempts" in locked.text
    web.clock.advance(minutes=15, seconds=1)
    assert login(web.client(), VIEWER).status_code == 303


def test_an_unknown_account_is_limited_like_a_known_one(web: WebArchive) -> None:
    for _ in range(ratelimit.PER_ACCOUNT):
        login(web.client(), "nobody-here", "guess guess guess")
    assert "Too many attempts" in login(web.client(), "nobody-here", "x" * 12).text


def test_one_address_guessing_many_accounts_is_stopped(web: WebArchive) -> None:
    for n in range(ratelimit.PER_ADDRESS - 1):  # as the login page records them
        with web.archive.write() as conn:
            ratelimit.record(conn, f"someone-{n}", "testclient", web.clock.now, False)
    login(web.client(), "one-more", "guess guess guess")
    assert "Too many attempts" in login(web.client(), VIEWER).text


def test_a_code_works_once_in_its_window(web: WebArchive) -> None:
    client = web.client()
    login(client, CUSTODIAN)
    code = web.code(CUSTODIAN)
    assert post(client, "/login/code", {"code": code}).status_code == 303
    again = web.client()
    login(again, CUSTODIAN)
    reused = post(again, "/login/code", {"code": code})
    assert reused.status_code == 400
    web.clock.advance(seconds=30)
    assert post(again, "/login/code", {"code": web.code(CUSTODIAN)}).status_code == 303


def test_a_code_from_an_earlier_window_is_refused(web: WebArchive) -> None:
    client = web.client()
    login(client, CUSTODIAN)
    old = web.code(CUSTODIAN, offset_s=-90)
    assert post(client, "/login/code", {"code": old}).status_code == 400


def test_totp_accepts_one_step_of_drift_and_never_a_step_already_used() -> None:
    secret = totp.new_secret()
    now = START
    step = totp.accept(secret, totp.code_at(secret, now), now, None)
    assert step is not None
    assert totp.accept(secret, totp.code_at(secret, now), now, step) is None
    late = totp.code_at(secret, now + timedelta(seconds=30))
    assert totp.accept(secret, late, now, step) == step + 1
    assert totp.accept(secret, totp.code_at(secret, now - timedelta(seconds=60)), now, None) is None


def test_a_wrong_code_counts_against_the_limit(web: WebArchive) -> None:
    client = web.client()
    login(client, CUSTODIAN)
    for _ in range(ratelimit.PER_ACCOUNT):
        assert post(client, "/login/code", {"code": "000000"}).status_code == 400
    limited = post(client, "/login/code", {"code": web.code(CUSTODIAN)})
    assert limited.status_code == 400
    assert PASSWORD not in limited.text
