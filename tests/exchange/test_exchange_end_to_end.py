"""Viet Nam and Lao PDR exchange packages both ways, reconcile and report mirror statistics.

The example profiles are copied; their keys are made here (none is committed) and the Lao
profile is given synthetic test data (tests/data/exchange/), as is Viet Nam for the work
permits it issues.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from migprofile.testing import copy_tracked

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
FIXTURES = Path(__file__).resolve().parents[1] / "data" / "exchange"

pytestmark = pytest.mark.slow

TITLES = {"en": "Mirror statistics", "vi": "Thống kê đối chiếu song phương",
          "lo": "ສະຖິຕິປຽບທຽບສອງຝ່າຍ"}


def _ok(result):
    assert result.exit_code == 0, result
    return result.stdout


def _public_key(cli, profile: Path) -> str:
    return _ok(cli("keys", "show", profile)).split("Public key:")[1].split()[0]


def test_two_profiles_exchange_reconcile_and_report(cli, tmp_path):
    vn, la = tmp_path / "viet-nam", tmp_path / "lao-pdr"
    copy_tracked(EXAMPLES / "viet-nam", vn)
    copy_tracked(EXAMPLES / "lao-pdr", la)
    assert not (vn / ".secret").exists() and not (la / ".secret").exists()
    for profile in (vn, la):
        _ok(cli("keys", "init", profile))
    _ok(cli("partners", "add", vn, "LA_MOLSW", "--country", "LAO", "--key",
            _public_key(cli, la), "--name", "Ministry of Labour and Social Welfare"))
    _ok(cli("partners", "add", la, "VN_DOLAB", "--country", "VNM", "--key",
            _public_key(cli, vn), "--name", "Department of Overseas Labour (DOLAB)"))
    for profile, name, dataflow in ((la, "lao-labour-deployments.csv", "LABOUR_DEPLOYMENTS"),
                                    (la, "lao-work-permits.csv", "WORK_PERMITS_FOREIGNERS"),
                                    (vn, "viet-nam-work-permits.csv",
                                     "WORK_PERMITS_FOREIGNERS")):
        _ok(cli("import", profile, FIXTURES / name, "--dataflow", dataflow, "--provider",
                "Test fixture"))
    with (la / "profile.toml").open("a", encoding="utf-8") as handle:
        handle.write("\n[disclosure.dataflows.WORK_PERMITS_FOREIGNERS]\nenabled = true\n")
    for profile in (vn, la):
        _ok(cli("build", profile))
    to_la, to_vn = tmp_path / "to-lao.zip", tmp_path / "to-viet-nam.zip"
    _ok(cli("exchange", "export", vn, "--to", "LA_MOLSW", "--out", to_la))
    exported = _ok(cli("exchange", "export", la, "--to", "VN_DOLAB", "--out", to_vn))
    assert "WORK_PERMITS_FOREIGNERS: 30 observations" in exported and "withheld" in exported
    assert "Imported package" in _ok(cli("exchange", "import", vn, to_vn))
    assert "Imported package" in _ok(cli("exchange", "import", la, to_la))
    assert "already imported" in _ok(cli("exchange", "import", la, to_la))
    for profile in (vn, la):
        _ok(cli("build", profile))

    # each profile reconciles the other's figures against its own
    printed = _ok(cli("reconcile", vn, "--partner", "LA_MOLSW"))
    assert "contract_workers" in printed and "LAO LABOUR_DEPLOYMENTS.DEPLOYMENTS VNM" in printed
    for profile, own, theirs in ((vn, "work_permits_foreigners r1", "partner_la_molsw"),
                                 (la, "labour_deployments r1", "partner_vn_dolab")):
        with (profile / "out" / "reconciliation.csv").open(newline="") as handle:
            rows = [r for r in csv.DictReader(handle) if r["kind"] == "mirror"]
        assert [r["first_period"] for r in rows] == ["2019", "2020", "2021", "2022", "2023"]
        first = rows[0]
        assert first["first_value"] == "1200" and first["second_value"] == "1050"
        assert first["asymmetry_pct"] == "13.33" and first["flagged"] == "yes"
        sources = {first["first_source"].split()[0], first["second_source"].split()[0]}
        assert {own.split()[0], theirs} == sources

    # the report shows the mirror section in both languages of each profile
    for profile, languages in ((vn, ("en", "vi")), (la, ("en", "lo"))):
        for language in languages:
            html = (profile / "out" / language / "profile.html").read_text(encoding="utf-8")
            section = html[html.index('id="mirror_statistics"'):html.index('id="annex"')]
            assert TITLES[language] in section and "<img" in section
            assert "2019" in section and "13.3" in section.replace(",", ".")

    # no private key left the profiles
    for package in (to_la, to_vn):
        assert b"PRIVATE KEY" not in package.read_bytes()
