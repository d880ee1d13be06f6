"""`dalil synth ...`: synthetic, non-graphic collections for tests, demos and benchmarks."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer

from dalil.cli import lists_cmd
from dalil.cli.common import BarReporter, JsonOption, out, print_json

app = typer.Typer(
    help="Synthetic, non-graphic photo collections with the structure of a real one.",
    no_args_is_help=True,
)


@app.command("collection")
def collection(
    output: Annotated[
        Path, typer.Argument(help="New or empty folder: photos go to OUT/drives, the truth to OUT.")
    ],
    photos: Annotated[int, typer.Option("--photos", "-n", help="Number of camera photos.")],
    seed: Annotated[int, typer.Option(help="Seed; the same seed gives the same bytes.")] = 0,
    scale: Annotated[
        float, typer.Option(help="Shrink every camera's resolution (1 = 1-2 MP; tests use 0.2).")
    ] = 1.0,
    manipulations: Annotated[
        float,
        typer.Option(
            help="Share of photos manipulated in known ways (re-saved, pasted region, other "
            "camera's EXIF, shifted clock, extra camera without EXIF, resized, cropped), "
            "each recorded in the ground truth; e.g. 0.1."
        ),
    ] = 0.0,
    hard_cards: Annotated[
        bool,
        typer.Option(
            "--hard-cards",
            help="Numbers that are hard to read: other hands and pens, layouts, rotation to "
            "±30°, perspective, blur, faint ink, covered cards, writing on a skin-toned "
            "surface, Eastern Arabic digits in some sessions.",
        ),
    ] = False,
    workers: Annotated[
        int | None, typer.Option(help="Worker processes (default: one per core).")
    ] = None,
    json_output: JsonOption = False,
) -> None:
    """Generate a collection: cameras, sessions, cases with numbered cards, duplicates,
    damaged files, a zip, and OUT/ground-truth.json saying all of it."""
    from dalil.synth import SynthOptions, generate_collection  # numpy/cv2: only when run

    options = SynthOptions(
        photos=photos,
        seed=seed,
        scale=scale,
        manipulations=manipulations,
        hard_cards=hard_cards,
        workers=workers,
    )
    reporter = BarReporter(enabled=not json_output)
    summary = generate_collection(output, options, reporter)
    if json_output:
        print_json({k: str(v) if isinstance(v, Path) else v for k, v in asdict(summary).items()})
        return
    rate = summary.photos / summary.seconds if summary.seconds else 0.0
    out.print(
        f"{summary.photos:,} photos of {summary.cases:,} cases from {summary.cameras} cameras "
        f"on {summary.drives} drives: {summary.files:,} files, {summary.bytes / 1e6:,.1f} MB "
        f"in {summary.seconds:,.1f} s ({rate:,.1f} photos/s)"
    )
    out.print(f"ground truth: {summary.ground_truth}")


# `dalil synth lists`: synthetic victim lists for linkage and estimation; the command
# lives with the linkage commands (dalil.cli.lists_cmd) and is registered here.
app.command("lists")(lists_cmd.synth_lists)
