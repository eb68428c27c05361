"""A community's template cannot exhaust memory or time: over a limit it fails cleanly."""

from __future__ import annotations

import pytest

from ghcommunity.core import templating
from ghcommunity.core.errors import InputError
from ghcommunity.core.templating import render_user_template

HOSTILE = {
    "a 300 MB string": '{{ "x" * 300000000 }}',
    "300 MB of output": '{% for i in range(3000) %}{{ "x" * 100000 }}{% endfor %}',
    "a 10^8 range": "{% for i in range(100000000) %}{% endfor %}",
    "a wide center": '{{ "x"|center(300000000) }}',
    "a huge power": "{{ 10 ** 100000000 }}",
    "endless recursion": "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}",
    # Inside one filter call, where the output and time checks between pieces never run.
    "a chain of replaces": '{{ "a"|replace("a", "a" * 60)|replace("a", "a" * 60)'
    '|replace("a", "a" * 60)|replace("a", "a" * 60)|replace("a", "a" * 60)|length }}',
    "a wide %-format": '{{ "%0500000000d"|format(1) }}',
    "a wide % operator": '{{ "%0500000000d" % 1 }}',
    "a wide str.format": '{{ "{:>500000000}".format(1) }}',
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_template_over_a_limit_is_a_clean_error(name: str) -> None:
    with pytest.raises(InputError, match=r"notes\.md\.j2: the template is over a limit"):
        render_user_template(HOSTILE[name], {}, name="notes.md.j2")


def test_a_10_to_the_8_loop_is_stopped_by_the_time_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(templating, "TIME_LIMIT", 0.2)
    loop = "{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}"
    with pytest.raises(InputError, match=r"longer than 0\.2 seconds"):
        render_user_template(loop, {}, name="t")


def test_lipsum_is_not_there_to_build_megabytes() -> None:
    with pytest.raises(InputError, match="'lipsum' is undefined"):
        render_user_template("{{ lipsum(n=400000)|length }}", {}, name="t")


def test_ordinary_formats_and_replaces_still_render() -> None:
    text = '{{ "x"|replace("x", "yy") }} {{ "%05d"|format(3) }} {{ "{:>4}".format(1) }} {{ "a %s" % "b" }}'
    assert render_user_template(text, {}) == "yy 00003    1 a b"


def test_ordinary_templates_still_render() -> None:
    text = "{% for i in range(3) %}{{ name|center(7) }}|{% endfor %}{{ 'ab' * 2 }}{{ 2 ** 10 }}"
    assert render_user_template(text, {"name": "x"}) == "   x   |   x   |   x   |abab1024"
