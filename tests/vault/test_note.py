"""Signed checkpoints: round trips, and every way a forged or damaged note is refused."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from dalil.errors import CheckpointError
from dalil.vault.keys import create_key, load_signer
from dalil.vault.note import Checkpoint, Signer, VerifierKey, open_checkpoint, sign_checkpoint

ORIGIN = "dalil.archive/test"


@pytest.fixture
def signer(tmp_path: Path) -> Signer:
    create_key(tmp_path / "k")
    return load_signer(tmp_path / "k", ORIGIN)


def test_signed_checkpoint_round_trips(signer: Signer) -> None:
    checkpoint = Checkpoint(ORIGIN, 42, bytes(range(32)), ("time 2026-01-01T00:00:00Z",))
    note = sign_checkpoint(checkpoint, signer)
    assert open_checkpoint(note, signer.verifier) == checkpoint
    assert note.splitlines()[:3] == [ORIGIN, "42", base64.b64encode(bytes(range(32))).decode()]


def test_verifier_key_text_round_trips_even_with_plus_in_base64(signer: Signer) -> None:
    for _ in range(20):  # base64 of random keys often holds '+'
        key = VerifierKey(ORIGIN, bytes(signer.verifier.public_key))
        assert VerifierKey.parse(str(key)) == key


def _note(signer: Signer) -> str:
    return sign_checkpoint(Checkpoint(ORIGIN, 7, b"\x11" * 32), signer)


@pytest.mark.parametrize(
    ("mangle", "message"),
    [
        (lambda n: n.replace("\n7\n", "\n8\n"), "does not verify"),
        (lambda n: n.replace("\u2014 ", "- "), "malformed signature line"),
        (lambda n: n.split("\n\n")[0] + "\n", "no signature block"),
        (lambda n: n.replace(ORIGIN + " ", "someone-else "), "no signature by"),
        (lambda n: n[:-10] + "AAAAAAAAA\n", "does not verify|not base64"),
        (lambda n: "x" * 70000, "too large"),
    ],
)
def test_altered_notes_are_refused(signer: Signer, mangle, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CheckpointError, match=message):
        open_checkpoint(mangle(_note(signer)), signer.verifier)


def test_note_signed_by_another_key_under_the_same_name_is_refused(
    signer: Signer, tmp_path: Path
) -> None:
    create_key(tmp_path / "forger")
    forger = load_signer(tmp_path / "forger", ORIGIN)
    with pytest.raises(CheckpointError):
        open_checkpoint(_note(forger), signer.verifier)


@pytest.mark.parametrize(
    "text",
    ["o\n7\n", "o\nseven\n" + base64.b64encode(b"\0" * 32).decode() + "\n",
     "o\n07\n" + base64.b64encode(b"\0" * 32).decode() + "\n",
     "o\n7\n" + base64.b64encode(b"\0" * 31).decode() + "\n",
     "o\n7\n!!!\n"],
)  # fmt: skip
def test_malformed_checkpoint_bodies_are_refused(text: str) -> None:
    with pytest.raises(CheckpointError):
        Checkpoint.parse(text)


@pytest.mark.parametrize("text", ["a+b", "a+zz+AQ==", "a b+0000+" + "A" * 44])
def test_malformed_verifier_keys_are_refused(text: str) -> None:
    with pytest.raises(CheckpointError):
        VerifierKey.parse(text)
