"""Synthetic data for benchmarks: N issues and pull requests (and ~N/10 discussions).

`generate(state, n, seed=S, repo="owner/name")` adds, deterministically for a given seed:
issues and pull requests (about one in seven) spread over the 24 months before the sandbox's
clock, with labels (and their `labeled` events), comments, reactions, reviews, closes and
merges; discussions with comments and replies; and authors from a pool of users whose profile
company names a department, written the ways people write them ("HMRC", "HM Revenue &
Customs", "@hmrc").

Built for size: objects are `__slots__` dataclasses created directly (no per-item webhook or
validation work), titles, bodies and timestamps are drawn from shared pools, and pull requests
share one real head commit. 100,000 items take well under 2 GB.
"""

from __future__ import annotations

import gc
import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from ghcommunity_sandbox.model import (
    REACTIONS,
    Comment,
    Discussion,
    DiscussionCategory,
    DiscussionComment,
    Issue,
    IssueEvent,
    Label,
    Org,
    PullData,
    Reaction,
    Repo,
    Review,
    User,
    iso,
)
from ghcommunity_sandbox.state import State

DEFAULT_END = "2026-11-16T09:00:00Z"

DEPARTMENTS = [
    ["HMRC", "HM Revenue & Customs", "@hmrc", "HM Revenue and Customs"],
    ["DWP", "Department for Work and Pensions", "@DWPDigital"],
    ["Home Office", "@UKHomeOffice", "Home Office DDaT"],
    ["MoJ", "Ministry of Justice", "@ministryofjustice"],
    ["Cabinet Office", "@cabinetoffice"],
    ["GDS", "Government Digital Service", "@alphagov"],
    ["DfE", "Department for Education"],
    ["DVLA", "Driver and Vehicle Licensing Agency"],
    ["Met Office"],
    ["ONS", "Office for National Statistics"],
    ["HM Land Registry", "HMLR"],
    ["Companies House"],
    ["Defra", "Department for Environment, Food & Rural Affairs"],
    ["Environment Agency"],
    ["UKHSA", "UK Health Security Agency"],
    ["Ordnance Survey"],
    ["DSIT"],
    ["Ministry of Defence", "MOD"],
    ["Crown Commercial Service"],
    ["Scottish Government"],
    ["Welsh Government"],
]
FIRST = [
    "Alex",
    "Sam",
    "Priya",
    "Tom",
    "Aisha",
    "Dave",
    "Lucy",
    "Owen",
    "Fatima",
    "James",
    "Ellie",
    "Marcus",
    "Nadia",
    "Gareth",
    "Cerys",
    "Ian",
    "Sophie",
    "Ben",
    "Laura",
    "Chris",
    "Anna",
    "Mohammed",
    "Zoe",
    "Peter",
    "Grace",
    "Daniel",
    "Hannah",
    "Raj",
    "Emma",
    "Liam",
]
LAST = [
    "Shah",
    "Okafor",
    "MacLeod",
    "Rahman",
    "Bello",
    "Jones",
    "Chen",
    "Price",
    "Khan",
    "Wilson",
    "Turner",
    "Reid",
    "Hussain",
    "Evans",
    "Morgan",
    "Fraser",
    "Walker",
    "Harris",
    "Patel",
    "Doyle",
    "Kowalska",
    "Ali",
    "Campbell",
    "Lewis",
    "Obi",
    "Murphy",
    "Scott",
]
LABELS = [
    ("type: group proposal", "1d76db"),
    ("type: talk or event", "5319e7"),
    ("type: agenda item", "fbca04"),
    ("type: resource", "0e8a16"),
    ("type: question or idea", "d4c5f9"),
    ("ddat-feedback", "b60205"),
    ("needs-info", "d93f0b"),
    ("accepted", "0e8a16"),
    ("good first issue", "7057ff"),
    ("group: lean-coffee", "c5def5"),
    ("group: community-facilitators", "c5def5"),
    ("group: sustainable-software", "c5def5"),
    ("group: inclusive-recruitment", "c5def5"),
    ("group: open-source", "c5def5"),
    ("group: heads-of-engineering", "c5def5"),
]
TOPICS = [
    "pair programming",
    "dependency updates",
    "accessibility testing",
    "platform teams",
    "the DDaT framework",
    "open source licences",
    "carbon cost of CI",
    "hiring panels",
    "code review",
    "observability",
    "secure defaults",
    "AI coding assistants",
    "incident reviews",
    "technical debt",
    "onboarding",
    "design systems",
]
KINDS = ["Agenda: ", "Question: ", "Idea: ", "Resource: ", "Talk: ", "DDaT feedback: ", ""]
BODIES = [
    "### Details\n\nCould we talk about {topic} at the next meeting?\n\n### Who will introduce "
    "it?\n\n_No response_",
    "We've been trying {topic} for a few months. Has anyone else? Happy to share notes.",
    "### Role\n\nSoftware developer\n\n### Level\n\nSenior developer\n\n### Skills\n\n"
    "Systems design\n\n### Type of feedback\n\nEmerging need\n\n### Details\n\n{topic}",
    "A link about {topic} that our team found useful.",
    "",
]
COMMENTS = [
    "+1, same here.",
    "Thanks for raising this.",
    "We tried this at our department.",
    "Could you say more about the context?",
    "Added to the next agenda.",
    "Closing as done - thanks all.",
    "Is there a recording?",
    "Happy to help.",
]


