"""The ``migprofile`` command line: parses arguments, calls the layers, prints.

Every layer is imported inside the commands that need it, so that quick commands
(``--help``, ``countries``) start at once; ``tests/test_cli_startup.py`` keeps the heavy
libraries out of this module's import.

Every command is a thin wrapper around a function of the Python API, so that the command
line, Python and the web app do the same thing. Errors in the user's input are printed as
one paragraph (no traceback) and set the exit status: 1 for validation errors, 2 for
unusable input or usage errors.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from migprofile import __version__
from migprofile.errors import MigprofileError

app = typer.Typer(
    name="migprofile",
    help="Build and keep current a country's Migration Profile.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"migprofile {__version__}")
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[bool, typer.Option(
        "--version", callback=_print_version, is_eager=True,
        help="Print the version of migprofile and exit.")] = False,
) -> None:
    """Build and keep current a country's Migration Profile."""


def _profile(directory: Path):
    """The profile in ``directory``, loaded (and checked) for a command."""
    from migprofile.profile import Profile

    return Profile.load(directory)


def _date(value: str | None, *, option: str) -> dt.date | None:
    """An option's date, written YYYY-MM-DD."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise MigprofileError(f"{option} {value!r} is not a date like 2026-03-31 "
                              "(YYYY-MM-DD).") from exc


def _languages(value: str | None) -> list[str] | None:
    if value is None:
        return None
    return [part.strip() for part in value.split(",") if part.strip()]


@app.command()
def init(
    country: Annotated[str, typer.Argument(help="ISO 3166 alpha-3 code, e.g. VNM.")],
    directory: Annotated[Path, typer.Argument(help="Folder to create the profile in.")],
    languages: Annotated[str | None, typer.Option(
        help="Report languages, comma-separated (en, vi, lo, ko). "
             "Default: English plus the country's own language.")] = None,
    edition: Annotated[str | None, typer.Option(help="Edition label; default: this year.")] = None,
) -> None:
    """Create a profile folder for a country, wired to the bundled international sources."""
    from migprofile.operations import init as init_profile

    profile = init_profile(country, directory, languages=_languages(languages),
                           edition=edition)
    typer.echo(
        f"Created the profile of {profile.country} in {directory} "
        f"(languages: {', '.join(profile.languages)}).\n"
        f"Next: migprofile build {directory}"
    )


@app.command("countries")
def list_countries(
    language: Annotated[str, typer.Option(help="Language of the names.")] = "en",
) -> None:
    """List every country and area code the bundled data know."""
    from migprofile.codes.countries import countries

    for code, item in countries().items():
        typer.echo(f"{code}  {item.name(language)}")


def _progress(message: str) -> None:
    typer.echo(message, err=True)


@app.command()
def build(
    directory: Annotated[Path, typer.Argument(help="The profile folder.")],
    force: Annotated[bool, typer.Option(
        help="Rebuild even if no input changed since the last build.")] = False,
) -> None:
    """Ingest the sources, compute the indicators and write every output to DIR/out/."""
    from migprofile.operations import build as build_profile

    result = build_profile(_profile(directory), force=force, progress=_progress)
    _key_warnings(result.profile)
    out = result.profile.out_dir
    if result.up_to_date:
        typer.echo(f"Up to date: no input changed since the last build ({out}).")
        return
    changed = len(result.written)
    typer.echo(
        f"Built the profile of {result.profile.country} in {result.seconds:.1f} s: "
        f"{result.indicator_values:,} indicator values; {changed} file(s) written in {out}."
    )
    for language in result.profile.languages:
        typer.echo(f"  {out / language / 'profile.pdf'}")


@app.command()
def sources(
    directory: Annotated[Path, typer.Argument(help="The profile folder.")],
) -> None:
    """List the profile's sources with provider, licence, revision, date and sha256."""
    from migprofile.operations import profile_sources

    for source in profile_sources(_profile(directory)):
        meta = source.meta
        where = "bundled" if source.bundled else str(source.path)
        typer.echo(
            f"{source.name}\n"
            f"  dataset   {meta.title}\n"
            f"  provider  {meta.provider}\n"
            f"  licence   {meta.licence}\n"
            f"  revision  {meta.revision}\n"
            f"  obtained  {meta.obtained.isoformat()}\n"
            f"  file      {source.path.name} ({where})\n"
            f"  sha256    {source.sha256}"
        )


class OutputFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


