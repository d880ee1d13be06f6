"""The public names of ``dalil.synth`` resolve, and importing the package stays light."""

from __future__ import annotations

import subprocess
import sys

import dalil.synth


def test_every_public_name_resolves() -> None:
    for name in dalil.synth.__all__:
        assert getattr(dalil.synth, name) is not None


def test_importing_the_package_loads_no_image_libraries() -> None:
    code = "import sys, dalil.synth; print(sorted(m for m in ('cv2', 'PIL') if m in sys.modules))"
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == "[]"
