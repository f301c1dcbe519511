"""Sample listings shipped in data/samples/ so a first run has something to show.

They are Pathfinder's own invented listings in the real payload formats, dated as of
SAMPLES_DATED. Loading shifts their dates forward by the days since then, so a first run
always shows upcoming deadlines; on the same day, a second load changes nothing, and records
no scrape run either: staff's dashboard and operations page list the runs that did something
(a run that changed nothing would only push the real scrapes down their lists).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from app.services.ingest.scrape import ingest_file
from app.services.ingest.store import RunResult, close_expired

SAMPLES_DATED = date(2026, 11, 22)
SAMPLE_SUFFIXES = {".json", ".xml", ".zip"}


def sample_files(directory: Path) -> list[Path]:
    """The sample payload files, in a stable order."""
    if not directory.is_dir():
        return []
    return sorted(
        p for p in directory.iterdir() if p.is_file() and p.suffix.lower() in SAMPLE_SUFFIXES
    )


def load_samples(
    factory: sessionmaker[Session], directory: Path, today: date | None = None
) -> dict[str, RunResult]:
    """Ingest every sample file, flagged as samples; returns each file's run result."""
    today = today or date.today()
    shift = max(0, (today - SAMPLES_DATED).days)
    results = {
        path.name: ingest_file(
            factory,
            path,
            today=SAMPLES_DATED,
            is_sample=True,
            shift_days=shift,
            record_if_unchanged=False,
        )
        for path in sample_files(directory)
    }
    with factory() as session:
        close_expired(session, today)
        session.commit()
    return results
