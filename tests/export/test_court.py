"""Court packages made from an archive with every capability: judged by outside tools
(bagit-python, bagit_profile), by their own verify.py, and by what they must not hold."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import bagit
import bagit_profile
import pytest
from sqlalchemy import select

from dalil.capabilities import rules
from dalil.db import schema
from dalil.errors import InputError
from dalil.export import verifier
from dalil.export.court import CourtPackage, CourtRequest, export_court, register
from dalil.export.selection import Selection
from dalil.identification import reports
from dalil.identification.consent import Purpose
from dalil.identification.tables import am_reports
from dalil.linkage.tables import list_records
from dalil.vault.archive import Archive
from dalil.vault.verify import verify

PYTHON39 = Path("/root/.pyenv/versions/3.9.18/bin/python3")


def _export(archive: Archive, out: Path, **changes: object) -> CourtPackage:
    values: dict[str, object] = {
        "selection": Selection(collections=("caesar",)),
        "recipient": "Court of Test",
        "purpose": "trial of X",
        "out": out,
        "contact": "J. Doe",
        "organization": "Test NGO",
        "date": "2026-12-03",
        "quorum": "none",
        "record": False,
    }
    values.update(changes)
    return export_court(archive, CourtRequest(**values))  # type: ignore[arg-type]


@pytest.fixture
def package(full: Archive, tmp_path: Path) -> Path:
    return _export(full, tmp_path / "package", serialization="zip").path


def _files(root: Path) -> Iterator[Path]:
    return (p for p in sorted(root.rglob("*")) if p.is_file())


@pytest.mark.parametrize("processes", [1, 2])
def test_bagit_python_accepts_the_package(package: Path, processes: int) -> None:
    bag = bagit.Bag(str(package))
    bag.validate(processes=processes)
    assert set(bag.algorithms) == {"sha256", "sha512"}


def test_the_package_validates_against_its_bagit_profile(package: Path) -> None:
    data = json.loads((package / "dalil" / "profile.json").read_text())
    identifier = data["BagIt-Profile-Info"]["BagIt-Profile-Identifier"]
    profile = bagit_profile.Profile(identifier, profile=data)
    assert profile.validate(bagit.Bag(str(package))), profile.report
    assert profile.validate_serialization(str(package.with_name(package.name + ".zip")))


def test_its_own_verify_py_accepts_it(package: Path) -> None:
    report = verifier.check_package(package)
    assert report.ok, report.text()
    assert {c.name for c in report.checks} >= {"bag", "checkpoint", "events", "items"}


@pytest.mark.skipif(not PYTHON39.exists(), reason="no Python 3.9 on this machine")
def test_verify_py_runs_on_python_3_9_alone_offline(package: Path, tmp_path: Path) -> None:
    """No dalil, no site-packages (-I -S), and no network where the kernel lets us say so."""
    command = [str(PYTHON39), "-I", "-S", "verify.py"]
    if subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode == 0:
        command = ["unshare", "-n", *command]
    shown = subprocess.run(command, cwd=package, capture_output=True, text=True)
    assert shown.returncode == 0, shown.stdout + shown.stderr
    assert "RESULT: every check holds" in shown.stdout
    (package / "data" / "ITEM-000002.json").write_bytes(b"{}")
    tampered = subprocess.run(command, cwd=package, capture_output=True, text=True)
    assert tampered.returncode == 1 and "ITEM-000002" in tampered.stdout


def test_the_same_selection_exported_twice_gives_the_same_bytes(
    full: Archive, tmp_path: Path
) -> None:
    first = _export(full, tmp_path / "a" / "package", reference="R-1", serialization="zip")
    second = _export(full, tmp_path / "b" / "package", reference="R-1", serialization="zip")
    assert first.package_sha256 == second.package_sha256
    names = [p.relative_to(first.path) for p in _files(first.path)]
    assert names == [p.relative_to(second.path) for p in _files(second.path)]
    for name in names:
        assert (first.path / name).read_bytes() == (second.path / name).read_bytes(), name
    zips = [tmp_path / folder / "package.zip" for folder in ("a", "b")]
    assert zips[0].read_bytes() == zips[1].read_bytes()


def _undisclosed(archive: Archive, package: Path) -> set[str]:
    """Every SHA-256, path, list name and record value that the package must not hold."""
    index = json.loads((package / "dalil" / "package.json").read_text())
    disclosed = {item["sha256"] for item in index["items"]}
    with archive.read() as conn:
        objects = conn.execute(select(schema.objects)).all()
        own = {o.sha256 for o in objects if o.derived_from in disclosed}
        values = {o.sha256 for o in objects} - disclosed - own
        paths = conn.execute(
            select(schema.originals.c.path, schema.originals.c.object_sha256)
        ).all()
        values |= {p.path for p in paths if p.object_sha256 not in disclosed}
        for (fields,) in conn.execute(select(list_records.c.fields)):
            values |= {v for v in json.loads(fields).values() if v and len(v) > 4}
        values |= set(conn.execute(select(am_reports.c.code)).scalars())
    return {v for v in values if v}


def test_a_package_of_one_case_names_nothing_it_does_not_disclose(
    full: Archive, tmp_path: Path
) -> None:
    with full.read() as conn:
        first = conn.execute(
            select(schema.image_facts.c.sha256).order_by(schema.image_facts.c.seq).limit(1)
        ).scalar_one()
    package = _export(full, tmp_path / "one", selection=Selection(items=(first,))).path
    assert verifier.check_package(package).ok
    consented = {
        m["report"]
        for m in json.loads((package / "data" / "ITEM-000001.json").read_text())["identification"]
    }
    secrets = _undisclosed(full, package) - consented
    assert len(secrets) > 20
    for path in _files(package):
        if path.name == "verify.py":
            continue  # the checker's code names no value of the archive
        text = path.read_bytes().decode("utf-8", errors="replace")
        leaked = [s for s in secrets if s in text]
        assert not leaked, (path, leaked[:3])


def test_a_report_without_court_consent_never_enters_a_package(
    full: Archive, tmp_path: Path
) -> None:
    with full.read() as conn:
        code = conn.execute(
            select(am_reports.c.code).where(am_reports.c.consent_court.is_(True))
        ).scalar_one()
    consented = _export(full, tmp_path / "with").path
    assert code in _all_text(consented)
    reports.set_consent(full, code, Purpose.COURT, False)
    try:
        package = _export(full, tmp_path / "without").path
    finally:
        reports.set_consent(full, code, Purpose.COURT, True)
    assert code not in _all_text(package)
    assert "identifications without the family's consent to court use" in _all_text(package)
    assert verifier.check_package(package).ok


def _all_text(root: Path) -> str:
    return "\n".join(p.read_bytes().decode("utf-8", "replace") for p in _files(root))


def test_source_identifying_data_is_withheld_unless_the_custodian_includes_it(
    full: Archive, tmp_path: Path
) -> None:
    """What dalil writes about the items: the originals' own bytes are evidence, kept whole."""
    withheld = _export(full, tmp_path / "withheld").path
    included = _export(full, tmp_path / "included", reveal_source=True).path
    assert "3001234" not in _written(withheld)
    assert "3001234" in _written(included)
    assert verifier.check_package(included).ok


