"""Keys, partners and exchange packages: what is written, what is verified, what is refused."""

from __future__ import annotations

import io
import math
import os
import shutil
import stat
import zipfile

import pytest
import sdmx

from migprofile.exchange.export import export_package
from migprofile.exchange.importing import verify_package
from migprofile.exchange.package import data_files
from migprofile.exchange.schemas import dataset_schema, schema_problems, validate_structure_message
from migprofile.exchange.sdmx_csv import read_csv_rows
from migprofile.exchange.sdmx_ml import read_data
from migprofile.exchange.structure import structure_message
from migprofile.profile import Profile
from tests.exchange_helpers import (
    CREATED,
    deployments,
    make_profile,
    patch_central_directory,
    register_each_other,
    resign,
    rezip,
    signed_package,
    snapshot,
    unzip,
    work_permits,
)

PERMITS = {(year, partner, sex): value
           for year, base in (("2022", 460), ("2023", 540))
           for partner, scale in (("VNM", 1), ("CHN", 2), ("THA", 0))
           for sex, value in (("F", base * scale or 2), ("M", base * scale * 3 or 100))}


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    """Viet Nam and Lao PDR profiles that know each other, and a package each way."""
    root = tmp_path_factory.mktemp("exchange")
    vn = make_profile(root / "vn", "VNM", deployments({"2022": 900, "2023": 1100})).root
    la = make_profile(root / "la", "LAO", work_permits(PERMITS)).root
    with (la / "profile.toml").open("a", encoding="utf-8") as handle:
        handle.write("\n[disclosure.dataflows.WORK_PERMITS_FOREIGNERS]\nenabled = true\n")
    register_each_other(vn, la)
    export_package(Profile.load(vn), to="LA_MOLSW", out=root / "vn-to-la.zip", now=CREATED)
    export_package(Profile.load(la), to="VN_DOLAB", out=root / "la-to-vn.zip", now=CREATED)
    return root


@pytest.fixture
def receiver(pair, tmp_path):
    """A private copy of the Lao profile, to import into."""
    return shutil.copytree(pair / "la", tmp_path / "la")


# keys and partners ------------------------------------------------------------------

def test_private_key_is_private_and_never_printed(cli, pair, tmp_path):
    profile = shutil.copytree(pair / "vn", tmp_path / "vn")
    key_file = profile / ".secret" / "signing-key.pem"
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    shown = cli("keys", "show", profile)
    assert shown.exit_code == 0 and "Fingerprint:" in shown.stdout
    assert "PRIVATE" not in shown.stdout and key_file.read_text().split("\n")[1] not in shown.stdout
    again = cli("keys", "init", profile)
    assert again.exit_code == 2 and "already has a signing key" in again.stderr


def test_fingerprint_is_sha256_of_the_raw_key_in_groups(cli, pair):
    import base64
    import hashlib

    out = cli("keys", "show", pair / "vn").stdout
    key = out.split("Public key:")[1].split()[0]
    fingerprint = out.split("Fingerprint:")[1].split("\n")[0].split()
    assert "".join(fingerprint) == hashlib.sha256(base64.b64decode(key)).hexdigest()
    assert all(len(group) == 4 for group in fingerprint)


def test_partners_are_added_keeping_the_officers_comments(cli, pair, tmp_path):
    profile = shutil.copytree(pair / "vn", tmp_path / "vn")
    settings = profile / "profile.toml"
    settings.write_text(settings.read_text() + "# our note about partners\n")
    key = cli("keys", "show", pair / "la").stdout.split("Public key:")[1].split()[0]
    result = cli("partners", "add", profile, "KR_OKA", "--country", "kor", "--key", key,
                 "--name", "Overseas Koreans Agency", "--valid-until", "2027-06-30")
    assert result.exit_code == 0, result
    text = settings.read_text()
    assert "# our note about partners" in text and "[partners.KR_OKA]" in text
    assert Profile.load(profile).settings.partners["KR_OKA"].country == "KOR"
    listed = cli("partners", "list", profile).stdout
    assert "KR_OKA  KOR  Overseas Koreans Agency" in listed and "2027-06-30" in listed
    twice = cli("partners", "add", profile, "KR_OKA", "--country", "KOR", "--key", key)
    assert twice.exit_code == 2 and "--replace" in twice.stderr
    bad = cli("partners", "add", profile, "KR_X", "--country", "KOR", "--key", "not-a-key")
    assert bad.exit_code == 2 and "not an Ed25519 public key" in bad.stderr
    assert "KR_X" not in settings.read_text()