def _value_table(rows: list[dict]) -> str:
    from migprofile.report.tables import format_value

    columns = ["indicator", "counterpart_area", "time_period", "sex", "value", "unit", "source",
               "revision"]
    cells = [[format_value(r[c]) if c == "value" else str(r[c]) for c in columns] for r in rows]
    widths = [max([len(c)] + [len(row[i]) for row in cells]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True))]
    for row in cells:
        lines.append("  ".join(
            cell.rjust(w) if columns[i] == "value" else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))))
    return "\n".join(lines)


@app.command()
def indicators(
    directory: Annotated[Path, typer.Argument(help="The profile folder (built).")],
    indicator: Annotated[str | None, typer.Option(help="Show only this indicator id.")] = None,
    output: Annotated[OutputFormat, typer.Option(
        "--format", help="table (aligned text), csv (as out/indicators.csv) or json.")
    ] = OutputFormat.table,
) -> None:
    """Show the computed indicator values of the last build."""
    from migprofile.operations import stored_indicators
    from migprofile.report.tables import indicators_csv

    rows = stored_indicators(_profile(directory), indicator=indicator)
    if output is OutputFormat.csv:
        typer.echo(indicators_csv(rows).decode("utf-8"), nl=False)
    elif output is OutputFormat.json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=1))
    else:
        typer.echo(_value_table(rows))


@app.command("import")
def import_file(
    directory: Annotated[Path, typer.Argument(help="The profile folder.")],
    file: Annotated[Path, typer.Argument(help="The agency's CSV or XLSX file, as it came.")],
    dataflow: Annotated[str, typer.Option(
        help="National dataflow the file holds, e.g. LABOUR_DEPLOYMENTS.")],
    provider: Annotated[str, typer.Option(help="The agency that sent the file.")],
    sheet: Annotated[str | None, typer.Option(
        help="Sheet of the workbook to read; default: every visible sheet with a "
             "table.")] = None,
    mapping: Annotated[Path | None, typer.Option(
        help="TOML file naming columns and labels migprofile does not recognise.")] = None,
    accept_warnings: Annotated[bool, typer.Option(
        help="Import even if there are warnings (hidden rows, missing years).")] = False,
    citation: Annotated[str, typer.Option(help="How to cite the data.")] = "",
    title: Annotated[str, typer.Option(help="Title of the dataset.")] = "",
    url: Annotated[str, typer.Option(help="Where the data are published.")] = "",
    licence: Annotated[str, typer.Option(help="Terms of use.")] = "not stated",
    obtained: Annotated[str | None, typer.Option(
        help="Date the file was received (YYYY-MM-DD); default: today.")] = None,
    notes: Annotated[str, typer.Option(help="Anything a reader should know.")] = "",
) -> None:
    """Validate an agency's file and keep it as the dataflow's next revision."""
    from migprofile.operations import national_import
    from migprofile.sources.national.store import Provenance

    given = {"provider": provider, "citation": citation, "title": title, "url": url,
             "licence": licence, "notes": notes}
    if obtained:
        given["obtained"] = _date(obtained, option="--obtained")
    result = national_import(_profile(directory), file, dataflow=dataflow,
                             provenance=Provenance(**given), sheet=sheet,
                             mapping_file=mapping, accept_warnings=accept_warnings)
    read, revision = result.read, result.revision
    periods = read.periods
    span = periods[0] if len(periods) == 1 else f"{periods[0]}–{periods[-1]}"
    typer.echo(
        f"Imported {file.name} as revision {revision.name} of {read.dataflow.id}: "
        f"{len(read.records)} figure(s) for {span}"
        + (f", {read.dropped_totals} total(s) checked against their parts and dropped"
           if read.dropped_totals else "")
        + f".\nKept as {revision.path.relative_to(Path(directory))}.")
    if read.warnings:
        typer.echo(f"{len(read.warnings)} warning(s) accepted; report: "
                   + ", ".join(str(p) for p in result.reports))
    if result.saved_mapping:
        typer.echo(f"The mapping is kept for the next import: {result.saved_mapping}")
    typer.echo(f"Next: migprofile build {directory}")


