"""Issue forms: read a form's YAML, and read back what people answered from an issue's body.

GitHub renders a form submission as Markdown: each answerable field becomes `### <label>`, a
blank line, then the answer (markdown fields never appear). Empty inputs and textareas say
`_No response_`, an empty optional dropdown says `None`, a multi-select joins its choices with
", ", checkboxes list every option as `- [X] label` or `- [ ] label`, and a `render:` textarea is
wrapped in a code fence. People then edit bodies by hand. `parse_body` reads all of that back
into `{field_id: value}` and a list of `Problem`s, and never raises for any body text.

Everything here is pure except `load_form`, `load_forms` and the `FormSource` classes, which
read files (or, for the App, the repo through one GraphQL request).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

import yaml

from ghcommunity.core.errors import InputError
from ghcommunity.core.yamlmarks import Loc, MarkedDocument, load_marked

log = logging.getLogger(__name__)

FieldType = Literal["input", "textarea", "dropdown", "checkboxes", "markdown", "upload"]
FIELD_TYPES: tuple[FieldType, ...] = (
    "input",
    "textarea",
    "dropdown",
    "checkboxes",
    "markdown",
    "upload",
)
_ID = re.compile(r"^[A-Za-z0-9_-]+$")
FORM_SUFFIXES = (".yml", ".yaml")
CHOOSER_NAMES = ("config.yml", "config.yaml")  # the template chooser, not a form

# What GitHub (or a person) writes for "no answer".
NO_ANSWER = frozenset(["_no response_", "*no response*", "none"])

Severity = Literal["error", "info"]


# --------------------------------------------------------------------------------------------
# The form


@dataclass(frozen=True)
class FormField:
    id: str
    type: FieldType
    label: str
    options: tuple[str, ...] = ()  # dropdown options; checkbox option labels
    multiple: bool = False
    required: bool = False
    render: str | None = None
    description: str = ""
    required_options: tuple[str, ...] = ()  # checkboxes that must be ticked
    has_id: bool = True  # False: the id was made from the label (the YAML gave none)

    @property
    def answerable(self) -> bool:
        """Markdown fields are text in the form; they never appear in the body."""
        return self.type != "markdown"

    @property
    def is_list(self) -> bool:
        return self.type in ("dropdown", "checkboxes")

    def empty(self) -> list[str] | None:
        return [] if self.is_list else None


@dataclass(frozen=True)
class IssueForm:
    name: str
    description: str
    title: str | None
    labels: tuple[str, ...]
    fields: tuple[FormField, ...]
    source: str  # the file name, e.g. propose-a-group.yml
    assignees: tuple[str, ...] = ()

    def field(self, field_id: str) -> FormField | None:
        return next((f for f in self.fields if f.id == field_id), None)

    @property
    def answerable(self) -> tuple[FormField, ...]:
        return tuple(f for f in self.fields if f.answerable)


class FormError(InputError):
    """A form file that is not valid YAML or not a valid issue form (file:line:column)."""

    def __init__(self, problems: list[str]) -> None:
        first = problems[0] if problems else "invalid issue form"
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(first + more)
        self.problems = problems


class _Checker:
    """Collects structural problems with their file:line:column."""

    def __init__(self, doc: MarkedDocument, source: str) -> None:
        self.doc = doc
        self.source = source
        self.problems: list[str] = []

    def fail(self, loc: Loc, reason: str, *, key: bool = False) -> None:
        mark = self.doc.locate(loc, prefer_key=key)
        where = ".".join(str(p) if isinstance(p, str) else f"[{p}]" for p in loc)
        where = where.replace(".[", "[")
        self.problems.append(
            f"{self.source}:{mark.line}:{mark.column}: {where + ': ' if where else ''}{reason}"
        )

    def unknown_keys(self, data: Mapping[str, Any], loc: Loc, allowed: Iterable[str]) -> None:
        allowed_set = set(allowed)
        for key in data:
            if key not in allowed_set:
                names = ", ".join(sorted(allowed_set))
                self.fail((*loc, str(key)), f"unknown key (expected one of: {names})", key=True)


def _slug_id(label: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")
    return slug or "field"


def _string_list(value: Any) -> list[str] | None:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return [v.strip() for v in value]
    return None


def parse_form(text: str, source: str, *, strict: bool = False) -> IssueForm:
    """Read an issue form's YAML. Raises FormError naming file:line:column on bad YAML or a
    structure GitHub would reject. `strict` also requires `name` and `description` and rejects
    unknown keys, as GitHub's schema does (`ghcommunity form validate` is strict)."""
    try:
        doc = load_marked(text, source)
    except InputError as exc:
        raise FormError([str(exc)]) from None
    check = _Checker(doc, source)
    data = doc.data
    if not isinstance(data, dict):
        raise FormError([f"{source}:1:1: an issue form is a mapping with 'name' and 'body'"])
    if strict:
        check.unknown_keys(
            data,
            (),
            ("name", "description", "title", "labels", "assignees", "projects", "type", "body"),
        )
    meta: dict[str, str | None] = {}
    for key in ("name", "description", "title"):
        value = data.get(key)
        if value is None:
            if strict and key != "title":
                check.fail((), f"'{key}' is required")
            meta[key] = None
        elif not isinstance(value, str) or not value.strip():
            check.fail((key,), "expected non-empty text")
            meta[key] = None
        else:
            meta[key] = value.strip()
    labels: list[str] = []
    if data.get("labels") is not None:
        parsed = _string_list(data["labels"])
        if parsed is None:
            check.fail(("labels",), "expected a list of label names or a comma-separated text")
        else:
            labels = parsed
    assignees: list[str] = []
    if data.get("assignees") is not None:
        parsed = _string_list(data["assignees"])
        if parsed is None:
            check.fail(("assignees",), "expected a list of logins or a login")
        else:
            assignees = [a.lstrip("@") for a in parsed]

    body = data.get("body")
    fields: list[FormField] = []
    if not isinstance(body, list) or not body:
        check.fail(("body",) if "body" in data else (), "'body' must be a non-empty list of fields")
    else:
        for index, item in enumerate(body):
            made = _parse_field(check, item, index, strict)
            if made is not None:
                fields.append(made)
    fields = _unique_ids(check, fields)
    if check.problems:
        raise FormError(check.problems)
    name = meta["name"] or Path(source).stem
    return IssueForm(
        name=name,
        description=meta["description"] or "",
        title=meta["title"],
        labels=tuple(labels),
        fields=tuple(fields),
        source=Path(source).name,
        assignees=tuple(assignees),
    )


