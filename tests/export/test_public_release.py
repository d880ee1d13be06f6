"""A public release, from draft to the press, as a custodian and two reviewers would do it.

The collection is synthetic (``dalil.synth``: cameras with serials, an owner, GPS, and
sensor noise of known pattern); two scenes carry faces of ORL volunteers pasted in.
Everything the release must not contain is judged by tools that are not dalil's:
exiftool for metadata, the generator's own PRNU pattern (the camera's true fingerprint,
better than any an examiner could estimate) for sensor noise, a plain byte search for
every serial, owner, GPS position and source path the ground truth and exiftool know of.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from PIL import Image
from sqlalchemy import select

from dalil.authenticity import prnu
from dalil.capabilities import rules
from dalil.catalogue import store as catalogue_store
from dalil.db import schema
from dalil.errors import InputError
from dalil.export.public import lineage, queue
from dalil.export.public.draft import MASK, DraftRequest, draft_release
from dalil.export.public.geometry import affine
from dalil.export.public.release import Released, release
from dalil.export.public.review import Verdict, review
from dalil.export.public.scrubber import Transform
from dalil.export.public.tables import public_previews as p
from dalil.export.selection import Selection
from dalil.export.tables import disclosures
from dalil.identification.faces.detection import find_face
from dalil.synth import SynthOptions, generate_collection
from dalil.synth.camera import prnu_pattern
from dalil.vault.archive import Archive
from dalil.vault.derive import describe_pending
from dalil.vault.receive import ReceiveRequest, receive
from dalil.vault.verify import verify

from ..cli import dalil
from ..conftest import BACKENDS, backend_url

FACES = Path(__file__).resolve().parents[3] / "shared" / "data" / "faces" / "orl"
EXIFTOOL = shutil.which("exiftool")
OPTIONS = SynthOptions(photos=24, seed=11, scale=0.3, workers=1)
THRESHOLD = 60.0  # the PCE at which dalil's sensor check attributes an image to a camera
CARD = [[30, 30], [150, 30], [150, 100], [30, 100]]
# Groups exiftool reports for any file: its own, the file system's, the image's size.
NOT_METADATA = {"ExifTool", "System", "File", "Composite"}

needs = pytest.mark.skipif(EXIFTOOL is None or not FACES.is_dir(),
                           reason="exiftool (make tools) and the ORL faces are needed")  # fmt: skip
pytestmark = needs


@dataclass
class Story:
    archive: Archive
    collection: Path
    truth: dict[str, Any]
    items: dict[str, str]  # role → SHA-256 of the original
    pending_refusals: list[str]
    early_folder_made: bool
    released: Released
    reveal: lineage.Revealed
    state: queue.Release


def _scene(person: int, turn: int, seed: int) -> Image.Image:
    """A floor-like scene with a volunteer's face pasted in, twice its size, turned."""
    rng = np.random.default_rng(seed)
    floor = Image.fromarray(rng.integers(90, 160, (60, 80, 3), dtype=np.uint8))
    scene = floor.resize((640, 480), Image.Resampling.BILINEAR)
    face = Image.open(FACES / f"s{person}" / "1.pgm").convert("RGB")
    face = face.resize((184, 224), Image.Resampling.BICUBIC).rotate(turn, expand=True)
    scene.paste(face, (300, 150))
    return scene


def _untouched(truth: dict[str, Any], camera: str) -> list[dict[str, Any]]:
    return [f for f in truth["files"] if f["kind"] == "photo" and f["camera"] == camera
            and f["exif_camera"] == camera and not f["damage"] and not f["manipulation"]
            and f["member"] is None]  # fmt: skip


def _reading() -> dict[str, Any]:
    value: dict[str, Any] = {"script": "western", "layout": "three_lines", "card": CARD,
                             "lines": [{"text": n, "bp": 9900} for n in ("2340", "251", "1392")],
                             "flags": []}  # fmt: skip
    for name, n in zip(("detainee", "branch", "report"), ("2340", "251", "1392"), strict=True):
        value[name] = {"value": n, "bp": 9900}
    return value


def _tell(archive: Archive, name: str, out: Path) -> str:
    try:
        release(archive, name, out)
    except InputError as exc:
        return str(exc)
    raise AssertionError("the release went out with images pending")