@app.command()
def history(
    directory: Annotated[Path, typer.Argument(help="The profile folder.")],
    dataflow: Annotated[str, typer.Argument(help="National dataflow, e.g. LABOUR_DEPLOYMENTS.")],
) -> None:
    """List a dataflow's revisions and what each changed (added, removed, changed values)."""
    from migprofile.operations import national_history
    from migprofile.sources.national.history import describe_key

    flow, entries = national_history(_profile(directory), dataflow)
    if not entries:
        typer.echo(f"{flow.id}: nothing imported yet.")
        return
    typer.echo(f"{flow.id} ({flow.names['en']}): {len(entries)} revision(s)")
    for entry in entries:
        meta = entry.revision.meta
        span = f"{entry.periods[0]}–{entry.periods[-1]}" if len(entry.periods) > 1 \
            else entry.periods[0]
        typer.echo(f"\n{entry.revision.name}  imported {meta.imported_at:%Y-%m-%d %H:%M} UTC  "
                   f"file {entry.revision.path.name}  periods {span}\n"
                   f"    provider  {meta.provider}\n    citation  {meta.citation or '-'}\n"
                   f"    sha256    {meta.sha256}")
        counts = {k: sum(1 for c in entry.changes if c.kind == k)
                  for k in ("added", "removed", "changed")}
        typer.echo(f"    {counts['added']} added, {counts['removed']} removed, "
                   f"{counts['changed']} changed, {entry.unchanged} unchanged")
        for change in entry.changes:
            if change.kind == "added" and entry.revision.number == 1:
                continue
            old = "" if change.old is None else f"{change.old:,.0f}"
            new = "" if change.new is None else f"{change.new:,.0f}"
            typer.echo(f"    {change.kind:8} {describe_key(flow, change.key) or 'total'}: "
                       f"{old or '-'} -> {new or '-'}")


@app.command()
def recover(
    directory: Annotated[Path, typer.Argument(help="The profile folder.")],
) -> None:
    """Finish or undo imports a killed process left unfinished, and set aside (in
    DIR/recovered/) every imported file that has no sidecar, with the command that imports
    it again. Run it when no import or build is running."""
    from migprofile.operations import recover as recover_imports

    profile = _profile(directory)
    moved = recover_imports(profile)
    if not moved:
        typer.echo("Nothing to recover: every imported file has its sidecar.")
        return
    for item in moved:
        typer.echo(f"{item.file.relative_to(profile.root)} had no sidecar; moved to "
                   f"{item.moved_to.relative_to(profile.root)}. To import it again:\n"
                   f"  {item.command}")


@app.command()
def template(
    directory: Annotated[Path, typer.Argument(help="The profile folder.")],
    dataflow: Annotated[str, typer.Argument(help="National dataflow, e.g. LABOUR_DEPLOYMENTS.")],
    out: Annotated[Path, typer.Option(help="The workbook to write (.xlsx).")],
) -> None:
    """Write a blank workbook for an agency to fill in: the dataflow's columns, dropdown
    lists of valid codes in the profile's languages, and instructions."""
    from migprofile.operations import agency_template

    path = agency_template(_profile(directory), dataflow, out=out)
    typer.echo(f"Wrote {path}. Send it to the agency; import the filled file with:\n"
               f"  migprofile import {directory} FILLED.xlsx --dataflow {dataflow.upper()} "
               "--provider AGENCY")


@app.command()
def classify(
    input_file: Annotated[Path, typer.Argument(metavar="INPUT",
                                               help="Crossings, .csv or .parquet.")],
    out: Annotated[Path, typer.Option(help="Output file, .csv or .parquet.")],
    data_end: Annotated[str | None, typer.Option(
        help="Last date the data cover (YYYY-MM-DD); default: the latest crossing.")] = None,
    window: Annotated[int, typer.Option(help="Test window W in days.")] = 487,
    threshold: Annotated[int, typer.Option(help="Residence threshold V in days.")] = 365,
    on_gap: Annotated[str, typer.Option(
        help="Two crossings in the same direction: reject the person, or impute the "
             "missing crossing halfway.")] = "reject",
    initial_status: Annotated[Path | None, typer.Option(
        help="File of person_id, status (0/1), as_of: status before the first crossing.")
    ] = None,
    engine: Annotated[str, typer.Option(help="duckdb or spark.")] = "duckdb",
    columns: Annotated[str | None, typer.Option(
        help="Column mapping: person_id=PID,date_crossing=DT,is_arrival=DIR, or a .toml "
             "file that can also map direction codes.")] = None,
    memory_limit: Annotated[str, typer.Option(
        help="Memory for the run: DuckDB gets it less the results held while classifying; "
             "larger sorts spill to disk.")] = "4GB",
) -> None:
    """Classify border crossings with the residence rule (no profile folder needed)."""
    from migprofile.operations import classify as classify_crossings
    from migprofile.operations import rule_parameters
    from migprofile.profile import GAP_POLICIES

    if on_gap not in GAP_POLICIES:
        raise MigprofileError(f"--on-gap must be reject or impute, not {on_gap!r}.")
    rule = rule_parameters(window=window, threshold=threshold, on_gap=on_gap)
    summary = classify_crossings(
        input_file, out, rule=rule, data_end=_date(data_end, option="--data-end"),
        initial_status=initial_status, engine=engine, columns=columns,
        memory_limit=memory_limit, progress=_progress,
    )
    typer.echo("\n".join(summary.lines()))


