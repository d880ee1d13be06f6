"""The whole analysis on a small synthetic collection: each check against the truth,
re-runs, custody, tampering, the CLI and the report, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from sqlalchemy import delete, select, update

from dalil.authenticity.inputs import inputs_sha256, load_records
from dalil.authenticity.pipeline import analyze
from dalil.authenticity.replay import FINDING, RUN_FINISHED, RUN_STARTED
from dalil.authenticity.tables import authenticity_findings, authenticity_measurements
from dalil.capabilities import rules
from dalil.db import schema
from dalil.errors import InputError
from dalil.vault.verify import verify

from ..cli import dalil
from .conftest import Analysed, Truth


def _current(analysed: Analysed) -> list[tuple[str, str, str, str, str, str]]:
    t = authenticity_findings
    with analysed.archive.read() as conn:
        rows = conn.execute(
            select(t.c.sha256, t.c.check, t.c.code, t.c.subject, t.c.verdict, t.c.body_sha256)
            .where(t.c.superseded_seq.is_(None))
            .order_by(t.c.seq)
        ).all()
    return [tuple(row) for row in rows]


def _flagged(analysed: Analysed, check: str, code: str | None = None) -> set[str]:
    return {
        sha
        for sha, c, k, _, verdict, _ in _current(analysed)
        if c == check and verdict == "flagged" and (code is None or k == code)
    }


@pytest.mark.parametrize(
    ("check", "code", "kinds"),
    [
        ("cameras", "tables-not-camera", {"exif_swapped", "resaved"}),
        ("cameras", "no-exif", {"extra_camera"}),
        ("sensors", "sensor-other-camera", {"exif_swapped"}),
        ("sensors", "sensor-unknown-camera", {"extra_camera"}),
        ("timeline", None, {"time_shifted"}),
        ("reencoding", "double-compression", {"resaved"}),
        ("reencoding", "editing-software", {"resaved"}),
        ("reencoding", "thumbnail-mismatch", {"pasted"}),
        ("reencoding", None, {"resized", "cropped"}),
    ],
)
def test_each_check_catches_the_manipulations_it_is_meant_for(
    analysed: Analysed, truth: Truth, check: str, code: str | None, kinds: set[str]
) -> None:
    targets = set().union(*(truth.with_kind(kind) for kind in kinds))
    assert targets, f"the synthetic collection has no {kinds}"
    assert targets <= _flagged(analysed, check, code)


@pytest.mark.parametrize("check", ["cameras", "sensors", "timeline", "reencoding"])
def test_untouched_camera_originals_are_not_flagged(
    analysed: Analysed, truth: Truth, check: str
) -> None:
    assert not (_flagged(analysed, check) & truth.untouched())


def test_sensor_noise_counts_every_camera_including_the_one_without_exif(
    analysed: Analysed, truth: Truth
) -> None:
    sensors = analysed.analysis.summary["sensors"]
    assert sensors["physical_cameras"] == len(truth.cameras)
    assert len(sensors["unidentified"]) == 1


def test_resized_and_cropped_copies_are_linked_to_the_photo_they_came_from(
    analysed: Analysed, truth: Truth
) -> None:
    key_to_sha = {e["key"]: sha for sha, entries in truth.files.items() for e in entries}
    links = {
        sha: subject for sha, c, k, subject, _, _ in _current(analysed) if k == "near-duplicate"
    }
    derived = {
        sha: key_to_sha[e["derived_from"]]
        for sha, entries in truth.files.items()
        for e in entries
        if e["kind"] == "derived"
    }
    assert derived
    assert {sha: links.get(sha) for sha in derived} == derived


def test_a_damaged_image_is_reported_as_could_not_analyse(analysed: Analysed, truth: Truth) -> None:
    with analysed.archive.read() as conn:
        described = set(conn.execute(select(schema.image_facts.c.sha256)).scalars())
    damaged = truth.damaged() & described
    assert damaged, "the synthetic collection has a damaged image that was described"
    rows = [r for r in _current(analysed) if r[0] in damaged and r[4] == "could-not-analyse"]
    assert {r[0] for r in rows} == damaged


def test_a_rerun_records_nothing_new_even_when_every_pixel_is_measured_again(
    analysed: Analysed,
) -> None:
    before = _current(analysed)
    with analysed.archive.write() as conn:
        conn.execute(delete(authenticity_measurements))
    fresh = analyze(analysed.archive, workers=1)
    assert (fresh.counts.added, fresh.counts.superseded) == (0, 0)
    assert _current(analysed) == before


def test_no_question_has_two_current_answers(analysed: Analysed) -> None:
    keys = [row[:4] for row in _current(analysed)]
    assert len(keys) == len(set(keys))


def test_every_run_is_logged_with_its_tool_settings_and_inputs(analysed: Analysed) -> None:
    with analysed.archive.read() as conn:
        records = load_records(conn)
        events = conn.execute(
            select(schema.events.c.type, schema.events.c.body).where(
                schema.events.c.type.in_([RUN_STARTED, RUN_FINISHED, FINDING])
            )
        ).all()
    started = [json.loads(body)["data"] for kind, body in events if kind == RUN_STARTED]
    assert started[0]["inputs_sha256"] == inputs_sha256(records)
    assert started[0]["tool"].startswith("dalil ")
    assert started[0]["parameters"]["sensors"]["pce_threshold"] == "60.0000"
    assert sum(1 for kind, _ in events if kind == RUN_FINISHED) == len(started)
    assert sum(1 for kind, _ in events if kind == FINDING) == len(_current(analysed))


@pytest.mark.parametrize(
    ("column", "value"), [("message", "nothing to see here"), ("verdict", "consistent")]
)
def test_an_edited_finding_is_named_by_verify(analysed: Analysed, column: str, value: str) -> None:
    t = authenticity_findings
    with analysed.archive.read() as conn:
        row = conn.execute(
            select(t.c.seq, t.c[column]).where(t.c.verdict == "flagged").order_by(t.c.seq)
        ).first()
    assert row is not None
    try:
        with analysed.archive.write() as conn:
            conn.execute(update(t).where(t.c.seq == row.seq).values({column: value}))
        report = verify(analysed.archive, rules(), fast=True, record=False)
        named = [
            p for p in report.problems if f"authenticity_findings row of event #{row.seq}" in p.item
        ]
        assert named, report.problems
    finally:
        with analysed.archive.write() as conn:
            conn.execute(update(t).where(t.c.seq == row.seq).values({column: row[1]}))
    assert verify(analysed.archive, rules(), fast=True, record=False).ok


def test_analysing_a_collection_that_does_not_exist_is_refused(analysed: Analysed) -> None:
    with pytest.raises(InputError, match="no collection named 'no-such-collection'"):
        analyze(analysed.archive, collection="no-such-collection", workers=1)


def test_findings_json_gives_image_paths_verdict_score_and_error_rate(
    analysed: Analysed, capsys: pytest.CaptureFixture[str]
) -> None:
    root = str(analysed.archive.root)
    code, out, _ = dalil(capsys, "findings", "--check", "sensors", "--json", "--archive", root)
    assert code == 0
    images = json.loads(out)
    assert images and len({image["sha256"] for image in images}) == len(images)
    for image in images:
        assert image["paths"] and image["findings"]
        for item in image["findings"]:
            assert {"check", "verdict", "score", "error_rate", "tool_version",
                    "parameters"} <= set(item)  # fmt: skip
            assert item["check"] == "sensors"


def test_the_commands_analyse_list_and_refuse_what_they_cannot_do(
    analysed: Analysed, capsys: pytest.CaptureFixture[str]
) -> None:
    root = str(analysed.archive.root)
    code, out, _ = dalil(capsys, "analyze", "authenticity", "--workers", "1", "--json", "-a", root)
    assert code == 0
    assert json.loads(out)["summary"]["findings"]["added"] == 0
    code, out, _ = dalil(capsys, "findings", "--severity", "high", "--json", "-a", root)
    severities = {item["severity"] for image in json.loads(out) for item in image["findings"]}
    assert code == 0 and severities == {"high"}
    assert dalil(capsys, "findings", "--check", "colour", "-a", root)[0] == 2
    assert dalil(capsys, "analyze", "authenticity", "--device", "tpu", "-a", root)[0] == 2


def test_report_is_one_offline_html_file_with_charts(
    analysed: Analysed, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "report.html"
    root = str(analysed.archive.root)
    assert dalil(capsys, "report", "authenticity", "-o", str(path), "--archive", root)[0] == 0
    html = path.read_text(encoding="utf-8")
    assert "<script" not in html and "src=" not in html
    charts = html.count("<svg")
    assert charts == 2
    start = 0
    for _ in range(charts):
        start = html.index("<svg", start)
        end = html.index("</svg>", start) + len("</svg>")
        ET.fromstring(html[start:end])  # well-formed
        start = end
    assert "unidentified camera U1" in html
