"""What happened to the files after the cameras: copies, damage, notes and a zip.

A real collection arrives on several drives copied by hand: some photos sit on two
drives or twice on one, some copies broke (cut short, empty, garbage), someone left a
text note, and one day's folder travelled as a zip. All of it is planned here (pure,
from the seed) and applied to the written files at the end of a run.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from dalil.synth.plan import Plan, Shot

COPY_SHARE = 0.02  # photos that exist twice, byte for byte
DAMAGE_SHARE = 0.002  # photos per damage kind whose file is broken (at least one each)
DAMAGE_KINDS = ("truncated", "zero_bytes", "random_bytes")
ZIP_TIME_FLOOR = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry


@dataclass(frozen=True)
class Copy:
    shot: int
    target: str  # relative path of the duplicate


@dataclass(frozen=True)
class Damage:
    shot: int
    kind: str
    seed: int


@dataclass(frozen=True)
class Note:
    path: str
    text: str


@dataclass(frozen=True)
class Bundle:
    """One session folder that was zipped: the loose files become zip members."""

    path: str  # the .zip, relative to the output folder
    folder: str  # the folder it replaces
    shots: tuple[int, ...]

    def member(self, shot: Shot) -> str:
        return f"{Path(self.folder).name}/{shot.filename}"


@dataclass(frozen=True)
class Handling:
    copies: tuple[Copy, ...]
    damage: tuple[Damage, ...]
    notes: tuple[Note, ...]
    bundle: Bundle | None

    def untouched(self, plan: Plan) -> list[int]:
        """Shots that are loose, undamaged and not copied: free for manipulations."""
        busy = {c.shot for c in self.copies} | {d.shot for d in self.damage}
        busy |= set(self.bundle.shots) if self.bundle else set()
        return [s.index for s in plan.shots if s.index not in busy]


def plan_handling(seed: int, plan: Plan, exclude: set[int]) -> Handling:
    """Choose the zipped folder, the damaged files and the copies; never one of
    ``exclude`` (shots reserved for other purposes)."""
    rng = np.random.default_rng([seed, 3])
    bundle = _choose_bundle(rng, plan, exclude)
    taken = set(exclude) | (set(bundle.shots) if bundle else set())
    free = [s.index for s in plan.shots if s.index not in taken]
    damage_each = max(1, round(DAMAGE_SHARE * len(plan.shots)))
    chosen = [int(i) for i in rng.choice(free, size=min(len(free), 3 * damage_each), replace=False)]
    damage = tuple(
        Damage(shot, DAMAGE_KINDS[k % 3], int(rng.integers(0, 2**63)))
        for k, shot in enumerate(sorted(chosen))
    )
    free = [i for i in free if i not in set(chosen)]
    copy_count = min(len(free), max(1, round(COPY_SHARE * len(plan.shots))))
    sources = sorted(int(i) for i in rng.choice(free, size=copy_count, replace=False))
    occupied = {s.path for s in plan.shots}
    zipped = bundle.folder if bundle else None
    copies = tuple(_copy(rng, plan, plan.shots[i], occupied, zipped) for i in sources)
    notes = tuple(_note(plan, drive) for drive in plan.drives[:1])
    return Handling(copies, damage, notes, bundle)


def _choose_bundle(rng: np.random.Generator, plan: Plan, exclude: set[int]) -> Bundle | None:
    """A folder of known-camera photos, not the only folder of its drive."""
    folders: dict[str, list[int]] = {}
    for shot in plan.shots:
        folders.setdefault(shot.folder, []).append(shot.index)
    known = {c.id for c in plan.cameras}
    candidates = sorted(
        folder
        for folder, shots in folders.items()
        if all(plan.shots[i].camera in known and i not in exclude for i in shots)
        and sum(f.rsplit("/", 1)[0] == folder.rsplit("/", 1)[0] for f in folders) > 1
    )
    if not candidates:
        return None
    folder = str(rng.choice(candidates))
    return Bundle(f"{folder}.zip", folder, tuple(folders[folder]))


def _copy(
    rng: np.random.Generator, plan: Plan, shot: Shot, occupied: set[str], zipped: str | None
) -> Copy:
    """A duplicate on another drive under the same folder name, else in a backup folder
    (never in the folder that is zipped, never over another file)."""
    drive, day = shot.folder.split("/")[1:3]
    other = str(rng.choice([d for d in plan.drives if d != drive]))
    target = f"drives/{other}/{day}/{shot.filename}"
    if rng.random() < 0.4 or target in occupied or target.rsplit("/", 1)[0] == zipped:
        target = f"drives/{drive}/backup/{day}/{shot.filename}"
    occupied.add(target)
    return Copy(shot.index, target)


def _note(plan: Plan, drive: str) -> Note:
    days = sorted(
        {s.folder.rsplit("/", 1)[1] for s in plan.shots if s.folder.split("/")[1] == drive}
    )
    text = (
        "Copied from the camera cards. Do not rename or open the files.\n"
        f"Folders on this drive: {len(days)} ({days[0]} to {days[-1]}).\n"
    )
    return Note(f"drives/{drive}/notes.txt", text)


def damaged_bytes(original: bytes, damage: Damage) -> bytes:
    """What is left of a photo's file after ``damage``."""
    rng = np.random.default_rng(damage.seed)
    if damage.kind == "truncated":
        return original[: int(len(original) * rng.uniform(0.3, 0.8))]
    if damage.kind == "zero_bytes":
        return b""
    return rng.bytes(int(rng.integers(100_000, 400_000)))


def write_zip(out: Path, bundle: Bundle, plan: Plan) -> None:
    """Zip the bundle's folder (stored, fixed times and attributes: reproducible), then
    remove the loose files so that the photos exist only inside the zip."""
    with zipfile.ZipFile(out / bundle.path, "w", compression=zipfile.ZIP_STORED) as archive:
        for index in bundle.shots:
            shot = plan.shots[index]
            info = zipfile.ZipInfo(bundle.member(shot), date_time=_zip_time(shot))
            info.create_system = 3  # Unix, whatever machine generated it
            info.external_attr = 0o100644 << 16
            archive.writestr(info, (out / shot.path).read_bytes())
    for index in bundle.shots:
        (out / plan.shots[index].path).unlink()
    (out / bundle.folder).rmdir()


def _zip_time(shot: Shot) -> tuple[int, int, int, int, int, int]:
    t = shot.taken
    return max((t.year, t.month, t.day, t.hour, t.minute, t.second - t.second % 2), ZIP_TIME_FLOOR)
