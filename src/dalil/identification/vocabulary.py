"""Controlled vocabularies shared by AM reports and PM cases: sex, marks, places, branches.

Both sides of a match must speak the same words, or a scar on the "left forearm" in a
family's report could never meet a scar on the "left arm" seen by a reviewer. Every
term has an English key (stored) and an Arabic label (shown); input in either language
is accepted. Digits typed in Eastern Arabic (٠١٢…) or Persian (۰۱۲…) are read as Western.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

SEXES: Final = {"male": "ذكر", "female": "أنثى", "unknown": "غير معروف"}

MARK_KINDS: Final = {
    "scar": "ندبة",
    "tattoo": "وشم",
    "birthmark": "وحمة",
    "missing_tooth": "سن مفقود",
    "dental_work": "علاج أسنان",
    "amputation": "بتر",
    "deformity": "تشوه",
    "other": "أخرى",
}

BODY_REGIONS: Final = {
    "head": "الرأس",
    "face": "الوجه",
    "neck": "الرقبة",
    "chest": "الصدر",
    "abdomen": "البطن",
    "back": "الظهر",
    "left_arm": "الذراع اليسرى",
    "right_arm": "الذراع اليمنى",
    "left_hand": "اليد اليسرى",
    "right_hand": "اليد اليمنى",
    "left_leg": "الساق اليسرى",
    "right_leg": "الساق اليمنى",
    "left_foot": "القدم اليسرى",
    "right_foot": "القدم اليمنى",
    "teeth": "الأسنان",
    "other": "أخرى",
}

# Syria's fourteen governorates: the level at which a family's "place of arrest" and a
# branch's location can be compared without a gazetteer.
GOVERNORATES: Final = {
    "damascus": ("دمشق", "dimashq", "damas"),
    "rif_dimashq": ("ريف دمشق", "rif dimashq", "rural damascus", "damascus countryside"),
    "aleppo": ("حلب", "halab"),
    "homs": ("حمص", "hims"),
    "hama": ("حماة", "hamah"),
    "latakia": ("اللاذقية", "lattakia", "al-ladhiqiyah"),
    "tartus": ("طرطوس", "tartous"),
    "idlib": ("إدلب", "idleb", "ادلب"),
    "daraa": ("درعا", "deraa", "dar'a"),
    "as_suwayda": ("السويداء", "suwayda", "sweida", "as-suwayda"),
    "quneitra": ("القنيطرة", "qunaytirah"),
    "deir_ez_zor": ("دير الزور", "deir ez-zor", "deir ezzor", "deir al-zour"),
    "raqqa": ("الرقة", "ar-raqqah", "raqqah"),
    "al_hasakah": ("الحسكة", "hasakah", "al-hasakah", "hasakeh"),
}

# Security branches by the agency that runs them, for the "same agency" comparison level
# (detainees were moved between branches of one agency). Numbers from Human Rights
# Watch, "If the Dead Could Speak" (2015). The catalogue's controlled vocabulary of
# branches is the authority; this is the minimum the matching needs until it exists.
BRANCH_AGENCY: Final = {
    "215": "military_intelligence",
    "216": "military_intelligence",
    "227": "military_intelligence",
    "235": "military_intelligence",
    "248": "military_intelligence",
    "291": "military_intelligence",
    "293": "military_intelligence",
    "251": "general_intelligence",
    "285": "general_intelligence",
}

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_BRANCH_NUMBER = re.compile(r"\d{2,4}")


def western_digits(text: str) -> str:
    """Eastern Arabic and Persian digits as 0-9; everything else unchanged."""
    return text.translate(_DIGITS)


def _key(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).strip().casefold()
    return re.sub(r"[\s\-]+", " ", folded)


def _lookup(text: str, table: dict[str, str]) -> str | None:
    wanted = _key(text)
    for key, arabic in table.items():
        if wanted in (key, key.replace("_", " "), _key(arabic)):
            return key
    return None


def sex_key(text: str) -> str | None:
    aliases = {"m": "male", "f": "female", "ذ": "male", "أ": "female", "انثى": "female"}
    return _lookup(text, SEXES) or aliases.get(_key(text))


def mark_kind_key(text: str) -> str | None:
    return _lookup(text, MARK_KINDS)


def body_region_key(text: str) -> str | None:
    return _lookup(text, BODY_REGIONS)


def governorate_key(text: str) -> str | None:
    wanted = _key(text)
    for key, names in GOVERNORATES.items():
        if wanted in (key, key.replace("_", " "), *(_key(n) for n in names)):
            return key
    return None


def branch_number(text: str) -> str | None:
    """The branch number in "215", "Branch 215", "فرع ٢١٥"; None if there is none."""
    found = _BRANCH_NUMBER.search(western_digits(text))
    return found.group(0) if found else None
