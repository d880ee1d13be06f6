"""Digits as written on the cards: Western (0–9), Eastern Arabic (٠–٩) and Persian (۰–۹).

Everything dalil stores is in Western digits, whatever was written, so that a number
read from an Eastern Arabic card and the same number typed by a reviewer on a Latin
keyboard compare equal. What script was written is kept beside the value, as evidence.
"""

from __future__ import annotations

from typing import Final

WESTERN: Final = "0123456789"
EASTERN: Final = "٠١٢٣٤٥٦٧٨٩"  # U+0660..U+0669, ARABIC-INDIC DIGIT ZERO..NINE
PERSIAN: Final = "۰۱۲۳۴۵۶۷۸۹"  # U+06F0..U+06F9, typed on Persian keyboards for the same digits
# Separators written between two numbers on one line ("1608/251"); the Arabic
# date/number separators a reviewer's keyboard may produce count as a slash.
SEPARATORS: Final = "/-\\\u060d\u066c\u2044"

_TO_WESTERN = str.maketrans(EASTERN + PERSIAN, WESTERN + WESTERN)


def to_western(text: str) -> str:
    """``text`` with every Eastern Arabic or Persian digit written as a Western digit."""
    return text.translate(_TO_WESTERN)


def script_of(text: str) -> str | None:
    """ "western", "eastern", "mixed", or None when ``text`` holds no digit at all."""
    western = any(ch in WESTERN for ch in text)
    eastern = any(ch in EASTERN or ch in PERSIAN for ch in text)
    if western and eastern:
        return "mixed"
    if eastern:
        return "eastern"
    return "western" if western else None


def is_number(text: str) -> bool:
    """True if ``text`` is one or more digits of any of the three scripts, nothing else."""
    return bool(text) and all(ch in WESTERN or ch in EASTERN or ch in PERSIAN for ch in text)
