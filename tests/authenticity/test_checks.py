"""The checks' decisions on hand-made records: each rule with a case that trips it and
one that must not, and the bookkeeping that keeps re-runs from duplicating findings."""

from __future__ import annotations

import os
from dataclasses import replace
from typing import Any

import pytest

from dalil.authenticity import measuring
from dalil.authenticity.cameras import check_cameras
from dalil.authenticity.duplicates import check_duplicates, pdq_links
from dalil.authenticity.finding import FLAGGED, Finding
from dalil.authenticity.inputs import ImageRecord, Place
from dalil.authenticity.params import CameraParams, DuplicateParams, Parameters, TimelineParams
from dalil.authenticity.reencoding import check_reencoding
from dalil.authenticity.store import body, plan_changes
from dalil.authenticity.timeline import check_timeline, folder_date
from dalil.jpeg_tables import STANDARD_CHROMA, STANDARD_LUMA, scale_table

CAMERA_TABLES = (tuple(range(1, 65)), tuple(range(2, 66)))
EDITOR_TABLES = (scale_table(STANDARD_LUMA, 80), scale_table(STANDARD_CHROMA, 80))
CAMERA_LAYOUT = "SOI APP1 DQT DQT SOF0 DHT DHT DHT DHT SOS"


def shot(n: int, taken: str | None = "2012:05:14 10:00:00", **fields: Any) -> ImageRecord:
    """Photo number ``n`` of one camera in folder drive-A/2012-05-14."""
    folder = fields.pop("folder", "drive-A/2012-05-14")
    mtime = fields.pop("mtime", None)
    if taken and mtime is None:
        mtime = taken.replace(":", "-", 2).replace(" ", "T") + ".000000000Z"
    values: dict[str, Any] = {
        "sha256": f"{n:064x}",
        "facts_sha256": "0" * 64,
        "media_type": "image/jpeg",
        "first_seq": n,
        "places": (Place(f"{folder}/DSC_{n:04d}.JPG", mtime, n, "test"),),
        "width": 1600,
        "height": 1200,
        "make": "Kestrel",
        "model": "K12",
        "serial": "1001",
        "datetime_original": taken,
        "software": "K12 Firmware 1.0",
        "has_exif": True,
        "exif_size": (1600, 1200),
        "qt_signature": "camera",
        "qtables": CAMERA_TABLES,
        "layout": CAMERA_LAYOUT,
        "huffman": "h",
        "pdq": f"{n:064x}",
        "pdq_quality": 100,
    }
    values.update(fields)
    return ImageRecord(**values)


def session(count: int = 6) -> list[ImageRecord]:
    """``count`` photos taken a minute apart, file numbers rising."""
    return [shot(n, f"2012:05:14 10:{n:02d}:00") for n in range(1, count + 1)]


def flagged(findings: list[Finding], code: str | None = None) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for f in findings:
        if f.verdict == FLAGGED and (code is None or f.code == code):
            out.setdefault(f.sha256, set()).add(f.code)
    return out


# -- camera grouping ----------------------------------------------------------------------


def test_a_photo_resaved_with_editor_tables_is_named_and_its_camera_spared() -> None:
    photos = session()
    photos[2] = replace(photos[2], qt_signature="editor", qtables=EDITOR_TABLES)
    findings, model = check_cameras(photos, CameraParams())
    assert flagged(findings) == {photos[2].sha256: {"tables-not-camera"}}
    assert "libjpeg's standard tables at quality 80" in next(
        f.message for f in findings if f.code == "tables-not-camera"
    )
    assert photos[2].sha256 not in model.consistent and photos[0].sha256 in model.consistent


def test_exif_of_another_model_over_this_camera_tables_is_named() -> None:
    kestrel = session()
    orion = [
        shot(
            10 + n,
            make="Orion",
            model="OC-1",
            serial="7",
            qt_signature="orion",
            qtables=(tuple(range(3, 67)), tuple(range(4, 68))),
        )
        for n in range(4)
    ]
    swapped = replace(kestrel[0], sha256="f" * 64, make="Orion", model="OC-1", serial="7")
    findings, _ = check_cameras([*kestrel, *orion, swapped], CameraParams())
    message = next(f.message for f in findings if f.sha256 == swapped.sha256)
    assert "the tables of another camera model, Kestrel K12 #1001" in message