_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "markdown": ("value",),
    "input": ("label", "description", "placeholder", "value"),
    "textarea": ("label", "description", "placeholder", "value", "render"),
    "dropdown": ("label", "description", "multiple", "options", "default"),
    "checkboxes": ("label", "description", "options"),
    "upload": ("label", "description"),
}


def _parse_field(check: _Checker, item: Any, index: int, strict: bool) -> FormField | None:
    loc: Loc = ("body", index)
    if not isinstance(item, dict):
        check.fail(loc, "each field is a mapping with 'type' and 'attributes'")
        return None
    kind = item.get("type")
    if kind not in FIELD_TYPES:
        check.fail(
            (*loc, "type"), f"unknown field type {kind!r} (expected {', '.join(FIELD_TYPES)})"
        )
        return None
    if strict:
        allowed = (
            ("type", "attributes")
            if kind == "markdown"
            else ("type", "id", "attributes", "validations")
        )
        check.unknown_keys(item, loc, allowed)
    attrs = item.get("attributes")
    if not isinstance(attrs, dict):
        check.fail(loc, "'attributes' is required and must be a mapping")
        return None
    if strict:
        check.unknown_keys(attrs, (*loc, "attributes"), _ATTRIBUTES[kind])
    if kind == "markdown":
        value = attrs.get("value")
        if not isinstance(value, str) or not value.strip():
            check.fail((*loc, "attributes", "value"), "a markdown field needs non-empty 'value'")
        return FormField(id=f"_markdown_{index}", type="markdown", label="", has_id=False)
    label = attrs.get("label")
    if not isinstance(label, str) or not label.strip():
        check.fail((*loc, "attributes", "label"), "a field needs a non-empty 'label'")
        return None
    label = " ".join(label.split())
    raw_id = item.get("id")
    has_id = raw_id is not None
    if has_id and (not isinstance(raw_id, str) or not _ID.match(raw_id)):
        check.fail((*loc, "id"), "an id may use only letters, digits, '-' and '_'")
        return None
    validations = item.get("validations") or {}
    required = False
    if not isinstance(validations, dict) or not isinstance(
        validations.get("required", False), bool
    ):
        check.fail((*loc, "validations"), "expected 'validations: {required: true|false}'")
    else:
        required = bool(validations.get("required", False))
    options: list[str] = []
    required_options: list[str] = []
    multiple = False
    render = None
    if kind == "dropdown":
        raw = attrs.get("options")
        if (
            not isinstance(raw, list)
            or not raw
            or not all(isinstance(o, str) and o.strip() for o in raw)
        ):
            check.fail((*loc, "attributes", "options"), "a dropdown needs a list of option texts")
        else:
            options = [str(o).strip() for o in raw]
            if len({o.lower() for o in options}) != len(options):
                check.fail((*loc, "attributes", "options"), "dropdown options must be unique")
        multiple_raw = attrs.get("multiple", False)
        if not isinstance(multiple_raw, bool):
            check.fail((*loc, "attributes", "multiple"), "expected true or false")
        multiple = multiple_raw is True
        default = attrs.get("default")
        if default is not None and (
            not isinstance(default, int)
            or isinstance(default, bool)
            or not 0 <= default < max(len(options), 1)
        ):
            check.fail((*loc, "attributes", "default"), "expected the index of an option")
    elif kind == "checkboxes":
        raw = attrs.get("options")
        if not isinstance(raw, list) or not raw:
            check.fail((*loc, "attributes", "options"), "checkboxes need a list of options")
        else:
            for n, option in enumerate(raw):
                opt_loc = (*loc, "attributes", "options", n)
                if (
                    not isinstance(option, dict)
                    or not isinstance(option.get("label"), str)
                    or not option["label"].strip()
                ):
                    check.fail(opt_loc, "each checkbox option needs a 'label'")
                    continue
                if strict:
                    check.unknown_keys(option, opt_loc, ("label", "required"))
                text = " ".join(option["label"].split())
                options.append(text)
                if option.get("required") is True:
                    required_options.append(text)
    elif kind == "textarea":
        raw_render = attrs.get("render")
        if raw_render is not None:
            if not isinstance(raw_render, str) or not raw_render.strip():
                check.fail((*loc, "attributes", "render"), "expected a language name")
            else:
                render = raw_render.strip()
    description = attrs.get("description")
    return FormField(
        id=raw_id if isinstance(raw_id, str) else _slug_id(label),
        type=kind,
        label=label,
        options=tuple(options),
        multiple=multiple,
        required=required,
        render=render,
        description=description.strip() if isinstance(description, str) else "",
        required_options=tuple(required_options),
        has_id=has_id,
    )


