"""The digest's figures are one typed model (`ghcommunity.jobs.digest.figures.Figures`).

A month kept in the store by the version before the model (the JSON in fixtures/kept-before-model,
written by `Store.keep_month` of that version, with what it rendered) still loads and renders
byte for byte the same; the model refuses what it does not know; templates see what they saw.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import digest_data as crafted
import pytest
from pydantic import ValidationError
from sqlalchemy import insert

from ghcommunity.config import load_config, parse_config
from ghcommunity.core.errors import InputError
from ghcommunity.core.resources import reference_config
from ghcommunity.core.templating import render_user_template
from ghcommunity.jobs.digest.figures import Figures, Objective, Participants
from ghcommunity.jobs.digest.metrics import compute
from ghcommunity.jobs.digest.read import compile_digest
from ghcommunity.jobs.digest.render import FORMATS, render
from ghcommunity.jobs.digest.store import Store, kept_months

KEPT = Path(__file__).parent / "fixtures" / "kept-before-model"
REPO = "uk-x-gov-software-community/community-space"


def keep_text(url: str, repo: str, month: str, text: str) -> None:
    """A kept month exactly as an earlier version wrote it (its text, not a model)."""
    store = Store(url)
    try:
        with store.engine.begin() as conn:
            conn.execute(
                insert(kept_months).values(
                    repo=repo.lower(), month=month, kept_at="2026-12-06T23:06:18Z", figures=text
                )
            )
    finally:
        store.close()


@pytest.mark.parametrize("name", ["crafted-2026-10", "demo-2026-10"])
def test_a_month_kept_before_the_model_loads_and_dumps_to_the_same_json(name: str) -> None:
    text = (KEPT / f"{name}.json").read_text(encoding="utf-8")
    figures = Figures.model_validate_json(text)
    assert json.dumps(figures.model_dump(mode="json"), sort_keys=True) == text
    # The fields are in the JSON's order: no sorting needed for the same bytes.
    assert json.dumps(figures.model_dump(mode="json")) == text


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_month_kept_before_the_model_renders_byte_for_byte_the_same(fmt: str) -> None:
    figures = Figures.model_validate_json((KEPT / "crafted-2026-10.json").read_text("utf-8"))
    expected = (KEPT / f"crafted-2026-10.{fmt}.out").read_text(encoding="utf-8")
    assert render(figures, fmt, title="Test community digest: October 2026") == expected


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_demos_kept_month_compiles_from_the_store_as_it_did(fmt: str, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    keep_text(url, REPO, "2026-10", (KEPT / "demo-2026-10.json").read_text(encoding="utf-8"))
    figures, title = compile_digest(url, REPO, "2026-10", load_config(reference_config()))
    expected = (KEPT / f"demo-2026-10.{fmt}.out").read_text(encoding="utf-8")
    assert render(figures, fmt, title=title) == expected


def test_keeping_a_month_again_writes_the_same_text(tmp_path: Path) -> None:
    text = (KEPT / "demo-2026-10.json").read_text(encoding="utf-8")
    store = Store(f"sqlite:///{tmp_path / 'store.sqlite'}")
    try:
        store.keep_month(REPO, "2026-10", Figures.model_validate_json(text), datetime.now(UTC))
        with store.engine.begin() as conn:
            again = conn.execute(kept_months.select()).one().figures
    finally:
        store.close()
    assert again == text


def test_computed_figures_equal_the_same_figures_read_back() -> None:
    # Counts stay ints and measures floats both ways (a target of 1000 is not 1000.0).
    figures = compute(crafted.activity(), crafted.SETTINGS, "2026-10")
    assert Figures.model_validate_json(figures.model_dump_json()) == figures
    members = next(o for o in figures.objectives if o.id == "members")
    assert (type(members.value), type(members.target)) == (int, int)


def test_an_unknown_or_missing_figure_is_refused() -> None:
    data = json.loads((KEPT / "crafted-2026-10.json").read_text(encoding="utf-8"))
    with pytest.raises(ValidationError, match=r"participant\n.*Extra inputs are not permitted"):
        Figures.model_validate({**data, "participant": {}})
    del data["participants"]["new"]
    with pytest.raises(ValidationError, match=r"participants\.new\n.*Field required"):
        Figures.model_validate(data)


def test_the_figures_are_frozen() -> None:
    figures = compute(crafted.activity(), crafted.SETTINGS, "2026-10")
    with pytest.raises(ValidationError, match="frozen"):
        figures.participants.new = 99  # type: ignore[misc]
    with pytest.raises(ValidationError, match="literal_error"):
        Objective.model_validate({**figures.objectives[0].model_dump(), "status": "nearly there"})


def test_a_kept_month_this_version_cannot_read_is_a_clear_error(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    data = json.loads((KEPT / "demo-2026-10.json").read_text(encoding="utf-8"))
    del data["participants"]["engaged_12_months"]  # as if kept before that figure existed
    keep_text(url, REPO, "2026-10", json.dumps(data, sort_keys=True))
    with pytest.raises(InputError) as raised:
        compile_digest(url, REPO, "2026-10", load_config(reference_config()))
    assert str(raised.value) == (
        f"the figures kept for {REPO} 2026-10 do not match this version of ghcommunity "
        "(participants.engaged_12_months: Field required); compile that month again with "
        "`ghcommunity digest --month 2026-10 --recompute`"
    )
    # --recompute reads the store's rows instead (none here): no error.
    figures, _ = compile_digest(
        url, REPO, "2026-10", load_config(reference_config()), recompute=True
    )
    assert figures.participants == Participants(
        active=0,
        active_12_months=0,
        attendees_12_months=0,
        deleted_account_contributions=0,
        engaged_12_months=0,
        held_meetings_with_attendance=0,
        new=0,
        returning=0,
    )


def test_a_department_share_baseline_comes_from_the_kept_month(tmp_path: Path) -> None:
    text = reference_config().read_text(encoding="utf-8")
    text = text.replace(
        "    # baseline_month: 2026-01  # set to the month", "    baseline_month: 2026-09  # the"
    )
    config = parse_config(text, "ref.yml")
    september = Figures.model_validate_json((KEPT / "demo-2026-10.json").read_text("utf-8"))
    september = september.model_copy(
        update={
            "month": "2026-09",
            "departments": september.departments.model_copy(update={"share_12_months": 42.5}),
        }
    )
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    store = Store(url)
    store.keep_month(REPO, "2026-09", september, datetime.now(UTC))
    store.close()
    figures, _ = compile_digest(url, REPO, "2026-10", config)
    share = next(o for o in figures.objectives if o.metric == "department_share")
    assert share.note == "0.0% of the 21 departments, from 42.5% in 2026-09"
    assert (share.value, share.change) == (-42.5, -42.5)


# -- what a template sees ------------------------------------------------------------------


def test_a_community_template_still_gets_the_figures_as_dicts_and_lists() -> None:
    # Templates written for the JSON's dicts keep working: .get, items(), dictsort, tojson,
    # `in`, length and subscripts (a model offers none of the first five).
    figures = compute(crafted.activity(), crafted.SETTINGS, "2026-10")
    template = (
        "{{ participants.get('new') }} {{ participants['active'] }} {{ items['opened'].total }}"
        " {% for kind, n in items.opened.items() %}{{ kind }}={{ n }},{% endfor %}"
        " {{ items.opened|dictsort|first|first }} {{ 'new' in participants }}"
        " {{ participants|length }} {{ engagement|tojson }}"
    )
    text = render(figures, "md", title="T", template=template)
    assert text == (
        '3 6 7 discussion=1,issue=5,pull=1,total=7, discussion True 8 {"comments": 8, '
        '"reactions": 3}\n'
    )


def test_the_sandbox_reads_a_model_by_subscript_and_by_attribute() -> None:
    # Should a template ever get the model itself: Jinja's getitem falls back to the attribute
    # (`figures["participants"]["new"]`), and `figures.items` is the field, not dict.items.
    figures = compute(crafted.activity(), crafted.SETTINGS, "2026-10")
    text = render_user_template(
        "{{ figures['participants']['new'] }} {{ figures.items.opened.total }}"
        " {{ figures['items']['opened']['total'] }} {{ figures.trend[-1].label }}",
        {"figures": figures},
        name="t",
    )
    assert text == "3 7 7 Oct 26"
