"""The durable work queue behind the webhook endpoint (SQLite by default, PostgreSQL by URL).

A delivery is acknowledged (202) only after its row is committed, so a crash or restart loses
nothing GitHub was told we have. Workers claim one job at a time with a lease; a job whose worker
died is reclaimed when its lease runs out. At most one job per *lane* (one App installation, or
the one token in development) runs at a time, anywhere: GitHub asks integrations not to make
concurrent requests for one identity (its secondary rate limits), and a partial unique index
makes the database enforce it even with several instances sharing one PostgreSQL queue.

States: queued (maybe waiting for `available_at` after a failure) → running → done, or parked
after too many failures. A redelivery of a parked delivery queues it again; of anything else, it
is a duplicate and does nothing.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Collection
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from queue import Empty, SimpleQueue
from typing import Any, Literal, TypeVar

from sqlalchemy import (
    BigInteger,
    Column,
    Float,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    and_,
    bindparam,
    create_engine,
    event,
    func,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, IntegrityError
from sqlalchemy.exc import OperationalError as DbError

from ghcommunity.core.errors import InputError, OperationalError

log = logging.getLogger(__name__)

State = Literal["queued", "running", "done", "parked"]
STATES: tuple[State, ...] = ("queued", "running", "done", "parked")

metadata = MetaData()
deliveries = Table(
    "ghcommunity_deliveries",
    metadata,
    Column("seq", Integer().with_variant(BigInteger(), "postgresql"), primary_key=True),
    Column("id", String(200), nullable=False, unique=True),
    Column("event", String(100), nullable=False),
    Column("action", String(100), nullable=False, default=""),
    Column("repo", String(300)),
    Column("installation_id", BigInteger),
    Column("lane", String(100), nullable=False),
    Column("body", LargeBinary, nullable=False),
    Column("state", String(16), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("available_at", Float, nullable=False),
    Column("lease_until", Float),
    Column("owner", String(100)),
    Column("received_at", Float, nullable=False),
    Column("started_at", Float),
    Column("finished_at", Float),
    Column("last_error", Text),
    Column("result", Text),
)
# Covers the claim's scan (state, order, readiness, lane) so it never reads the rows themselves.
Index(
    "ghcommunity_deliveries_ready",
    deliveries.c.state,
    deliveries.c.seq,
    deliveries.c.available_at,
    deliveries.c.lane,
)
Index("ghcommunity_deliveries_lanes", deliveries.c.state, deliveries.c.lane)
Index(
    "ghcommunity_deliveries_one_running_per_lane",
    deliveries.c.lane,
    unique=True,
    sqlite_where=deliveries.c.state == "running",
    postgresql_where=deliveries.c.state == "running",
)

# Small facts the App keeps between runs (e.g. when it last looked for missed deliveries).
marks = Table(
    "ghcommunity_marks",
    metadata,
    Column("key", String(100), primary_key=True),
    Column("value", Float, nullable=False),
)


SCAN = 200  # how many of the oldest ready jobs a claim looks at
T = TypeVar("T")
_STOP = object()


@dataclass(frozen=True)
class _Call:
    fn: Callable[[], Any]
    future: Future[Any]


@dataclass(frozen=True)
class Job:
    seq: int
    id: str
    event: str
    body: bytes
    attempts: int
    installation_id: int | None
    repo: str | None
    owner: str


@dataclass(frozen=True)
class Enqueued:
    status: Literal["queued", "duplicate", "requeued"]
    state: str

    @property
    def note(self) -> str:
        if self.status == "queued":
            return "queued"
        if self.status == "requeued":
            return "redelivery of a failed delivery: queued again"
        if self.state == "done":
            return "duplicate delivery: already processed"
        return f"duplicate delivery: already {self.state}"


# The statements workers run all the time, built once (building them costs more than running).
# RETURNING says whether the row went in (rowcount is not reliable for this on every driver).
_INSERT_SQLITE = (
    sqlite_insert(deliveries)
    .on_conflict_do_nothing(index_elements=["id"])
    .returning(deliveries.c.seq)
)
_INSERT_PG = (
    pg_insert(deliveries).on_conflict_do_nothing(index_elements=["id"]).returning(deliveries.c.seq)
)
_STALE = (
    select(deliveries.c.seq)
    .where(deliveries.c.state == "running", deliveries.c.lease_until < bindparam("b_now"))
    .order_by(deliveries.c.seq)
    .limit(1)
)
_OLDEST_READY = (
    select(deliveries.c.seq, deliveries.c.lane)
    .where(deliveries.c.state == "queued", deliveries.c.available_at <= bindparam("b_now"))
    .order_by(deliveries.c.seq)
    .limit(SCAN)
    .subquery()
)
# Filtered in the database, not in Python: the scan runs in SQLite's C code (which lets other
# threads run), and only one row comes back.
_READY = (
    select(_OLDEST_READY.c.seq)
    .where(
        _OLDEST_READY.c.lane.not_in(
            select(deliveries.c.lane).where(deliveries.c.state == "running").scalar_subquery()
        )
    )
    .order_by(_OLDEST_READY.c.seq)
    .limit(1)
)
_TAKEABLE = and_(
    deliveries.c.seq == bindparam("b_seq"),
    or_(
        and_(deliveries.c.state == "queued", deliveries.c.available_at <= bindparam("b_now")),
        and_(deliveries.c.state == "running", deliveries.c.lease_until < bindparam("b_now")),
    ),
)
_LOCK = select(deliveries.c.seq).where(_TAKEABLE).with_for_update(skip_locked=True)
_TAKE = (
    update(deliveries)
    .where(_TAKEABLE)
    .values(
        state="running",
        owner=bindparam("b_owner"),
        lease_until=bindparam("b_lease"),
        attempts=deliveries.c.attempts + 1,
        started_at=bindparam("b_now"),
    )
    .returning(
        deliveries.c.seq,
        deliveries.c.id,
        deliveries.c.event,
        deliveries.c.body,
        deliveries.c.attempts,
        deliveries.c.installation_id,
        deliveries.c.repo,
    )
)
_FINISH = (
    update(deliveries)
    .where(
        deliveries.c.seq == bindparam("b_seq"),
        deliveries.c.owner == bindparam("b_owner"),
        deliveries.c.state == "running",
    )
    .values(
        state=bindparam("b_state"),
        finished_at=bindparam("b_finished"),
        available_at=func.coalesce(bindparam("b_available"), deliveries.c.available_at),
        lease_until=None,
        owner=None,
        result=bindparam("b_result"),
        last_error=bindparam("b_error"),
    )
)


def lane_for(installation_id: int | None) -> str:
    return f"installation:{installation_id}" if installation_id else "token"


def _sqlite_pragmas(synchronous: str) -> Callable[[Any, Any], None]:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        # WAL lets the webhook endpoint commit while workers read.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={synchronous}")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    return on_connect


def open_engine(url: str, *, pool_size: int = 8, synchronous: str = "FULL") -> Engine:
    """An engine for the queue; on SQLite, `synchronous` FULL syncs every commit to disk."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise InputError(
            f"--queue {url!r} is not a database URL (e.g. sqlite:///queue.db)"
        ) from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            parsed,
            connect_args={"check_same_thread": False, "timeout": 30},
            pool_size=pool_size,
            max_overflow=32,
        )
        event.listen(engine, "connect", _sqlite_pragmas(synchronous))
    elif backend == "postgresql":
        try:
            engine = create_engine(parsed, pool_size=pool_size, max_overflow=32, pool_pre_ping=True)
        except ModuleNotFoundError as exc:
            raise InputError(
                f"--queue {parsed.render_as_string()}: the PostgreSQL driver is not installed "
                f"({exc.name}); install psycopg"
            ) from None
    else:
        raise InputError(f"--queue: unsupported database {backend!r} (use sqlite or postgresql)")
    try:
        metadata.create_all(engine)
    except DbError as exc:
        raise OperationalError(f"cannot open the queue database: {exc.orig}") from None
    return engine