# the package ------------------------------------------------------------------------

def test_package_has_the_fixed_layout_and_a_complete_manifest(pair):
    files = unzip((pair / "la-to-vn.zip").read_bytes())
    assert set(files) == {"manifest.json", "manifest.sig", "structure.xml",
                          *data_files("WORK_PERMITS_FOREIGNERS")}
    import json

    manifest = json.loads(files["manifest.json"])
    assert manifest["sender"] == {"agency": "LA_MOLSW", "country": "LAO",
                                  "name": "Ministry of Labour and Social Welfare"}
    assert manifest["receiver"]["agency"] == "VN_DOLAB"
    assert manifest["created"] == "2026-03-01T09:30:00Z"
    entry = manifest["dataflows"][0]
    assert entry["periods"] == ["2022", "2023"] and entry["observations"] == len(PERMITS)
    assert entry["disclosure"] == {"enabled": True, "threshold": 5, "rounding_base": 3}
    assert set(manifest["files"]) == set(files) - {"manifest.json", "manifest.sig"}


def test_export_is_reproducible(pair, tmp_path):
    again = export_package(Profile.load(pair / "la"), to="VN_DOLAB",
                           out=tmp_path / "again.zip", now=CREATED)
    assert again.path.read_bytes() == (pair / "la-to-vn.zip").read_bytes()


def test_structure_message_validates_against_the_shipped_schemas(pair):
    for package in ("vn-to-la.zip", "la-to-vn.zip"):
        files = unzip((pair / package).read_bytes())
        assert validate_structure_message(files["structure.xml"]) == []
        message = sdmx.read_sdmx(io.BytesIO(files["structure.xml"]))
        for dsd in message.structure.values():
            assert {a.id for a in dsd.attributes.components} == {"UNIT", "OBS_STATUS",
                                                                 "CONF_STATUS"}
            assert dsd.dimensions.components[-1].id == "TIME_PERIOD"


def test_every_declared_dataflow_gives_a_valid_structure_message():
    from sdmx import message

    from migprofile.codes import builtin_dataflows

    msg, structures = structure_message(list(builtin_dataflows().values()),
                                        languages=["en", "vi", "lo", "ko"], used={},
                                        header=message.Header(id="ALL"))
    xml = sdmx.to_xml(msg)
    assert validate_structure_message(xml) == []
    names = sdmx.read_sdmx(io.BytesIO(xml)).codelist["CL_SEX"]["F"].name
    assert names.localizations == {"en": "Female", "vi": "Nữ", "lo": "ຍິງ", "ko": "여성"}
    assert set(structures) == set(builtin_dataflows())


def test_data_validate_against_their_dsd_and_read_back_equal(pair):
    profile = Profile.load(pair / "vn")
    files = unzip((pair / "la-to-vn.zip").read_bytes())
    verified = verify_package((pair / "la-to-vn.zip").read_bytes(), profile=profile,
                              file="la-to-vn.zip")
    rows = verified.observations["WORK_PERMITS_FOREIGNERS"]
    xml_name, csv_name = data_files("WORK_PERMITS_FOREIGNERS")
    from migprofile.codes import builtin_dataflows

    _, structures = structure_message([builtin_dataflows()["WORK_PERMITS_FOREIGNERS"]],
                                      languages=["en"], used={}, header=sdmx.message.Header())
    structure = structures["WORK_PERMITS_FOREIGNERS"]
    schema = dataset_schema(structure)
    assert schema_problems(schema, files[xml_name]) == []
    wrong = files[xml_name].replace(b'COUNTERPART_AREA="VNM"', b'COUNTERPART_AREA="VNN"', 1)
    assert "not an element of the set" in " ".join(schema_problems(schema, wrong))
    assert list(read_data(files[xml_name], structure)) == rows
    csv_rows = read_csv_rows(files[csv_name])
    assert len(csv_rows) == len(rows)
    for line, row in zip(csv_rows, rows, strict=True):
        assert line["COUNTERPART_AREA"] == row["counterpart_area"]
        assert line["OBS_VALUE"] == ("" if math.isnan(row["value"]) else
                                     f"{row['value']:.0f}")


