"""The local store of repo activity: SQLite by default, any SQLAlchemy URL (e.g. PostgreSQL).

`sync` writes one page at a time, each in its own transaction together with its cursor, so a
sync that fails half way continues where it stopped. `metrics` reads plain rows
(`ghcommunity.jobs.digest.activity`) for one month and the months before it.

Times are stored as `YYYY-MM-DDTHH:MM:SSZ` text in UTC: they sort and compare as text in every
database, and cost no time-zone handling in SQL.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError
from sqlalchemy import (
    Column,
    Connection,
    Engine,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    and_,
    create_engine,
    delete,
    event,
    func,
    select,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from ghcommunity.core.errors import InputError, OperationalError
from ghcommunity.jobs.digest.activity import (
    Activity,
    Contribution,
    CountSample,
    Item,
    LabelEvent,
    NoteCommit,
    NoteFile,
    Person,
)
from ghcommunity.jobs.digest.figures import Figures

T = TypeVar("T")

DEFAULT_URL = "sqlite:///.ghcommunity/store.sqlite"
SCHEMA_VERSION = 2  # 2: notes held/attendees, company history, kept months

metadata = MetaData()

items = Table(
    "items",
    metadata,
    Column("repo", String(200), primary_key=True),
    Column("kind", String(12), primary_key=True),
    Column("number", Integer, primary_key=True),
    Column("node_id", String(100)),
    Column("title", Text, nullable=False, default=""),
    Column("url", Text, nullable=False, default=""),
    Column("author", String(100), nullable=False),
    Column("author_type", String(20), nullable=False),
    Column("created_at", String(20), nullable=False),
    Column("updated_at", String(20), nullable=False),
    Column("closed_at", String(20)),
    Column("merged_at", String(20)),
    Column("labels", Text, nullable=False, default="[]"),  # JSON array of names
    Column("department", Text),
    Column("role", Text),
    Column("category", Text),
    Column("answered_at", String(20)),
    Column("reactions", Integer, nullable=False, default=0),
    Index("ix_items_created", "repo", "created_at"),
    Index("ix_items_closed", "repo", "closed_at"),
    Index("ix_items_author", "repo", "author", "created_at"),
    Index("ix_items_department", "repo", "department"),
)

contributions = Table(
    "contributions",
    metadata,
    Column("id", String(100), primary_key=True),  # the GraphQL node id
    Column("repo", String(200), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("item_kind", String(12), nullable=False),
    Column("item_number", Integer, nullable=False),
    Column("author", String(100), nullable=False),
    Column("author_type", String(20), nullable=False),
    Column("created_at", String(20), nullable=False),
    Column("reactions", Integer, nullable=False, default=0),
    Index("ix_contrib_item", "repo", "item_kind", "item_number"),
    # Covering: the month's window reads from the index alone, in time order.
    Index(
        "ix_contrib_created",
        "repo",
        "created_at",
        "item_kind",
        "item_number",
        "kind",
        "author",
        "author_type",
        "reactions",
        "id",
    ),
    Index("ix_contrib_author", "repo", "author", "created_at"),
)

label_events = Table(
    "label_events",
    metadata,
    Column("id", String(100), primary_key=True),
    Column("repo", String(200), nullable=False),
    Column("item_kind", String(12), nullable=False),
    Column("item_number", Integer, nullable=False),
    Column("label", Text, nullable=False),
    Column("action", String(10), nullable=False),
    Column("actor", String(100), nullable=False),
    Column("created_at", String(20), nullable=False),
    Index("ix_label_events_item", "repo", "item_kind", "item_number"),
    Index("ix_label_events_created", "repo", "created_at"),
)

people = Table(
    "people",
    metadata,
    Column("login_key", String(100), primary_key=True),  # lower-case
    Column("login", String(100), nullable=False),
    Column("type", String(20), nullable=False),
    Column("company", Text),
)

notes_files = Table(
    "notes_files",
    metadata,
    Column("repo", String(200), primary_key=True),
    Column("path", String(500), primary_key=True),
    Column("folder", String(500), nullable=False),
    Column("meeting_date", String(10)),
    Column("held", Integer),  # 1 held, 0 the bot's untouched notes, NULL text not read
    Column("attendees", Text),  # JSON list of attendee keys (core.held.attendees): no names
    Index("ix_notes_folder", "repo", "folder"),
)

# Each profile company a person has shown, with when the store first saw it: a past month uses
# the company in force then (the first one seen stands for everything before it).
company_history = Table(
    "company_history",
    metadata,
    Column("login_key", String(100), primary_key=True),
    Column("seen_at", String(20), primary_key=True),
    Column("company", Text, nullable=False),
)

# A month's figures as first compiled once the month was over: compiling it again gives the
# same digest, whatever was synced since.
kept_months = Table(
    "kept_months",
    metadata,
    Column("repo", String(200), primary_key=True),
    Column("month", String(7), primary_key=True),
    Column("kept_at", String(20), nullable=False),
    Column("figures", Text, nullable=False),
)

notes_commits = Table(
    "notes_commits",
    metadata,
    Column("repo", String(200), primary_key=True),
    Column("folder", String(500), primary_key=True),
    Column("oid", String(40), primary_key=True),
    Column("committed_at", String(20), nullable=False),
    Column("author", String(100)),
)

counts = Table(
    "counts",
    metadata,
    Column("scope", String(200), primary_key=True),  # e.g. the organisation's login
    Column("metric", String(50), primary_key=True),
    Column("at", String(20), primary_key=True),
    Column("value", Integer, nullable=False),
)

sync_state = Table(
    "sync_state",
    metadata,
    Column("repo", String(200), primary_key=True),
    Column("resource", String(200), primary_key=True),
    Column("watermark", String(20)),  # newest updatedAt fully synced
    Column("pass_top", String(20)),  # newest updatedAt seen by the pass under way
    Column("cursor", Text),  # where the pass under way continues
    Column("finished_at", String(20)),
)

store_meta = Table(
    "store_meta",
    metadata,
    Column("key", String(50), primary_key=True),
    Column("value", Text, nullable=False),
)


def to_text(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def from_text(value: str | None) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(value)  # Python 3.11 reads the trailing Z


def _when(value: str) -> datetime:
    parsed = from_text(value)
    assert parsed is not None
    return parsed


@dataclass
class SyncState:
    """Where the sync of one resource (e.g. issues) stands."""

    watermark: str | None = None
    pass_top: str | None = None
    cursor: str | None = None
    finished_at: str | None = None


@dataclass
class Page:
    """One page of fetched activity, written in one transaction."""

    items: list[tuple[Item, str]]  # (item, its updatedAt)
    contributions: list[Contribution]
    label_events: list[LabelEvent]
    people: list[Person]


def _item_row(repo: str, item: Item, updated_at: str) -> dict[str, Any]:
    return {
        "repo": repo,
        "kind": item.kind,
        "number": item.number,
        "title": item.title,
        "url": item.url,
        "author": item.author,
        "author_type": item.author_type,
        "created_at": to_text(item.created_at),
        "updated_at": updated_at,
        "closed_at": to_text(item.closed_at),
        "merged_at": to_text(item.merged_at),
        "labels": json.dumps(list(item.labels), ensure_ascii=False),
        "department": item.department,
        "role": item.role,
        "category": item.category,
        "answered_at": to_text(item.answered_at),
        "reactions": item.reactions,
    }


ITEM_COLUMNS = (
    "kind", "number", "title", "url", "author", "author_type", "created_at", "closed_at",
    "merged_at", "labels", "department", "role", "category", "answered_at", "reactions",
)  # fmt: skip


def _item_from(row: Any) -> Item:
    # Rows unpack positionally (ITEM_COLUMNS order): twice as fast as reading by name.
    (
        kind, number, title, url, author, author_type, created, closed, merged, labels,
        department, role, category, answered, reactions,
    ) = row  # fmt: skip
    return Item(
        kind=kind,
        number=number,
        title=title,
        url=url,
        author=author,
        author_type=author_type,
        created_at=datetime.fromisoformat(created),
        closed_at=datetime.fromisoformat(closed) if closed else None,
        merged_at=datetime.fromisoformat(merged) if merged else None,
        labels=tuple(json.loads(labels)) if labels and labels != "[]" else (),
        department=department,
        role=role,
        category=category,
        answered_at=datetime.fromisoformat(answered) if answered else None,
        reactions=reactions or 0,
    )


CONTRIBUTION_COLUMNS = (
    "id", "kind", "item_kind", "item_number", "author", "author_type", "created_at", "reactions",
)  # fmt: skip


def _contributions_from(rows: Iterable[Any]) -> list[Contribution]:
    # The hot loop of a digest (10⁵ rows): positional, no per-row function call.
    when = datetime.fromisoformat
    return [
        Contribution(node_id, kind, item_kind, number, author, author_type, when(at), r or 0)
        for node_id, kind, item_kind, number, author, author_type, at, r in rows
    ]


LABEL_EVENT_COLUMNS = ("id", "item_kind", "item_number", "label", "action", "actor", "created_at")


def _label_event_cols() -> list[Any]:
    return [label_events.c[name] for name in LABEL_EVENT_COLUMNS]


def _label_event_from(row: Any) -> LabelEvent:
    node_id, item_kind, number, label, action, actor, at = row
    return LabelEvent(node_id, item_kind, number, label, action, actor, _when(at))


def _item_cols() -> list[Any]:
    return [items.c[name] for name in ITEM_COLUMNS]


def _contribution_cols() -> list[Any]:
    return [contributions.c[name] for name in CONTRIBUTION_COLUMNS]


def _by_kind(keys: Iterable[tuple[str, int]]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for kind, number in keys:
        out.setdefault(kind, []).append(number)
    return out


def _chunks(numbers: list[int], size: int = 500) -> Iterator[list[int]]:
    numbers = sorted(numbers)
    for index in range(0, len(numbers), size):
        yield numbers[index : index + size]


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets a reader (a digest) run while a sync writes; NORMAL is safe with WAL.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def create_store_engine(url: str) -> Engine:
    """An engine for a store URL; a SQLite file's folder is created if needed."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise InputError(
            f"--store {url!r} is not a database URL: expected e.g. {DEFAULT_URL} "
            "or postgresql://user@host/db"
        ) from None
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            try:
                Path(database).parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise InputError(f"--store {url!r}: cannot create its folder: {exc}") from None
    try:
        engine = create_engine(url)
    except (ArgumentError, ImportError) as exc:
        raise InputError(f"--store {url!r}: {exc}") from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


