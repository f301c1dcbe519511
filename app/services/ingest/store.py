"""Storing normalised records: idempotent upserts, run records, closing and linking.

One code path serves `pathfinder scrape` and `pathfinder ingest`: records flow through
`Ingestor.store`, inside a run that is recorded for staff. A scrape commits in batches (a
failure keeps what earlier batches stored, all of it complete records); an ingest of a file
commits once at the end, so a file that cannot be read stores nothing.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    BigInteger,
    Enum,
    Integer,
    String,
    Table,
    delete,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from app.models import (
    FundingOpportunity,
    JobListing,
    JobStatus,
    RunStatus,
    ScrapeRun,
    utcnow,
)
from app.models.base import INT32_MAX, INT32_MIN
from app.services.agency.openings import SOURCE as AGENCY_SOURCE
from app.services.agency.openings import link_twins
from app.services.ingest.agencies import add_missing_agencies
from app.services.ingest.run_lock import source_lock
from scrapers.errors import ScraperError
from scrapers.records import FundingRecord, JobRecord

log = logging.getLogger(__name__)

Record = JobRecord | FundingRecord
JOB_FIELDS = (
    "title", "organization", "department", "agency_code", "announcement_number", "series",
    "pay_plan", "grade_low", "grade_high", "salary_min", "salary_max", "salary_interval",
    "locations", "remote", "telework", "clearance", "hiring_paths", "open_date", "close_date",
    "url", "summary", "body", "status",
)  # fmt: skip
FUNDING_FIELDS = (
    "title", "number", "agency_code", "agency", "assistance_listings", "status", "open_date",
    "close_date", "close_date_note", "archive_date", "award_ceiling", "award_floor",
    "total_funding", "expected_awards", "eligible_applicants", "eligibility_note", "categories",
    "funding_instruments", "cost_sharing", "url", "description",
)  # fmt: skip


CLOSED_STATUSES = frozenset({"closed", "archived"})
FINGERPRINT_LENGTH: int = FundingOpportunity.__table__.c.fingerprint.type.length
# A run keeps this many warnings for staff; the rest are counted in the last one.
MAX_RUN_WARNINGS = 50


@dataclass
class RunCounts:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    closed: int = 0
    # Closed rows (by a full sweep, or by date) seen again open by their own data. Like
    # `closed`, this counts a change of state: a reopened row is also new, updated or
    # unchanged by its content.
    reopened: int = 0
    failed: int = 0

    def summary(self) -> str:
        return (
            f"{self.new} new, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.closed} closed, {self.reopened} reopened, {self.failed} failed"
        )


@dataclass
class RunResult:
    source: str
    run_id: int | None  # None when the run did not start
    status: RunStatus
    counts: RunCounts
    error: str | None = None
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        line = f"{self.source}: {self.counts.summary()}"
        if self.error:
            line += f" - FAILED: {self.error}"
        return line


def _norm(text: str | None) -> str:
    return re.sub(r"\s+", " ", (text or "").casefold()).strip()


def job_fingerprint(record: JobRecord) -> str:
    """The same opening posted twice (e.g. public and status-only) shares these facts.

    Summaries differ between the two announcements (each says who may apply), so text is
    left out; title, organisation, places, series, grades and dates are not.
    """
    parts = [
        _norm(record.title),
        _norm(record.organization),
        "|".join(sorted(_norm(loc) for loc in record.locations)),
        "|".join(sorted(record.series)),
        str(record.grade_low),
        str(record.grade_high),
        str(record.open_date),
        str(record.close_date),
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def funding_fingerprint(record: FundingRecord) -> str | None:
    """Grants.gov and simpler.grants.gov share the legacy id and the opportunity number."""
    if record.legacy_id:
        return _fingerprint_key("gg:", record.legacy_id)
    if record.number:
        return _fingerprint_key("num:", _norm(record.number))
    return None


def _fingerprint_key(prefix: str, value: str) -> str:
    """``prefix + value``, or a digest of the value when that would not fit the column.

    Real ids and numbers fit; an odd one must still be stored, and both sources compute the
    same digest for the same value, so their records stay linked.
    """
    value = _storable(value)
    key = prefix + value
    if len(key) <= FINGERPRINT_LENGTH:
        return key
    digest = hashlib.sha256(value.encode()).hexdigest()
    return prefix + digest[: FINGERPRINT_LENGTH - len(prefix)]


def _storable(value: Any) -> Any:
    # PostgreSQL text cannot hold NUL, and a NUL in a source's text never means anything.
    if isinstance(value, str):
        return value.replace("\x00", "") if "\x00" in value else value
    if isinstance(value, tuple):
        return [_storable(item) for item in value]
    return value


def _values(record: Record, names: Iterable[str]) -> dict[str, Any]:
    return {name: _storable(getattr(record, name)) for name in names}


@dataclass(frozen=True)
class _Limits:
    """What a table's columns can hold: most characters per string, 32-bit integers."""

    lengths: dict[str, int]
    integers: frozenset[str]

    def misfit(self, values: dict[str, Any]) -> str | None:
        """Why these values cannot be stored as they are, or None when they fit."""
        for name, value in values.items():
            if isinstance(value, str):
                limit = self.lengths.get(name)
                if limit is not None and len(value) > limit:
                    return (
                        f"{name} is {len(value):,} characters, longer than the {limit:,} "
                        "the database holds"
                    )
            elif (
                isinstance(value, int)
                and name in self.integers
                and not INT32_MIN <= value <= INT32_MAX
            ):
                return f"{name} {value} is out of range"
        return None


