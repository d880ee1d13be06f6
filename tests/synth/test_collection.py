"""A generated collection has the structure of the real one, and its ground truth says
exactly what is on disk."""

from __future__ import annotations

import hashlib
import io
import os
import zipfile
from collections import defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
from PIL import ExifTags, Image
from PIL.JpegImagePlugin import JpegImageFile

from dalil.synth.numbers import BRANCH_WEIGHTS

Truth = dict[str, Any]


def exif_of(path: Path) -> tuple[Image.Exif, dict[int, Any]]:
    exif = Image.open(path).getexif()
    return exif, dict(exif.get_ifd(ExifTags.IFD.Exif))


def test_ground_truth_lies_outside_the_drives(collection: Path) -> None:
    assert (collection / "ground-truth.json").is_file()
    assert sorted(p.name for p in collection.iterdir()) == ["drives", "ground-truth.json"]


def test_every_file_on_the_drives_is_in_the_truth_and_hashes_match(
    collection: Path, truth: Truth
) -> None:
    on_disk = {
        p.relative_to(collection).as_posix()
        for p in (collection / "drives").rglob("*")
        if p.is_file()
    }
    listed = {f["path"] for f in truth["files"]}
    assert on_disk == listed
    for entry in truth["files"]:
        if entry["member"] is None:
            data = (collection / entry["path"]).read_bytes()
        else:
            with zipfile.ZipFile(collection / entry["path"]) as archive:
                data = archive.read(entry["member"])
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
        assert len(data) == entry["size"]


def test_cameras_differ_in_exif_tables_and_resolution(truth: Truth) -> None:
    cameras = truth["cameras"]
    assert 3 <= len(cameras) <= 5
    for field in ("serial", "file_prefix"):
        assert len({c[field] for c in cameras}) == len(cameras)
    assert len({(c["make"], c["model"]) for c in cameras}) == len(cameras)
    assert len({str(c["quantization"]) for c in cameras}) == len(cameras)
    assert len({tuple(c["resolution"]) for c in cameras}) == len(cameras)
    assert sum(c["gps"] for c in cameras) == 1


def test_each_photo_carries_its_cameras_exif_tables_and_size(
    collection: Path, truth: Truth, photos: list[dict[str, Any]]
) -> None:
    cameras = {c["id"]: c for c in truth["cameras"]}
    for entry in photos:
        camera = cameras[entry["camera"]]
        path = collection / entry["path"]
        image = Image.open(path)
        assert isinstance(image, JpegImageFile)
        assert list(image.size) == camera["resolution"]
        assert [list(t) for t in image.quantization.values()] == camera["quantization"]
        ifd0, exif = exif_of(path)
        assert (ifd0[0x010F], ifd0[0x0110], ifd0[0x0131]) == (
            camera["make"], camera["model"], camera["software"],
        )  # fmt: skip
        assert exif[0xA431] == camera["serial"]
        taken = datetime.fromisoformat(entry["exif_taken"])
        assert exif[0x9003] == taken.strftime("%Y:%m:%d %H:%M:%S")
        assert (0x8825 in ifd0) == camera["gps"]
        assert path.read_bytes()[:4] == b"\xff\xd8\xff\xe1"  # EXIF first, no JFIF


def test_thumbnail_shows_the_main_image(collection: Path, photos: list[dict[str, Any]]) -> None:
    for entry in photos[:5]:
        image = Image.open(collection / entry["path"])
        ifd1 = image.getexif().get_ifd(ExifTags.IFD.IFD1)
        tiff = image.info["exif"][6:]
        start, length = ifd1[0x0201], ifd1[0x0202]
        thumb = np.asarray(Image.open(io.BytesIO(tiff[start : start + length])), dtype=np.float32)
        small = np.asarray(image.convert("RGB").resize(thumb.shape[1::-1], Image.Resampling.BOX))
        assert np.abs(thumb - small).mean() < 4


