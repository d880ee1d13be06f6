"""Cross-script comparison keys: one consonant skeleton for a name in either script.

محمد, Mohammad, Muhammad and Mohamed are one name. Written Arabic omits short vowels and
Latin transliterations disagree mostly about vowels, so the key keeps the consonants,
each folded to a sound class that both scripts can reach: ح and ه and Latin h are H;
خ غ ق ك and kh/gh/q/k/c are K; ش and sh/ch (French style) are X. Long vowels (ا و ي),
ʿayn, hamza and taa marbuta are dropped, as Latin drops or varies them; doubled
consonants (shadda, "mm") collapse; a final H is dropped because Latin writes taa
marbuta as "-ah"/"-eh" and Arabic writes final ه where Latin often omits it.

The *strict* key separates what transliterations keep apart (d from z, s from sh). The
*loose* key also merges the classes that transliterations confuse (ث as th, s or t; ذ as
dh, th or z; ج as j or g; ح as h or nothing): a weaker comparison level, learnt from
data like every other.
"""

from __future__ import annotations

import functools
import re

# Arabic letter → sound class; letters absent here (vowels, ʿayn, hamza) are dropped.
_ARABIC_CLASS: dict[str, str] = {
    "ب": "B",
    "پ": "B",
    "ت": "T",
    "ث": "T",
    "ط": "T",
    "ج": "J",
    "چ": "J",
    "ح": "H",
    "ه": "H",
    "خ": "K",
    "غ": "K",
    "ق": "K",
    "ك": "K",
    "گ": "K",
    "د": "D",
    "ض": "D",
    "ذ": "Z",
    "ز": "Z",
    "ظ": "Z",
    "ر": "R",
    "س": "S",
    "ص": "S",
    "ش": "X",
    "ف": "F",
    "ڤ": "F",
    "ل": "L",
    "م": "M",
    "ن": "N",
}

# Latin spellings → sound class, longest first so that digraphs win over letters.
_LATIN_CLASS: tuple[tuple[str, str], ...] = (
    ("tch", "X"),
    ("sch", "X"),
    ("kh", "K"),
    ("gh", "K"),
    ("sh", "X"),
    ("ch", "X"),
    ("th", "T"),
    ("dh", "D"),
    ("dj", "J"),
    ("ph", "F"),
    ("ck", "K"),
    ("b", "B"),
    ("p", "B"),
    ("t", "T"),
    ("d", "D"),
    ("j", "J"),
    ("g", "J"),
    ("h", "H"),
    ("k", "K"),
    ("q", "K"),
    ("c", "K"),
    ("x", "KS"),
    ("z", "Z"),
    ("s", "S"),
    ("r", "R"),
    ("f", "F"),
    ("v", "F"),
    ("l", "L"),
    ("m", "M"),
    ("n", "N"),
)
_LATIN_PATTERN = re.compile("|".join(spelling for spelling, _ in _LATIN_CLASS))
_LATIN_LOOKUP = dict(_LATIN_CLASS)
_REPEATS = re.compile(r"(.)\1+")
_LOOSE = str.maketrans({"T": "D", "Z": "D", "S": "D", "X": "D", "J": "K", "H": None})


def _finish(classes: str) -> str:
    key = _REPEATS.sub(r"\1", classes)
    if len(key) > 1 and key.endswith("H"):
        key = key[:-1]
    return key


def arabic_key(token: str) -> str:
    """Strict key of one normalised Arabic token (see ``script.normalise_arabic``)."""
    return _finish("".join(_ARABIC_CLASS.get(c, "") for c in token))


def latin_key(token: str) -> str:
    """Strict key of one normalised Latin token (see ``script.normalise_latin``)."""
    letters = token.replace("-", "").replace(" ", "")
    return _finish("".join(_LATIN_LOOKUP[m] for m in _LATIN_PATTERN.findall(letters)))


@functools.lru_cache(maxsize=100_000)
def loose_key(key: str) -> str:
    """The strict key with easily confused classes merged."""
    return _REPEATS.sub(r"\1", key.translate(_LOOSE))
