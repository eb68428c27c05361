"""`ghcommunity form parse|render|validate`: issue forms from the command line."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
import yaml

from ghcommunity.cli.common import config_option, echo_json
from ghcommunity.config import Config, load_config
from ghcommunity.config.forms import generated_options
from ghcommunity.core.errors import InputError
from ghcommunity.core.forms import (
    CHOOSER_NAMES,
    FormError,
    IssueForm,
    detect_form,
    is_form_file,
    load_form,
    load_forms,
    parse_body,
    set_dropdown_options,
)


@click.group()
def form() -> None:
    """Read issue-form submissions; keep forms in step with the config."""


def _read_body(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise InputError(f"{path}: cannot read the issue body: {reason}") from None


def _forms_dir(forms_dir: str | None, config: Config | None) -> Path:
    if forms_dir:
        return Path(forms_dir)
    if config is not None:
        return Path(config.triage.forms_path)
    raise InputError("no forms directory: pass --forms DIR")


@form.command()
@click.option(
    "--form",
    "form_path",
    type=click.Path(dir_okay=False),
    help="The issue form (YAML) the body was submitted through.",
)
@click.option(
    "--forms",
    "forms_dir",
    type=click.Path(file_okay=False),
    help="Instead of --form: a directory of forms; the body's form is detected.",
)
@click.option(
    "--body", "body_path", required=True, help="The issue body (Markdown); '-' for stdin."
)
@click.option(
    "--with-problems",
    is_flag=True,
    help="Print {form, from_form, values, problems} instead of only {field_id: value}.",
)
def parse(
    form_path: str | None, forms_dir: str | None, body_path: str, with_problems: bool
) -> None:
    """Print the answers in an issue body as JSON: {field_id: value}.

    Text answers are a string or null; dropdowns and checkboxes are lists. A body that did not
    come from the form gives empty answers and says so on stderr (with --with-problems, as a
    "not_a_form" problem); so do missing required answers and values outside the options.
    """
    if bool(form_path) == bool(forms_dir):
        raise InputError("pass either --form FORM.yml or --forms DIR")
    body = _read_body(body_path)
    chosen: IssueForm | None
    if form_path:
        chosen = load_form(form_path)
    else:
        forms = load_forms(_forms_dir(forms_dir, None))
        chosen = detect_form(body, forms)
        if chosen is None:
            if with_problems:
                echo_json(
                    {
                        "form": None,
                        "from_form": False,
                        "values": {},
                        "problems": [
                            {
                                "field": None,
                                "kind": "not_a_form",
                                "severity": "error",
                                "message": f"the body matches none of the forms in {forms_dir}",
                            }
                        ],
                    }
                )
            else:
                echo_json({})
                _note(f"the body matches none of the forms in {forms_dir}")
            return
    parsed = parse_body(body, chosen)
    echo_json(parsed.to_json() if with_problems else parsed.values)
    if not with_problems and parsed.errors:
        # Stdout stays the plain answers; say on stderr that they are not the whole story.
        first = parsed.errors[0].message
        more = len(parsed.errors) - 1
        _note(first + (f" (and {more} more problem(s))" if more else ""))


def _note(message: str) -> None:
    click.echo(f"note: {message}; --with-problems for details", err=True)


def _config_or_none(config_path: str | None, *, required: bool) -> Config | None:
    try:
        return load_config(config_path)
    except InputError:
        if required or config_path:
            raise
        return None


@form.command()
@config_option
@click.option(
    "--forms",
    "forms_dir",
    type=click.Path(file_okay=False),
    help="The forms directory (default: the config's triage.forms_path).",
)
@click.option(
    "--check",
    is_flag=True,
    help="Change nothing; exit 1 if a form's generated options are out of date (for CI).",
)
def render(config_path: str | None, forms_dir: str | None, check: bool) -> None:
    """Rewrite the dropdowns whose options come from config (e.g. the groups), so the forms
    and the config never drift. Only those option lists change; comments and layout stay."""
    config = _config_or_none(config_path, required=True)
    assert config is not None
    directory = _forms_dir(forms_dir, config)
    stale: list[str] = []
    for template, options in generated_options(config).items():
        path = directory / template
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise InputError(f"{path}: cannot read the form: {exc.strerror}") from None
        new = set_dropdown_options(text, str(path), options)
        if new == text:
            continue
        stale.append(str(path))
        if not check:
            path.write_text(new, encoding="utf-8")
    if check:
        if stale:
            for name in stale:
                click.echo(f"{name}: out of date with the config; run `ghcommunity form render`")
            raise click.exceptions.Exit(1)
        click.echo("forms are up to date with the config")
        return
    for name in stale:
        click.echo(f"rendered {name}")
    if not stale:
        click.echo("forms are up to date with the config")


def _check_chooser(path: Path) -> list[str]:
    try:
        data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        return [f"{path}: cannot read the template chooser: {exc}"]
    problems = []
    if not isinstance(data, dict):
        return [f"{path}: expected a mapping with blank_issues_enabled and contact_links"]
    for key in data:
        if key not in ("blank_issues_enabled", "contact_links"):
            problems.append(f"{path}: unknown key {key!r}")
    if "blank_issues_enabled" in data and not isinstance(data["blank_issues_enabled"], bool):
        problems.append(f"{path}: blank_issues_enabled must be true or false")
    for index, link in enumerate(data.get("contact_links") or []):
        if not isinstance(link, dict) or not all(
            isinstance(link.get(k), str) and link.get(k) for k in ("name", "url", "about")
        ):
            problems.append(f"{path}: contact_links[{index}] needs name, url and about")
        elif not str(link["url"]).startswith(("http://", "https://")):
            problems.append(f"{path}: contact_links[{index}].url must start with https://")
    return problems


@form.command()
@config_option
@click.option(
    "--forms",
    "forms_dir",
    type=click.Path(file_okay=False),
    help="The forms directory (default: the config's triage.forms_path).",
)
def validate(config_path: str | None, forms_dir: str | None) -> None:
    """Check every form strictly (as GitHub would), the chooser, and that the config's
    triage.forms match the forms: templates exist, field ids exist, generated options are
    current. Exit 2 with one line per problem."""
    config = _config_or_none(config_path, required=False)
    directory = _forms_dir(forms_dir, config)
    if not directory.is_dir():
        raise InputError(f"{directory}: no such directory of issue forms")
    problems: list[str] = []
    forms: dict[str, IssueForm] = {}
    for path in sorted(directory.iterdir()):
        if path.name.lower() in CHOOSER_NAMES:
            problems += _check_chooser(path)
        elif path.is_file() and is_form_file(path.name):
            try:
                forms[path.name] = load_form(path, strict=True)
            except FormError as exc:
                problems += exc.problems
            except InputError as exc:
                problems.append(str(exc))
    if config is not None:
        for rule in config.triage.forms:
            found = forms.get(rule.template)
            if found is None:
                problems.append(
                    f"{directory / rule.template}: the config's triage.forms lists it, "
                    "but there is no such form"
                )
                continue
            for field_id in [*rule.fields, *rule.required, *rule.compare_with_groups]:
                if found.field(field_id) is None:
                    problems.append(
                        f"{directory / rule.template}: the config names field {field_id!r}, "
                        "which the form does not have"
                    )
        for template, options in generated_options(config).items():
            path = directory / template
            if template not in forms:
                continue
            try:
                text = path.read_text(encoding="utf-8")
                if set_dropdown_options(text, str(path), options) != text:
                    problems.append(
                        f"{path}: options out of date with the config; run `ghcommunity form render`"
                    )
            except InputError as exc:
                problems.append(str(exc))
    if problems:
        raise InputError("\n".join(problems))
    click.echo(f"{directory}: {len(forms)} forms ok")
