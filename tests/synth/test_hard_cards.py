"""Hard cards: the ground truth says what is written and how, every difficulty occurs,
and whatever is written can be drawn (no character without a glyph)."""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np
import pytest

from dalil.synth import glyphs
from dalil.synth.card import HERSHEY, ink_mask
from dalil.synth.numbers import EASTERN_DIGITS, CaseNumbers, to_eastern
from dalil.synth.writing import HARD_ROTATION, Writing, layout_lines

Truth = dict[str, Any]


@pytest.mark.parametrize(
    ("layout", "digits", "expected"),
    [
        ("three_lines", "western", ("3146", "215", "2357")),
        ("branch_first", "western", ("215", "3146", "2357")),
        ("two_lines", "western", ("3146/215", "2357")),
        ("three_lines", "eastern", ("٣١٤٦", "٢١٥", "٢٣٥٧")),
        ("two_lines", "eastern", ("٣١٤٦/٢١٥", "٢٣٥٧")),
    ],
)
def test_layouts_write_the_numbers_in_their_order(
    layout: str, digits: str, expected: tuple[str, ...]
) -> None:
    assert layout_lines(CaseNumbers(3146, 215, 2357), layout, digits) == expected


def test_a_body_that_is_not_a_detainee_shows_its_report_number_only() -> None:
    assert layout_lines(CaseNumbers(None, None, 2357), "three_lines", "eastern") == ("٢٣٥٧",)


def test_every_hard_difficulty_occurs(hard_truth: Truth) -> None:
    writings = [c["writing"] for c in hard_truth["cases"]]
    cards = [f["card"] for f in hard_truth["files"] if f["kind"] == "photo"]
    visible = [c for c in cards if c["visible"]]
    assert {w["surface"] for w in writings} == {"card", "skin"}
    assert {w["digits"] for w in writings} == {"western", "eastern"}
    assert len({w["hand"] for w in writings}) >= 3
    assert len({w["layout"] for w in writings if w["layout"] != "report_only"}) >= 2
    assert max(w["stroke"] for w in writings) > 2 * min(w["stroke"] for w in writings)
    assert max(abs(c["rotation"]) for c in visible) > 20
    assert all(abs(c["rotation"]) <= HARD_ROTATION for c in visible)
    assert any(c["perspective"] > 0 for c in visible)
    assert any(c["blur"] > 0 for c in visible)
    assert any(c["contrast"] < 1 for c in visible)
    assert any(c["occlusion"] for c in visible)


def test_eastern_digits_are_whole_sessions(hard_truth: Truth) -> None:
    sessions = {s["id"]: s["digits"] for s in hard_truth["sessions"]}
    for case in hard_truth["cases"]:
        assert case["writing"]["digits"] == sessions[case["session"]]
        if case["writing"]["digits"] == "eastern":
            assert case["writing"]["hand"] == "strokes"
            assert set("".join(case["writing"]["lines"])) <= set(EASTERN_DIGITS + "/-")


def test_written_lines_say_the_cases_numbers(hard_truth: Truth) -> None:
    for case in hard_truth["cases"]:
        numbers = CaseNumbers(case["detainee"], case["branch"], case["report"])
        expected = layout_lines(numbers, case["writing"]["layout"], case["writing"]["digits"])
        assert case["writing"]["lines"] == list(expected)


def test_standard_cards_stay_easy(truth: Truth) -> None:
    for case in truth["cases"]:
        assert case["writing"]["surface"] == "card" and case["writing"]["digits"] == "western"
    for entry in truth["files"]:
        if entry["kind"] == "photo" and entry["card"]["visible"]:
            assert abs(entry["card"]["rotation"]) <= 8
            assert entry["card"]["blur"] == 0 and entry["card"]["occlusion"] is None


@pytest.mark.parametrize("char", sorted(set("0123456789/-" + EASTERN_DIGITS)))
def test_every_character_the_stroke_hand_writes_has_a_glyph(char: str) -> None:
    assert char in glyphs.GLYPHS
    mask = np.zeros((40, 40), dtype=np.uint8)
    glyphs.draw_glyph(mask, char, (8.0, 4.0), 30.0, 2, np.random.default_rng(0))
    assert mask.sum() > 0


@pytest.mark.parametrize("hand", sorted([*HERSHEY, "strokes"]))
def test_each_hand_leaves_ink_inside_the_card(hand: str) -> None:
    lines = (to_eastern("3146"), "٢١٥") if hand == "strokes" else ("3146", "215")
    writing = Writing("card", "western", hand, 3.0, "three_lines", lines, "black")
    mask = ink_mask(writing, 200, 120, 3, np.random.default_rng(1))
    ys, xs = np.nonzero(mask)
    assert len(xs) > 200
    assert xs.min() > 0 and xs.max() < 199 and ys.min() > 0 and ys.max() < 119
    count, _ = cv2.connectedComponents((mask > 0).astype(np.uint8))
    assert count - 1 >= 3  # separate strokes, not one blot
