"""A court package checks; every change to one is refused, and named.

Each change is made twice where it matters: once as an accident would (the bag's manifests
catch it) and once as a forger would, rewriting every manifest afterwards, so that only
the log's proofs and signatures stand between the change and the court.
"""

from __future__ import annotations

import base64
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from dalil import canonical
from dalil.export.verifier import Report, check_package
from dalil.vault import merkle
from dalil.vault.note import Signer

from .packages import ORIGIN, Built, build_package, cosign, rebag, seeded_key, tlog_proof


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build_package(tmp_path_factory.mktemp("pristine") / "package")


@pytest.fixture
def built(pristine: Built, tmp_path: Path) -> Built:
    root = tmp_path / "package"
    shutil.copytree(pristine.root, root)
    return Built(root, pristine.signer, pristine.witnesses, pristine.events, pristine.numbers,
                 pristine.note)  # fmt: skip


def _failures(report: Report) -> list[tuple[str, str]]:
    return [(f.check, str(f)) for f in report.failures]


def test_a_package_as_built_checks(pristine: Built) -> None:
    report = check_package(pristine.root)
    assert _failures(report) == []
    assert report.ok
    assert [c.name for c in report.checks] == [
        "bag", "index", "checkpoint", "witnesses", "events", "items", "earlier"
    ]  # fmt: skip
    text = report.text()
    assert "RESULT: every check holds." in text
    assert "What this proves" in text and "What this does not prove" in text
    assert "9 events proven in the log of 13 entries" in text  # 1-8 and 11, each once
    assert "quorum 2 of (w1, w2): met" in text


def test_what_is_not_checked_is_said(pristine: Built) -> None:
    notes = "\n".join(check_package(pristine.root).every_note())
    assert "withheld (as stated, not checkable)" in notes
    assert "catalogue.case (its event is withheld)" in notes
    assert "not checked: catalogue.case (its event is withheld), kind" in notes


def _edit(path: Path, old: bytes, new: bytes) -> None:
    data = path.read_bytes()
    assert old in data, (path, old)
    path.write_bytes(data.replace(old, new, 1))


def _metadata(built: Built, n: int = 0) -> Path:
    return built.metadata(n)


def _edit_metadata(built: Built, change: Callable[[dict[str, Any]], None], n: int = 0) -> None:
    value = json.loads(_metadata(built, n).read_bytes())
    change(value)
    _metadata(built, n).write_bytes(canonical.dumps(value))


def _flip_base64(path: Path, line_start: str, at: int = 10) -> None:
    lines = path.read_text().split("\n")
    for i, line in enumerate(lines):
        if line.startswith(line_start):
            prefix, blob = line.rsplit(" ", 1)
            raw = bytearray(base64.b64decode(blob))
            raw[at] ^= 0x01
            lines[i] = f"{prefix} {base64.b64encode(bytes(raw)).decode()}"
            break
    else:
        raise AssertionError(f"no line {line_start!r} in {path}")
    path.write_text("\n".join(lines))


def _photo(built: Built, n: int = 0) -> Path:
    return built.file(n)


def _flip_photo_byte(built: Built) -> None:
    data = bytearray(_photo(built).read_bytes())
    data[100] ^= 0xFF
    _photo(built).write_bytes(bytes(data))


def _records(built: Built) -> list[bytes]:
    """The proof records of data/events.proofs, each with its blank line."""
    return [r + b"\n\n" for r in built.proofs_file.read_bytes().split(b"\n\n")[:-1]]


def _record_of(built: Built, seq: int) -> int:
    return [r.startswith(f"index {seq}\n".encode()) for r in _records(built)].index(True)


def _change_proof_hash(built: Built) -> None:
    # The first hash of event 3's proof in data/events.proofs.
    records = _records(built)
    at = _record_of(built, 3)
    lines = records[at].split(b"\n")
    raw = bytearray(base64.b64decode(lines[1]))
    raw[0] ^= 0x01
    lines[1] = base64.b64encode(bytes(raw))
    records[at] = b"\n".join(lines)
    built.proofs_file.write_bytes(b"".join(records))


