"""Where a collection stands, and the next command to run: pure, no I/O.

The stages follow the pipeline (DESIGN.md): received → described → analysed → read →
grouped → faces → matches reviewed → families told → numbers reviewed. The next step
is the first stage with work left, said as a plain sentence with the command to type;
machine steps come before people's, and a family waiting comes before the catalogue's
double entry, which may go on for months.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Counts:
    """One collection's counts; photos are the images received (distinct contents)."""

    collection: str
    batches: int
    paths: int  # every path received, duplicates and non-images included
    received: int  # images
    described: int
    analysed: int
    analysed_alone: bool  # analysed as a collection of its own (its own findings' scope)
    read: int
    grouped: int  # images in a case of the current grouping
    ungrouped: int  # images read since the grouping: neither in a case nor left out by it
    cases: int
    reviewed: int  # cases whose numbers are all confirmed
    disputed: int
    faces: int  # images with a face embedded
    cases_with_faces: int  # the collection's cases with a face embedded (from any photo)
    pending_matches: int
    open_tasks: int


def plural(count: int, one: str, many: str | None = None) -> str:
    """``1 case``, ``2 cases``; ``many`` for irregular plurals."""
    return f"{count:,} {one if count == 1 else (many or one + 's')}"


def next_step(c: Counts) -> str:
    """The next thing to do for a collection, as a sentence naming the command."""
    name = c.collection
    if c.received == 0:
        paths = plural(c.paths, "path")
        return f"{name!r} holds no images to describe ({paths} received); nothing to do."
    if c.described < c.received:
        left = c.received - c.described
        return f"{plural(left, 'image')} of {c.received:,} not described yet: run `dalil derive`."
    if c.analysed < c.described:
        scope = f" --collection {name}" if c.analysed_alone else ""
        return (
            f"{plural(c.described - c.analysed, 'image')} not checked for authenticity yet: "
            f"run `dalil analyze authenticity{scope}`."
        )
    if c.read < c.described:
        return (
            f"{plural(c.described - c.read, 'image')} without the numbers read: run "
            f"`dalil catalogue read --collection {name}`."
        )
    if c.cases == 0 or c.ungrouped:
        waiting = c.ungrouped if c.cases else c.read
        return (
            f"{plural(waiting, 'image')} read but not grouped into cases: run "
            f"`dalil catalogue group --collection {name}`."
        )
    if c.cases_with_faces == 0:
        return f"no faces embedded for the {plural(c.cases, 'case')} yet: run `dalil match faces`."
    if c.pending_matches:
        return (
            f"{plural(c.pending_matches, 'candidate match', 'candidate matches')} wait for a "
            "reviewer: see them with `dalil match run --all` and decide with "
            "`dalil match review CODE CASE`."
        )
    if c.open_tasks:
        return (
            f"{plural(c.open_tasks, 'family', 'families')} to be told by the liaison: see "
            "`dalil match tasks`, then record it with `dalil match close TASK`."
        )
    if c.reviewed < c.cases:
        disputed = f", {c.disputed:,} of them disputed" if c.disputed else ""
        return (
            f"{plural(c.cases - c.reviewed, 'case')} of {c.cases:,} with numbers not confirmed"
            f"{disputed}: run `dalil catalogue review`."
        )
    return f"nothing waits in {name!r}: {EVERY_STAGE}."


NOTHING_RECEIVED = (
    "nothing has been received yet: run `dalil ingest SOURCE --collection NAME "
    "--custodian WHO --derive`."
)


EVERY_STAGE = "every image is described, analysed, read, grouped and reviewed"


def archive_next(counts: list[Counts]) -> str:
    """The archive's next step: the first collection's with work left."""
    if not counts:
        return NOTHING_RECEIVED
    for c in counts:
        step = next_step(c)
        if not step.startswith(("nothing waits", f"{c.collection!r} holds no images")):
            return f"{c.collection}: {step}"
    return f"nothing waits: in every collection {EVERY_STAGE}."
