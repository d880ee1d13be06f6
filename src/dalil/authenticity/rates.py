"""The measured error rates of each check, as shipped with this version of dalil.

``error_rates.json`` (next to this module) is written by ``bench/authenticity.py`` from
a synthetic collection with known manipulations; it names the benchmark, the collection
and the settings it was measured with. Every finding quotes its check's figures, so a
reader in court sees how often the check is wrong without asking anyone.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

FILE = "error_rates.json"
UNMEASURED = {"status": "not measured for this version of dalil"}


@cache
def load() -> dict[str, Any]:
    text = resources.files("dalil.authenticity").joinpath(FILE).read_text(encoding="utf-8")
    value: dict[str, Any] = json.loads(text)
    return value


def for_check(check: str) -> dict[str, Any]:
    """The check's measured figures (all numbers as text), with where they come from."""
    data = load()
    figures = data.get("checks", {}).get(check)
    if figures is None:
        return dict(UNMEASURED)
    return {**figures, "measured": data.get("measured", {})}