crossings_app = typer.Typer(
    help="Border-crossing microdata in a profile.", no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(crossings_app, name="crossings")


@crossings_app.command("import")
def crossings_import(
    directory: Annotated[Path, typer.Argument(help="The profile folder.")],
    file: Annotated[Path, typer.Argument(help="Crossings, .csv or .parquet.")],
    columns: Annotated[str | None, typer.Option(
        help="Column mapping (inline or .toml), as for `classify`; also citizenship, sex, "
             "birth_year or age, port.")] = None,
) -> None:
    """Load crossings into the profile's warehouse; person identifiers are stored as keys."""
    from migprofile.operations import crossings_import

    summary = crossings_import(_profile(directory), file, columns=columns)
    typer.echo("\n".join(summary.lines()))


# exchanging data with partners ----------------------------------------------------------

keys_app = typer.Typer(help="The agency's signing key for exchange packages.",
                       no_args_is_help=True, rich_markup_mode=None)
app.add_typer(keys_app, name="keys")
partners_app = typer.Typer(help="Partner agencies and their public keys.",
                           no_args_is_help=True, rich_markup_mode=None)
app.add_typer(partners_app, name="partners")
exchange_app = typer.Typer(help="Signed SDMX packages exchanged with partners.",
                           no_args_is_help=True, rich_markup_mode=None)
app.add_typer(exchange_app, name="exchange")


def _show_key(public_key: str, fingerprint: str) -> None:
    typer.echo(f"Public key:  {public_key}\nFingerprint: {fingerprint}\n"
               "Give both to your partners; they check the fingerprint with you by "
               "telephone or in person before registering the key.")


@keys_app.command("init")
def keys_init(directory: Annotated[Path, typer.Argument(help="The profile folder.")]) -> None:
    """Create the profile's Ed25519 key pair (the private key stays in DIR/.secret/)."""
    from migprofile.operations import create_keys

    keys = create_keys(_profile(directory))
    typer.echo(f"Created the signing key of {directory} (kept private, mode 0600).")
    _show_key(keys.public_key, keys.fingerprint)


@keys_app.command("show")
def keys_show(directory: Annotated[Path, typer.Argument(help="The profile folder.")]) -> None:
    """Print the public key and its fingerprint, to give to partners."""
    from migprofile.operations import show_keys

    keys = show_keys(_profile(directory))
    _show_key(keys.public_key, keys.fingerprint)


@keys_app.command("rotate")
def keys_rotate(directory: Annotated[Path, typer.Argument(help="The profile folder.")]) -> None:
    """Replace the signing key by a new one, announced to partners in the next packages."""
    from migprofile.operations import rotate_keys

    change = rotate_keys(_profile(directory))
    typer.echo(f"Replaced the signing key of {directory}; the previous key (fingerprint "
               f"{change.previous_fingerprint}) is kept as .secret/previous-signing-key.pem.\n"
               "Every package exported from now on announces the new key, signed with the "
               "previous one; a partner importing it registers the new key.")
    _show_key(change.public_key, change.fingerprint)


def _key_warnings(profile) -> None:
    """Partners' keys that are revoked, expired or about to expire, on standard error."""
    from migprofile.operations import key_warnings

    for warning in key_warnings(profile):
        typer.echo(f"Warning: {warning}", err=True)


@partners_app.command("add")
def partners_add(
    directory: Annotated[Path, typer.Argument(help="The profile folder.")],
    partner_id: Annotated[str, typer.Argument(
        metavar="ID", help="The partner's agency id, as its profile names it, e.g. LA_MOLSW.")],
    country: Annotated[str, typer.Option(help="ISO 3166 alpha-3 code of its country.")],
    key: Annotated[str, typer.Option(help="Its public key, as `keys show` printed it.")],
    name: Annotated[str, typer.Option(help="The partner agency's name.")] = "",
    agency: Annotated[str, typer.Option(help="Its ministry or parent agency.")] = "",
    valid_until: Annotated[str | None, typer.Option(
        help="Last day its packages are accepted with this key (YYYY-MM-DD).")] = None,
    replace: Annotated[bool, typer.Option(
        help="Replace an already registered partner (a new key, for instance).")] = False,
) -> None:
    """Register a partner agency and its public key in profile.toml."""
    from migprofile.operations import add_partner

    partner = add_partner(_profile(directory), partner_id, country=country, public_key=key,
                          name=name, agency=agency,
                          valid_until=_date(valid_until, option="--valid-until"),
                          replace=replace)
    typer.echo(f"Registered {partner.id} ({partner.settings.country}); key fingerprint "
               f"{partner.fingerprint}.\nCheck this fingerprint with the partner before "
               "importing its packages.")


@partners_app.command("list")
def partners_list(directory: Annotated[Path, typer.Argument(help="The profile folder.")]) -> None:
    """List the registered partners with their countries, key fingerprints and expiry."""
    from migprofile.operations import partners as registered_partners

    profile = _profile(directory)
    partners = registered_partners(profile)
    if not partners:
        typer.echo("No partners yet; add one with `migprofile partners add`.")
    for partner in partners:
        until = partner.settings.valid_until
        typer.echo(f"{partner.id}  {partner.settings.country}  {partner.settings.name or '-'}\n"
                   f"    fingerprint  {partner.fingerprint}\n"
                   f"    valid until  {until.isoformat() if until else 'no end date'}")
        for label, records in (("retired", partner.settings.retired_keys),
                               ("revoked", partner.settings.revoked_keys)):
            for record in records:
                typer.echo(f"    {label} on {record.on.isoformat()}  {record.fingerprint}")
    _key_warnings(profile)


@partners_app.command("revoke-key")
def partners_revoke_key(
    directory: Annotated[Path, typer.Argument(help="The profile folder.")],
    partner_id: Annotated[str, typer.Argument(metavar="ID", help="The partner's id.")],
    on: Annotated[str | None, typer.Option(
        help="The day of the revocation (YYYY-MM-DD); default: today.")] = None,
) -> None:
    """Revoke a partner's registered key: packages signed with it are refused."""
    from migprofile.operations import revoke_partner_key

    record = revoke_partner_key(_profile(directory), partner_id, on=_date(on, option="--on"))
    typer.echo(f"Revoked the key of {partner_id} (fingerprint {record.fingerprint}) on "
               f"{record.on.isoformat()}: packages signed with it are refused. Register its "
               f"new key with `migprofile partners add {directory} {partner_id} --replace ...` "
               "after checking the fingerprint with the partner.")


@partners_app.command("token")
def partners_token(
    directory: Annotated[Path, typer.Argument(help="The profile folder.")],
    partner_id: Annotated[str, typer.Argument(metavar="ID", help="The partner's id.")],
    revoke: Annotated[bool, typer.Option(
        help="Revoke the partner's tokens instead of issuing a new one.")] = False,
) -> None:
    """Issue an access token for a partner's server (shown once), or revoke its tokens."""
    from migprofile.operations import issue_partner_token, revoke_partner_tokens

    profile = _profile(directory)
    if revoke:
        count = revoke_partner_tokens(profile, partner_id)
        typer.echo(f"Revoked {count} token{'s' if count != 1 else ''} of {partner_id}.")
        return
    issued = issue_partner_token(profile, partner_id)
    typer.echo(f"{issued.token}\n\nAccess token {issued.record.id} for {partner_id}. It is shown "
               "only now: give it to the partner over a safe channel. Revoke it with "
               f"`migprofile partners token {directory} {partner_id} --revoke`.")


@partners_app.command("connect")
def partners_connect(
    directory: Annotated[Path, typer.Argument(help="The profile folder.")],
    partner_id: Annotated[str, typer.Argument(metavar="ID", help="The partner's id.")],
    url: Annotated[str, typer.Option(
        help="The base address of the partner's migprofile server, e.g. "
             "https://migration.molsw.gov.la.")],
) -> None:
    """Say where a partner's server is, and keep the access token it issued to this agency
    (read from standard input, or asked for without echo; never on the command line)."""
    from migprofile.operations import connect_partner

    profile = _profile(directory)
    if sys.stdin.isatty():
        token = typer.prompt(f"Access token {partner_id} issued to this agency",
                             hide_input=True)
    else:
        token = sys.stdin.readline()
    partner = connect_partner(profile, partner_id, url=url, token=token)
    typer.echo(f"Connected {partner.id} at {partner.settings.url}; its token is kept in "
               f"{directory}/.secret/ (mode 0600).\nExchange with it now: migprofile "
               f"exchange sync {directory}")


@exchange_app.command("export")
def exchange_export(
    directory: Annotated[Path, typer.Argument(help="The profile folder (built).")],
    to: Annotated[str, typer.Option(help="The partner's id.")],
    out: Annotated[Path | None, typer.Option(
        help="Also write the package to this file (.zip); it is always kept in the "
             "partner's outbox, DIR/exchange/outbox/PARTNER/.")] = None,
    dataflow: Annotated[list[str] | None, typer.Option(
        help="A dataflow to send (repeatable); default: every dataflow with data of the "
             "profile's own.")] = None,
    period: Annotated[str | None, typer.Option(
        help="FROM:TO, years or months, e.g. 2017:2023.")] = None,
) -> None:
    """Write a signed SDMX package of the profile's data for a partner, into its outbox
    (where the partner's server collects it) and, with --out, into a file."""
    from migprofile.operations import package_export

    result = package_export(_profile(directory), to=to, dataflows=dataflow or (),
                            period=period, out=out)
    manifest = result.manifest
    typer.echo(f"Wrote {' and '.join(map(str, result.written))} for {to}: package "
               f"{manifest.package_id}.")
    for entry in manifest.dataflows:
        rule = entry.disclosure
        protection = (f"rounded to base {rule['rounding_base']}, {entry.withheld} cell(s) "
                      "withheld" if rule["enabled"] else "no disclosure control")
        typer.echo(f"  {entry.id}: {entry.observations} observations, "
                   f"{entry.periods[0] if entry.periods else '-'}–"
                   f"{entry.periods[-1] if entry.periods else '-'} ({protection})")


@exchange_app.command("import")
def exchange_import(
    directory: Annotated[Path, typer.Argument(help="The profile folder.")],
    file: Annotated[Path, typer.Argument(help="The partner's package (.zip).")],
) -> None:
    """Verify a partner's package (signature, receiver, checksums, data) and keep it."""
    from migprofile.operations import package_import

    result = package_import(_profile(directory), file)
    manifest = result.verified.manifest
    change = result.verified.new_key
    if change is not None:
        typer.echo(f"{manifest.sender.agency} has a new key (fingerprint {change.fingerprint}), "
                   "announced in this package by the key registered for it: profile.toml now "
                   f"has the new key, and the old one ({change.previous_fingerprint}) is "
                   "retired.")
    _key_warnings(_profile(directory))
    if result.already:
        typer.echo(f"Package {manifest.package_id} from {manifest.sender.agency} was already "
                   f"imported ({result.path.relative_to(directory)}); nothing to do.")
        return
    count = sum(len(rows) for rows in result.verified.observations.values())
    typer.echo(f"Imported package {manifest.package_id} from {manifest.sender.agency} "
               f"({manifest.sender.country}): {count} observations of "
               f"{', '.join(e.id for e in manifest.dataflows)}.\n"
               f"Kept as {result.path.relative_to(directory)}.\nNext: migprofile build "
               f"{directory}, then migprofile reconcile {directory}")


@exchange_app.command("sync")
def exchange_sync(
    directory: Annotated[Path, typer.Argument(help="The profile folder.")],
    partner: Annotated[list[str] | None, typer.Option(
        help="Only this partner (repeatable); default: every partner with a url.")] = None,
    database: Annotated[str | None, typer.Option(
        "--database", help="PostgreSQL URL of the web app's state, for the audit log; "
                           "default: SQLite in DIR/webapp/.")] = None,
) -> None:
    """Exchange packages with the partners' servers: publish ours when our data changed,
    import theirs, send ours, and write the reconciliation again."""
    from migprofile.operations import audited_sync

    profile = _profile(directory)
    result = audited_sync(profile, partners=partner, database=database)
    for line in result.partners:
        typer.echo(line.line())
    if result.reconciled:
        typer.echo(f"Reconciliation written: {profile.out_dir / 'reconciliation.csv'}")
    if result.failed:
        raise typer.Exit(3)


@app.command()
def reconcile(
    directory: Annotated[Path, typer.Argument(help="The profile folder (built).")],
    partner: Annotated[str | None, typer.Option(
        help="Only the mirror pairs with this partner.")] = None,
) -> None:
    """Compare figures that should agree (two sources; ours and a partner's) and write
    DIR/out/reconciliation.csv."""
    from migprofile.operations import reconcile as reconcile_figures

    result = reconcile_figures(_profile(directory), partner=partner)
    shown = result.rows
    typer.echo(_reconciliation_table(shown) if shown else "No pair has figures on both sides.")
    typer.echo(f"\n{len(shown)} comparison(s), {result.flagged} above the "
               f"{result.threshold_pct:g}% threshold. Written: {result.path}")


def _reconciliation_table(rows) -> str:
    from migprofile.report.tables import format_value

    columns = ["pair", "partner", "period", "first", "A", "second", "B", "asymmetry", "flag"]
    cells = [[r.pair, r.partner or "-", r.period, r.first, format_value(r.first_value),
              r.second, format_value(r.second_value),
              "" if r.asymmetry_pct is None else f"{r.asymmetry_pct:.1f}%",
              "*" if r.flagged else ""] for r in rows]
    widths = [max([len(c)] + [len(row[i]) for row in cells]) for i, c in enumerate(columns)]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True))
                     .rstrip() for row in [columns, *cells])


