"""A job: its name, its options as one pydantic model, and how it runs.

Every door runs a job the same way (`ghcommunity.jobs.runner.run_job`): the CLI from its flags,
the Action from its inputs, the App from a schedule or a `repository_dispatch`'s
`client_payload`. The options are validated here, once, with the same one-line messages
whichever door they came through; each job's `job.py` declares its `Job`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Annotated, Any, ClassVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError

from ghcommunity.core.errors import InputError
from ghcommunity.core.plan import Plan
from ghcommunity.core.timestamps import parse_instant

if TYPE_CHECKING:
    from ghcommunity.github.context import Context

_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_LEAD = re.compile(r"^\s*(\d+)\s*(d|days?|w|weeks?)?\s*$", re.IGNORECASE)


def parse_lead_time(text: str) -> timedelta:
    """A lead time as people write it: '14d', '2w' or '14' (days), at most a year."""
    match = _LEAD.match(text)
    if not match:
        raise ValueError("expected days such as '14d' or weeks such as '2w'")
    number = int(match.group(1))
    unit = (match.group(2) or "d").lower()
    days = number * 7 if unit.startswith("w") else number
    if days > 366:
        raise ValueError("at most a year")
    return timedelta(days=days)


def _strict_bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("expected true or false")
    return value


# A `now` outside these years is nonsense for a job (and near 0001 or 9999 the jobs' own date
# arithmetic would overflow into a crash): refused like any other bad value.
_YEARS = (1970, 2999)


def _instant(value: Any) -> datetime:
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
    else:
        try:
            if not isinstance(value, str):
                raise ValueError(value)
            moment = parse_instant(value)
        except ValueError:
            raise ValueError(
                "expected an ISO date or time such as 2026-11-01 or 2026-11-01T09:00:00Z"
            ) from None
    if not _YEARS[0] <= moment.year <= _YEARS[1]:
        raise ValueError(f"expected a time between the years {_YEARS[0]} and {_YEARS[1]}")
    return moment


def _month(value: Any) -> str:
    if not isinstance(value, str) or not _MONTH.match(value.strip()):
        raise ValueError("expected YYYY-MM, such as 2026-10")
    if not _YEARS[0] <= int(value.strip()[:4]) <= _YEARS[1]:
        raise ValueError(f"expected a month between {_YEARS[0]} and {_YEARS[1]}")
    return value.strip()


def _lead_time(value: Any) -> timedelta:
    if isinstance(value, timedelta):
        return value
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError("expected days such as '14d' or 14")
    return parse_lead_time(str(value))


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("expected a non-empty string")
    return value.strip()


def choice(*allowed: str) -> BeforeValidator:
    def check(value: Any) -> Any:
        if value not in allowed:
            raise ValueError(f"expected one of {', '.join(allowed)}")
        return value

    return BeforeValidator(check)


StrictBool = Annotated[bool, BeforeValidator(_strict_bool)]
Instant = Annotated[datetime, BeforeValidator(_instant)]
MonthText = Annotated[str, BeforeValidator(_month)]
LeadTime = Annotated[timedelta, BeforeValidator(_lead_time)]
Text = Annotated[str, BeforeValidator(_text)]


class JobOptions(BaseModel):
    """What every job takes. A job's own options extend it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # Options a repository_dispatch's client_payload may set; the others (a store, joining
    # details) only a door that owns them sets (the CLI, the Action, the App's settings).
    from_dispatch: ClassVar[frozenset[str]] = frozenset({"dry_run"})

    dry_run: StrictBool = False


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def validate_options(
    options: type[JobOptions],
    values: Mapping[str, Any],
    *,
    source: str,
    allowed: frozenset[str] | None = None,
) -> JobOptions:
    """`values` as the job's options, or InputError naming the first bad one as
    `<source>.<key> <value>: <reason>` (e.g. `client_payload.month '2026-13': expected ...`)."""
    accepted = set(options.model_fields) if allowed is None else set(allowed)
    for key in values:
        if key not in accepted:
            raise InputError(
                f"{source}.{key}: not an option of this job "
                f"(it reads: {', '.join(sorted(accepted))})"
            )
    try:
        return options.model_validate(dict(values))
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        key = ".".join(str(part) for part in error["loc"])
        reason = str(error["msg"]).removeprefix("Value error, ")
        raise InputError(f"{source}.{key} {_show(error.get('input'))}: {reason}") from None


@dataclass
class JobResult:
    """What a job decided: the Plan to apply, details for `--json` and the Action's outputs,
    and (for jobs that make a document: the digest, the audit) the document's text."""

    plan: Plan
    details: dict[str, Any] = field(default_factory=dict)
    text: str | None = None


@dataclass(frozen=True)
class Job:
    """One job, as every door sees it."""

    name: str
    summary: str
    options: type[JobOptions]
    # Reads through the Context, plans, and returns the Plan; it never applies it.
    run: Callable[[Context, Any, str], JobResult]
    # About the community as a whole (meetings, digest, audit, DDaT export): dispatched to
    # another repository of an organisation-wide config, it does nothing.
    community_wide: bool = True
