"""Synthetic, non-graphic photo collections with the structure of the real one.

Nothing generated here depicts a person: scenes are a floor, a sheet, an abstract shape
and a numbered card. What is real is the structure an examiner works with: several
cameras with their own EXIF, quantization tables and sensor noise, sessions by date on
several drives, about four photos per case, duplicates, damaged files, a zip, and a
ground-truth file that says all of it.
"""

from dalil.synth.collection import (
    GENERATOR_VERSION,
    CollectionSummary,
    SynthOptions,
    generate_collection,
)
from dalil.synth.truth import FILE_NAME as GROUND_TRUTH_FILE

__all__ = [
    "GENERATOR_VERSION",
    "GROUND_TRUTH_FILE",
    "CollectionSummary",
    "SynthOptions",
    "generate_collection",
]
