"""verify.py runs as a recipient runs it: copied into the package, by Python 3.9 and by the
project's Python, isolated from every installed package (no dalil), and with no network."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dalil.export.verifier import check_bag, check_package

from .packages import Built, build_package, rebag
from .test_verifier_bagit import SUITE
from .test_verifier_package import TAMPERING

PYTHON39 = Path("/root/.pyenv/versions/3.9.18/bin/python3")


def _unshare_works() -> bool:
    if shutil.which("unshare") is None:
        return False
    try:
        done = subprocess.run(["unshare", "-n", "true"], capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


UNSHARE = _unshare_works()
INTERPRETERS = [
    pytest.param([str(PYTHON39), "-I", "-S"], id="python3.9",
                 marks=pytest.mark.skipif(not PYTHON39.exists(), reason=f"no {PYTHON39}")),
    pytest.param([sys.executable, "-I"], id="project-python"),
]  # fmt: skip
NETWORK = [
    pytest.param([], id="network"),
    pytest.param(["unshare", "-n"], id="no-network",
                 marks=pytest.mark.skipif(not UNSHARE, reason="unshare -n is not permitted here")),
]  # fmt: skip


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build_package(tmp_path_factory.mktemp("standalone") / "package")


@pytest.fixture(scope="module")
def package(built: Built) -> Path:
    return built.root


def _run(
    prefix: list[str], python: list[str], package: Path, *args: str
) -> subprocess.CompletedProcess[str]:
    # Run from inside the package, as its README says, with a bare environment.
    return subprocess.run(
        [*prefix, *python, "verify.py", *args],
        cwd=package,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
    )


@pytest.mark.parametrize("prefix", NETWORK)
@pytest.mark.parametrize("python", INTERPRETERS)
def test_verify_py_passes_a_valid_package_with_nothing_installed(
    package: Path, python: list[str], prefix: list[str]
) -> None:
    done = _run(prefix, python, package)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "RESULT: every check holds." in done.stdout
    assert "What this does not prove" in done.stdout
    assert done.stderr == ""
    assert not (package / "__pycache__").exists()  # the package is left as it came


@pytest.mark.parametrize("prefix", NETWORK)
@pytest.mark.parametrize("python", INTERPRETERS)
def test_verify_py_fails_a_tampered_package_naming_the_change(
    package: Path, tmp_path: Path, python: list[str], prefix: list[str]
) -> None:
    tampered = tmp_path / "tampered"
    shutil.copytree(package, tampered)
    metadata = next(tampered.glob("data/*-000001.json"))
    metadata.write_bytes(metadata.read_bytes().replace(b"a/one.jpg", b"a/uno.jpg"))
    rebag(tampered)
    done = _run(prefix, python, tampered)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "problem found" in done.stdout
    assert "receipts[0] says path is" in " ".join(done.stdout.split())


@pytest.mark.parametrize("python", INTERPRETERS)
def test_verify_py_checks_a_package_named_on_the_command_line(
    package: Path, tmp_path: Path, python: list[str]
) -> None:
    done = subprocess.run(
        [*python, str(package / "verify.py"), str(package)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    missing = subprocess.run(
        [*python, str(package / "verify.py"), "--policy", str(tmp_path / "none.txt")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert missing.returncode == 2
    assert "cannot be read" in missing.stdout


def test_main_is_importable_and_returns_the_exit_status(package: Path) -> None:
    from dalil.export.verifier import main

    assert main([str(package)]) == 0
    assert main([str(package / "data")]) == 1


# Run by Python 3.9 from the package's own verify.py, without writing bytecode into it.
SAME_ANSWERS = """
import json, sys
sys.path.insert(0, sys.argv[1])
import verify
packages, bags = json.loads(sys.argv[2]), json.loads(sys.argv[3])
failures = {p: verify.check_package(p).failures for p in packages}
print(json.dumps({
    "packages": {p: [[f.check, str(f)] for f in found] for p, found in failures.items()},
    "bags": {b: verify.check_bag(b) for b in bags},
}))
"""


@pytest.mark.skipif(not PYTHON39.exists(), reason=f"no {PYTHON39}")
def test_python_3_9_finds_every_failure_the_project_python_finds(
    built: Built, tmp_path: Path
) -> None:
    packages = []
    for number, (_, change, remanifest, _, _) in enumerate(TAMPERING):
        root = tmp_path / f"case-{number}"
        shutil.copytree(built.root, root)
        change(Built(root, built.signer, built.witnesses, built.events, built.numbers, built.note))
        if remanifest:
            rebag(root)
        packages.append(str(root))
    bags = [str(b) for b in sorted(SUITE.glob("v*/*/*")) if b.is_dir()]
    expected = {
        "packages": {p: [[f.check, str(f)] for f in check_package(p).failures] for p in packages},
        "bags": {b: check_bag(b) for b in bags},
    }
    done = subprocess.run(
        [str(PYTHON39), "-I", "-S", "-B", "-c", SAME_ANSWERS, str(built.root),
         json.dumps(packages), json.dumps(bags)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == expected
    assert not (built.root / "__pycache__").exists()
