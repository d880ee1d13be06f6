"""`dalil lists ...`: import, replace and remove victim lists, link them, review uncertain
pairs, list clusters."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from dalil.cli.acting import AsOption, KeyOption, actor
from dalil.cli.common import ArchiveOption, BarReporter, JsonOption, open_archive, out, print_json
from dalil.errors import InputError
from dalil.linkage.backends import Backend
from dalil.linkage.listfile import Delimiter

if TYPE_CHECKING:
    from dalil.linkage import pipeline

app = typer.Typer(
    help="Victim lists: import, link across Arabic and Latin spellings, review, clusters.",
    no_args_is_help=True,
)


def _parse_map(values: list[str]) -> dict[str, str]:
    mapping = {}
    for value in values:
        column, sep, name = value.rpartition("=")
        if not sep or not column or not name:
            raise InputError(
                f"--map {value!r}: write it as COLUMN=FIELD, e.g. --map الاسم=full_name"
            )
        mapping[column] = name
    return mapping


FileArgument = Annotated[Path, typer.Argument(help="The list: a .csv/.tsv/.txt or .xlsx file.")]
MapOption = Annotated[
    list[str] | None,
    typer.Option(
        "--map",
        help="COLUMN=FIELD for a column whose header is not recognised (repeatable); a "
        "column is its header, or #N (its position from 1).",
    ),
]
IgnoreOption = Annotated[
    list[str] | None,
    typer.Option("--ignore", help="A column deliberately left out of the import (repeatable)."),
]
DelimiterOption = Annotated[
    Delimiter | None,
    typer.Option(help="What separates the columns, when the detected one is wrong."),
]
EncodingOption = Annotated[
    str | None,
    typer.Option(help="The file's encoding (utf-8, utf-8-sig, cp1256, utf-16, ...), when the "
                 "detected one is wrong (names look garbled)."),
]  # fmt: skip
SkipOption = Annotated[bool, typer.Option(help="Import the valid rows and report the others.")]
SheetOption = Annotated[str | None, typer.Option(help="Worksheet of an .xlsx file.")]
DryRunOption = Annotated[
    bool, typer.Option("--dry-run", help="Show the mapping and the rows' problems; write nothing.")
]
ReasonOption = Annotated[str, typer.Option(help="Why (kept in the custody log with the change).")]


@app.command("import")
def import_(
    file: FileArgument,
    list_name: Annotated[str, typer.Option("--list", help="A short name for this list.")],
    mapping: MapOption = None,
    ignore: IgnoreOption = None,
    delimiter: DelimiterOption = None,
    encoding: EncodingOption = None,
    skip_invalid: SkipOption = False,
    sheet: SheetOption = None,
    dry_run: DryRunOption = False,
    archive_dir: ArchiveOption = None,
    json_output: JsonOption = False,
) -> None:
    """Import a list. Every column must be mapped to a field, or left out with --ignore.
    Headers map by themselves when named like a field (full_name, given_name,
    father_name, grandfather_name, family_name, mother_name, each also *_latin; sex,
    birth_date, age, death_date, arrest_date, place, governorate, branch, national_id,
    record_id) or as lists usually name them, in English or Arabic (Name, ID, Date of
    death, Province, الاسم, تاريخ الوفاة, المحافظة, ...). The encoding and delimiter are
    detected and shown; the mapping is printed before anything is written."""
    _import_or_replace(file, list_name, "", mapping, ignore, delimiter, encoding,
                       skip_invalid, sheet, dry_run, archive_dir, json_output)  # fmt: skip


@app.command("replace")
def replace(
    list_name: Annotated[str, typer.Argument(help="The list to replace.", metavar="LIST")],
    file: FileArgument,
    reason: ReasonOption,
    mapping: MapOption = None,
    ignore: IgnoreOption = None,
    delimiter: DelimiterOption = None,
    encoding: EncodingOption = None,
    skip_invalid: SkipOption = False,
    sheet: SheetOption = None,
    dry_run: DryRunOption = False,
    archive_dir: ArchiveOption = None,
    json_output: JsonOption = False,
) -> None:
    """Replace a list by a corrected file, under the same name. The old list's records
    and the decisions about them stay in the custody log, out of the current view;
    decisions about records the new file leaves unchanged carry over. Run `dalil lists
    link` afterwards."""
    _import_or_replace(file, list_name, reason, mapping, ignore, delimiter, encoding,
                       skip_invalid, sheet, dry_run, archive_dir, json_output)  # fmt: skip


def _import_or_replace(
    file: Path,
    list_name: str,
    reason: str,
    mapping: list[str] | None,
    ignore: list[str] | None,
    delimiter: Delimiter | None,
    encoding: str | None,
    skip_invalid: bool,
    sheet: str | None,
    dry_run: bool,
    archive_dir: Path | None,
    json_output: bool,
) -> None:
    from dalil.linkage import pipeline

    replacing = bool(reason)
    with open_archive(archive_dir) as archive:
        pipeline.check_name(archive, list_name, replacing)  # before the file is read
        plan = pipeline.plan_import(
            file, _parse_map(mapping or []), ignore or [], sheet, delimiter, encoding
        )
        if json_output and dry_run:
            print_json(plan.as_json())
            if plan.problems or plan.result.errors:
                raise typer.Exit(1)
            return
        if not json_output:
            _print_plan(plan)
        if dry_run:
            pipeline.check(plan, skip_invalid)
            out.print(f"dry run: nothing written; {len(plan.result.records):,} rows are "
                      "ready to import")  # fmt: skip
            return
        imported, errors = pipeline.write_import(
            archive, plan, list_name, skip_invalid, replaces=reason
        )
    if json_output:
        print_json({**plan.as_json(), **pipeline.imported_as_json(imported, errors)})
        return
    verb = "replaced list" if replacing else "imported into list"
    out.print(f"{verb} {imported.list_name!r}: {imported.rows:,} records (event #{imported.seq})")
    out.print(f"file sha256 {imported.file_sha256}")
    if errors:
        out.print(f"skipped {imported.skipped} rows with {len(errors)} problems:")
        for line in plan.error_lines():
            out.print(f"  {escape(line)}")
    if replacing:
        out.print("run `dalil lists link` so that clusters and estimates use the new list")


def _print_plan(plan: pipeline.Plan) -> None:
    from rich.table import Table

    from dalil.linkage.mapping import How

    source = plan.source
    out.print(f"{escape(source.name)}: {source.describe()}; {len(source.rows):,} rows, "
              f"{len(source.header)} columns")  # fmt: skip
    if source.guessed:
        out.print("  (if names look garbled or columns run together, say --encoding or "
                  "--delimiter)")  # fmt: skip
    table = Table(box=None, pad_edge=False)
    for title in ("#", "column", "field", "how", "first value"):
        table.add_column(title)
    for c in plan.columns.columns:
        field = c.field or ("—" if c.how in (How.IGNORE, How.EMPTY) else "[bold red]?[/]")
        table.add_row(str(c.position + 1), escape(c.label), field, c.how.value,
                      escape((c.sample or "")[:40]))  # fmt: skip
    out.print(table)


@app.command("remove")
def remove(
    list_name: Annotated[str, typer.Argument(help="The list to remove.", metavar="LIST")],
    reason: ReasonOption,
    archive_dir: ArchiveOption = None,
) -> None:
    """Take a list out of the current view (a mistaken import). Nothing is deleted: its
    records and the decisions about them stay in the custody log and are verified;
    linkage and estimates use only the current lists. Run `dalil lists link` afterwards."""
    from dalil.linkage import pipeline

    with open_archive(archive_dir) as archive:
        seq = pipeline.remove(archive, list_name, reason)
    out.print(f"removed list {list_name!r} (event #{seq}); run `dalil lists link` again")


@app.command("list")
def list_(
    everything: Annotated[
        bool, typer.Option("--all", help="Include removed and replaced lists, with why.")
    ] = False,
    archive_dir: ArchiveOption = None,
    json_output: JsonOption = False,
) -> None:
    """The imported lists: name, records, file, import event."""
    from dalil.linkage import pipeline

    with open_archive(archive_dir) as archive:
        found = pipeline.listing(archive, everything)
    if json_output:
        print_json([x.as_json() for x in found])
        return
    if not found:
        out.print("no lists are imported yet; import one with `dalil lists import`")
    for x in found:
        line = f"{escape(x.name)}: {x.rows:,} records from {escape(x.file_name)}"
        line += f" (event #{x.seq})"
        if not x.current:
            how = "replaced" if x.replaced_by is not None else "removed"
            why = escape(x.reason or "")
            line += f" — {how} by {escape(x.removed_by or '')} (event #{x.removed_seq}): {why}"
        out.print(line)


@app.command("link")
def link(
    threshold: Annotated[
        float, typer.Option(help="Match probability at which two records are one person.")
    ] = 0.8,
    max_pairs: Annotated[
        int, typer.Option(help="Refuse to score more candidate pairs than this.")
    ] = 40_000_000,
    max_block: Annotated[
        int, typer.Option(help="Skip blocks (records sharing a key) larger than this.")
    ] = 1500,
    backend: Annotated[
        Backend, typer.Option(help="duckdb (one machine) or spark.")
    ] = Backend.DUCKDB,
    archive_dir: ArchiveOption = None,
    json_output: JsonOption = False,
) -> None:
    """Deduplicate within and link across every imported list; reviewers' decisions
    are applied on every run."""
    from dalil.linkage import model, pipeline

    settings = model.LinkSettings(
        threshold=threshold, max_pairs=max_pairs, max_block=max_block, backend=backend.value
    )
    with open_archive(archive_dir) as archive:
        summary = pipeline.link(archive, settings, BarReporter(enabled=not json_output))
    if json_output:
        print_json(summary.as_json())
        return
    out.print(
        f"run {summary.run_id}: {summary.records:,} records → {summary.clusters:,} people "
        f"({summary.candidate_pairs:,} candidate pairs, "
        f"{summary.decisions_applied} decisions applied)"
    )
    for block in summary.blocks:
        skipped = (
            f", {block['skipped_blocks']} oversized blocks skipped"
            if block["skipped_blocks"]
            else ""
        )
        out.print(f"  rule {block['rule']}: {block['pairs']:,} pairs{skipped}")
    if summary.conflicts:
        out.print(
            f"{len(summary.conflicts)} must-link decisions conflict with cannot-links; see --json"
        )


@app.command("decide")
def decide(
    a: Annotated[str, typer.Argument(help="A record as LIST:RECORD_ID.")],
    b: Annotated[str, typer.Argument(help="Another record as LIST:RECORD_ID.")],
    same: Annotated[
        bool | None, typer.Option("--same/--different", help="One person, or two.")
    ] = None,
    note: Annotated[str, typer.Option(help="Why (kept in the custody log).")] = "",
    person: AsOption = None,
    key: KeyOption = None,
    archive_dir: ArchiveOption = None,
) -> None:
    """Record that two records are (--same) or are not (--different) one person."""
    from dalil.linkage import store

    if same is None:
        raise InputError("say --same or --different")
    who = actor(person, key)
    with open_archive(archive_dir) as archive, archive.write() as conn:
        seq = store.decide(conn, a, b, same, note, by=who)
    out.print(f"recorded: {a} and {b} are {'one person' if same else 'two people'} (event #{seq})")


@app.command("review")
def review(
    limit: Annotated[int, typer.Option(help="How many pairs to show.")] = 20,
    archive_dir: ArchiveOption = None,
    json_output: JsonOption = False,
) -> None:
    """Show the undecided pairs the model is least sure about, most uncertain first."""
    from dalil.linkage import pipeline

    with open_archive(archive_dir) as archive:
        queue = pipeline.review_queue(archive, limit)
    if json_output:
        print_json(queue)
        return
    if not queue:
        out.print("no uncertain pairs are waiting for review")
    for item in queue:
        out.print(f"[bold]{item['a']}[/] ↔ [bold]{item['b']}[/]  p={item['match_probability']}")
        for comparison, why in item["explanation"].items():
            out.print(f"    {comparison:<12} {why['level']:<32} {why['weight']}")
        out.print(f"  decide: dalil lists decide {item['a']} {item['b']} --same | --different")


@app.command("clusters")
def clusters(
    archive_dir: ArchiveOption = None,
    json_output: JsonOption = False,
) -> None:
    """List each person (cluster) of the latest run with its records."""
    from dalil.linkage import pipeline

    with open_archive(archive_dir) as archive:
        listing = pipeline.cluster_listing(archive)
    if json_output:
        print_json(listing)
        return
    for cluster in listing:
        members = ", ".join(f"{m['list']}:{m['record_id']}" for m in cluster["members"])
        out.print(f"{cluster['cluster']}: {members}")


def synth_lists(
    output: Annotated[
        Path, typer.Argument(help="Folder for one CSV per list, truth.csv, summary.json.")
    ],
    people: Annotated[
        int, typer.Option("--people", "-n", help="Size of the simulated population.")
    ] = 20_000,
    lists: Annotated[int, typer.Option("--lists", "-k", help="Number of lists (2–6).")] = 5,
    seed: Annotated[int, typer.Option(help="Seed; the same seed gives the same lists.")] = 1,
    json_output: JsonOption = False,
) -> None:
    """Simulate victims with Syrian names and K overlapping lists with known truth."""
    from dalil.synth import lists as synth

    if not 2 <= lists <= len(synth.PROFILES):
        raise InputError(f"--lists must be between 2 and {len(synth.PROFILES)}")
    summary = synth.write(synth.generate(people, lists, seed), output)
    if json_output:
        print_json(summary)
        return
    records = sum(summary["records"].values())
    out.print(
        f"{summary['population']:,} people, {summary['documented']:,} documented, "
        f"{records:,} records on {len(summary['records'])} lists in {output}"
    )
