"""Countries and areas: ISO 3166 alpha-3 codes, M49, regions and names in every report language.

English names are the United Nations' short names (from the bundled M49 table); names in
other languages come from CLDR through Babel, with the overrides in ``country_names.toml``
for pseudo-codes and for names the United Nations writes differently.

Regions are the M49 geographic sub-regions (South-eastern Asia, Eastern Asia, ...) that UN
DESA's International Migrant Stock aggregates countries into, read from the same bundled
table: each region's members are the rows that name it, so a regional figure can be traced
to the countries it adds up. M49 region codes are also CLDR territories, which names them
in every report language.
"""

from __future__ import annotations

import csv
import difflib
import tomllib
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from babel import Locale

from migprofile.errors import MigprofileError

__all__ = ["WORLD", "Country", "Region", "UnknownCountry", "area_name", "countries", "country",
           "find_country_code", "fold_label", "match_country", "region_of", "regions",
           "suggest_countries"]

REPORT_LANGUAGES = ("en", "vi", "lo", "ko")
WORLD = "001"
"""The M49 code of the world, the ``ref_area`` of world figures."""


@dataclass(frozen=True)
class Country:
    """One country or area, with its names in the report languages."""

    iso3: str
    iso2: str | None
    m49: str | None
    region: str | None
    subregion: str | None
    names: dict[str, str] = field(hash=False, compare=False)
    aliases: tuple[str, ...] = field(default=(), hash=False, compare=False)
    """Other spellings agencies use (e.g. "Đài Loan"); matched like names, never printed."""
    subregion_code: str | None = field(default=None, compare=False)
    """M49 code of the sub-region (``035`` South-eastern Asia): the country's region."""

    def name(self, language: str = "en") -> str:
        return self.names.get(language) or self.names["en"]


class UnknownCountry(MigprofileError):
    """A code that is neither a country nor an area in the bundled codelist."""

    def __init__(self, code: str, suggestions: list[Country]) -> None:
        self.code = code
        self.suggestions = suggestions
        hint = ""
        if suggestions:
            listed = ", ".join(f"{c.iso3} ({c.name()})" for c in suggestions)
            hint = f" Did you mean: {listed}?"
        super().__init__(
            f"{code!r} is not an ISO 3166 alpha-3 code of a country or area in the bundled "
            f"data.{hint} `migprofile countries` lists every code."
        )


def _read_text(name: str) -> str:
    return resources.files("migprofile").joinpath(name).read_text(encoding="utf-8")


def _blank_to_none(value: str | None) -> str | None:
    value = (value or "").strip()
    if not value:
        return None
    return value.removesuffix(".0")


@cache
def countries() -> dict[str, Country]:
    """Every known code, keyed by alpha-3 (loaded once)."""
    overrides = tomllib.loads(_read_text("codes/country_names.toml"))
    rows = csv.DictReader(_read_text("data/international/countrynames_iso3_m49_regions.csv")
                          .splitlines())
    base = {row["iso3"]: row for row in rows}
    for code in overrides.keys() - base.keys():
        base[code] = {"iso3": code}
    locales = {lang: Locale.parse(lang) for lang in REPORT_LANGUAGES if lang != "en"}
    result = {}
    for code, row in sorted(base.items()):
        extra = overrides.get(code, {})
        iso2 = extra.get("iso2") or _blank_to_none(row.get("iso2"))
        names = {"en": extra.get("en") or row.get("name_text") or row.get("name") or code}
        for lang, loc in locales.items():
            names[lang] = extra.get(lang) or (loc.territories.get(iso2) if iso2 else None) \
                or names["en"]
        result[code] = Country(
            iso3=code,
            iso2=iso2,
            m49=_blank_to_none(row.get("m49")),
            region=_blank_to_none(row.get("region")),
            subregion=_blank_to_none(row.get("subregion")),
            names=names,
            aliases=tuple(extra.get("aliases", ())),
            subregion_code=_m49_code(row.get("subregion_code")),
        )
    return result


def _m49_code(value: str | None) -> str | None:
    """``35.0`` in the table -> ``035``, the M49 code as written everywhere else."""
    code = _blank_to_none(value)
    return code.zfill(3) if code else None


