"""Sample listings shipped in data/samples/ so a first run has something to show."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session


def sample_files(directory: Path) -> list[Path]:
    """The sample payload files, in a stable order."""
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if p.is_file() and not p.name.startswith("."))


def load_samples(session: Session, directory: Path) -> dict[str, str]:
    """Load every sample file; returns a one-line summary per file.

    The ingestion pipeline that reads USAJOBS and Grants.gov payloads arrives with the
    scrapers; until then there are no sample files and this loads nothing.
    """
    files = sample_files(directory)
    if files:
        raise NotImplementedError("sample ingestion arrives with the scrapers")
    return {}
