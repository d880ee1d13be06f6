"""What a finding's score measures, in words a reader of the report understands.

Each check writes its score on its own scale; shown bare, "34.2" beside "0.91" beside
"3600" means nothing. The unit follows from the finding's code (and, for the two that
measure two things, from its detail).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

UNITS = {
    "modified-after-capture": "s between capture and the last change",
    "standard-tables": "JPEG quality of the standard tables",
    "double-compression": "log-likelihood ratio (above 0: compressed twice)",
    "sensor-match": "PCE against the claimed camera's sensor pattern",
    "sensor-attributed": "PCE against the attributed camera's sensor pattern",
    "sensor-other-camera": "PCE against another camera's sensor pattern",
    "file-time": "s between the file's time and the camera's clock",
    "gap": "s since the previous file number",
}


def score_unit(code: str, score: str | None = None, detail: Mapping[str, Any] | None = None) -> str:
    """The unit of a finding's score; "" for a code whose score is not measured."""
    detail = detail or {}
    if code == "near-duplicate":
        return {"pdq": "PDQ bits apart (of 256)", "crop": "correlation of the crop (0–1)"}.get(
            str(detail.get("how")), ""
        )
    if code == "thumbnail-mismatch":  # the shape, or else the picture, differs
        if score is not None and str(detail.get("aspect_change")) == score:
            return "change of aspect ratio (fraction)"
        return "grey levels of difference"
    return UNITS.get(code, "")


def with_unit(score: str | None, code: str, detail: Mapping[str, Any] | None = None) -> str:
    """The score and its unit, as a report shows it."""
    if score is None or score == "":
        return "–"
    unit = score_unit(code, score, detail)
    return f"{score} {unit}" if unit else score
