"""`make demo`: the main job end to end on the embedded default, with a summary.

On a small synthetic collection (never a real image; a few living volunteers' faces on
some of its bodies), one stage per capability, in pipeline order, on a fresh archive:
ingest with a stated custody claim, verify, authenticity, catalogue (numbers read,
photos grouped into cases), families' reports matched with their portraits and confirmed
by two reviewers, victim lists linked and the total estimated, a court package checked
by its own ``verify.py`` in a fresh interpreter, the public release. It prints what each
stage found, with counts and seconds, and the path of every report and package.

    python -m dalil.demo [OUTPUT_DIR] [--photos N]

Rerunning in the same folder reuses the generated collection and starts a new archive.
"""

from dalil.demo.pipeline import DEFAULT_PHOTOS, run

__all__ = ["DEFAULT_PHOTOS", "run"]
