"""Recovering from a process killed half-way: an import between its writes, a build while
it staged its outputs. Nothing is lost, nothing half-done is used, and what cannot be
finished is explained with a command that works."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from migprofile.files import remove_stale_staging, staging_directory
from migprofile.profile import Profile

SRC = Path(__file__).parents[1] / "src"
CSV = "Năm,Thị trường,Giới tính,Số lao động\n2022,Nhật Bản,Nữ,10\n2022,Nhật Bản,Nam,20\n"
REVISION = Path("sources/national/LABOUR_DEPLOYMENTS/r1-dolab.csv")


def killed(code: str, *, cwd: Path) -> None:
    """Run ``code`` in another Python process that is killed (``os._exit``) where the code
    says so; a kill runs no ``finally`` and no ``except``."""
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 9, done.stderr


@pytest.fixture
def agency_file(tmp_path):
    path = tmp_path / "dolab.csv"
    path.write_text(CSV, encoding="utf-8")
    return path


def import_args(profile, path):
    return ("import", profile, path, "--dataflow", "LABOUR_DEPLOYMENTS", "--provider",
            "DOLAB")


def test_an_import_killed_between_its_writes_is_finished_by_the_next_command(
        cli, copy_profile, agency_file):
    killed(f"""
        import os
        from migprofile.sources import revisions
        from migprofile.profile import Profile
        from migprofile.sources.national.store import Provenance, import_national

        real = os.replace
        def replace(source, target):
            if str(target).endswith("dolab.csv"):
                os._exit(9)
            real(source, target)
        revisions.os.replace = replace
        import_national(Profile.load({str(copy_profile)!r}), {str(agency_file)!r},
                        dataflow_id="LABOUR_DEPLOYMENTS", provenance=Provenance(provider="DOLAB"))
        """, cwd=copy_profile)
    assert not (copy_profile / REVISION).exists()
    assert (copy_profile / REVISION.with_name("r1-dolab.meta.toml")).is_file()
    history = cli("history", copy_profile, "LABOUR_DEPLOYMENTS")
    assert history.exit_code == 0, history
    assert "r1 " in history.stdout and "file r1-dolab.csv" in history.stdout
    assert (copy_profile / REVISION).read_text(encoding="utf-8") == CSV
    assert not list((copy_profile / REVISION.parent).glob(".*"))


def test_an_import_killed_before_it_kept_the_file_leaves_nothing(cli, copy_profile,
                                                                 agency_file):
    killed(f"""
        import os
        from migprofile.sources import revisions
        from migprofile.profile import Profile
        from migprofile.sources.national.store import Provenance, import_national

        def replace(source, target):
            os._exit(9)
        revisions.os.replace = replace
        import_national(Profile.load({str(copy_profile)!r}), {str(agency_file)!r},
                        dataflow_id="LABOUR_DEPLOYMENTS", provenance=Provenance(provider="DOLAB"))
        """, cwd=copy_profile)
    folder = copy_profile / REVISION.parent
    assert [p.name for p in folder.iterdir() if p.name.startswith(".")]
    result = cli(*import_args(copy_profile, agency_file))
    assert result.exit_code == 0, result
    assert sorted(p.name for p in folder.iterdir()) == ["r1-dolab.csv", "r1-dolab.meta.toml"]


def test_an_import_of_an_earlier_version_killed_before_its_sidecar_is_finished(
        cli, copy_profile, agency_file):
    """Earlier versions put the file in place first and left the sidecar as a temporary."""
    assert cli(*import_args(copy_profile, agency_file)).exit_code == 0
    sidecar = copy_profile / REVISION.with_name("r1-dolab.meta.toml")
    left = sidecar.with_name(".r1-dolab.meta.toml.k3j9x2")
    sidecar.rename(left)
    history = cli("history", copy_profile, "LABOUR_DEPLOYMENTS")
    assert history.exit_code == 0, history
    assert sidecar.is_file() and not left.exists()


def test_a_file_without_sidecar_is_explained_and_the_commands_given_work(
        cli, copy_profile, agency_file):
    assert cli(*import_args(copy_profile, agency_file)).exit_code == 0
    (copy_profile / REVISION.with_name("r1-dolab.meta.toml")).unlink()

    for command in (("build", copy_profile), ("history", copy_profile, "LABOUR_DEPLOYMENTS")):
        result = cli(*command)
        assert result.exit_code == 2, result
        assert "Traceback" not in result.stderr
        assert f"{REVISION} has no sidecar r1-dolab.meta.toml" in result.stderr
        assert f"`migprofile recover {copy_profile}`" in result.stderr

    recovered = cli("recover", copy_profile)
    assert recovered.exit_code == 0, recovered
    assert not (copy_profile / REVISION).exists()
    kept = copy_profile / "recovered" / "national" / "LABOUR_DEPLOYMENTS" / "dolab.csv"
    assert kept.read_text(encoding="utf-8") == CSV
    command = recovered.stdout.splitlines()[-1].strip()
    assert command == (f"migprofile import {copy_profile} {kept} --dataflow "
                       "LABOUR_DEPLOYMENTS --provider 'AGENCY THAT SENT IT'")

    again = cli(*shlex.split(command)[1:])
    assert again.exit_code == 0, again
    assert cli("history", copy_profile, "LABOUR_DEPLOYMENTS").exit_code == 0
    assert cli("build", copy_profile).exit_code == 0
    assert cli("recover", copy_profile).stdout.startswith("Nothing to recover")


def test_the_command_suggests_the_provider_of_the_previous_revision(cli, copy_profile,
                                                                    agency_file, tmp_path):
    assert cli(*import_args(copy_profile, agency_file)).exit_code == 0
    second = tmp_path / "dolab-2023.csv"
    second.write_text(CSV.replace("2022", "2023"), encoding="utf-8")
    assert cli(*import_args(copy_profile, second)).exit_code == 0
    (copy_profile / REVISION.with_name("r2-dolab-2023.meta.toml")).unlink()
    recovered = cli("recover", copy_profile)
    assert recovered.stdout.splitlines()[-1].endswith("--provider DOLAB")
    assert cli(*shlex.split(recovered.stdout.splitlines()[-1])[1:]).exit_code == 0
    assert cli("build", copy_profile).exit_code == 0


def test_a_package_without_sidecar_is_set_aside_and_imported_again(cli, tmp_path):
    from migprofile.exchange.export import export_package
    from tests.exchange_helpers import CREATED, deployments, make_profile, register_each_other

    vn = make_profile(tmp_path / "vn", "VNM", deployments({"2022": 900})).root
    la = make_profile(tmp_path / "la", "LAO", deployments({"2022": 5})).root
    register_each_other(vn, la)
    export_package(Profile.load(vn), to="LA_MOLSW", out=tmp_path / "vn-to-la.zip", now=CREATED)
    assert cli("exchange", "import", la, tmp_path / "vn-to-la.zip").exit_code == 0
    package = next((la / "sources" / "partners" / "VN_DOLAB").glob("*.zip"))
    package.with_name(package.stem + ".meta.toml").unlink()

    result = cli("sources", la)
    assert result.exit_code == 2
    assert f"{package.relative_to(la)} has no sidecar" in result.stderr
    recovered = cli("recover", la)
    command = recovered.stdout.splitlines()[-1].strip()
    assert command.startswith(f"migprofile exchange import {la} {la / 'recovered'}")
    assert cli(*shlex.split(command)[1:]).exit_code == 0
    assert package.is_file() and package.with_name(package.stem + ".meta.toml").is_file()
    assert cli("sources", la).exit_code == 0


# staging folders ------------------------------------------------------------------------

def test_a_killed_build_leaves_no_staging_folder_after_the_next_build(copy_profile):
    from migprofile.build import build_profile

    out = copy_profile / "out"
    killed(f"""
        import os
        from pathlib import Path
        from migprofile.files import staging_directory

        with staging_directory(Path({str(out)!r})) as staging:
            (staging / "indicators.csv").write_text("half written")
            os._exit(9)
        """, cwd=copy_profile)
    assert len(list(out.glob(".staging-*"))) == 1
    build_profile(Profile.load(copy_profile), force=True)
    assert not list(out.glob(".staging-*"))


def test_only_stale_staging_folders_are_removed(tmp_path):
    out = tmp_path / "out"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    stale = out / f".staging-{dead}-abcd1234"
    old = out / ".staging-x7q2"
    fresh = out / ".staging-y8r3"
    other = out / ".cache-1-abc"
    for folder in (stale, old, fresh, other):
        (folder / "en").mkdir(parents=True)
    os.utime(old, (0, 0))
    half_written = out / "en" / f".profile.pdf.pending-{dead}-x1"
    writing = out / f".indicators.csv.pending-{os.getpid()}-x2"
    for file in (half_written, writing):
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_bytes(b"%PDF")
    with staging_directory(out) as mine:
        assert mine.name.startswith(f".staging-{os.getpid()}-")
        assert remove_stale_staging(out) == []
        assert mine.is_dir()
    assert not stale.exists() and not old.exists() and not half_written.exists()
    assert fresh.is_dir() and other.is_dir() and writing.is_file()
