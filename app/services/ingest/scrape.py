"""Scrape and ingest orchestration: sources configured from settings, runs recorded.

`scrape` asks each source for what is relevant (and, for USAJOBS, only what changed since
the last successful run); `ingest` stores every record of a saved payload. Both go through
`app.services.ingest.store.execute_run`.
"""

from __future__ import annotations

import math
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.models import FundingProgram, RunStatus, ScrapeRun
from app.services.ingest.store import Record, RunResult, execute_run, shift_dates
from scrapers import grantsgov, grantsgov_xml, simpler, usajobs
from scrapers.errors import ConfigurationError, ScraperError, SourceError
from scrapers.files import SOURCE_OF_KIND, detect_kind, iter_file
from scrapers.http import PoliteSession
from scrapers.relevance import relevant

SOURCES = ("usajobs", "grantsgov", "grantsgov-xml", "simpler")
DEFAULT_BASE_URLS = {
    "usajobs": "https://data.usajobs.gov",
    "grantsgov": "https://api.grants.gov",
    "grantsgov-xml": "https://www.grants.gov",
    "simpler": "https://api.simpler.grants.gov",
}
# Politeness per source (data-sources.md): at most 1 request/s to USAJOBS and Grants.gov,
# simpler.grants.gov allows 10/s.
MIN_INTERVAL = {"usajobs": 1.0, "grantsgov": 1.0, "grantsgov-xml": 1.0, "simpler": 0.2}
# The XML extract for today may not be published yet: look back this many days.
EXTRACT_LOOKBACK_DAYS = 2


@dataclass(frozen=True)
class ScrapeSettings:
    usajobs_api_key: str | None
    usajobs_email: str | None
    simpler_api_key: str | None
    contact: str

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> ScrapeSettings:
        return cls(
            usajobs_api_key=config.get("USAJOBS_API_KEY") or None,
            usajobs_email=config.get("USAJOBS_EMAIL") or None,
            simpler_api_key=config.get("SIMPLER_API_KEY") or None,
            contact=str(config.get("SCRAPER_CONTACT") or "https://github.com/pathfinder"),
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


def _session(source: str, settings: ScrapeSettings, user_agent: str | None = None):
    return PoliteSession(user_agent or settings.user_agent(), min_interval=MIN_INTERVAL[source])


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
    """Scrape one source into the database and record the run."""
    today = today or date.today()
    base = (base_url or DEFAULT_BASE_URLS[source]).rstrip("/")
    with factory() as session:
        alns = catalog_alns(session)
        previous = last_success(session, source)
    params: dict[str, Any] = {"base_url": base, "since": since.isoformat() if since else None}
    full_sweep = False
    warnings: list[str] = []

    if source == "usajobs":
        days = since_days(since, previous, today)
        params["since_days"] = days
        full_sweep = days is None

        def records() -> Iterable[Record]:
            if not (settings.usajobs_api_key and settings.usajobs_email):
                raise ConfigurationError(
                    "USAJOBS needs USAJOBS_API_KEY and USAJOBS_EMAIL in the environment"
                )
            client = usajobs.UsajobsClient(
                _session(source, settings, settings.usajobs_email),
                base_url=base,
                api_key=settings.usajobs_api_key,
                email=settings.usajobs_email,
                today=lambda: today,
            )
            yield from client.iter_jobs(since_days=days)
            warnings.extend(client.warnings)

    elif source == "grantsgov":

        def records() -> Iterable[Record]:
            client = grantsgov.GrantsGovClient(_session(source, settings), base_url=base)
            yield from client.iter_opportunities(grantsgov.CYBER_KEYWORDS, alns, today=today)
            warnings.extend(f"opportunity {f.opportunity_id}: {f.error}" for f in client.failures)

    elif source == "grantsgov-xml":

        def records() -> Iterable[Record]:
            keep = set(alns)
            with tempfile.TemporaryDirectory() as tmp:
                path = download_extract(_session(source, settings), base, today, Path(tmp))
                # The extract carries years of closed history: a scrape keeps current ones.
                current = ("posted", "forecasted")
                for record in grantsgov_xml.iter_extract(path, today=today, statuses=current):
                    if relevant(record, keep, grantsgov.CYBER_KEYWORDS):
                        yield record

    elif source == "simpler":

        def records() -> Iterable[Record]:
            if not settings.simpler_api_key:
                raise ConfigurationError("simpler.grants.gov needs SIMPLER_API_KEY")
            client = simpler.SimplerClient(
                _session(source, settings), base_url=base, api_key=settings.simpler_api_key
            )
            yield from client.iter_opportunities(grantsgov.CYBER_KEYWORDS, alns)

    else:
        raise ValueError(f"unknown source {source!r}; expected one of {', '.join(SOURCES)}")

    # All Grants.gov sources share one ID space, so their runs store under one source name.
    store_as = "grantsgov" if source.startswith("grantsgov") else source
    result = execute_run(
        factory,
        store_as,
        records,
        kind="scrape",
        params={**params, "source": source},
        full_sweep=full_sweep,
        on_record=on_record,
        source_warnings=warnings,
    )
    result.source = source
    return result


def download_extract(session: PoliteSession, base: str, today: date, folder: Path) -> Path:
    """Today's extract, or the latest of the previous days when today's is not out yet."""
    last_error: ScraperError | None = None
    for back in range(EXTRACT_LOOKBACK_DAYS + 1):
        day = today - timedelta(days=back)
        name = f"GrantsDBExtract{day:%Y%m%d}v2.zip"
        try:
            return session.download(f"{base}/extract/{name}", folder / name)
        except SourceError as exc:
            last_error = exc
    assert last_error is not None
    raise last_error


def ingest_file(
    factory: sessionmaker[Session],
    path: Path,
    kind: str | None = None,
    *,
    today: date | None = None,
    is_sample: bool = False,
    shift_days: int = 0,
) -> RunResult:
    """Store every record of a saved payload, all or nothing."""
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
    )
