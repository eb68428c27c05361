"""Building the DDaT kit: read the taxonomy through the Context (an edge: the checkout's file,
or the repository's through the API in the App), check the labels fall within what ghcommunity
owns. The kit is kept per version of the taxonomy (its blob SHA) and of the config's sections it
depends on, so handlers and slash commands stay pure and an event costs no parse."""

from __future__ import annotations

import threading
from collections import OrderedDict
from functools import cache

from ghcommunity.config import ConfigError
from ghcommunity.core.errors import InputError
from ghcommunity.github.context import Context
from ghcommunity.github.files import RepoFile, blob_sha
from ghcommunity.jobs.ddat.classify import DdatKit
from ghcommunity.jobs.ddat.labels import Labeller
from ghcommunity.jobs.ddat.settings import DdatConfig
from ghcommunity.jobs.ddat.taxonomy import (
    DEFAULT_TAXONOMY,
    MAX_TAXONOMY_BYTES,
    Taxonomy,
    parse_taxonomy,
)

# Kept, least recently used first out: a kit per community the App serves (building one takes
# about 20 ms, parsing the shipped taxonomy as long); taxonomies are often shared (the shipped).
_KEEP = 128
_KITS: OrderedDict[tuple[str, ...], DdatKit] = OrderedDict()
_TAXONOMIES: OrderedDict[str, Taxonomy] = OrderedDict()
_LOCK = threading.Lock()


def check_ownership(config: DdatConfig) -> None:
    """DDaT labels must fall within `labels.owned`, or ghcommunity could never replace one."""
    section = config.ddat
    outside = [
        name
        for name in Labeller.sample_names_for(section.label_prefix, section.feedback_label)
        if not config.labels.owns(name)
    ]
    if outside:
        raise ConfigError(
            [
                f"ddat.label_prefix {section.label_prefix!r} / ddat.feedback_label "
                f"{section.feedback_label!r}: labels such as {outside[0]!r} are not within "
                f"labels.owned ({', '.join(map(repr, config.labels.owned))}); add "
                f"{section.label_prefix!r} to labels.owned"
            ]
        )


def load_kit(config: DdatConfig, taxonomy: Taxonomy) -> DdatKit:
    check_ownership(config)
    return DdatKit.build(taxonomy, config)


@cache
def shipped_taxonomy_file() -> RepoFile:
    """The taxonomy that ships with ghcommunity (for a community that never generated its own)."""
    from ghcommunity.core.resources import reference_file

    path = reference_file("ddat.yml")
    data = path.read_bytes()
    return RepoFile(data.decode("utf-8"), blob_sha(data), f"{path} (shipped with ghcommunity)")


def taxonomy_file(ctx: Context) -> RepoFile:
    """The configured taxonomy's text: `ddat.taxonomy` in the checkout, or in the repository
    through the API when there is no checkout (the App). The default path falls back to the
    copy that ships with ghcommunity; a path someone chose must exist (a typo there is an
    error, not a silent fallback)."""
    configured = ctx.view(DdatConfig).ddat.taxonomy
    try:
        found = ctx.repo_file(configured, max_bytes=MAX_TAXONOMY_BYTES)
    except InputError as exc:
        raise InputError(f"ddat.taxonomy: {exc}") from None
    if found is not None:
        return found
    if configured.strip("/") != DEFAULT_TAXONOMY:
        where = ctx.checkout if ctx.checkout is not None else ctx.view(DdatConfig).repo
        raise InputError(
            f"ddat.taxonomy: {configured} is not in {where}; generate it with "
            "`ghcommunity ddat taxonomy --out " + configured + "` and commit it, or fix the path"
        )
    return shipped_taxonomy_file()


def _parsed(file: RepoFile) -> Taxonomy:
    with _LOCK:
        found = _TAXONOMIES.get(file.sha)
        if found is not None:
            _TAXONOMIES.move_to_end(file.sha)
            return found
    taxonomy = parse_taxonomy(file.text, file.where)
    with _LOCK:
        _TAXONOMIES[file.sha] = taxonomy
        while len(_TAXONOMIES) > _KEEP:
            _TAXONOMIES.popitem(last=False)
    return taxonomy


def context_taxonomy(ctx: Context) -> Taxonomy:
    """The configured taxonomy (parsed once per version of the file)."""
    return _parsed(taxonomy_file(ctx))


def context_kit(ctx: Context) -> DdatKit:
    """The kit for this event's config and taxonomy: built once per taxonomy version (its blob
    SHA) and config, then kept (the App serves many events with one of each)."""

    def build() -> DdatKit:
        config = ctx.view(DdatConfig)
        file = taxonomy_file(ctx)
        key = (
            file.sha,
            config.ddat.model_dump_json(),
            config.labels.model_dump_json(),
            config.triage.needs_triage_label,
        )
        with _LOCK:
            found = _KITS.get(key)
            if found is not None:
                _KITS.move_to_end(key)
                return found
        kit = load_kit(config, _parsed(file))
        with _LOCK:
            _KITS[key] = kit
            while len(_KITS) > _KEEP:
                _KITS.popitem(last=False)
        return kit

    kit: DdatKit = ctx.cached("ddat-kit", build)
    return kit
