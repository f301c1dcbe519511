"""The source registry: lookup, required options, and a new source as one entry."""

from datetime import date

import pytest

from app.models import FundingOpportunity, RunStatus
from app.services.ingest.scrape import ScrapeSettings, scrape_source
from scrapers import sources
from scrapers.errors import ConfigurationError
from scrapers.records import FundingRecord
from scrapers.sources import REGISTRY, Source, SourceRun, lookup

TODAY = date(2026, 11, 22)
SETTINGS = ScrapeSettings("ops@pathfinder.example")


def test_unknown_source_names_the_known_ones():
    with pytest.raises(ValueError, match="unknown source 'nope'; expected one of usajobs, "):
        lookup("nope")


def test_every_source_has_a_default_base_url_and_pacing():
    assert set(REGISTRY) == {"usajobs", "grantsgov", "grantsgov-xml", "simpler"}
    assert all(s.base_url.startswith("https://") and s.min_interval > 0 for s in REGISTRY.values())
    assert REGISTRY["grantsgov-xml"].store_name == "grantsgov"


def test_a_missing_option_fails_before_any_request():
    run = SourceRun("http://127.0.0.1:9", TODAY, {"USAJOBS_API_KEY": "k"})
    with pytest.raises(ConfigurationError, match="USAJOBS_EMAIL"):
        next(REGISTRY["usajobs"].records(None, run))  # type: ignore[arg-type]


def test_a_registry_entry_is_all_a_new_source_takes(monkeypatch, session_factory, db):
    def build(session, run):
        assert run.base_url == "https://fake.example" and run.today == TODAY
        run.warnings.append("one skipped")
        yield FundingRecord(source="fake", source_id="1", title="Fake cyber grant")

    monkeypatch.setitem(sources.REGISTRY, "fake", Source("fake", build, "https://fake.example/"))
    result = scrape_source(session_factory, "fake", SETTINGS, today=TODAY)
    assert result.status == RunStatus.SUCCEEDED, result.error
    assert result.counts.new == 1 and "one skipped" in result.warnings
    assert db.query(FundingOpportunity).filter_by(source="fake").one().title == "Fake cyber grant"


def test_settings_read_every_option_a_source_declares():
    assert set(sources.option_names()) == {"USAJOBS_API_KEY", "USAJOBS_EMAIL", "SIMPLER_API_KEY"}
    config = {"SIMPLER_API_KEY": "k", "USAJOBS_EMAIL": "", "SCRAPER_CONTACT": "ops@example.gov"}
    settings = ScrapeSettings.from_config(config)
    assert settings.options == {
        "USAJOBS_API_KEY": None,
        "USAJOBS_EMAIL": None,  # empty is unset: the source says what it needs
        "SIMPLER_API_KEY": "k",
    }
    assert "ops@example.gov" in settings.user_agent()
