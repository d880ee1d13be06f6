"""Canonical JSON: one byte string for one value, so that hashes of events are reproducible.

The custody log hashes events as bytes. Two programs that agree on the value must agree
on the bytes, or a verifier in another language could not recompute a root. The rules:
keys sorted by code point, no insignificant whitespace, UTF-8, no floats (their text form
differs between languages), integers within JavaScript's safe range, strings as they are
(no Unicode normalisation: a name is evidence and is kept as written).
"""

from __future__ import annotations

import json
from typing import Any

from dalil.errors import InputError

# Integers beyond 2**53 lose precision in JavaScript and many JSON parsers; a verifier
# written there would silently compute a different hash.
MAX_SAFE_INTEGER = 2**53 - 1

JsonValue = None | bool | int | str | list["JsonValue"] | dict[str, "JsonValue"]


def _valid(value: Any) -> bool:
    """True if ``value`` can be written as canonical JSON; a fast pass with no messages."""
    if value is None or isinstance(value, bool | str):
        return True
    if isinstance(value, int):
        return abs(value) <= MAX_SAFE_INTEGER
    if isinstance(value, list | tuple):
        return all(_valid(item) for item in value)
    if isinstance(value, dict):
        return all(isinstance(key, str) and _valid(item) for key, item in value.items())
    return False


def _check(value: Any, path: str) -> None:
    """Raise naming the first place (``$.a[2].b``) where ``value`` breaks a rule."""
    if value is None or isinstance(value, bool | str):
        return
    if isinstance(value, int):
        if abs(value) > MAX_SAFE_INTEGER:
            raise InputError(f"{path}: integer {value} is too large for canonical JSON")
        return
    if isinstance(value, float):
        raise InputError(f"{path}: floats are not allowed in canonical JSON; use a string")
    if isinstance(value, list | tuple):
        for i, item in enumerate(value):
            _check(item, f"{path}[{i}]")
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise InputError(f"{path}: object keys must be strings, got {key!r}")
            _check(item, f"{path}.{key}")
        return
    raise InputError(f"{path}: {type(value).__name__} cannot be written as canonical JSON")


def _encode(value: Any) -> bytes:
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def dumps(value: Any) -> bytes:
    """Encode ``value`` as canonical JSON bytes."""
    if not _valid(value):
        _check(value, "$")  # raises, naming where
    return _encode(value)


def loads(data: bytes | str) -> Any:
    """Decode canonical JSON; raises InputError if it is not JSON."""
    try:
        return json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"not valid JSON: {exc}") from exc


def _refuse_float(text: str) -> Any:
    raise InputError(f"the number {text} is not an integer: floats are not canonical JSON")


def _safe_integer(text: str) -> int:
    number = int(text)
    if abs(number) > MAX_SAFE_INTEGER:
        raise InputError(f"integer {text} is too large for canonical JSON")
    return number


def parse_canonical(data: bytes) -> Any:
    """Decode ``data``, which must be canonical JSON exactly; raises InputError if not.

    One parse: floats, NaN and unsafe integers are refused as they are read, so the value
    read is one ``dumps`` accepts, and re-encoding it must give back the same bytes.
    """
    try:
        value = json.loads(
            data,
            parse_float=_refuse_float,
            parse_int=_safe_integer,
            parse_constant=_refuse_float,
        )
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"not valid JSON: {exc}") from exc
    if _encode(value) != data:
        raise InputError("not in canonical form (key order, spacing or escapes differ)")
    return value


def is_canonical(data: bytes) -> bool:
    """True if ``data`` is exactly the canonical encoding of the value it holds."""
    try:
        parse_canonical(data)
    except InputError:
        return False
    return True