def test_disclosure_control_is_applied_to_the_package(pair):
    profile = Profile.load(pair / "vn")
    verified = verify_package((pair / "la-to-vn.zip").read_bytes(), profile=profile,
                              file="la-to-vn.zip")
    rows = verified.observations["WORK_PERMITS_FOREIGNERS"]
    withheld = [r for r in rows if math.isnan(r["value"])]
    published = [r for r in rows if not math.isnan(r["value"])]
    assert {(r["time_period"], r["counterpart_area"], r["sex"]) for r in withheld} >= {
        ("2022", "THA", "F"), ("2023", "THA", "F")}
    assert all(r["value"] % 3 == 0 for r in published)
    files = unzip((pair / "la-to-vn.zip").read_bytes())
    xml = files["data/WORK_PERMITS_FOREIGNERS.xml"].decode()
    assert xml.count('CONF_STATUS="C"') == len(withheld)
    # a withheld cell has no value at all, never 0
    assert 'OBS_VALUE="0"' not in xml
    deployments_xml = unzip((pair / "vn-to-la.zip").read_bytes())[
        "data/LABOUR_DEPLOYMENTS.xml"].decode()
    assert 'OBS_VALUE="1100"' in deployments_xml  # national aggregates: not protected


def test_period_and_dataflow_choices(pair, tmp_path, cli):
    result = export_package(Profile.load(pair / "vn"), to="LA_MOLSW", out=tmp_path / "p.zip",
                            period="2023:", now=CREATED)
    assert result.manifest.dataflows[0].periods == ["2023"]
    unknown = cli("exchange", "export", pair / "vn", "--to", "LA_MOLSW", "--out",
                  tmp_path / "x.zip", "--dataflow", "NOPE")
    assert unknown.exit_code == 2 and "unknown dataflow(s) NOPE" in unknown.stderr
    stranger = cli("exchange", "export", pair / "vn", "--to", "KR_OKA", "--out",
                   tmp_path / "x.zip")
    assert stranger.exit_code == 2 and "not a registered partner" in stranger.stderr
    bad = cli("exchange", "export", pair / "vn", "--to", "LA_MOLSW", "--out",
              tmp_path / "x.zip", "--period", "last year")
    assert bad.exit_code == 2 and "FROM:TO" in bad.stderr
    assert not (tmp_path / "x.zip").exists()


# importing --------------------------------------------------------------------------

def test_import_keeps_the_package_and_a_second_import_does_nothing(cli, pair, receiver):
    result = cli("exchange", "import", receiver, pair / "vn-to-la.zip")
    assert result.exit_code == 0, result
    kept = receiver / "sources" / "partners" / "VN_DOLAB"
    package = kept / "20260301T093000Z-VN_DOLAB-LA_MOLSW.zip"
    assert package.read_bytes() == (pair / "vn-to-la.zip").read_bytes()
    sidecar = (kept / "20260301T093000Z-VN_DOLAB-LA_MOLSW.meta.toml").read_text()
    assert 'partner = "VN_DOLAB"' in sidecar and 'dataflows = ["LABOUR_DEPLOYMENTS"]' in sidecar
    before = snapshot(receiver)
    again = cli("exchange", "import", receiver, pair / "vn-to-la.zip")
    assert again.exit_code == 0 and "already imported" in again.stdout
    assert snapshot(receiver) == before


