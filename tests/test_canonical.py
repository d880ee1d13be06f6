"""Canonical JSON: one byte string per value, and a clear refusal naming where it breaks."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dalil import canonical
from dalil.errors import InputError

_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**60), max_value=2**60)
    | st.floats(allow_nan=False)
    | st.text(max_size=8)
)
_values = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=4) | st.integers(0, 3), inner, max_size=4)
    ),
    max_leaves=20,
)


def _allowed(value: Any) -> bool:
    """The rules, written out independently of the module: no floats, safe ints, str keys."""
    if isinstance(value, float):
        return False
    if isinstance(value, int) and not isinstance(value, bool):
        return abs(value) <= 2**53 - 1
    if isinstance(value, list):
        return all(_allowed(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _allowed(v) for k, v in value.items())
    return True


@given(_values)
def test_a_value_is_encoded_exactly_when_the_rules_allow_it(value: Any) -> None:
    if _allowed(value):
        data = canonical.dumps(value)
        assert json.loads(data) == value
        assert canonical.is_canonical(data)
    else:
        with pytest.raises(InputError):
            canonical.dumps(value)


def test_keys_are_sorted_and_there_is_no_whitespace() -> None:
    assert canonical.dumps({"b": [1, "د"], "a": None}) == '{"a":null,"b":[1,"د"]}'.encode()


@pytest.mark.parametrize(
    ("value", "where"),
    [
        ({"a": [1, {"b": 0.5}]}, r"\$\.a\[1\]\.b: floats"),
        ({"x": 2**53}, r"\$\.x: integer"),
        ([{"k": {3: 1}}], r"\$\[0\]\.k: object keys"),
        ({"s": {1, 2}}, r"\$\.s: set cannot"),
    ],
)
def test_a_refusal_names_the_place(value: Any, where: str) -> None:
    with pytest.raises(InputError, match=where):
        canonical.dumps(value)


@given(_values)
def test_parsing_accepts_exactly_the_canonical_bytes(value: Any) -> None:
    if not _allowed(value):
        return
    data = canonical.dumps(value)
    assert canonical.parse_canonical(data) == value
    spaced = json.dumps(value, sort_keys=True, ensure_ascii=False).encode()
    if spaced != data:
        with pytest.raises(InputError, match="canonical form"):
            canonical.parse_canonical(spaced)


@pytest.mark.parametrize(
    "data",
    [b'{"a":1.0}', b'{"a":9007199254740992}', b'{"a":NaN}', b'{"b":1,"a":2}', b"{", b"\xff"],
)
def test_parsing_refuses_what_dumps_would_not_write(data: bytes) -> None:
    with pytest.raises(InputError):
        canonical.parse_canonical(data)
