"""Arabic and English: Babel message catalogues, one Jinja environment per language.

Message ids are the English text; ``locale/ar/LC_MESSAGES/messages.po`` translates each
one (a test fails on any id without a translation), and its compiled ``.mo`` is kept
beside it (a test fails when the two differ). Numbers and ids are isolated with
``<bdi dir="ltr">`` so that a detainee number reads the same in a right-to-left line.
"""

from __future__ import annotations

import gettext
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

LOCALE = Path(__file__).parent / "locale"
TEMPLATES = Path(__file__).parent / "templates"
DOMAIN = "messages"
LANGUAGES = ("en", "ar")
DEFAULT = "en"
RTL = frozenset({"ar"})


def choose(value: str | None) -> str:
    return value if value in LANGUAGES else DEFAULT


def translations(language: str) -> gettext.NullTranslations:
    if language == DEFAULT:
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, LOCALE, languages=[language])


def ltr(value: object) -> Markup:
    """A number, hash or id kept left-to-right inside any line."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = f"{value:,}"
    return Markup('<bdi dir="ltr">{}</bdi>').format(value)


@cache
def environment(language: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    env.filters["ltr"] = ltr
    env.globals["lang"] = language
    env.globals["dir"] = "rtl" if language in RTL else "ltr"
    return env


def gettext_for(language: str) -> gettext.NullTranslations:
    return translations(language)
