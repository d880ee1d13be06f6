"""The lookup rules: exact ids, unique prefixes of at least 8 hex digits, ambiguity named,
and a suggestion in every refusal, never an empty answer."""

from __future__ import annotations

import hashlib
from enum import StrEnum

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import insert

from dalil import lookup
from dalil.db import schema
from dalil.errors import Ambiguous, InputError, NotFound
from dalil.vault.archive import Archive

CASES = ["3fa4c2d1aa00bb11", "3fa4c2d1aa00bb12", "77aa00cc11223344"]
hexes = st.text(alphabet="0123456789abcdef", min_size=64, max_size=64)


class Colour(StrEnum):
    RED = "red"
    GREEN = "green"


@pytest.mark.parametrize(
    ("value", "known", "expected"),
    [
        ("ceasar", ["caesar", "faces"], ["caesar"]),
        ("Caesar", ["caesar", "faces"], ["caesar"]),
        ("fac", ["caesar", "faces"], ["faces"]),
        ("AM-000003", ["AM-000001", "AM-000002"], ["AM-000002", "AM-000001"]),
        ("zzz", ["caesar", "faces"], []),
        ("", ["caesar"], []),
    ],
)
def test_suggestions_are_the_closest_known_values(
    value: str, known: list[str], expected: list[str]
) -> None:
    assert lookup.suggest(value, known) == expected


def test_a_misspelt_collection_is_refused_with_the_right_name() -> None:
    with pytest.raises(NotFound, match=r"no collection 'ceasar'.*did you mean caesar\?") as err:
        lookup.choose("collection", "ceasar", ["caesar", "faces"], "dalil batches")
    assert err.value.value == "ceasar" and err.value.suggestions == ("caesar",)
    assert "dalil batches" in str(err.value)


def test_an_unknown_id_with_nothing_close_names_what_is_held() -> None:
    with pytest.raises(NotFound, match=r"it holds 3: 3fa4c2d1aa00bb11, 3fa4c2d1aa00bb12"):
        lookup.choose("case", "deadbeefdeadbeef", CASES)


def test_an_unknown_id_in_an_empty_archive_says_none_is_held() -> None:
    with pytest.raises(NotFound, match="none yet"):
        lookup.choose("case", "deadbeefdeadbeef", [])


def test_a_unique_prefix_names_its_case() -> None:
    assert lookup.choose("case", "77aa00cc", CASES, prefixes=True) == CASES[2]
    assert lookup.choose("case", "77AA00CC1", CASES, prefixes=True) == CASES[2]


def test_a_prefix_is_not_accepted_where_ids_are_whole() -> None:
    with pytest.raises(NotFound, match="did you mean 77aa00cc11223344"):
        lookup.choose("case", "77aa00cc", CASES)


def test_a_shared_prefix_is_ambiguous_and_lists_the_candidates() -> None:
    with pytest.raises(Ambiguous, match="starts 2 cases") as err:
        lookup.choose("case", "3fa4c2d1", CASES, prefixes=True)
    assert err.value.candidates == tuple(CASES[:2])


def test_a_prefix_under_eight_digits_is_refused_saying_eight_are_needed() -> None:
    with pytest.raises(InputError, match="at least 8 hex digits"):
        lookup.choose("case", "77aa00c", CASES, prefixes=True)
    with pytest.raises(InputError, match="at least 8 hex digits"):
        lookup.hex_prefix("77aa00c")


@pytest.mark.parametrize("text", ["xyz12345", "g" * 8, "a" * 65, "", "12 34 56 78"])
def test_what_is_not_hex_is_not_a_prefix(text: str) -> None:
    with pytest.raises(InputError, match="not a SHA-256"):
        lookup.hex_prefix(text)


def test_a_fixed_set_names_its_members() -> None:
    assert lookup.choose_enum("colour", "red", Colour) is Colour.RED
    assert lookup.choose_enum("colour", Colour.GREEN, Colour) is Colour.GREEN
    with pytest.raises(NotFound, match=r"'gren' is not a colour; did you mean green\? .*red"):
        lookup.choose_enum("colour", "gren", Colour)
    with pytest.raises(NotFound, match="use one of: red, green"):
        lookup.choose_enum("colour", "pending", Colour)


@given(st.lists(hexes, min_size=1, max_size=20, unique=True), st.data())
def test_every_prefix_of_eight_or_more_digits_resolves_or_names_its_rivals(
    held: list[str], data: st.DataObject
) -> None:
    target = data.draw(st.sampled_from(held))
    length = data.draw(st.integers(lookup.MIN_PREFIX, 64))
    prefix = target[:length]
    rivals = [h for h in held if h.startswith(prefix)]
    if len(rivals) == 1:
        assert lookup.pick("object", prefix, held) == target
        assert lookup.choose("object", prefix.upper(), held, prefixes=True) == target
    else:
        with pytest.raises(Ambiguous) as err:
            lookup.pick("object", prefix, held)
        assert set(err.value.candidates) == set(rivals)


@given(st.lists(st.text(min_size=1, max_size=12), max_size=15), st.text(max_size=12))
def test_choose_returns_a_held_value_or_refuses_with_a_suggestion(
    known: list[str], value: str
) -> None:
    try:
        chosen = lookup.choose("thing", value, known)
    except NotFound as err:
        assert value.strip() not in known
        assert repr(value) in str(err)
        assert set(err.suggestions) <= set(known)
        assert "did you mean" in str(err) or "it holds" in str(err)
    else:
        assert chosen in known


@given(st.lists(st.text(max_size=10), max_size=20), st.text(max_size=10))
def test_suggestions_come_from_what_is_held(known: list[str], value: str) -> None:
    found = lookup.suggest(value, known)
    assert len(found) <= lookup.SUGGESTED and set(found) <= set(known)
    assert len(found) == len(set(found))


def _objects(archive: Archive, shas: list[str]) -> None:
    with archive.engine.begin() as conn:
        conn.execute(
            insert(schema.objects),
            [dict(sha256=sha, size=1, kind="original", media_type="x", first_seq=0)
             for sha in shas],
        )  # fmt: skip


def test_sha256_prefixes_resolve_in_the_database(archive: Archive) -> None:
    shas = sorted(hashlib.sha256(bytes([n])).hexdigest() for n in range(40))
    twins = ["abcdef01" + "0" * 56, "abcdef01" + "1" * 56]
    _objects(archive, [*shas, *twins])
    with archive.read() as conn:
        for sha in shas:
            assert lookup.resolve_sha256(conn, sha[:8]) == sha
            assert lookup.resolve_sha256(conn, sha.upper()) == sha
        with pytest.raises(Ambiguous, match="abcdef01") as err:
            lookup.resolve_sha256(conn, "abcdef01")
        assert set(err.value.candidates) == set(twins)
        assert lookup.resolve_sha256(conn, "abcdef011") == twins[1]
        typo = shas[5][:-1] + ("0" if shas[5][-1] != "0" else "1")
        with pytest.raises(NotFound, match=f"nearest held: {shas[5]}"):
            lookup.resolve_sha256(conn, typo)
        with pytest.raises(InputError, match="at least 8"):
            lookup.resolve_sha256(conn, shas[0][:7])


def test_an_empty_archive_holds_no_objects_to_name(archive: Archive) -> None:
    with archive.read() as conn, pytest.raises(NotFound, match="holds no objects yet"):
        lookup.resolve_sha256(conn, "deadbeef")