@pytest.fixture(scope="module", params=BACKENDS)
def story(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Story]:
    work = tmp_path_factory.mktemp("public")
    collection = work / "col"
    generate_collection(collection, OPTIONS)
    truth = json.loads((collection / "ground-truth.json").read_text(encoding="utf-8"))
    scenes = work / "volunteer-scenes"
    scenes.mkdir()
    _scene(3, 0, 1).save(scenes / "pasted-face-1.png")
    _scene(7, 90, 2).save(scenes / "pasted-face-2.png")
    gps = _untouched(truth, "cam2")  # the camera that geotags
    other = _untouched(truth, "cam3")
    faces = [hashlib.sha256((scenes / f"pasted-face-{i}.png").read_bytes()).hexdigest()
             for i in (1, 2)]  # fmt: skip
    items = {"card": gps[0]["sha256"], "revised": gps[1]["sha256"],
             "rejected": other[0]["sha256"], "face": faces[0], "turned face": faces[1]}  # fmt: skip
    for url in backend_url(request, request.param):
        with Archive.create(work / "archive", url) as archive:
            drives = sorted((collection / "drives").iterdir())
            receive(archive, ReceiveRequest(drives, "caesar", "Test NGO", workers=1))
            receive(archive, ReceiveRequest([scenes], "scenes", "Test NGO", workers=1))
            describe_pending(archive, workers=1)
            with archive.write() as conn:
                catalogue_store.record_readings(conn, [(items["card"], _reading())],
                                                {"reader": "test", "models": {},
                                                 "vocabulary_sha256": "0" * 64})  # fmt: skip
            chosen = Selection(items=tuple(items.values()))
            regions = {items["revised"]: ((10, 10, 60, 40),)}
            draft_release(archive, DraftRequest("press-1", chosen, "briefing", MASK, regions))
            refusals = [_tell(archive, "press-1", work / "early")]
            early = (work / "early").exists()
            with archive.read() as conn:
                numbers = {e.original_sha256: e.number for e in queue.load(conn, "press-1").entries}
            n = {role: numbers[sha] for role, sha in items.items()}
            for role in ("card", "face", "turned face"):
                review(archive, "press-1", n[role], Verdict.APPROVE, "reviewer-a")
            review(archive, "press-1", n["rejected"], Verdict.REJECT, "reviewer-b", "graphic")
            review(archive, "press-1", n["revised"], Verdict.REJECT, "reviewer-b", "a tattoo",
                   ((100, 60, 50, 50),))  # fmt: skip
            refusals.append(_tell(archive, "press-1", work / "early"))
            review(archive, "press-1", n["revised"], Verdict.APPROVE, "reviewer-a")
            released = release(archive, "press-1", work / "release", date="2026-12-03")
            revealed = lineage.reveal_salt(archive, "press-1", "R-0001.jpg", "Court of Test",
                                           "trial of X", "custodian")  # fmt: skip
            with archive.read() as conn:
                state = queue.load(conn, "press-1")
            yield Story(archive, collection, truth, items, refusals, early, released, revealed,
                        state)  # fmt: skip


def _entry(story: Story, role: str) -> queue.Entry:
    return next(e for e in story.state.entries if e.original_sha256 == story.items[role])


def _released_file(story: Story, role: str) -> Path:
    entry = _entry(story, role)
    file = next(str(f["file"]) for f in story.released.files if f["sha256"] == entry.preview_sha256)
    return story.released.path / file


def test_nothing_goes_out_while_any_image_is_pending_and_the_refusal_names_them(
    story: Story,
) -> None:
    first, second = story.pending_refusals
    assert "5 image(s) not reviewed yet (1, 2, 3, 4, 5)" in first
    revised = _entry(story, "revised").number
    assert f"1 image(s) not reviewed yet ({revised})" in second
    assert not story.early_folder_made


