"""Graphic photos: blurred until revealed, each reveal a custody event, fail closed."""

from __future__ import annotations

import io
import re
from itertools import pairwise

from PIL import Image
from sqlalchemy import select, text, update

from dalil.capabilities import rules
from dalil.db import schema
from dalil.vault.verify import verify
from dalil.web.replay import REVEALED
from dalil.web.roles import Role
from dalil.web.tables import web_reveals

from .factories import WebArchive, person_for, post

ANALYST = person_for(Role.ANALYST)


def _reveals(web: WebArchive) -> list[dict[str, object]]:
    with web.archive.read() as conn:
        rows = conn.execute(select(schema.events.c.seq).where(schema.events.c.type == REVEALED))
        seqs = list(rows.scalars())
        return [dict(r._mapping) for r in conn.execute(select(web_reveals)).all()] if seqs else []


def _signed_in(web: WebArchive, person: str = ANALYST):  # type: ignore[no-untyped-def]
    client = web.client()
    web.sign_in(client, person)
    return client


def test_neither_the_image_nor_its_address_is_in_the_page_before_a_reveal(web: WebArchive) -> None:
    page = _signed_in(web).get(f"/items/{web.shown}").text
    assert f"/items/{web.shown}/image" not in page
    assert f"/items/{web.shown}/preview" in page
    assert not re.search(r"<img[^>]+/image", page)


def test_the_preview_is_small_grey_and_blurred(web: WebArchive) -> None:
    client = _signed_in(web)
    answer = client.get(f"/items/{web.shown}/preview")
    assert answer.headers["cache-control"].startswith("no-store")
    with Image.open(io.BytesIO(answer.content)) as image:
        assert image.mode == "L" and image.width <= 192
        width, pixels = image.width, image.tobytes()
    rows = [pixels[i : i + width] for i in range(0, len(pixels), width)]
    # No edge survives: neighbouring pixels in a row differ by a few levels at most.
    assert max(abs(a - b) for row in rows for a, b in pairwise(row)) < 12


def test_a_reveal_is_logged_once_grants_two_minutes_to_one_session_and_verifies(
    web: WebArchive,
) -> None:
    client = _signed_in(web)
    assert client.get(f"/items/{web.shown}/image").status_code == 404
    answer = post(client, f"/items/{web.shown}/reveal", {"purpose": "authenticity"})
    assert answer.status_code == 303
    page = client.get(f"/items/{web.shown}").text
    assert f'src="/items/{web.shown}/image"' in page
    image = client.get(f"/items/{web.shown}/image")
    assert image.status_code == 200
    assert image.headers["cache-control"].startswith("no-store")
    with Image.open(io.BytesIO(image.content)) as shown:
        assert "exif" not in shown.info  # pixels only: no camera serial reaches the browser
    [row] = _reveals(web)
    assert (row["person"], row["sha256"], row["purpose"], row["seconds"]) == (
        ANALYST, web.shown, "authenticity", 120)  # fmt: skip
    other = _signed_in(web)  # the same person, another session: no grant
    assert other.get(f"/items/{web.shown}/image").status_code == 404
    web.clock.advance(seconds=121)
    assert client.get(f"/items/{web.shown}/image").status_code == 404
    assert len(_reveals(web)) == 1  # viewing did not log again; only a reveal does
    report = verify(web.archive, rules(), fast=True, record=False)
    assert report.ok, [str(p) for p in report.problems]


def test_an_htmx_reveal_answers_with_the_photo_fragment(web: WebArchive) -> None:
    client = _signed_in(web)
    page = client.get(f"/items/{web.shown}").text
    csrf = re.findall(r'name="csrf" value="([^"]+)"', page)[0]
    answer = client.post(f"/items/{web.shown}/reveal", data={"purpose": "court"},
                         headers={"HX-Request": "true", "X-CSRF-Token": csrf})  # fmt: skip
    assert answer.status_code == 200
    assert answer.text.strip().startswith('<div id="photo"')
    assert f'src="/items/{web.shown}/image"' in answer.text


def test_a_reveal_without_a_stated_purpose_is_refused_and_logs_nothing(web: WebArchive) -> None:
    client = _signed_in(web)
    assert post(client, f"/items/{web.shown}/reveal", {"purpose": "curiosity"}).status_code == 400
    assert _reveals(web) == []


def test_when_the_event_cannot_be_written_the_image_is_not_shown(web: WebArchive) -> None:
    client = _signed_in(web)
    csrf = re.findall(r'name="csrf" value="([^"]+)"', client.get("/").text)[0]
    with web.archive.write() as conn:
        conn.execute(text("DROP TABLE web_reveals"))
    form = {"purpose": "authenticity", "csrf": csrf}
    answer = client.post(f"/items/{web.shown}/reveal", data=form)
    assert answer.status_code == 503
    assert "could not record" in answer.text
    assert "/image" not in answer.text
    with web.archive.read() as conn:
        types = set(conn.execute(select(schema.events.c.type)).scalars())
    assert REVEALED not in types


def test_a_tampered_reveal_is_named_by_verify(web: WebArchive) -> None:
    client = _signed_in(web)
    post(client, f"/items/{web.shown}/reveal", {"purpose": "authenticity"})
    [row] = _reveals(web)
    with web.archive.write() as conn:  # someone rewrites who looked
        conn.execute(update(web_reveals).where(web_reveals.c.seq == row["seq"])
                     .values(person=person_for(Role.VIEWER)))  # fmt: skip
    report = verify(web.archive, rules(), fast=True, record=False)
    assert [str(p) for p in report.problems] == [
        f"[catalogue] web_reveals row of event #{row['seq']}: person is 'p-viewer'; "
        "the log says 'p-analyst'"
    ]
    with web.archive.write() as conn:
        conn.execute(update(web_reveals).where(web_reveals.c.seq == row["seq"])
                     .values(person=ANALYST))  # fmt: skip
        body = conn.execute(select(schema.events.c.body).where(schema.events.c.seq == row["seq"]))
        forged = body.scalar_one().replace("authenticity", "court    ")
        conn.execute(update(schema.events).where(schema.events.c.seq == row["seq"])
                     .values(body=forged))  # fmt: skip
    problems = [str(p) for p in verify(web.archive, rules(), fast=True, record=False).problems]
    assert f"[log] event #{row['seq']}: its stored leaf hash does not match its bytes" in problems


def test_the_item_page_shows_findings_with_their_measured_error_rates(web: WebArchive) -> None:
    page = _signed_in(web).get(f"/items/{web.shown}").text
    assert "No current finding" not in page
    assert "false positives" in page and "recall" in page
