"""Synthetic victim lists with known truth, for linkage and estimation.

A simulated population of people who died in detention, each with a Syrian name in
Arabic (given, father, grandfather, family; mother's name), sex, birth date,
governorate, dates of arrest and death and the branch that held them. K lists each
document some of them. Capture depends on covariates (governorate, urban or rural,
year) and on a latent "visibility" shared by all lists, so lists are *not*
independent: well-known victims are on several lists, others on none — the situation
in which naive capture–recapture undercounts and LCMCR is needed.

Each list has its own habits, as real documentation groups do: script (Arabic, Latin
or both), full names or separate parts, birth date or age, which optional fields it
keeps. Records carry transliteration variants (from ``linkage.spellings``), typing
errors, missing parts, swapped name order, shifted dates and a few duplicates within
a list. The truth — who every record is, the population size by stratum — is written
next to the lists and never read by the linkage.

Family names. Syrian lists hold thousands of family names; the 60 curated ones in
``linkage.spellings`` alone made two unrelated people share a family name one time in
60, which no real list does. The ``wide`` pool (the default) keeps them as the common
head (30% of people) and adds the forms most Syrian family names take: al- and Abu with
a given name (العمر, أبو زيد) and occupational or descriptive names built on
triliteral roots in four patterns (فاعل, فعيل, فعّال, مفعول: Kateb, Kabir, Najjar,
Mahmoud), each with or without the article and with the Latin spellings clerks use
(Al-Najjar, Alnajar, El Najjar, Najjar). ``pool="listed"`` draws from the 60 only, as
the first version did.
"""

from __future__ import annotations

import bisect
import csv
import datetime as dt
import itertools
import json
import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from dalil.linkage.spellings import FAMILY, FEMALE_GIVEN, GOVERNORATES, MALE_GIVEN

BRANCHES = ("215", "227", "235", "248", "251")
YEARS = (2011, 2012, 2013, 2014, 2015)
# Share of the simulated dead by governorate (rough shape of published counts: Rif
# Dimashq, Homs, Aleppo, Idlib and Daraa highest); the order follows GOVERNORATES.
GOVERNORATE_WEIGHTS = (8, 20, 16, 14, 6, 9, 12, 5, 2, 2, 1, 1, 2, 2)
ARABIC_TYPOS = {"ه": "ة", "ا": "أ", "ي": "ى", "س": "ص", "ت": "ط", "د": "ذ", "ح": "ه", "ق": "ك"}


@dataclass(frozen=True)
class ListProfile:
    """How one documentation group records a person."""

    name: str
    intercept: float  # logit of capture for an average person
    urban: float  # effect of living in a city
    visibility: float  # weight of the shared latent visibility
    year_trend: float  # per year after 2011
    arabic: bool
    latin: bool
    parts: bool  # separate name columns instead of a full name
    birth: str  # "date", "age" or "year"
    mother: float  # probability of recording the mother's name
    missing: float  # probability of a missing father / grandfather name
    typo: float
    swap: float  # probability of family-first order in a full name
    duplicate: float  # probability of the same person entered twice


PROFILES: tuple[ListProfile, ...] = (
    ListProfile(
        "centre", -0.6, 0.6, 1.0, 0.10, True, True, False, "date", 0.5, 0.1, 0.03, 0.03, 0.02
    ),
    ListProfile(
        "network", -1.0, 0.3, 0.8, 0.20, True, False, True, "date", 0.7, 0.2, 0.04, 0.0, 0.01
    ),
    ListProfile(
        "observatory", -1.4, 0.9, 1.2, -0.10, False, True, False, "age", 0.0, 0.3, 0.05, 0.05, 0.02
    ),
    ListProfile(
        "families", -1.8, -0.4, 0.6, 0.0, True, False, False, "year", 0.9, 0.1, 0.06, 0.02, 0.01
    ),
    ListProfile(
        "catalogue", -1.2, 0.0, 0.3, 0.15, False, True, True, "date", 0.2, 0.4, 0.04, 0.0, 0.0
    ),
    ListProfile(
        "committee", -2.0, 0.5, 0.9, 0.05, True, True, True, "age", 0.4, 0.2, 0.05, 0.0, 0.01
    ),
)


@dataclass
class SyntheticLists:
    people: list[dict[str, Any]]
    records: dict[str, list[dict[str, str]]]
    truth: list[tuple[str, str, int]]  # (list, record_id, person_id)
    seed: int
    summary: dict[str, Any] = field(default_factory=dict)


def _pick(rng: np.random.Generator, options: tuple[str, ...] | list[str]) -> str:
    return options[int(rng.random() * len(options))]


def _weighted(rng: np.random.Generator, cumulative: Sequence[float]) -> int:
    return bisect.bisect_right(cumulative, rng.random() * cumulative[-1])


