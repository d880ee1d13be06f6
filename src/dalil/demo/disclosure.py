"""Stages of disclosure: a court package checked by its own verify.py in a fresh
interpreter (as a recipient runs it, with no dalil), and a reviewed public release."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from dalil.catalogue.cases import list_cases
from dalil.cli.common import BarReporter
from dalil.demo.summary import Stage, Summary
from dalil.export.court import CourtRequest, export_court
from dalil.export.public import queue
from dalil.export.public.draft import MASK, DraftRequest, draft_release
from dalil.export.public.release import release
from dalil.export.public.review import Verdict, review
from dalil.export.selection import Selection
from dalil.vault.archive import Archive

RECIPIENT = "Investigating judge, Higher Regional Court (demo)"
VERIFY_SECONDS = 600
PUBLIC_REVIEWER = "reviewer Chadi (press office)"
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
    shown = [line.strip() for line in lines if line.startswith(("RESULT", "  ["))]
    stage.found += [f"  | {line}" for line in shown[:REPORT_LINES]]
    stage.ok = stage.ok and status == 0
    stage.brief = (
        f"{package.items} items, {package.events} events proven; verify.py in a fresh "
        f"interpreter: exit status {status}"
    )
    return package.path


def disclosed_cases(archive: Archive, confirmed: list[str]) -> list[str]:
    """The identified bodies; without any, the first case, so that the stages still run."""
    if confirmed:
        return confirmed
    with archive.read() as conn:
        return [c.case_id for c in list_cases(conn)[:1]]


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


def public_release(
    archive: Archive,
    case: str,
    with_faces: set[str],
    out: Path,
    stage: Stage,
    summary: Summary,
) -> None:
    """One identified body's photos for the public: drafted (faces and card hidden,
    pixels re-encoded, sensor noise scrubbed), each preview reviewed by a person, then
    released with a manifest of salted links to the sealed originals.

    The reviewer is simulated: ``with_faces`` (the photos that show a volunteer's face,
    from demo-faces.json) stands for what a person sees in the original, so a preview
    whose face the detector missed is refused, as a person would refuse it."""
    name = "demo-release"
    selection = Selection(cases=(case,))
    request = DraftRequest(name, selection, "press release on the identified (demo)", MASK)
    drafted = draft_release(archive, request, BarReporter())
    with archive.read() as conn:
        entries = queue.load(conn, name).entries
    approved = 0
    for entry in entries:
        missed = entry.original_sha256 in with_faces and entry.faces == 0
        refuse = missed or entry.status == queue.BLOCKED
        why = "a face is still visible" if missed else "checked the preview"
        verdict = Verdict.REJECT if refuse else Verdict.APPROVE
        review(archive, name, entry.number, verdict, PUBLIC_REVIEWER, why)
        approved += not refuse
    released = release(archive, name, out, None, BarReporter())
    pces = [float(f["sensor_noise_pce"]) for f in released.files if f["sensor_noise_pce"]]
    stage.found += [
        f"case {case}, draft: {drafted.items} previews, {drafted.faces} faces hidden, cards "
        f"masked, {drafted.blocked} still matching their camera's sensor noise",
        f"{len(entries)} previews reviewed by {PUBLIC_REVIEWER}: {approved} approved, "
        f"{len(entries) - approved} refused",
        f"released {len(released.files)} images (event #{released.seq}); sensor noise PCE at "
        f"most {max(pces, default=0.0):.1f} (attribution needs 60); no file holds any of "
        f"{released.values_scanned:,} source-identifying values",
    ]
    stage.brief = (
        f"{len(released.files)} of {len(entries)} images released after review; "
        f"PCE ≤ {max(pces, default=0.0):.1f}; no source value in any file"
    )
    summary.wrote("public release (images and manifest)", released.path)