# A line break or other control character in an id is no id any source issues; it would
# also end up in the listing's address, and from there in calendar files and links.
_CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f]")


def _key_problem(keys: dict[str, str]) -> str | None:
    """Why these identifiers cannot key a listing (other text merely loses its NULs)."""
    for name, value in keys.items():
        if "\x00" in value:
            return f"{name} holds a NUL character"
        if _CONTROL_CHARACTER.search(value):
            return f"{name} holds a control character"
    return None


@functools.cache
def _limits(table: Table) -> _Limits:
    return _Limits(
        lengths={
            column.name: column.type.length
            for column in table.columns
            if isinstance(column.type, String)
            and not isinstance(column.type, Enum)
            and column.type.length
        },
        integers=frozenset(
            column.name
            for column in table.columns
            if isinstance(column.type, Integer) and not isinstance(column.type, BigInteger)
        ),
    )


@dataclass
class _WritePlan:
    """What one batch will write, gathered before any statement runs."""

    inserts: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    updates: dict[int, dict[str, Any]] = field(default_factory=dict)
    seen_today: list[int] = field(default_factory=list)
    reopen: dict[str, set[int]] = field(default_factory=dict)  # unchanged closed rows, by status
    fingerprints: set[str] = field(default_factory=set)


class Ingestor:
    """Upserts records into the session, a batch at a time; the caller owns transactions.

    A batch costs one light query to find existing rows, one bulk INSERT, one bulk UPDATE
    and one query to link duplicates, whatever its size, and never loads whole rows: that
    is what keeps 100,000 upserts within a minute.

    A closed row seen again is reopened when the record is open by its own data: a status
    that is not closed and a close date that is not past (`today`). That holds whether its
    content changed or not, since a full sweep or `close_expired` closes rows without
    touching their content hash; a record its source closed, or one whose close date has
    passed, stays closed.
    """

    def __init__(
        self,
        session: Session,
        *,
        is_sample: bool = False,
        now: datetime | None = None,
        today: date | None = None,
    ):
        self.session = session
        self.is_sample = is_sample
        self.now = now or utcnow()
        # The day close dates are judged against, as `close_expired` and the job pages do.
        self.today = today or (now.date() if now else date.today())
        self.counts = RunCounts()
        self.warnings: list[str] = []
        self.seen: dict[str, set[str]] = {}
        self._analyzed_at = 1000

    def store(self, record: Record) -> str:
        """Insert or update one record; returns "new", "updated", "unchanged" or "failed".

        A record with a value the store cannot hold (a title longer than its column, a
        grade beyond any integer) is not stored: it counts as failed, with a warning, and
        the rest of the run goes on. Text is never cut short to fit.
        """
        return self.store_batch([record])[0]

    def store_batch(self, records: list[Record]) -> list[str]:
        """Insert or update records; returns each one's outcome, in order."""
        jobs = [r for r in records if isinstance(r, JobRecord)]
        if jobs and len(jobs) != len(records):
            outcomes = dict(zip(map(id, jobs), self._store_kind(jobs), strict=True))
            funding = [r for r in records if not isinstance(r, JobRecord)]
            outcomes.update(zip(map(id, funding), self._store_kind(funding), strict=True))
            return [outcomes[id(r)] for r in records]
        return self._store_kind(records)

    def _store_kind(self, records: list[Record]) -> list[str]:
        """Store records of one kind (all jobs or all funding): screen, plan, write."""
        if not records:
            return []
        is_job = isinstance(records[0], JobRecord)
        model: Any = JobListing if is_job else FundingOpportunity
        outcomes = ["failed"] * len(records)  # until decided below
        storable = self._screen(records, model, JOB_FIELDS if is_job else FUNDING_FIELDS)
        existing = self._existing_rows(model, storable)
        plan = _WritePlan()
        for index, record, values in storable:
            values["fingerprint"] = (
                job_fingerprint(record) if is_job else funding_fingerprint(record)  # type: ignore[arg-type]
            )
            values.update(content_hash=record.content_hash(), raw=record.raw)
            key = (record.source, record.source_id)
            outcomes[index] = self._plan(plan, key, existing.get(key), values, is_job)
        self._write(model, plan)
        return outcomes

    def _screen(
        self, records: list[Record], model: Any, fields: tuple[str, ...]
    ) -> list[tuple[int, Record, dict[str, Any]]]:
        """The records whose keys and values fit the table; a warning for each one that does not."""
        limits = _limits(model.__table__)
        storable: list[tuple[int, Record, dict[str, Any]]] = []
        for index, record in enumerate(records):
            self.seen.setdefault(record.source, set()).add(record.source_id)
            values = _values(record, fields)
            keys = {"source": record.source, "source_id": record.source_id}
            problem = limits.misfit(keys) or _key_problem(keys) or limits.misfit(values)
            if problem:
                shown = _CONTROL_CHARACTER.sub("?", _storable(record.source_id))[:64]
                self.warnings.append(f"{record.source} {shown}: {problem}; not stored")
                self.counts.failed += 1
            else:
                storable.append((index, record, values))
        return storable

    def _existing_rows(
        self, model: Any, storable: list[tuple[int, Record, dict[str, Any]]]
    ) -> dict[tuple[str, str], Any]:
        """The stored rows these records would update, by (source, source_id)."""
        existing: dict[tuple[str, str], Any] = {}
        for source in {r.source for _, r, _ in storable}:
            ids = [r.source_id for _, r, _ in storable if r.source == source]
            for row in self.session.execute(
                select(
                    model.id, model.source, model.source_id, model.content_hash,
                    model.is_sample, model.last_seen_at, model.status,
                ).where(model.source == source, model.source_id.in_(ids))
            ):  # fmt: skip
                existing[(row.source, row.source_id)] = row
        return existing

    def _plan(
        self,
        plan: _WritePlan,
        key: tuple[str, str],
        row: Any,
        values: dict[str, Any],
        is_job: bool,
    ) -> str:
        """Add one record to the plan; returns its outcome (new, unchanged, updated)."""
        closed = values["status"] in CLOSED_STATUSES
        if key in plan.inserts:  # the same record twice in one batch: the later one wins
            plan.inserts[key].update(values, closed_at=self.now if closed else None)
            self.counts.unchanged += 1
            return "unchanged"
        if row is None:
            plan.inserts[key] = {
                "source": key[0],
                "source_id": key[1],
                "is_sample": self.is_sample,
                "first_seen_at": self.now,
                "last_seen_at": self.now,
                "closed_at": self.now if closed else None,
                **values,
            }
            outcome = "new"
            self.counts.new += 1
        elif row.content_hash == values["content_hash"] and row.is_sample == self.is_sample:
            self._plan_unchanged(plan, row, values)
            self.counts.unchanged += 1
            return "unchanged"
        else:
            plan.updates[row.id] = self._change(row, values, is_job)
            outcome = "updated"
            self.counts.updated += 1
        if values["fingerprint"]:
            plan.fingerprints.add(values["fingerprint"])
        return outcome

    def _plan_unchanged(self, plan: _WritePlan, row: Any, values: dict[str, Any]) -> None:
        """Same content: reopen it if only a sweep or a date closed it, else note the sighting."""
        open_by_its_data = values["status"] not in CLOSED_STATUSES and not self._past(
            values["close_date"]
        )
        if str(row.status) in CLOSED_STATUSES and open_by_its_data:
            # Closed by a sweep or by date, not by its content: open it again.
            ids = plan.reopen.setdefault(str(values["status"]), set())
            if row.id not in ids:
                ids.add(row.id)
                self.counts.reopened += 1
        elif row.last_seen_at.date() < self.now.date():
            # Bookkeeping only once a day, so a repeated run leaves rows untouched.
            plan.seen_today.append(row.id)

    def _change(self, row: Any, values: dict[str, Any], is_job: bool) -> dict[str, Any]:
        """The update for a stored row whose content changed, its open/closed state decided."""
        closed = values["status"] in CLOSED_STATUSES
        open_by_its_data = not closed and not self._past(values["close_date"])
        was_open = str(row.status) not in CLOSED_STATUSES
        change = {"id": row.id, "is_sample": self.is_sample, "last_seen_at": self.now}
        change.update(values)
        if was_open and closed:
            change["closed_at"] = self.now
            self.counts.closed += 1
        elif was_open:
            change["closed_at"] = None
        elif open_by_its_data:
            change["closed_at"] = None
            self.counts.reopened += 1
        elif is_job and not closed:
            # Open by its status but past its close date: a closed job stays closed.
            change["status"] = row.status
        elif not closed:
            # An opportunity's status is its source's, whatever its dates say.
            change["closed_at"] = None
        return change

    def _write(self, model: Any, plan: _WritePlan) -> None:
        """Carry out a plan: bulk insert, bulk update, sightings, reopenings, duplicate links."""
        if plan.inserts:
            # A Core executemany: SQLAlchemy batches it into multi-row VALUES pages itself.
            self.session.connection().execute(insert(model.__table__), list(plan.inserts.values()))
            self._refresh_statistics(model)
        if plan.updates:
            self.session.execute(update(model), list(plan.updates.values()))
        if plan.seen_today:
            self.session.execute(
                update(model).where(model.id.in_(plan.seen_today)).values(last_seen_at=self.now)
            )
        for status, reopened in plan.reopen.items():
            self.session.execute(
                update(model)
                .where(model.id.in_(sorted(reopened)))
                .values(status=status, closed_at=None, last_seen_at=self.now)
            )
        self._link_duplicates(model, plan.fingerprints)
        if model is JobListing:
            self._link_agency_twins(plan)

    def _link_agency_twins(self, plan: _WritePlan) -> None:
        """Jobs stored now that an agency also posted in Pathfinder point at its listing."""
        ids = set(plan.updates)
        for source in {source for source, _ in plan.inserts}:
            keys = [key for s, key in plan.inserts if s == source]
            ids.update(
                self.session.scalars(
                    select(JobListing.id).where(
                        JobListing.source == source, JobListing.source_id.in_(keys)
                    )
                )
            )
        link_twins(self.session, ids)

    def _past(self, close_date: date | None) -> bool:
        return close_date is not None and close_date < self.today

    def _refresh_statistics(self, model: Any) -> None:
        """Keep PostgreSQL's planner informed while a big load grows a table.

        A table filled within one transaction has no statistics, so the planner keeps
        choosing sequential scans for the per-batch lookups and a large first load turns
        quadratic. ANALYZE at each doubling costs a handful of quick scans in all.
        """
        if self.counts.new < self._analyzed_at:
            return
        self._analyzed_at *= 2
        if self.session.get_bind().dialect.name == "postgresql":
            self.session.execute(text(f"ANALYZE {model.__tablename__}"))

    def _link_duplicates(self, model: Any, fingerprints: set[str]) -> None:
        """Within each fingerprint, one canonical record; the others point at it.

        The earliest record is canonical, except that a Grants.gov record is preferred over
        a simpler.grants.gov copy of the same opportunity whenever both exist. A job linked to
        an agency's own posting of it (`app.services.agency.openings.link_twins`) stays so:
        it is left out of the groups, which would otherwise unlink or re-point it.
        """
        if not fingerprints:
            return
        found = self.session.execute(
            select(model.id, model.source, model.fingerprint, model.duplicate_of_id)
            .where(model.fingerprint.in_(fingerprints))
            .order_by(model.id)
        ).all()
        twins = self._agency_twins(model, found)
        groups: dict[str, list[Any]] = {}
        for row in found:
            if row.id not in twins:
                groups.setdefault(row.fingerprint, []).append(row)
        changes: list[dict[str, Any]] = []
        for rows in groups.values():
            if model is FundingOpportunity:
                rows.sort(key=lambda r: (r.source != "grantsgov", r.id))
            canonical = rows[0]
            if canonical.duplicate_of_id is not None:
                changes.append({"id": canonical.id, "duplicate_of_id": None})
            for row in rows[1:]:
                if row.duplicate_of_id != canonical.id:
                    changes.append({"id": row.id, "duplicate_of_id": canonical.id})
        if changes:
            self.session.execute(update(model), changes)

    def _agency_twins(self, model: Any, rows: Sequence[Any]) -> set[int]:
        """The ids of these rows that point at an agency's listing."""
        targets = {row.duplicate_of_id for row in rows if row.duplicate_of_id is not None}
        if model is not JobListing or not targets:
            return set()
        agency = set(
            self.session.scalars(
                select(JobListing.id).where(
                    JobListing.id.in_(targets), JobListing.source == AGENCY_SOURCE
                )
            )
        )
        return {row.id for row in rows if row.duplicate_of_id in agency}

    def close_missing_jobs(self, source: str) -> int:
        """After a full sweep: open jobs of `source` that the sweep did not see are closed."""
        seen = self.seen.get(source, set())
        missing = [
            row.id
            for row in self.session.execute(
                select(JobListing.id, JobListing.source_id).where(
                    JobListing.source == source, JobListing.status == JobStatus.OPEN
                )
            )
            if row.source_id not in seen
        ]
        for start in range(0, len(missing), 1000):
            self.session.execute(
                update(JobListing)
                .where(JobListing.id.in_(missing[start : start + 1000]))
                .values(status=JobStatus.CLOSED, closed_at=self.now)
            )
        self.counts.closed += len(missing)
        return len(missing)