def test_build_reads_the_partners_data_with_provenance(pair, receiver):
    from migprofile.build import resolve_sources, sync_sources
    from migprofile.exchange.importing import import_package
    from migprofile.warehouse import Warehouse

    profile = Profile.load(receiver)
    import_package(profile, pair / "vn-to-la.zip")
    partner = [s for s in resolve_sources(profile)
               if s.name.startswith("partners/")]
    assert [s.kind.kind for s in partner] == ["partner_vn_dolab"]
    with Warehouse.open(receiver / "warehouse.duckdb") as warehouse:
        sync_sources(warehouse, partner)
        obs = warehouse.observations
        rows = obs.filter(obs.source == "partner_vn_dolab").to_pyarrow().to_pylist()
    assert {(r["ref_area"], r["counterpart_area"], r["time_period"], r["value"])
            for r in rows} == {("VNM", "LAO", "2022", 900.0), ("VNM", "LAO", "2023", 1100.0)}
    assert {r["revision"] for r in rows} == {"20260301T093000Z-VN_DOLAB-LA_MOLSW"}


def _tampered_data(pair):
    files = unzip((pair / "vn-to-la.zip").read_bytes())
    name = "data/LABOUR_DEPLOYMENTS.xml"
    return rezip({**files, name: files[name].replace(b'OBS_VALUE="1100"',
                                                     b'OBS_VALUE="1900"')})


def _tampered_manifest(pair):
    files = unzip((pair / "vn-to-la.zip").read_bytes())
    return rezip({**files, "manifest.json": files["manifest.json"].replace(
        b'"period": ""', b'"period": "2022:"')})


def _unsigned(pair):
    files = unzip((pair / "vn-to-la.zip").read_bytes())
    return rezip({k: v for k, v in files.items() if k != "manifest.sig"})


def _resigned(pair, **changes):
    return rezip(resign(unzip((pair / "vn-to-la.zip").read_bytes()), pair / "vn", **changes))


def _extra_file(pair):
    files = unzip((pair / "vn-to-la.zip").read_bytes())
    return rezip({**files, "notes.txt": b"hello"})


def _missing_file(pair):
    files = unzip((pair / "vn-to-la.zip").read_bytes())
    return rezip({k: v for k, v in files.items() if k != "data/LABOUR_DEPLOYMENTS.csv"})


def _traversal(pair):
    files = unzip((pair / "vn-to-la.zip").read_bytes())
    return rezip({**files, "../x": b"outside"})


def _zip_bomb(pair):
    """1 GB of zeros compressed in memory (about 1 MB), beside a valid package."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in unzip((pair / "vn-to-la.zip").read_bytes()).items():
            archive.writestr(name, data)
        with archive.open("data/zeros.xml", "w", force_zip64=True) as handle:
            block = bytes(1 << 20)
            for _ in range(1024):
                handle.write(block)
    return out.getvalue()


def _stranger(pair):
    files = resign(unzip((pair / "vn-to-la.zip").read_bytes()), pair / "vn",
                   sender={"agency": "XX_UNKNOWN", "name": "", "country": "THA"})
    return rezip(files)


CSV = "data/LABOUR_DEPLOYMENTS.csv"
XML = "data/LABOUR_DEPLOYMENTS.xml"
LINE_2023 = (b"dataflow,MIGPROFILE:LABOUR_DEPLOYMENTS(1.0),I,VNM,DEPLOYMENTS,LAO,_T,_T,_T,2023,"
             b"1100,persons,A,F\n")
KEY_2023 = ("REF_AREA=VNM, MEASURE=DEPLOYMENTS, COUNTERPART_AREA=LAO, SEX=_T, OCCUPATION=_T, "
            "CHANNEL=_T, TIME_PERIOD=2023")


def _signed_with(pair, changed: dict[str, bytes | None], **options):
    """The VN package with files changed (None: removed), signed with VN's real key."""
    files = unzip((pair / "vn-to-la.zip").read_bytes())
    files.update({k: v for k, v in changed.items() if v is not None})
    files = {k: v for k, v in files.items() if changed.get(k, b"") is not None}
    return signed_package(files, pair / "vn", **options)


