"""Spelling-level normalisation of names in Arabic and Latin script.

Two clerks copying the same name produce different strings: one writes diacritics, one
writes أحمد and the other احمد, one types "Al-Khatib" and the other "ALKHATIB". These
functions remove differences that never distinguish two people, and nothing else: the
original string stays on the record as evidence; normalised forms are for comparison.

Arabic normalisation uses pyarabic for diacritics, tatweel and lam-alef ligatures and
then folds the letters that clerks use interchangeably in names (hamza carriers, alef
forms, alef maqsura, taa marbuta). Latin normalisation strips accents, apostrophes
(which stand for ʿayn or hamza) and case, and reads "Arabizi" digits (3 = ع, 7 = ح).
"""

from __future__ import annotations

import functools
import re
import unicodedata

import pyarabic.araby as araby

# Letters folded because clerks write them interchangeably in names: every hamza seat
# and alef form to bare alef, alef maqsura to yaa, taa marbuta to haa, Persian letters
# sometimes used on keyboards to their Arabic counterparts.
_ARABIC_FOLD = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        "ی": "ي",
        "ئ": "ي",
        "ؤ": "و",
        "ة": "ه",
        "ک": "ك",
        "ڪ": "ك",
        "ۀ": "ه",
        "ە": "ه",
    }
)
_ARABIC_DROP = re.compile("[ء\u200c\u200d\u200e\u200f]")
_ARABIC_LETTER = re.compile("[\u0621-\u064a\u0671-\u06d3]")
_NOT_ARABIC_NAME = re.compile("[^\u0621-\u064a\u0671-\u06d3 ]+")
_SPACES = re.compile(r"\s+")

# Arabizi: digits for letters Latin lacks, as typed on phones.
_ARABIZI = str.maketrans({"2": "", "3": "", "5": "kh", "6": "t", "7": "h", "8": "gh", "9": "q"})
_APOSTROPHES = re.compile("['`ʿʾ’‘´ʼ]")
_NOT_LATIN_NAME = re.compile(r"[^a-z\- ]+")
_HYPHEN = re.compile(r"\s*-\s*")


_LATIN_LETTER = re.compile("[A-Za-zÀ-ɏ]")


def is_arabic(text: str) -> bool:
    """Whether ``text`` is written mainly in Arabic script."""
    if _ARABIC_LETTER.search(text) is None:
        return False
    arabic = len(_ARABIC_LETTER.findall(text))
    return arabic > 0 and arabic >= len(_LATIN_LETTER.findall(text))


def normalise_arabic(text: str) -> str:
    """Arabic name with diacritics, tatweel and letter variants folded; spaces kept single."""
    return " ".join(filter(None, map(_arabic_word, text.split())))


@functools.lru_cache(maxsize=100_000)
def _arabic_word(word: str) -> str:
    # Names repeat endlessly across lists: normalising each distinct word once keeps
    # a list of 200,000 names to a few thousand calls into pyarabic.
    word = unicodedata.normalize("NFKC", word)
    word = araby.strip_diacritics(word)
    word = araby.strip_tatweel(word)
    word = araby.normalize_ligature(word)
    word = word.translate(_ARABIC_FOLD)
    word = _ARABIC_DROP.sub("", word)
    word = _NOT_ARABIC_NAME.sub(" ", word)
    return _SPACES.sub(" ", word).strip()


def normalise_latin(text: str) -> str:
    """Latin name in lower-case ASCII letters, hyphens and single spaces."""
    text = " ".join(map(_latin_word, text.split()))
    if "-" in text:
        text = _HYPHEN.sub("-", text)
    return _SPACES.sub(" ", text).strip(" -")


@functools.lru_cache(maxsize=100_000)
def _latin_word(word: str) -> str:
    # Every step is letter by letter, so a name is its words normalised one by one;
    # each distinct word is normalised once (see ``_arabic_word``).
    if not word.isascii():
        word = unicodedata.normalize("NFKD", word)
        word = "".join(c for c in word if not unicodedata.combining(c))
    word = word.lower().translate(_ARABIZI)
    word = _APOSTROPHES.sub("", word)
    word = word.replace("ß", "ss").replace("ø", "o").replace("æ", "ae")
    return _NOT_LATIN_NAME.sub(" ", word)
