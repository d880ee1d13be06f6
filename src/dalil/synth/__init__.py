"""Synthetic, non-graphic photo collections with the structure of the real one.

Nothing generated here depicts a person: scenes are a floor, a sheet, an abstract shape
and a numbered card. What is real is the structure an examiner works with: several
cameras with their own EXIF, quantization tables and sensor noise, sessions by date on
several drives, about four photos per case, duplicates, damaged files, a zip, known
manipulations, and a ground-truth file that says all of it.

The names below load on first use, so that importing another module of this package
(``dalil.synth.lists``) does not pull in OpenCV and Pillow.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dalil.synth.collection import (
        GENERATOR_VERSION,
        CollectionSummary,
        SynthOptions,
        generate_collection,
    )
    from dalil.synth.truth import FILE_NAME as GROUND_TRUTH_FILE
    from dalil.synth.truth import read_truth

_EXPORTS = {
    "GENERATOR_VERSION": ("dalil.synth.collection", "GENERATOR_VERSION"),
    "CollectionSummary": ("dalil.synth.collection", "CollectionSummary"),
    "SynthOptions": ("dalil.synth.collection", "SynthOptions"),
    "generate_collection": ("dalil.synth.collection", "generate_collection"),
    "GROUND_TRUTH_FILE": ("dalil.synth.truth", "FILE_NAME"),
    "read_truth": ("dalil.synth.truth", "read_truth"),
}

__all__ = [
    "GENERATOR_VERSION",
    "GROUND_TRUTH_FILE",
    "CollectionSummary",
    "SynthOptions",
    "generate_collection",
    "read_truth",
]


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'dalil.synth' has no attribute {name!r}")
    module, attribute = _EXPORTS[name]
    return getattr(import_module(module), attribute)
