"""Arabic names: tokens, compound names, name parts and cross-script keys.

A Syrian full name is usually *given – father – grandfather – family* ("محمد أحمد حسن
الخطيب"). Some parts are more than one word: compounds with عبد ("servant of", always
followed by a divine name: عبد الرحمن, Abdul Rahman, Abd al-Rahman, Abdulrahman),
kunyas with أبو (Abu Bakr), and names ending in الدين or الله (Nour al-Din, Nureddin,
Nasrallah). Those are joined into one token first, in both scripts, so that each part
of the name is one token wherever the clerk put the spaces. The definite article
(al-, el-, ad-, ال) is dropped from family names, which lists write with or without it.

``parse`` splits a full name into parts; ``part_key`` gives the cross-script key of a
part (see ``keys``), so that "محمد عبد الرحمن" and "Mohamad Abdulrahman" meet.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import NamedTuple

from dalil.linkage import keys, script
from dalil.linkage.spellings import ABBREVIATIONS

_LATIN_ARTICLES = frozenset({"al", "el", "il", "ul"})
# Sun-letter forms of the article ("as-Sayed", "ar-Rifai"): an article only when the
# next word starts with the assimilated letter, so the name "Anas" is never taken for one.
_SUN_ARTICLES = frozenset({"ar", "as", "ash", "at", "ath", "ad", "adh", "az", "an", "ed"})
_LATIN_CONNECTORS = frozenset({"bin", "ibn", "ben", "bint", "ebn", "ould"})
_ABD_WORDS = frozenset(
    {"abd", "abdul", "abdel", "abdal", "abdol", "abdu", "abdur", "abdus", "abed"}
)
_ABD_JOINED = re.compile(r"^abd(?:[aeiou]{0,2})(?:l(?=.))?(.{2,})$")
_ABU_WORDS = frozenset({"abu", "abou", "abo", "bou"})
_DIN_WORDS = frozenset(
    {"din", "deen", "dine", "eddin", "eddine", "eddeen", "uddin", "uddeen", "addin", "aldin"}
    | {"eldin", "eldine", "aldine", "oddin", "iddin", "ud-din", "ad-din", "ed-din"}
)
_DIN_JOINED = re.compile(r"^(.{2,}?)(?:[aeiou][dl])d(?:in|ine|een)$")
_ALLAH_WORDS = frozenset({"allah", "ullah", "alla", "illah", "allh", "ollah"})
_ARABIC_CONNECTORS = frozenset({"بن", "بنت", "ابن"})
_ARABIC_JOIN_NEXT = frozenset({"عبد", "ابو"})
_ARABIC_JOIN_PREVIOUS = frozenset({"الدين", "الله"})
_MIN_STRIPPED = 3


class Token(NamedTuple):
    text: str
    article: bool = False  # written with the definite article


@dataclass(frozen=True)
class Name:
    """A full name split into parts; each part is normalised text or None."""

    given: str | None
    father: str | None
    grandfather: str | None
    family: str | None
    arabic: bool


def tokenise(text: str, arabic: bool | None = None) -> list[Token]:
    """Normalised tokens of a name with compound names joined, in its own script."""
    if arabic if arabic is not None else script.is_arabic(text):
        return _arabic_tokens(script.normalise_arabic(text).split())
    words = re.split(r"[ \-]+", script.normalise_latin(text))
    return _latin_tokens([ABBREVIATIONS.get(w, w) for w in words if w])


def _arabic_tokens(words: list[str]) -> list[Token]:
    out: list[Token] = []
    i = 0
    while i < len(words):
        word = words[i]
        if word in _ARABIC_CONNECTORS:
            i += 1
            continue
        if word in _ARABIC_JOIN_NEXT and i + 1 < len(words):
            word, i = word + words[i + 1], i + 1
        elif word in _ARABIC_JOIN_PREVIOUS and out:
            out[-1] = Token(out[-1].text + word, out[-1].article)
            i += 1
            continue
        out.append(Token(word, word.startswith("ال") and len(word) > _MIN_STRIPPED))
        i += 1
    return out


def _is_article(word: str, following: str | None) -> bool:
    if following is None:
        return False
    if word in _LATIN_ARTICLES:
        return True
    return word in _SUN_ARTICLES and following.startswith(word[1:])


def _latin_tokens(words: list[str]) -> list[Token]:
    out: list[Token] = []
    article = False
    i = 0
    while i < len(words):
        word = words[i]
        following = words[i + 1] if i + 1 < len(words) else None
        if word in _LATIN_CONNECTORS:
            i += 1
        elif word in _ABD_WORDS and following is not None:
            i += 1
            if _is_article(following, words[i + 1] if i + 1 < len(words) else None):
                i += 1
            out.append(Token("abdal" + _strip_joined_article(words[i])))
            i += 1
        elif word in _ABU_WORDS and following is not None:
            out.append(Token("abu" + words[i + 1]))
            i += 2
        elif (word in _DIN_WORDS or word in _ALLAH_WORDS) and out:
            suffix = "aldin" if word in _DIN_WORDS else "allah"
            out[-1] = Token(out[-1].text + suffix, out[-1].article)
            i += 1
        elif _is_article(word, following):
            assert following is not None
            if following in _DIN_WORDS | _ALLAH_WORDS and out:
                words[i + 1] = "al" + following  # "Nour El Din": the article belongs to Din
            else:
                article = True
            i += 1
            continue
        else:
            out.append(Token(_join_compound(word), article))
            i += 1
        article = False
    return out


@functools.lru_cache(maxsize=100_000)
def _join_compound(word: str) -> str:
    if (match := _ABD_JOINED.match(word)) is not None and not word.startswith("abdo"):
        return "abdal" + match.group(1)
    if (match := _DIN_JOINED.match(word)) is not None:
        return match.group(1) + "aldin"
    return word


def _strip_joined_article(word: str) -> str:
    for article in ("al", "el"):
        if word.startswith(article) and len(word) - len(article) >= _MIN_STRIPPED:
            return word[len(article) :]
    return word


@functools.lru_cache(maxsize=200_000)
def parse(full_name: str) -> Name:
    """Split a full name into given, father, grandfather and family name.

    "Family, Given Father" (a comma) and a first word with the article while the last
    has none ("Al-Khatib Mohammad Ahmad") are read as family-first.
    """
    arabic = script.is_arabic(full_name)
    family_first = ["،", ","]
    if any(mark in full_name for mark in family_first):
        head, _, tail = full_name.replace("،", ",").partition(",")
        tokens = tokenise(tail, arabic) + tokenise(head, arabic)
    else:
        tokens = tokenise(full_name, arabic)
        if len(tokens) >= 2 and tokens[0].article and not tokens[-1].article:
            tokens = tokens[1:] + tokens[:1]
    texts = [_token_text(t, arabic) for t in tokens]
    if not texts:
        return Name(None, None, None, None, arabic)
    if len(texts) == 1:
        return Name(texts[0], None, None, None, arabic)
    middle = texts[1:-1]
    father = middle[0] if middle else None
    grandfather = " ".join(middle[1:]) or None
    return Name(texts[0], father, grandfather, texts[-1], arabic)


def _token_text(token: Token, arabic: bool) -> str:
    if token.article and not arabic:
        return "al-" + token.text
    return token.text


@functools.lru_cache(maxsize=200_000)
def part_key(part: str | None, *, family: bool = False) -> str | None:
    """Strict cross-script key of one name part; None for a missing or empty part."""
    if part is None or not part.strip():
        return None
    arabic = script.is_arabic(part)
    pieces: list[str] = []
    for token in tokenise(part, arabic):
        text = token.text
        if family and arabic and text.startswith("ال") and len(text) > _MIN_STRIPPED:
            text = text[2:]
        elif family and not arabic:
            text = _strip_joined_article(text)
        pieces.append(keys.arabic_key(text) if arabic else keys.latin_key(text))
    key = "".join(pieces)
    return key or None


def loose_part_key(part: str | None, *, family: bool = False) -> str | None:
    """The loose key of a part (confusable sound classes merged)."""
    key = part_key(part, family=family)
    return keys.loose_key(key) if key else None