_GOVERNORATE_NAMES = list(GOVERNORATES)
_GOVERNORATE_CUMULATIVE = list(itertools.accumulate(GOVERNORATE_WEIGHTS))
_YEAR_CUMULATIVE = list(itertools.accumulate((1, 3, 3, 2, 1)))
# Lists favour a name's usual spelling: each next listed spelling half as often.
_SPELLING_CUMULATIVE = [list(itertools.accumulate(2.0**-i for i in range(n))) for n in range(9)]


# Consonants of the roots below with their Latin spellings, usual first.
_CONSONANTS: dict[str, tuple[str, ...]] = {
    "ب": ("b",), "ت": ("t",), "ث": ("th", "s"), "ج": ("j", "g"), "ح": ("h",),
    "خ": ("kh",), "د": ("d",), "ذ": ("dh", "z"), "ر": ("r",), "ز": ("z",), "س": ("s",),
    "ش": ("sh", "ch"), "ص": ("s",), "ض": ("d", "dh"), "ط": ("t",), "ظ": ("z", "dh"),
    "غ": ("gh",), "ف": ("f",), "ق": ("q", "k"), "ك": ("k",), "ل": ("l",), "م": ("m",),
    "ن": ("n",), "ه": ("h",),
}  # fmt: skip
_ROOT_TEXT = (
    "كتب نجر صبغ حلق طبخ سلم حمد شكر نصر فضل كرم حكم رشد جبر قدر فرح صبر حفظ شرف نظم "
    "جمل كمل برك زهر نبل رزق قسم شهب طهر فتح ذكر ملك رحم خلف بشر سمر جلد حرب درس زرق "
    "صدق فرج قطن ثبت غزل خزن دبغ حجز بطر"
)
# Pattern → (Arabic from the three consonants, Latin spellings from their spellings).
_PATTERNS: tuple[tuple[Callable[[str, str, str], str], tuple[str, ...]], ...] = (
    (lambda a, b, c: a + "ا" + b + c, ("{a}a{b}e{c}", "{a}a{b}i{c}")),
    (lambda a, b, c: a + b + "ي" + c, ("{a}a{b}i{c}", "{a}a{b}ee{c}")),
    (lambda a, b, c: a + b + "ا" + c, ("{a}a{b}{b}a{c}", "{a}a{b}a{c}")),
    (lambda a, b, c: "م" + a + b + "و" + c, ("Ma{a}{b}ou{c}", "Ma{a}{b}u{c}")),
)
# Share of people whose family name is one of the 60 curated ones in the wide pool.
_CURATED_SHARE = 0.3


def _article_forms(latin: tuple[str, ...]) -> tuple[str, ...]:
    first = latin[0]
    return (f"Al-{first}", f"Al{first.lower()}", f"El {first}", first, *latin[1:2])


def _pattern_names() -> dict[str, tuple[str, ...]]:
    names: dict[str, tuple[str, ...]] = {}
    for root in _ROOT_TEXT.split():
        a, b, c = root[0], root[1], root[2]
        usual = {"a": _CONSONANTS[a][0], "b": _CONSONANTS[b][0], "c": _CONSONANTS[c][0]}
        other = {"a": _CONSONANTS[a][-1], "b": _CONSONANTS[b][-1], "c": _CONSONANTS[c][-1]}
        for arabic_of, templates in _PATTERNS:
            spellings = [t.format(**usual) for t in templates] + [templates[0].format(**other)]
            latin = tuple(dict.fromkeys(w.capitalize() for w in spellings))
            arabic = arabic_of(a, b, c)
            names[arabic] = latin
            names["ال" + arabic] = _article_forms(latin)
    return names


def family_pool(pool: str = "wide") -> tuple[dict[str, tuple[str, ...]], list[float]]:
    """Family names with their Latin spellings, and the cumulative weight of each."""
    if pool == "listed":
        return dict(FAMILY), list(itertools.accumulate([1.0] * len(FAMILY)))
    if pool != "wide":
        raise ValueError(f"unknown family-name pool {pool!r}: wide or listed")
    generated: dict[str, tuple[str, ...]] = {}
    for arabic, latin in MALE_GIVEN.items():
        if " " in arabic:
            continue
        generated["ال" + arabic] = _article_forms(latin)
        generated["أبو " + arabic] = (f"Abu {latin[0]}", f"Abou {latin[0]}", f"Abu {latin[-1]}")
    generated.update(_pattern_names())
    extra = {k: v for k, v in generated.items() if k not in FAMILY}
    names = {**FAMILY, **extra}
    weights = [_CURATED_SHARE / len(FAMILY)] * len(FAMILY)
    weights += [(1.0 - _CURATED_SHARE) / len(extra)] * len(extra)
    return names, list(itertools.accumulate(weights))


