"""Photos → cases: numbers, pauses and near-duplicates; the same input gives the same cases."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from dalil.catalogue.consensus import Calibration, Vote
from dalil.catalogue.grouping import (
    NEAR_DUPLICATE,
    NEIGHBOURS,
    Grouping,
    PhotoFacts,
    group_photos,
)
from dalil.catalogue.vocabulary import load_vocabulary

VOCABULARY = load_vocabulary().numbers
SURE = Calibration({"western:agree=3:dissent=0": (500, 500)})
START = datetime(2012, 5, 14, 10, 0, 0)


def photo(
    n: int, seconds: int, numbers: tuple[str | None, str | None, str | None] | None = None,
    confidence: float = 0.99, camera: str = "Nikon D90 3001", pdq: str | None = None,
    confirmed: bool = False,
) -> PhotoFacts:  # fmt: skip
    votes = {}
    if numbers is not None:
        names = ("detainee", "branch", "report")
        votes = {
            n: Vote(v, confidence, "western", confirmed)
            for n, v in zip(names, numbers, strict=True)
        }
    return PhotoFacts(
        sha256=f"{n:064x}", taken=START + timedelta(seconds=seconds), camera=camera,
        folder="drive-A/2012-05-14", name=f"DSC_{n:04d}.JPG", pdq=pdq, votes=votes,
    )  # fmt: skip


A = ("1608", "251", "2801")
B = ("1611", "215", "2803")


def cases_of(grouping: Grouping) -> list[list[int]]:
    return [[int(sha, 16) for sha in case.shas] for case in grouping.cases]


def test_photos_of_one_body_form_one_case_and_the_next_body_another() -> None:
    photos = [photo(1, 0, A), photo(2, 20, A), photo(3, 45, A), photo(4, 200, B), photo(5, 230, B)]
    grouping = group_photos(photos, SURE, VOCABULARY)
    assert cases_of(grouping) == [[1, 2, 3], [4, 5]]
    assert grouping.cases[0].suggestions["detainee"].value == "1608"
    assert grouping.cases[0].category == "detainee"


def test_contradicting_numbers_start_a_new_case_even_without_a_pause() -> None:
    grouping = group_photos([photo(1, 0, A), photo(2, 10, B)], SURE, VOCABULARY)
    assert cases_of(grouping) == [[1], [2]]


def test_one_misread_number_does_not_split_a_case() -> None:
    misread = ("608", "251", "2801")  # the card's left edge covered in one photo
    photos = [photo(1, 0, A), photo(2, 20, misread), photo(3, 40, A)]
    assert cases_of(group_photos(photos, SURE, VOCABULARY)) == [[1, 2, 3]]


def test_a_photo_without_numbers_between_two_photos_of_one_case_joins_it() -> None:
    grouping = group_photos([photo(1, 0, A), photo(2, 20), photo(3, 40, A)], SURE, VOCABULARY)
    assert cases_of(grouping) == [[1, 2, 3]]
    assert dict(grouping.cases[0].photos)[f"{2:064x}"] == NEIGHBOURS


def test_a_photo_without_numbers_joins_the_side_without_a_long_pause() -> None:
    photos = [photo(1, 0, A), photo(2, 30, A), photo(3, 50), photo(4, 250, B)]
    assert cases_of(group_photos(photos, SURE, VOCABULARY)) == [[1, 2, 3], [4]]


def test_a_photo_without_numbers_between_two_close_cases_stays_unassigned() -> None:
    photos = [photo(1, 0, A), photo(2, 30), photo(3, 60, B)]
    grouping = group_photos(photos, SURE, VOCABULARY)
    assert cases_of(grouping) == [[1], [3]]
    assert grouping.unassigned == (f"{2:064x}",)


def test_a_near_duplicate_copy_joins_the_case_of_its_original() -> None:
    original = "f" * 64
    copy = "f" * 62 + "00"  # 8 of 256 bits differ
    photos = [
        photo(1, 0, A, pdq=original),
        photo(2, 20, A),
        PhotoFacts(f"{9:064x}", None, "", "elsewhere", "copy.jpg", copy),
    ]
    grouping = group_photos(photos, SURE, VOCABULARY)
    assert cases_of(grouping) == [[1, 2, 9]]
    assert dict(grouping.cases[0].photos)[f"{9:064x}"] == NEAR_DUPLICATE


def test_confirmed_numbers_outweigh_a_confident_misreading() -> None:
    photos = [
        photo(1, 0, A, confirmed=True, confidence=1.0),
        photo(2, 20, B, confidence=0.95),  # misread, but taken 20 s later
        photo(3, 40, A, confirmed=True, confidence=1.0),
    ]
    grouping = group_photos(photos, SURE, VOCABULARY)
    assert cases_of(grouping)[0][0] == 1
    assert grouping.cases[0].suggestions["report"].value == "2801"
    assert grouping.cases[0].suggestions["report"].confident


def test_a_report_number_alone_is_a_case_of_another_category() -> None:
    votes = {"report": Vote("2805", 0.99, "western")}
    other = PhotoFacts(f"{1:064x}", START, "cam", "f", "a.jpg", votes=votes, category="other")
    grouping = group_photos([other], SURE, VOCABULARY)
    assert grouping.cases[0].category == "other"


def test_photos_of_two_cameras_are_never_one_case() -> None:
    photos = [photo(1, 0, A), photo(2, 10, A, camera="Canon EOS 7D 88")]
    assert len(group_photos(photos, SURE, VOCABULARY).cases) == 2


SCENE = [
    photo(1, 0, A), photo(2, 15), photo(3, 30, A), photo(4, 50), photo(5, 300, B),
    photo(6, 320, ("1611", None, "2803"), 0.6), photo(7, 900), photo(8, 3000, A),
    PhotoFacts(f"{20:064x}", None, "", "x", "b.jpg"), photo(9, 3010, B, camera="Canon"),
]  # fmt: skip


@settings(max_examples=40)
@given(st.permutations(SCENE))
def test_grouping_is_deterministic_whatever_the_order_of_the_photos(
    shuffled: list[PhotoFacts],
) -> None:
    assert group_photos(shuffled, SURE, VOCABULARY) == group_photos(SCENE, SURE, VOCABULARY)


def test_a_wide_first_photo_that_shows_one_line_does_not_start_its_own_case() -> None:
    votes = {"report": Vote("1608", 0.95, "western")}  # one line found: taken for a report
    wide = PhotoFacts(f"{1:064x}", START, "Nikon D90 3001", "drive-A/2012-05-14",
                      "DSC_0001.JPG", votes=votes, category="other")  # fmt: skip
    photos = [wide, photo(2, 20, A), photo(3, 40, A), photo(4, 300, B)]
    assert cases_of(group_photos(photos, SURE, VOCABULARY)) == [[1, 2, 3], [4]]
