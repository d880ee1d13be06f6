"""Every setting of every check, named, with where its value comes from.

The settings of a run are recorded in its custody event and with each finding, so a
finding can be reproduced exactly years later. Thresholds were set on synthetic
collections (``bench/authenticity.py``) and are reported with the error rates measured
at those settings; changing one changes the rates, so the rates file names the settings
it was measured with.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field, fields
from enum import StrEnum
from typing import Any

from dalil import canonical
from dalil.authenticity.finding import decimal

ANALYSER = "authenticity/1"  # bump when a check's logic changes what it concludes


class Device(StrEnum):
    """Where sensor-noise arrays are computed: NumPy, CuPy on a GPU, or a GPU if present."""

    CPU = "cpu"
    GPU = "gpu"
    AUTO = "auto"


@dataclass(frozen=True)
class CameraParams:
    # A camera's tables are "established" only from this many images claiming it.
    min_group: int = 3
    # A table signature used by at least this share of a camera's images is one of its
    # own (cameras have several quality settings); below it, a stray re-save.
    min_signature_share: float = 0.05
    # The collection "has EXIF" when at least this share of its JPEGs carry a camera.
    exif_majority: float = 0.5


@dataclass(frozen=True)
class SensorParams:
    # Centre crop of the luminance used for PRNU (pixels per side). Larger is stronger
    # evidence and slower; Goljan et al. identify cameras reliably from 512x512 up.
    crop: int = 512
    wavelet: str = "db4"  # Lukáš-Fridrich-Goljan: 8-tap Daubechies, 4 levels, σ0 = 3
    levels: int = 4
    sigma: float = 3.0
    saturation: int = 250  # luminance at or above which PRNU is clipped away
    fingerprint_images: int = 40  # images averaged into a camera's fingerprint
    min_fingerprint_images: int = 4
    # PCE above 60 is the customary decision threshold (Goljan 2009, false alarm ~1e-5
    # per comparison when the image does not come from the camera).
    pce_threshold: float = 60.0
    # Two single images from one sensor correlate clearly above chance (normalised
    # correlation of residuals); used only to cluster images without a known camera.
    cluster_correlation: float = 0.01
    min_cluster: int = 3  # fewer images than this are not counted as a camera
    max_cluster_block: int = 256  # images clustered together at most (memory bound)
    device: str = "cpu"  # cpu | gpu (CuPy) | auto


@dataclass(frozen=True)
class TimelineParams:
    # Seconds the camera clock may differ from the file time beyond the camera's usual
    # offset (copies by card readers keep the camera's time to the second).
    file_time_tolerance_s: int = 120
    # Days a photo's date may differ from the date in its folder's name.
    folder_tolerance_days: int = 1
    # A pause longer than this between consecutive file numbers is reported (as info).
    gap_s: int = 6 * 3600
    earliest_year: int = 1990  # before digital cameras with EXIF: an impossible time


@dataclass(frozen=True)
class ReencodingParams:
    # Largest local difference (grey levels, 5x5 mean) between the EXIF thumbnail and
    # the image scaled down to it, on camera originals at most ~3; pasted cards ~25+.
    thumbnail_difference: float = 8.0
    thumbnail_aspect_tolerance: float = 0.03
    # Double compression: mean log-likelihood ratio per coefficient above which the
    # image's DCT statistics favour a first compression with a camera's tables.
    double_jpeg_llr: float = 0.003
    double_jpeg_positions: int = 15  # low-frequency luminance coefficients tested
    modified_tolerance_s: int = 60  # DateTime later than DateTimeOriginal by more


@dataclass(frozen=True)
class DuplicateParams:
    # PDQ's recommended match threshold (Meta, PDQ paper): 31 of 256 bits.
    pdq_distance: int = 31
    min_pdq_quality: int = 50  # below this PDQ's own confidence is too low to match
    # Crops are matched on the vault's thumbnails by normalised cross-correlation.
    crop_correlation: float = 0.9
    crop_coarse_side: int = 64
    crop_candidates: int = 8  # best coarse candidates verified at full thumbnail size


@dataclass(frozen=True)
class Parameters:
    cameras: CameraParams = field(default_factory=CameraParams)
    sensors: SensorParams = field(default_factory=SensorParams)
    timeline: TimelineParams = field(default_factory=TimelineParams)
    reencoding: ReencodingParams = field(default_factory=ReencodingParams)
    duplicates: DuplicateParams = field(default_factory=DuplicateParams)

    def check(self, name: str) -> dict[str, Any]:
        """One check's settings as canonical-JSON values (numbers with a fraction as text)."""
        return {k: _plain(v) for k, v in asdict(getattr(self, name)).items()}

    def as_json(self) -> dict[str, Any]:
        return {"analyser": ANALYSER, **{f.name: self.check(f.name) for f in fields(self)}}

    def sha256(self) -> str:
        return hashlib.sha256(canonical.dumps(self.as_json())).hexdigest()


def _plain(value: Any) -> Any:
    return decimal(value, 4) if isinstance(value, float) else value