def _person(
    rng: np.random.Generator, pid: int, families: list[str], family_weights: list[float]
) -> dict[str, Any]:
    male = rng.random() < 0.9
    given_table = MALE_GIVEN if male else FEMALE_GIVEN
    gov = _GOVERNORATE_NAMES[_weighted(rng, _GOVERNORATE_CUMULATIVE)]
    birth_year = 1950 + int(rng.random() * 48)
    death_year = YEARS[_weighted(rng, _YEAR_CUMULATIVE)]
    arrest_days = 10 + int(rng.random() * 490)
    death_ordinal = _ordinal(death_year, 1 + int(rng.random() * 365))
    return {
        "person_id": pid,
        "sex": "M" if male else "F",
        "given": _pick(rng, list(given_table)),
        "father": _pick(rng, list(MALE_GIVEN)),
        "grandfather": _pick(rng, list(MALE_GIVEN)),
        "family": families[_weighted(rng, family_weights)],
        "mother": _pick(rng, list(FEMALE_GIVEN)),
        "birth": _iso(_ordinal(birth_year, 1 + int(rng.random() * 365))),
        "governorate": gov,
        "urban": bool(rng.random() < 0.55),
        "death": _iso(death_ordinal),
        "death_year": int(death_year),
        "arrest": _iso(death_ordinal - arrest_days),
        "branch": _pick(rng, BRANCHES),
        "visibility": float(rng.normal()),
    }


def _ordinal(year: int, day: int) -> int:
    return (dt.date(year, 1, 1) + dt.timedelta(days=min(day, 364) - 1)).toordinal()


def _iso(ordinal: int) -> str:
    return dt.date.fromordinal(ordinal).isoformat()


def _capture_probability(person: dict[str, Any], profile: ListProfile, gov_effect: float) -> float:
    logit = (
        profile.intercept
        + profile.urban * (1.0 if person["urban"] else 0.0)
        + profile.visibility * person["visibility"]
        + profile.year_trend * (person["death_year"] - 2011)
        + gov_effect
    )
    return 1.0 / (1.0 + math.exp(-logit))


def _typo(rng: np.random.Generator, text: str) -> str:
    if len(text) < 3:
        return text
    i = 1 + int(rng.random() * (len(text) - 2))
    kind = int(rng.random() * 4)
    if kind == 0:
        return text[:i] + text[i + 1 :]  # dropped letter
    if kind == 1:
        return text[:i] + text[i] + text[i:]  # doubled letter
    if kind == 2:
        return text[: i - 1] + text[i] + text[i - 1] + text[i + 1 :]  # swapped letters
    if text[i] in ARABIC_TYPOS:
        return text[:i] + ARABIC_TYPOS[text[i]] + text[i + 1 :]
    # A vowel typed wrongly, in the name's own script (the first version put Latin
    # vowels into Arabic names, which no clerk does).
    vowels = "اوي" if any("\u0600" <= c <= "\u06ff" for c in text) else "aeiouy"
    return text[:i] + _pick(rng, list(vowels)) + text[i + 1 :]


def _latin(rng: np.random.Generator, arabic: str, table: dict[str, tuple[str, ...]]) -> str:
    spellings = table.get(arabic)
    if not spellings:
        return arabic
    choice = spellings[_weighted(rng, _SPELLING_CUMULATIVE[len(spellings)])]
    if rng.random() < 0.3:
        choice = choice.upper() if rng.random() < 0.5 else choice.lower()
    return choice


def _render(
    rng: np.random.Generator,
    person: dict[str, Any],
    p: ListProfile,
    families: dict[str, tuple[str, ...]],
) -> dict[str, str]:
    given_table = MALE_GIVEN if person["sex"] == "M" else FEMALE_GIVEN
    parts = {
        "given": (person["given"], given_table),
        "father": (person["father"], MALE_GIVEN),
        "grandfather": (person["grandfather"], MALE_GIVEN),
        "family": (person["family"], families),
    }
    present = {
        "given": True,
        "father": rng.random() >= p.missing,
        "grandfather": rng.random() >= p.missing * 2,
        "family": rng.random() >= 0.03,
    }
    out: dict[str, str] = {}
    for script in ("ar", "la"):
        if (script == "ar" and not p.arabic) or (script == "la" and not p.latin):
            continue
        words = {}
        for part, (arabic, table) in parts.items():
            if not present[part]:
                continue
            word = arabic if script == "ar" else _latin(rng, arabic, table)
            if rng.random() < p.typo:
                word = _typo(rng, word)
            words[part] = word
        suffix = "" if script == "ar" or not p.arabic else "_latin"
        if p.parts:
            for part, word in words.items():
                out[f"{part}_name{suffix}"] = word
        else:
            order = ["given", "father", "grandfather", "family"]
            if rng.random() < p.swap:
                order = ["family", "given", "father", "grandfather"]
            out[f"full_name{suffix}"] = " ".join(words[k] for k in order if k in words)
    if rng.random() < p.mother:
        mother = person["mother"] if p.arabic else _latin(rng, person["mother"], FEMALE_GIVEN)
        out["mother_name"] = mother
    out["sex"] = person["sex"] if rng.random() > 0.05 else ""
    out.update(_dates(rng, person, p))
    gov = person["governorate"]
    out["governorate"] = gov if p.arabic else _pick(rng, GOVERNORATES[gov])
    if rng.random() < 0.6:
        out["branch"] = person["branch"]
    return out


