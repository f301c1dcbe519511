"""One cache for every fitted model: a version key, a build, per-process memory, a shared file.

A model is fitted from the database and is valid for as long as a version string computed
from the database stays the same. Each process keeps the latest version in memory; a cache
marked `shared` also pickles it under the configured cache folder, so the next process (another
app instance, a CLI command) loads it instead of fitting again.

Lock policy: a version is built at most once per process (the build holds the cache's lock);
readers of the version already in memory never take the lock.
"""

from __future__ import annotations

import logging
import os
import pickle
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, Generic, TypeVar

from flask import current_app, has_app_context
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)
T = TypeVar("T")
_MISSING: Any = object()


def cache_dir() -> Path:
    """The configured folder for shared model files (`MODEL_CACHE_DIR`; needs an app context)."""
    return Path(str(current_app.config["MODEL_CACHE_DIR"]))


class FittedCache(Generic[T]):
    """The latest fitted model for `key(session, *inputs)`, built by `build(session, *inputs)`.

    The inputs are passed to both functions unchanged; the key must already account for them.
    """

    def __init__(
        self,
        name: str,
        key: Callable[..., str],
        build: Callable[..., T],
        *,
        shared: bool = False,
    ) -> None:
        self.name = name
        self._key = key
        self._build = build
        self.shared = shared
        self._lock = threading.Lock()
        # (version, model), replaced as a whole so readers need no lock.
        self._entry: tuple[str, T] | None = None

    def get(self, session: Session, *inputs: Any, directory: Path | None = None) -> T:
        """The model for the current version: from memory, the shared file, or built now.

        `directory` overrides the configured cache folder (without an app context and without
        it, a shared cache keeps to memory).
        """
        version = self._key(session, *inputs)
        entry = self._entry
        if entry is not None and entry[0] == version:
            return entry[1]
        with self._lock:
            entry = self._entry
            if entry is not None and entry[0] == version:
                return entry[1]
            path = self._path(version, directory)
            model = self._read(path) if path is not None else _MISSING
            if model is _MISSING:
                model = self._build(session, *inputs)
                if path is not None:
                    self._write(path, model)
            self._entry = (version, model)  # one version at a time per process
            return model

    def clear(self) -> None:
        """Forget the model in memory (tests; or after changes the version cannot see)."""
        with self._lock:
            self._entry = None

    def _path(self, version: str, directory: Path | None) -> Path | None:
        if not self.shared:
            return None
        if directory is None:
            if not has_app_context():
                return None
            directory = cache_dir()
        return directory / f"{self.name}-{version}.pickle"

    def _read(self, path: Path) -> Any:
        if not path.exists():
            return _MISSING
        try:
            # Our own file, written by `_write`: never a user upload.
            with path.open("rb") as handle:
                return pickle.load(handle)
        except Exception:
            log.warning("ignoring unreadable model cache %s", path)
            return _MISSING

    def _write(self, path: Path, model: T) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            try:
                with os.fdopen(handle, "wb") as out:
                    pickle.dump(model, out, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(temporary, path)  # atomic: other processes never read half a file
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        except OSError as exc:
            log.warning("could not cache the model in %s: %s", path.parent, exc)
