"""Reading a victim list from CSV or XLSX: a header and rows of text, and the file's hash.

The file is read once into memory and hashed from the same bytes that are parsed, so
the hash in the custody log is the hash of exactly what was imported.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from dalil.errors import InputError

# Lists of a few hundred thousand rows are a few hundred MB at most; anything larger is
# more likely the wrong file than a list, and would not fit the import in memory.
MAX_FILE_BYTES = 2 * 1024**3


@dataclass(frozen=True)
class ListFile:
    name: str
    sha256: str
    header: list[str]
    rows: list[list[str | None]]


def read(path: Path, sheet: str | None = None) -> ListFile:
    """Read a .csv (UTF-8, with or without BOM; comma, semicolon or tab) or .xlsx file."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise InputError(f"{path} is larger than {MAX_FILE_BYTES // 1024**3} GB; split it")
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc}") from exc
    digest = hashlib.sha256(data).hexdigest()
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        header, rows = _xlsx(data, sheet, path)
    elif suffix in (".csv", ".tsv", ".txt"):
        header, rows = _csv(data, path)
    else:
        raise InputError(f"{path}: lists are imported from .csv or .xlsx files")
    if not header:
        raise InputError(f"{path} has no header row")
    return ListFile(path.name, digest, header, rows)


def _csv(data: bytes, path: Path) -> tuple[list[str], list[list[str | None]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path} is not UTF-8 (byte {exc.start}); save it as 'CSV UTF-8' and import again"
        ) from exc
    sample = text[:20000]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    header = [h.strip() for h in next(reader, [])]
    rows: list[list[str | None]] = [list(row) for row in reader if any(c.strip() for c in row)]
    return header, rows


def _xlsx(data: bytes, sheet: str | None, path: Path) -> tuple[list[str], list[list[str | None]]]:
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
    for row in values:
        cells = [_cell(v) for v in row]
        if any(cells):
            rows.append(cells)
    book.close()
    return header, rows


def _cell(value: object) -> str | None:
    if value is None:
        return None
    if hasattr(value, "date") and hasattr(value, "isoformat"):
        return str(value.isoformat())[:10]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
