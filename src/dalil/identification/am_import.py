"""Importing AM reports from a CSV or XLSX file, all rows or none.

Headers may be the field keys, the English or the Arabic labels (``am_fields``), so a
spreadsheet filled in Arabic by a family association imports as it is. Every row is
validated before anything is saved; one bad row stops the import and every problem of
every row is listed, because a file half-imported is hard to finish without creating
duplicate reports of the same missing person. The custody log records the file's
SHA-256 and the number of reports, never its name (names of files written by families
often are the missing person's name).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from dalil.errors import InputError
from dalil.identification import keyring, reports
from dalil.identification.am_fields import header_key
from dalil.identification.am_report import ReportInput, parse_report
from dalil.identification.errors import ReportInvalid
from dalil.identification.replay import IDENTIFICATION
from dalil.linkage.listfile import read as read_table
from dalil.vault.archive import Archive, operator
from dalil.vault.writer import Writer


@dataclass(frozen=True)
class Imported:
    file_sha256: str
    codes: list[str]

    def as_json(self) -> dict[str, Any]:
        return {"file_sha256": self.file_sha256, "reports": self.codes}


def read_reports(
    path: Path, today: date, sheet: str | None = None
) -> tuple[str, list[ReportInput]]:
    """The file's SHA-256 and its reports; ReportInvalid lists every problem of every row."""
    table = read_table(path, sheet)
    keys = [header_key(h) for h in table.header]
    unknown = [h for h, k in zip(table.header, keys, strict=True) if k is None and h]
    if unknown:
        raise InputError(
            f"{path.name}: columns not known as AM report fields: {', '.join(unknown)}; "
            "use the field names of `dalil am fields`"
        )
    parsed: list[ReportInput] = []
    problems: list[str] = []
    source = f"import {table.sha256[:16]}"
    for number, row in enumerate(table.rows, start=2):
        values = {k: (v or None) for k, v in zip(keys, row, strict=False) if k is not None}
        try:
            report = parse_report(values, today)
        except ReportInvalid as exc:
            problems.extend(f"row {number}: {p}" for p in exc.problems)
            continue
        parsed.append(replace(report, source=source))
    if problems:
        raise ReportInvalid(problems)
    if not parsed:
        raise InputError(f"{path.name} holds no reports")
    return table.sha256, parsed


def import_reports(archive: Archive, path: Path, today: date, sheet: str | None = None) -> Imported:
    """Validate every row, then save all reports in one transaction."""
    digest, parsed = read_reports(path, today, sheet)
    with archive.write() as conn:
        master = keyring.master_key(conn, archive.root, create=True)
        codes = [reports.insert_report(conn, master, report) for report in parsed]
        summary = {"file_sha256": digest, "reports": len(codes), "first": codes[0],
                   "last": codes[-1], "operator": operator()}  # fmt: skip
        with Writer(conn, IDENTIFICATION) as writer:
            writer.record("am.reports.imported", summary)
    return Imported(digest, codes)
