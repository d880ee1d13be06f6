"""Every route, every role, GET and POST: the answer the route table promises.

The table below has one row per route of the app; a route added without a row, or a
row left for a route that is gone, fails ``test_the_table_has_a_row_for_every_route``.
Anonymous requests to a protected route are sent to the login page (303); a signed-in
person without the route's permission gets 403; an object outside their collections is
a 404 exactly like an object that does not exist.
"""

from __future__ import annotations

import pytest
from starlette.routing import BaseRoute, Mount, Route
from starlette.testclient import TestClient

from dalil.web.app import create_app
from dalil.web.roles import PERMISSIONS, Permission, Role

from .factories import COLLECTION, HIDDEN, WebArchive, person_for, post, token

ANON = "anonymous"
WHO = (ANON, *(r.value for r in Role))
SIGNED_IN = tuple(r.value for r in Role)


def _by_permission(permission: Permission, yes: int, no: int = 403) -> dict[str, int]:
    allowed = {r.value for r in PERMISSIONS[permission]}
    return {ANON: 303, **{r: yes if r in allowed else no for r in SIGNED_IN}}


def _all(status: int, anonymous: int | None = None) -> dict[str, int]:
    return {ANON: status if anonymous is None else anonymous, **dict.fromkeys(SIGNED_IN, status)}


# route → method → who → status. The reveal route's GET image answers 404 to those who
# may reveal: no reveal was made yet when the GETs run.
TABLE: dict[str, dict[str, dict[str, int]]] = {
    "/login": {"GET": _all(200), "POST": _all(400)},
    "/login/code": {"GET": _all(303), "POST": _all(303)},
    "/logout": {"GET": _all(405), "POST": _all(303)},
    "/language": {"GET": _all(405), "POST": _all(303)},
    "/": {"GET": _all(200, anonymous=303), "POST": _all(405)},
    "/collections/{name}": {"GET": _by_permission(Permission.ITEM, 200), "POST": _all(405)},
    "/items/{sha256}": {"GET": _by_permission(Permission.ITEM, 200), "POST": _all(405)},
    "/items/{sha256}/preview": {
        "GET": _by_permission(Permission.ITEM, 200),
        "POST": _all(405),
    },
    "/items/{sha256}/reveal": {"GET": _all(405), "POST": _by_permission(Permission.REVEAL, 303)},
    "/items/{sha256}/image": {"GET": _by_permission(Permission.REVEAL, 404), "POST": _all(405)},
    "/admin/people": {"GET": _by_permission(Permission.ACCOUNTS, 200), "POST": _all(405)},
    "/admin/people/{person}/sessions/end": {
        "GET": _all(405),
        "POST": _by_permission(Permission.ACCOUNTS, 303),
    },
    "/static": {"GET": _all(200), "POST": _all(405)},
}
# What each POST sends besides its CSRF token.
FORMS = {"/items/{sha256}/reveal": {"purpose": "identification"}, "/language": {"lang": "ar"}}
# State-changing routes run last, logout at the very end (it ends the session).
LAST = ("/admin/people/{person}/sessions/end", "/logout")


def _path(route: BaseRoute) -> str:
    assert isinstance(route, Route | Mount)
    return route.path


def url(template: str, web: WebArchive, sha256: str | None = None) -> str:
    filled = {"{sha256}": sha256 or web.shown, "{name}": COLLECTION,
              "{person}": person_for(Role.VIEWER)}  # fmt: skip
    for key, value in filled.items():
        template = template.replace(key, value)
    return "/static/dalil.css" if template == "/static" else template


def _client(web: WebArchive, who: str) -> TestClient:
    client = web.client()
    if who != ANON:
        web.sign_in(client, person_for(Role(who)))
    return client


def test_the_table_has_a_row_for_every_route(shared_web: WebArchive) -> None:
    routes = {_path(r) for r in create_app(shared_web.archive).routes}
    assert routes == set(TABLE), (routes - set(TABLE), set(TABLE) - routes)
    for rows in TABLE.values():
        assert {method: set(row) for method, row in rows.items()} == {
            "GET": set(WHO), "POST": set(WHO)}  # fmt: skip


@pytest.mark.parametrize("who", WHO)
def test_every_role_gets_the_answer_the_table_gives_on_every_route(
    shared_web: WebArchive, who: str
) -> None:
    client = _client(shared_web, who)
    ordered = sorted(TABLE, key=lambda p: LAST.index(p) + 1 if p in LAST else 0)
    seen: dict[tuple[str, str], int] = {}
    for template in ordered:
        path = url(template, shared_web)
        seen[(template, "GET")] = client.get(path).status_code
    for template in ordered:
        path = url(template, shared_web)
        form = {"csrf": token(client, "/login"), **FORMS.get(template, {})}
        seen[(template, "POST")] = client.post(path, data=form).status_code
    expected = {(t, m): TABLE[t][m][who] for t in ordered for m in ("GET", "POST")}
    assert seen == expected


@pytest.mark.parametrize("role", list(Role))
def test_an_item_outside_ones_collections_answers_as_if_it_did_not_exist(
    shared_web: WebArchive, role: Role
) -> None:
    client = _client(shared_web, role.value)
    unknown = "0" * 64
    for template in ("/items/{sha256}", "/items/{sha256}/preview", "/items/{sha256}/image"):
        hidden = client.get(url(template, shared_web, shared_web.hidden))
        missing = client.get(url(template, shared_web, unknown))
        assert hidden.status_code == missing.status_code
        assert hidden.text == missing.text
        assert hidden.status_code in (403, 404)
    reveal = url("/items/{sha256}/reveal", shared_web, shared_web.hidden)
    answer = post(client, reveal, {"purpose": "identification"}, csrf_from="/login")
    assert answer.status_code in (403, 404)
    other = client.get(f"/collections/{HIDDEN}")
    assert other.status_code in (403, 404)
    assert shared_web.hidden not in client.get("/").text


def test_a_grant_in_every_collection_opens_the_hidden_one(web: WebArchive) -> None:
    from dalil.web import accounts

    accounts.grant(web.archive, person_for(Role.VIEWER), "viewer")
    client = _client(web, Role.VIEWER.value)
    assert client.get(f"/items/{web.hidden}").status_code == 200
    assert client.get(f"/collections/{HIDDEN}").status_code == 200