def test_a_photo_without_exif_in_a_collection_with_exif_is_named() -> None:
    photos = session()
    stripped = replace(photos[0], sha256="e" * 64, make=None, model=None, serial=None)
    findings, _ = check_cameras([*photos, stripped], CameraParams())
    assert flagged(findings) == {stripped.sha256: {"no-exif"}}
    assert "those of Kestrel K12 #1001" in next(f.message for f in findings if f.code == "no-exif")


def test_a_camera_with_too_few_photos_is_not_judged() -> None:
    findings, _ = check_cameras(session(2), CameraParams())
    assert {f.code for f in findings} == {"camera-unestablished"}


def test_a_header_laid_out_by_software_is_named() -> None:
    photos = session()
    photos[1] = replace(photos[1], layout="SOI APP0 APP1 DQT DQT SOF0 DHT DHT DHT DHT SOS")
    findings, _ = check_cameras(photos, CameraParams())
    assert flagged(findings) == {photos[1].sha256: {"header-layout"}}


def test_an_unreadable_jpeg_header_is_could_not_analyse() -> None:
    broken = replace(shot(1), qt_signature=None, qtables=(), header_problem="segment DQT is cut")
    findings, _ = check_cameras([broken], CameraParams())
    assert findings[0].verdict == "could-not-analyse"
    assert findings[0].message.startswith("could not analyse: ")


# -- timeline -----------------------------------------------------------------------------


def test_an_untouched_session_is_consistent() -> None:
    findings = check_timeline(session(), TimelineParams())
    assert {f.code for f in findings} == {"timeline-consistent"}


@pytest.mark.parametrize(
    ("taken", "mtime", "codes"),
    [
        # EXIF clock moved back three days, file kept the real time
        (
            "2012:05:11 10:03:00",
            "2012-05-14T10:03:00Z",
            {"out-of-order", "folder-date", "file-time"},
        ),
        # EXIF clock moved 5 hours later (last in order stays in order: the file time tells)
        ("2012:05:14 15:03:00", "2012-05-14T10:03:00Z", {"out-of-order", "file-time"}),
        # saved again 40 days later: EXIF untouched, the file's time is the editor's
        ("2012:05:14 10:03:00", "2012-06-23T09:00:00Z", {"file-time"}),
        # a time no camera can write
        ("0000:00:00 00:00:00", None, {"impossible-time"}),
    ],
)
def test_a_changed_time_is_named_on_that_photo_only(
    taken: str, mtime: str | None, codes: set[str]
) -> None:
    photos = session()
    photos[2] = replace(
        photos[2], datetime_original=taken, places=(replace(photos[2].places[0], mtime=mtime),)
    )
    findings = check_timeline(photos, TimelineParams())
    assert flagged(findings) == {photos[2].sha256: codes}


def test_two_moved_photos_side_by_side_do_not_blame_their_neighbours() -> None:
    photos = session(9)
    for i in (3, 4):
        photos[i] = replace(photos[i], datetime_original=f"2011:05:14 10:0{i + 1}:00")
    findings = check_timeline(photos, TimelineParams())
    assert flagged(findings, "out-of-order").keys() == {photos[3].sha256, photos[4].sha256}


def test_a_folder_copied_without_its_file_times_is_not_judged_by_them() -> None:
    photos = [  # a session over an hour, copied in seconds years later
        shot(n, f"2012:05:14 10:{10 * n:02d}:00", mtime=f"2019-03-01T12:00:{n:02d}Z")
        for n in range(6)
    ]
    assert not flagged(check_timeline(photos, TimelineParams()))


def test_two_photos_with_one_timestamp_are_both_named() -> None:
    photos = session()
    photos[4] = replace(
        photos[4],
        datetime_original=photos[3].datetime_original,
        places=(replace(photos[4].places[0], mtime=photos[3].places[0].mtime),),
    )
    findings = check_timeline(photos, TimelineParams())
    assert flagged(findings, "duplicate-time").keys() == {photos[3].sha256, photos[4].sha256}


def test_a_long_pause_is_information_not_an_accusation() -> None:
    photos = session()
    photos[5] = shot(6, "2012:05:14 19:00:00")
    findings = check_timeline(photos, TimelineParams())
    assert not flagged(findings)
    assert any(f.code == "gap" and f.sha256 == photos[5].sha256 for f in findings)


@pytest.mark.parametrize(
    ("folder", "expected"),
    [
        ("drive-A/2012-05-14", "2012-05-14"),
        ("d/20130102 session", "2013-01-02"),
        ("d/2012-13-40", None),
        ("d/IMG_20121", None),
        ("x.zip!/2011_11_26", "2011-11-26"),
    ],
)
def test_folder_dates_are_read_from_folder_names(folder: str, expected: str | None) -> None:
    found = folder_date(folder)
    assert (found.isoformat() if found else None) == expected


