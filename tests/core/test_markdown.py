"""Text people gave us, written back into the bot's Markdown, stays their text."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from ghcommunity.core.markdown import code_span

MD = MarkdownIt("commonmark")


def rendered_code(text: str) -> list[str]:
    tokens = MD.parseInline(code_span(text))[0].children or []
    return [t.content for t in tokens if t.type == "code_inline"]


def test_a_backtick_cannot_close_the_span_and_let_mentions_or_links_out() -> None:
    hostile = "/label a` @priya-shah @org/everyone [click](https://evil.example) `b"
    span = code_span(hostile)
    tokens = MD.parseInline(span)[0].children or []
    assert [t.type for t in tokens] == ["code_inline"]
    assert tokens[0].content == hostile


@given(st.text(alphabet=st.sampled_from("ab `@[]()<>*_\\"), min_size=1, max_size=30))
def test_any_text_is_one_code_span_holding_exactly_that_text(text: str) -> None:
    assert rendered_code(text) == [text]