def _csv(pair, old: bytes, new: bytes) -> bytes:
    return unzip((pair / "vn-to-la.zip").read_bytes())[CSV].replace(old, new)


def _two_names_one_file(pair):
    return patch_central_directory(_signed_with(pair, {}), name=CSV, offset_of=XML)


def _duplicate_name(pair):
    import warnings

    out = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(out, "w") as archive:
        warnings.simplefilter("ignore")
        for name, data in unzip((pair / "vn-to-la.zip").read_bytes()).items():
            archive.writestr(name, data)
        archive.writestr(CSV, b"second copy")
    return out.getvalue()


def _nul_in_name(pair):
    files = unzip((pair / "vn-to-la.zip").read_bytes())
    data = rezip({**files, "notes.txtXevil": b"hello"})
    return data.replace(b"notes.txtXevil", b"notes.txt\x00evil")


def _encrypted(pair):
    return patch_central_directory(_signed_with(pair, {}), name=CSV, flags=0x1)


REFUSALS = {
    "symbolic link signed with the real key": (
        lambda pair: _signed_with(pair, {CSV: b"/etc/passwd"},
                                  modes={CSV: stat.S_IFLNK | 0o777}),
        f"the entry {CSV} is a symbolic link, not a plain file"),
    "folder entry": (lambda pair: _signed_with(pair, {"data/more": b""},
                                               modes={"data/more": stat.S_IFDIR | 0o755}),
                     "the entry data/more is a folder, not a plain file"),
    "pipe entry": (lambda pair: _signed_with(pair, {}, modes={CSV: stat.S_IFIFO | 0o644}),
                   f"the entry {CSV} is a pipe, not a plain file"),
    "one file under two names": (_two_names_one_file, "two entries share the same bytes"),
    "duplicate name": (_duplicate_name, f"the entry name '{CSV}' appears twice"),
    "names differing by case": (
        lambda pair: _signed_with(pair, {"DATA/labour_deployments.csv": b"x"}),
        f"the entry names '{CSV}' and 'DATA/labour_deployments.csv' differ only by case"),
    "NUL in a name": (_nul_in_name, "could point outside the package"),
    "encrypted entry": (_encrypted, f"the entry {CSV} is encrypted"),
    "checksum of a file outside the layout": (
        lambda pair: _signed_with(pair, {"notes/../../x": b"x"}),
        "could point outside the package"),
    "unlisted name in a signed manifest": (
        lambda pair: rezip(resign(unzip((pair / "vn-to-la.zip").read_bytes()), pair / "vn",
                                  files={"structure.xml": "0" * 64, "secret.txt": "0" * 64})),
        "checksums of files a package cannot hold: secret.txt"),
    "wrong checksum of the CSV copy": (
        lambda pair: rezip({**unzip((pair / "vn-to-la.zip").read_bytes()),
                            CSV: _csv(pair, b",1100,", b",1900,")}),
        f"{CSV} was changed after the package was signed"),
    "disagreeing copies signed with the real key": (
        lambda pair: _signed_with(pair, {CSV: _csv(pair, b",1100,", b",1900,")}),
        f"{CSV} disagrees with {XML}: at {KEY_2023}, {XML} has 1100 (persons, status A) "
        f"and {CSV} has 1900 (persons, status A)."),
    "CSV copy missing an observation": (
        lambda pair: _signed_with(pair, {CSV: _csv(pair, LINE_2023, b"")}),
        f"at {KEY_2023}, {XML} has 1100 (persons, status A) and {CSV} has no such "
        "observation"),
    "CSV copy with another status": (
        lambda pair: _signed_with(pair, {CSV: _csv(pair, b"1100,persons,A", b"1100,persons,E")}),
        f"{CSV} has 1100 (persons, status E)"),
    "CSV copy that is not CSV of the dataflow": (
        lambda pair: _signed_with(pair, {CSV: b"STRUCTURE,OBS_VALUE\n"}),
        f"{CSV} is not SDMX-CSV of LABOUR_DEPLOYMENTS: its header lacks STRUCTURE_ID"),

    "unsigned": (_unsigned, "it is not signed"),
    "tampered file": (_tampered_data, "LABOUR_DEPLOYMENTS.xml was changed after the package "
                                      "was signed"),
    "tampered manifest": (_tampered_manifest, "the signature does not match"),
    "wrong receiver": (lambda pair: _resigned(pair, receiver={
        "agency": "KR_OKA", "name": "", "country": "KOR"}), "addressed to KR_OKA"),
    "unknown sender": (_stranger, "XX_UNKNOWN is not a registered partner"),
    "newer version": (lambda pair: _resigned(pair, format_version=2),
                      "format version 2, newer than the version 1"),
    "extra file": (_extra_file, "file(s) its manifest does not list: notes.txt"),
    "missing file": (_missing_file, "file(s) missing: data/LABOUR_DEPLOYMENTS.csv"),
    "path traversal": (_traversal, "'../x' could point outside the package"),
    "zip bomb": (_zip_bomb, "data/zeros.xml unpacks to 1,073,741,824 bytes"),
    "not a zip": (lambda pair: b"PK\x03\x04 not really", "not a readable zip file"),
}


