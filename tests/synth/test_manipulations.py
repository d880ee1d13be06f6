"""Every known manipulation is in the files as the ground truth says, and leaves the
traces a forensic check looks for; untouched photos stay camera-pure."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import ExifTags, Image
from PIL.JpegImagePlugin import JpegImageFile

from dalil.synth import jpeg
from dalil.synth.exif import thumbnail_of
from dalil.synth.manipulation import KINDS
from dalil.synth.quantization import standard_tables

Truth = dict[str, Any]


def of_kind(truth: Truth, kind: str) -> list[dict[str, Any]]:
    return [f for f in truth["files"] if (f["manipulation"] or {}).get("kind") == kind]


def tables(path: Path) -> list[list[int]]:
    image = Image.open(path)
    assert isinstance(image, JpegImageFile)
    return [list(t) for t in image.quantization.values()]


def cameras(truth: Truth) -> dict[str, dict[str, Any]]:
    return {c["id"]: c for c in truth["cameras"]}


def thumbnail_gap(path: Path, box: list[int] | None = None) -> float:
    """Mean difference between the EXIF thumbnail and the image shrunk to its size,
    over ``box`` (image pixels) or the whole frame."""
    data = path.read_bytes()
    payload = jpeg.exif_payload(data)
    assert payload is not None
    thumb_bytes = thumbnail_of(payload)
    assert thumb_bytes is not None
    thumb = np.asarray(Image.open(io.BytesIO(thumb_bytes)).convert("RGB"), dtype=np.float32)
    image = Image.open(io.BytesIO(data)).convert("RGB")
    small = np.asarray(image.resize(thumb.shape[1::-1], Image.Resampling.BOX), dtype=np.float32)
    gap = np.abs(thumb - small).mean(axis=2)
    if box is not None:
        sx, sy = thumb.shape[1] / image.width, thumb.shape[0] / image.height
        x0, y0, x1, y1 = box
        gap = gap[int(y0 * sy) : int(y1 * sy) + 1, int(x0 * sx) : int(x1 * sx) + 1]
    return float(gap.mean())


def test_every_kind_is_present(manipulated_truth: Truth) -> None:
    found = {f["manipulation"]["kind"] for f in manipulated_truth["files"] if f["manipulation"]}
    assert found == set(KINDS)


def test_collection_without_manipulations_has_none(truth: Truth) -> None:
    assert all(f["manipulation"] is None for f in truth["files"])
    assert [c["id"] for c in truth["cameras"] if not c["writes_exif"]] == []


def test_untouched_photos_keep_their_cameras_tables_and_header(
    manipulated: Path, manipulated_truth: Truth
) -> None:
    by_id = cameras(manipulated_truth)
    for entry in manipulated_truth["files"]:
        if (
            entry["kind"] == "photo"
            and not entry["manipulation"]
            and entry["damage"] is None
            and entry["member"] is None
        ):
            path = manipulated / entry["path"]
            assert tables(path) == by_id[entry["camera"]]["quantization"]
            assert path.read_bytes()[:4] == b"\xff\xd8\xff\xe1"


def test_resaved_photos_carry_an_editors_tables_software_and_header(
    manipulated: Path, manipulated_truth: Truth
) -> None:
    for entry in of_kind(manipulated_truth, "resaved"):
        label = entry["manipulation"]
        path = manipulated / entry["path"]
        assert tables(path) == [list(t) for t in standard_tables(label["quality"])]
        exif = Image.open(path).getexif()
        assert exif[0x0131] == label["software"]
        edited = datetime.fromisoformat(label["edited"])
        assert exif[0x0132] == edited.strftime("%Y:%m:%d %H:%M:%S")
        original = datetime.fromisoformat(entry["taken"]).strftime("%Y:%m:%d %H:%M:%S")
        assert exif.get_ifd(ExifTags.IFD.Exif)[0x9003] == original
        assert b"JFIF\x00" in path.read_bytes()[:64]


def test_pasted_card_shows_another_body_and_the_old_thumbnail_gives_it_away(
    manipulated: Path, manipulated_truth: Truth
) -> None:
    pasted = of_kind(manipulated_truth, "pasted")
    assert pasted
    by_id = cameras(manipulated_truth)
    for entry in pasted:
        label = entry["manipulation"]
        assert label["shows_case"] != entry["case"]
        path = manipulated / entry["path"]
        if label["tables"] == "camera":
            assert tables(path) == by_id[entry["camera"]]["quantization"]
            assert Image.open(path).getexif()[0x0131] == by_id[entry["camera"]]["software"]
        else:
            assert tables(path) == [list(t) for t in standard_tables(label["quality"])]
        assert thumbnail_gap(path, label["box"]) > 3 * thumbnail_gap(path) > 0


def test_untouched_photos_match_their_thumbnails(
    manipulated: Path, manipulated_truth: Truth
) -> None:
    clean = [
        f
        for f in manipulated_truth["files"]
        if f["kind"] == "photo" and f["manipulation"] is None and f["damage"] is None
        and f["member"] is None
    ][:8]  # fmt: skip
    for entry in clean:
        assert thumbnail_gap(manipulated / entry["path"]) < 4


def test_swapped_exif_names_another_camera_over_the_true_cameras_tables(
    manipulated: Path, manipulated_truth: Truth
) -> None:
    by_id = cameras(manipulated_truth)
    swapped = of_kind(manipulated_truth, "exif_swapped")
    assert swapped
    for entry in swapped:
        claimed, true = by_id[entry["manipulation"]["claimed_camera"]], by_id[entry["camera"]]
        assert claimed["id"] == entry["exif_camera"] != entry["camera"]
        path = manipulated / entry["path"]
        exif = Image.open(path).getexif()
        assert (exif[0x010F], exif[0x0110]) == (claimed["make"], claimed["model"])
        assert exif.get_ifd(ExifTags.IFD.Exif)[0xA431] == claimed["serial"]
        assert tables(path) == true["quantization"] != claimed["quantization"]
        assert list(Image.open(path).size) == true["resolution"]


def test_shifted_clock_is_off_by_the_recorded_amount(
    manipulated: Path, manipulated_truth: Truth
) -> None:
    for entry in of_kind(manipulated_truth, "time_shifted"):
        shift = timedelta(seconds=entry["manipulation"]["shift_seconds"])
        claimed = datetime.fromisoformat(entry["taken"]) + shift
        assert entry["exif_taken"] == claimed.isoformat()
        exif = Image.open(manipulated / entry["path"]).getexif().get_ifd(ExifTags.IFD.Exif)
        assert exif[0x9003] == claimed.strftime("%Y:%m:%d %H:%M:%S")


def test_extra_camera_photos_have_no_exif_and_a_known_cameras_size(
    manipulated: Path, manipulated_truth: Truth
) -> None:
    by_id = cameras(manipulated_truth)
    extra = of_kind(manipulated_truth, "extra_camera")
    assert len(extra) >= 6
    (camera,) = [c for c in manipulated_truth["cameras"] if not c["writes_exif"]]
    twins = [
        c for c in by_id.values() if c["writes_exif"] and c["resolution"] == camera["resolution"]
    ]
    assert twins  # only the sensor pattern tells them apart
    assert camera["prnu"]["seed"] != twins[0]["prnu"]["seed"]
    for entry in extra:
        data = (manipulated / entry["path"]).read_bytes()
        assert jpeg.exif_payload(data) is None
        assert entry["exif_camera"] is None and entry["camera"] == camera["id"]
        assert tables(manipulated / entry["path"]) == camera["quantization"]


@pytest.mark.parametrize("kind", ["resized", "cropped"])
def test_derived_copies_are_what_they_claim(
    manipulated: Path, manipulated_truth: Truth, kind: str
) -> None:
    derived = of_kind(manipulated_truth, kind)
    assert derived
    for entry in derived:
        label = entry["manipulation"]
        assert entry["kind"] == "derived" and entry["derived_from"]
        image = Image.open(manipulated / entry["path"])
        if kind == "resized":
            assert list(image.size) == label["size"]
        else:
            x0, y0, x1, y1 = label["crop"]
            assert image.size == (x1 - x0, y1 - y0)
            source = Image.open(manipulated / entry["derived_from"]).convert("RGB")
            expected = np.asarray(source.crop((x0, y0, x1, y1)), dtype=np.float32)
            assert np.abs(np.asarray(image.convert("RGB"), dtype=np.float32) - expected).mean() < 4
        has_exif = jpeg.exif_payload((manipulated / entry["path"]).read_bytes()) is not None
        assert has_exif == (label["exif"] == "kept") == (entry["exif_camera"] is not None)


def test_no_photo_is_manipulated_twice_or_from_an_edited_original(manipulated_truth: Truth) -> None:
    files = {f["key"]: f for f in manipulated_truth["files"]}
    edited_in_place = {
        f["key"] for f in files.values() if f["manipulation"] and f["kind"] == "photo"
    }
    for entry in files.values():
        label = entry["manipulation"] or {}
        for source in (entry["derived_from"], label.get("donor")):
            if source:
                assert source not in edited_in_place