def _unique_ids(check: _Checker, fields: list[FormField]) -> list[FormField]:
    """Explicit ids must be unique (GitHub says so); made-up ids get a suffix if they clash."""
    seen: set[str] = set()
    labels: set[str] = set()
    out: list[FormField] = []
    for index, item in enumerate(fields):
        if not item.answerable:
            out.append(item)
            continue
        key = _heading_key(item.label)
        if key in labels:
            check.fail(
                ("body",), f"two fields have the label {item.label!r}; labels must be unique"
            )
        labels.add(key)
        field_id = item.id
        if item.has_id:
            if field_id in seen:
                check.fail(("body",), f"two fields have the id {field_id!r}")
        else:
            base, n = field_id, 2
            while field_id in seen or any(f.has_id and f.id == field_id for f in fields[index:]):
                field_id = f"{base}_{n}"
                n += 1
        seen.add(field_id)
        out.append(item if field_id == item.id else _replace_id(item, field_id))
    return out


def _replace_id(item: FormField, field_id: str) -> FormField:
    return replace(item, id=field_id)


def load_form(path: str | Path, *, strict: bool = False) -> IssueForm:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise InputError(f"{path}: cannot read the issue form: {reason}") from None
    return parse_form(text, str(path), strict=strict)


def is_form_file(name: str) -> bool:
    lowered = name.lower()
    return lowered.endswith(FORM_SUFFIXES) and lowered not in CHOOSER_NAMES


