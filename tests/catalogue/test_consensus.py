"""A case's value from its photos' readings, and when it counts as confident."""

from __future__ import annotations

from dalil.catalogue.consensus import (
    MIN_BUCKET_CASES,
    Calibration,
    Vote,
    shipped_calibration,
    suggest,
)
from dalil.catalogue.vocabulary import load_vocabulary

VOCABULARY = load_vocabulary().numbers
TABLE = Calibration(
    {
        "western:agree=2:dissent=0": (2000, 2001),
        "western:agree=1:dissent=0": (90, 100),
        "western:agree=3:dissent=0": (10, 10),  # too few cases to show anything
    }
)


def test_two_sure_readings_in_a_precise_bucket_are_confident() -> None:
    votes = [Vote("215", 0.97, "western"), Vote("215", 0.95, "western")]
    suggestion = suggest("branch", votes, TABLE, VOCABULARY)
    assert suggestion.value == "215" and suggestion.confident
    assert suggestion.confidence > 0.99


def test_a_bucket_measured_below_the_target_precision_goes_to_review() -> None:
    suggestion = suggest("report", [Vote("2801", 0.95, "western")], TABLE, VOCABULARY)
    assert suggestion.value == "2801" and not suggestion.confident
    assert 0.85 < suggestion.confidence < 0.95


def test_a_bucket_with_too_few_calibration_cases_is_never_confident() -> None:
    votes = [Vote("2801", 0.99, "western")] * 3
    assert MIN_BUCKET_CASES > 10
    assert not suggest("report", votes, TABLE, VOCABULARY).confident


def test_a_branch_not_in_the_vocabulary_is_never_confident() -> None:
    votes = [Vote("999", 0.99, "western"), Vote("999", 0.99, "western")]
    suggestion = suggest("branch", votes, TABLE, VOCABULARY)
    assert suggestion.value == "999" and not suggestion.confident
    assert suggestion.evidence is not None and suggestion.evidence.bucket == "unknown-branch"


def test_the_value_most_photos_read_wins_and_the_dissent_is_counted() -> None:
    votes = [
        Vote("1608", 0.95, "eastern"),
        Vote("1608", 0.9, "eastern"),
        Vote("1603", 0.97, "eastern"),
    ]
    suggestion = suggest("detainee", votes, TABLE, VOCABULARY)
    assert suggestion.value == "1608"
    assert suggestion.evidence is not None and suggestion.evidence.dissent == 1


def test_a_confirmed_value_is_certain() -> None:
    votes = [Vote("1603", 0.99, "western"), Vote("1608", 1.0, "confirmed", confirmed=True)]
    suggestion = suggest("detainee", votes, Calibration({}), VOCABULARY)
    assert (suggestion.value, suggestion.confidence, suggestion.confident) == ("1608", 1.0, True)


def test_no_reading_no_suggestion() -> None:
    assert suggest("report", [Vote(None, 0.0)], TABLE, VOCABULARY).value is None


def test_the_shipped_calibration_table_loads() -> None:
    table = shipped_calibration()
    assert isinstance(table.buckets, dict)


def test_one_photos_reading_is_never_confident_however_its_bucket_measured() -> None:
    table = Calibration({"western:agree=1:dissent=0": (5000, 5000)})
    suggestion = suggest("report", [Vote("2801", 1.0, "western")], table, VOCABULARY)
    assert suggestion.confidence > 0.99 and not suggestion.confident
