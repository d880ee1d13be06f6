"""The catalogue: the numbers on every body, one case per body, and double-entry review.

Modules, in the order of the work:

  digits, vocabulary, layout     digits of three scripts; the branch vocabulary; lines → numbers
  engine, lines, glyphs          the OCR models (RapidOCR's ONNX files; our Eastern digit model)
  reader                         one photo's bytes → a reading with a confidence per field
  reading                        `catalogue read`: every photo, in a process pool, resumable
  consensus, grouping            photos → cases (numbers, time order, visual similarity)
  review                         the double-entry policy (pure), used by the TUI and the web
  store, cases                   rows and events; the case listing other capabilities use
  stats, report                  counts by branch and month, CSV, an offline HTML page

Nothing here imports numpy or the OCR engine at package import time.
"""

from __future__ import annotations