def load_forms(directory: str | Path, *, errors: list[str] | None = None) -> dict[str, IssueForm]:
    """Every issue form in a directory, by file name. With `errors`, a bad form is skipped and
    its problem appended there (triage keeps working); without, the first bad form raises."""
    directory = Path(directory)
    if not directory.is_dir():
        raise InputError(f"{directory}: no such directory of issue forms")
    forms: dict[str, IssueForm] = {}
    for path in sorted(directory.iterdir()):
        if not path.is_file() or not is_form_file(path.name):
            continue
        try:
            forms[path.name] = load_form(path)
        except InputError as exc:
            if errors is None:
                raise
            errors.append(str(exc))
    return forms


def forms_from_texts(
    texts: Mapping[str, str], *, errors: list[str] | None = None
) -> dict[str, IssueForm]:
    """Forms from file name → YAML text (e.g. read through the API)."""
    forms: dict[str, IssueForm] = {}
    for name in sorted(texts):
        if not is_form_file(name):
            continue
        try:
            forms[name] = parse_form(texts[name], name)
        except InputError as exc:
            if errors is None:
                raise
            errors.append(str(exc))
    return forms


# --------------------------------------------------------------------------------------------
# Reading a body back


@dataclass
class Problem:
    field: str | None  # the field id, or None for the whole body
    kind: str  # missing_required, invalid_option, not_a_form, unknown_heading, ...
    message: str
    severity: Severity = "error"

    def to_json(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "kind": self.kind,
            "severity": self.severity,
            "message": self.message,
        }


Value = str | list[str] | None


@dataclass
class ParsedForm:
    values: dict[str, Value]
    problems: list[Problem]
    from_form: bool
    form: str | None = None  # the form's file name

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    def value(self, field_id: str) -> Value:
        return self.values.get(field_id)

    def to_json(self) -> dict[str, Any]:
        return {
            "form": self.form,
            "from_form": self.from_form,
            "values": dict(self.values),
            "problems": [p.to_json() for p in self.problems],
        }


_FENCE = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
_HEADING = re.compile(r"^ {0,3}###(?P<rest>(?:[ \t].*)?)$")
_CHECKBOX = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s*\[(?P<mark>[ xX]?)\]\s*(?P<label>.*?)\s*$")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")


def _heading_key(text: str) -> str:
    """How headings are compared with labels: case, spacing and a trailing colon don't count."""
    return " ".join(text.split()).rstrip(":").strip().casefold()


def _heading_text(line: str) -> str | None:
    match = _HEADING.match(line)
    if not match:
        return None
    return match["rest"].strip()


def _heading_keys(heading: str) -> tuple[str, ...]:
    """The keys a heading may match: as written, and without an ATX closing sequence
    ("### Title ###"), so a label that really ends in " #" still matches."""
    closed = re.sub(r"(?:^|[ \t]+)#+$", "", heading).strip()
    return (_heading_key(heading), _heading_key(closed))


def _question(by_key: Mapping[str, FormField], heading: str) -> FormField | None:
    for key in _heading_keys(heading):
        if key in by_key:
            return by_key[key]
    return None


def _fences(lines: list[str]) -> list[bool]:
    """For each line, whether it is inside (or delimits) a fenced code block.

    A fence that never closes is treated as text: a person's stray ``` in one answer must not
    swallow every later answer.
    """
    inside = [False] * len(lines)
    i = 0
    while i < len(lines):
        match = _FENCE.match(lines[i])
        if match and not (match["fence"][0] == "`" and "`" in match["info"]):
            char, size = match["fence"][0], len(match["fence"])
            closer = re.compile(rf"^ {{0,3}}{re.escape(char)}{{{size},}}\s*$")
            end = next((j for j in range(i + 1, len(lines)) if closer.match(lines[j])), None)
            if end is not None:
                for j in range(i, end + 1):
                    inside[j] = True
                i = end + 1
                continue
        i += 1
    return inside


