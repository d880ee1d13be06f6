"""Witnesses: another organisation's tool cosigns only checkpoints that extend the last one,
the archive files their cosignatures, verify and verify.py check them."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from sqlalchemy import update
from typer.testing import CliRunner

from dalil.capabilities import rules
from dalil.cli import app
from dalil.db import schema
from dalil.errors import CheckpointError, InputError
from dalil.export import verifier
from dalil.vault import checkpoints, cosignature, custody, merkle, witnesses
from dalil.vault.archive import Archive
from dalil.vault.batches import Claim, add_claim
from dalil.vault.note import Checkpoint, sign_checkpoint
from dalil.vault.verify import verify
from dalil.vault.witness_request import Request
from dalil.witness import cosigning, state
from dalil.witness.cosigning import WitnessRefused

from ..vault.factories import ingest, jpeg_bytes


@pytest.fixture
def witnessed(archive: Archive, tmp_path: Path) -> tuple[Archive, state.WitnessState]:
    drive = tmp_path / "drive"
    drive.mkdir()
    (drive / "a.jpg").write_bytes(jpeg_bytes(1))
    ingest(archive, drive)
    witness = state.init(tmp_path / "witness", "witness.example.org/w1")
    witnesses.add(archive, str(witness.public_key))
    return archive, witness


def _round(archive: Archive, witness: state.WitnessState) -> witnesses.Witnessed:
    asked = witnesses.request(archive, witness.name)
    line = cosigning.cosign_request(witness, asked, archive.verifier)
    return witnesses.accept(archive, witness.name, line, asked)


def _grow(archive: Archive) -> None:
    with archive.write() as conn:
        add_claim(conn, 1, Claim("a courier", "by hand"))


def test_a_witness_cosigns_each_extension_and_verify_reports_it(
    witnessed: tuple[Archive, state.WitnessState],
) -> None:
    archive, witness = witnessed
    first = _round(archive, witness)
    _grow(archive)
    second = _round(archive, witness)
    assert second.size > first.size
    assert state.load(witness.folder).logs[archive.verifier.name].size == second.size
    report = verify(archive, rules(), fast=True, record=False)
    assert report.ok, report.problems
    assert f"checkpoint of size {second.size} cosigned by witness.example.org/w1" in report.notes


def test_the_witness_refuses_a_fork(witnessed: tuple[Archive, state.WitnessState]) -> None:
    archive, witness = witnessed
    done = _round(archive, witness)
    forged = Checkpoint(archive.verifier.name, done.size, b"\x11" * 32, ("time forged",))
    note = sign_checkpoint(forged, archive.signer())  # whoever holds the archive's key
    with pytest.raises(WitnessRefused, match="a fork"):
        cosigning.cosign_request(witness, Request(done.size, (), note))


def test_the_witness_refuses_a_rewritten_history(
    witnessed: tuple[Archive, state.WitnessState],
) -> None:
    archive, witness = witnessed
    done = _round(archive, witness)
    bigger = Checkpoint(archive.verifier.name, done.size + 5, b"\x22" * 32, ("time x",))
    note = sign_checkpoint(bigger, archive.signer())
    with archive.read() as conn:
        leaves = custody.leaves(conn, done.size)
    proof = tuple(merkle.consistency_proof([*leaves, *([b"\x00" * 32] * 5)], done.size,
                                           done.size + 5))  # fmt: skip
    with pytest.raises(WitnessRefused, match="not consistent"):
        cosigning.cosign_request(witness, Request(done.size, proof, note))
    with pytest.raises(WitnessRefused, match="last cosigned size"):
        cosigning.cosign_request(witness, Request(0, (), note))


def test_the_witness_refuses_a_log_it_does_not_trust(
    witnessed: tuple[Archive, state.WitnessState],
) -> None:
    archive, witness = witnessed
    asked = witnesses.request(archive, witness.name)
    with pytest.raises(WitnessRefused, match="does not know the log"):
        cosigning.cosign_request(witness, asked)


def test_a_forged_cosignature_in_the_archive_is_named_by_verify(
    witnessed: tuple[Archive, state.WitnessState],
) -> None:
    archive, witness = witnessed
    _round(archive, witness)
    with archive.write() as conn:
        stored = checkpoints.all_checkpoints(conn)[-1]
        lines = stored.note.rstrip("\n").split("\n")
        name, blob = lines[-1].split(" ")[1:]
        raw = bytearray(base64.b64decode(blob))
        raw[-1] ^= 1
        lines[-1] = f"\u2014 {name} {base64.b64encode(bytes(raw)).decode()}"
        conn.execute(update(schema.checkpoints).where(schema.checkpoints.c.id == stored.id)
                     .values(note="\n".join(lines) + "\n"))  # fmt: skip
    problems = [str(p) for p in verify(archive, rules(), fast=True, record=False).problems]
    assert any("cosignature of witness.example.org/w1 does not verify" in p for p in problems)


def test_an_answer_that_is_not_the_witnesses_is_refused(
    witnessed: tuple[Archive, state.WitnessState], tmp_path: Path
) -> None:
    archive, witness = witnessed
    asked = witnesses.request(archive, witness.name)
    stranger = state.init(tmp_path / "stranger", "witness.example.org/w1")
    line = cosigning.cosign_request(stranger, asked, archive.verifier)
    with pytest.raises(CheckpointError, match="no cosignature by"):
        witnesses.accept(archive, witness.name, line, asked)
    with pytest.raises(InputError, match="no witness named 'w9'"):
        witnesses.request(archive, "w9")


def test_cosignatures_check_with_the_standalone_verifier_too(
    witnessed: tuple[Archive, state.WitnessState],
) -> None:
    """Two implementations of C2SP tlog-cosignature agree: dalil's and verify.py's."""
    archive, witness = witnessed
    _round(archive, witness)
    with archive.read() as conn:
        note = checkpoints.all_checkpoints(conn)[-1].note
    body, _ = cosignature.split_note(note)
    parsed = verifier.parse_note(note.encode())
    key = verifier.parse_verifier_key(str(witness.public_key))
    assert verifier.signed_by(parsed, key)
    assert body == parsed.text


def test_the_whole_exchange_on_the_command_line(
    witnessed: tuple[Archive, state.WitnessState], tmp_path: Path
) -> None:
    archive, _ = witnessed
    runner = CliRunner()
    where = ["--archive", str(archive.root)]

    def run(*args: str) -> str:
        result = runner.invoke(app, list(args))
        assert result.exit_code == 0, (result.output, result.exception)
        return result.output

    run("witness", "init", "--state", str(tmp_path / "w2"), "--name", "witness.example.net/2")
    key = run("witness", "show", "--state", str(tmp_path / "w2")).split()[1]
    run("witnesses", "add", key, *where)
    run("witnesses", "request", "witness.example.net/2", "-o", str(tmp_path / "ask"), *where)
    run("witness", "cosign", str(tmp_path / "ask"), "--state", str(tmp_path / "w2"),
        "-o", str(tmp_path / "answer"), "--trust", str(archive.verifier))  # fmt: skip
    run("witnesses", "accept", "witness.example.net/2", str(tmp_path / "ask"),
        str(tmp_path / "answer"), *where)  # fmt: skip
    assert "cosigned by witness.example.net/2" in run("witnesses", "list", *where)
    out = tmp_path / "pkg"
    run("export", "court", str(out), "--recipient", "Court", "--purpose", "trial",
        "--contact", "J. Doe", "--organization", "NGO", "--collection", "caesar-test",
        "--quorum", "1", *where)  # fmt: skip
    assert "every check holds" in run("export", "check", str(out))
    assert '"recipient": "Court"' in run("export", "list", "--json", *where)
