"""Lists as they arrive: every delimiter and encoding read right, and said aloud.

The bytes are written explicitly (cp1256 Arabic, a UTF-8 byte-order mark, UTF-16 from
Excel's "Unicode text"), so the tests read what a custodian's file holds, not what
Python would have written.
"""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from dalil.errors import InputError
from dalil.linkage import listfile
from dalil.linkage.listfile import Delimiter

HEADER = ["record_id", "full_name", "sex"]
ROWS = [["1", "محمد أحمد الخطيب", "ذكر"], ["2", "Huda Saleh", "F"]]


def _text(delimiter: str) -> str:
    return "\r\n".join(delimiter.join(row) for row in [HEADER, *ROWS]) + "\r\n"


CASES = [
    # (file name, bytes, encoding, delimiter)
    ("comma.csv", _text(",").encode("utf-8"), "utf-8", Delimiter.COMMA),
    ("semicolon.csv", _text(";").encode("utf-8"), "utf-8", Delimiter.SEMICOLON),
    ("tab.tsv", _text("\t").encode("utf-8"), "utf-8", Delimiter.TAB),
    ("pipe.txt", _text("|").encode("utf-8"), "utf-8", Delimiter.PIPE),
    ("bom.csv", codecs.BOM_UTF8 + _text(";").encode("utf-8"), "utf-8-sig", Delimiter.SEMICOLON),
    ("arabic-windows.csv", _text(";").encode("cp1256"), "cp1256", Delimiter.SEMICOLON),
    ("arabic-windows-tab.txt", _text("\t").encode("cp1256"), "cp1256", Delimiter.TAB),
    ("unicode-text.txt", _text("\t").encode("utf-16"), "utf-16", Delimiter.TAB),
]


@pytest.mark.parametrize(("name", "data", "encoding", "delimiter"), CASES,
                         ids=[c[0] for c in CASES])  # fmt: skip
def test_each_delimiter_and_encoding_is_detected_and_read_exactly(
    tmp_path: Path, name: str, data: bytes, encoding: str, delimiter: Delimiter
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    read = listfile.read(path)
    assert (read.encoding, read.delimiter) == (encoding, delimiter)
    assert read.header == HEADER
    assert read.rows == ROWS
    assert set(read.guessed) == {"encoding", "delimiter"}
    assert "(detected)" in read.describe()


def test_cp1256_bytes_are_the_arabic_letters_windows_wrote(tmp_path: Path) -> None:
    # محمد in cp1256: meem E3, haa CD, meem E3, dal CF
    path = tmp_path / "one.csv"
    path.write_bytes(b"full_name\r\n\xe3\xcd\xe3\xcf\r\n")
    read = listfile.read(path)
    assert read.encoding == "cp1256"
    assert read.rows == [["محمد"]]
    assert "Windows Arabic (cp1256) (detected)" in read.describe()


def test_a_wrong_guess_is_overridden(tmp_path: Path) -> None:
    # A list of one column whose names hold commas: the delimiter cannot be guessed.
    path = tmp_path / "names.csv"
    path.write_bytes("full_name;sex\nHaddad, Mohammad;M\n".encode("cp1256"))
    read = listfile.read(path, delimiter=Delimiter.SEMICOLON, encoding="cp1256")
    assert read.rows == [["Haddad, Mohammad", "M"]]
    assert read.guessed == ()
    assert "(as given)" in read.describe()


def test_an_encoding_the_bytes_are_not_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "arabic.csv"
    path.write_bytes(_text(",").encode("cp1256"))
    with pytest.raises(InputError, match="is not utf-8"):
        listfile.read(path, encoding="utf-8")
    with pytest.raises(InputError, match="not an encoding"):
        listfile.read(path, encoding="klingon")


def test_rows_are_numbered_as_a_spreadsheet_shows_them_blank_rows_included(
    tmp_path: Path,
) -> None:
    path = tmp_path / "gaps.csv"
    path.write_bytes(b"record_id,full_name\n1,Ali\n\n,\n2,Omar\n")
    read = listfile.read(path)
    assert read.rows == [["1", "Ali"], ["2", "Omar"]]
    assert read.row_numbers() == [2, 5]


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [
        ("a,b,c\n1,2,3\n", Delimiter.COMMA),
        ("a;b;c\n1;2,5;3\n", Delimiter.SEMICOLON),  # a decimal comma inside a value
        ("a\tb\n1\t2\n", Delimiter.TAB),
        ("a|b\n1|2\n", Delimiter.PIPE),
        ("name\nAli\n", Delimiter.COMMA),  # one column
    ],
)
def test_the_delimiter_is_the_one_that_splits_rows_evenly(text: str, delimiter: Delimiter) -> None:
    assert listfile.sniff(text) is delimiter
