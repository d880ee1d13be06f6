"""Every command refuses an id, prefix or filter value that names nothing in the archive:
non-zero exit, a message that repeats the value and suggests what the archive holds, and
the archive unchanged (no custody event, no task, no checkpoint).

The story this stops: `dalil match review AM-… deadbeefdeadbeef` accepted a case that
does not exist, two reviewers "confirmed" it and a task opened for the family liaison.
The archive is the one in which every capability wrote every kind of row
(``tests/custody/full_archive.py``), on SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, select

from dalil.authenticity.listing import list_findings
from dalil.catalogue import store as catalogue_store
from dalil.catalogue.cases import current_case_ids, find_cases
from dalil.db import schema
from dalil.errors import InputError
from dalil.export.selection import Selection, resolve
from dalil.identification import decisions, pm_faces, reports
from dalil.identification.review import Decision
from dalil.vault import checkpoints, custody, proofs, queries
from dalil.vault.archive import Archive
from dalil.vault.witness_request import Request

from ..cli import dalil
from ..vault.factories import jpeg_bytes

NOBODY = "deadbeefdeadbeef"
WHY = "the face and the branch number agree with the report"
COURT = ("--recipient", "Court of Test", "--purpose", "trial of X", "--contact", "J. Doe",
         "--organization", "Test NGO")  # fmt: skip


@dataclass(frozen=True)
class Refusal:
    args: tuple[str, ...]  # {case}, {tmp}, {sha}: the archive's first case, a folder, a hash
    value: str  # the message repeats it
    hint: str  # and suggests this (a regular expression)

    @property
    def id(self) -> str:
        return " ".join(self.args[:2]) + f" {self.value}"


REFUSALS = [
    # identification: the story, and every command that names a case, report or task
    Refusal(("match", "review", "AM-000001", NOBODY, "--decision", "likely", "--reason", WHY),
            NOBODY, "{case}"),
    Refusal(("match", "review", "AM-000001", "{case6}", "--decision", "likely", "--reason", WHY),
            "{case6}", "at least 8 hex digits"),
    Refusal(("match", "review", "AM-000009", "{case}", "--decision", "likely", "--reason", WHY),
            "AM-000009", "did you mean AM-00000[12]"),
    Refusal(("match", "override", "AM-000001", NOBODY, "--rule", "sex_mismatch", "--reason", WHY),
            NOBODY, "{case}"),
    Refusal(("match", "crops", NOBODY, "--out", "{tmp}/crops", "--purpose", "review"),
            NOBODY, "{case}"),
    Refusal(("match", "run", "AM-000009"), "AM-000009", "AM-000001"),
    Refusal(("match", "close", "99", "--outcome", "family informed"), "99",
            "dalil match tasks"),
    Refusal(("am", "show", "AM-000009"), "AM-000009", "did you mean AM-00000[12]"),
    Refusal(("am", "show", "Haddad"), "Haddad", "it holds 2: AM-000001, AM-000002"),
    Refusal(("am", "contact", "AM-000009", "--purpose", "visit"), "AM-000009", "AM-000001"),
    Refusal(("am", "consent", "AM-000009", "court", "--grant"), "AM-000009", "AM-000001"),
    Refusal(("am", "consent", "AM-000001", "sharing", "--withdraw", "--partner", "ngo-x"),
            "ngo-x", "shared with no partner"),
    Refusal(("am", "withdraw", "AM-000009", "--reason", "family request", "--yes"),
            "AM-000009", "AM-000001"),
    Refusal(("am", "portrait", "AM-000009", "{tmp}/portrait.png"), "AM-000009", "AM-000001"),
    # catalogue
    Refusal(("catalogue", "cases", "--review", "pending"), "pending", "awaiting"),
    Refusal(("catalogue", "cases", "--category", "soldier"), "soldier", "detainee"),
    Refusal(("catalogue", "review", "--case", NOBODY, "--reviewer", "carol"), NOBODY, "{case}"),
    Refusal(("catalogue", "read", "--collection", "ceasar"), "ceasar", "did you mean caesar"),
    Refusal(("catalogue", "group", "--collection", "ceasar"), "ceasar", "did you mean caesar"),
    # authenticity
    Refusal(("analyze", "authenticity", "--collection", "ceasar", "--workers", "1"),
            "ceasar", "did you mean caesar"),
    Refusal(("findings", "--collection", "ceasar"), "ceasar", "did you mean caesar"),
    Refusal(("findings", "--camera", "Nikkon"), "Nikkon", "Nikon"),
    Refusal(("findings", "--check", "camras"), "camras", "cameras"),
    Refusal(("findings", "--verdict", "flaged"), "flaged", "flagged"),
    # vault
    Refusal(("flags", "--code", "empty-fil"), "empty-fil", "did you mean empty-file"),
    Refusal(("flags", "--batch", "9"), "9", "it holds 2: 1, 2"),
    Refusal(("flags", "--severity", "fatal"), "fatal", "warning"),
    Refusal(("files", "--batch", "9"), "9", "it holds 2: 1, 2"),
    Refusal(("claim", "9", "holder=a courier;transfer=by hand"), "9", "dalil batches"),
    Refusal(("log", "proof", "deadbeef"), "deadbeef", "nearest held: [0-9a-f]{64}"),
    Refusal(("log", "proof", "{sha6}"), "{sha6}", "at least 8 hex digits"),
    Refusal(("log", "proof", "#999999"), "999999", "it holds #0 to #"),
    Refusal(("log", "proof", "999999"), "999999", "it holds #0 to #.*at least 8 digits"),
    Refusal(("log", "show", "--start", "999999"), "999999", "it holds #0 to #"),
    Refusal(("log", "consistency", "5", "999999"), "999999", "the log's size now"),
    Refusal(("witnesses", "request", "w9", "--out", "{tmp}/request"), "w9",
            "witness.example.org/w1"),
    Refusal(("witnesses", "accept", "w9", "{tmp}/asked", "{tmp}/answer"), "w9",
            "witness.example.org/w1"),
    Refusal(("people", "disable", "alise", "--reason", "a typo"), "alise", "alice"),
    # export: every way of selecting what a package discloses
    Refusal(("export", "court", "{tmp}/pkg", *COURT, "--collection", "ceasar"), "ceasar",
            "did you mean caesar"),
    Refusal(("export", "court", "{tmp}/pkg", *COURT, "--case", NOBODY), NOBODY, "{case}"),
    Refusal(("export", "court", "{tmp}/pkg", *COURT, "--finding", "re-encoded"), "re-encoded",
            "did you mean|it holds"),
    Refusal(("export", "court", "{tmp}/pkg", *COURT, "--list", "centr"), "centr", "centre"),
    Refusal(("export", "court", "{tmp}/pkg", *COURT, "--items", "{tmp}/items"), "deadbeef",
            "nearest held"),
    # estimation
    Refusal(("estimate", "--by", "sexe", "--method", "independence"), "sexe", "sex"),
    # overview: one thing whole, where each collection stands, findings of one image
    Refusal(("show", NOBODY), NOBODY, "did you mean [0-9a-f]{64}"),
    Refusal(("show", "{case6}"), "{case6}", "at least 8 hex digits"),
    Refusal(("show", "AM-000009", "--proof-out", "{tmp}/proof.json"), "AM-000009",
            "did you mean AM-00000[12]"),
    Refusal(("show", "centre:C-9"), "centre:C-9", "centre:C-[1-4]"),
    Refusal(("status", "--collection", "ceasar"), "ceasar", "did you mean caesar"),
    Refusal(("findings", "--image", "DSC_0099.JPG"), "DSC_0099.JPG", "DSC_00"),
]  # fmt: skip


def _state(archive: Archive) -> tuple[int, int, list[decisions.Task]]:
    with archive.read() as conn:
        stored = conn.execute(select(func.count()).select_from(schema.checkpoints)).scalar_one()
        return custody.log_size(conn), int(stored), decisions.tasks(conn, open_only=False)


def _fill(text: str, values: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), m.group(0)), text)


@pytest.fixture
def values(full: Archive, tmp_path: Path) -> dict[str, str]:
    with full.read() as conn:
        case = current_case_ids(conn)[0]
        shas = conn.execute(select(schema.objects.c.sha256)).scalars()
        sha = next(s for s in shas if not s[:6].isdigit())
        latest = checkpoints.latest(conn)
    assert latest is not None
    (tmp_path / "portrait.png").write_bytes(b"not an image")
    (tmp_path / "items").write_text("deadbeef" * 8 + "\n")
    (tmp_path / "asked").write_text(Request(0, (), latest.note).text())
    (tmp_path / "answer").write_text("— w9 AAAA\n")
    return {"case": case, "case6": case[:6], "sha6": sha[:6], "tmp": str(tmp_path)}


@pytest.mark.parametrize("refusal", REFUSALS, ids=lambda r: r.id)
def test_an_unknown_value_is_refused_with_a_suggestion_and_changes_nothing(
    full: Archive,
    values: dict[str, str],
    refusal: Refusal,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DALIL_ARCHIVE", str(full.root))
    before = _state(full)
    code, out, err = dalil(capsys, *(_fill(a, values) for a in refusal.args))
    message = " ".join((out + err).split())
    assert code != 0, message
    assert _fill(refusal.value, values) in message, message
    assert re.search(_fill(refusal.hint, values), message), message
    assert "Traceback" not in message
    assert _state(full) == before
    assert not (Path(values["tmp"]) / "pkg").exists()
    assert not (Path(values["tmp"]) / "crops").exists()


def test_two_reviewers_cannot_confirm_a_case_that_does_not_exist(
    full: Archive, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _state(full)
    for reviewer in ("reviewer-c", "reviewer-d"):
        monkeypatch.setenv("DALIL_OPERATOR", reviewer)
        code, out, err = dalil(capsys, "match", "review", "AM-000001", NOBODY, "--decision",
                               "likely", "--reason", WHY, "--archive", str(full.root))  # fmt: skip
        assert code != 0 and f"no case '{NOBODY}'" in err, (out, err)
        assert "confirmed" not in out and "task" not in out
    assert _state(full) == before


def test_files_prints_prefixes_that_log_proof_accepts(
    full: Archive, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = dalil(capsys, "files", "--limit", "3", "--archive", str(full.root))
    assert code == 0
    for line in out.splitlines():
        prefix = line.split()[0]
        code, proof, err = dalil(capsys, "log", "proof", prefix, "--archive", str(full.root))
        assert code == 0, err
        assert prefix in proof  # the bundle's event names the object in full


def test_a_new_collection_named_like_a_held_one_is_pointed_out(
    archive: Archive, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for n, name in enumerate(("caesar", "ceasar", "faces")):
        drive = tmp_path / f"drive-{n}"
        drive.mkdir()
        (drive / "DSC_0001.JPG").write_bytes(jpeg_bytes(n))
        code, _, err = dalil(capsys, "ingest", str(drive), "--collection", name, "--custodian",
                             "Test NGO", "--no-derive", "--archive", str(archive.root))  # fmt: skip
        assert code == 0, err
        note = " ".join(err.split())
        if name == "ceasar":
            assert "'ceasar' is a new collection; the archive holds caesar" in note
        else:
            assert "new collection" not in note


def _entry(archive: Archive) -> None:
    with archive.write() as conn:
        grouping = catalogue_store.latest_grouping(conn)
        assert grouping is not None
        typed = {"detainee": "1608", "branch": "251", "report": "2801"}
        catalogue_store.record_entry(conn, NOBODY, grouping["seq"], "carol", typed, typed)


def _read(call: Callable[..., object]) -> Callable[[Archive], object]:
    def run(archive: Archive) -> object:
        with archive.read() as conn:
            return call(conn)

    return run


# What the web app and scripts call: the same refusals without the command line.
LIBRARY: list[tuple[str, Callable[[Archive], object], str]] = [
    ("decide", lambda a: decisions.decide(a, "AM-000001", NOBODY, "ana", Decision.LIKELY, WHY),
     NOBODY),
    ("override", lambda a: decisions.override_exclusion(a, "AM-000001", NOBODY, "sex_mismatch",
                                                        "ana", WHY), NOBODY),
    ("face crops", lambda a: pm_faces.face_crops(a, NOBODY, "review"), NOBODY),
    ("report", lambda a: reports.reveal_contact(a, "AM-000009", "visit"), "AM-000009"),
    ("entry", _entry, NOBODY),
    ("cases by state", _read(lambda c: find_cases(c, review="pending")), "pending"),
    ("cases by category", _read(lambda c: find_cases(c, category="soldier")), "soldier"),
    ("findings by check", _read(lambda c: list_findings(c, check="camras")), "camras"),
    ("findings by camera", _read(lambda c: list_findings(c, camera="Canon")), "Canon"),
    ("flags by code", _read(lambda c: queries.list_flags(c, code="empty-fil")), "empty-fil"),
    ("files by batch", _read(lambda c: queries.list_files(c, batch=9)), "9"),
    ("proof item", _read(lambda c: proofs.resolve_item(c, "deadbeef")), "deadbeef"),
    ("selection", _read(lambda c: resolve(c, Selection(cases=(NOBODY,)))), NOBODY),
]  # fmt: skip


@pytest.mark.parametrize(("call", "value"), [(c, v) for _, c, v in LIBRARY],
                         ids=[name for name, _, _ in LIBRARY])  # fmt: skip
def test_the_library_refuses_what_the_command_line_refuses(
    full: Archive, call: Callable[[Archive], object], value: str
) -> None:
    before = _state(full)
    with pytest.raises(InputError, match=re.escape(repr(value))) as err:
        call(full)
    assert re.search("did you mean|it holds|nearest held|use one of", str(err.value))
    assert _state(full) == before