# editions -------------------------------------------------------------------------------

@app.command()
def publish(
    directory: Annotated[Path, typer.Argument(help="The profile folder.")],
    edition: Annotated[str | None, typer.Option(
        help="The edition's name; default: the profile's edition setting.")] = None,
) -> None:
    """Build if the outputs are not current, then freeze them as an edition in
    DIR/editions/EDITION/: reports, tables, figures, narrative and a signed manifest."""
    from migprofile.operations import publish as publish_edition

    profile = _profile(directory)
    result = publish_edition(profile, edition=edition, progress=_progress)
    manifest = result.manifest
    typer.echo(f"Published edition {manifest.edition} of {profile.country}"
               + (" (built first)" if result.built else "")
               + f": {len(manifest.files)} files in "
               f"{result.folder}, signed by key "
               f"{manifest.fingerprint}.")


class _ListByDefault(typer.core.TyperGroup):
    """``migprofile editions DIR`` is ``migprofile editions list DIR``."""

    def parse_args(self, ctx, args):
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["list", *args]
        return super().parse_args(ctx, args)


editions_app = typer.Typer(cls=_ListByDefault, no_args_is_help=True, rich_markup_mode=None,
                           help="Published editions: list, verify, and what changed since "
                                "one. `migprofile editions DIR` lists them.")
