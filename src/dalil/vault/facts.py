"""The searchable columns of an image's facts: read by derive, checked again by verify.

Kept apart from ``derive`` so that verifying needs none of the imaging libraries.
"""

from __future__ import annotations

from typing import Any


def facts_columns(facts: dict[str, Any]) -> dict[str, Any]:
    """The searchable columns of an image_facts row, all read from its facts JSON."""
    return {
        "width": facts.get("width"),
        "height": facts.get("height"),
        "make": facts.get("make"),
        "model": facts.get("model"),
        "serial": facts.get("serial"),
        "datetime_original": facts.get("datetime_original"),
        "software": facts.get("software"),
        "qt_signature": facts.get("qt_signature"),
        "pdq": facts.get("pdq"),
        "pdq_quality": facts.get("pdq_quality"),
    }