def test_photos_are_realistic_in_size(truth: Truth, photos: list[dict[str, Any]]) -> None:
    # At scale 0.2 a photo has 1/25 of the pixels of a 1-2 MP camera's (300-700 KB).
    sizes = [f["size"] for f in photos]
    assert 4_000 < float(np.median(sizes)) < 40_000


def test_counters_and_times_rise_together_per_camera(truth: Truth) -> None:
    by_camera: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for entry in truth["files"]:
        if entry["kind"] == "photo":
            by_camera[entry["camera"]].append(entry)
    for entries in by_camera.values():
        entries.sort(key=lambda e: e["counter"])
        times = [e["taken"] for e in entries]
        assert times == sorted(times) and len(set(times)) == len(times)


def test_folders_are_named_by_the_shooting_date(truth: Truth) -> None:
    for entry in truth["files"]:
        if entry["kind"] == "photo":
            where = entry["member"] or entry["path"]
            folder = where.rsplit("/", 2)[-2]
            assert entry["taken"].startswith(folder)


def test_file_times_are_the_shooting_times(collection: Path, photos: list[dict[str, Any]]) -> None:
    for entry in photos:
        taken = datetime.fromisoformat(entry["taken"] + "+00:00")
        assert os.stat(collection / entry["path"]).st_mtime == taken.timestamp()


def test_cases_are_about_four_photos_within_one_session(truth: Truth) -> None:
    files = {f["key"]: f for f in truth["files"]}
    for case in truth["cases"]:
        entries = [files[key] for key in case["photos"]]
        assert {e["session"] for e in entries} == {case["session"]}
        assert sorted(e["photo_index"] for e in entries) == list(range(1, len(entries) + 1))
        if case["category"] == "detainee":
            assert case["branch"] in BRANCH_WEIGHTS
            assert case["writing"]["lines"] == [
                str(case["detainee"]), str(case["branch"]), str(case["report"]),
            ]  # fmt: skip
    shot = sum(f["kind"] == "photo" for f in files.values())
    assert 3.0 <= shot / len(truth["cases"]) <= 6.0


def test_duplicates_are_byte_identical_elsewhere(collection: Path, truth: Truth) -> None:
    copies = [f for f in truth["files"] if f["kind"] == "copy"]
    assert copies
    for copy in copies:
        original = collection / copy["duplicate_of"]
        assert (collection / copy["path"]).read_bytes() == original.read_bytes()
        assert copy["path"] != copy["duplicate_of"]


def test_damaged_files_are_damaged(collection: Path, truth: Truth) -> None:
    kinds = {f["damage"]: f for f in truth["files"] if f["damage"]}
    assert set(kinds) == {"truncated", "zero_bytes", "random_bytes", "not_an_image"}
    truncated = (collection / kinds["truncated"]["path"]).read_bytes()
    assert truncated[:2] == b"\xff\xd8" and truncated[-2:] != b"\xff\xd9"
    assert (collection / kinds["zero_bytes"]["path"]).stat().st_size == 0
    garbage = (collection / kinds["random_bytes"]["path"]).read_bytes()
    assert garbage[:2] != b"\xff\xd8" and len(garbage) > 1000
    assert kinds["random_bytes"]["path"].endswith(".JPG")
    note = (collection / kinds["not_an_image"]["path"]).read_text(encoding="utf-8")
    assert "camera cards" in note


def test_one_session_folder_travels_as_a_zip(collection: Path, truth: Truth) -> None:
    (archive,) = truth["archives"]
    assert not (collection / archive["folder"]).exists()
    with zipfile.ZipFile(collection / archive["path"]) as bundle:
        assert sorted(bundle.namelist()) == archive["members"]
        for name in bundle.namelist():
            Image.open(io.BytesIO(bundle.read(name))).verify()
    members = [f for f in truth["files"] if f["member"]]
    assert sorted(f["member"] for f in members) == archive["members"]


def test_drives_are_two_or_three(collection: Path, truth: Truth) -> None:
    drives = sorted(p.name for p in (collection / "drives").iterdir())
    assert drives == truth["drives"] and 2 <= len(drives) <= 3