def _comment_lines(lines: list[str], fenced: list[bool]) -> list[bool]:
    """For each line, whether it is inside an HTML comment (`<!--` ... `-->` over several
    lines, opened at the start of a line or mid-line): GitHub shows none of it, so a heading
    there is not a question."""
    hidden = [False] * len(lines)
    inside = False
    for index, (line, in_fence) in enumerate(zip(lines, fenced, strict=True)):
        if inside:
            hidden[index] = True
            if "-->" in line:
                inside = False
                rest = line[line.index("-->") + 3 :]
                inside = _opens_comment(rest)
            continue
        if not in_fence and _opens_comment(line):
            inside = True
    return hidden


def _opens_comment(text: str) -> bool:
    """Whether a comment opens in this text and stays open at its end."""
    while "<!--" in text:
        text = text[text.index("<!--") + 4 :]
        if "-->" not in text:
            return True
        text = text[text.index("-->") + 3 :]
    return False


@dataclass
class _Section:
    heading: str
    line: str  # the heading line as written
    body: list[str]


@dataclass
class _Scan:
    preamble: list[str]
    sections: list[_Section]


def _lines(body: str | None) -> list[str]:
    text = (body or "").replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    return text.split("\n")


def _scan(body: str | None, questions: frozenset[str] = frozenset()) -> _Scan:
    """Split a body into the text before the first `###` heading and one section per heading.

    Headings inside code fences are content. With `questions` (heading keys of a form), the
    first heading that asks each question always starts a section, even where a fence opened
    in an earlier answer never closed properly: fences are then matched within each answer.
    """
    lines = _lines(body)
    fenced: list[bool] = []
    hidden = _comment_lines(lines, _fences(lines))
    if questions:
        seen: set[str] = set()
        start = 0
        for index, line in enumerate(lines):
            heading = None if hidden[index] else _heading_text(line)
            keys = [k for k in _heading_keys(heading) if k in questions] if heading else []
            if keys and keys[0] not in seen:
                seen.add(keys[0])
                fenced += _fences(lines[start:index])
                start = index
        fenced += _fences(lines[start:])
    else:
        fenced = _fences(lines)
    scan = _Scan(preamble=[], sections=[])
    for line, in_fence, in_comment in zip(lines, fenced, hidden, strict=True):
        heading = None if in_fence or in_comment else _heading_text(line)
        if heading is not None:
            scan.sections.append(_Section(heading, line, []))
        elif scan.sections:
            scan.sections[-1].body.append(line)
        else:
            scan.preamble.append(line)
    return scan


def _quoted(text: str, limit: int = 100) -> str:
    """Someone's answer, quoted in a reply: cut short (an answer may be a megabyte)."""
    if len(text) <= limit:
        return repr(text)
    return repr(text[:limit]) + f" (and {len(text) - limit:,} more characters)"


def _clean(lines: list[str]) -> str:
    return "\n".join(lines).strip()


def _is_no_answer(text: str) -> bool:
    return text.strip().casefold() in NO_ANSWER or not text.strip()


def _unfence(text: str) -> str:
    """The inside of a value that is exactly one fenced block (a `render:` textarea)."""
    lines = text.split("\n")
    opener = _FENCE.match(lines[0])
    closer = _FENCE.match(lines[-1]) if len(lines) >= 2 else None
    if (
        opener
        and closer
        and closer["fence"][0] == opener["fence"][0]
        and not closer["info"].strip()
    ):
        return "\n".join(lines[1:-1]).strip("\n")
    return text