app.add_typer(editions_app, name="editions")


@editions_app.command("list")
def editions_list(directory: Annotated[Path, typer.Argument(help="The profile folder.")]) -> None:
    """List the published editions: when, by whom, how many files, and whether every file
    and the signature are as published."""
    from migprofile.operations import list_editions

    found = list_editions(_profile(directory))
    if not found:
        typer.echo(f"No edition published yet; publish one with `migprofile publish "
                   f"{directory}`.")
    for checked in found:
        manifest = checked.manifest
        when = (f"published {manifest.published_at:%Y-%m-%d %H:%M} UTC by "
                f"{manifest.published_by}, {len(manifest.files)} files" if manifest
                else "no readable manifest")
        typer.echo(f"{checked.edition}  {when}  verified: {'yes' if checked.ok else 'no'}")


@editions_app.command("verify")
def editions_verify(
    directory: Annotated[Path, typer.Argument(help="The profile folder.")],
    edition: Annotated[str, typer.Argument(help="The edition, e.g. 2026.")],
) -> None:
    """Check every file of an edition against its manifest, and the manifest against its
    signature; name every file changed, added or missing."""
    from migprofile.operations import verify_edition

    checked = verify_edition(_profile(directory), edition)
    if checked.ok:
        manifest = checked.manifest
        typer.echo(f"Edition {edition}: verified; its {len(manifest.files)} files are as "
                   f"published, and the manifest is signed by key {manifest.fingerprint}.")
        return
    typer.echo(f"Edition {edition} is NOT as published:")
    for problem in checked.problems():
        typer.echo(f"  {problem}")
    raise typer.Exit(1)