def close_expired(session: Session, today: date) -> int:
    """Jobs whose closing date has passed are closed, whichever source they came from."""
    rows = session.scalars(
        select(JobListing).where(JobListing.status == JobStatus.OPEN, JobListing.close_date < today)
    ).all()
    now = utcnow()
    for row in rows:
        row.status = JobStatus.CLOSED
        row.closed_at = now
    return len(rows)


def shift_dates(record: Record, days: int) -> Record:
    """Move every date of a sample record by `days`, so samples stay upcoming."""
    import dataclasses

    if not days:
        return record
    delta = timedelta(days=days)
    changes = {
        f.name: getattr(record, f.name) + delta
        for f in dataclasses.fields(record)
        if isinstance(getattr(record, f.name), date)
    }
    return dataclasses.replace(record, **changes)


def execute_run(
    factory: sessionmaker[Session],
    source: str,
    records: Callable[[], Iterable[Record]],
    *,
    kind: str = "scrape",
    params: dict[str, Any] | None = None,
    batch_size: int | None = 500,
    full_sweep: bool = False,
    is_sample: bool = False,
    on_record: Callable[[Record], None] | None = None,
    source_warnings: list[str] | None = None,
    record_if_unchanged: bool = True,
) -> RunResult:
    """Run one source end to end and record the run.

    `batch_size=None` stores everything in one transaction (ingest of a file: all or
    nothing); otherwise each batch is committed as it completes (a long scrape keeps its
    progress). Jobs a full sweep did not see are closed only when the whole run succeeded.
    `source_warnings` is a list that `records` fills as it goes (details a source
    refused); the run keeps them with the ingestor's own. However the run ends, even
    interrupted, it is recorded as finished, except that with `record_if_unchanged=False` a
    run that succeeded without changing, failing or warning about anything leaves no record
    (its `run_id` is None then). Agencies its jobs name that have no `Agency`
    row get one. One run per source at a time
    (`run_lock`): a run that finds another in progress does not start.
    """
    with source_lock(factory, source) as lock:
        if not lock.acquired:
            error = f"another run of {source} is in progress; this one did not start"
            return RunResult(source, None, RunStatus.FAILED, RunCounts(), error)
        if lock.exclusive:
            _end_abandoned_runs(factory, source)
        with factory() as session:
            run = ScrapeRun(source=source, kind=kind, params=params or {})
            session.add(run)
            session.commit()
            run_id = run.id

        counts = RunCounts()
        status, error = RunStatus.SUCCEEDED, None
        unexpected: BaseException | None = None
        session = factory()
        ingestor = Ingestor(session, is_sample=is_sample)
        ingestor.counts = counts
        pending: list[Record] = []
        chunk = batch_size or 1000
        try:
            for record in records():
                pending.append(record)
                if on_record:
                    on_record(record)
                if len(pending) >= chunk:
                    ingestor.store_batch(pending)
                    pending = []
                    if batch_size:
                        session.commit()
            ingestor.store_batch(pending)
            if full_sweep:
                ingestor.close_missing_jobs(source)
            session.commit()
        except (ScraperError, ValueError, OSError) as exc:
            status, error = RunStatus.FAILED, _one_line(exc)
            log.info("%s run %s failed: %s", source, run_id, error)
        except SQLAlchemyError as exc:
            # The database refused what the checks before it did not foresee, or went away.
            status = RunStatus.FAILED
            error = f"database error: {_one_line(getattr(exc, 'orig', None) or exc)}"
            log.exception("%s run %s failed in the database", source, run_id)
        except BaseException as exc:
            # Interrupted, or a bug: recorded as a failed run, then passed on.
            status, unexpected = RunStatus.FAILED, exc
            stopped = isinstance(exc, KeyboardInterrupt | SystemExit)
            error = "interrupted" if stopped else f"internal error ({type(exc).__name__})"
        if status is RunStatus.FAILED:
            session.rollback()
            if batch_size is None:
                # Nothing from this file was stored: the counts must say so too.
                counts.new = counts.updated = counts.unchanged = counts.closed = 0
                counts.reopened = 0
            counts.failed += 1
        session.close()
        if unexpected is None and counts.new + counts.updated + counts.reopened:
            add_missing_agencies(factory)  # the agencies posters can be invited for

        warnings = _capped([*ingestor.warnings, *(source_warnings or [])])
        result = RunResult(source, run_id, status, counts, error, warnings)
        _finish_run(factory, result, record_if_unchanged=record_if_unchanged)
        if unexpected is not None:
            raise unexpected
        return result


