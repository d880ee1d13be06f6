"""Reading a victim list from CSV or XLSX: a header and rows of text, and the file's hash.

The file is read once into memory and hashed from the same bytes that are parsed, so
the hash in the custody log is the hash of exactly what was imported.

Lists reach a custodian from many hands: Excel on an Arabic Windows saves ``cp1256``
separated by semicolons, LibreOffice saves UTF-8 with commas, a database dump uses tabs
or pipes. The encoding and the delimiter are detected, said aloud (``ListFile``
records what was used and whether it was guessed), and can be overridden, because a
wrong guess is a list whose names are garbled or whose columns run together.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from dalil.errors import InputError

# Lists of a few hundred thousand rows are a few hundred MB at most; anything larger is
# more likely the wrong file than a list, and would not fit the import in memory.
MAX_FILE_BYTES = 2 * 1024**3
# Lines the delimiter is guessed from: enough to see the shape, not the whole file.
SNIFF_LINES = 200


class Delimiter(StrEnum):
    """What separates the columns of a text list."""

    COMMA = "comma"
    SEMICOLON = "semicolon"
    TAB = "tab"
    PIPE = "pipe"

    @property
    def char(self) -> str:
        return _CHARS[self]


_CHARS = {Delimiter.COMMA: ",", Delimiter.SEMICOLON: ";", Delimiter.TAB: "\t",
          Delimiter.PIPE: "|"}  # fmt: skip

# The encodings detected, by the name Python knows them by, and how a custodian says them.
ENCODINGS = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 with BOM",
    "utf-16": "UTF-16 (Excel 'Unicode text')",
    "cp1256": "Windows Arabic (cp1256)",
}


@dataclass(frozen=True)
class ListFile:
    name: str
    sha256: str
    header: list[str]
    rows: list[list[str | None]]
    # Each row's number as a spreadsheet shows it (the header is row 1; blank rows count).
    numbers: list[int] = field(default_factory=list)
    encoding: str | None = None  # None for a workbook
    delimiter: Delimiter | None = None  # None for a workbook
    guessed: tuple[str, ...] = ()  # "encoding", "delimiter": detected rather than given
    sheet: str | None = None

    def row_numbers(self) -> list[int]:
        return self.numbers or list(range(2, len(self.rows) + 2))

    def describe(self) -> str:
        """How the file was read, in words: 'cp1256 (detected), semicolon (detected)'."""
        if self.delimiter is None:
            return f"Excel workbook, sheet {self.sheet!r}"
        how = {True: " (detected)", False: " (as given)"}
        encoding = ENCODINGS.get(self.encoding or "", self.encoding)
        return (
            f"{encoding}{how['encoding' in self.guessed]}, "
            f"{self.delimiter.value}-separated{how['delimiter' in self.guessed]}"
        )


def read(
    path: Path,
    sheet: str | None = None,
    delimiter: Delimiter | None = None,
    encoding: str | None = None,
) -> ListFile:
    """Read a .csv/.tsv/.txt (encoding and delimiter detected unless given) or .xlsx file."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise InputError(f"{path} is larger than {MAX_FILE_BYTES // 1024**3} GB; split it")
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc}") from exc
    digest = hashlib.sha256(data).hexdigest()
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        listed = _xlsx(data, sheet, path, digest)
    elif suffix in (".csv", ".tsv", ".txt"):
        listed = _csv(data, path, digest, delimiter, encoding)
    else:
        raise InputError(f"{path}: lists are imported from .csv or .xlsx files")
    if not any(listed.header):
        raise InputError(f"{path} has no header row")
    return listed


def decode(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """The text and the encoding it was read with: ``encoding`` if given, else detected.

    A byte-order mark says UTF-8 or UTF-16; text that is valid UTF-8 is UTF-8 (other
    encodings almost never form valid UTF-8 by chance); anything else is taken as
    cp1256, the encoding of Arabic Windows, which Excel uses there for "CSV".
    """
    if encoding is not None:
        try:
            name = codecs.lookup(encoding).name
        except LookupError as exc:
            known = ", ".join(ENCODINGS)
            raise InputError(f"--encoding {encoding!r} is not an encoding; try {known}") from exc
        try:
            return data.decode(name), name
        except UnicodeDecodeError as exc:
            raise InputError(
                f"the file is not {encoding} (byte {exc.start} cannot be read); "
                "leave --encoding out to detect it"
            ) from exc
    if data.startswith(codecs.BOM_UTF8):
        return data.decode("utf-8-sig"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1256"), "cp1256"
    except UnicodeDecodeError as exc:  # cp1256 leaves no byte undefined, but be sure
        raise InputError(
            f"cannot tell the file's encoding (byte {exc.start}); save it as 'CSV UTF-8' "
            "or name it with --encoding"
        ) from exc


def sniff(text: str) -> Delimiter:
    """The delimiter that splits the first lines into the same number (> 1) of columns.

    Each candidate parses the first lines; the one giving most rows with the header's
    width wins, then the one giving more columns. A one-column file is comma-separated.
    """
    lines = text.splitlines()[:SNIFF_LINES]
    best: tuple[float, int] = (0.0, 1)
    chosen = Delimiter.COMMA
    for candidate in Delimiter:
        rows = [r for r in csv.reader(lines, delimiter=candidate.char) if r]
        if not rows or len(rows[0]) < 2:
            continue
        width = len(rows[0])
        score = (sum(len(r) == width for r in rows) / len(rows), width)
        if score > best:
            best, chosen = score, candidate
    return chosen


def _csv(
    data: bytes, path: Path, digest: str, delimiter: Delimiter | None, encoding: str | None
) -> ListFile:
    try:
        text, used = decode(data, encoding)
    except InputError as exc:
        raise InputError(f"{path.name}: {exc}") from exc
    guessed = tuple(
        what for what, given in (("encoding", encoding), ("delimiter", delimiter)) if given is None
    )
    delimiter = delimiter or sniff(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter.char)
    header = [h.strip() for h in next(reader, [])]
    rows: list[list[str | None]] = []
    numbers: list[int] = []
    for number, row in enumerate(reader, start=2):
        if any(c.strip() for c in row):
            rows.append(list(row))
            numbers.append(number)
    return ListFile(path.name, digest, header, rows, numbers, used, delimiter, guessed)


def _xlsx(data: bytes, sheet: str | None, path: Path, digest: str) -> ListFile:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise InputError(f"{path} is not a readable .xlsx workbook: {exc}") from exc
    if sheet is not None and sheet not in book.sheetnames:
        raise InputError(f"{path} has no sheet {sheet!r}; it has {', '.join(book.sheetnames)}")
    ws = book[sheet] if sheet else book.worksheets[0]
    values = ws.iter_rows(values_only=True)
    header = [str(h).strip() if h is not None else "" for h in next(values, ())]
    rows: list[list[str | None]] = []
    numbers: list[int] = []
    for number, row in enumerate(values, start=2):
        cells = [_cell(v) for v in row]
        if any(cells):
            rows.append(cells)
            numbers.append(number)
    book.close()
    return ListFile(path.name, digest, header, rows, numbers, sheet=ws.title)


def _cell(value: object) -> str | None:
    if value is None:
        return None
    if hasattr(value, "date") and hasattr(value, "isoformat"):
        return str(value.isoformat())[:10]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
