"""Stages of disclosure: a court package checked by its own verify.py in a fresh
interpreter (as a recipient runs it, with no dalil), and the public release."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from dalil.catalogue.cases import list_cases
from dalil.cli.common import BarReporter
from dalil.demo.summary import Stage, Summary
from dalil.export.court import CourtRequest, export_court
from dalil.export.selection import Selection
from dalil.vault.archive import Archive

RECIPIENT = "Investigating judge, Higher Regional Court (demo)"
VERIFY_SECONDS = 600
REPORT_LINES = 12  # lines of verify.py's report shown in the summary


def court_package(
    archive: Archive,
    cases: list[str],
    victim_list: str | None,
    out: Path,
    stage: Stage,
    summary: Summary,
) -> Path:
    """The identified bodies' photos (and one victim list) for a court, then checked."""
    if not cases:
        with archive.read() as conn:
            cases = [c.case_id for c in list_cases(conn)[:1]]
    selection = Selection(cases=tuple(cases), lists=(victim_list,) if victim_list else ())
    request = CourtRequest(
        selection, RECIPIENT, "proceedings against the officers of the branches named",
        out, "Demo Custodian, evidence officer", "Demo Custodian (NGO)", prefix="DEMO",
    )  # fmt: skip
    package = export_court(archive, request, BarReporter())
    stage.found.append(
        f"package {package.reference}: {package.items} items ({len(cases)} cases"
        f"{', list ' + victim_list if victim_list else ''}), {package.events} events proven "
        f"against checkpoint {package.checkpoint_size}; SHA-256 {package.package_sha256[:16]}…"
    )
    summary.wrote("court package (BagIt bag, verify.py inside)", package.path)
    status, lines = run_verify_py(package.path)
    stage.found.append(f"`python3 -I verify.py` in a fresh interpreter: exit status {status}")
    stage.found += [f"  | {line}" for line in lines[-REPORT_LINES:]]
    stage.ok = stage.ok and status == 0
    return package.path


def run_verify_py(package: Path) -> tuple[int, list[str]]:
    """The package's own checker, as the recipient runs it: another interpreter, isolated
    (-I: no site-packages, no environment, no current folder on the path), in the
    package's folder. Returns its exit status and the lines of its report."""
    done = subprocess.run(
        [sys.executable, "-I", "verify.py"],
        cwd=package,
        capture_output=True,
        text=True,
        timeout=VERIFY_SECONDS,
        check=False,
    )
    lines = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
    return done.returncode, lines


def public_release(archive: Archive, out: Path, stage: Stage, summary: Summary) -> None:
    """THE PUBLIC RELEASE GOES HERE (`dalil export public`, issue 11 item 6).

    The module for public releases was not in this checkout when the demo was written;
    this stage says so instead of pretending. When it lands, call it here on the
    identified cases' photos (faces blurred, reviewed by a person, metadata stripped,
    PRNU defeated) and add its manifest to ``summary.wrote``.
    """
    stage.found.append("not run: dalil has no public release module yet (dalil export public)")
    summary.notes.append(
        "the public release stage is a placeholder (dalil.demo.disclosure.public_release) "
        "until `dalil export public` exists"
    )
