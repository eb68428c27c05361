"""The monthly digest: a month's figures from the store, and the plan that publishes them as a
discussion, an issue, or a file through a pull request.

`compile_digest` reads the store (the `digest` command and the scheduled digest both call it);
`plan_digest` is pure: the rendered Markdown and the figures in, a Plan out. Every post carries
the month's key (`digest:2026-10`), so publishing the same month again updates the same
discussion, issue or file instead of adding a second one.
"""

from __future__ import annotations

from typing import Literal

from ghcommunity.core.errors import InputError
from ghcommunity.core.plan import (
    CommitFiles,
    CreateDiscussion,
    CreateIssue,
    FileChange,
    OpenPullRequest,
    Plan,
)
from ghcommunity.jobs.digest.figures import Figures
from ghcommunity.jobs.digest.metrics import Supplied
from ghcommunity.jobs.digest.settings import DigestConfig

Target = Literal["discussion", "issue", "file"]
TARGETS: tuple[Target, ...] = ("discussion", "issue", "file")


def parse_supplied(text: str, source: str) -> tuple[Supplied, ...]:
    """Maintainer-supplied figures from the text of a figures file (read from a checkout, or
    from the repository by a door without one)."""
    from pydantic import ValidationError

    from ghcommunity.config import ConfigError, format_errors
    from ghcommunity.config.objectives import SuppliedFigures
    from ghcommunity.core.yamlmarks import YamlError, load_marked

    try:
        doc = load_marked(text, source)
    except YamlError as exc:
        raise ConfigError([str(exc)]) from None
    data = doc.data if doc.data is not None else {}
    if isinstance(data, list):  # a bare list of figures is fine too
        data = {"figures": data}
    try:
        model = SuppliedFigures.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(format_errors(exc, doc, source)) from None
    return tuple(Supplied(f.objective, f.date, f.value, f.source, f.note) for f in model.figures)


def digest_key(month: str) -> str:
    return f"digest:{month}"


def digest_path(config: DigestConfig, month: str) -> str:
    return config.digest.path.replace("{month}", month)


def plan_digest(
    *,
    repo: str,
    month: str,
    title: str,
    markdown: str,
    figures: Figures,
    config: DigestConfig,
    target: Target,
) -> Plan:
    """What to write to publish this month's digest to `target`."""
    key = digest_key(month)
    plan = Plan()
    if target == "discussion":
        plan.add(
            CreateDiscussion(
                repo=repo,
                category=config.digest.discussion_category,
                title=title,
                body=markdown,
                key=key,
            )
        )
    elif target == "issue":
        plan.add(
            CreateIssue(
                repo=repo, title=title, body=markdown, key=key, labels=list(config.digest.labels)
            )
        )
    elif target == "file":
        path = digest_path(config, month)
        branch = config.digest.branch.replace("{month}", month)
        plan.add(
            CommitFiles(
                repo=repo,
                branch=branch,
                message=f"Add the digest for {figures.month_name}",
                files=[FileChange(path=path, content=f"# {title}\n\n{markdown}")],
                if_exists="update",
            ),
            OpenPullRequest(
                repo=repo,
                head=branch,
                title=title,
                body=(
                    f"The community digest for {figures.month_name}, compiled by ghcommunity "
                    f"from the repository's activity: `{path}`.\n\n"
                    "Merge it to publish; running the digest again for this month updates this "
                    "pull request."
                ),
                labels=list(config.digest.labels),
            ),
        )
    else:  # pragma: no cover - the CLI offers only the three targets
        raise InputError(f"unknown digest target {target!r}: expected discussion, issue or file")
    participants = figures.participants
    plan.note(
        f"{figures.month_name}: {participants.active} people took part "
        f"({participants.new} new), {figures.items.opened.total} items opened"
    )
    if not figures.synced_at:
        plan.note("the store has never been synced for this repository: the figures are empty")
    return plan
