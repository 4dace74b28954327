"""Small profiles for the exchange tests: a warehouse filled directly, no report built.

The observations are synthetic (see tests/data/exchange/README.md): Viet Nam deploys
workers to Lao PDR, Lao PDR issues work permits to Vietnamese citizens.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import json
import zipfile
from pathlib import Path

import ibis
import pyarrow as pa

from migprofile.codes import builtin_dataflows
from migprofile.exchange.keys import init_keys, load_keys
from migprofile.exchange.partners import add_partner
from migprofile.profile import Profile, create_profile
from migprofile.sources.canonical import OBSERVATION_SCHEMA
from migprofile.warehouse import Warehouse

CREATED = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)

AGENCIES = {"VNM": ("VN_DOLAB", "Department of Overseas Labour (DOLAB)", ["en", "vi"]),
            "LAO": ("LA_MOLSW", "Ministry of Labour and Social Welfare", ["en", "lo"])}


def observation(dataflow: str, *, ref_area: str, partner: str, year: str, value: float,
                sex: str = "_T", dims: str = "", revision: str = "r1") -> dict:
    flow = builtin_dataflows()[dataflow]
    return {"dataflow": dataflow, "measure": flow.measures[0].id, "ref_area": ref_area,
            "counterpart_area": partner, "time_period": year, "sex": sex, "age": "_T",
            "dims": dims, "value": float(value), "unit": flow.measures[0].unit,
            "obs_status": "A", "source": flow.source_id, "revision": revision,
            "source_row": None}


def deployments(value_by_year: dict[str, float]) -> list[dict]:
    return [observation("LABOUR_DEPLOYMENTS", ref_area="VNM", partner="LAO", year=year,
                        value=value, dims="channel=_T;occupation=_T")
            for year, value in value_by_year.items()]


def work_permits(cells: dict[tuple[str, str, str], float]) -> list[dict]:
    """Lao work permits by (year, citizenship, sex)."""
    return [observation("WORK_PERMITS_FOREIGNERS", ref_area="LAO", partner=partner,
                        year=year, sex=sex, value=value, dims="occupation=_T;province=_T")
            for (year, partner, sex), value in cells.items()]


def store(root: Path, rows: list[dict], *, bundled: bool = False) -> None:
    """Put observations into the profile's warehouse as if built (``bundled``: as the
    copies of international data that come with migprofile)."""
    by_flow: dict[str, list[dict]] = {}
    for row in rows:
        by_flow.setdefault(row["dataflow"], []).append(row)
    with Warehouse.open(root / "warehouse.duckdb") as warehouse:
        for dataflow, flow_rows in by_flow.items():
            flow = builtin_dataflows()[dataflow]
            record = {"name": f"national/{dataflow}/r1", "kind": flow.source_id,
                      "revision": "r1", "path": f"sources/national/{dataflow}/r1-test.csv",
                      "bundled": bundled, "sha256": "0" * 64, "title": "Synthetic test data",
                      "provider": "Test fixture", "licence": "test", "url": "",
                      "citation": "", "obtained": dt.date(2026, 1, 1), "via": "", "notes": "",
                      "reader_version": "test"}
            table = pa.Table.from_pylist(flow_rows, schema=OBSERVATION_SCHEMA.to_pyarrow())
            warehouse.replace_source(record, ibis.memtable(table))


def make_profile(root: Path, iso3: str, rows: list[dict]) -> Profile:
    agency_id, name, languages = AGENCIES[iso3]
    create_profile(iso3, root, languages=languages, edition="2026")
    with (root / "profile.toml").open("a", encoding="utf-8") as handle:
        handle.write(f'\n[agency]\nid = "{agency_id}"\nname = "{name}"\ncountry = "{iso3}"\n')
    profile = Profile.load(root)
    init_keys(profile)
    store(root, rows)
    return profile


def register_each_other(first: Path, second: Path, **extra) -> None:
    for here, there in ((first, second), (second, first)):
        profile = Profile.load(there)
        agency = profile.settings.agency
        add_partner(Profile.load(here), agency.id, country=agency.country,
                    public_key=load_keys(profile).public_key, name=agency.name, **extra)


def snapshot(root: Path) -> dict[str, str]:
    """Every file of a profile folder with its sha256: to prove nothing was written."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def rezip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


def resign(package: dict[str, bytes], signer: Path, /, **changes) -> dict[str, bytes]:
    """The package's files with its manifest changed and signed again by ``signer``."""
    manifest = json.loads(package["manifest.json"])
    manifest.update(changes)
    raw = (json.dumps(manifest, indent=2) + "\n").encode()
    signature = base64.b64encode(load_keys(Profile.load(signer)).sign(raw)) + b"\n"
    return {**package, "manifest.json": raw, "manifest.sig": signature}


def signed_package(files: dict[str, bytes], signer: Path, /, *,
                   modes: dict[str, int] | None = None, **changes) -> bytes:
    """A zip of ``files`` whose manifest lists each of them with its sha256 and is signed by
    ``signer``'s real key: what a registered partner (or whoever holds its key) can make.
    ``modes`` gives an entry's Unix mode and type (default: a regular file)."""
    digests = {name: hashlib.sha256(data).hexdigest() for name, data in files.items()
               if name not in ("manifest.json", "manifest.sig")}
    signed = resign(files, signer, files=digests, **changes)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in signed.items():
            info = zipfile.ZipInfo(name, date_time=(2026, 3, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (modes or {}).get(name, 0o100644) << 16
            archive.writestr(info, data)
    return out.getvalue()


def patch_central_directory(data: bytes, *, name: str, offset_of: str | None = None,
                            flags: int | None = None) -> bytes:
    """The zip with the central directory entry of ``name`` changed: pointing at the bytes
    of the entry ``offset_of`` (one file under two names), or with other ``flags``."""
    records, position = {}, data.find(b"PK\x01\x02")
    while position != -1:
        length = int.from_bytes(data[position + 28:position + 30], "little")
        records[data[position + 46:position + 46 + length].decode()] = position
        position = data.find(b"PK\x01\x02", position + 46)
    at = records[name]
    if offset_of is not None:
        offset = data[records[offset_of] + 42:records[offset_of] + 46]
        data = data[:at + 42] + offset + data[at + 46:]
    if flags is not None:
        data = data[:at + 8] + flags.to_bytes(2, "little") + data[at + 10:]
    return data