def split_choices(text: str, options: Iterable[str]) -> list[str]:
    """Split a multi-select's ", "-joined answer using the option list, so an option that itself
    contains ", " survives. Options match without regard to case and spacing; a piece that is no
    option is kept as written (the caller reports it)."""
    known = {_heading_key(o): o for o in options}
    pieces = text.split(", ")
    n = len(pieces)
    # best[i]: (unknown pieces, choices) for pieces[i:], preferring fewer unknowns then fewer
    # (i.e. longer) choices.
    best: list[tuple[int, int, list[str]]] = [(0, 0, [])] * (n + 1)
    for i in range(n - 1, -1, -1):
        candidates = []
        for j in range(i + 1, n + 1):
            piece = ", ".join(pieces[i:j])
            option = known.get(_heading_key(piece))
            unknown, count, rest = best[j]
            if option is not None:
                candidates.append((unknown, count + 1, [option, *rest]))
            elif j == i + 1:
                candidates.append((unknown + 1, count + 1, [piece.strip(), *rest]))
        best[i] = min(candidates, key=lambda c: (c[0], c[1]))
    return [choice for choice in best[0][2] if choice]


def _dropdown(item: FormField, text: str, problems: list[Problem]) -> list[str]:
    # GitHub writes exactly "None" for an unanswered optional dropdown; any other answer that is
    # one of the form's own options (an option called "NONE", say) is that option.
    answer = text.strip()
    if answer in item.options and not (answer == "None" and not item.required):
        return [answer]
    if _is_no_answer(text):
        return []
    known = {_heading_key(o): o for o in item.options}
    # As GitHub writes it: one line, the choices joined by ", ". Read that first, so an option
    # that looks like a list item ("- A") is that option, not "A".
    if "\n" not in answer:
        whole = split_choices(answer, item.options) if item.multiple else [answer]
        if whole and all(_heading_key(c) in known for c in whole):
            return list(dict.fromkeys(known[_heading_key(c)] for c in whole))
    # People sometimes edit the answer into a list, one choice a line.
    lines = [_LIST_ITEM.sub("", line).strip() for line in text.split("\n") if line.strip()]
    chosen: list[str] = []
    for line in lines:
        if item.multiple:
            chosen += split_choices(line, item.options)
        else:
            chosen.append(known.get(_heading_key(line), line))
    chosen = list(dict.fromkeys(chosen))
    invalid = [c for c in chosen if _heading_key(c) not in known]
    for choice in invalid:
        problems.append(
            Problem(
                item.id,
                "invalid_option",
                f"{item.label}: {_quoted(choice)} is not one of the options "
                f"({_quoted(', '.join(item.options), 500)})",
            )
        )
    if not item.multiple and len(chosen) > 1:
        problems.append(
            Problem(item.id, "too_many_choices", f"{item.label}: choose one option, not several")
        )
    return chosen


def _checkboxes(item: FormField, text: str, problems: list[Problem]) -> list[str]:
    known = {_heading_key(o): o for o in item.options}
    ticked: list[str] = []
    for line in text.split("\n"):
        match = _CHECKBOX.match(line)
        if not match or match["mark"].lower() != "x":
            continue
        label = match["label"]
        option = known.get(_heading_key(label))
        if option is None:
            problems.append(
                Problem(
                    item.id,
                    "invalid_option",
                    f"{item.label}: {_quoted(label)} is not one of the options",
                    "info",
                )
            )
            ticked.append(label)
        else:
            ticked.append(option)
    return list(dict.fromkeys(ticked))


def _text(item: FormField, text: str) -> str | None:
    if item.render:
        text = _unfence(text).strip()
    if _is_no_answer(text) or all(
        _FENCE.match(line) or not line.strip() for line in text.split("\n")
    ):
        return None  # nothing, or only an empty code fence
    return text


def _match_sections(scan: _Scan, form: IssueForm) -> tuple[dict[str, list[_Section]], int, int]:
    """Which body sections answer which fields; (by field id, known count, unknown count)."""
    by_key = {_heading_key(f.label): f for f in form.answerable}
    seen: dict[str, list[_Section]] = {}
    known = unknown = 0
    for section in scan.sections:
        item = _question(by_key, section.heading)
        if item is not None and item.id not in seen:
            seen[item.id] = [section]
            known += 1
        else:
            unknown += 1
    return seen, known, unknown


def _looks_like_form(known: int, unknown: int) -> bool:
    return known >= 1 and known >= unknown


