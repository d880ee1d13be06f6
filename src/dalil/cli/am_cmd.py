"""`dalil am ...`: families' ante-mortem reports (bilingual prompts, import, consent)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from dalil.cli.common import ArchiveOption, JsonOption, open_archive, out, print_json
from dalil.identification.consent import Purpose
from dalil.identification.tombstone import WithdrawalReason

app = typer.Typer(
    help="Families' missing-person (ante-mortem) reports / بلاغات العائلات عن المفقودين.",
    no_args_is_help=True,
)

CONSENT_TEXT = (
    "Before the consent questions, read this to the family / اقرأ هذا للعائلة قبل أسئلة الموافقة:\n"
    "  Each use is a separate choice and can be withdrawn at any time; withdrawing\n"
    "  deletes the report. No photo of a body is ever shown by the system.\n"
    "  كل استخدام موافقة مستقلة يمكن سحبها في أي وقت، وسحبها يحذف البلاغ.\n"
    "  لن يعرض النظام أي صورة لجثمان بشكل آلي."
)
SECTIONS = {
    "person": "The missing person / الشخص المفقود",
    "contact": "Family contact (encrypted) / التواصل مع العائلة (مشفّر)",
    "consent": "Consent / الموافقة",
    "report": "About this report / عن هذا البلاغ",
}


def _today() -> Any:
    return datetime.now(UTC).date()


def _ask(spec: Any, default: str | None = None) -> str:
    hint = f" [{spec.hint}]" if spec.hint else ""
    answer: str = typer.prompt(
        f"{spec.label}{hint}", default=default or "", show_default=bool(default)
    )
    return answer.strip()


@app.command("add")
def add(archive_dir: ArchiveOption = None) -> None:
    """Take a report interactively, question by question, in Arabic and English."""
    from dalil.identification import reports
    from dalil.identification.am_fields import FIELDS
    from dalil.identification.am_report import parse_report
    from dalil.identification.errors import ReportInvalid

    with open_archive(archive_dir) as archive:
        out.print(
            "Leave a question empty when it is not known / اترك السؤال فارغاً إن لم يكن معروفاً"
        )
        values: dict[str, str | None] = {}
        section = None
        for spec in FIELDS:
            if spec.section != section:
                section = spec.section
                if section == "consent":
                    out.print(CONSENT_TEXT)
                out.print(f"\n[bold]{SECTIONS[section]}[/]")
            values[spec.key] = _ask(spec) or None
        while True:
            try:
                report = parse_report(values, _today())
                break
            except ReportInvalid as exc:
                out.print(f"[red]{exc}[/]")
                out.print("Please answer these again / يرجى إعادة الإجابة:")
                by_key = {spec.key: spec for spec in FIELDS}
                for key in dict.fromkeys(exc.fields):
                    values[key] = _ask(by_key[key], values.get(key)) or None
        code = reports.add_report(archive, report)
    out.print(f"saved report [bold]{code}[/] / تم حفظ البلاغ {code}")


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="A .csv (UTF-8) or .xlsx file, one report a row.")],
    sheet: Annotated[str | None, typer.Option(help="Sheet of an .xlsx file.")] = None,
    archive_dir: ArchiveOption = None,
    json_: JsonOption = False,
) -> None:
    """Import reports from CSV/XLSX: every row valid, or nothing saved."""
    from dalil.identification.am_import import import_reports

    with open_archive(archive_dir) as archive:
        imported = import_reports(archive, file, _today(), sheet)
    if json_:
        print_json(imported.as_json())
        return
    codes = imported.codes
    out.print(f"imported {len(codes)} reports ({codes[0]} … {codes[-1]})")


@app.command("fields")
def fields(json_: JsonOption = False) -> None:
    """List the fields of a report, with their Arabic and English names."""
    from dalil.identification.listing import list_fields

    rows = list_fields()
    if json_:
        print_json(rows)
        return
    for row in rows:
        out.print(f"{row['key']:26} {row['english']} / {row['arabic']}")


@app.command("list")
def list_(
    archive_dir: ArchiveOption = None,
    json_: JsonOption = False,
) -> None:
    """List reports (withdrawn ones as tombstones, without personal data)."""
    from dalil.identification.listing import list_report_summaries

    with open_archive(archive_dir) as archive, archive.read() as conn:
        rows = list_report_summaries(conn)
    if json_:
        print_json(rows)
        return
    for row in rows:
        name = row["name_latin"] or row["name_ar"] or ""
        consent = ",".join(k for k, v in row["consent"].items() if v)
        out.print(f"{row['report']}  {row['status']:9}  {name:32}  {consent}")


@app.command("show")
def show(
    code: Annotated[str, typer.Argument(help="Report code, e.g. AM-000042.")],
    archive_dir: ArchiveOption = None,
    json_: JsonOption = False,
) -> None:
    """Show a report (the family contact stays sealed: see `dalil am contact`)."""
    from dalil.identification.listing import describe_report

    with open_archive(archive_dir) as archive, archive.read() as conn:
        data = describe_report(conn, code)
    if json_:
        print_json(data)
        return
    for key, value in data.items():
        out.print(f"{key:14} {value}")


@app.command("contact")
def contact(
    code: Annotated[str, typer.Argument(help="Report code.")],
    purpose: Annotated[
        str, typer.Option(help="Why the contact is opened (recorded in the custody log).")
    ],
    archive_dir: ArchiveOption = None,
) -> None:
    """Open the family's contact; the opening is logged with who and why."""
    from dalil.identification import reports

    with open_archive(archive_dir) as archive:
        found = reports.reveal_contact(archive, code, purpose)
    for name, value in found.items():
        out.print(f"{name:14} {value}")


