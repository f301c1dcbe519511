"""One cache for every fitted model: a version key, a build, per-process memory, a shared file.

A model is fitted from the database and is valid for as long as a version string computed
from the database stays the same (and, within a process, for the same inputs: a model fitted
on another model is refitted when it is given a new one). Each process keeps the latest
version in memory; a cache marked `shared` also pickles it under the configured cache folder,
so the next process (another app instance, a CLI command) loads it instead of fitting again.

Every `get` computes the version (a cheap query), so a change made by any process is seen by
all of them on their next use. What happens then depends on who is asking:

- **a request** (with `MODEL_REFIT = "background"`, the default): it is answered at once with
  the model already in memory, and one background thread of the process loads the new
  version's shared file, if another process wrote it already, or fits it, with a database
  session of its own. Later requests get the new model as soon as it is in memory. A failed
  background fit is logged and tried again by a request at least `retry_delay` seconds later;
  the previous model is served meanwhile.
- **anyone else** (commands, scripts, tests, `MODEL_REFIT = "inline"`, or `wait=True`): the
  call waits for the current version, as does the very first use in a process, when there is
  no model to serve.

Lock policy: one lock per cache, held by whoever loads or fits a version (a request on first
use, a caller that waits, or the background thread), so a process loads or fits at most one
version of a cache at a time and never the same version twice. Readers of the model in memory
never wait on the lock: a request that finds its model out of date only tries the lock without
blocking; if it gets it, it hands it to a new background thread, which releases it when done;
if not, a fit is already under way and the request carries on with the model it has.
"""

from __future__ import annotations

import logging
import os
import pickle
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Generic, TypeVar

from flask import current_app, has_app_context, has_request_context
from sqlalchemy.orm import Session

from app.db import READ_ONLY

log = logging.getLogger(__name__)
T = TypeVar("T")
_MISSING: Any = object()
REFIT_MODES = ("background", "inline")


def cache_dir() -> Path:
    """The configured folder for shared model files (`MODEL_CACHE_DIR`; needs an app context)."""
    return Path(str(current_app.config["MODEL_CACHE_DIR"]))


def _same_inputs(one: tuple[Any, ...], two: tuple[Any, ...]) -> bool:
    """Inputs are the same objects or equal values (a fitted model compares by identity)."""
    if len(one) != len(two):
        return False
    for a, b in zip(one, two, strict=True):
        if a is b:
            continue
        try:
            if not bool(a == b):
                return False
        except Exception:  # an array's elementwise ==, say: not comparable, so not the same
            return False
    return True


class FittedCache(Generic[T]):
    """The latest fitted model for `key(session, *inputs)`, built by `build(session, *inputs)`.

    The inputs are passed to both functions unchanged; the key must already account for them
    (the shared file is named by the key alone).
    """

    retry_delay = 30.0  # seconds after a failed background fit before a request tries again

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
        # (version, inputs, model), replaced as a whole so readers need no lock.
        self._entry: tuple[str, tuple[Any, ...], T] | None = None
        self._failed_at: float | None = None  # time.monotonic() of the last failed refit
        self.last_fit_seconds: float | None = None  # the latest load or fit, for the logs

    def get(
        self,
        session: Session,
        *inputs: Any,
        directory: Path | None = None,
        wait: bool | None = None,
        version: str | None = None,
    ) -> T:
        """The model for the current version, or the previous one while the new one is fitted.

        `wait=True` always returns the current version (loaded or fitted now); `wait=False`
        returns the model in memory, if any, and refits in the background; the default waits
        except in a request of an app whose `MODEL_REFIT` is "background". `directory`
        overrides the configured cache folder (without an app context and without it, a
        shared cache keeps to memory). `version` is the key, if the caller computed it already
        (a background refit computes its own, as of its own reads).
        """
        if version is None:
            version = self._key(session, *inputs)
        entry = self._entry
        if entry is not None and entry[0] == version and _same_inputs(entry[1], inputs):
            return entry[2]
        if entry is not None and not self._waits(wait):
            self._refit_in_background(session, inputs, directory)
            return entry[2]
        with self._lock:
            return self._load_or_build(session, version, inputs, self._folder(directory))

    def wait_for_refit(self, timeout: float = -1) -> bool:
        """Wait until no version is being loaded or fitted (tests, benchmarks); False on timeout."""
        if not self._lock.acquire(timeout=timeout):
            return False
        self._lock.release()
        return True

    def clear(self) -> None:
        """Forget the model in memory (tests; or after changes the version cannot see)."""
        with self._lock:
            self._entry = None
            self._failed_at = None

    # -- loading and fitting (the caller holds the lock) -------------------------------------

    def _load_or_build(
        self, session: Session, version: str, inputs: tuple[Any, ...], folder: Path | None
    ) -> T:
        entry = self._entry
        if entry is not None and entry[0] == version and _same_inputs(entry[1], inputs):
            return entry[2]  # loaded or fitted while the caller waited for the lock
        started = time.perf_counter()
        path = folder / f"{self.name}-{version}.pickle" if folder is not None else None
        model = self._read(path) if path is not None else _MISSING
        how = "loaded"
        if model is _MISSING:
            model = self._build(session, *inputs)
            how = "fitted"
            if path is not None:
                self._write(path, model)
        self._entry = (version, inputs, model)  # one version at a time per process
        self._failed_at = None
        self.last_fit_seconds = time.perf_counter() - started
        log.info("%s %s version %s in %.2f s", how, self.name, version, self.last_fit_seconds)
        return model

    # -- the background refit ------------------------------------------------------------------

    def _waits(self, wait: bool | None) -> bool:
        if wait is not None:
            return wait
        if not has_request_context():
            return True  # no user is kept waiting: a command, a script, a test
        mode = str(current_app.config.get("MODEL_REFIT", "background")).strip().lower()
        return mode == "inline"

    def _refit_in_background(
        self, session: Session, inputs: tuple[Any, ...], directory: Path | None
    ) -> None:
        """Start the one background refit of this cache, unless one runs or failed just now."""
        failed_at = self._failed_at
        if failed_at is not None and time.monotonic() - failed_at < self.retry_delay:
            return
        if not self._lock.acquire(blocking=False):
            return  # a version is being loaded or fitted already
        try:
            # The thread's own session, on the engine (a connection is never shared with it).
            engine = session.get_bind().engine
            folder = self._folder(directory)  # resolved here: the thread has no app context
            thread = threading.Thread(
                target=self._refit,
                args=(engine, inputs, folder),
                name=f"refit-{self.name}",
                daemon=True,
            )
            thread.start()  # from here on, the thread releases the lock
        except Exception:
            self._lock.release()
            self._failed_at = time.monotonic()
            log.exception("could not start a background refit of %s", self.name)

    def _refit(self, engine: Any, inputs: tuple[Any, ...], folder: Path | None) -> None:
        try:
            with Session(bind=engine) as session:
                session.connection(execution_options=READ_ONLY)  # reads only: no write lock
                version = self._key(session, *inputs)  # as of this session's own reads
                self._load_or_build(session, version, inputs, folder)
        except Exception:
            self._failed_at = time.monotonic()
            log.exception(
                "background refit of %s failed; the previous model is still served", self.name
            )
        finally:
            self._lock.release()

    # -- the shared file -----------------------------------------------------------------------

    def _folder(self, directory: Path | None) -> Path | None:
        if not self.shared:
            return None
        if directory is None:
            if not has_app_context():
                return None
            directory = cache_dir()
        return directory

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