# -- re-encoding (header evidence) ----------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"software": "Adobe Photoshop CS5 Windows"}, "editing-software"),
        ({"software": "Something 2.0"}, "software-changed"),
        ({"datetime_modified": "2013:01:01 00:00:00"}, "modified-after-capture"),
        ({"qtables": EDITOR_TABLES, "qt_signature": "editor"}, "standard-tables"),
        ({"exif_size": (2000, 1500)}, "exif-dimensions"),
        ({"width": 800, "height": 600, "exif_size": None}, "dimensions"),
    ],
)
def test_header_signs_of_saving_again_are_named(fields: dict[str, Any], code: str) -> None:
    photos = session()
    photos[1] = replace(photos[1], **fields)
    _, model = check_cameras(photos, CameraParams())
    result = check_reencoding(photos, model, {}, Parameters().reencoding, 0.05)
    assert code in flagged(result).get(photos[1].sha256, set())
    assert all(photos[i].sha256 not in flagged(result) for i in (0, 2, 3, 4, 5))


def test_pixels_that_cannot_be_read_make_reencoding_could_not_analyse() -> None:
    photos = session()
    _, model = check_cameras(photos, CameraParams())
    measurements = {photos[0].sha256: {"error": "the pixels cannot be decoded (truncated)"}}
    result = check_reencoding(photos, model, measurements, Parameters().reencoding, 0.05)
    mine = [f for f in result if f.sha256 == photos[0].sha256]
    assert [f.verdict for f in mine] == ["could-not-analyse"]


# -- near-duplicates ------------------------------------------------------------------------


def test_near_duplicates_link_to_the_camera_original() -> None:
    original = shot(1, pdq="00" * 32)
    resized = shot(2, pdq="00" * 31 + "1f", width=800, height=600, qt_signature="editor")
    other = shot(3, pdq="ff" * 32)
    links = pdq_links([original, resized, other], DuplicateParams())
    assert [(link.a, link.b) for link in links] == [(original.sha256, resized.sha256)]
    findings, clusters = check_duplicates(
        [original, resized, other], frozenset({original.sha256}), links
    )
    near = next(f for f in findings if f.code == "near-duplicate")
    assert (near.sha256, near.subject) == (resized.sha256, original.sha256)
    assert clusters == [{"original": original.sha256, "members": [original.sha256, resized.sha256]}]
    assert next(f for f in findings if f.sha256 == other.sha256).code == "unique"


def test_low_quality_hashes_are_not_matched() -> None:
    a, b = shot(1, pdq="00" * 32, pdq_quality=10), shot(2, pdq="00" * 32, pdq_quality=10)
    assert pdq_links([a, b], DuplicateParams()) == []


# -- recording: one answer per question, nothing rewritten ---------------------------------


def test_a_rerun_writes_only_what_changed() -> None:
    params = Parameters()
    same = Finding("a" * 64, "cameras", "camera-consistent", "consistent", "none", "ok")
    changed = Finding("b" * 64, "cameras", "no-exif", "flagged", "low", "now flagged")
    new = Finding("c" * 64, "timeline", "gap", "info", "none", "a pause")
    existing = {
        same.key: (1, body(same, "", params)["body_sha256"]),
        changed.key: (2, "0" * 64),
        ("d" * 64, "cameras", "no-exif", ""): (3, "1" * 64),  # no longer reached
        ("e" * 64, "cameras", "no-exif", ""): (4, "2" * 64),  # not analysed this time
    }
    analysed = {"a" * 64, "b" * 64, "c" * 64, "d" * 64}
    changes, unchanged = plan_changes(existing, [same, changed, new, new], analysed, "", params)
    assert unchanged == 1
    assert [(c.old, c.new["code"] if c.new else None) for c in changes] == [
        (2, "no-exif"),
        (None, "gap"),
        (3, None),
    ]


# -- workers --------------------------------------------------------------------------------


def _dies_on_three(item: int) -> int:
    if item == 3:
        os._exit(1)  # what a decoder crash does to its process
    return item * 10


def test_a_file_that_kills_its_worker_is_reported_and_the_rest_measured() -> None:
    results = list(measuring._pixels(_dies_on_three, [1, 2, 3, 4, 5], 2, lambda item: -item))
    assert results == [10, 20, -3, 40, 50]