@app.command("consent")
def consent(
    code: Annotated[str, typer.Argument(help="Report code.")],
    purpose: Annotated[Purpose, typer.Argument(help="identification, court or sharing.")],
    grant: Annotated[
        bool, typer.Option("--grant/--withdraw", help="Give or withdraw this consent.")
    ],
    partner: Annotated[str | None, typer.Option(help="The partner, for sharing.")] = None,
    archive_dir: ArchiveOption = None,
) -> None:
    """Record the family's consent for one purpose; withdrawing the last erases the report."""
    from dalil.identification import reports

    with open_archive(archive_dir) as archive:
        report = reports.set_consent(archive, code, purpose, grant, partner)
    if report.withdrawn:
        out.print(f"{report.code}: no consent left; personal data removed, tombstone kept")
    else:
        out.print(f"{report.code}: consent now {report.consent.to_json()}")


@app.command("withdraw")
def withdraw(
    code: Annotated[str, typer.Argument(help="Report code.")],
    reason: Annotated[
        WithdrawalReason, typer.Option(help="One of the fixed reasons (see --help).")
    ],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
    archive_dir: ArchiveOption = None,
) -> None:
    """Withdraw a report: erase its personal data, keep a tombstone. Cannot be undone.

    Reasons: family request, last consent withdrawn, entered in error, duplicate report,
    legal order.
    """
    from dalil.identification import reports

    if not yes:
        typer.confirm(f"erase the personal data of {code} for good?", abort=True)
    with open_archive(archive_dir) as archive:
        reports.withdraw(archive, code, reason.value)
    out.print(f"{code} withdrawn: personal data removed, tombstone kept")


@app.command("portrait")
def portrait(
    code: Annotated[str, typer.Argument(help="Report code.")],
    file: Annotated[Path, typer.Argument(help="A photo of the missing person.")],
    crop: Annotated[
        bool, typer.Option("--crop", help="The photo is already cropped to the face.")
    ] = False,
    archive_dir: ArchiveOption = None,
) -> None:
    """Add a portrait: sealed in the catalogue, its face embedded for matching."""
    from dalil.errors import InputError
    from dalil.identification.portraits import add_portrait_bytes

    try:
        data = file.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {file}: {exc}") from exc
    with open_archive(archive_dir) as archive:
        portrait_id, faces = add_portrait_bytes(archive, code, data, crop)
    note = "face found" if faces else "no face found: try --crop with a photo cut to the face"
    out.print(f"{code}: portrait {portrait_id} sealed; {note}")
