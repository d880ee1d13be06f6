"""The next command for a collection at each stage of the pipeline (a pure function)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from dalil.overview.progress import NOTHING_RECEIVED, Counts, archive_next, next_step

DONE = Counts("caesar", batches=1, paths=12, received=10, described=10, analysed=10,
              analysed_alone=False, read=10, grouped=10, ungrouped=0, cases=3, reviewed=3,
              disputed=0, faces=3, cases_with_faces=3, pending_matches=0, open_tasks=0)  # fmt: skip


@pytest.mark.parametrize(
    ("changes", "command"),
    [
        ({"described": 0, "analysed": 0, "read": 0, "grouped": 0, "cases": 0},
         "`dalil derive`"),
        ({"analysed": 4}, "`dalil analyze authenticity`"),
        ({"analysed": 4, "analysed_alone": True},
         "`dalil analyze authenticity --collection caesar`"),
        ({"read": 0, "grouped": 0, "cases": 0}, "`dalil catalogue read --collection caesar`"),
        ({"grouped": 0, "cases": 0}, "`dalil catalogue group --collection caesar`"),
        ({"ungrouped": 2}, "`dalil catalogue group --collection caesar`"),
        ({"faces": 0, "cases_with_faces": 0}, "`dalil match faces`"),
        ({"pending_matches": 2}, "`dalil match review CODE CASE`"),
        ({"open_tasks": 1}, "`dalil match tasks`"),
        ({"reviewed": 1, "disputed": 1}, "`dalil catalogue review`"),
    ],
)  # fmt: skip
def test_the_next_command_is_the_first_stage_with_work_left(
    changes: dict[str, object], command: str
) -> None:
    step = next_step(replace(DONE, **changes))  # type: ignore[arg-type]
    assert command in step and step.endswith(".")


def test_the_sentence_counts_what_is_left() -> None:
    assert next_step(replace(DONE, described=7)).startswith("3 images of 10 not described")
    assert "1 of them disputed" in next_step(replace(DONE, reviewed=1, disputed=1))
    assert "1 family to be told" in next_step(replace(DONE, open_tasks=1))


def test_a_collection_with_nothing_left_says_so_and_the_archive_names_the_one_that_waits() -> None:
    assert next_step(DONE).startswith("nothing waits in 'caesar'")
    waiting = replace(DONE, collection="faces", cases_with_faces=0)
    assert archive_next([DONE, waiting]).startswith("faces: no faces embedded")
    assert archive_next([DONE]).startswith("nothing waits")


def test_a_fresh_archive_is_told_to_ingest() -> None:
    assert archive_next([]) == NOTHING_RECEIVED and "`dalil ingest" in NOTHING_RECEIVED


def test_a_collection_without_images_has_nothing_to_do() -> None:
    empty = replace(DONE, received=0, described=0, analysed=0, read=0, grouped=0, cases=0)
    assert "holds no images" in next_step(empty)
    assert archive_next([empty]).startswith("nothing waits")
