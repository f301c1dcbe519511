"""Scrape operations for staff: the runs of each source, and re-runs queued from the page.

Staff queue a re-run of a source (`queue_scrape`): one pending request per source at most,
audited. `pathfinder scrape queued` runs the pending requests oldest first, and `pathfinder
scrape all` takes those of the sources it runs. A request is claimed before its run with
an UPDATE that only succeeds while it is unclaimed (`claim`), so two workers never run one
request twice; the run itself still takes the source's lock (`app.services.ingest.run_lock`),
and a request whose run did not start is released for the next worker.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from app.models import AuditEntry, RunStatus, ScrapeRequest, ScrapeRun, User, utcnow
from app.services.ingest.store import RunResult
from scrapers.sources import REGISTRY

# Runs kept per source on the operations page.
RUNS_PER_SOURCE = 10
# How far back the page looks for a source's runs (a source's runs share its store name).
SCAN_LIMIT = 500


class QueueError(ValueError):
    """The request cannot be queued (an unknown source)."""


@dataclass(frozen=True)
class SourceStatus:
    """One registered source as the operations page shows it."""

    name: str
    runs: list[ScrapeRun]
    last_success: ScrapeRun | None
    pending: ScrapeRequest | None


@dataclass
class QueuedRun:
    """What `run_queued` did for one source: the requests it claimed and the run's result."""

    source: str
    request_ids: list[int]
    result: RunResult | None = None
    released: bool = False  # the run did not start, so its requests wait for the next worker


@dataclass
class QueueOutcome:
    runs: list[QueuedRun] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return any(r.result is None or r.result.error is not None for r in self.runs)


def _origin(run: ScrapeRun) -> str:
    """The registered source a run was of: scrapes record it; ingests only a store name."""
    return str((run.params or {}).get("source") or run.source)


def source_statuses(session: Session, per_source: int = RUNS_PER_SOURCE) -> list[SourceStatus]:
    """Each registered source, in registry order, with its recent runs and pending request."""
    pending: dict[str, ScrapeRequest] = {}
    for request in pending_requests(session):
        pending.setdefault(request.source, request)
    statuses = []
    for name, entry in REGISTRY.items():
        recent = session.scalars(
            select(ScrapeRun)
            .where(ScrapeRun.source == entry.store_name)
            .order_by(ScrapeRun.id.desc())
            .limit(SCAN_LIMIT)
        ).all()
        runs = [run for run in recent if _origin(run) == name]
        success = next(
            (r for r in runs if r.kind == "scrape" and r.status == RunStatus.SUCCEEDED), None
        )
        statuses.append(SourceStatus(name, runs[:per_source], success, pending.get(name)))
    return statuses


def pending_requests(session: Session, sources: Iterable[str] | None = None) -> list[ScrapeRequest]:
    """Requests not yet picked, oldest first."""
    query = select(ScrapeRequest).where(ScrapeRequest.picked_at.is_(None))
    if sources is not None:
        query = query.where(ScrapeRequest.source.in_(list(sources)))
    return list(session.scalars(query.order_by(ScrapeRequest.requested_at, ScrapeRequest.id)))


def queue_scrape(session: Session, source: str, user: User) -> tuple[ScrapeRequest, bool]:
    """A pending re-run of `source` and whether it is new (False: one was already queued).

    A new request is audited ("scrape.queue"); the caller commits.
    """
    if source not in REGISTRY:
        raise QueueError(f"There is no source called {source!r}.")
    existing = session.scalar(
        select(ScrapeRequest)
        .where(ScrapeRequest.source == source, ScrapeRequest.picked_at.is_(None))
        .order_by(ScrapeRequest.requested_at, ScrapeRequest.id)
        .limit(1)
    )
    if existing is not None:
        return existing, False
    request = ScrapeRequest(source=source, requested_by_id=user.id)
    session.add(request)
    session.flush()
    session.add(
        AuditEntry(
            actor=user.email,
            user_id=user.id,
            action="scrape.queue",
            entity_type="scrape_request",
            entity_id=str(request.id),
            changes={"source": source},
        )
    )
    return request, True


def claim(factory: sessionmaker[Session], request_id: int, now: datetime | None = None) -> bool:
    """Mark the request picked, only if no one has: True when this caller got it."""
    with factory() as session:
        result = session.execute(
            update(ScrapeRequest)
            .where(ScrapeRequest.id == request_id, ScrapeRequest.picked_at.is_(None))
            .values(picked_at=now or utcnow())
        )
        session.commit()
        return result.rowcount == 1  # type: ignore[attr-defined]


def claim_pending(factory: sessionmaker[Session], source: str) -> list[int]:
    """Claim every pending request of `source`; the IDs this caller got."""
    with factory() as session:
        ids = [r.id for r in pending_requests(session, [source])]
    return [request_id for request_id in ids if claim(factory, request_id)]


def finish(factory: sessionmaker[Session], request_ids: list[int], result: RunResult) -> bool:
    """Link the requests to their run; a run that did not start releases them instead.

    Returns True when the requests were released (they wait for the next worker).
    """
    if not request_ids:
        return False
    with factory() as session:
        query = update(ScrapeRequest).where(ScrapeRequest.id.in_(request_ids))
        if result.run_id is None:
            session.execute(query.values(picked_at=None))
        else:
            session.execute(query.values(run_id=result.run_id))
        session.commit()
    return result.run_id is None


def run_with_requests(
    factory: sessionmaker[Session],
    source: str,
    run: Callable[[str], RunResult],
    claimed: list[int] | None = None,
) -> QueuedRun:
    """Run `source` for its pending requests (claimed now unless given), then link them.

    A run that did not start (another run of the source holds its lock) releases them.
    """
    done = QueuedRun(source, claim_pending(factory, source) if claimed is None else claimed)
    try:
        done.result = run(source)
    except BaseException:
        if done.request_ids:
            # Interrupted before a result: let the next worker take the requests.
            finish(factory, done.request_ids, _not_started(source))
        raise
    done.released = finish(factory, done.request_ids, done.result)
    return done


def run_queued(factory: sessionmaker[Session], run: Callable[[str], RunResult]) -> QueueOutcome:
    """Run each source with a pending request, oldest request first."""
    outcome = QueueOutcome()
    with factory() as session:
        order = list(dict.fromkeys(r.source for r in pending_requests(session)))
    for source in order:
        if source not in REGISTRY:
            continue  # a source since removed from the registry: nothing can run it
        claimed = claim_pending(factory, source)
        if claimed:  # none left: another worker took them meanwhile
            outcome.runs.append(run_with_requests(factory, source, run, claimed))
    return outcome


def _not_started(source: str) -> RunResult:
    from app.services.ingest.store import RunCounts

    return RunResult(source, None, RunStatus.FAILED, RunCounts(), "interrupted")
