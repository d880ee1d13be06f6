"""The catalogue: the numbers on every body, one case per body, and double-entry review.

Modules, in the order of the work:

  digits, vocabulary, layout     digits of three scripts; the branch vocabulary; lines → numbers
  engine, lines, glyphs          RapidOCR's ONNX models run our way; line crops; Eastern digits
  training                       offline: trains the Eastern digit classifier shipped in data/
  reader, reading                one photo → a reading; `catalogue read` over the archive
  consensus, grouping, timing    photos → cases (numbers, time order, near-duplicates)
  assembly                       `catalogue group`: facts from the archive, cases recorded
  review, tui, cardview          double entry: the policy (pure), the terminal screen
  tables, replay, store          rows, their custody events, what verify replays
  cases                          the case listing other capabilities use (``list_cases``)
  stats, report                  counts by branch and month, CSV, an offline HTML page

Nothing here imports numpy or the OCR engine at package import time.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dalil.catalogue.cases import CaseField, CasePhoto, CaseRecord, list_cases, pm_record

_EXPORTS = {
    "CaseField": "dalil.catalogue.cases",
    "CasePhoto": "dalil.catalogue.cases",
    "CaseRecord": "dalil.catalogue.cases",
    "list_cases": "dalil.catalogue.cases",
    "pm_record": "dalil.catalogue.cases",
}

__all__ = ["CaseField", "CasePhoto", "CaseRecord", "list_cases", "pm_record"]


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'dalil.catalogue' has no attribute {name!r}")
    return getattr(import_module(_EXPORTS[name]), name)
