"""Camera times as EXIF writes them ("2012:05:14 10:31:07"), read tolerantly.

EXIF DateTimeOriginal has no time zone: it is the camera's clock. It is kept as a naive
datetime and compared only with times of the same camera, or shown as a date.
"""

from __future__ import annotations

from datetime import datetime

FORMATS = ("%Y:%m:%d %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S")


def parse_camera_time(text: str | None) -> datetime | None:
    """A camera time, or None when absent or not a time (a zeroed clock, garbage)."""
    if not text:
        return None
    cleaned = text.strip().rstrip("\x00").replace("Z", "")
    cleaned = cleaned.split(".")[0]
    for fmt in FORMATS:
        try:
            moment = datetime.strptime(cleaned[:19], fmt)
        except ValueError:
            continue
        return moment if moment.year >= 1990 else None  # "0000:00:00" clocks, reset cameras
    return None