@pytest.mark.parametrize("case", list(REFUSALS))
def test_refused_packages_write_nothing(cli, pair, receiver, tmp_path, case):
    make, reason = REFUSALS[case]
    package = tmp_path / "incoming" / "package.zip"
    package.parent.mkdir()
    package.write_bytes(make(pair))
    before = snapshot(receiver)
    outside = snapshot(tmp_path / "incoming")
    result = cli("exchange", "import", receiver, package)
    assert result.exit_code == 2, result
    assert reason in result.stderr and "Nothing was imported." in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(receiver) == before
    assert snapshot(tmp_path / "incoming") == outside
    assert not (tmp_path / "x").exists() and not (receiver.parent / "x").exists()


def test_an_expired_key_is_refused(cli, pair, receiver):
    import tomlkit

    settings = receiver / "profile.toml"
    document = tomlkit.parse(settings.read_text())
    document["partners"]["VN_DOLAB"]["valid_until"] = tomlkit.date("2020-12-31")
    settings.write_text(tomlkit.dumps(document))
    before = snapshot(receiver)
    result = cli("exchange", "import", receiver, pair / "vn-to-la.zip")
    assert result.exit_code == 2
    assert "the key of VN_DOLAB expired on 2020-12-31" in result.stderr
    assert snapshot(receiver) == before


def test_a_package_naming_an_unknown_code_is_refused(cli, pair, receiver, tmp_path):
    files = unzip((pair / "vn-to-la.zip").read_bytes())
    name = "data/LABOUR_DEPLOYMENTS.xml"
    files[name] = files[name].replace(b'COUNTERPART_AREA="LAO"', b'COUNTERPART_AREA="LAX"')
    import hashlib
    import json

    manifest = json.loads(files["manifest.json"])
    manifest["files"][name] = hashlib.sha256(files[name]).hexdigest()
    package = tmp_path / "bad-code.zip"
    package.write_bytes(rezip(resign(files, pair / "vn", files=manifest["files"])))
    before = snapshot(receiver)
    result = cli("exchange", "import", receiver, package)
    assert result.exit_code == 2
    assert "does not fit the structure of LABOUR_DEPLOYMENTS" in result.stderr
    assert "'LAX' is not an element of the set" in result.stderr
    assert snapshot(receiver) == before


def test_the_copies_are_compared_as_values_not_as_text(cli, pair, receiver, tmp_path):
    header, first, second = unzip((pair / "vn-to-la.zip").read_bytes())[CSV].splitlines(True)
    assert second == LINE_2023
    reordered = header + second.replace(b",1100,", b",1.1e3,") + first.replace(b",900,", b",900.0,")
    package = tmp_path / "reformatted.zip"
    package.write_bytes(_signed_with(pair, {CSV: reordered}))
    result = cli("exchange", "import", receiver, package)
    assert result.exit_code == 0, result
