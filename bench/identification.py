"""Benchmark: identification of missing persons' reports against post-mortem cases.

Ground truth from real faces of living volunteers (no images of the dead): a face set
with one folder per person (default: the ORL faces in ../shared/data/faces/orl, read in
place). For each person the first image is the family's portrait (AM side); the others
are degraded into post-mortem stand-ins (rotation, blur, low contrast, a card over part
of the face, an emaciation-like warp) and grouped into a PM case of ~4 photos. AM
reports and PM cases get Caesar-like attributes (sex, ages, arrest and death dates,
branch numbers, governorate, marks) drawn from one truth per person, each side observed
with its own noise (families' memory, reviewers' estimates).

Distractors: 40 people is a tiny gallery, so every person's degraded photos also make
``--distractors`` further cases, each with the attributes of another, invented person.
When a report is matched, the distractors made from its own person's photos are left
out (one person has one body), so every other case in its gallery is a wrong answer.

Compared side by side, one run:
  face-only      calibrated face weight only (dalil pipeline: rotations, equalisation)
  face-only/tpl  the same, photos combined by a quality-weighted template, not best pair
  face-only/plain  the peer: dlib as commonly used (upright HOG at its default threshold,
                 whole crop when nothing is found); no rotation search, no equalisation
  attributes     the Splink-style comparison levels only
  combined       face + attributes (dalil's ranking)

The face calibration and the u probabilities are fitted without peeking: calibration is
two-fold by person (fitted on half of the people, applied to the other half), u comes
from random report x case pairs (no labels), as in Splink.

Then: query latency at 10k and 100k indexed faces (synthetic vectors), numpy and FAISS;
embedding throughput. Embeddings are cached in bench/.cache (delete it to re-embed).

Detection on catalogue photos: synthetic scenes from ``dalil synth collection`` (floor,
sheet, an abstract shape, a numbered card; half of them with hard cards, some written on
a skin-toned surface) contain no face at all, so every face found in them is false. Each
pipeline is timed on them, one process, one thread:
  dalil          the catalogue's settings (downscaled search, upright first, checked)
  previous       dalil before the check (every orientation at full size, HOG alone)
  plain          dlib as commonly used (upright, default threshold, full size)
Their seeds (``--scene-seed``) differ from those the thresholds were chosen on (11, 12);
the slow previous pipeline sees ``--previous-scenes`` of them. Faces in scenes: a degraded
volunteer face pasted into ``--scene-faces`` scenes at catalogue size (every pipeline
sees the same ones) must be found where it was pasted. Detection recall on real faces is
the share of degraded volunteer faces found by the detector itself (not taken whole as a
crop), in the right orientation; "held out" counts only the people of odd index, whose
faces played no part in choosing the check.

    .venv/bin/python bench/identification.py
    .venv/bin/python bench/identification.py --faces DIR --json out.json
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import random
import shutil
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

# One BLAS thread per query: on a shared 2-core server, OpenBLAS's threads contend with
# each other on a single query's small product and make it several times slower.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np
from PIL import Image, ImageEnhance, ImageFilter

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from dalil.identification import calibration as cal  # noqa: E402
from dalil.identification import scoring  # noqa: E402
from dalil.identification.am_report import Mark, MissingPerson, Name  # noqa: E402
from dalil.identification.case_table import CaseTable, rank_table  # noqa: E402
from dalil.identification.dates import PartialDate  # noqa: E402
from dalil.identification.faces import embedding, pooling  # noqa: E402
from dalil.identification.faces.detection import MAX_SIDE, DetectSettings, find_face  # noqa: E402
from dalil.identification.faces.search import CaseFaces  # noqa: E402
from dalil.identification.records import AMQuery, FaceSet, PMCase  # noqa: E402

DEFAULT_FACES = ROOT.parent / "shared" / "data" / "faces" / "orl"
CACHE = ROOT / "bench" / ".cache"
CACHE_VERSION = "identification-2"
FULL_RANKINGS = 50  # full rankings (face search + every case scored, top 10 explained)
MODES = ("face-only", "face-only/tpl", "face-only/plain", "attributes", "combined")
FULL_SIZE = {"detect_side": MAX_SIDE, "upright_side": MAX_SIDE}  # no downscaled search
PLAIN = DetectSettings(
    angles=(0,), threshold=0.0, floor=0.0, assume_crop=True, equalize=False, verify=False,
    **FULL_SIZE,
)  # fmt: skip
OURS = DetectSettings(assume_crop=True)
# Face-free scenes: the catalogue's settings, dalil before the check, and plain dlib.
SCENE_PIPELINES = {
    "dalil": DetectSettings(),
    "previous": DetectSettings(
        threshold=-0.5, turned_threshold=-0.5, verify=False, upright_first=False, **FULL_SIZE
    ),
    "plain": DetectSettings(
        angles=(0,), threshold=0.0, floor=0.0, equalize=False, verify=False, **FULL_SIZE
    ),
}  # fmt: skip
TURN_TOLERANCE = 45  # degrees: within one 30° step of the turn that undoes the degradation

# ------------------------------------------------------------------ degradation


@dataclass(frozen=True)
class Degradation:
    warp: float
    blur: float
    contrast: float
    brightness: float
    occlusion: tuple[float, float, float, float] | None  # top, left, height, width (fractions)
    shade: int
    angle: float

    def key(self) -> str:
        return json.dumps(self.__dict__, sort_keys=True, default=str)


def draw_degradation(rng: random.Random) -> Degradation:
    turn = rng.choices([0, 90, 270, 180], [0.6, 0.16, 0.16, 0.08])[0]
    occlusion = None
    if rng.random() < 0.5:
        height, width = rng.uniform(0.15, 0.3), rng.uniform(0.3, 0.6)
        occlusion = (rng.uniform(0.55, 1 - height), rng.uniform(0, 1 - width), height, width)
    return Degradation(
        warp=rng.uniform(0.05, 0.2),
        blur=rng.uniform(0.2, 1.0),
        contrast=rng.uniform(0.35, 0.8),
        brightness=rng.uniform(0.7, 1.2),
        occlusion=occlusion,
        shade=rng.randint(180, 250),
        angle=rng.uniform(-25, 25) + turn,
    )


def emaciate(grey: np.ndarray, strength: float) -> np.ndarray:
    """Narrow the lower face (hollow cheeks), leaving the eyes' line in place."""
    import cv2

    height, width = grey.shape
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    centre = width / 2
    lower = np.clip((ys - height * 0.35) / (height * 0.4), 0, 1)
    spread = (xs - centre) / centre
    map_x = centre + (xs - centre) * (1 + strength * lower * (1 - 0.5 * spread**2))
    return cv2.remap(grey, map_x, ys, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def degrade(image: Image.Image, d: Degradation) -> Image.Image:
    grey = np.asarray(image.convert("L"))
    out = Image.fromarray(emaciate(grey, d.warp))
    out = out.filter(ImageFilter.GaussianBlur(d.blur))
    out = ImageEnhance.Contrast(out).enhance(d.contrast)
    out = ImageEnhance.Brightness(out).enhance(d.brightness)
    a = np.array(out)
    if d.occlusion:
        h, w = a.shape
        top, left, oh, ow = d.occlusion
        a[int(top * h) : int((top + oh) * h), int(left * w) : int((left + ow) * w)] = d.shade
    background = int(np.median(a[:4]))
    return Image.fromarray(a).rotate(
        d.angle, resample=Image.Resampling.BILINEAR, expand=True, fillcolor=background
    )


# ------------------------------------------------------------------ faces and embeddings


def load_people(folder: Path) -> list[tuple[str, list[Path]]]:
    def natural(path: Path) -> tuple[int, str]:
        digits = "".join(c for c in path.stem if c.isdigit())
        return (int(digits) if digits else 0, path.name)

    people = []
    for person in sorted(p for p in folder.iterdir() if p.is_dir()):
        images = sorted(
            (p for p in person.iterdir() if p.suffix.lower() in {".pgm", ".jpg", ".jpeg", ".png"}),
            key=natural,
        )
        if len(images) >= 2:
            people.append((person.name, images))
    people.sort(key=lambda p: natural(Path(p[0])))
    return people


@dataclass
class Embedded:
    vector: np.ndarray
    quality: float
    source: str
    angle: int


class Embedder:
    """Embeds images once; results cached on disk by image bytes, degradation, settings."""

    def __init__(self, name: str) -> None:
        CACHE.mkdir(parents=True, exist_ok=True)
        self.path = CACHE / f"{name}.json"
        self.cache: dict[str, Any] = json.loads(self.path.read_text()) if self.path.exists() else {}
        self.computed = 0
        self.seconds = 0.0

    def embed(self, path: Path, d: Degradation | None, settings: DetectSettings) -> Embedded:
        key = hashlib.sha256(
            path.read_bytes() + (d.key() if d else "").encode() + repr(settings).encode()
            + CACHE_VERSION.encode()
        ).hexdigest()  # fmt: skip
        if key not in self.cache:
            image = Image.open(path)
            if d is not None:
                image = degrade(image, d)
            start = time.perf_counter()
            face = embedding.embed_image(image, settings)
            self.seconds += time.perf_counter() - start
            self.computed += 1
            assert face is not None  # assume_crop: always a face
            self.cache[key] = {
                "v": face.vector.tolist(),
                "q": face.quality,
                "s": face.detection.source,
                "a": face.detection.angle,
            }
        hit = self.cache[key]
        return Embedded(np.asarray(hit["v"], np.float32), hit["q"], hit["s"], hit["a"])

    def save(self) -> None:
        self.path.write_text(json.dumps(self.cache))


# ------------------------------------------------------------------ Caesar-like attributes

BRANCHES = {"215": 0.35, "227": 0.2, "235": 0.15, "248": 0.1, "251": 0.1, "216": 0.05, "291": 0.05}
GOVERNORATES = {
    "damascus": 0.35, "rif_dimashq": 0.3, "homs": 0.1, "daraa": 0.1, "hama": 0.05,
    "aleppo": 0.05, "idlib": 0.05,
}  # fmt: skip
MARK_KINDS = ["scar", "tattoo", "birthmark", "missing_tooth"]
REGIONS = ["face", "neck", "chest", "left_arm", "right_arm", "left_hand", "right_hand", "back"]
FIRST_ARREST, LAST_ARREST = date(2011, 3, 15), date(2013, 6, 30)
LAST_PHOTO = date(2013, 8, 31)


def pick(rng: random.Random, shares: dict[str, float]) -> str:
    return rng.choices(list(shares), list(shares.values()))[0]


@dataclass(frozen=True)
class Truth:
    sex: str
    birth: date
    arrest: date
    death: date
    branch: str
    governorate: str
    marks: tuple[Mark, ...]
    seen: date | None  # last seen alive by a co-detainee


def draw_truth(rng: random.Random) -> Truth:
    arrest = FIRST_ARREST + timedelta(rng.randrange((LAST_ARREST - FIRST_ARREST).days))
    while True:
        death = arrest + timedelta(int(rng.lognormvariate(4.5, 0.9)))
        if death <= LAST_PHOTO:
            break
    age = 18 + int(rng.gammavariate(2.0, 7.0))
    birth = arrest - timedelta(days=int(age * 365.25) + rng.randrange(365))
    marks = tuple(
        Mark(rng.choice(MARK_KINDS), rng.choice(REGIONS))
        for _ in range(rng.choices([0, 1, 2], [0.6, 0.3, 0.1])[0])
    )
    seen = arrest + (death - arrest) * rng.random() if rng.random() < 0.25 else None
    return Truth(
        "male" if rng.random() < 0.93 else "female",
        birth,
        arrest,
        death,
        pick(rng, BRANCHES),
        pick(rng, GOVERNORATES),
        marks,
        seen,
    )


def _partial(rng: random.Random, day: date, shares: tuple[float, float, float, float]) -> Any:
    precision = rng.choices(["day", "month", "year", None], shares)[0]
    if precision is None:
        return None
    if precision == "day":
        return PartialDate.of(day)
    if precision == "month":
        return PartialDate(day.year, day.month)
    return PartialDate(day.year)


def am_view(rng: random.Random, t: Truth) -> MissingPerson:
    """What a family reports: mostly right, often vague, sometimes wrong."""
    arrest_day = t.arrest
    if rng.random() < 0.1:
        arrest_day += timedelta(days=rng.choice([-1, 1]) * rng.randint(1, 20))
    branch = None
    if rng.random() < 0.5:  # families often do not know which branch took him
        branch = t.branch if rng.random() < 0.7 else pick(rng, BRANCHES)
    birth = _partial(rng, t.birth, (0.5, 0.0, 0.3, 0.2))
    age = None
    if birth is None and rng.random() < 0.6:
        age = max(0, (t.arrest - t.birth).days // 365 + rng.randint(-2, 2))
    marks = tuple(
        Mark(m.kind, m.region if rng.random() < 0.85 else rng.choice(REGIONS))
        for m in t.marks
        if rng.random() < 0.8
    )
    seen = PartialDate.of(t.seen + timedelta(days=rng.randint(-10, 10))) if t.seen else None
    return MissingPerson(
        name_latin=Name(given="(synthetic)"),
        sex=t.sex if rng.random() < 0.98 else "unknown",
        birth_date=birth,
        age_years=age,
        arrest_date=_partial(rng, arrest_day, (0.5, 0.35, 0.05, 0.1)),
        arrest_governorate=t.governorate if rng.random() < 0.9 else None,
        arresting_branch=branch,
        last_seen_date=seen,
        marks=marks,
    )


def pm_view(rng: random.Random, t: Truth, case_id: str, faces: FaceSet) -> PMCase:
    """What the catalogue records of a body: numbers on the card, reviewers' estimates."""
    sex: str | None = t.sex
    roll = rng.random()
    if roll < 0.025:
        sex = None
    elif roll < 0.03:
        sex = "female" if t.sex == "male" else "male"
    age_at_death = (t.death - t.birth).days / 365.25
    centre = age_at_death + rng.gauss(0, 5)
    age = (max(15, int(centre - 5)), int(centre + 5)) if rng.random() < 0.85 else (None, None)
    branch = None
    if rng.random() < 0.9:
        branch = t.branch if rng.random() < 0.97 else pick(rng, BRANCHES)
    visible = [m for m in t.marks if rng.random() < 0.5]
    if rng.random() < 0.3:  # injuries recorded as scars
        visible.append(Mark("scar", rng.choice(REGIONS)))
    photo_day = t.death + timedelta(days=rng.randint(0, 3))
    return PMCase(
        case_id,
        detainee_number=str(rng.randint(1, 9999)),
        branch=branch,
        report_number=str(rng.randint(1, 7000)),
        death_date=PartialDate.of(t.death) if rng.random() < 0.6 else None,
        photo_dates=(photo_day,),
        sex=sex,
        age_min=age[0],
        age_max=age[1],
        marks=tuple(visible),
        place=(t.governorate if rng.random() < 0.9 else pick(rng, GOVERNORATES))
        if rng.random() < 0.3
        else None,
        faces=faces,
    )


# ------------------------------------------------------------------ the gallery


@dataclass
class Gallery:
    queries: list[AMQuery]
    cases: list[PMCase]
    truth_case: dict[str, str]  # report -> its true case id
    owner: dict[str, int]  # case id -> whose photos it shows
    person_of: dict[str, int]  # report -> person index
    plain_faces: dict[str, FaceSet]  # case id -> faces by the peer pipeline
    plain_portraits: dict[str, FaceSet]
    detection_sources: dict[str, int]
    portrait_sources: dict[str, int]
    genuine_quality: list[tuple[float, float]]  # (quality, distance to own portrait)
    recall: dict[str, Any]  # detection recall on the volunteer faces, per pipeline and side


def build(args: argparse.Namespace, embedder: Embedder, peer: Embedder) -> Gallery:
    rng = random.Random(args.seed)
    people = load_people(args.faces)[: args.people or None]
    if len(people) < 3:
        raise SystemExit(f"{args.faces}: need at least 3 people (folders with ≥ 2 images)")
    pools: list[list[tuple[Path, Degradation]]] = []
    portraits: list[FaceSet] = []
    plain_portraits: list[FaceSet] = []
    portrait_sources: dict[str, int] = {}
    portrait_found: list[Embedded] = []
    plain_portrait_found: list[Embedded] = []
    total = sum(len(images) for _, images in people)
    done = 0
    for _name, images in people:
        shots = images[: args.portraits]
        found = [embedder.embed(p, None, OURS) for p in shots]
        for e in found:
            portrait_sources[e.source] = portrait_sources.get(e.source, 0) + 1
        portraits.append(FaceSet.of([e.vector for e in found], [e.quality for e in found]))
        portrait_found.extend(found)
        plain = [peer.embed(p, None, PLAIN) for p in shots]
        plain_portrait_found.extend(plain)
        plain_portraits.append(FaceSet.of([e.vector for e in plain], [e.quality for e in plain]))
        rest = images[args.portraits :] or images[-1:]
        pools.append([(p, draw_degradation(rng)) for p in rest for _ in range(args.variants)])
        done += len(images)
        print(f"\r  embedding portraits {done}/{total}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    embedded: dict[tuple[int, int], Embedded] = {}
    plain_embedded: dict[tuple[int, int], Embedded] = {}
    count = sum(len(p) for p in pools)
    n = 0
    for person, pool in enumerate(pools):
        for i, (path, d) in enumerate(pool):
            embedded[(person, i)] = embedder.embed(path, d, OURS)
            if not args.no_peer:
                plain_embedded[(person, i)] = peer.embed(path, d, PLAIN)
            n += 1
            if n % 20 == 0 or n == count:
                print(f"\r  embedding post-mortem stand-ins {n}/{count}", end="", file=sys.stderr)
                embedder.save()
                peer.save()
    print(file=sys.stderr)

    queries, cases, truth_case, owner, person_of = [], [], {}, {}, {}
    plain_faces: dict[str, FaceSet] = {}
    sources: dict[str, int] = {}
    genuine_quality = []
    for person, pool in enumerate(pools):
        for e in (embedded[(person, i)] for i in range(len(pool))):
            sources[e.source] = sources.get(e.source, 0) + 1
        for k in range(1 + args.distractors):
            picks = rng.sample(range(len(pool)), min(args.photos, len(pool)))
            chosen = [embedded[(person, i)] for i in picks]
            faces = FaceSet.of([e.vector for e in chosen], [e.quality for e in chosen])
            truth = draw_truth(rng)
            case_id = f"PM-{person:03d}-{k:02d}"
            case = pm_view(rng, truth, case_id, faces)
            cases.append(case)
            owner[case_id] = person
            if not args.no_peer:
                plain = [plain_embedded[(person, i)] for i in picks]
                plain_faces[case_id] = FaceSet.of([e.vector for e in plain])
            if k == 0:  # the true body of this person: the report describes the same truth
                code = f"AM-{person:03d}"
                queries.append(AMQuery(code, am_view(rng, truth), portraits[person]))
                truth_case[code] = case_id
                person_of[code] = person
                assert portraits[person].vectors is not None
                for e in chosen:
                    d = pooling.best_pair(portraits[person].vectors, e.vector[None, :])
                    genuine_quality.append((e.quality, d))
    recall: dict[str, dict[str, list[tuple[Embedded, float]]]] = {
        name: {"pm": [], "pm_held_out": [], "portraits": []} for name in ("dalil", "plain")
    }
    for person, pool in enumerate(pools):
        # The check was tuned on the people of even index (s1, s3, …): odd ones are held out.
        sides = ("pm", "pm_held_out") if person % 2 else ("pm",)
        for i, (_path, d) in enumerate(pool):
            for side in sides:
                recall["dalil"][side].append((embedded[(person, i)], d.angle))
                if not args.no_peer:
                    recall["plain"][side].append((plain_embedded[(person, i)], d.angle))
    recall["dalil"]["portraits"] = [(e, 0.0) for e in portrait_found]
    recall["plain"]["portraits"] = [(e, 0.0) for e in plain_portrait_found]
    return Gallery(
        queries,
        cases,
        truth_case,
        owner,
        person_of,
        plain_faces,
        {f"AM-{i:03d}": fs for i, fs in enumerate(plain_portraits)},
        sources,
        portrait_sources,
        genuine_quality,
        {name: {side: detection_recall(found) for side, found in sides.items() if found}
         for name, sides in recall.items()},
    )  # fmt: skip


def detection_recall(found: list[tuple[Embedded, float]]) -> dict[str, Any]:
    """Faces found by the detector (not taken whole), and in the orientation that undoes
    the degradation's turn (within one 30° step)."""
    detected = [(e, turn) for e, turn in found if e.source == "detector"]
    upright = sum(abs((e.angle + turn + 180) % 360 - 180) <= TURN_TOLERANCE for e, turn in detected)
    return {
        "images": len(found),
        "detected": len(detected),
        "right_orientation": upright,
        "recall": round(upright / len(found), 3),
    }


# ------------------------------------------------------------------ evaluation


def face_evidence(
    query: AMQuery, cases: list[PMCase], how: str, plain: Gallery | None = None
) -> dict[str, scoring.FaceEvidence]:
    found = {}
    for case in cases:
        if plain is not None:
            left, right = plain.plain_portraits[query.report], plain.plain_faces[case.case_id]
        else:
            left, right = query.faces, case.faces
        assert left.vectors is not None and right.vectors is not None
        if how == "template":
            d = pooling.template_distance(
                left.vectors, left.qualities, right.vectors, right.qualities
            )
        else:
            d = pooling.best_pair(left.vectors, right.vectors)
        found[case.case_id] = scoring.FaceEvidence(d, len(left) * len(right))
    return found


def gallery_for(g: Gallery, query: AMQuery) -> list[PMCase]:
    """Every case but the distractors made from the report's own person's photos."""
    me = g.person_of[query.report]
    return [
        c for c in g.cases if g.owner[c.case_id] != me or c.case_id == g.truth_case[query.report]
    ]


def fit_calibrations(
    g: Gallery, evidence: dict[str, dict[str, scoring.FaceEvidence]]
) -> dict[int, cal.FaceCalibration]:
    """Two folds by person: each half's calibration is fitted on the other half."""
    folds: dict[int, cal.FaceCalibration] = {}
    for fold in (0, 1):
        genuine, impostor = [], []
        for q in g.queries:
            if g.person_of[q.report] % 2 == fold:
                continue
            for case_id, e in evidence[q.report].items():
                (genuine if case_id == g.truth_case[q.report] else impostor).append(e.distance)
        folds[fold] = cal.fit(genuine, impostor, f"bench fold {1 - fold}")
    return folds


def evaluate(g: Gallery, args: argparse.Namespace) -> dict[str, Any]:
    galleries = {q.report: gallery_for(g, q) for q in g.queries}
    evidence = {how: {q.report: face_evidence(q, galleries[q.report], how) for q in g.queries}
                for how in ("best", "template")}  # fmt: skip
    calibrations = {how: fit_calibrations(g, evidence[how]) for how in evidence}
    if not args.no_peer:
        evidence["plain"] = {
            q.report: face_evidence(q, galleries[q.report], "best", g) for q in g.queries
        }
        calibrations["plain"] = fit_calibrations(g, evidence["plain"])
    weights = scoring.estimate_u(g.queries, g.cases, pairs=50_000, seed=args.seed)
    plan = {
        "face-only": ("best", True, False),
        "face-only/tpl": ("template", True, False),
        "face-only/plain": ("plain", True, False),
        "attributes": ("best", False, True),
        "combined": ("best", True, True),
    }
    results: dict[str, Any] = {}
    for mode, (how, use_face, use_attributes) in plan.items():
        if how not in evidence:
            continue
        ranks, shortlists, wrongly_excluded = [], [], 0
        for q in g.queries:
            calibration = calibrations[how][g.person_of[q.report] % 2]
            ranking = scoring.rank(
                q, galleries[q.report], evidence[how][q.report], weights, calibration,
                use_face=use_face, use_attributes=use_attributes,
            )  # fmt: skip
            rank = ranking.rank_of(g.truth_case[q.report])
            if rank is None:
                wrongly_excluded += 1
            ranks.append(rank if rank is not None else len(galleries[q.report]) + 1)
            shortlists.append(len(ranking.candidates))
        results[mode] = {
            "recall@1": sum(r <= 1 for r in ranks) / len(ranks),
            "recall@10": sum(r <= 10 for r in ranks) / len(ranks),
            "recall@50": sum(r <= 50 for r in ranks) / len(ranks),
            "median_rank": statistics.median(ranks),
            "median_shortlist": statistics.median(shortlists),
            "true_case_excluded": wrongly_excluded,
        }
    everyone = cal.fit(
        [e.distance for q in g.queries for c, e in evidence["best"][q.report].items()
         if c == g.truth_case[q.report]],
        [e.distance for q in g.queries for c, e in evidence["best"][q.report].items()
         if c != g.truth_case[q.report]],
        "all people",
    )  # fmt: skip
    return {
        "modes": results,
        "calibration_all_people": {
            "intercept": round(everyone.intercept, 2),
            "slope": round(everyone.slope, 2),
            "even_odds_distance": round(everyone.even_odds_distance(), 3),
        },
        "gallery_per_report": statistics.median(len(v) for v in galleries.values()),
        "calibration": {
            f"fold {fold}": {
                "bits_at_0.4": round(c.bits(0.4), 2),
                "bits_at_0.6": round(c.bits(0.6), 2),
                "even_odds_distance": round(c.even_odds_distance(), 3),
            }
            for fold, c in calibrations["best"].items()
        },
    }


def quality_correlation(pairs: list[tuple[float, float]]) -> float:
    """Spearman correlation of face quality with the distance to the person's portrait."""

    def ranks(values: list[float]) -> list[float]:
        order = sorted(range(len(values)), key=values.__getitem__)
        out = [0.0] * len(values)
        for r, i in enumerate(order):
            out[i] = float(r)
        return out

    q, d = ranks([p[0] for p in pairs]), ranks([p[1] for p in pairs])
    return float(np.corrcoef(q, d)[0, 1])


# ------------------------------------------------------------------ scale


def latency(sizes: list[int], queries: int, seed: int) -> dict[str, Any]:
    """Face search per report at scale, and the full ranking (face + every attribute)."""
    rng = np.random.default_rng(seed)
    attributes = random.Random(seed)
    results: dict[str, Any] = {}
    per_case = 4
    for size in sizes:
        vectors = rng.normal(size=(size, 128)).astype(np.float32)
        vectors *= 0.045 / vectors.std()  # the spread of real dlib embeddings
        cases = []
        for i in range(size // per_case):
            faces = FaceSet(vectors[i * per_case : (i + 1) * per_case], (1.0,) * per_case)
            cases.append(pm_view(attributes, draw_truth(attributes), f"S{i:06d}", faces))
        noise = rng.normal(0, 0.02, (queries, 128)).astype(np.float32)
        probes = vectors[rng.integers(0, size, queries)] + noise
        for backend in ("numpy", "faiss"):
            start = time.perf_counter()
            index = CaseFaces(cases, backend)
            table = CaseTable(cases)
            built = time.perf_counter() - start
            search, full = [], []
            for n, probe in enumerate(probes):
                query = AMQuery("AM-X", am_view(attributes, draw_truth(attributes)))
                start = time.perf_counter()
                evidence = index.evidence(FaceSet.of(probe[None, :]))
                search.append((time.perf_counter() - start) * 1000)
                if n < FULL_RANKINGS:
                    rank_table(query, table, evidence, explain=10)
                    full.append((time.perf_counter() - start) * 1000)
            results[f"{size // 1000}k/{index.backend}"] = {
                "faces": size,
                "build_s": round(built, 2),
                "p50_ms": round(float(np.percentile(search, 50)), 1),
                "p95_ms": round(float(np.percentile(search, 95)), 1),
                "full_ranking_p50_ms": round(float(np.percentile(full, 50)), 1),
                "full_ranking_p95_ms": round(float(np.percentile(full, 95)), 1),
            }
    return results


def throughput(args: argparse.Namespace) -> dict[str, Any]:
    """Faces per second, from image to embedding, on fresh (uncached) stand-ins."""
    rng = random.Random(args.seed + 1)
    people = load_people(args.faces)
    images = [
        degrade(Image.open(rng.choice(paths)), draw_degradation(rng))
        for _, paths in rng.choices(people, k=args.throughput)
    ]
    portraits = [Image.open(paths[0]) for _, paths in people[: args.throughput]]
    result: dict[str, Any] = {"images": len(images), "process": "one process, one thread"}
    for name, settings, batch in (
        ("pm_faces_per_s", OURS, images),
        ("peer_pm_faces_per_s", PLAIN, images),
        ("portraits_per_s", OURS, portraits),
    ):
        start = time.perf_counter()
        for image in batch:
            embedding.embed_image(image, settings)
        result[name] = round(len(batch) / (time.perf_counter() - start), 2)
    return result


# ------------------------------------------------------------------ catalogue photos


def face_free_scenes(seed: int, photos: int) -> list[Path]:
    """Loose, undamaged photos of two synthetic collections (plain and hard cards)."""
    from dalil.synth import SynthOptions, generate_collection

    paths: list[Path] = []
    for offset, hard in ((0, False), (1, True)):
        folder = CACHE / f"scenes-{seed + offset}-{photos}{'-hard' if hard else ''}"
        if not (folder / "ground-truth.json").exists():
            partial = folder.with_name(folder.name + ".partial")
            shutil.rmtree(partial, ignore_errors=True)
            options = SynthOptions(photos=photos, seed=seed + offset, hard_cards=hard, workers=1)
            generate_collection(partial, options)
            partial.rename(folder)
        truth = json.loads((folder / "ground-truth.json").read_text())
        loose = [f for f in truth["files"] if f["kind"] == "photo" and f["member"] is None]
        paths += [folder / f["path"] for f in loose if f["damage"] is None]
    return paths


def spread(items: list[Any], count: int) -> list[Any]:
    """``count`` items taken evenly across the list (plain and hard scenes alike)."""
    if count >= len(items):
        return items
    return [items[i * len(items) // count] for i in range(count)]


def timed_detection(image: Image.Image, settings: DetectSettings) -> tuple[Any, float, float]:
    """The face found, wall seconds and CPU seconds (the one-core cost, which other jobs
    on a shared machine inflate less than the wall time)."""
    start, cpu = time.perf_counter(), time.process_time()
    found = find_face(image, settings)
    return found, time.perf_counter() - start, time.process_time() - cpu


def scene_detection(paths: list[Path], previous: int) -> dict[str, Any]:
    """False faces and seconds per photo on face-free scenes, per pipeline."""
    results: dict[str, Any] = {}
    decode = []
    for name, settings in SCENE_PIPELINES.items():
        chosen = spread(paths, previous) if name == "previous" else paths
        false, seconds, cpu = 0, [], []
        for path in chosen:
            start = time.perf_counter()
            image = Image.open(path)
            image.load()
            decode.append(time.perf_counter() - start)
            found, elapsed, used = timed_detection(image, settings)
            seconds.append(elapsed)
            cpu.append(used)
            false += found is not None
        results[name] = {
            "photos": len(chosen),
            "false_faces": false,
            "s_per_photo": round(statistics.mean(seconds), 3),
            "s_per_photo_p95": round(float(np.percentile(seconds, 95)), 3),
            "cpu_s_per_photo": round(statistics.mean(cpu), 3),
            "photos_per_s": round(len(seconds) / sum(seconds), 2),
        }
    results["decode_ms"] = round(1000 * statistics.mean(decode), 1)
    return results


def pasted_face(
    rng: random.Random, scene: Image.Image, face: Image.Image
) -> tuple[Image.Image, tuple[float, float], float]:
    """A degraded volunteer face pasted into a scene at catalogue size; its centre, width."""
    photo = scene.convert("L")
    width = rng.uniform(0.08, 0.25) * max(photo.size)
    face = face.resize(
        (round(width), round(width * face.height / face.width)), Image.Resampling.BICUBIC
    )
    left = rng.randrange(0, photo.width - face.width)
    top = rng.randrange(0, photo.height - face.height)
    photo.paste(face, (left, top))
    return photo, (left + face.width / 2, top + face.height / 2), width


def turned_point(
    point: tuple[float, float], size: tuple[int, int], angle: int, turned: tuple[int, int]
) -> tuple[float, float]:
    """Where ``point`` of an image of ``size`` lies once the image is turned (PIL, expand)."""
    theta = math.radians(angle)
    dx, dy = point[0] - size[0] / 2, point[1] - size[1] / 2
    x = math.cos(theta) * dx + math.sin(theta) * dy + turned[0] / 2
    y = -math.sin(theta) * dx + math.cos(theta) * dy + turned[1] / 2
    return x, y


def faces_in_scenes(args: argparse.Namespace, paths: list[Path]) -> dict[str, Any]:
    """Recall on real faces at catalogue size: a degraded volunteer face pasted into each
    of ``--scene-faces`` scenes must be found where it was pasted."""
    rng = random.Random(args.seed + 2)
    people = load_people(args.faces)
    composites = []
    for path in spread(paths, args.scene_faces):
        _name, images = rng.choice(people)
        face = degrade(Image.open(rng.choice(images[1:])), draw_degradation(rng))
        composites.append(pasted_face(rng, Image.open(path), face))
    results: dict[str, Any] = {}
    for name, settings in SCENE_PIPELINES.items():
        found, seconds = 0, []
        for photo, centre, _width in composites:
            d, elapsed, _cpu = timed_detection(photo, settings)
            seconds.append(elapsed)
            if d is None:
                continue
            prepared = (round(photo.width * d.scale), round(photo.height * d.scale))
            point = (centre[0] * d.scale, centre[1] * d.scale)
            x, y = turned_point(point, prepared, d.angle, (d.upright.shape[1], d.upright.shape[0]))
            left, top, right, bottom = d.box
            inside = left <= x <= right and top <= y <= bottom
            found += inside
        results[name] = {
            "photos": len(composites),
            "found": found,
            "recall": round(found / len(composites), 3),
            "s_per_photo": round(statistics.mean(seconds), 3),
        }
    return results


# ------------------------------------------------------------------ main


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--faces", type=Path, default=DEFAULT_FACES, help="one folder per person")
    parser.add_argument(
        "--json", nargs="?", const="-", default=None, help="write JSON (to a file, or - for stdout)"
    )
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--portraits", type=int, default=1, help="portraits per report")
    parser.add_argument("--photos", type=int, default=4, help="photos per PM case")
    parser.add_argument("--variants", type=int, default=2, help="degraded versions of each image")
    parser.add_argument("--distractors", type=int, default=10, help="distractor cases per person")
    parser.add_argument("--scale", default="10000,100000", help="indexed faces for latency")
    parser.add_argument("--latency-queries", type=int, default=200)
    parser.add_argument("--throughput", type=int, default=40, help="images timed for faces/s")
    parser.add_argument("--people", type=int, default=0, help="only the first N people (0: all)")
    parser.add_argument("--no-peer", action="store_true", help="skip the plain dlib peer")
    parser.add_argument("--scene-seed", type=int, default=7001, help="face-free scenes' seed")
    parser.add_argument(
        "--scenes", type=int, default=60, help="photos per synthetic collection (two)"
    )
    parser.add_argument(
        "--scene-faces", type=int, default=50, help="scenes with a pasted face (every pipeline)"
    )
    parser.add_argument(
        "--previous-scenes",
        type=int,
        default=50,
        help="photos for the slow previous pipeline (seconds each)",
    )
    args = parser.parse_args()  # fmt: skip

    embedder, peer = Embedder("identification-ours"), Embedder("identification-plain")
    started = time.perf_counter()
    g = build(args, embedder, peer)
    embedder.save()
    peer.save()
    figures = evaluate(g, args)
    figures["latency"] = latency(
        [int(s) for s in args.scale.split(",") if s], args.latency_queries, args.seed
    )
    figures["throughput"] = throughput(args)
    scenes = face_free_scenes(args.scene_seed, args.scenes)
    figures["detection"] = {
        "scene_seeds": [args.scene_seed, args.scene_seed + 1],
        "face_free_scenes": scene_detection(scenes, args.previous_scenes),
        "faces_in_scenes": faces_in_scenes(args, scenes),
        "volunteer_faces": g.recall,
    }
    figures["data"] = {
        "faces": str(args.faces),
        "people": len(g.queries),
        "cases": len(g.cases),
        "photos_per_case": args.photos,
        "distractors_per_person": args.distractors,
        "pm_detection_sources": g.detection_sources,
        "portrait_detection_sources": g.portrait_sources,
        "quality_vs_genuine_distance_spearman": round(quality_correlation(g.genuine_quality), 3),
        "gpu": detection_gpu(),
        "seconds": round(time.perf_counter() - started, 1),
    }
    print_table(figures, sys.stderr if args.json == "-" else sys.stdout)
    if args.json:
        text = json.dumps(figures, indent=2)
        if args.json == "-":
            print(text)
        else:
            Path(args.json).write_text(text + "\n")


def detection_gpu() -> str:
    from dalil.identification.faces import index, models

    return f"dlib cuda: {models.dlib_uses_gpu()}, faiss gpus: {index.faiss_gpus()}"


def print_table(f: dict[str, Any], out: Any) -> None:
    d = f["data"]
    say = lambda *parts: print(*parts, file=out)  # noqa: E731
    say(
        f"\nfaces {d['faces']}: {d['people']} reports, {d['cases']} PM cases "
        f"({d['photos_per_case']} photos each; {d['distractors_per_person']} distractor cases "
        f"per person); median gallery per report {f['gallery_per_report']}"
    )
    say(f"{'mode':18}{'R@1':>7}{'R@10':>7}{'R@50':>7}{'med.rank':>10}{'shortlist':>11}"
        f"{'true excl.':>12}")  # fmt: skip
    for mode, r in f["modes"].items():
        excluded = r["true_case_excluded"]
        say(f"{mode:18}{r['recall@1']:7.3f}{r['recall@10']:7.3f}{r['recall@50']:7.3f}"
            f"{r['median_rank']:10}{r['median_shortlist']:11}{excluded:12}")  # fmt: skip
    say("\nface calibration (two folds):", json.dumps(f["calibration"]))
    say("face calibration (all people; the default in calibration.py):",
        json.dumps(f["calibration_all_people"]))  # fmt: skip
    say("PM detections by source:", d["pm_detection_sources"],
        "portraits:", d["portrait_detection_sources"])  # fmt: skip
    say(
        "quality vs distance to own portrait (Spearman):", d["quality_vs_genuine_distance_spearman"]
    )
    say(f"\n{'query latency':18}{'faces':>9}{'build s':>9}{'search p50':>12}{'p95 ms':>8}"
        f"{'full ranking p50':>18}{'p95 ms':>8}")  # fmt: skip
    for name, r in f["latency"].items():
        say(f"{name:18}{r['faces']:9}{r['build_s']:9}{r['p50_ms']:12}{r['p95_ms']:8}"
            f"{r['full_ranking_p50_ms']:18}{r['full_ranking_p95_ms']:8}")  # fmt: skip
    t = f["throughput"]
    say(f"\nembedding throughput ({t['images']} images, {t['process']}): post-mortem stand-ins "
        f"{t['pm_faces_per_s']} faces/s (rotation search), peer {t['peer_pm_faces_per_s']} "
        f"faces/s (upright only); portraits {t['portraits_per_s']} faces/s")  # fmt: skip
    print_detection(f["detection"], say)
    say(f"{d['gpu']}; total {d['seconds']} s")


def print_detection(f: dict[str, Any], say: Any) -> None:
    scenes = f["face_free_scenes"]
    seeds = "/".join(str(s) for s in f["scene_seeds"])
    say(f"\ndetection on face-free synthetic scenes (dalil synth collection, seeds {seeds}, "
        f"plain and hard cards; decoding {scenes['decode_ms']} ms a photo not timed)")  # fmt: skip
    say(f"{'pipeline':10}{'photos':>7}{'false faces':>13}{'s/photo':>9}{'p95 s':>7}{'CPU s':>7}"
        f"{'photos/s':>9}{'faces in scenes found':>23}")  # fmt: skip
    pasted = f["faces_in_scenes"]
    for name, r in scenes.items():
        if name == "decode_ms":
            continue
        p = pasted[name]
        share = r["false_faces"] / r["photos"]
        say(
            f"{name:10}{r['photos']:7}{r['false_faces']:>7} ({share:4.0%})"
            f"{r['s_per_photo']:9.3f}{r['s_per_photo_p95']:7.2f}{r['cpu_s_per_photo']:7.3f}"
            f"{r['photos_per_s']:9.2f}{p['found']:>12}/{p['photos']} ({p['recall']:.0%})"
        )  # fmt: skip
    say(
        "faces in scenes: a degraded volunteer face pasted into a scene (8–25% of its long "
        "side), found at its place"
    )
    for name, sides in f["volunteer_faces"].items():
        parts = [f"{side} {r['right_orientation']}/{r['images']} ({r['recall']:.1%}; "
                 f"{r['detected']} detected)" for side, r in sides.items()]  # fmt: skip
        say(
            f"volunteer faces found by the detector in the right orientation, {name}: "
            + ", ".join(parts)
        )


if __name__ == "__main__":
    main()