def _dates(rng: np.random.Generator, person: dict[str, Any], p: ListProfile) -> dict[str, str]:
    out: dict[str, str] = {}
    birth = dt.date.fromisoformat(person["birth"])
    death = dt.date.fromisoformat(person["death"])
    if rng.random() < 0.85:
        if p.birth == "date":
            if rng.random() < 0.08:
                birth = birth.replace(day=min(28, birth.day)) + dt.timedelta(days=30)
            out["birth_date"] = birth.isoformat()
        elif p.birth == "year":
            out["birth_date"] = str(birth.year)
        else:
            age = death.year - birth.year - int(rng.random() < 0.5)
            out["age"] = str(age + (1 if rng.random() < 0.5 else -1) if rng.random() < 0.1 else age)
    if rng.random() < 0.8:
        shift = int(rng.random() * 41) - 20 if rng.random() < 0.15 else 0
        out["death_date"] = (death + dt.timedelta(days=shift)).isoformat()
    if rng.random() < 0.4:
        out["arrest_date"] = person["arrest"]
    return out


def generate(
    people: int = 20_000, lists: int = 5, seed: int = 1, pool: str = "wide"
) -> SyntheticLists:
    """Simulate ``people`` victims and ``lists`` lists that document some of them.

    ``pool`` is the family-name pool: ``wide`` (default) or ``listed`` (the 60 curated).
    """
    if not 2 <= lists <= len(PROFILES):
        raise ValueError(f"between 2 and {len(PROFILES)} lists")
    families, family_weights = family_pool(pool)
    family_names = list(families)
    rng = np.random.default_rng(seed)
    profiles = PROFILES[:lists]
    gov_effects = {(p.name, g): float(rng.normal(0.0, 0.4)) for p in profiles for g in GOVERNORATES}
    population = [_person(rng, pid, family_names, family_weights) for pid in range(1, people + 1)]
    records: dict[str, list[dict[str, str]]] = {p.name: [] for p in profiles}
    truth: list[tuple[str, str, int]] = []
    for person in population:
        person["lists"] = []
        for p in profiles:
            prob = _capture_probability(person, p, gov_effects[(p.name, person["governorate"])])
            if rng.random() >= prob:
                continue
            person["lists"].append(p.name)
            copies = 2 if rng.random() < p.duplicate else 1
            for _ in range(copies):
                record_id = f"{p.name[:3].upper()}-{len(records[p.name]) + 1:07d}"
                records[p.name].append(
                    {"record_id": record_id, **_render(rng, person, p, families)}
                )
                truth.append((p.name, record_id, person["person_id"]))
    for rows in records.values():
        order = rng.permutation(len(rows))
        rows[:] = [rows[i] for i in order]
    result = SyntheticLists(population, records, truth, seed)
    result.summary = _summary(result)
    return result


def _summary(data: SyntheticLists) -> dict[str, Any]:
    by_stratum: Counter[str] = Counter(p["governorate"] for p in data.people)
    documented = sum(1 for p in data.people if p["lists"])
    return {
        "population": len(data.people),
        "documented": documented,
        "records": {name: len(rows) for name, rows in data.records.items()},
        "population_by_governorate": dict(sorted(by_stratum.items())),
        "seed": data.seed,
    }


def write(data: SyntheticLists, out: Path) -> dict[str, Any]:
    """Write one CSV per list, ``truth.csv`` and ``summary.json`` into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    for name, rows in data.records.items():
        columns = sorted({c for row in rows for c in row} - {"record_id"})
        with (out / f"{name}.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, ["record_id", *columns])
            writer.writeheader()
            writer.writerows(rows)
    with (out / "truth.csv").open("w", newline="", encoding="utf-8") as handle:
        plain = csv.writer(handle)
        plain.writerow(["list", "record_id", "person_id"])
        plain.writerows(data.truth)
    (out / "summary.json").write_text(
        json.dumps(data.summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return data.summary
