from __future__ import annotations

from .factories import WebArchive, person_for
from dalil.web.roles import Role


def test_a_custodian_signs_in_and_sees_the_dashboard(web: WebArchive) -> None:
    client = web.client()
    web.sign_in(client, person_for(Role.CUSTODIAN))
    page = client.get("/")
    assert page.status_code == 200, page.text
    assert "caesar" in page.text
    item = client.get(f"/items/{web.shown}")
    assert item.status_code == 200, item.text
    print(item.text[:3000])