def _written(root: Path) -> str:
    """Every file but the originals (the index's item files) and verify.py."""
    index = json.loads((root / "dalil" / "package.json").read_text())
    originals = {root / item["file"] for item in index["items"]}
    return "\n".join(
        p.read_text(encoding="utf-8")
        for p in _files(root)
        if p.name != "verify.py" and p not in originals
    )


def test_exporting_again_to_a_recipient_proves_the_log_only_grew(
    full: Archive, tmp_path: Path
) -> None:
    first = _export(full, tmp_path / "first", recipient="Second Court", record=True)
    with full.write() as conn:  # the archive goes on: a claim recorded, a new checkpoint
        from dalil.vault import batches, checkpoints

        batches.add_claim(conn, 1, batches.Claim("a courier", "by hand"))
        checkpoints.sign_head(conn, full.signer())
    second = _export(full, tmp_path / "second", recipient="Second Court", record=True)
    index = json.loads((second.path / "dalil" / "package.json").read_text())
    assert [e["size"] for e in index["earlier"]] == [first.checkpoint_size]
    report = verifier.check_package(second.path)
    assert report.ok, report.text()
    with full.read() as conn:
        disclosed = [r for r in register(conn) if r["recipient"] == "Second Court"]
    assert [r["package_sha256"] for r in disclosed] == [first.package_sha256,
                                                       second.package_sha256]  # fmt: skip
    assert verify(full, rules(), fast=True, record=False).ok


