"""Scrape and ingest orchestration: sources configured from settings, runs recorded.

`scrape` looks the source up in `scrapers.sources.REGISTRY` and asks it for what is relevant
(and, for an incremental source such as USAJOBS, only what changed since the last successful
run); `ingest` stores every record of a saved payload. Both go through
`app.services.ingest.store.execute_run`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.models import FundingProgram, RunStatus, ScrapeRun
from app.services.ingest.store import Record, RunResult, execute_run, shift_dates
from scrapers.errors import ScraperError
from scrapers.files import SOURCE_OF_KIND, detect_kind, iter_file
from scrapers.http import PoliteSession
from scrapers.sources import REGISTRY, Source, SourceRun, lookup, option_names

SOURCES: tuple[str, ...] = tuple(REGISTRY)
# Seconds between two requests, per source (from the registry): one mapping a test can relax.
MIN_INTERVAL: dict[str, float] = {name: source.min_interval for name, source in REGISTRY.items()}


@dataclass(frozen=True)
class ScrapeSettings:
    """Who we are to the sources, and the settings they read, by config name.

    The names are whatever registry entries declare (`scrapers.sources.option_names`), so a
    new source's key is read from the config without a change here.
    """

    contact: str
    options: Mapping[str, str | None] = field(default_factory=dict)

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> ScrapeSettings:
        return cls(
            contact=str(config.get("SCRAPER_CONTACT") or "https://github.com/pathfinder"),
            options={name: config.get(name) or None for name in option_names()},
        )

    def user_agent(self) -> str:
        return f"Pathfinder/0.1 (federal cyber pathways; contact: {self.contact})"


def last_success(session: Session, source: str) -> datetime | None:
    return session.scalar(
        select(ScrapeRun.started_at)
        .where(
            ScrapeRun.source == source,
            ScrapeRun.kind == "scrape",
            ScrapeRun.status == RunStatus.SUCCEEDED,
        )
        .order_by(ScrapeRun.started_at.desc())
        .limit(1)
    )


def catalog_alns(session: Session) -> list[str]:
    return list(session.scalars(select(FundingProgram.aln).order_by(FundingProgram.aln)))


def since_days(since: date | None, previous: datetime | None, today: date) -> int | None:
    """Days of postings to ask USAJOBS for; None means a full sweep."""
    if since is not None:
        start = since
    elif previous is not None:
        start = previous.astimezone(UTC).date()
    else:
        return None
    # A last run dated after `today` (a clock ahead of the caller's) counts as today.
    start = min(start, today)
    # One day of overlap: a posting made just before the last run may not have been indexed.
    return min(60, math.ceil((today - start).days) + 1)


def _session(source: Source, settings: ScrapeSettings, user_agent: str | None) -> PoliteSession:
    interval = MIN_INTERVAL.get(source.name, source.min_interval)
    return PoliteSession(user_agent or settings.user_agent(), min_interval=interval)


def scrape_source(
    factory: sessionmaker[Session],
    source: str,
    settings: ScrapeSettings,
    *,
    base_url: str | None = None,
    since: date | None = None,
    today: date | None = None,
    on_record: Callable[[Record], None] | None = None,
) -> RunResult:
    """Scrape one registered source into the database and record the run."""
    entry = lookup(source)
    today = today or date.today()
    base = (base_url or entry.base_url).rstrip("/")
    with factory() as session:
        alns = tuple(catalog_alns(session))
        previous = last_success(session, source)
    params: dict[str, Any] = {"base_url": base, "since": since.isoformat() if since else None}
    days = since_days(since, previous, today) if entry.incremental else None
    if entry.incremental:
        params["since_days"] = days
    options = settings.options
    run = SourceRun(base, today, options, alns, days)

    def records() -> Iterator[Record]:
        http = _session(entry, settings, entry.user_agent(options))
        yield from entry.records(http, run)

    result = execute_run(
        factory,
        entry.store_name,
        records,
        kind="scrape",
        params={**params, "source": source},
        full_sweep=entry.incremental and days is None,
        on_record=on_record,
        source_warnings=run.warnings,
    )
    result.source = source
    return result


def ingest_file(
    factory: sessionmaker[Session],
    path: Path,
    kind: str | None = None,
    *,
    today: date | None = None,
    is_sample: bool = False,
    shift_days: int = 0,
    record_if_unchanged: bool = True,
) -> RunResult:
    """Store every record of a saved payload, all or nothing (`execute_run` says when a run
    that changed nothing is recorded)."""
    path = Path(path)

    def records() -> Iterator[Record]:
        for record in iter_file(path, kind, today=today):
            yield shift_dates(record, shift_days)

    try:
        resolved = kind or detect_kind(path)
        source = SOURCE_OF_KIND.get(resolved, resolved)
    except ScraperError:
        resolved, source = "unknown", "unknown"
    return execute_run(
        factory,
        source,
        records,
        kind="ingest",
        params={"file": path.name, "kind": resolved, "sample": is_sample},
        batch_size=None,
        is_sample=is_sample,
        record_if_unchanged=record_if_unchanged,
    )
