"""The registry of scraper sources: name -> what the source needs and how to build its records.

The caller (the app's scrape orchestrator) resolves settings and state into a `SourceRun`,
builds a paced session, and stores whatever the entry yields. Adding a source is one
`Source` in `REGISTRY`; nothing else branches on source names.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from scrapers import grantsgov, grantsgov_xml, simpler, usajobs
from scrapers.errors import ConfigurationError, ScraperError, SourceError
from scrapers.http import PoliteSession
from scrapers.records import FundingRecord, JobRecord
from scrapers.relevance import relevant

Record = JobRecord | FundingRecord
# The XML extract for today may not be published yet: look back this many days.
EXTRACT_LOOKBACK_DAYS = 2


@dataclass(frozen=True)
class SourceRun:
    """What one run of a source is given; the caller resolves all of it."""

    base_url: str
    today: date
    options: Mapping[str, str | None] = field(default_factory=dict)  # by config name
    alns: tuple[str, ...] = ()  # the catalog's assistance listings
    since_days: int | None = None  # incremental window; None asks for a full sweep
    # Filled by the source as it goes: what it had to skip or could not read in full.
    warnings: list[str] = field(default_factory=list)


BuildRecords = Callable[[PoliteSession, SourceRun], Iterator[Record]]


@dataclass(frozen=True)
class Source:
    """One registry entry: how to build a source's records and what that needs."""

    name: str
    build: BuildRecords
    base_url: str  # the default; a run may point elsewhere (tests, mirrors)
    min_interval: float = 1.0  # seconds between two requests (data-sources.md)
    needs: tuple[str, ...] = ()  # options that must be set, by config name
    missing: str = ""  # the ConfigurationError message when one of `needs` is not set
    user_agent_option: str | None = None  # an option sent as the User-Agent instead
    incremental: bool = False  # asks only for what changed since the last success
    stores_as: str | None = None  # the ID space its records share, when not its own name

    @property
    def store_name(self) -> str:
        return self.stores_as or self.name

    def user_agent(self, options: Mapping[str, str | None]) -> str | None:
        """The User-Agent this source must send, when not the caller's own."""
        return options.get(self.user_agent_option) if self.user_agent_option else None

    def records(self, session: PoliteSession, run: SourceRun) -> Iterator[Record]:
        """The source's records; ConfigurationError before any request when an option is unset."""
        if any(not run.options.get(option) for option in self.needs):
            raise ConfigurationError(self.missing or f"{self.name} needs {', '.join(self.needs)}")
        yield from self.build(session, run)


def _usajobs(session: PoliteSession, run: SourceRun) -> Iterator[Record]:
    client = usajobs.UsajobsClient(
        session,
        base_url=run.base_url,
        api_key=run.options.get("USAJOBS_API_KEY"),
        email=run.options.get("USAJOBS_EMAIL"),
        today=lambda: run.today,
    )
    yield from client.iter_jobs(since_days=run.since_days)
    run.warnings.extend(client.warnings)


def _grantsgov(session: PoliteSession, run: SourceRun) -> Iterator[Record]:
    client = grantsgov.GrantsGovClient(session, base_url=run.base_url)
    yield from client.iter_opportunities(grantsgov.CYBER_KEYWORDS, run.alns, today=run.today)
    run.warnings.extend(f"opportunity {f.opportunity_id}: {f.error}" for f in client.failures)


def _grantsgov_xml(session: PoliteSession, run: SourceRun) -> Iterator[Record]:
    keep = set(run.alns)
    with tempfile.TemporaryDirectory() as tmp:
        path = download_extract(session, run.base_url, run.today, Path(tmp))
        # The extract carries years of closed history: a scrape keeps current ones.
        current = ("posted", "forecasted")
        for record in grantsgov_xml.iter_extract(path, today=run.today, statuses=current):
            if relevant(record, keep, grantsgov.CYBER_KEYWORDS):
                yield record


def _simpler(session: PoliteSession, run: SourceRun) -> Iterator[Record]:
    client = simpler.SimplerClient(
        session, base_url=run.base_url, api_key=run.options.get("SIMPLER_API_KEY")
    )
    yield from client.iter_opportunities(grantsgov.CYBER_KEYWORDS, run.alns)


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


# Politeness (data-sources.md): at most 1 request/s to USAJOBS and Grants.gov; simpler.grants.gov
# allows 10/s. All Grants.gov sources share one ID space, so they store under one name.
REGISTRY: dict[str, Source] = {
    source.name: source
    for source in (
        Source(
            "usajobs",
            _usajobs,
            usajobs.DEFAULT_BASE_URL,
            needs=("USAJOBS_API_KEY", "USAJOBS_EMAIL"),
            missing="USAJOBS needs USAJOBS_API_KEY and USAJOBS_EMAIL in the environment",
            # The USAJOBS terms want the e-mail the key was issued to as User-Agent.
            user_agent_option="USAJOBS_EMAIL",
            incremental=True,
        ),
        Source("grantsgov", _grantsgov, "https://api.grants.gov"),
        Source("grantsgov-xml", _grantsgov_xml, "https://www.grants.gov", stores_as="grantsgov"),
        Source(
            "simpler",
            _simpler,
            "https://api.simpler.grants.gov",
            min_interval=0.2,
            needs=("SIMPLER_API_KEY",),
            missing="simpler.grants.gov needs SIMPLER_API_KEY",
        ),
    )
}


def option_names() -> tuple[str, ...]:
    """Every setting some source reads (its `needs` and User-Agent option), each once."""
    names: dict[str, None] = {}
    for source in REGISTRY.values():
        names.update(dict.fromkeys(source.needs))
        if source.user_agent_option:
            names[source.user_agent_option] = None
    return tuple(names)


def lookup(name: str) -> Source:
    """The registered source called ``name``; ValueError naming the known ones otherwise."""
    try:
        return REGISTRY[name]
    except KeyError:
        known = ", ".join(REGISTRY)
        raise ValueError(f"unknown source {name!r}; expected one of {known}") from None