@dataclass(frozen=True)
class Region:
    """An M49 geographic sub-region and the countries and areas in it."""

    code: str
    members: frozenset[str]
    names: dict[str, str] = field(hash=False, compare=False)

    def name(self, language: str = "en") -> str:
        return self.names.get(language) or self.names["en"]


def _region_names(code: str, english: str) -> dict[str, str]:
    names = {"en": english}
    for lang in REPORT_LANGUAGES:
        if lang != "en":
            names[lang] = Locale.parse(lang).territories.get(code) or english
    return names


@cache
def regions() -> dict[str, Region]:
    """Every sub-region of the bundled table by M49 code, with its members (loaded once)."""
    members: dict[str, set[str]] = {}
    english: dict[str, str] = {}
    for code, c in countries().items():
        if c.subregion_code and c.subregion:
            members.setdefault(c.subregion_code, set()).add(code)
            english[c.subregion_code] = c.subregion
    return {code: Region(code, frozenset(found), _region_names(code, english[code]))
            for code, found in sorted(members.items())}


def region_of(code: str) -> Region | None:
    """The region of a country or area; None for a code the table gives none."""
    found = countries().get(code)
    if found is None or found.subregion_code is None:
        return None
    return regions().get(found.subregion_code)


def area_name(code: str, language: str = "en") -> str:
    """The name of a country, a region or the world (``001``); the code when unknown."""
    if code == WORLD:
        return _region_names(WORLD, "World")[language]
    if code in regions():
        return regions()[code].name(language)
    known = countries().get(code)
    return known.name(language) if known else code


def fold_label(text: str) -> str:
    """Case- and accent-insensitive key for matching labels ("Nhật Bản" ~ "nhat ban")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().replace("đ", "d"))
    kept = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(kept.replace(",", " ").replace(".", " ").split())


@cache
def _label_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for code, c in countries().items():
        for label in (code, c.iso2, *c.names.values(), *c.aliases):
            if label:
                index.setdefault(fold_label(label), code)
    return index


def find_country_code(label: str) -> str | None:
    """The alpha-3 code for a code or a name in any report language, or None."""
    return _label_index().get(fold_label(label))


def _exact(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


@cache
def _name_indexes() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Names and aliases (not codes): exactly as written, and without accents."""
    exact: dict[str, set[str]] = {}
    folded: dict[str, set[str]] = {}
    for code, c in countries().items():
        for label in (*c.names.values(), *c.aliases):
            exact.setdefault(_exact(label), set()).add(code)
            folded.setdefault(fold_label(label), set()).add(code)
    return exact, folded


def match_country(label: str) -> str | None:
    """The code for a label an agency wrote, or None when unknown or ambiguous.

    Stricter than :func:`find_country_code`: a code counts only in capitals ("NGA" is
    Nigeria, "Nga" is Russia in Vietnamese), names match with their accents first ("Mỹ",
    the United States, is not "MY", Malaysia), and without accents only when that
    leaves one country.
    """
    text = label.strip()
    known = countries()
    if text in known:
        return text
    if len(text) == 2 and text.isupper():
        by_iso2 = [code for code, c in known.items() if c.iso2 == text]
        if len(by_iso2) == 1:
            return by_iso2[0]
    exact, folded = _name_indexes()
    for index, key in ((exact, _exact(text)), (folded, fold_label(text))):
        found = index.get(key, set())
        if len(found) == 1:
            return next(iter(found))
        if found:
            return None
    return None


def suggest_countries(text: str, *, limit: int = 5) -> list[Country]:
    """Close matches for a mistyped code or name, best first."""
    index = _label_index()
    hits = difflib.get_close_matches(fold_label(text), list(index), n=limit * 3, cutoff=0.6)
    seen: list[str] = []
    for hit in hits:
        if index[hit] not in seen:
            seen.append(index[hit])
    return [countries()[code] for code in seen[:limit]]


def country(code: str) -> Country:
    """The country with this alpha-3 code; :class:`UnknownCountry` with suggestions if none."""
    known = countries()
    found = known.get(code.strip().upper())
    if found is None:
        raise UnknownCountry(code, suggest_countries(code))
    return found