def parse_body(
    body: str | None, form: IssueForm, *, also_required: Iterable[str] = ()
) -> ParsedForm:
    """Read the answers from an issue body submitted through `form`. Never raises.

    `also_required` names field ids that must be answered even though the form makes them
    optional (config can ask for more than the form enforces).
    """
    scan = _scan(body)
    _, known, _ = _match_sections(scan, form)
    if known < len(form.answerable):
        # Some questions were not found outside fences: a fence left open in one answer may
        # have run on over later ones. Read again splitting at every question's first heading,
        # and keep that reading only if it finds more of the form.
        questions = frozenset(_heading_key(f.label) for f in form.answerable)
        again = _scan(body, questions)
        if _match_sections(again, form)[1] > known:
            scan = again
    return _assemble(scan, body, form, set(also_required))


def _assemble(
    scan: _Scan, body: str | None, form: IssueForm, also_required: set[str]
) -> ParsedForm:
    values: dict[str, Value] = {f.id: f.empty() for f in form.answerable}
    problems: list[Problem] = []
    if not form.answerable:
        return ParsedForm(values, problems, True, form.source)
    if not (body or "").strip():
        problems.append(Problem(None, "not_a_form", "the issue has no body, so no answers"))
        return ParsedForm(values, problems, False, form.source)
    _, known, unknown = _match_sections(scan, form)
    if not _looks_like_form(known, unknown):
        problems.append(
            Problem(
                None,
                "not_a_form",
                f"the body does not look like the {form.name!r} form: its headings do not match "
                "the form's questions",
            )
        )
        return ParsedForm(values, problems, False, form.source)

    by_key = {_heading_key(f.label): f for f in form.answerable}
    collected: dict[str, list[str]] = {}
    current: str | None = None
    if _clean(scan.preamble):
        problems.append(
            Problem(None, "text_before_form", "there is text before the first question", "info")
        )
    for section in scan.sections:
        item = _question(by_key, section.heading)
        if item is not None and item.id not in collected:
            current = item.id
            collected[current] = list(section.body)
            continue
        # A heading the form does not have (or a repeated one): it belongs to the answer above.
        kind = "duplicate_heading" if item is not None else "unknown_heading"
        problems.append(
            Problem(
                current,
                kind,
                f"the heading {section.heading!r} is not one of the form's questions; "
                "read as part of the answer above it"
                if kind == "unknown_heading"
                else f"the question {section.heading!r} appears twice; the second is read as "
                "part of the answer above it",
                "info",
            )
        )
        if current is not None:
            collected[current] += [section.line, *section.body]

    for item in form.answerable:
        required = item.required or item.id in also_required
        if item.id not in collected:
            if required:
                problems.append(
                    Problem(item.id, "missing_required", f"{item.label}: this question is missing")
                )
            else:
                problems.append(
                    Problem(item.id, "missing_field", f"{item.label}: not in the body", "info")
                )
            continue
        text = _clean(collected[item.id])
        value: Value
        if item.type == "dropdown":
            value = _dropdown(item, text, problems)
        elif item.type == "checkboxes":
            value = _checkboxes(item, text, problems)
            ticked = {_heading_key(v) for v in value}
            for option in item.required_options:
                if _heading_key(option) not in ticked:
                    problems.append(
                        Problem(item.id, "missing_required", f"{item.label}: tick {option!r}")
                    )
        else:
            value = _text(item, text)
        values[item.id] = value
        if required and not value and item.type != "checkboxes":
            problems.append(
                Problem(item.id, "missing_required", f"{item.label}: this question needs an answer")
            )
    return ParsedForm(values, problems, True, form.source)


def detect_form(
    body: str | None, forms: Mapping[str, IssueForm], *, labels: Iterable[str] = ()
) -> IssueForm | None:
    """Which form a body came from, by its headings; None when it came from none of them.

    The form whose questions the body answers best wins; on a tie, one whose labels the issue
    carries (GitHub applies a form's labels on submission), then the form's file name.
    """
    if not (body or "").strip():
        return None
    scan = _scan(body)
    have = {name.lower() for name in labels}
    ranked: list[tuple[float, int, int, str, IssueForm]] = []
    for name, form in forms.items():
        if not form.answerable:
            continue
        _, known, unknown = _match_sections(scan, form)
        if not _looks_like_form(known, unknown):
            continue
        labelled = int(bool(form.labels) and all(lab.lower() in have for lab in form.labels))
        share = known / len(form.answerable)
        ranked.append((-share, -labelled, -known, name, form))
    if not ranked:
        return None
    ranked.sort(key=lambda r: r[:4])
    return ranked[0][4]


