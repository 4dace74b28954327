"""Everything that depends on a language: messages, numbers, dates, names, texts.

The translation foundation that indicators, the report and the web app share, so that
none of them reaches into another for a piece of it.

Messages come from the gettext catalogs in ``report/locales/LANG/LC_MESSAGES/migprofile.po``
(compiled in memory when first used); numbers and dates are formatted by Babel with the
locale's own separators; chart number and date formats are d3 locales built from Babel,
because d3 has none for Vietnamese or Lao.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources

from babel import Locale
from babel.dates import format_date, get_month_names
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent
from babel.support import NullTranslations, Translations

from migprofile.codes import REPORT_LANGUAGES, area_name

__all__ = ["CHART_FONTS", "DOMAIN", "FREE", "WITHHELD", "Localizer", "Text", "catalog_path",
           "localizer", "text"]

DOMAIN = "migprofile"

WITHHELD = "C"
"""Mark of a withheld cell (SDMX CONF_STATUS "confidential"), written so in every
language."""

FREE = "F"
"""SDMX CONF_STATUS of a published cell."""

Text = Mapping[str, str]
"""A text in every report language, keyed by language code."""


def text(**by_language: str) -> Text:
    """A :data:`Text`; refuses to be built without every report language."""
    missing = [lang for lang in REPORT_LANGUAGES if not by_language.get(lang)]
    if missing:
        raise ValueError(f"text lacks language(s) {missing}: {by_language.get('en')!r}")
    return dict(by_language)

CHART_FONTS = {
    "en": "Noto Sans",
    "vi": "Noto Sans",
    # Phetsarath OT carries Lao and Latin glyphs: charts cannot fall back between fonts
    # without breaking Lao shaping, so one font must hold both.
    "lo": "Phetsarath OT",
    "ko": "Noto Sans CJK KR",
}

TEXT_FONTS = {
    "en": '"Noto Sans", sans-serif',
    "vi": '"Noto Sans", sans-serif',
    "lo": '"Noto Sans Lao", "Noto Sans", sans-serif',
    "ko": '"Noto Sans CJK KR", "Noto Sans", sans-serif',
}


def catalog_path(language: str):
    return resources.files("migprofile").joinpath(
        f"report/locales/{language}/LC_MESSAGES/{DOMAIN}.po")


@cache
def _translations(language: str) -> NullTranslations:
    if language == "en":
        return NullTranslations()
    with catalog_path(language).open("rb") as handle:
        catalog = read_po(handle, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(fp=buffer, domain=DOMAIN)


@dataclass(frozen=True)
class Localizer:
    """Formatting and translation for one report language."""

    language: str

    @cached_property
    def locale(self) -> Locale:
        return Locale.parse(self.language)

    @property
    def translations(self) -> NullTranslations:
        return _translations(self.language)

    def _(self, message: str) -> str:
        return self.translations.gettext(message)

    gettext = _

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.translations.ngettext(singular, plural, n)

    # numbers -------------------------------------------------------------------------

    @staticmethod
    def _unavailable(value: float | None) -> str | None:
        """The mark of a value that is not shown: "–" when there is none, the
        confidentiality mark when disclosure control withheld it (never 0)."""
        if value is None:
            return "–"
        return WITHHELD if math.isnan(value) else None

    def integer(self, value: float | None) -> str:
        if (mark := self._unavailable(value)) is not None:
            return mark
        return format_decimal(round(value), format="#,##0", locale=self.locale)

    def decimal(self, value: float | None, digits: int = 1) -> str:
        if (mark := self._unavailable(value)) is not None:
            return mark
        pattern = "#,##0." + "0" * digits if digits else "#,##0"
        return format_decimal(value, format=pattern, locale=self.locale)

    def percent(self, value: float | None, digits: int = 1) -> str:
        """``value`` is already a percentage (12.5 means 12.5 %)."""
        if (mark := self._unavailable(value)) is not None:
            return mark
        pattern = "#,##0." + "0" * digits + "%" if digits else "#,##0%"
        return format_percent(value / 100, format=pattern, locale=self.locale)

    def usd_millions(self, value: float | None) -> str:
        if (mark := self._unavailable(value)) is not None:
            return mark
        return self._("US$ {amount} million").format(amount=self.decimal(value / 1e6, 1))

    def date(self, value: dt.date) -> str:
        return format_date(value, format="long", locale=self.locale)

    def country(self, code: str) -> str:
        """The name of a country, a region (M49 code) or the world (``001``)."""
        return area_name(code, self.language)

    # charts ---------------------------------------------------------------------------

    @property
    def chart_font(self) -> str:
        return CHART_FONTS[self.language]

    @property
    def text_font(self) -> str:
        return TEXT_FONTS[self.language]

    @cached_property
    def d3_format_locale(self) -> dict:
        symbols = self.locale.number_symbols.get("latn", self.locale.number_symbols)
        return {
            "decimal": symbols["decimal"],
            "thousands": symbols["group"],
            "grouping": [3],
            "currency": ["US$", ""],
            "percent": "%",
        }

    @cached_property
    def d3_time_locale(self) -> dict:
        months = get_month_names("wide", locale=self.locale)
        short = get_month_names("abbreviated", locale=self.locale)
        return {
            "dateTime": "%x %X", "date": "%d/%m/%Y", "time": "%H:%M:%S",
            "periods": ["AM", "PM"],
            "days": ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
                     "Saturday"],
            "shortDays": ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"],
            "months": [months[i] for i in range(1, 13)],
            "shortMonths": [short[i] for i in range(1, 13)],
        }


@cache
def localizer(language: str) -> Localizer:
    if language not in REPORT_LANGUAGES:
        raise ValueError(f"no report language {language!r}")
    return Localizer(language)
