"""Where the array work of the sensor-noise check runs: NumPy, or CuPy on a GPU.

The wavelet denoiser, fingerprints and correlations are written against an array module
``xp`` with NumPy's interface, so one code path serves both. CuPy is optional and never a
dependency: ``device="auto"`` uses it when it imports and sees a GPU, ``"gpu"`` insists
on it, ``"cpu"`` (the default, and what the recorded error rates were measured on) never
touches it.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

import numpy as np

from dalil.authenticity.params import Device
from dalil.errors import InputError

DEVICES = tuple(d.value for d in Device)


def _cupy() -> ModuleType | None:
    try:
        import cupy  # type: ignore[import-not-found, unused-ignore]
    except Exception:  # not installed, or installed without a working CUDA
        return None
    try:
        if int(cupy.cuda.runtime.getDeviceCount()) < 1:
            return None
    except Exception:
        return None
    module: ModuleType = cupy
    return module


def array_module(device: str) -> ModuleType:
    """The array module for ``device``; InputError if a GPU is demanded and absent."""
    if device not in DEVICES:
        raise InputError(f"device {device!r}: use one of {', '.join(DEVICES)}")
    if device == "cpu":
        return np
    module = _cupy()
    if module is not None:
        return module
    if device == "gpu":
        raise InputError(
            "--device gpu needs CuPy with a working CUDA GPU; install cupy, or use --device cpu"
        )
    return np


def to_numpy(array: Any) -> np.ndarray:
    """A NumPy copy of an array from either module."""
    if isinstance(array, np.ndarray):
        return array
    result: np.ndarray = array.get()
    return result


def device_name(xp: ModuleType) -> str:
    return "cpu" if xp is np else "gpu"
