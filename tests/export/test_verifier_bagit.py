"""The verifier's bag checks: the Library of Congress conformance suite, read in place, and
the escapes a hostile bag could try."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from dalil.export.verifier import check_bag, parse_bag_info, unsafe_path

SUITE = Path(__file__).resolve().parents[3] / "shared" / "data" / "bagit-conformance"
OLD_VERSION = "this checker reads 1.0"


def _cases(version: str, *categories: str) -> list[Path]:
    folders = [SUITE / version / c for c in categories]
    return sorted(
        bag for folder in folders if folder.is_dir() for bag in folder.iterdir() if bag.is_dir()
    )


def _id(bag: Path) -> str:
    return f"{bag.parent.name}/{bag.name}"


needs_suite = pytest.mark.skipif(not SUITE.is_dir(), reason=f"the suite is not at {SUITE}")


@needs_suite
@pytest.mark.parametrize("bag", _cases("v1.0", "valid"), ids=_id)
def test_every_valid_1_0_bag_is_accepted(bag: Path) -> None:
    assert check_bag(bag) == []


@needs_suite
@pytest.mark.parametrize("bag", _cases("v1.0", "invalid", "linux-only"), ids=_id)
def test_every_invalid_1_0_bag_is_rejected(bag: Path) -> None:
    assert check_bag(bag)


# The suite's earlier versions hold the path-escaping cases (.., absolute paths, ~, drive
# letters, UNC paths, in manifests and in fetch.txt). Those bags declare BagIt 0.97, which
# this checker refuses as such; each must also be refused for its own fault, and every valid
# one must be refused for its version alone.
@needs_suite
@pytest.mark.parametrize("bag", _cases("v0.97", "invalid", "linux-only", "windows-only"), ids=_id)
def test_every_invalid_0_97_bag_is_rejected_for_its_own_fault(bag: Path) -> None:
    assert [p for p in check_bag(bag) if OLD_VERSION not in p]


@needs_suite
@pytest.mark.parametrize("bag", _cases("v0.97", "valid"), ids=_id)
def test_valid_0_97_bags_fail_only_for_their_version(bag: Path) -> None:
    assert [p for p in check_bag(bag) if OLD_VERSION not in p] == []


@needs_suite
@pytest.mark.parametrize(
    ("case", "words"),
    [
        ("invalid/out-of-scope-file-paths-using-dot-notation", "'..'"),
        ("invalid/out-of-scope-file-paths-using-dot-notation-for-fetch", "'..'"),
        ("linux-only/out-of-scope-file-paths-using-absolute-path", "absolute path"),
        ("linux-only/out-of-scope-file-paths-using-absolute-path-for-fetch", "absolute path"),
        ("linux-only/out-of-scope-file-paths-using-shortcut", "outside the payload"),
        ("windows-only/out-of-scope-file-paths-using-absolute-path", "absolute path"),
        ("windows-only/out-of-scope-file-paths-using-unc", "absolute path"),
    ],
)
def test_path_escapes_in_the_suite_are_named(case: str, words: str) -> None:
    assert any(words in p for p in check_bag(SUITE / "v0.97" / case))


def _write_bag(root: Path, files: dict[str, bytes], manifest: str | None = None) -> Path:
    """A BagIt 1.0 bag with a sha256 manifest (written here, or the one given)."""
    (root / "data").mkdir(parents=True)
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    (root / "bagit.txt").write_text("BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n")
    if manifest is None:
        manifest = "".join(
            f"{hashlib.sha256(c).hexdigest()}  {n.replace('%', '%25')}\n" for n, c in files.items()
        )
    (root / "manifest-sha256.txt").write_text(manifest, newline="")
    return root


def test_a_bag_written_here_is_valid(tmp_path: Path) -> None:
    assert check_bag(_write_bag(tmp_path, {"data/a.txt": b"a", "data/d/b.txt": b"b"})) == []


def test_percent_encoded_names_are_decoded_once(tmp_path: Path) -> None:
    # "100%25" is the file "100%"; "%2541" is "%41", not "A".
    bag = _write_bag(tmp_path, {"data/100%": b"x", "data/%41": b"y"})
    assert check_bag(bag) == []
    manifest = (bag / "manifest-sha256.txt").read_text()
    assert "data/100%25" in manifest and "data/%2541" in manifest


def test_a_name_with_a_newline_is_percent_encoded(tmp_path: Path) -> None:
    digest = hashlib.sha256(b"x").hexdigest()
    bag = _write_bag(tmp_path, {"data/a\nb": b"x"}, f"{digest}  data/a%0Ab\n")
    assert check_bag(bag) == []


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("../outside.txt", "'..'"),
        ("data/../../outside.txt", "'..'"),
        ("/etc/passwd", "absolute"),
        ("C:\\Windows\\win.ini", "absolute"),
        ("\\\\server\\share\\x", "absolute"),
        ("data/..\\..\\x", "'..'"),
        ("data/a%2F..%2F..%2Fx", "missing"),  # %2F is not a separator: a missing file
    ],
)
def test_manifest_paths_leading_outside_are_refused(tmp_path: Path, path: str, words: str) -> None:
    digest = hashlib.sha256(b"x").hexdigest()
    bag = _write_bag(tmp_path / "bag", {"data/a": b"x"}, f"{digest}  data/a\n{digest}  {path}\n")
    (tmp_path / "outside.txt").write_bytes(b"x")
    problems = check_bag(bag)
    assert any(words in p for p in problems), problems


@pytest.mark.skipif(os.name == "nt", reason="symbolic links need privileges on Windows")
@pytest.mark.parametrize("link", ["data/escape", "data/inner/escape"])
def test_a_link_leading_outside_the_bag_is_refused(tmp_path: Path, link: str) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_bytes(b"not the bag's")
    bag = _write_bag(tmp_path / "bag", {"data/a": b"x"})
    target = bag / link
    target.parent.mkdir(parents=True, exist_ok=True)
    target.symlink_to(secret)
    digest = hashlib.sha256(b"not the bag's").hexdigest()
    with (bag / "manifest-sha256.txt").open("a") as f:
        f.write(f"{digest}  {link}\n")
    problems = check_bag(bag)
    assert any(f"{link} is a link" in p for p in problems), problems


@pytest.mark.skipif(os.name == "nt", reason="symbolic links need privileges on Windows")
def test_a_linked_folder_is_refused_and_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "f").write_bytes(b"x")
    bag = _write_bag(tmp_path / "bag", {"data/a": b"x"})
    (bag / "data" / "linked").symlink_to(outside, target_is_directory=True)
    digest = hashlib.sha256(b"x").hexdigest()
    with (bag / "manifest-sha256.txt").open("a") as f:
        f.write(f"{digest}  data/linked/f\n")
    problems = check_bag(bag)
    assert any("data/linked is a link" in p for p in problems)
    assert any("data/linked/f is listed" in p and "missing" in p for p in problems)


ZEROS = "0" * 64
# (the file changed, its new content, or None to delete it; words the problem must hold)
FAULTS: list[tuple[str, str | None, str]] = [
    ("data/a", "changed", "SHA256 checksum"),
    ("data/new", "n", "not listed in manifest-sha256.txt"),
    ("data/a", None, "missing from the bag"),
    ("bagit.txt", None, "bagit.txt cannot be read"),
    ("manifest-sha256.txt", None, "no payload manifest"),
    ("manifest-sha256.txt", "xyz  data/a\n", "line 1"),
    ("manifest-sha256.txt", f"{ZEROS}data/a\n", "line 1"),
    ("manifest-sha256.txt", f"{ZEROS[1:]}  data/a\n", "line 1"),
    ("manifest-md7.txt", "", "md7"),
    ("bagit.txt", "BagIt-Version: 1.0\n", "exactly the two lines"),
    ("bagit.txt", "BagIt-Version:  1.0\nTag-File-Character-Encoding: UTF-8\n", "exactly"),
    ("bagit.txt", "BagIt-Version: 1.0\nTag-File-Character-Encoding: NO-9\n", "unknown encoding"),
    ("bag-info.txt", "Payload-Oxum: 2.1\n", "Payload-Oxum says 2.1"),
    ("bag-info.txt", "Payload-Oxum: many\n", "not OCTETS.FILES"),
    ("bag-info.txt", "no colon here\n", "line 1"),
    ("tagmanifest-sha256.txt", f"{ZEROS}  bagit.txt\n", "bagit.txt does not have"),
    ("tagmanifest-sha256.txt", f"{ZEROS}  data/a\n", "a payload file"),
    ("tagmanifest-sha256.txt", f"{ZEROS}  gone.txt\n", "gone.txt is listed"),
    ("fetch.txt", "https://x.example - ../x\n", "fetch.txt, line 1"),
]


@pytest.mark.parametrize(("name", "content", "words"), FAULTS)
def test_each_fault_of_a_bag_is_named(
    tmp_path: Path, name: str, content: str | None, words: str
) -> None:
    bag = _write_bag(tmp_path, {"data/a": b"x"})
    assert check_bag(bag) == []
    if content is None:
        (bag / name).unlink()
    else:
        (bag / name).write_text(content)
    problems = check_bag(bag)
    assert any(words in p for p in problems), problems


def test_bag_info_labels_and_continuation_lines() -> None:
    text = "Source-Organization: Spengler\r\nExternal-Description: Uncompressed\r\n   images\r\n"
    text += "Empty:\n"
    assert parse_bag_info(text) == [
        ("Source-Organization", "Spengler"),
        ("External-Description", "Uncompressed images"),
        ("Empty", ""),
    ]


@pytest.mark.parametrize(
    ("path", "safe"),
    [("data/a", True), ("data/./a", True), ("data/..a", True), ("data/../a", False),
     ("/a", False), ("c:/a", False), ("", False), ("data/a\x00", False)],
)  # fmt: skip
def test_unsafe_paths(path: str, safe: bool) -> None:
    assert (unsafe_path(path) is None) is safe
