"""Arabic and English: every message translated, catalogues compiled, RTL pages, ids
isolated, and the vendored htmx being the file its record names."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from dalil.web import i18n
from dalil.web.roles import Role

from .factories import WebArchive, person_for, post

WEB = Path(i18n.__file__).parent
PO = WEB / "locale" / "ar" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")
STATIC = WEB / "static"


def _extracted() -> set[str]:
    method_map = [("templates/**.html", "jinja2"), ("**.py", "python")]
    options = {"templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    found = extract_from_dir(str(WEB), method_map, options_map=options)
    return {message for _, _, message, _, _ in found if isinstance(message, str)}


def test_every_message_of_the_pages_has_an_arabic_translation() -> None:
    with PO.open("rb") as handle:
        catalogue = read_po(handle)
    translated = {m.id: m.string for m in catalogue if m.id}
    extracted = _extracted()
    assert len(extracted) > 50
    assert sorted(extracted - set(translated)) == []  # a message missing from the catalogue
    assert sorted(i for i, s in translated.items() if not s) == []  # msgid left untranslated
    assert sorted(set(translated) - extracted) == []  # translations of messages now gone
    assert not [m.id for m in catalogue if m.id and m.fuzzy]


def test_the_compiled_catalogue_is_the_one_the_po_file_says() -> None:
    with PO.open("rb") as handle:
        source = {m.id: m.string for m in read_po(handle) if m.id}
    with MO.open("rb") as handle:
        compiled = {m.id: m.string for m in read_mo(handle) if m.id}
    assert compiled == source, "run `make messages`"


def test_arabic_pages_are_right_to_left_with_ids_left_to_right(shared_web: WebArchive) -> None:
    client = shared_web.client()
    assert post(client, "/language", {"lang": "ar"}, csrf_from="/login").status_code == 303
    login = client.get("/login").text
    assert '<html lang="ar" dir="rtl">' in login
    assert "تسجيل الدخول" in login
    shared_web.sign_in(client, person_for(Role.ANALYST))
    page = client.get(f"/items/{shared_web.shown}").text
    assert '<html lang="ar" dir="rtl">' in page
    assert f'<code dir="ltr" class="hash">{shared_web.shown}</code>' in page
    assert re.search(r'<bdi dir="ltr">\d[\d,]*</bdi>', page)
    english = shared_web.client()
    shared_web.sign_in(english, person_for(Role.ANALYST))
    assert '<html lang="en" dir="ltr">' in english.get("/").text


def test_an_unknown_language_or_a_foreign_next_page_is_ignored(shared_web: WebArchive) -> None:
    client = shared_web.client()
    answer = post(client, "/language", {"lang": "xx", "next": "https://evil.example/"},
                  csrf_from="/login")  # fmt: skip
    assert answer.headers["location"] == "/"
    assert '<html lang="en"' in client.get("/login").text


def test_the_vendored_htmx_is_the_file_its_record_names() -> None:
    record = json.loads((STATIC / "VENDORED.json").read_text(encoding="utf-8"))["htmx.min.js"]
    data = (STATIC / "htmx.min.js").read_bytes()
    assert hashlib.sha256(data).hexdigest() == record["sha256"]
    assert f'this.version="{record["version"]}"'.encode() in data
    assert not [p.name for p in STATIC.iterdir()
                if p.suffix == ".js" and p.name not in {"htmx.min.js"}]  # fmt: skip
