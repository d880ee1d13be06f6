"""The fields of an ante-mortem report, with their Arabic and English labels.

Modelled on INTERPOL's yellow ante-mortem DVI form (identity, description, marks) and
the ICRC ante-mortem form (circumstances of disappearance, family contact), adapted to
Syria's detained and disappeared: four-part names in Arabic and Latin script, mother's
name (how Syrian civil registers distinguish namesakes), the arresting branch, and
consent per purpose. One list drives the interactive prompts, the CSV/XLSX headers
(key, English or Arabic label are all accepted) and the validation messages.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

Section = Literal["person", "contact", "consent", "report"]


@dataclass(frozen=True)
class FieldSpec:
    key: str
    english: str
    arabic: str
    section: Section
    hint: str = ""

    @property
    def label(self) -> str:
        return f"{self.english} / {self.arabic}"


NAME_PARTS: Final = ("given", "father", "grandfather", "family")


def _name_fields(script: str, english: str, arabic: str) -> list[FieldSpec]:
    labels = {
        "given": ("given name", "الاسم"),
        "father": ("father's name", "اسم الأب"),
        "grandfather": ("grandfather's name", "اسم الجد"),
        "family": ("family name", "الكنية"),
    }
    return [
        FieldSpec(f"name_{script}_{part}", f"{en} ({english})", f"{ar} ({arabic})", "person")
        for part, (en, ar) in labels.items()
    ]


FIELDS: Final[tuple[FieldSpec, ...]] = (
    *_name_fields("ar", "Arabic", "بالعربية"),
    *_name_fields("latin", "Latin letters", "بالأحرف اللاتينية"),
    FieldSpec("mother_name", "mother's full name", "اسم الأم الكامل", "person"),
    FieldSpec("sex", "sex", "الجنس", "person", "male/female/unknown — ذكر/أنثى/غير معروف"),
    FieldSpec(
        "birth_date", "date of birth", "تاريخ الميلاد", "person", "YYYY, YYYY-MM or YYYY-MM-DD"
    ),
    FieldSpec("age_years", "age when arrested", "العمر عند الاعتقال", "person", "if no birth date"),
    FieldSpec(
        "arrest_date", "date of arrest", "تاريخ الاعتقال", "person", "YYYY, YYYY-MM or YYYY-MM-DD"
    ),
    FieldSpec(
        "arrest_place", "place of arrest", "مكان الاعتقال", "person", "town, checkpoint, street"
    ),
    FieldSpec("arrest_governorate", "governorate of arrest", "محافظة الاعتقال", "person"),
    FieldSpec(
        "arresting_branch", "arresting branch", "الفرع الأمني", "person", "e.g. 215, if known"
    ),
    FieldSpec(
        "last_seen_date", "last seen alive (date)", "آخر مرة شوهد فيها حياً (التاريخ)", "person"
    ),
    FieldSpec(
        "last_seen_place", "last seen alive (place)", "آخر مرة شوهد فيها حياً (المكان)", "person"
    ),
    FieldSpec("height_cm", "height (cm)", "الطول (سم)", "person"),
    FieldSpec("description", "physical description", "الوصف الجسدي", "person"),
    FieldSpec(
        "marks",
        "distinguishing marks",
        "العلامات المميزة",
        "person",
        "kind:body part:details; … e.g. scar:left_arm:burn — ندبة:الذراع اليسرى:حرق",
    ),
    FieldSpec("contact_name", "family contact: name", "اسم الشخص للتواصل", "contact"),
    FieldSpec(
        "contact_relationship", "relationship to the missing person", "صلة القرابة", "contact"
    ),
    FieldSpec("contact_phone", "contact phone", "رقم الهاتف", "contact"),
    FieldSpec("contact_email", "contact e-mail", "البريد الإلكتروني", "contact"),
    FieldSpec("contact_address", "contact address", "العنوان", "contact"),
    FieldSpec(
        "contact_notes", "how to reach the family safely", "ملاحظات التواصل الآمن", "contact"
    ),
    FieldSpec(
        "consent_identification",
        "consent: compare with the bodies",
        "الموافقة على المقارنة مع الجثامين",
        "consent",
        "yes/no — نعم/لا",
    ),
    FieldSpec(
        "consent_court",
        "consent: use in court",
        "الموافقة على الاستخدام أمام المحاكم",
        "consent",
        "yes/no — نعم/لا",
    ),
    FieldSpec(
        "share_with",
        "consent: share with (partners)",
        "الموافقة على المشاركة مع (الشركاء)",
        "consent",
        "partner names separated by ; — أسماء الشركاء مفصولة بـ ;",
    ),
    FieldSpec(
        "source", "how the report was taken", "طريقة أخذ البلاغ", "report", "interview, form…"
    ),
)

BY_KEY: Final = {spec.key: spec for spec in FIELDS}
CONTACT_KEYS: Final = tuple(spec.key for spec in FIELDS if spec.section == "contact")


def header_key(header: str) -> str | None:
    """The field a CSV/XLSX column header names: its key, English or Arabic label."""
    wanted = " ".join(header.strip().casefold().split())
    for spec in FIELDS:
        if wanted in (spec.key, spec.english.casefold(), spec.arabic, spec.label.casefold()):
            return spec.key
    return None
