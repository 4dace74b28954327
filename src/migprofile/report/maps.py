"""The boundaries the report's world maps are drawn with.

By default, Natural Earth's countries at 1:110m, bundled from the npm package world-atlas
in ``data/maps/`` (its ``manifest.toml`` names the version, integrity and licence): at the
width of a page, the territories this scale leaves out are too small to see, and the map
lists them with their values instead. A profile may draw with a TopoJSON file of its own
(``[report] map_boundaries``). Whatever a file's ids are (ISO 3166 numeric, as in Natural
Earth, or alpha-3), geometries are keyed here by the alpha-3 code partner countries have in
the indicators; a geometry whose id names no known country (Kosovo, Northern Cyprus and
Somaliland in Natural Earth) is drawn grey, without a value.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path

from migprofile.codes import countries
from migprofile.errors import MigprofileError
from migprofile.profile import Profile

__all__ = ["HIDDEN", "Boundaries", "bundled_boundaries", "bundled_manifest", "map_boundaries",
           "read_boundaries"]

MAPS = "data/maps"
COUNTRIES_OBJECT = "countries"
"""The object of a topology that holds the countries, unless it has only one."""
HIDDEN = frozenset({"ATA"})
"""Not drawn: Antarctica is nobody's country of destination and would take a fifth of the
map's height."""


@dataclass(frozen=True)
class Boundaries:
    """A TopoJSON topology of countries, each geometry's ``id`` an alpha-3 code (or none)."""

    topology: dict
    feature: str
    """The topology's object of countries."""
    codes: frozenset[str]
    """The countries that have a geometry."""
    citation: str
    """Where the boundaries come from, as the note under a map names it."""


@cache
def bundled_manifest() -> dict:
    """Name, version, integrity, licence and source of the bundled boundaries."""
    text = resources.files("migprofile").joinpath(f"{MAPS}/manifest.toml").read_text(
        encoding="utf-8")
    return tomllib.loads(text)


@cache
def bundled_boundaries() -> Boundaries:
    manifest = bundled_manifest()
    path = f"{MAPS}/{manifest['file']}"
    text = resources.files("migprofile").joinpath(path).read_text(encoding="utf-8")
    return read_boundaries(text, citation=manifest["citation"], path=path)


def map_boundaries(profile: Profile) -> Boundaries:
    """The profile's own boundaries (``[report] map_boundaries``), or the bundled ones."""
    setting = profile.settings.report.map_boundaries
    if not setting:
        return bundled_boundaries()
    path = profile.root / setting
    try:
        stat = path.stat()
    except OSError as exc:
        raise MigprofileError(f"cannot read the map boundaries ([report] map_boundaries): "
                              f"{exc.strerror}", path=path) from exc
    return _boundaries_file(path, setting, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=4)
def _boundaries_file(path: Path, citation: str, mtime_ns: int, size: int) -> Boundaries:
    """A profile's file, read once for all the maps of a report (until it changes)."""
    return read_boundaries(path.read_text(encoding="utf-8", errors="replace"),
                           citation=citation, path=path)


def read_boundaries(text: str, *, citation: str, path: Path | str) -> Boundaries:
    """The countries of a TopoJSON text, keyed by alpha-3 code; a text that is not a
    topology of countries is refused naming ``path``."""
    try:
        topology = json.loads(text)
    except json.JSONDecodeError as exc:
        raise MigprofileError(f"the map boundaries are not JSON: {exc}", path=path) from exc
    if not isinstance(topology, dict) or topology.get("type") != "Topology" or not \
            isinstance(topology.get("objects"), dict) or not topology["objects"]:
        raise MigprofileError("the map boundaries are not a TopoJSON topology (type "
                              "\"Topology\" with its objects)", path=path)
    feature = _countries_object(topology["objects"], path)
    shapes = topology["objects"][feature].get("geometries")
    if not isinstance(shapes, list):
        raise MigprofileError(f"the object {feature!r} of the map boundaries is not a "
                              "collection of geometries", path=path)
    keyed = [_keyed(shape) for shape in shapes if isinstance(shape, dict)]
    kept = [shape for shape in keyed if shape.get("id") not in HIDDEN]
    codes = frozenset(shape["id"] for shape in kept if "id" in shape)
    if not codes:
        raise MigprofileError("no geometry of the map boundaries has the ISO 3166 numeric "
                              "or alpha-3 code of a country as its id", path=path)
    objects = {feature: {**topology["objects"][feature], "geometries": kept}}
    return Boundaries({**topology, "objects": objects}, feature, codes, citation)


def _countries_object(objects: dict, path: Path | str) -> str:
    if COUNTRIES_OBJECT in objects:
        return COUNTRIES_OBJECT
    if len(objects) == 1:
        return next(iter(objects))
    raise MigprofileError(f"the map boundaries have no object {COUNTRIES_OBJECT!r}, and "
                          f"more than one other ({', '.join(objects)})", path=path)


def _keyed(shape: dict) -> dict:
    """The geometry with its country's alpha-3 code as id, or without an id."""
    code = _country_code(shape.get("id"))
    rest = {key: value for key, value in shape.items() if key != "id"}
    return rest if code is None else {**rest, "id": code}


def _country_code(value: object) -> str | None:
    text = str(value).strip() if value is not None else ""
    if text.isdigit():
        return _numeric_codes().get(text.zfill(3))
    return text.upper() if text.upper() in countries() else None


@cache
def _numeric_codes() -> dict[str, str]:
    """Alpha-3 code by ISO 3166 numeric (M49) code, three digits."""
    return {c.m49.zfill(3): c.iso3 for c in countries().values() if c.m49}