def test_the_command_refuses_too_and_names_what_is_pending(
    story: Story, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    archive = str(story.archive.root)
    code, out, err = dalil(capsys, "export", "draft", "later", "--purpose", "x", "--items",
                           str(_items_file(story, tmp_path)), "--archive", archive)  # fmt: skip
    assert code == 0, err
    code, out, err = dalil(capsys, "export", "public", "later", str(tmp_path / "out"),
                           "--archive", archive)  # fmt: skip
    assert code != 0
    assert "not reviewed yet (1)" in out + err
    assert not (tmp_path / "out").exists()
    code, out, _ = dalil(capsys, "export", "queue", "later", "--json", "--archive", archive)
    assert [i["status"] for i in json.loads(out)["items"]] == ["pending"]


def _items_file(story: Story, folder: Path) -> Path:
    path = folder / "items.txt"
    path.write_text(story.items["face"] + "\n", encoding="utf-8")
    return path


def test_rejected_and_superseded_previews_are_not_released(story: Story) -> None:
    shipped = {f["sha256"] for f in story.released.files}
    assert len(shipped) == 4
    assert _entry(story, "rejected").preview_sha256 not in shipped
    assert (
        _entry(story, "rejected").commitment
        not in (story.released.path / "manifest.json").read_text()
    )
    with story.archive.read() as conn:
        versions = conn.execute(
            select(p.c.preview_sha256, p.c.superseded_seq).where(
                p.c.original_sha256 == story.items["revised"]
            )
        ).all()
    assert len(versions) == 2
    old = next(v.preview_sha256 for v in versions if v.superseded_seq is not None)
    assert old not in shipped and _entry(story, "revised").preview_sha256 in shipped
    assert _entry(story, "revised").version == 2


def _groups(path: Path) -> set[str]:
    assert EXIFTOOL is not None
    done = subprocess.run([EXIFTOOL, "-j", "-a", "-G1", str(path)], capture_output=True,
                          text=True, check=True)  # fmt: skip
    (record,) = json.loads(done.stdout)
    return {key.split(":", 1)[0] for key in record if ":" in key}


def test_exiftool_finds_no_metadata_in_any_released_image(story: Story) -> None:
    for path in sorted(story.released.path.glob("*.jpg")):
        assert _groups(path) <= NOT_METADATA, path.name


def test_exiftool_does_find_the_originals_metadata(story: Story) -> None:
    """Keeps the test above honest: the same judge sees the camera's EXIF and GPS."""
    original = story.archive.store.path_for(story.items["card"])
    assert {"IFD0", "ExifIFD", "GPS"} <= _groups(original)


def _pce(luma: np.ndarray, pattern: np.ndarray) -> float:
    crop = prnu.centre_crop(luma.shape, 512, 4)
    assert crop is not None
    noise, intensity = prnu.prepare(np, luma[crop], "db4", 4, 3.0, 250)
    return prnu.pce(np, noise, intensity, prnu.zero_mean(np, pattern[crop]))


def _luma(rgb: np.ndarray) -> np.ndarray:
    rgb = rgb.astype(np.float32)
    return rgb[..., 0] * 0.299 + rgb[..., 1] * 0.587 + rgb[..., 2] * 0.114


def _aligned(rgb: np.ndarray, matrix: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """The released pixels laid back on the sensor's grid (the inverse of ``matrix``)."""
    back = cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP
    return _luma(cv2.warpAffine(rgb, matrix, size, flags=back, borderMode=cv2.BORDER_REFLECT))


def _rgb(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))


def _camera_images(story: Story) -> list[tuple[str, dict[str, Any]]]:
    cameras = {c["id"]: c for c in story.truth["cameras"]}
    by_sha = {f["sha256"]: f for f in story.truth["files"]}
    return [(role, cameras[by_sha[sha]["camera"]]) for role, sha in story.items.items()
            if sha in by_sha and role != "rejected"]  # fmt: skip


def test_released_images_defeat_the_cameras_true_sensor_pattern(story: Story) -> None:
    """Against the generator's own PRNU pattern, laid back on the sensor's grid: the
    original and a merely resampled copy are attributed; the released image is not."""
    checked = 0
    for role, camera in _camera_images(story):
        width, height = camera["resolution"]
        pattern = prnu_pattern(camera["prnu"]["seed"], width, height)
        original = _rgb(story.archive.store.path_for(story.items[role]).read_bytes())
        transform = Transform.from_json(_entry(story, role).transform)
        matrix, out_w, out_h = affine(width, height, transform.placement)
        moved = cv2.warpAffine(original, matrix, (out_w, out_h), flags=cv2.INTER_LINEAR)
        copy = io.BytesIO()
        Image.fromarray(moved).save(copy, "JPEG", quality=88)
        released = _rgb(_released_file(story, role).read_bytes())
        assert _pce(_luma(original), pattern) > THRESHOLD, role
        assert (
            _pce(_aligned(_rgb(copy.getvalue()), matrix, (width, height)), pattern) > THRESHOLD
        ), role
        assert _pce(_aligned(released, matrix, (width, height)), pattern) < THRESHOLD, role
        checked += 1
    assert checked == 2


def test_the_recorded_pce_is_below_the_threshold_and_the_originals_was_above(story: Story) -> None:
    with story.archive.read() as conn:
        drafted = (
            conn.execute(
                select(schema.events.c.body).where(schema.events.c.type == "export.public.drafted")
            )
            .scalars()
            .first()
        )
    assert drafted is not None
    recorded = {i["original_sha256"]: i for i in json.loads(drafted)["data"]["items"]}
    for role in ("card", "revised"):
        item = recorded[story.items[role]]
        assert float(item["pce"]) < THRESHOLD < float(item["pce_before"]), role
    shipped = [f["sensor_noise_pce"] for f in story.released.files]
    assert shipped.count(None) == 2  # the face scenes: no camera to test against
    assert all(float(p) < THRESHOLD for p in shipped if p is not None)


def _source_values(story: Story) -> set[str]:
    """Serials, owners and source paths from the ground truth; GPS from exiftool."""
    values = {c["serial"] for c in story.truth["cameras"]}
    values |= {c["owner"] for c in story.truth["cameras"] if c["owner"]}
    for entry in story.truth["files"]:
        parts = entry["path"].split("/")[1:]  # below drives/
        values |= set(parts) | {parts[-1].rsplit(".", 1)[0]}
    values |= {"volunteer-scenes", "pasted-face-1.png", "pasted-face-2", str(story.collection)}
    assert EXIFTOOL is not None
    done = subprocess.run(
        [
            EXIFTOOL,
            "-j",
            "-n",
            "-r",
            "-GPSLatitude",
            "-GPSLongitude",
            str(story.collection / "drives"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip  (damaged files make it exit 1)
    for record in json.loads(done.stdout):
        for key in ("GPSLatitude", "GPSLongitude"):
            if key in record:
                values |= {f"{record[key]:.3f}", f"{record[key]:.4f}"}
    assert any(v.startswith("33.51") for v in values), "the truth has GPS to look for"
    return {v.lower() for v in values if len(v) >= 6}


def test_no_serial_owner_gps_or_source_path_is_anywhere_in_the_release(story: Story) -> None:
    values = _source_values(story) | {s.lower() for s in story.items.values()}
    values.add(story.reveal.salt)
    for path in sorted(story.released.path.rglob("*")):
        data = path.name.lower().encode() + b"\n" + path.read_bytes().lower()
        assert [v for v in values if v.encode() in data] == [], path.name


def test_a_file_naming_the_source_is_refused_and_nothing_goes_out(tmp_path: Path) -> None:
    """The library's own scan, handed a release folder that leaks a path."""
    from dalil.export.public import sources

    (tmp_path / "R-0001.jpg").write_bytes(b"\xff\xd8 ... HDC_0519 ...")
    (tmp_path / "manifest.json").write_text('{"note": "from Drive-A"}')
    hits = sources.scan(tmp_path, {"hdc_0519": "a source file name", "drive-a": "a folder"})
    assert sorted(str(h) for h in hits) == [
        "R-0001.jpg contains 'hdc_0519' (a source file name)",
        "manifest.json contains 'drive-a' (a folder)",
    ]


def test_faces_are_hidden_in_the_released_images(story: Story) -> None:
    for role in ("face", "turned face"):
        original = Image.open(story.archive.store.path_for(story.items[role]))
        assert find_face(original) is not None, role  # the detector does see it
        assert _entry(story, role).faces >= 1
        assert find_face(Image.open(_released_file(story, role))) is None, role


def test_the_card_is_masked_where_the_catalogue_located_it(story: Story) -> None:
    entry = _entry(story, "card")
    assert entry.card == "masked"
    assert [r.box for r in entry.regions if r.why == "card"] == [(30, 30, 120, 70)]
    assert _entry(story, "face").card == "not-found"  # asked to mask, nothing located


def test_every_step_is_a_custody_event_that_verify_replays(story: Story) -> None:
    report = verify(story.archive, rules(), fast=True, record=False)
    assert report.ok, report.problems
    with story.archive.read() as conn:
        types = list(
            conn.execute(select(schema.events.c.type).order_by(schema.events.c.seq)).scalars()
        )
        row = conn.execute(select(disclosures).where(disclosures.c.kind == "public")).one()
    assert [t for t in types if t.startswith("export.public.")][:9] == [
        "export.public.drafted",
        *["export.public.reviewed"] * 6,
        "export.public.released",
        "export.public.salt-revealed",
    ]
    assert (row.reference, row.recipient, row.items) == ("press-1", "the public", 4)
    manifest = (story.released.path / "manifest.json").read_bytes()
    assert row.package_sha256 == hashlib.sha256(manifest).hexdigest()


def test_a_court_given_the_salt_can_check_the_link_and_nobody_else_can(story: Story) -> None:
    original = story.archive.store.path_for(story.reveal.original_sha256).read_bytes()
    assert lineage.check_file(story.released.path, "R-0001.jpg", story.reveal.salt, original)
    wrong = "00" * 32
    assert not lineage.check_file(story.released.path, "R-0001.jpg", wrong, original)
    other = story.archive.store.path_for(story.items["rejected"]).read_bytes()
    assert not lineage.check_file(story.released.path, "R-0001.jpg", story.reveal.salt, other)
    with story.archive.read() as conn:
        bodies = b"".join(r.encode() for r in conn.execute(select(schema.events.c.body)).scalars())
    assert story.reveal.salt.encode() not in bodies  # the salt never enters the log


def test_previews_stay_inside_the_archive(story: Story) -> None:
    for entry in story.state.entries:
        path = queue.preview_path(story.archive, "press-1", entry.preview_sha256)
        assert path.is_file() and path.is_relative_to(story.archive.root)


def test_a_release_goes_out_once_and_is_not_reviewed_after(story: Story, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="went out already"):
        release(story.archive, "press-1", tmp_path / "again")
    with pytest.raises(InputError, match="went out already"):
        review(story.archive, "press-1", 1, Verdict.REJECT, "reviewer-c")