def _finish_run(
    factory: sessionmaker[Session], result: RunResult, *, record_if_unchanged: bool
) -> None:
    """Record how the run ended; or forget it (its `run_id` becomes None) when it succeeded
    without a change, a failure or a warning and is not to be recorded then."""
    assert result.run_id is not None
    counts = result.counts
    changed = counts.new + counts.updated + counts.closed + counts.reopened + counts.failed
    with factory() as session:
        if not (record_if_unchanged or changed or result.warnings or result.error):
            session.execute(delete(ScrapeRun).where(ScrapeRun.id == result.run_id))
            session.commit()
            result.run_id = None
            return
        run = session.get(ScrapeRun, result.run_id)
        assert run is not None
        run.finished_at = utcnow()
        run.status = result.status
        run.error = result.error
        run.warnings = result.warnings
        run.new, run.updated, run.unchanged = counts.new, counts.updated, counts.unchanged
        run.closed, run.reopened, run.failed = counts.closed, counts.reopened, counts.failed
        session.commit()


def _end_abandoned_runs(factory: sessionmaker[Session], source: str) -> None:
    """Runs of the source still marked running while we hold its lock died with their process."""
    with factory() as session:
        session.execute(
            update(ScrapeRun)
            .where(ScrapeRun.source == source, ScrapeRun.status == RunStatus.RUNNING)
            .values(status=RunStatus.FAILED, error="stopped before it finished (its process ended)")
        )
        session.commit()


def _capped(warnings: list[str]) -> list[str]:
    if len(warnings) <= MAX_RUN_WARNINGS:
        return warnings
    kept = warnings[: MAX_RUN_WARNINGS - 1]
    return [*kept, f"... and {len(warnings) - len(kept):,} more warnings"]


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:500]
