"""`make demo` runs the main job end to end; what it leaves behind is checked here on its
own terms (the archive, the packages, the ground truth), never against its printout.

One run on a tiny collection is shared by the module: generating, reading and searching
faces costs about a minute and a half on two cores, and every test only reads its output.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from dalil.capabilities import rules
from dalil.catalogue.cases import list_cases
from dalil.demo.__main__ import main
from dalil.demo.collection import FACES_FILE, prepare
from dalil.demo.faces import find_volunteers
from dalil.estimation.tables import estimation_runs
from dalil.identification.tables import am_reports, match_decisions, notification_tasks
from dalil.linkage.store import latest_run
from dalil.linkage.tables import link_clusters
from dalil.vault.archive import Archive
from dalil.vault.verify import verify

PHOTOS = 20  # the smallest collection with a body for each of three volunteers


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo") / "demo-output"
    assert main([str(out), "--photos", str(PHOTOS)]) == 0
    return out


@pytest.fixture(scope="module")
def archive(demo: Path) -> Iterator[Archive]:
    with Archive.open(demo / "archive") as opened:
        yield opened


def _read(path: Path) -> Any:
    return json.loads(path.read_text("utf-8"))


def test_the_archive_the_demo_made_verifies(archive: Archive) -> None:
    report = verify(archive, rules())
    assert report.ok, report.problems
    assert report.objects > PHOTOS


def test_the_court_package_passes_its_own_verify_py_in_a_fresh_interpreter(demo: Path) -> None:
    package = demo / "court-package"
    done = subprocess.run(
        [sys.executable, "-I", "verify.py"], cwd=package, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "RESULT: every check holds." in done.stdout


def test_each_volunteers_body_is_confirmed_for_its_family_by_two_people(
    demo: Path, archive: Archive
) -> None:
    if not find_volunteers():
        pytest.skip("no volunteer faces on this machine (ORL faces or scikit-image)")
    faces = _read(demo / "collection" / FACES_FILE)["cases"]
    assert 0 < len(faces) <= len(find_volunteers())
    with archive.read() as conn:
        cases = {c.case_id: {p.sha256 for p in c.photos} for c in list_cases(conn)}
        reports = dict(conn.execute(select(am_reports.c.id, am_reports.c.code)).all())
        likely: dict[tuple[int, str], set[str]] = {}
        for row in conn.execute(
            select(match_decisions).where(match_decisions.c.decision == "likely")
        ):
            likely.setdefault((row.report_id, row.case_id), set()).add(row.reviewer)
        tasks = {(r.report_id, r.case_id) for r in conn.execute(select(notification_tasks))}
    # Families' reports are imported in the order of demo-faces.json; a last family's
    # relative is not in the collection.
    codes = sorted(reports)
    for report_id, placed in zip(codes, faces, strict=False):
        truth_photos = {p["sha256"] for p in placed["photos"]}
        [case_id] = [c for c, photos in cases.items() if truth_photos <= photos]
        assert len(likely.get((report_id, case_id), set())) >= 2
        assert (report_id, case_id) in tasks
    confirmed = {pair for pair, who in likely.items() if len(who) >= 2}
    assert len(confirmed) == len(faces) == len(tasks)
    assert not any(pair[0] == codes[-1] for pair in confirmed)  # the absent relative


def test_a_linkage_run_and_an_estimate_of_it_exist_and_the_truth_is_in_its_interval(
    demo: Path, archive: Archive
) -> None:
    truth = _read(demo / "lists" / "summary.json")
    with archive.read() as conn:
        run = latest_run(conn)
        clusters = conn.execute(select(link_clusters).where(link_clusters.c.run_id == run)).all()
        [estimate] = conn.execute(select(estimation_runs)).all()
    assert estimate.link_run == run and clusters
    lcmcr = next(s for s in json.loads(estimate.result)["strata"][0]["estimates"]
                 if s["method"] == "lcmcr")  # fmt: skip
    low, high = lcmcr["interval_95"]
    assert low <= truth["population"] <= high
    assert lcmcr["estimate"] > truth["documented"]


def test_the_public_release_names_no_camera_serial_or_owner(demo: Path) -> None:
    truth = _read(demo / "collection" / "ground-truth.json")
    secrets = {c[k] for c in truth["cameras"] for k in ("serial", "owner") if c.get(k)}
    files = [p for p in (demo / "public-release").rglob("*") if p.is_file()]
    assert any(p.suffix == ".jpg" for p in files)
    for path in files:
        data = path.read_bytes()
        assert not [s for s in secrets if s.encode() in data], path


def test_a_rerun_reuses_the_collection(demo: Path) -> None:
    again = prepare(demo / "collection", PHOTOS, find_volunteers())
    assert not again.generated
    assert again.faces == _read(demo / "collection" / FACES_FILE)


def test_without_the_orl_faces_the_astronaut_stands_in_or_no_one(tmp_path: Path) -> None:
    found = find_volunteers(orl=tmp_path)
    if importlib.util.find_spec("skimage") is None:
        assert found == []
    else:
        [astronaut] = found
        assert astronaut.name == "astronaut" and not astronaut.portrait_is_crop