def test_any_change_to_the_package_is_named(package: Path) -> None:
    index = json.loads((package / "dalil" / "package.json").read_text())
    photo = package / index["items"][0]["file"]
    photo.chmod(0o644)
    data = bytearray(photo.read_bytes())
    data[len(data) // 2] ^= 1
    photo.write_bytes(bytes(data))
    report = verifier.check_package(package)
    assert not report.ok
    assert any("ITEM-000001" in f.subject for f in report.failures), report.text()


@pytest.mark.parametrize(
    ("selection", "message"),
    [
        (Selection(collections=("ceasar",)), "no collection named 'ceasar'"),
        (Selection(cases=("deadbeefdeadbeef",)), "no case 'deadbeefdeadbeef'"),
        (Selection(findings=("no-such-code",)), "no current finding"),
        (Selection(lists=("nolist",)), "no list named 'nolist'"),
        (Selection(items=("ab" * 32,)), "no object"),
        (Selection(), "select what to disclose"),
    ],
)
def test_an_unknown_selection_is_refused_with_what_exists(
    full: Archive, tmp_path: Path, selection: Selection, message: str
) -> None:
    with pytest.raises(InputError, match=message):
        _export(full, tmp_path / "x", selection=selection)
    assert not (tmp_path / "x").exists()


def test_a_quorum_of_witnesses_is_enforced(full: Archive, tmp_path: Path) -> None:
    package = _export(full, tmp_path / "witnessed", quorum="all").path
    policy = (package / "dalil" / "policy.txt").read_text()
    assert "quorum witnesses" in policy and "witness w1 witness.example.org/w1+" in policy
    assert verifier.check_package(package).ok
    with pytest.raises(InputError, match="--quorum is none, all, or a number"):
        _export(full, tmp_path / "two", quorum="2")


def test_the_profile_asks_for_its_fields(full: Archive, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="requires Situation, Case-Reference"):
        _export(full, tmp_path / "icc", profile="icc")
    fields = {"Situation": "Syria", "Case-Reference": "X-01", "Legal-Basis": "Rule 77",
              "Confidentiality": "Confidential", "ERN-Prefix": "SYR"}  # fmt: skip
    package = _export(full, tmp_path / "icc", profile="icc", fields=fields, prefix="SYR").path
    info = (package / "bag-info.txt").read_text()
    assert "Case-Reference: X-01" in info and (package / "data" / "SYR-000001.json").is_file()
    assert verifier.check_package(package).ok


def test_the_zip_unpacks_to_a_bag_that_verifies(package: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(package.with_name(package.name + ".zip")) as bundle:
        bundle.extractall(tmp_path / "unzipped")
    unpacked = tmp_path / "unzipped" / package.name
    assert verifier.check_package(unpacked).ok
    shutil.rmtree(tmp_path / "unzipped")
    assert os.path.exists(package)
    assert sys.executable


def test_a_replaced_list_is_disclosed_as_it_now_stands(full: Archive, tmp_path: Path) -> None:
    """The full archive replaces the list 'centre': --list centre discloses the records
    of the file that replaced it, never those of the file it replaced."""
    from dalil.linkage.tables import victim_lists
    from dalil.vault import custody

    with full.read() as conn:
        rows = conn.execute(
            select(victim_lists.c.seq, victim_lists.c.removed_seq).where(
                victim_lists.c.name == "centre"
            )
        ).all()
        records = {
            removed is None: custody.get_event(conn, seq).data["records_sha256"]
            for seq, removed in rows
        }
    assert len(rows) == 2 and records[True] != records[False]
    package = _export(full, tmp_path / "centre", selection=Selection(lists=("centre",))).path
    index = json.loads((package / "dalil" / "package.json").read_text())
    disclosed = {item["sha256"] for item in index["items"]}
    assert records[True] in disclosed and records[False] not in disclosed