def _users(state: State, rng: random.Random, count: int) -> list[User]:
    users = []
    for i in range(count):
        dept = rng.choice(DEPARTMENTS)
        first, last = rng.choice(FIRST), rng.choice(LAST)
        login = f"{first.lower()}-{last.lower()}-{i}"
        company = rng.choice(dept) if rng.random() > 0.05 else None
        users.append(state.add_user(login, name=f"{first} {last}", company=company))
    return users


def generate(
    state: State,
    n: int,
    *,
    seed: int = 0,
    repo: str = "uk-x-gov-software-community/community-space",
    end: str | None = None,
) -> None:
    """Add `n` issues and pull requests (and about n/10 discussions) to `repo`."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    # Building a big object graph with the cyclic collector on makes it re-scan the growing
    # heap again and again; nothing made here is garbage.
    collecting = gc.isenabled()
    gc.disable()
    try:
        _generate(state, n, rng, repo, end)
    finally:
        if collecting:
            gc.enable()


def _generate(state: State, n: int, rng: random.Random, repo: str, end: str | None) -> None:
    with state.lock, state.quiet():
        owner, _, _ = repo.partition("/")
        if state.account(owner) is None:
            state.add_org(owner)
        the_repo = state.repo(repo) or state.add_repo(repo, created_at="2024-01-01T00:00:00Z")
        end_iso = end or state.frozen_now or DEFAULT_END
        end_dt = datetime.strptime(end_iso, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        start_dt = end_dt - timedelta(days=730)
        span = (end_dt - start_dt).total_seconds()
        users = _users(state, rng, max(40, min(3000, n // 25)))
        bot = state.get_user("github-actions[bot]")
        org = state.org(owner)
        if isinstance(org, Org):
            for user in users[: len(users) // 2]:
                org.members.setdefault(user.login.lower(), "member")
        labels: list[Label] = [state.add_label(the_repo, name, color) for name, color in LABELS]
        category_names = ["Announcements", "Ideas", "Q&A"]
        categories = [
            state.add_discussion_category(the_repo, name, answerable=name == "Q&A")
            for name in category_names
        ]

        # one real commit that every synthetic pull request proposes
        base_sha = the_repo.git.refs.get(f"refs/heads/{the_repo.default_branch}")
        head_sha = (
            state.commit_files(
                the_repo,
                {"synthetic/change.md": "A synthetic change.\n"},
                message="A change",
                branch="synthetic",
                create_branch=True,
            )
            if base_sha
            else ""
        )

        times = sorted(rng.random() for _ in range(n))
        stamp_cache: dict[int, str] = {}

        def stamp(offset: float) -> str:
            second = int(offset)
            cached = stamp_cache.get(second)
            if cached is None:
                cached = iso(start_dt + timedelta(seconds=second))
                if len(stamp_cache) < 200_000:
                    stamp_cache[second] = cached
            return cached

        bodies = [b.format(topic=t) for b in BODIES for t in TOPICS]
        titles = [f"{k}{t[0].upper()}{t[1:]}" for k in KINDS for t in TOPICS]
        discussion_every = 10
        number = the_repo.next_number
        for i, fraction in enumerate(times):
            created_s = fraction * span
            created = stamp(created_s)
            author = users[int(rng.paretovariate(1.2)) % len(users)]
            is_pull = rng.random() < 0.15
            if i % discussion_every == discussion_every - 1:
                _discussion(
                    state,
                    the_repo,
                    rng,
                    number,
                    created,
                    created_s,
                    span,
                    stamp,
                    author,
                    users,
                    categories,
                    titles,
                    bodies,
                )
                number += 1
            item = Issue(
                state._new_id(),
                number,
                the_repo,
                rng.choice(titles),
                rng.choice(bodies) or None,
                author,
                created,
                created,
            )
            number += 1
            the_repo.issues[item.number] = item
            state.nodes[item.id] = item
            the_repo.first_item.setdefault(author.login.lower(), item.number)
            if is_pull and base_sha:
                merged = rng.random() < 0.6
                item.pull = PullData(
                    f"synthetic/pr-{item.number}",
                    head_sha,
                    the_repo.default_branch,
                    base_sha,
                    additions=rng.randint(1, 400),
                    deletions=rng.randint(0, 200),
                    changed_files=rng.randint(1, 12),
                    merged=merged,
                )
            last = created_s
            for _ in range(rng.choice((0, 1, 1, 2, 2, 3))):
                label = rng.choice(labels)
                if label not in item.labels:
                    item.labels.append(label)
                    event = IssueEvent(
                        state._new_id(),
                        "labeled",
                        author,
                        created,
                        item,
                        label=(label.name, label.color),
                    )
                    item.events.append(event)
                    the_repo.events.append(event)
            for _ in range(rng.choice((0, 0, 1, 1, 2, 3, 5))):
                last = min(span, last + rng.expovariate(1 / 86400))
                when = stamp(last)
                who = bot if rng.random() < 0.05 else rng.choice(users)
                comment = Comment(state._new_id(), item, who, rng.choice(COMMENTS), when, when)
                item.comments.append(comment)
                the_repo.comments[comment.id] = comment
                state.nodes[comment.id] = comment
            if rng.random() < 0.2:
                item.reactions.append(
                    Reaction(state._new_id(), rng.choice(REACTIONS), rng.choice(users), created)
                )
            if item.pull is not None:
                for _ in range(rng.choice((0, 1, 1, 2))):
                    last = min(span, last + rng.expovariate(1 / 43200))
                    review = Review(
                        state._new_id(),
                        item,
                        rng.choice(users),
                        "",
                        rng.choice(("APPROVED", "COMMENTED", "CHANGES_REQUESTED")),
                        stamp(last),
                        head_sha,
                    )
                    item.pull.reviews.append(review)
            age = span - created_s
            if rng.random() < (0.75 if age > 60 * 86400 else 0.3):
                last = min(span, last + rng.expovariate(1 / (5 * 86400)))
                closed = stamp(last)
                item.state = "closed"
                item.closed_at = closed
                item.closed_by = author
                if item.pull is not None:
                    if item.pull.merged:
                        item.pull.merged_at = closed
                        item.pull.merged_by = author
                        item.pull.merge_commit_sha = head_sha
                else:
                    item.state_reason = "completed" if rng.random() < 0.85 else "not_planned"
                event = IssueEvent(
                    state._new_id(), "closed", author, closed, item, state_reason=item.state_reason
                )
                item.events.append(event)
                the_repo.events.append(event)
            elif item.pull is not None:
                item.pull.merged = False
            item.updated_at = stamp(last)
        the_repo.next_number = number
        the_repo.version += 1
        state.caches.clear()


def _discussion(
    state: State,
    repo: Repo,
    rng: random.Random,
    number: int,
    created: str,
    created_s: float,
    span: float,
    stamp: Callable[[float], str],
    author: User,
    users: list[User],
    categories: list[DiscussionCategory],
    titles: list[str],
    bodies: list[str],
) -> None:
    category = rng.choice(categories)
    d = Discussion(
        state._new_id(),
        number,
        repo,
        category,
        rng.choice(titles),
        rng.choice(bodies),
        author,
        created,
        created,
    )
    repo.discussions[number] = d
    state.nodes[d.id] = d
    last = latest = created_s
    answer_s: list[float] = []
    for _ in range(rng.choice((0, 1, 2, 3))):
        last = min(span, last + rng.expovariate(1 / 86400))
        answer_s.append(last)
        when = stamp(last)
        top = DiscussionComment(
            state._new_id(), d, rng.choice(users), rng.choice(COMMENTS), when, when
        )
        d.comments.append(top)
        state.nodes[top.id] = top
        # people reply some minutes to days after the comment they answer
        reply_s = last + 60 + rng.expovariate(1 / 21600)
        if rng.random() < 0.3 and reply_s <= span:
            reply_when = stamp(reply_s)
            reply = DiscussionComment(
                state._new_id(),
                d,
                rng.choice(users),
                rng.choice(COMMENTS),
                reply_when,
                reply_when,
                reply_to=top,
            )
            top.replies.append(reply)
            state.nodes[reply.id] = reply
            latest = max(latest, reply_s)
        latest = max(latest, last)
    if category.is_answerable and d.comments and rng.random() < 0.5:
        # the author marks an answer some time after it was posted (when that time has come)
        answer = d.comments[0]
        chosen_s = answer_s[0] + 300 + rng.expovariate(1 / 43200)
        if chosen_s <= span:
            d.answer = answer
            d.answer_chosen_at = stamp(chosen_s)
            d.answer_chosen_by = author
            latest = max(latest, chosen_s)
    d.updated_at = stamp(latest)
