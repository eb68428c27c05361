"""Filtering, ordering and search over the sandbox's issues and discussions.

REST listing and GraphQL connections share these, and cache their results per repository
version: the 1,000 requests that page through 100,000 issues sort them once, not 1,000 times.
Search understands the qualifiers ghcommunity uses (`repo:`, `org:`, `is:`, `type:`, `state:`,
`label:` (quoted names too, `-label:` to exclude, `no:label`), `author:`, `assignee:`,
`no:assignee`, `commenter:`, `involves:`, `created:`, `updated:`, `closed:`, `merged:`
(`>=2026-10-01`, `<2026-11-01`, `2026-10-01..2026-10-31`, `*..date`), `comments:`
(`>5`, `1..3`), `reason:`, `category:` and `in:title|body|comments`, plus free-text words).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ghcommunity_sandbox.errors import ApiError
from ghcommunity_sandbox.model import Discussion, Issue, Repo, iso
from ghcommunity_sandbox.state import State

_CACHE_SIZE = 64


def cached(
    state: State, repo: Repo, key: tuple[Any, ...], build: Callable[[], list[Any]]
) -> list[Any]:
    """`build()` memoised per repository version (invalidated by any change to the repo)."""
    cache = state.caches.setdefault(("list", repo.id), {})
    hit = cache.get(key)
    if hit is not None and hit[0] == repo.version:
        return hit[1]  # type: ignore[no-any-return]
    value = build()
    if len(cache) >= _CACHE_SIZE:
        cache.pop(next(iter(cache)))
    cache[key] = (repo.version, value)
    return value


# -- REST listing ------------------------------------------------------------------------------


def _since(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return iso(value)
    except ValueError:
        raise ApiError(
            422,
            "Validation Failed",
            errors=[{"resource": "Issue", "field": "since", "code": "invalid"}],
        ) from None


def sort_key(sort: str) -> Callable[[Issue], Any]:
    if sort == "updated":
        return lambda i: (i.updated_at, i.number)
    if sort == "comments":
        return lambda i: (len(i.comments), i.number)
    return lambda i: (i.created_at, i.number)


def list_issues(
    state: State,
    repo: Repo,
    *,
    state_filter: str = "open",
    labels: Sequence[str] = (),
    since: str | None = None,
    sort: str = "created",
    direction: str = "desc",
    creator: str | None = None,
    assignee: str | None = None,
    milestone: str | None = None,
    kind: str = "all",  # all | issue | pull
    mentioned: str | None = None,
) -> list[Issue]:
    """Issues (and pull requests) of a repo as GET /repos/{o}/{r}/issues filters them."""
    if state_filter not in ("open", "closed", "all"):
        raise ApiError(
            422,
            "Validation Failed",
            errors=[{"resource": "Issue", "field": "state", "code": "invalid"}],
        )
    if sort not in ("created", "updated", "comments"):
        sort = "created"
    reverse = direction != "asc"
    since_iso = _since(since)
    wanted_labels = tuple(sorted({lab.strip().lower() for lab in labels if lab.strip()}))
    key = (
        "issues",
        state_filter,
        wanted_labels,
        since_iso,
        sort,
        reverse,
        (creator or "").lower(),
        (assignee or "").lower(),
        milestone or "",
        kind,
        (mentioned or "").lower(),
    )

    def build() -> list[Issue]:
        items: Iterable[Issue] = repo.issues.values()
        if kind == "issue":
            items = (i for i in items if i.pull is None)
        elif kind == "pull":
            items = (i for i in items if i.pull is not None)
        if state_filter != "all":
            items = (i for i in items if i.state == state_filter)
        if since_iso:
            items = (i for i in items if i.updated_at >= since_iso)
        if wanted_labels:
            wanted = set(wanted_labels)
            items = (i for i in items if wanted <= {lab.name.lower() for lab in i.labels})
        if creator:
            who = creator.lower()
            items = (i for i in items if i.user.login.lower() == who)
        if assignee:
            if assignee == "none":
                items = (i for i in items if not i.assignees)
            elif assignee == "*":
                items = (i for i in items if i.assignees)
            else:
                who_a = assignee.lower()
                items = (i for i in items if any(a.login.lower() == who_a for a in i.assignees))
        if milestone:
            if milestone == "none":
                items = (i for i in items if i.milestone is None)
            elif milestone == "*":
                items = (i for i in items if i.milestone is not None)
            else:
                items = (
                    i
                    for i in items
                    if i.milestone is not None and str(i.milestone.number) == milestone
                )
        if mentioned:
            token = "@" + mentioned.lower()
            items = (i for i in items if token in (i.body or "").lower())
        out = list(items)
        if sort == "created" and not since_iso:
            # numbers follow creation in almost every repo; sort only when they do not
            out.sort(key=sort_key(sort), reverse=reverse)
        else:
            out.sort(key=sort_key(sort), reverse=reverse)
        return out

    return cached(state, repo, key, build)


# -- search ------------------------------------------------------------------------------------


@dataclass
class Range:
    lo: Any = None
    lo_incl: bool = True
    hi: Any = None
    hi_incl: bool = True

    def contains(self, value: Any) -> bool:
        if value is None:
            return False
        if self.lo is not None and (value < self.lo or (value == self.lo and not self.lo_incl)):
            return False
        return not (
            self.hi is not None and (value > self.hi or (value == self.hi and not self.hi_incl))
        )


def _date_bounds(text: str) -> tuple[str, str]:
    """(start, end) ISO strings a date or datetime covers."""
    if len(text) == 10:
        return f"{text}T00:00:00Z", f"{text}T23:59:59Z"
    value = iso(text)
    return value, value


def date_range(text: str) -> Range:
    try:
        if ".." in text:
            a, b = text.split("..", 1)
            lo = None if a in ("", "*") else _date_bounds(a)[0]
            hi = None if b in ("", "*") else _date_bounds(b)[1]
            return Range(lo, True, hi, True)
        for op in (">=", "<=", ">", "<"):
            if text.startswith(op):
                start, end = _date_bounds(text[len(op) :])
                return {
                    ">=": Range(lo=start),
                    ">": Range(lo=end, lo_incl=False),
                    "<=": Range(hi=end),
                    "<": Range(hi=start, hi_incl=False),
                }[op]
        start, end = _date_bounds(text)
        return Range(start, True, end, True)
    except ValueError:
        raise _invalid_query(text) from None


def number_range(text: str) -> Range:
    try:
        if ".." in text:
            a, b = text.split("..", 1)
            return Range(
                None if a in ("", "*") else int(a), True, None if b in ("", "*") else int(b)
            )
        for op in (">=", "<=", ">", "<"):
            if text.startswith(op):
                n = int(text[len(op) :])
                return {
                    ">=": Range(lo=n),
                    ">": Range(lo=n, lo_incl=False),
                    "<=": Range(hi=n),
                    "<": Range(hi=n, hi_incl=False),
                }[op]
        n = int(text)
        return Range(n, True, n, True)
    except ValueError:
        raise _invalid_query(text) from None


def _invalid_query(text: str) -> ApiError:
    return ApiError(
        422,
        "Validation Failed",
        errors=[
            {
                "message": f"The search contains an invalid qualifier value: {text!r}.",
                "resource": "Search",
                "field": "q",
                "code": "invalid",
            }
        ],
    )


@dataclass
class SearchQuery:
    repos: list[str] = field(default_factory=list)
    owners: list[str] = field(default_factory=list)
    kind: str | None = None  # issue | pr
    state: str | None = None
    merged: bool | None = None
    labels: list[str] = field(default_factory=list)
    not_labels: list[str] = field(default_factory=list)
    no: set[str] = field(default_factory=set)
    authors: list[str] = field(default_factory=list)
    not_authors: list[str] = field(default_factory=list)
    assignees: list[str] = field(default_factory=list)
    commenters: list[str] = field(default_factory=list)
    involves: list[str] = field(default_factory=list)
    mentions: list[str] = field(default_factory=list)
    created: Range | None = None
    updated: Range | None = None
    closed: Range | None = None
    merged_range: Range | None = None
    comments: Range | None = None
    reason: str | None = None
    category: str | None = None
    answered: bool | None = None
    locked: bool | None = None
    words: list[str] = field(default_factory=list)
    not_words: list[str] = field(default_factory=list)
    within: set[str] = field(default_factory=set)
    sort: str | None = None
    order: str | None = None


_QUALIFIER = re.compile(r"^(-?)([a-z-]+):(.*)$", re.S)


def parse_search(q: str) -> SearchQuery:
    try:
        tokens = shlex.split(q, posix=True)
    except ValueError:
        tokens = q.replace('"', " ").split()
    out = SearchQuery()
    for token in tokens:
        m = _QUALIFIER.match(token)
        if m is None:
            if token.startswith("-") and len(token) > 1:
                out.not_words.append(token[1:].lower())
            elif token.upper() not in ("AND",):
                out.words.append(token.lower())
            continue
        negate, key, value = m.group(1) == "-", m.group(2), m.group(3)
        if key == "repo":
            out.repos.append(value.lower())
        elif key in ("org", "user", "owner"):
            out.owners.append(value.lower())
        elif key in ("is", "type"):
            v = value.lower()
            if v in ("issue",):
                out.kind = "issue"
            elif v in ("pr", "pull-request", "pullrequest"):
                out.kind = "pr"
            elif v in ("open", "closed"):
                out.state = v
            elif v == "merged":
                out.merged = True
            elif v == "unmerged":
                out.merged = False
            elif v == "answered":
                out.answered = True
            elif v == "unanswered":
                out.answered = False
            elif v == "locked":
                out.locked = True
            elif v == "unlocked":
                out.locked = False
        elif key == "state":
            out.state = value.lower()
        elif key == "label":
            names = [n.strip().lower() for n in value.split(",") if n.strip()]
            if negate:
                out.not_labels.extend(names)
            elif names:
                out.labels.append("|".join(names))  # label:a,b means a OR b
        elif key == "no":
            out.no.add(value.lower())
        elif key == "author":
            (out.not_authors if negate else out.authors).append(value.lower())
        elif key == "assignee":
            out.assignees.append(value.lower())
        elif key == "commenter":
            out.commenters.append(value.lower())
        elif key == "involves":
            out.involves.append(value.lower())
        elif key == "mentions":
            out.mentions.append(value.lower())
        elif key == "created":
            out.created = date_range(value)
        elif key == "updated":
            out.updated = date_range(value)
        elif key == "closed":
            out.closed = date_range(value)
        elif key == "merged":
            out.merged_range = date_range(value)
        elif key == "comments":
            out.comments = number_range(value)
        elif key == "reason":
            out.reason = value.lower().replace(" ", "_").replace('"', "")
        elif key == "category":
            out.category = value.lower()
        elif key == "in":
            out.within.update(v.strip().lower() for v in value.split(","))
        elif key == "sort":
            field_name, _, order = value.partition("-")
            out.sort = field_name
            out.order = order or "desc"
        else:
            out.words.append(token.lower())
    return out


def _repos_for(state: State, sq: SearchQuery, visible: Callable[[Repo], bool]) -> list[Repo]:
    repos = list(state.repos.values())
    if sq.repos:
        repos = [r for r in repos if r.full_name.lower() in sq.repos]
    if sq.owners:
        repos = [r for r in repos if r.owner.login.lower() in sq.owners]
    return [r for r in repos if visible(r)]


def _text_match(sq: SearchQuery, title: str, body: str, comments: Callable[[], str]) -> bool:
    if not sq.words and not sq.not_words:
        return True
    within = sq.within or {"title", "body"}
    haystack = ""
    if "title" in within:
        haystack += title.lower() + "\n"
    if "body" in within:
        haystack += body.lower() + "\n"
    if "comments" in within:
        haystack += comments().lower()
    return all(w in haystack for w in sq.words) and not any(w in haystack for w in sq.not_words)


def _labels_match(sq: SearchQuery, names: set[str]) -> bool:
    for wanted in sq.labels:
        if not any(option in names for option in wanted.split("|")):
            return False
    if any(n in names for n in sq.not_labels):
        return False
    return not ("label" in sq.no and names)


def search_issues(
    state: State,
    q: str,
    visible: Callable[[Repo], bool],
    *,
    sort: str | None = None,
    order: str | None = None,
) -> list[Issue]:
    sq = parse_search(q)
    results: list[Issue] = []
    for repo in _repos_for(state, sq, visible):
        for issue in repo.issues.values():
            if sq.kind == "issue" and issue.pull is not None:
                continue
            if sq.kind == "pr" and issue.pull is None:
                continue
            if sq.state and issue.state != sq.state:
                continue
            if sq.merged is not None and (issue.pull is None or issue.pull.merged != sq.merged):
                continue
            if sq.locked is not None and issue.locked != sq.locked:
                continue
            login = issue.user.login.lower()
            if sq.authors and login not in sq.authors:
                continue
            if sq.not_authors and login in sq.not_authors:
                continue
            if (sq.labels or sq.not_labels or "label" in sq.no) and not _labels_match(
                sq, {lab.name.lower() for lab in issue.labels}
            ):
                continue
            assignees = {a.login.lower() for a in issue.assignees}
            if sq.assignees and not all(a in assignees for a in sq.assignees):
                continue
            if "assignee" in sq.no and assignees:
                continue
            if "milestone" in sq.no and issue.milestone is not None:
                continue
            if sq.created and not sq.created.contains(issue.created_at):
                continue
            if sq.updated and not sq.updated.contains(issue.updated_at):
                continue
            if sq.closed and not sq.closed.contains(issue.closed_at):
                continue
            if sq.merged_range and not sq.merged_range.contains(
                issue.pull.merged_at if issue.pull else None
            ):
                continue
            if sq.comments and not sq.comments.contains(len(issue.comments)):
                continue
            if sq.reason and (issue.state_reason or "") != sq.reason:
                continue
            commenters = {c.user.login.lower() for c in issue.comments}
            if sq.commenters and not all(c in commenters for c in sq.commenters):
                continue
            if sq.involves and not all(
                who in commenters
                or who == login
                or who in assignees
                or f"@{who}" in (issue.body or "").lower()
                for who in sq.involves
            ):
                continue
            if sq.mentions and not all(
                f"@{who}" in (issue.body or "").lower() for who in sq.mentions
            ):
                continue
            if not _text_match(sq, issue.title, issue.body or "", _joined(issue.comments)):
                continue
            results.append(issue)
    field_name = sort or sq.sort
    descending = (order or sq.order or "desc") != "asc"
    key: Callable[[Issue], Any]
    if field_name == "comments":
        key = lambda i: (len(i.comments), i.created_at, i.id)  # noqa: E731
    elif field_name == "updated":
        key = lambda i: (i.updated_at, i.id)  # noqa: E731
    elif field_name in ("reactions", "interactions"):
        key = lambda i: (len(i.reactions) + len(i.comments), i.created_at, i.id)  # noqa: E731
    else:
        key = lambda i: (i.created_at, i.id)  # noqa: E731
    results.sort(key=key, reverse=descending)
    return results


def _joined(comments: Sequence[Any]) -> Callable[[], str]:
    """The comments' text, joined only when a search asks for `in:comments`."""
    return lambda: "\n".join(c.body for c in comments)


