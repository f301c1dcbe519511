"""Retention: expired job-seeker data is deleted by `pathfinder purge` and at start-up."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from app import create_app, migrate
from app.cli import cli
from app.db import make_engine
from app.models import MatchRequest, TableChange
from app.services.seekers.purge import purge_expired

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def add_match(session, name: str, created: datetime, hours: int = 72) -> MatchRequest:
    match = MatchRequest(
        token_hash=name.ljust(64, "0"),
        created_at=created,
        expires_at=created + timedelta(hours=hours),
        source_kind="pasted",
        text="resume text",
        file_data=b"%PDF-1.4 file",
        results={"roles": []},
    )
    session.add(match)
    session.flush()
    return match


def names(session) -> set[str]:
    return {m.token_hash.rstrip("0") for m in session.scalars(select(MatchRequest))}


def test_only_matches_past_their_expiry_are_deleted(db):
    add_match(db, "expired", NOW - timedelta(hours=73))
    add_match(db, "exactly-due", NOW - timedelta(hours=72))
    add_match(db, "fresh", NOW - timedelta(hours=1))
    assert purge_expired(db, NOW) == 2
    assert names(db) == {"fresh"}
    assert purge_expired(db, NOW) == 0


def test_a_shorter_retention_period_applies_to_data_already_stored(db):
    add_match(db, "two-days-old", NOW - timedelta(hours=48))
    add_match(db, "new", NOW - timedelta(hours=2))
    assert purge_expired(db, NOW) == 0  # still within the 72 hours it was given
    assert purge_expired(db, NOW, retention_hours=24) == 1
    assert names(db) == {"new"}


def test_purge_command_deletes_expired_matches(scratch_database_url, tmp_path):
    migrate.upgrade(scratch_database_url)
    engine = make_engine(scratch_database_url)
    with sessionmaker(bind=engine)() as session:
        add_match(session, "old", datetime.now(UTC) - timedelta(days=10))
        add_match(session, "new", datetime.now(UTC))
        session.commit()
    env = {
        "DATABASE_URL": scratch_database_url,
        "MODEL_CACHE_DIR": str(tmp_path),
        "PATHFINDER_ENV": "testing",  # no start-up purge: the command must do the work
    }
    result = CliRunner().invoke(cli, ["purge"], env=env)
    assert result.exit_code == 0, result.output
    assert "Deleted 1 job-seeker match " in result.output and "72 hours" in result.output
    with sessionmaker(bind=engine)() as session:
        assert names(session) == {"new"}
    engine.dispose()


def test_purge_command_compacts_the_listings_change_log(scratch_database_url, tmp_path):
    migrate.upgrade(scratch_database_url)
    engine = make_engine(scratch_database_url)
    with sessionmaker(bind=engine)() as session:
        session.add_all([TableChange(table_name="job_listings") for _ in range(3)])
        session.commit()
    env = {"DATABASE_URL": scratch_database_url, "MODEL_CACHE_DIR": str(tmp_path)}
    result = CliRunner().invoke(cli, ["purge"], env=env)
    assert result.exit_code == 0, result.output
    assert "change log (3 older entries deleted)" in result.output
    with sessionmaker(bind=engine)() as session:
        tables = session.scalars(select(TableChange.table_name)).all()
    assert sorted(tables) == ["funding_opportunities", "job_listings", "job_role_classifications"]
    engine.dispose()


def test_purge_command_on_an_unmigrated_database_says_what_to_do(scratch_database_url, tmp_path):
    env = {"DATABASE_URL": scratch_database_url, "MODEL_CACHE_DIR": str(tmp_path)}
    result = CliRunner().invoke(cli, ["purge"], env=env)
    assert result.exit_code != 0 and "pathfinder db upgrade" in result.output


def test_the_site_purges_at_start_up(scratch_database_url):
    migrate.upgrade(scratch_database_url)
    engine = make_engine(scratch_database_url)
    with sessionmaker(bind=engine)() as session:
        add_match(session, "old", datetime.now(UTC) - timedelta(days=10))
        add_match(session, "new", datetime.now(UTC))
        session.commit()
    create_app({"ENV_NAME": "development", "DATABASE_URL": scratch_database_url})
    with sessionmaker(bind=engine)() as session:
        assert names(session) == {"new"}
        assert session.scalar(select(func.count()).select_from(MatchRequest)) == 1
    engine.dispose()


def test_start_up_never_fails_or_creates_a_database_for_the_purge(tmp_path):
    missing = tmp_path / "nowhere" / "pathfinder.db"
    create_app({"ENV_NAME": "development", "DATABASE_URL": f"sqlite:///{missing}"})
    assert not Path(missing).exists()
    empty = tmp_path / "empty.db"
    make_engine(f"sqlite:///{empty}").connect().close()  # a database with no tables
    create_app({"ENV_NAME": "development", "DATABASE_URL": f"sqlite:///{empty}"})
    unreachable = "postgresql://nobody@127.0.0.1:1/none?connect_timeout=1"
    create_app({"ENV_NAME": "development", "DATABASE_URL": unreachable})