# --------------------------------------------------------------------------------------------
# Writing a body (for tests, seeds and the sandbox): what GitHub would render


def render_body(form: IssueForm, answers: Mapping[str, Value]) -> str:
    """The body GitHub renders for these answers (missing answers render as empty)."""
    parts = []
    for item in form.answerable:
        value = answers.get(item.id)
        if item.type == "checkboxes":
            ticked = {_heading_key(v) for v in value or []} if isinstance(value, list) else set()
            text = "\n".join(
                f"- [{'X' if _heading_key(o) in ticked else ' '}] {o}" for o in item.options
            )
        elif item.type == "dropdown":
            chosen = value if isinstance(value, list) else ([value] if value else [])
            text = ", ".join(chosen) if chosen else "None"
        elif item.render:
            text = f"```{item.render}\n{value}\n```" if value else "_No response_"
        else:
            text = str(value) if value else "_No response_"
        parts.append(f"### {item.label}\n\n{text}")
    return "\n\n".join(parts)


# --------------------------------------------------------------------------------------------
# Keeping dropdowns that come from config in step with it (`ghcommunity form render`)


def _flow_scalar(value: str) -> str:
    """A YAML scalar safe both in a block list and inside [ ... ] (quoted only when needed)."""
    dumped = yaml.safe_dump([value], default_flow_style=True, width=10**9, allow_unicode=True)
    return dumped.strip()[1:-1]


def _options_node(root: yaml.Node, field_id: str) -> yaml.Node | None:
    def get(node: yaml.Node, key: str) -> yaml.Node | None:
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if isinstance(k, yaml.ScalarNode) and k.value == key and isinstance(v, yaml.Node):
                    return v
        return None

    body = get(root, "body")
    if not isinstance(body, yaml.SequenceNode):
        return None
    for item in body.value:
        ident = get(item, "id")
        if isinstance(ident, yaml.ScalarNode) and ident.value == field_id:
            attrs = get(item, "attributes")
            return get(attrs, "options") if attrs is not None else None
    return None


def set_dropdown_options(text: str, source: str, options: Mapping[str, list[str]]) -> str:
    """The form's text with the listed dropdowns' options replaced, and nothing else touched:
    comments, order, quoting and layout elsewhere stay exactly as they were.

    Only the lines of each `options:` list are rewritten, so a person can edit a form's wording
    freely while its generated lists stay in step with config.
    """
    form = parse_form(text, source)  # a clear error for a broken form, before editing it
    for field_id in options:
        item = form.field(field_id)
        if item is None or item.type != "dropdown":
            article = "an" if item is not None and item.type[0] in "aeiou" else "a"
            kind = (
                "the form has no such field"
                if item is None
                else f"it is {article} {item.type} field, not a dropdown"
            )
            raise InputError(f"{source}: config generates options for {field_id!r}: {kind}")
    for field_id, values in options.items():
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        node = _options_node(root, field_id) if root is not None else None
        if node is None:
            raise InputError(f"{source}: field {field_id!r} has no 'options' list to replace")
        assert isinstance(node, yaml.SequenceNode)
        if node.flow_style or not node.value:
            new = "[" + ", ".join(_flow_scalar(v) for v in values) + "]"
            text = text[: node.start_mark.index] + new + text[node.end_mark.index :]
            continue
        lines = text.split("\n")
        first = node.start_mark.line
        end = node.value[-1].end_mark
        last = end.line - 1 if end.column == 0 else end.line
        indent = " " * node.start_mark.column
        block = [f"{indent}- {_flow_scalar(v)}" for v in values]
        text = "\n".join([*lines[:first], *block, *lines[last + 1 :]])
    return text
