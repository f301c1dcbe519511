"""What every `pathfinder` command shares: the lazily built app and its database session."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click
from flask import Flask
from sqlalchemy.orm import Session, sessionmaker

from app import create_app, migrate
from app.config import ConfigError


@contextmanager
def stop_on_terminate() -> Iterator[None]:
    """SIGTERM (a scheduler's time limit, a deploy) stops a run as Ctrl-C does.

    Python's default for SIGTERM ends the process on the spot, leaving the run recorded as
    running for ever; as KeyboardInterrupt the run is recorded as interrupted first.
    """

    def interrupt(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


class Context:
    """Builds the application once, on first use, so `--help` needs no database."""

    def __init__(self) -> None:
        self._app: Flask | None = None

    @property
    def app(self) -> Flask:
        if self._app is None:
            try:
                self._app = create_app()
            except ConfigError as exc:
                raise click.ClickException(str(exc)) from None
        return self._app

    @property
    def session_factory(self) -> sessionmaker[Session]:
        from app.extensions import get_database

        return get_database(self.app).session_factory

    @property
    def database_url(self) -> str:
        return str(self.app.config["DATABASE_URL"])

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work on a migrated database: committed on success, rolled back on error."""
        from app.db import session_scope
        from app.extensions import get_database

        revision = migrate.current(self.database_url)
        if revision not in migrate.heads(self.database_url):
            raise click.ClickException(
                "the database is not at the latest migration; run `pathfinder db upgrade` first"
            )
        with self.app.app_context(), session_scope(get_database(self.app).session_factory) as s:
            yield s


pass_ctx = click.make_pass_decorator(Context, ensure=True)