@editions_app.command("diff")
def editions_diff(
    directory: Annotated[Path, typer.Argument(help="The profile folder.")],
    edition: Annotated[str, typer.Argument(help="The edition, e.g. 2026.")],
    other: Annotated[str | None, typer.Argument(
        help="Another edition; default: the current outputs (the last build).")] = None,
    as_json: Annotated[bool, typer.Option(
        "--json", help="Print the changes as JSON.")] = False,
) -> None:
    """What changed since an edition: figures (indicators.csv), sources and narrative."""
    from migprofile.operations import edition_diff

    diff = edition_diff(_profile(directory), edition, other)
    if as_json:
        typer.echo(json.dumps(diff.as_json(), ensure_ascii=False, indent=1))
        return
    typer.echo("\n".join(_diff_lines(diff)))


def _diff_lines(diff) -> list[str]:
    lines = [f"Since edition {diff.since}, to {diff.to}: {len(diff.figures)} figure(s), "
             f"{len(diff.sources)} source(s), {len(diff.texts)} text(s) changed."]
    for f in diff.figures:
        key = " ".join(filter(None, (f.indicator, f.partner, f.year, f.sex, f.revision)))
        lines.append(f"  figure  {f.kind:8} {key}: {f.old or '-'} -> {f.new or '-'}")
    for s in diff.sources:
        lines.append(f"  source  {s.kind:8} {s.name}: revision {s.old_revision or '-'} -> "
                     f"{s.new_revision or '-'}, sha256 {(s.old_sha256 or '-')[:12]} -> "
                     f"{(s.new_sha256 or '-')[:12]}")
    for t in diff.texts:
        lines += [f"  text    {t.kind:8} {t.file}", t.diff.rstrip("\n")]
    return lines


