"""What the DDaT job offers the other jobs without their importing it (see core/providers.py):
the taxonomy's labels for `labels sync`, and a reader of role answers for the digest. Each
reads the taxonomy through the Context it is given (`setup.context_kit`)."""

from __future__ import annotations

from collections.abc import Callable

from ghcommunity.config import LabelSpec
from ghcommunity.core.errors import GhcError
from ghcommunity.core.providers import (
    config_check,
    label_source,
    label_source_files,
    role_label_names_provider,
    role_resolver_factory,
)
from ghcommunity.github.context import Context
from ghcommunity.jobs.ddat.labels import Labeller
from ghcommunity.jobs.ddat.resolve import Resolver
from ghcommunity.jobs.ddat.settings import DdatConfig
from ghcommunity.jobs.ddat.setup import context_kit, context_taxonomy


@config_check("ddat")
def check_taxonomy(ctx: Context) -> list[str]:
    """The taxonomy the config names: there, readable, valid, and its labels ours to manage
    (else DDaT feedback goes unlabelled with only a warning in a log)."""
    if not ctx.view(DdatConfig).ddat.enabled:
        return []
    try:
        context_kit(ctx)
    except GhcError as exc:
        return list(getattr(exc, "problems", None) or str(exc).splitlines())
    return []


@label_source_files("ddat")
def ddat_label_files(ctx: Context) -> list[str]:
    """The taxonomy file: a push that changes it (a new short name, a new skill) syncs the
    labels, so the next feedback finds its label ready, coloured and described."""
    section = ctx.view(DdatConfig).ddat
    return [section.taxonomy] if section.enabled else []


@label_source("ddat")
def ddat_labels(ctx: Context, declared: set[str]) -> list[LabelSpec]:
    """Every label the DDaT taxonomy implies, so they exist before the first feedback arrives
    (triage then never has to create one while answering an issue)."""
    config = ctx.view(DdatConfig)
    section = config.ddat
    samples = Labeller.sample_names_for(section.label_prefix, section.feedback_label)
    if not section.enabled or not all(config.labels.owns(name) for name in samples):
        return []  # the DDaT job reports a prefix outside labels.owned itself

    return [
        LabelSpec(
            name=label.name,
            color=label.color,
            description=label.description,
            previously=list(label.previously),
        )
        for label in context_kit(ctx).labeller.all()
        if label.name.lower() not in declared
    ]


@role_resolver_factory("ddat")
def ddat_role_resolver(ctx: Context) -> Callable[[str], str | None] | None:
    """DDaT role answers read against the configured taxonomy; None if there is none to read
    (the digest then counts roles as people wrote them)."""
    try:
        resolver = Resolver(context_taxonomy(ctx))
    except (GhcError, OSError):
        return None

    def resolve(text: str) -> str | None:
        return resolver.resolve("role", text).value

    return resolve


@role_label_names_provider("ddat")
def ddat_role_names(ctx: Context) -> dict[str, str]:
    """DDaT role label names → the framework's names (the DDaT taxonomy's short names)."""
    config = ctx.view(DdatConfig)
    try:
        labeller = context_kit(ctx).labeller
    except (GhcError, OSError):
        return {}
    head = f"{config.ddat.label_prefix}-role: ".lower()
    names: dict[str, str] = {}
    for label in labeller.all():
        if label.kind == "role":
            for name in (label.name, *label.previously):
                if name.lower().startswith(head):
                    names[name[len(head) :].lower()] = label.value
    return names