class Store:
    def __init__(self, url: str = DEFAULT_URL, *, engine: Engine | None = None) -> None:
        self.url = url
        self.engine = engine or create_store_engine(url)
        try:
            metadata.create_all(self.engine)
            with self.engine.begin() as conn:
                found = conn.execute(
                    select(store_meta.c.value).where(store_meta.c.key == "schema")
                ).scalar()
                if found is None:
                    conn.execute(
                        store_meta.insert().values(key="schema", value=str(SCHEMA_VERSION))
                    )
                elif found != str(SCHEMA_VERSION):
                    raise OperationalError(
                        f"the store at {url} has schema version {found}, this ghcommunity "
                        f"expects {SCHEMA_VERSION}: delete it (it is a cache) and sync again"
                    )
        except SQLAlchemyError as exc:
            raise OperationalError(
                f"cannot open the store at {url}: {exc.__class__.__name__}: "
                f"{str(exc).splitlines()[0]}"
            ) from None

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def _tx(self) -> Iterator[Connection]:
        try:
            with self.engine.begin() as conn:
                yield conn
        except SQLAlchemyError as exc:
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise OperationalError(f"the store at {self.url} failed: {first}") from None

    # -- writing ---------------------------------------------------------------------------

    def _upsert(
        self, conn: Connection, table: Table, rows: Sequence[dict[str, Any]], keys: Sequence[str]
    ) -> None:
        if not rows:
            return
        name = conn.dialect.name
        if name in ("sqlite", "postgresql"):
            from sqlalchemy.dialects import postgresql, sqlite

            # Both dialects spell an upsert the same way: ON CONFLICT (keys) DO UPDATE.
            stmt: Any = (sqlite.insert if name == "sqlite" else postgresql.insert)(table)
            others = [c.name for c in table.columns if c.name not in keys]
            stmt = (
                stmt.on_conflict_do_update(
                    index_elements=list(keys),
                    set_={c: stmt.excluded[c] for c in others},
                )
                if others
                else stmt.on_conflict_do_nothing(index_elements=list(keys))
            )
            conn.execute(stmt, list(rows))
            return
        # Any other database: delete then insert, in the same transaction.
        for row in rows:
            conn.execute(delete(table).where(and_(*(table.c[k] == row[k] for k in keys))))
        conn.execute(table.insert(), list(rows))

    def save_page(self, repo: str, resource: str, page: Page, state: SyncState) -> None:
        """Write a page of items with their comments and label events, and the sync state.

        An item's comments and label events are replaced as a whole (the page holds all of
        them), so a deleted comment disappears from the store too.
        """
        repo = repo.lower()
        with self._tx() as conn:
            by_kind: dict[str, list[int]] = {}
            for item, _ in page.items:
                by_kind.setdefault(item.kind, []).append(item.number)
            for kind, numbers in by_kind.items():
                for table in (contributions, label_events):
                    conn.execute(
                        delete(table).where(
                            table.c.repo == repo,
                            table.c.item_kind == kind,
                            table.c.item_number.in_(numbers),
                        )
                    )
            self._upsert(
                conn,
                items,
                [_item_row(repo, item, updated) for item, updated in page.items],
                ("repo", "kind", "number"),
            )
            self._upsert(
                conn,
                contributions,
                [
                    {
                        "id": c.id,
                        "repo": repo,
                        "kind": c.kind,
                        "item_kind": c.item_kind,
                        "item_number": c.item_number,
                        "author": c.author,
                        "author_type": c.author_type,
                        "created_at": to_text(c.created_at),
                        "reactions": c.reactions,
                    }
                    for c in _unique(page.contributions, lambda c: c.id)
                ],
                ("id",),
            )
            self._upsert(
                conn,
                label_events,
                [
                    {
                        "id": e.id,
                        "repo": repo,
                        "item_kind": e.item_kind,
                        "item_number": e.item_number,
                        "label": e.label,
                        "action": e.action,
                        "actor": e.actor,
                        "created_at": to_text(e.created_at),
                    }
                    for e in _unique(page.label_events, lambda e: e.id)
                ],
                ("id",),
            )
            self._save_people(conn, page.people)
            self._save_state(conn, repo, resource, state)

    def _save_people(self, conn: Connection, found: Iterable[Person]) -> None:
        rows = {
            p.login.lower(): {
                "login_key": p.login.lower(),
                "login": p.login,
                "type": p.type,
                "company": p.company,
            }
            for p in found
        }
        self._upsert(conn, people, list(rows.values()), ("login_key",))
        self._save_companies(conn, rows)

    def _save_companies(self, conn: Connection, rows: dict[str, dict[str, Any]]) -> None:
        """Add a company_history row when a person's profile company differs from the one
        last seen (dated now: GitHub does not say when a profile changed)."""
        shown = {k: r["company"].strip() for k, r in rows.items() if (r["company"] or "").strip()}
        if not shown:
            return
        latest: dict[str, str] = {}
        keys = sorted(shown)
        for start in range(0, len(keys), 500):
            for row in conn.execute(
                select(company_history)
                .where(company_history.c.login_key.in_(keys[start : start + 500]))
                .order_by(company_history.c.seen_at)
            ):
                latest[row.login_key] = row.company
        now = to_text(datetime.now(UTC))
        new = [
            {"login_key": k, "seen_at": now, "company": c}
            for k, c in shown.items()
            if latest.get(k) != c
        ]
        self._upsert(conn, company_history, new, ("login_key", "seen_at"))

    # -- months kept as first compiled -------------------------------------------------------

    def kept_month(self, repo: str, month: str) -> Figures | None:
        """The figures kept for a month when it was first compiled, if it was."""
        with self._tx() as conn:
            found = conn.execute(
                select(kept_months.c.figures).where(
                    kept_months.c.repo == repo.lower(), kept_months.c.month == month
                )
            ).scalar()
        if found is None:
            return None
        try:
            return Figures.model_validate_json(found)
        except ValidationError as exc:
            # Kept by a version of ghcommunity whose figures differ: say so, never guess.
            problem = exc.errors()[0]
            where = ".".join(str(part) for part in problem["loc"]) or "the figures"
            raise InputError(
                f"the figures kept for {repo} {month} do not match this version of ghcommunity "
                f"({where}: {problem['msg']}); compile that month again with "
                f"`ghcommunity digest --month {month} --recompute`"
            ) from None

    def keep_month(self, repo: str, month: str, figures: Figures, at: datetime) -> None:
        with self._tx() as conn:
            self._upsert(
                conn,
                kept_months,
                [
                    {
                        "repo": repo.lower(),
                        "month": month,
                        "kept_at": to_text(at),
                        # Sorted, as every version has kept them (the fields are in order).
                        "figures": json.dumps(figures.model_dump(mode="json"), sort_keys=True),
                    }
                ],
                ("repo", "month"),
            )

    def _save_state(self, conn: Connection, repo: str, resource: str, state: SyncState) -> None:
        self._upsert(
            conn,
            sync_state,
            [
                {
                    "repo": repo.lower(),
                    "resource": resource,
                    "watermark": state.watermark,
                    "pass_top": state.pass_top,
                    "cursor": state.cursor,
                    "finished_at": state.finished_at,
                }
            ],
            ("repo", "resource"),
        )

    def save_state(self, repo: str, resource: str, state: SyncState) -> None:
        with self._tx() as conn:
            self._save_state(conn, repo, resource, state)

    def state(self, repo: str, resource: str) -> SyncState:
        with self._tx() as conn:
            row = conn.execute(
                select(sync_state).where(
                    sync_state.c.repo == repo.lower(), sync_state.c.resource == resource
                )
            ).first()
        if row is None:
            return SyncState()
        return SyncState(row.watermark, row.pass_top, row.cursor, row.finished_at)

    def states(self, repo: str) -> dict[str, SyncState]:
        with self._tx() as conn:
            rows = conn.execute(select(sync_state).where(sync_state.c.repo == repo.lower()))
            return {
                r.resource: SyncState(r.watermark, r.pass_top, r.cursor, r.finished_at)
                for r in rows
            }

    def forget(self, repo: str) -> None:
        """Drop the sync state of a repo, so the next sync starts again from the beginning."""
        with self._tx() as conn:
            conn.execute(delete(sync_state).where(sync_state.c.repo == repo.lower()))

    def save_notes(
        self,
        repo: str,
        folder: str,
        files: list[NoteFile] | None,
        commits: list[NoteCommit],
        state: SyncState | None = None,
    ) -> None:
        """Replace a folder's file list (when given) and add the commits that touched it."""
        repo = repo.lower()
        with self._tx() as conn:
            if files is not None:
                conn.execute(
                    delete(notes_files).where(
                        notes_files.c.repo == repo, notes_files.c.folder == folder
                    )
                )
                self._upsert(
                    conn,
                    notes_files,
                    [
                        {
                            "repo": repo,
                            "path": f.path,
                            "folder": folder,
                            "meeting_date": f.meeting_date.isoformat() if f.meeting_date else None,
                            "held": None if f.held is None else int(f.held),
                            "attendees": json.dumps(list(f.attendees)) if f.attendees else None,
                        }
                        for f in _unique(files, lambda f: f.path)
                    ],
                    ("repo", "path"),
                )
            self._upsert(
                conn,
                notes_commits,
                [
                    {
                        "repo": repo,
                        "folder": folder,
                        "oid": c.oid,
                        "committed_at": to_text(c.committed_at),
                        "author": c.author,
                    }
                    for c in _unique(commits, lambda c: c.oid)
                ],
                ("repo", "folder", "oid"),
            )
            if state is not None:
                self._save_state(conn, repo, f"notes:{folder}", state)

    def record_count(self, scope: str, metric: str, at: datetime, value: int) -> None:
        with self._tx() as conn:
            self._upsert(
                conn,
                counts,
                [{"scope": scope.lower(), "metric": metric, "at": to_text(at), "value": value}],
                ("scope", "metric", "at"),
            )

    # -- reading ---------------------------------------------------------------------------

    def activity(self, repo: str, start: datetime, end: datetime) -> Activity:
        """What the digest needs for [start, end): the items alive or touched in the window,
        their comments (in the window, and earlier ones on items still alive in it), label
        events in the window and, on the window's items, those after it (to read their labels
        as they were at the end), and each person's first contribution ever.

        Each read is a range scan on an index; no query joins or ORs across tables, so a store
        of 100,000 items reads in about a second."""
        return self._activity(repo.lower(), start, end)

    def _activity(self, repo: str, start: datetime, end: datetime) -> Activity:
        start_t, end_t = to_text(start), to_text(end)
        with self._tx() as conn:
            found: dict[tuple[str, int], Item] = {}
            for query in (
                # opened in the window
                select(*_item_cols()).where(
                    items.c.repo == repo, items.c.created_at >= start_t, items.c.created_at < end_t
                ),
                # opened before it, closed in it or later
                select(*_item_cols()).where(
                    items.c.repo == repo, items.c.closed_at >= start_t, items.c.created_at < start_t
                ),
                # opened before it, still open
                select(*_item_cols()).where(
                    items.c.repo == repo, items.c.closed_at.is_(None), items.c.created_at < start_t
                ),
            ):
                for row in conn.execute(query).all():  # one fetchall, not a fetch per row
                    item = _item_from(row)
                    found[item.key] = item
            older = {key for key, item in found.items() if item.created_at < start}
            contribs = _contributions_from(
                conn.execute(
                    select(*_contribution_cols()).where(
                        contributions.c.repo == repo,
                        contributions.c.created_at >= start_t,
                        contributions.c.created_at < end_t,
                    )
                ).all()
            )
            # One range scan from the window's start on: the events in the window, and those
            # after it (on the window's items, kept below) that undo later label changes.
            events: list[LabelEvent] = []
            later_rows: list[Any] = []
            for row in conn.execute(
                select(*_label_event_cols()).where(
                    label_events.c.repo == repo, label_events.c.created_at >= start_t
                )
            ).all():
                if row[6] < end_t:
                    events.append(_label_event_from(row))
                else:
                    later_rows.append(row)
            # Items closed before the window but commented on or labelled in it.
            touched = {(c.item_kind, c.item_number) for c in contribs} | {
                (e.item_kind, e.item_number) for e in events
            }
            for kind, numbers in _by_kind(touched - found.keys()).items():
                for chunk in _chunks(numbers):
                    for row in conn.execute(
                        select(*_item_cols()).where(
                            items.c.repo == repo, items.c.kind == kind, items.c.number.in_(chunk)
                        )
                    ).all():
                        item = _item_from(row)
                        found[item.key] = item
            # Earlier comments on items still alive in the window: was an old item answered?
            for kind, numbers in _by_kind(older).items():
                for chunk in _chunks(numbers):
                    contribs.extend(
                        _contributions_from(
                            conn.execute(
                                select(*_contribution_cols()).where(
                                    contributions.c.repo == repo,
                                    contributions.c.item_kind == kind,
                                    contributions.c.item_number.in_(chunk),
                                    contributions.c.created_at < start_t,
                                )
                            ).all()
                        )
                    )
            later = [_label_event_from(row) for row in later_rows if (row[1], row[2]) in found]
            first_seen = self._first_seen(conn, repo)
            departments: dict[str, str] = {}
            for row in conn.execute(
                select(items.c.author, items.c.department)
                .where(
                    items.c.repo == repo,
                    items.c.department.is_not(None),
                    items.c.created_at < end_t,  # the answer in force at the month's end
                )
                .order_by(items.c.created_at)
            ):
                departments[row.author.lower()] = row.department  # the latest answer wins
            companies: dict[str, list[tuple[datetime, str]]] = {}
            for row in conn.execute(
                select(company_history).order_by(
                    company_history.c.login_key, company_history.c.seen_at
                )
            ):
                companies.setdefault(row.login_key, []).append((_when(row.seen_at), row.company))
            persons = {
                row.login_key: Person(row.login, row.type, row.company)
                for row in conn.execute(select(people))
            }
            notes = [
                _note_from(row)
                for row in conn.execute(select(notes_files).where(notes_files.c.repo == repo))
            ]
            commits = [
                NoteCommit(row.folder, row.oid, _when(row.committed_at), row.author)
                for row in conn.execute(select(notes_commits).where(notes_commits.c.repo == repo))
            ]
            owner = repo.split("/", 1)[0]
            samples = [
                CountSample(row.metric, _when(row.at), row.value)
                for row in conn.execute(
                    select(counts).where(counts.c.scope == owner).order_by(counts.c.at)
                )
            ]
            synced = conn.execute(
                select(func.max(sync_state.c.finished_at)).where(sync_state.c.repo == repo)
            ).scalar()
        return Activity(
            repo=repo,
            items=[found[key] for key in sorted(found)],
            contributions=contribs,
            label_events=events,
            later_label_events=later,
            people=persons,
            first_seen=first_seen,
            form_departments=departments,
            companies=companies,
            notes=notes,
            note_commits=commits,
            counts=samples,
            synced_at=from_text(synced),
        )

    def _first_seen(self, conn: Connection, repo: str) -> dict[str, datetime]:
        """Each login's first contribution: MIN per author, read from covering indexes."""
        first: dict[str, str] = {}
        for table in (items, contributions):
            for author, at in conn.execute(
                select(table.c.author, func.min(table.c.created_at))
                .where(table.c.repo == repo)
                .group_by(table.c.author)
            ):
                key = author.lower()  # GitHub logins ignore case
                if key not in first or at < first[key]:
                    first[key] = at
        return {login: _when(at) for login, at in first.items()}

    def notes(self, repo: str) -> list[NoteFile]:
        """Every notes file known for a repo (for "when did this group last meet")."""
        with self._tx() as conn:
            return [
                _note_from(row)
                for row in conn.execute(
                    select(notes_files).where(notes_files.c.repo == repo.lower())
                )
            ]

    def note_commits(self, repo: str) -> list[NoteCommit]:
        """Every commit seen touching a notes folder, oldest first."""
        with self._tx() as conn:
            return [
                NoteCommit(row.folder, row.oid, _when(row.committed_at), row.author)
                for row in conn.execute(
                    select(notes_commits)
                    .where(notes_commits.c.repo == repo.lower())
                    .order_by(notes_commits.c.committed_at)
                )
            ]

    def item_count(self, repo: str) -> dict[str, int]:
        with self._tx() as conn:
            return {
                row[0]: row[1]
                for row in conn.execute(
                    select(items.c.kind, func.count())
                    .where(items.c.repo == repo.lower())
                    .group_by(items.c.kind)
                )
            }


def _note_from(row: Any) -> NoteFile:
    return NoteFile(
        row.folder,
        row.path,
        date.fromisoformat(row.meeting_date) if row.meeting_date else None,
        None if row.held is None else bool(row.held),
        tuple(json.loads(row.attendees)) if row.attendees else (),
    )


def _unique(rows: Iterable[T], key: Callable[[T], Any]) -> list[T]:
    seen: dict[Any, T] = {}
    for row in rows:
        seen[key(row)] = row
    return list(seen.values())