def _swap_proof(built: Built) -> None:
    # Event 3's proof replaced by event 5's (a valid proof of another entry).
    records = _records(built)
    records[_record_of(built, 3)] = records[_record_of(built, 5)]
    built.proofs_file.write_bytes(b"".join(records))


def _swap_in_another_items_event(built: Built) -> None:
    # Item 1's receipt (event 3) replaced by item 2's (event 4), with its own valid proof.
    shutil.copyfile(built.proof(1), built.proof(0))
    index = json.loads((built.root / "dalil" / "package.json").read_bytes())
    index["items"][0]["events"] = sorted({*index["items"][0]["events"], 4} - {3})
    (built.root / "dalil" / "package.json").write_bytes(canonical.dumps(index))

    def receipt(meta: dict[str, Any]) -> None:
        meta["receipts"][0]["event"] = 4

    _edit_metadata(built, receipt)


def _drop_last_proof(built: Built) -> None:
    built.proofs_file.write_bytes(b"".join(_records(built)[:-1]))


def _add_undisclosed_event(built: Built) -> None:
    # Event 9, in the log and validly proven, but named by no item.
    path = merkle.MerkleTree([merkle.leaf_hash(e) for e in built.events]).inclusion_proof(9, 13)
    with built.events_file.open("ab") as out:
        out.write(built.events[9] + b"\n")
    hashes = "".join(base64.b64encode(h).decode() + "\n" for h in path)
    with built.proofs_file.open("a") as out:
        out.write(f"index 9\n{hashes}\n")


def _prove_a_non_receipt(built: Built) -> None:
    # Item 1's own proof replaced by a valid proof of its batch's opening (event 1).
    path = merkle.MerkleTree([merkle.leaf_hash(e) for e in built.events]).inclusion_proof(1, 13)
    built.proof(0).write_bytes(tlog_proof(1, path, built.note))


def _resign_with_unknown_key(built: Built) -> None:
    checkpoint = built.root / "dalil" / "checkpoint.txt"
    text = checkpoint.read_text()
    body = text[: text.index("\n\n") + 1]
    forged = Signer(ORIGIN, seeded_key("forger")).sign(body)
    for w in built.witnesses:
        forged = cosign(forged, w.key_name, w.key)
    checkpoint.write_text(forged)
    for proof in built.root.glob("data/*.tlog-proof"):
        data = proof.read_text()
        proof.write_text(data[: data.index("\n\n") + 2] + forged)


def _drop_cosignature(built: Built) -> None:
    checkpoint = built.root / "dalil" / "checkpoint.txt"
    text = checkpoint.read_text()
    kept = "\n".join(line for line in text.split("\n") if "witness2" not in line)
    checkpoint.write_text(kept)
    for proof in built.root.glob("data/*.tlog-proof"):
        data = proof.read_text()
        proof.write_text(data[: data.index("\n\n") + 2] + kept)


def _replace_policy_log_key(built: Built) -> None:
    forger = str(Signer(ORIGIN, seeded_key("forger")).verifier).encode()
    _edit(built.root / "dalil" / "policy.txt", str(built.signer.verifier).encode(), forger)


def _set(path: list[str | int], value: object, n: int = 0) -> Callable[[Built], None]:
    def change(built: Built) -> None:
        def edit(meta: dict[str, Any]) -> None:
            target: Any = meta  # a JSON tree: dicts and lists
            for key in path[:-1]:
                target = target[key]
            target[path[-1]] = value

        _edit_metadata(built, edit, n)

    return change