def search_discussions(state: State, q: str, visible: Callable[[Repo], bool]) -> list[Discussion]:
    sq = parse_search(q)
    results: list[Discussion] = []
    for repo in _repos_for(state, sq, visible):
        for d in repo.discussions.values():
            login = d.user.login.lower()
            if sq.authors and login not in sq.authors:
                continue
            if sq.not_authors and login in sq.not_authors:
                continue
            if sq.state and ("closed" if d.closed else "open") != sq.state:
                continue
            if sq.answered is not None and (d.answer is not None) != sq.answered:
                continue
            if sq.category and sq.category not in (d.category.name.lower(), d.category.slug):
                continue
            if sq.created and not sq.created.contains(d.created_at):
                continue
            if sq.updated and not sq.updated.contains(d.updated_at):
                continue
            if (sq.labels or sq.not_labels) and not _labels_match(
                sq, {lab.name.lower() for lab in d.labels}
            ):
                continue
            if sq.comments and not sq.comments.contains(len(d.comments)):
                continue
            if not _text_match(sq, d.title, d.body, _joined(d.comments)):
                continue
            results.append(d)
    descending = (sq.order or "desc") != "asc"
    if sq.sort == "updated":
        results.sort(key=lambda d: (d.updated_at, d.id), reverse=descending)
    else:
        results.sort(key=lambda d: (d.created_at, d.id), reverse=descending)
    return results
