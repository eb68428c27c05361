"""`ghcommunity ddat`: the taxonomy, the feedback form, classifying, the report and its export."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ghcommunity.cli.common import (
    client,
    config_option,
    echo_json,
    github_options,
    job_context,
    load,
    plan_options,
    run_job_and_print,
    write_output,
)
from ghcommunity.core.errors import InputError, OperationalError

if TYPE_CHECKING:
    from ghcommunity.config import Config
    from ghcommunity.jobs.ddat.taxonomy import Taxonomy

DEFAULT_TAXONOMY_OUT = "config/ddat.yml"
DEFAULT_FORM_OUT = "config/issue-forms/ddat-feedback.yml"


@click.group()
def ddat() -> None:
    """DDaT framework feedback: taxonomy, form, classify, report, export.

    The DDaT framework is the Government Digital and Data Profession Capability Framework.
    """


def _local_taxonomy(config: Config) -> Taxonomy:
    """The configured taxonomy in the working directory, for the commands that work offline
    (`ddat form`, `ddat classify`): no repository, no request; the default path falls back to
    the copy that ships with ghcommunity, as everywhere."""
    from ghcommunity.jobs.ddat.taxonomy import load_taxonomy, taxonomy_path

    return load_taxonomy(taxonomy_path(config.ddat.taxonomy, Path.cwd()))


# -- writing generated files -----------------------------------------------------------------


def _write_generated(text: str, out: str, *, check: bool, what: str) -> None:
    """Write (or with --check, compare) a generated file; '-' is standard output."""
    if out == "-":
        click.echo(text, nl=False)
        return
    path = Path(out)
    current = path.read_text(encoding="utf-8") if path.is_file() else None
    if check:
        if current != text:
            raise OperationalError(
                f"{path} is not up to date with {what}; regenerate it (run the same command "
                "without --check)"
            )
        click.echo(f"{path} is up to date")
        return
    if current == text:
        click.echo(f"{path} unchanged")
        return
    write_output(out, text)
    click.echo(f"wrote {path}")


@ddat.command()
@click.option(
    "--from-csv",
    "role_csv",
    required=True,
    type=click.Path(dir_okay=False),
    help="The framework's 'Role content' CSV.",
)
@click.option(
    "--skills",
    "skills_csv",
    required=True,
    type=click.Path(dir_okay=False),
    help="The framework's 'Skill description content' CSV.",
)
@click.option(
    "--out",
    default=DEFAULT_TAXONOMY_OUT,
    show_default=True,
    help="Where to write the taxonomy ('-': standard output).",
)
@click.option(
    "--families",
    multiple=True,
    help="Role families to include (repeat, or separate with commas; a short name such as "
    "QAT works). "
    "Default: Software development and Quality assurance testing (QAT).",
)
@click.option(
    "--downloaded",
    default=None,
    help="When the CSVs were downloaded (e.g. 2025-10). Default: the date recorded in --out.",
)
@click.option(
    "--short-name",
    "short_names",
    multiple=True,
    metavar="KIND:NAME=SHORT",
    help="A short name for a label, for a name too long for one (repeat): e.g. "
    "'skill:Programming and build (software engineering)=Programming and build'. Short names "
    "already in --out are kept.",
)
@click.option("--check", is_flag=True, help="Fail (exit 1) if --out is not up to date.")
def taxonomy(
    role_csv: str,
    skills_csv: str,
    out: str,
    families: tuple[str, ...],
    downloaded: str | None,
    short_names: tuple[str, ...],
    check: bool,
) -> None:
    """Generate the DDaT taxonomy (config/ddat.yml) from the framework's official CSVs.

    Records the source, the download date and the Open Government Licence v3.0 attribution.
    Deterministic: the same CSVs and options give the same bytes.
    """
    from ghcommunity.jobs.ddat.taxonomy import (
        DEFAULT_FAMILIES,
        ROLE_COLUMNS,
        SKILL_COLUMNS,
        Source,
        dump_taxonomy,
        generate_taxonomy,
        generated_by,
        parse_taxonomy,
        read_csv,
    )

    chosen = [f.strip() for value in families for f in value.split(",") if f.strip()]
    chosen = chosen or list(DEFAULT_FAMILIES)
    previous_path = Path(out)
    previous = (
        parse_taxonomy(previous_path.read_text(encoding="utf-8"), out)
        if out != "-" and previous_path.is_file()
        else None
    )
    shorts: dict[str, dict[str, str]] = {
        kind: dict(table) for kind, table in (previous.short_names if previous else {}).items()
    }
    for given in short_names:
        kind, sep, rest = given.partition(":")
        name, eq, short = rest.partition("=")
        if not sep or not eq or kind.strip() not in ("role", "level", "skill"):
            raise InputError(
                f"--short-name {given!r}: expected KIND:NAME=SHORT, KIND being role, level or skill"
            )
        shorts.setdefault(kind.strip(), {})[name.strip()] = short.strip()
    if downloaded is None:
        if previous is not None:
            downloaded = previous.source.downloaded
        else:
            raise InputError("pass --downloaded DATE: when the CSVs were downloaded (e.g. 2025-10)")
    downloaded = downloaded.strip()
    if not downloaded:
        raise InputError("--downloaded cannot be empty")
    source = Source(
        downloaded=downloaded,
        files=[Path(role_csv).name, Path(skills_csv).name],
        generated_by=generated_by(role_csv, skills_csv, chosen, downloaded),
    )
    result = generate_taxonomy(
        read_csv(role_csv, ROLE_COLUMNS),
        read_csv(skills_csv, SKILL_COLUMNS),
        families=chosen,
        source=source,
        short_names=shorts,
    )
    _write_generated(dump_taxonomy(result), out, check=check, what="the CSVs")


@ddat.command()
@click.option(
    "--out",
    default=DEFAULT_FORM_OUT,
    show_default=True,
    help="Where to write the form ('-': standard output).",
)
@click.option("--check", is_flag=True, help="Fail (exit 1) if --out is not up to date.")
@config_option
def form(out: str, check: bool, config_path: str | None) -> None:
    """Generate the DDaT feedback issue form from the taxonomy (so they never drift)."""
    from ghcommunity.jobs.ddat.form import render_form

    config = load(config_path)
    tax = _local_taxonomy(config)
    text = render_form(tax, config.ddat.feedback_label, config.ddat.taxonomy)
    _write_generated(text, out, check=check, what="the taxonomy")


@ddat.command()
@click.option(
    "--body",
    "body_path",
    required=True,
    help="The issue body: a file, or '-' for standard input.",
)
@click.option("--title", default=None, help="The issue's title (helps spot free-text feedback).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@config_option
def classify(body_path: str, title: str | None, as_json: bool, config_path: str | None) -> None:
    """Read role, level, skills and feedback type from an issue body, as the handler would.

    Prints the framework's names (null or empty when not given), the labels it would apply and
    the problems found: unknown values, missing answers, not a form submission.
    """
    from ghcommunity.jobs.ddat.settings import DdatConfig
    from ghcommunity.jobs.ddat.setup import load_kit

    if body_path == "-":
        body = sys.stdin.read()
    else:
        try:
            body = Path(body_path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"{body_path}: cannot read the body: {exc}") from None
    config = load(config_path)
    kit = load_kit(DdatConfig.of(config), _local_taxonomy(config))
    result = kit.classify(body, title)
    if as_json:
        echo_json(result.to_json())
        return
    click.echo(f"about the framework: {'yes' if result.about_framework else 'no'}")
    click.echo(f"role:   {result.role or '-'}")
    click.echo(f"level:  {result.level or '-'}")
    click.echo(f"skills: {', '.join(result.skills) or '-'}")
    click.echo(f"type:   {result.type or '-'}")
    click.echo(f"labels: {', '.join(result.labels) or '-'}")
    proposed = result.proposed
    if proposed:
        names = [n for n in (proposed.role, proposed.level, *proposed.skills) if n]
        click.echo(f"proposed (to confirm with /ddat ok): {', '.join(names)}")
    if result.proposed_skills:
        click.echo(f"proposed new skills: {', '.join(result.proposed_skills)}")
    for finding in result.findings:
        status = "labelled" if finding.confident else "proposed"
        click.echo(
            f"  {finding.kind} {finding.name!r} from {finding.evidence!r}: "
            f"confidence {finding.confidence:.2f} ({status})"
        )
    for problem in result.problems:
        click.echo(f"{problem.severity}: {problem.kind}: {problem.message}")


# -- the report and its export ---------------------------------------------------------------


def _parse_date(value: str | None, flag: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InputError(f"{flag} {value!r}: expected a date such as 2026-11-01") from None


@ddat.command()
@click.option("--repo", default=None, help="OWNER/REPO (default: the config's repo).")
@click.option("--since", default=None, help="Only feedback opened on or after this date.")
@click.option("--until", default=None, help="Only feedback opened on or before this date.")
@click.option(
    "--state",
    type=click.Choice(["open", "closed", "all"]),
    default="all",
    show_default=True,
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["md", "html", "csv", "csv-skills", "xlsx", "json"]),
    default="md",
    show_default=True,
    help="md: for a discussion or a meeting; html: accessible and printable; csv: one row per "
    "piece of feedback; csv-skills: one row per feedback and skill; xlsx: a workbook (needs "
    "--out); json: for tools.",
)
@click.option(
    "--trend",
    "trend_by",
    type=click.Choice(["month", "quarter"]),
    default="month",
    show_default=True,
    help="The trend's periods.",
)
@click.option(
    "--anonymise",
    is_flag=True,
    help="Drop logins (authors, @mentions in the words) for an audience outside the community.",
)
@click.option(
    "--links/--no-links",
    default=True,
    show_default=True,
    help="Link each piece of feedback to its issue (the framework's owners cannot open a "
    "private repository's links).",
)
@click.option("--out", default=None, help="Write to this file instead of standard output.")
@config_option
@github_options
def report(
    repo: str | None,
    since: str | None,
    until: str | None,
    state: str,
    fmt: str,
    trend_by: str,
    anonymise: bool,
    links: bool,
    out: str | None,
    config_path: str | None,
    api_url: str | None,
    token: str | None,
) -> None:
    """Every piece of DDaT feedback in its own words, with roll-ups for the framework's owners.

    Each piece: its words, type, proposed skill, role, level and skills, department, support
    (👍 and distinct people), status and date. Roll-ups by skill, by role → level → skill, by
    type and by department, and a trend by month or quarter. One GraphQL request per 100
    issues.
    """
    from ghcommunity.jobs.ddat.fetch import fetch_feedback
    from ghcommunity.jobs.ddat.report import Period, build_report
    from ghcommunity.jobs.ddat.report_render import render_bytes
    from ghcommunity.jobs.ddat.setup import context_kit

    if fmt == "xlsx" and not out:
        raise InputError("--format xlsx writes a binary workbook: pass --out FILE.xlsx")

    config = load(config_path)
    target = repo or config.repo
    period = Period(_parse_date(since, "--since"), _parse_date(until, "--until"))
    if period.since and period.until and period.since > period.until:
        raise InputError("--since is after --until")
    github = client(api_url, token)
    # The taxonomy through the Context: the checkout's (the working directory's) file.
    kit = context_kit(job_context(config, github))
    issues = fetch_feedback(
        github,
        target,
        config.ddat.feedback_label,
        state=state,
        since=period.since,
        bot_login=config.community.bot_login,
    )
    result = build_report(
        issues,
        kit,
        repo=target,
        period=period,
        state=state,
        timezone=config.community.timezone,
        departments=config.digest.departments,
        bots=[config.community.bot_login],
        trend_by=trend_by,
        anonymise=anonymise,
        links=links,
    )
    data = render_bytes(result, fmt)
    if out:
        try:
            Path(out).parent.mkdir(parents=True, exist_ok=True)
            Path(out).write_bytes(data)
        except OSError as exc:
            raise OperationalError(f"{out}: cannot write the report: {exc}") from None
        click.echo(f"wrote {out}: {result.total} piece(s) of feedback", err=True)
    else:
        click.echo(data.decode("utf-8"), nl=False)


@ddat.command()
@click.option("--month", default=None, help="YYYY-MM (default: this month).")
@click.option("--repo", default=None, help="OWNER/REPO (default: the config's repo).")
@click.option(
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(["md", "html", "csv", "csv-skills", "xlsx", "json"]),
    help="Formats to put in the pull request (repeat; default: ddat.export_formats). The "
    "Markdown is always there.",
)
@click.option(
    "--anonymise/--no-anonymise",
    default=None,
    help="Without logins (default: ddat.export_anonymise).",
)
@config_option
@github_options
@plan_options
def export(
    month: str | None,
    repo: str | None,
    formats: tuple[str, ...],
    anonymise: bool | None,
    config_path: str | None,
    api_url: str | None,
    token: str | None,
    dry_run: bool,
    as_json: bool,
) -> None:
    """Write the month's report as a dated file through a pull request.

    The file is `ddat.export_path` (e.g. ddat-feedback/2026-11.md) on the branch
    `ddat.export_branch`; rerunning updates the same pull request, and writes nothing when
    nothing changed.
    """
    from ghcommunity.jobs.ddat.job import ExportOptions

    config = load(config_path)
    options = ExportOptions(
        month=_month_text(month),
        formats=list(formats) or None,
        anonymise=anonymise,
        dry_run=dry_run,
    )
    ctx = job_context(config, client(api_url, token))
    run_job_and_print("ddat-export", ctx, options, as_json=as_json, repo=repo)


def _month_text(month: str | None) -> str | None:
    """--month checked as people type it (the export's own message, exit 2)."""
    from ghcommunity.jobs.ddat.export import Month

    return str(Month.parse(month)) if month else None