# (what is changed, the change, rewrite the manifests after it?, the check that names it,
#  words the failure must hold)
TAMPERING: list[tuple[str, Callable[[Built], object], bool, str, str]] = [
    ("a payload byte", _flip_photo_byte, False, "bag", "ICC-2026-000001.jpg does not have"),
    ("a payload byte, manifests rewritten", _flip_photo_byte, True, "items", "its SHA-256 is"),
    ("a manifest line",
     lambda b: _edit(b.root / "manifest-sha256.txt", b"data/ICC", b"data/ICX"),
     False, "bag", "manifest-sha256.txt does not have"),
    ("a tag file", lambda b: _edit(b.root / "README.txt", b"Run", b"Ran"), False, "bag",
     "README.txt does not have"),
    ("bag-info", lambda b: _edit(b.root / "bag-info.txt", b"Test Archive", b"Someone Else"),
     False, "bag", "bag-info.txt does not have"),
    ("a tag file added", lambda b: (b.root / "dalil" / "extra.txt").write_text("x"), False,
     "bag", "dalil/extra.txt is in the bag but not listed in tagmanifest-sha256.txt"),
    ("a metadata file", _set(["receipts", 0, "path"], "elsewhere.jpg"), False, "bag",
     "ICC-2026-000001.json does not have"),
    ("a metadata file, manifests rewritten", _set(["receipts", 0, "path"], "elsewhere.jpg"),
     True, "items", "receipts[0] says path is \"elsewhere.jpg\", but event 3"),
    ("a receipt's time", _set(["receipts", 0, "received_at"], "2020-01-01T00:00:00Z"), True,
     "items", "received_at"),
    ("a batch's custodian", _set(["batches", 0, "custodian"], "Someone"), True, "items",
     "custodian"),
    ("a finding's body", _set(["findings", 0, "body", "verdict"], "manipulated"), True,
     "items", "the SHA-256 of its body"),
    ("the described facts", _set(["described", "facts", "model"], "S2"), True, "items",
     "the SHA-256 of its facts"),
    ("the EXIF summary", _set(["described", "exif", "model"], "S2"), True, "items",
     "described[0].exif.model"),
    ("a number read", _set(["catalogue", "readings", 0, "branch"], "216"), True, "items",
     "says the branch number read is \"216\""),
    ("a flag", _set(["flags", 0, "severity"], "none", 1), True, "items", "flags[0] says severity"),
    ("a confirmation", _set(["catalogue", "confirmations", 0, "value"], "4321"), True, "items",
     "confirmations[0] says value"),
    ("a fact the event lacks", _set(["receipts", 0, "taken_by"], "X"), True, "items",
     "nothing in the log backs it"),
    ("the item's size", _set(["size"], 1), True, "items", "size"),
    ("an event named that is not disclosed", _set(["claims", 0, "event"], 9), True, "items",
     "names event 9, which is not one of the item's proven events"),
    ("an event of another type", _set(["claims", 0, "event"], 1), True, "items",
     "a batch.opened event, not a claim.recorded event"),
    ("another item's event", _swap_in_another_items_event, True, "items",
     "names event 4, which is about another file"),
    ("an event's bytes", lambda b: _edit(b.events_file, b"a/one.jpg", b"a/won.jpg"), True,
     "events", "its inclusion proof does not lead to the checkpoint's root"),
    ("a proof hash", _change_proof_hash, True, "events", "its inclusion proof does not lead"),
    ("a swapped proof", _swap_proof, True, "events", "its proof is of log entry 5, not 3"),
    ("an item's own proof of another event", _prove_a_non_receipt, True, "events",
     "it proves event 1, which is no receipt"),
    ("an item's own proof of another item's receipt",
     lambda b: shutil.copyfile(b.proof(1), b.proof(0)), True, "events",
     "it proves log entry 4, not one of the item's"),
    ("an item's own proof removed", lambda b: b.proof(0).unlink(), True, "events",
     "ICC-2026-000001.tlog-proof: cannot be read"),
    ("an event disclosed that no item names", _add_undisclosed_event, True, "events",
     "event 9: no item of the index names it"),
    ("an event twice",
     lambda b: (b.events_file.write_bytes(b.events_file.read_bytes() + b.events[3] + b"\n"),
                b.proofs_file.write_bytes(b.proofs_file.read_bytes() + _records(b)[0])),
     True, "events", "event 3 appears twice"),
    ("the checkpoint", lambda b: _edit(b.root / "dalil" / "checkpoint.txt", b"\n13\n", b"\n14\n"),
     True, "checkpoint", "the log's signature does not verify"),
    ("the checkpoint, in a proof",
     lambda b: _edit(b.proof(1), b"\n13\n", b"\n14\n"), True,
     "events", "it carries another checkpoint"),
    ("a signature", lambda b: _flip_base64(b.root / "dalil" / "checkpoint.txt", "\u2014 dalil"),
     True, "checkpoint", "the log's signature does not verify"),
    ("a cosignature",
     lambda b: _flip_base64(b.root / "dalil" / "checkpoint.txt", "\u2014 witness1", at=20),
     True, "witnesses", "the cosignature of witness w1 does not verify"),
    ("a checkpoint signed by an unknown key", _resign_with_unknown_key, True, "checkpoint",
     "it is not signed by the log key the policy names"),
    ("a quorum not met", _drop_cosignature, True, "witnesses",
     "the policy's quorum, 2 of (w1, w2), is not met: valid cosignatures only from w1"),
    ("the policy's log key", _replace_policy_log_key, True, "index",
     "its log key is not the one the policy names"),
    ("the policy's log name",
     lambda b: _edit(b.root / "dalil" / "policy.txt", b"log dalil.archive/test-log+",
                     b"log dalil.archive/other-log+"),
     True, "index", "does not match its name and key"),
    ("an earlier checkpoint's consistency proof",
     lambda b: _edit(b.root / "dalil" / "earlier" / "4.consistency.txt", b"=\n", b"=\n\n"),
     True, "earlier", "4.checkpoint.txt"),
    ("an earlier checkpoint's size",
     lambda b: _edit(b.root / "dalil" / "package.json", b'"size":4', b'"size":3'), True,
     "earlier", "not the checkpoint of this log at the size the index gives"),
    ("the index's checkpoint",
     lambda b: _edit(b.root / "dalil" / "package.json", b'"size":13', b'"size":12'), True,
     "checkpoint", "its checkpoint is not checkpoint.txt's"),
    ("an item's hash in the index", lambda b: _edit(b.root / "dalil" / "package.json",
                                                    b'"sha256":"', b'"sha256":"0'), True,
     "index", "not a SHA-256"),
    ("a payload file added", lambda b: (b.root / "data" / "note.txt").write_text("x"), True,
     "items", "data/note.txt: it belongs to no item of the index"),
    ("items.csv", lambda b: _edit(b.root / "data" / "items.csv", b"000002", b"000003"), True,
     "items", "data/items.csv: its items are not the index's"),
    ("a metadata file not canonical",
     lambda b: _metadata(b).write_bytes(_metadata(b).read_bytes() + b" "), True, "items",
     "not canonical JSON"),
    ("an event without its proof", _drop_last_proof, True, "events",
     "data/events.proofs has no proof for it"),
    ("an item's list of events",
     lambda b: _edit(b.root / "dalil" / "package.json", b'"events":[1,2,3', b'"events":[1,3'),
     True, "items", "names event 2, which is not one of the item's proven events"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("change", "remanifest", "check", "words"),
    [pytest.param(*case[1:], id=case[0]) for case in TAMPERING],
)
def test_every_change_to_a_package_is_refused_and_named(
    built: Built, change: Callable[[Built], object], remanifest: bool, check: str, words: str
) -> None:
    change(built)
    if remanifest:
        rebag(built.root)
    report = check_package(built.root)
    assert not report.ok
    named = [message for name, message in _failures(report) if name == check]
    assert any(words in message for message in named), _failures(report)
    if remanifest:  # the forger's rewritten manifests hold: the log alone refuses it
        assert report.failed("bag") == [], _failures(report)
    assert "RESULT: " in report.text() and f"[{check}]" in report.text()


def test_a_package_remade_by_a_forger_passes_only_its_own_policy(
    built: Built, tmp_path: Path
) -> None:
    trusted = (built.root / "dalil" / "policy.txt").read_bytes()
    _resign_with_unknown_key(built)
    forger = Signer(ORIGIN, seeded_key("forger")).verifier
    _edit(
        built.root / "dalil" / "policy.txt",
        str(built.signer.verifier).encode(),
        str(forger).encode(),
    )
    _edit(
        built.root / "dalil" / "package.json",
        str(built.signer.verifier).encode(),
        str(forger).encode(),
    )
    for earlier in (built.root / "dalil" / "earlier").glob("*.checkpoint.txt"):
        text = earlier.read_text()
        earlier.write_text(
            Signer(ORIGIN, seeded_key("forger")).sign(text[: text.index("\n\n") + 1])
        )
    rebag(built.root)
    assert check_package(built.root).ok  # consistent with itself: the package alone cannot tell
    report = check_package(built.root, trusted_policy=trusted)
    assert any(
        "not signed by the log key the policy names" in str(f) for f in report.failed("checkpoint")
    ), _failures(report)
    assert "policy given on the command line" in " ".join(report.notes)


def test_a_policy_without_witnesses_needs_none(tmp_path: Path) -> None:
    built = build_package(tmp_path / "p", witnesses=0, earlier=())
    report = check_package(built.root)
    assert report.ok, _failures(report)
    assert "quorum no witness: met" in report.text()
    assert "none (the package says it is the first" in report.text()


def test_a_threshold_quorum_is_met_by_enough_witnesses(tmp_path: Path) -> None:
    built = build_package(tmp_path / "p", witnesses=3, cosigners=2, quorum="2")
    assert check_package(built.root).ok
    short = build_package(tmp_path / "q", witnesses=3, cosigners=1, quorum="2")
    assert [f.check for f in check_package(short.root).failures] == ["witnesses"]


def test_an_unknown_section_is_reported_not_checked(built: Built) -> None:
    _set(["provenance"], {"camera_owner": "X"})(built)
    rebag(built.root)
    report = check_package(built.root)
    assert report.ok, _failures(report)
    assert any("'provenance'" in n and "not checked" in n for n in report.every_note())


def test_values_tied_to_no_event_are_reported_not_checked(built: Built) -> None:
    _set(["identification"], {"court_record": "R-1", "confirmed": {"event": 7, "case": 7}})(built)
    rebag(built.root)
    report = check_package(built.root)
    assert report.ok, _failures(report)
    assert any("identification.court_record" in n for n in report.every_note())


def test_a_folder_that_is_not_a_package_is_named(tmp_path: Path) -> None:
    report = check_package(tmp_path)
    assert not report.ok
    assert any("bagit.txt cannot be read" in str(f) for f in report.failures)
    assert any("nothing more can be checked" in str(f) for f in report.failures)


def test_unknown_signatures_are_ignored_and_said(built: Built) -> None:
    checkpoint = built.root / "dalil" / "checkpoint.txt"
    stranger = cosign(checkpoint.read_text(), "stranger.example/w", seeded_key("stranger"))
    checkpoint.write_text(stranger)
    for proof in built.root.glob("data/*.tlog-proof"):
        data = proof.read_text()
        proof.write_text(data[: data.index("\n\n") + 2] + stranger)
    rebag(built.root)
    report = check_package(built.root)
    assert report.ok, _failures(report)
    assert any("stranger.example/w" in n and "ignored" in n for n in report.every_note())


def test_failures_read_as_sentences(built: Built) -> None:
    _flip_photo_byte(built)
    text = check_package(built.root).text()
    assert re.search(r"RESULT: \d+ problems? found", text)
    assert "it was changed after the bag was made" in text


def test_the_report_as_data(built: Built) -> None:
    _flip_photo_byte(built)
    data = json.loads(json.dumps(check_package(built.root).as_dict()))
    assert data["ok"] is False
    assert {c["name"]: c["passed"] for c in data["checks"]}["bag"] is False
    assert any(
        f["check"] == "bag" and "ICC-2026-000001.jpg" in f["message"] for f in data["failures"]
    )


def test_the_public_names_are_there() -> None:
    from dalil.export import verifier

    assert all(hasattr(verifier, name) for name in verifier.__all__)
