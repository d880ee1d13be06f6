"""The vault's commands as a custodian types them: output, JSON, exit codes, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ..cli import dalil


@pytest.fixture
def cli_archive(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    archive = tmp_path / "archive"
    code, out, _ = dalil(capsys, "init", str(archive))
    assert code == 0 and "verifier key" in out
    return archive


def test_ingest_then_verify_then_prove_a_file(
    cli_archive: Path, photo_tree: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setenv("DALIL_ARCHIVE", str(cli_archive))
    code, out, _ = dalil(capsys, "ingest", str(photo_tree), "--collection", "c",
                         "--custodian", "k", "--json")  # fmt: skip
    assert code == 0
    result = json.loads(out)
    assert result["counts"]["files"] == 9 and result["described"]["described"] == 6
    assert Path(result["receipt"]).is_file()

    code, out, _ = dalil(capsys, "verify", "--json")
    assert code == 0 and json.loads(out)["ok"] is True

    code, out, _ = dalil(capsys, "files", "--json")
    sha = next(f["sha256"] for f in json.loads(out) if f["path"].endswith("IMG_0002.JPG"))
    code, out, _ = dalil(capsys, "log", "proof", sha)
    bundle = tmp_path / "proof.json"
    bundle.write_text(out)
    code, info, _ = dalil(capsys, "info", "--json")
    key = json.loads(info)["verifier_key"]
    code, out, _ = dalil(capsys, "log", "check", str(bundle), "--key", key)
    assert code == 0 and out.startswith("OK: event #")

    tampered = json.loads(bundle.read_text())
    tampered["event"] = tampered["event"].replace("IMG_0002", "IMG_9999")
    bundle.write_text(json.dumps(tampered))
    code, _, err = dalil(capsys, "log", "check", str(bundle), "--key", key)
    assert code == 2 and "NOT proven" in err


def test_consistency_bundle_between_exported_checkpoint_and_now(
    cli_archive: Path, photo_tree: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    a = ("--archive", str(cli_archive))
    code, out, _ = dalil(capsys, "log", "checkpoint", "--export", str(tmp_path / "cp.txt"), *a)
    old_size = int(out.splitlines()[1])
    dalil(capsys, "ingest", str(photo_tree), "--collection", "c", "--custodian", "k", *a)
    code, out, _ = dalil(capsys, "log", "consistency", str(old_size), *a)
    (tmp_path / "c.json").write_text(out)
    code, out, _ = dalil(capsys, "log", "check", str(tmp_path / "c.json"), *a)
    assert code == 0 and "both roots signed" in out
    code, out, _ = dalil(capsys, "verify", "--checkpoint", str(tmp_path / "cp.txt"), *a)
    assert code == 0 and "1 exported" in out


def test_verify_exits_1_and_names_the_damage(
    cli_archive: Path, photo_tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a = ("--archive", str(cli_archive))
    dalil(capsys, "ingest", str(photo_tree), "--collection", "c", "--custodian", "k", *a)
    victim = next((cli_archive / "store" / "objects").rglob("*/*"))
    victim.chmod(0o644)
    victim.write_bytes(b"replaced")
    code, out, _ = dalil(capsys, "verify", "--fast", *a)
    assert code == 1 and "FAILED" in out and victim.name in out


def test_errors_are_one_line_without_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = dalil(capsys, "info")
    assert code == 2 and "no dalil archive at" in err and "Traceback" not in err


def test_rerunning_the_same_ingest_is_a_success_not_a_duplicate(
    cli_archive: Path, photo_tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ("ingest", str(photo_tree), "--collection", "c", "--custodian", "k",
            "--archive", str(cli_archive))  # fmt: skip
    assert dalil(capsys, *args)[0] == 0
    code, _, err = dalil(capsys, *args)
    assert code == 0 and "already received" in err
    code, out, _ = dalil(capsys, "batches", "--json", "--archive", str(cli_archive))
    assert len(json.loads(out)) == 1


def test_flags_listing_filters_by_code(
    cli_archive: Path, photo_tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a = ("--archive", str(cli_archive))
    dalil(capsys, "ingest", str(photo_tree), "--collection", "c", "--custodian", "k", *a)
    _, out, _ = dalil(capsys, "flags", "--code", "empty-file", "--json", *a)
    rows = json.loads(out)
    assert [r["paths"] for r in rows] == [["drive/copies/empty.JPG"]]
