"""Building the DDaT kit from the config: read the taxonomy (an edge: a file read), check the
labels fall within what ghcommunity owns. The kit is built once per process for a given config
(like the config itself), so handlers and slash commands stay pure."""

from __future__ import annotations

import threading
from pathlib import Path

from ghcommunity.config import Config, ConfigError
from ghcommunity.jobs.ddat.classify import DdatKit
from ghcommunity.jobs.ddat.labels import Labeller
from ghcommunity.jobs.ddat.taxonomy import Taxonomy, load_taxonomy, taxonomy_path

_KITS: dict[tuple[object, ...], DdatKit] = {}
_LOCK = threading.Lock()


def check_ownership(config: Config) -> None:
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


def load_configured_taxonomy(config: Config) -> Taxonomy:
    return load_taxonomy(taxonomy_path(config.ddat.taxonomy))


def load_kit(config: Config, taxonomy: Taxonomy | None = None) -> DdatKit:
    check_ownership(config)
    return DdatKit.build(taxonomy or load_configured_taxonomy(config), config)


def kit_for(config: Config) -> DdatKit:
    """The kit for this config, built on first use and kept while the taxonomy file is
    unchanged (the App serves many events with one config)."""
    path = taxonomy_path(config.ddat.taxonomy)
    try:
        stamp: object = Path(path).stat().st_mtime_ns
    except OSError:
        stamp = None  # load_kit reports the missing file
    key = (
        str(path),
        stamp,
        config.ddat.model_dump_json(),
        config.labels.model_dump_json(),
        config.triage.needs_triage_label,
    )
    with _LOCK:
        found = _KITS.get(key)
    if found is None:
        found = load_kit(config)
        with _LOCK:
            _KITS[key] = found
    return found