class Queue:
    def __init__(
        self,
        engine: Engine,
        *,
        ack_engine: Engine | None = None,
        lease_seconds: float = 600.0,
        max_attempts: int = 5,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.engine = engine
        # Acknowledgements must survive a power cut: on SQLite they use a connection that
        # syncs each commit to disk. A worker's own bookkeeping (claim, done) may be lost with
        # the last moments before a power cut; the job then runs again, which the idempotent
        # executor makes harmless. That keeps the single SQLite write lock free for webhooks.
        self.ack_engine = ack_engine or engine
        self.lease_seconds = lease_seconds
        self.max_attempts = max_attempts
        self.clock = clock
        self.postgres = engine.dialect.name == "postgresql"
        self._writes: SimpleQueue[Any] = SimpleQueue()  # rows to insert, _Call, or _STOP
        self._writer: threading.Thread | None = None
        self._writer_lock = threading.Lock()
        self._closed = False

    @classmethod
    def open(cls, url: str, **kwargs: Any) -> Queue:
        engine = open_engine(url, synchronous="NORMAL")
        ack_engine = open_engine(url) if engine.dialect.name == "sqlite" else None
        return cls(engine, ack_engine=ack_engine, **kwargs)

    # -- the webhook side ------------------------------------------------------------------

    def enqueue(
        self,
        delivery_id: str,
        event_name: str,
        body: bytes,
        *,
        action: str = "",
        repo: str | None = None,
        installation_id: int | None = None,
        available_at: float | None = None,
    ) -> Enqueued:
        """Commit the delivery (or say why it was not added again); returns once durable."""
        return self.submit(
            delivery_id,
            event_name,
            body,
            action=action,
            repo=repo,
            installation_id=installation_id,
            available_at=available_at,
        ).result()

    def submit(
        self,
        delivery_id: str,
        event_name: str,
        body: bytes,
        *,
        action: str = "",
        repo: str | None = None,
        installation_id: int | None = None,
        available_at: float | None = None,
    ) -> Future[Enqueued]:
        """Hand the delivery to the writer thread; the future resolves once it is committed.

        One writer commits whatever has arrived meanwhile in one transaction ("group commit"):
        one disk sync serves many webhooks, and request threads never queue up on a lock.
        """
        now = self.clock()
        row = {
            "id": delivery_id,
            "event": event_name,
            "action": action[:100],
            "repo": repo,
            "installation_id": installation_id,
            "lane": lane_for(installation_id),
            "body": body,
            "state": "queued",
            "attempts": 0,
            "available_at": now if available_at is None else available_at,
            "received_at": now,
        }
        future: Future[Enqueued] = Future()
        self._start_writer()
        self._writes.put((row, future))
        return future

    def _start_writer(self) -> None:
        with self._writer_lock:
            if self._closed:
                raise OperationalError("the queue is closed")
            if self._writer is None:
                self._writer = threading.Thread(
                    target=self._write_loop, name="queue-writer", daemon=True
                )
                self._writer.start()

    def _write(self, fn: Callable[[], T]) -> T:
        """Run a write transaction. On SQLite, in the one writer thread: a single writer never
        waits on SQLite's lock (whose busy-wait backs off by sleeping, which would stall
        webhook acknowledgements behind the workers' bookkeeping)."""
        if self.postgres:
            return fn()
        future: Future[Any] = Future()
        self._start_writer()
        self._writes.put(_Call(fn, future))
        result: T = future.result()
        return result

    def _write_loop(self) -> None:
        carried: Any = None
        while True:
            item = carried if carried is not None else self._writes.get()
            carried = None
            if item is _STOP:
                return
            if isinstance(item, _Call):
                try:
                    item.future.set_result(item.fn())
                except BaseException as exc:
                    item.future.set_exception(exc)
                continue
            batch = [item]
            while len(batch) < 500:
                try:
                    more = self._writes.get_nowait()
                except Empty:
                    break
                if more is _STOP or isinstance(more, _Call):
                    carried = more  # after this batch
                    break
                batch.append(more)
            self._commit(batch)

    def _commit(self, batch: list[tuple[dict[str, Any], Future[Enqueued]]]) -> None:
        try:
            with self.ack_engine.begin() as conn:
                results = [self._insert(conn, row) for row, _ in batch]
        except Exception as exc:
            if len(batch) == 1:
                batch[0][1].set_exception(exc)
                return
            # One row the database refuses must not fail the others: commit each alone.
            for item in batch:
                self._commit([item])
            return
        for (_, future), result in zip(batch, results, strict=True):
            future.set_result(result)

    def _insert(self, conn: Connection, row: dict[str, Any]) -> Enqueued:
        added = conn.execute(_INSERT_PG if self.postgres else _INSERT_SQLITE, row).first()
        if added is not None:
            return Enqueued("queued", "queued")
        requeued = conn.execute(
            update(deliveries)
            .where(deliveries.c.id == row["id"], deliveries.c.state == "parked")
            .values(
                state="queued",
                attempts=0,
                available_at=row["available_at"],
                body=row["body"],
                owner=None,
                lease_until=None,
                received_at=row["received_at"],
            )
        ).rowcount
        if requeued:
            return Enqueued("requeued", "queued")
        state = conn.execute(
            select(deliveries.c.state).where(deliveries.c.id == row["id"])
        ).scalar_one()
        return Enqueued("duplicate", str(state))

    # -- the worker side -------------------------------------------------------------------

    def _claimable(self, now: float) -> Any:
        return or_(
            and_(deliveries.c.state == "queued", deliveries.c.available_at <= now),
            and_(deliveries.c.state == "running", deliveries.c.lease_until < now),
        )

    def claim(self, owner: str) -> Job | None:
        """The oldest job that may run now (or whose worker died), leased to `owner`."""
        for _ in range(5):
            try:
                seq = self._candidate()
                if seq is None:
                    return None
                job = self._take(seq, owner)
            except IntegrityError:
                # Another worker took a job in the same lane at the same moment.
                continue
            if job is not None:
                return job
        return None

    def _candidate(self) -> int | None:
        """A job to try: a read only, so it never holds the write lock the webhooks need.

        Jobs whose worker died come first. Then the oldest ready job in a lane with nothing
        running, looking at the first SCAN ready jobs only: with one busy lane and a long
        backlog, a claim stays cheap (a job of another lane behind them waits its turn).
        """
        now = {"b_now": self.clock()}
        with self.engine.connect() as conn:
            stale = conn.execute(_STALE, now).scalar()
            if stale is not None:
                return int(stale)
            ready = conn.execute(_READY, now).scalar()
        return None if ready is None else int(ready)

    def _take(self, seq: int, owner: str) -> Job | None:
        """Lease job `seq` to `owner` if it is still claimable (one conditional update)."""
        now = self.clock()
        params = {"b_seq": seq, "b_now": now, "b_owner": owner, "b_lease": now + self.lease_seconds}

        def take() -> Any:
            with self.engine.begin() as conn:
                # PostgreSQL: skip a row another instance is taking right now, don't wait.
                if self.postgres and conn.execute(_LOCK, params).scalar() is None:
                    return None
                return conn.execute(_TAKE, params).first()

        row = self._write(take)
        if row is None:
            return None
        return Job(
            seq=row.seq,
            id=row.id,
            event=row.event,
            body=row.body,
            attempts=row.attempts,
            installation_id=row.installation_id,
            repo=row.repo,
            owner=owner,
        )

    def heartbeat(self, owners: str | Collection[str]) -> int:
        """Extend the leases of the jobs these owners (one per claim) hold; returns how many."""
        names = [owners] if isinstance(owners, str) else list(owners)

        def beat() -> int:
            with self.engine.begin() as conn:
                return conn.execute(
                    update(deliveries)
                    .where(deliveries.c.owner.in_(names), deliveries.c.state == "running")
                    .values(lease_until=self.clock() + self.lease_seconds)
                ).rowcount

        return self._write(beat)

    def _finish(
        self,
        job: Job,
        state: State,
        *,
        finished_at: float | None = None,
        available_at: float | None = None,
        result: str | None = None,
        error: str | None = None,
    ) -> bool:
        params = {
            "b_seq": job.seq,
            "b_owner": job.owner,
            "b_state": state,
            "b_finished": finished_at,
            "b_available": available_at,
            "b_result": None if result is None else result[:2000],
            "b_error": None if error is None else error[:4000],
        }

        def finish() -> int:
            with self.engine.begin() as conn:
                return conn.execute(_FINISH, params).rowcount

        changed = self._write(finish)
        if not changed:
            log.warning(
                "delivery %s: lost its lease before finishing; another worker has it", job.id
            )
        return bool(changed)

    def complete(self, job: Job, result: str = "") -> bool:
        return self._finish(job, "done", finished_at=self.clock(), result=result)

    def fail(self, job: Job, error: str, *, retry_in: float | None) -> State:
        """Record a failure: queue it again after `retry_in` seconds, or park it."""
        now = self.clock()
        if retry_in is not None and job.attempts < self.max_attempts:
            self._finish(job, "queued", available_at=now + retry_in, error=error)
            return "queued"
        self._finish(job, "parked", finished_at=now, error=error)
        return "parked"

    def park(self, job: Job, error: str) -> None:
        self.fail(job, error, retry_in=None)

    # -- administration --------------------------------------------------------------------

    def retry(self, delivery_id: str) -> str | None:
        """Queue a parked (or finished) delivery again. Returns its previous state, or None."""

        def requeue() -> Any:
            with self.engine.begin() as conn:
                state = conn.execute(
                    select(deliveries.c.state).where(deliveries.c.id == delivery_id)
                ).scalar()
                if state in ("parked", "done"):
                    conn.execute(
                        update(deliveries)
                        .where(deliveries.c.id == delivery_id, deliveries.c.state == state)
                        .values(
                            state="queued",
                            attempts=0,
                            available_at=self.clock(),
                            owner=None,
                            lease_until=None,
                        )
                    )
                return state

        state = self._write(requeue)
        return None if state is None else str(state)

    def list(self, state: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
        columns = [c for c in deliveries.c if c.name not in ("body", "lane", "owner")]
        query = select(*columns).order_by(deliveries.c.seq.desc()).limit(limit)
        if state:
            query = query.where(deliveries.c.state == state)
        with self.engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(query)]

    def get(self, delivery_id: str) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(deliveries).where(deliveries.c.id == delivery_id)).first()
        return None if row is None else dict(row._mapping)

    def counts(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(deliveries.c.state, func.count()).group_by(deliveries.c.state)
            ).all()
        found = {str(state): int(n) for state, n in rows}
        return {state: found.get(state, 0) for state in STATES}

    def ready(self) -> int:
        """How many jobs could be claimed now (for tests and draining)."""
        with self.engine.connect() as conn:
            return int(
                conn.execute(
                    select(func.count())
                    .select_from(deliveries)
                    .where(self._claimable(self.clock()))
                ).scalar_one()
            )

    def get_mark(self, key: str) -> float | None:
        with self.engine.connect() as conn:
            value = conn.execute(select(marks.c.value).where(marks.c.key == key)).scalar()
        return None if value is None else float(value)

    def set_mark(self, key: str, value: float) -> None:
        def put() -> None:
            with self.engine.begin() as conn:
                if conn.execute(
                    update(marks).where(marks.c.key == key).values(value=value)
                ).rowcount:
                    return
                conn.execute(marks.insert().values(key=key, value=value))

        self._write(put)

    def ping(self) -> None:
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    def prune(self, older_than_days: float) -> int:
        """Forget finished deliveries older than this (GitHub redelivers within days)."""
        cutoff = self.clock() - older_than_days * 86400

        def forget() -> int:
            with self.engine.begin() as conn:
                return conn.execute(
                    deliveries.delete().where(
                        deliveries.c.state == "done", deliveries.c.finished_at < cutoff
                    )
                ).rowcount

        return self._write(forget)

    def close(self) -> None:
        with self._writer_lock:
            self._closed = True
            writer, self._writer = self._writer, None
        if writer is not None:
            self._writes.put(_STOP)
            writer.join(30)
        self.engine.dispose()
        self.ack_engine.dispose()
