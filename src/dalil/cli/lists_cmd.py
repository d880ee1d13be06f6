"""`dalil lists ...`: import victim lists, link them, review uncertain pairs, list clusters."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dalil.cli.common import ArchiveOption, BarReporter, JsonOption, open_archive, out, print_json
from dalil.errors import InputError
from dalil.linkage.backends import Backend

app = typer.Typer(
    help="Victim lists: import, link across Arabic and Latin spellings, review, clusters.",
    no_args_is_help=True,
)


def _parse_map(values: list[str]) -> dict[str, str]:
    mapping = {}
    for value in values:
        column, sep, name = value.partition("=")
        if not sep or not column or not name:
            raise InputError(
                f"--map {value!r}: write it as COLUMN=FIELD, e.g. --map الاسم=full_name"
            )
        mapping[column] = name
    return mapping


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="The list: a .csv (UTF-8) or .xlsx file.")],
    list_name: Annotated[str, typer.Option("--list", help="A short name for this list.")],
    mapping: Annotated[
        list[str] | None,
        typer.Option("--map", help="COLUMN=FIELD for columns not named like a field (repeatable)."),
    ] = None,
    skip_invalid: Annotated[
        bool, typer.Option(help="Import the valid rows and report the others.")
    ] = False,
    sheet: Annotated[str | None, typer.Option(help="Worksheet of an .xlsx file.")] = None,
    archive_dir: ArchiveOption = None,
    json_output: JsonOption = False,
) -> None:
    """Import a list; columns named like fields (full_name, given_name, father_name,
    grandfather_name, family_name, mother_name, sex, birth_date, age, death_date,
    arrest_date, place, governorate, branch, record_id) map by themselves."""
    from dalil.linkage import pipeline

    with open_archive(archive_dir) as archive:
        imported, errors = pipeline.import_file(
            archive, file, list_name, _parse_map(mapping or []), skip_invalid, sheet
        )
    if json_output:
        print_json(pipeline.imported_as_json(imported, errors))
        return
    out.print(
        f"imported {imported.rows:,} records into list {imported.list_name!r} "
        f"(event #{imported.seq})"
    )
    out.print(f"file sha256 {imported.file_sha256}")
    if errors:
        out.print(f"skipped {imported.skipped} rows with {len(errors)} problems:")
        for error in errors[:20]:
            out.print(f"  {error}")


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
    archive_dir: ArchiveOption = None,
) -> None:
    """Record that two records are (--same) or are not (--different) one person."""
    from dalil.linkage import store

    if same is None:
        raise InputError("say --same or --different")
    with open_archive(archive_dir) as archive, archive.write() as conn:
        seq = store.decide(conn, a, b, same, note)
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
