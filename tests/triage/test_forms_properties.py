"""Property tests: any body, against any form, gives a ParsedForm and never an exception."""

from __future__ import annotations

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ghcommunity.core.forms import FormField, IssueForm, detect_form, parse_body, render_body

# Text that looks like what GitHub and people put in bodies: headings, fences, checkboxes,
# CRLF, the no-answer markers, commas, and arbitrary unicode.
PIECES = st.sampled_from(
    [
        "### ",
        "####",
        "```",
        "~~~",
        "```sh",
        "- [X] ",
        "- [x] ",
        "- [ ] ",
        "- [] ",
        "_No response_",
        "None",
        ", ",
        "\r\n",
        "\n",
        "\n\n",
        "\r",
        " ",
        "#",
        ">",
        "\ufeff",
    ]
)
LABELS = st.sampled_from(
    ["Name", "Details", "Which groups?", "Level", "A, B", "Agree", "x", "C#", "Issue #", "`code`"]
)
BODY_TEXT = st.lists(st.one_of(PIECES, LABELS, st.text(max_size=12)), max_size=40).map("".join)
BODIES = st.one_of(st.none(), st.text(), BODY_TEXT)

OPTION = (
    st.text(alphabet=string.ascii_letters + " ,-", min_size=1, max_size=12)
    .map(str.strip)
    .filter(bool)
)


@st.composite
def forms(draw: st.DrawFn) -> IssueForm:
    count = draw(st.integers(min_value=0, max_value=6))
    labels = draw(
        st.lists(
            LABELS | st.text(min_size=1, max_size=10),
            min_size=count,
            max_size=count,
            unique_by=lambda s: " ".join(s.split()).casefold(),
        )
    )
    fields = []
    for index, label in enumerate(labels):
        kind = draw(
            st.sampled_from(["input", "textarea", "dropdown", "checkboxes", "markdown", "upload"])
        )
        options: tuple[str, ...] = ()
        if kind in ("dropdown", "checkboxes"):
            options = tuple(draw(st.lists(OPTION, min_size=1, max_size=5, unique_by=str.casefold)))
        fields.append(
            FormField(
                id=f"f{index}",
                type=kind,
                label=" ".join(label.split()) or "label",
                options=options,
                multiple=draw(st.booleans()),
                required=draw(st.booleans()),
                render=draw(st.sampled_from([None, "shell"])) if kind == "textarea" else None,
                required_options=options[:1]
                if kind == "checkboxes" and draw(st.booleans())
                else (),
            )
        )
    return IssueForm(
        name="Generated",
        description="",
        title=None,
        labels=(),
        fields=tuple(fields),
        source="generated.yml",
    )


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(body=BODIES, form=forms())
def test_any_body_gives_a_result(body: str | None, form: IssueForm) -> None:
    parsed = parse_body(body, form)
    assert set(parsed.values) == {f.id for f in form.answerable}
    for item in form.answerable:
        value = parsed.values[item.id]
        if item.is_list:
            assert isinstance(value, list)
            assert all(isinstance(v, str) for v in value)
        else:
            assert value is None or (isinstance(value, str) and value.strip())
    for problem in parsed.problems:
        assert problem.severity in ("error", "info")
        assert problem.message
    parsed.to_json()
    detect_form(body, {"generated.yml": form})


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(form=forms(), data=st.data())
def test_what_github_renders_reads_back(form: IssueForm, data: st.DataObject) -> None:
    """A body rendered from answers (without the characters that make Markdown ambiguous)
    parses back to exactly those answers."""
    answers: dict[str, str | list[str] | None] = {}
    safe = (
        st.text(alphabet=string.ascii_letters + string.digits + " .", min_size=1, max_size=20)
        .map(str.strip)
        .filter(lambda s: bool(s) and s.casefold() not in ("none",))
    )
    for item in form.answerable:
        if item.type == "checkboxes":
            answers[item.id] = (
                data.draw(st.lists(st.sampled_from(item.options), unique=True))
                if item.options
                else []
            )
        elif item.type == "dropdown":
            # An optional dropdown's option called exactly "None" reads as no answer: GitHub
            # writes "None" for an unanswered one, so the two cannot be told apart.
            # (GitHub never submits a required dropdown unanswered, so there it is the option.)
            if "None" in item.options and not item.required:
                answers[item.id] = []
            elif "None" in item.options:
                answers[item.id] = data.draw(
                    st.lists(st.sampled_from(item.options), min_size=1, max_size=1)
                )
            elif item.multiple:
                answers[item.id] = data.draw(st.lists(st.sampled_from(item.options), unique=True))
            else:
                answers[item.id] = data.draw(st.lists(st.sampled_from(item.options), max_size=1))
        else:
            answers[item.id] = data.draw(st.none() | safe)
    body = render_body(form, answers)
    parsed = parse_body(body, form)
    if not form.answerable:
        return
    assert parsed.from_form
    for item in form.answerable:
        got = parsed.values[item.id]
        want = answers[item.id]
        if item.type == "checkboxes":
            assert got == [o for o in item.options if o in (want or [])]
        else:
            assert got == want