# the web app ---------------------------------------------------------------------------

DatabaseOption = Annotated[str | None, typer.Option(
    "--database", help="PostgreSQL URL (postgresql://USER@HOST:PORT/DB) of the web app's "
                       "state; default: SQLite in DIR/webapp/.")]


@app.command()
def serve(
    directory: Annotated[Path, typer.Argument(help="The profile folder.")],
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    database: DatabaseOption = None,
) -> None:
    """Run the web app over a profile: dashboard, explorer, uploads, exchange, reports."""
    import uvicorn

    from migprofile.web import WebSettings, create_app

    settings = WebSettings(profile_dir=directory, database=database)
    web_app = create_app(settings)
    typer.echo(f"Serving {directory} at http://{host}:{port}/ (Ctrl+C stops).")
    uvicorn.run(web_app, host=host, port=port, log_level="warning", proxy_headers=True)


users_app = typer.Typer(help="Accounts of the web app.", no_args_is_help=True,
                        rich_markup_mode=None)
app.add_typer(users_app, name="users")


@users_app.command("add")
def users_add(
    directory: Annotated[Path, typer.Argument(help="The profile folder.")],
    email: Annotated[str, typer.Option(help="The sign-in name.")],
    role: Annotated[str, typer.Option(help="admin, editor, viewer or partner.")],
    agency: Annotated[str | None, typer.Option(
        help="Editors: their national agency; partners: the partner's id.")] = None,
    password_stdin: Annotated[bool, typer.Option(
        "--password-stdin", help="Read the password from standard input (required: a "
                                 "password never goes on the command line).")] = False,
    database: DatabaseOption = None,
) -> None:
    """Create an account of the web app."""
    from migprofile.operations import add_account

    if not password_stdin:
        raise MigprofileError("give the password on standard input with --password-stdin, "
                              "e.g. `read -s P && echo \"$P\" | migprofile users add ...`.")
    password = sys.stdin.readline().rstrip("\r\n")
    user = add_account(_profile(directory), email=email, role=role, password=password,
                       agency=agency, database=database)
    typer.echo(f"Created {user.email} ({user.role}"
               + (f", agency {user.agency}" if user.agency else "") + ").")


@users_app.command("list")
def users_list(
    directory: Annotated[Path, typer.Argument(help="The profile folder.")],
    database: DatabaseOption = None,
) -> None:
    """List the accounts: email, role, agency, and whether disabled or locked."""
    from migprofile.operations import list_accounts

    accounts = list_accounts(_profile(directory), database=database)
    if not accounts:
        typer.echo("No accounts yet; add one with `migprofile users add`.")
    for account in accounts:
        typer.echo(f"{account.email}  {account.role}  {account.agency or '-'}  {account.state}")


@users_app.command("disable")
def users_disable(
    directory: Annotated[Path, typer.Argument(help="The profile folder.")],
    email: Annotated[str, typer.Argument(help="The account's email.")],
    database: DatabaseOption = None,
) -> None:
    """Disable an account and end its sessions (the account and its history stay)."""
    from migprofile.operations import disable_account

    account = disable_account(_profile(directory), email, database=database)
    typer.echo(f"Disabled {account.email}; its sessions are ended.")


def main(argv: list[str] | None = None) -> int:
    """Run the command line and return its exit status (used by tests and ``run``)."""
    try:
        app(args=argv, prog_name="migprofile")
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            return exc.code or 0
        typer.echo(exc.code, err=True)
        return 1
    except MigprofileError as exc:
        typer.echo(f"Error: {exc}", err=True)
        return exc.exit_code
    return 0


def run() -> None:
    """Console entry point."""
    sys.exit(main())
