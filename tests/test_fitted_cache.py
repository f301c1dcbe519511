"""FittedCache: a build per version, shared by file, safe with corrupt files and threads."""

import threading
import time

import pytest
from flask import Flask

from app.services.fitted_cache import FittedCache, cache_dir


class Counter:
    """A build function that counts its calls and returns a fresh, picklable model."""

    def __init__(self, delay: float = 0.0) -> None:
        self.calls = 0
        self.delay = delay

    def __call__(self, session, *inputs):
        self.calls += 1
        time.sleep(self.delay)
        return {"built": self.calls, "inputs": inputs}


def versioned(state: dict):
    return lambda session, *inputs: state["version"]


def test_builds_once_per_version_and_rebuilds_on_a_new_one():
    state = {"version": "v1"}
    build = Counter()
    cache = FittedCache("thing", versioned(state), build)
    first = cache.get(None)
    assert cache.get(None) is first and build.calls == 1
    state["version"] = "v2"
    second = cache.get(None)
    assert second is not first and build.calls == 2
    assert cache.get(None) is second


def test_inputs_reach_the_key_and_the_build():
    build = Counter()
    cache = FittedCache("thing", lambda session, day: f"day-{day}", build)
    assert cache.get(None, 3)["inputs"] == (3,)
    assert cache.get(None, 3)["built"] == 1
    assert cache.get(None, 4)["built"] == 2


def test_a_version_the_caller_computed_is_used_without_computing_it_again():
    keys: list[str] = []
    build = Counter()
    cache = FittedCache("thing", lambda session: keys.append("key") or "v1", build)
    first = cache.get(None)
    assert cache.get(None, version="v1") is first and keys == ["key"]
    assert cache.get(None, version="v2") is not first and keys == ["key"]
    assert build.calls == 2


def test_none_is_a_model_too_and_clear_forgets():
    build_calls = []
    cache = FittedCache("empty", lambda s: "v", lambda s: build_calls.append(1))
    assert cache.get(None) is None and cache.get(None) is None
    assert len(build_calls) == 1
    cache.clear()
    cache.get(None)
    assert len(build_calls) == 2


def test_the_file_cache_is_shared_across_processes(tmp_path):
    state = {"version": "v1"}
    first_build, second_build = Counter(), Counter()
    one = FittedCache("thing", versioned(state), first_build, shared=True)
    two = FittedCache("thing", versioned(state), second_build, shared=True)  # another process
    built = one.get(None, directory=tmp_path)
    assert [p.name for p in tmp_path.glob("*.pickle")] == ["thing-v1.pickle"]
    loaded = two.get(None, directory=tmp_path)
    assert loaded == built and loaded is not built and second_build.calls == 0
    assert list(tmp_path.glob("*.tmp")) == []  # written via a temporary file, renamed


def test_the_cache_folder_comes_from_the_app_config(tmp_path):
    app = Flask(__name__)
    app.config["MODEL_CACHE_DIR"] = str(tmp_path / "models")
    cache = FittedCache("thing", lambda s: "v1", Counter(), shared=True)
    with app.app_context():
        assert cache_dir() == tmp_path / "models"
        cache.get(None)
    assert (tmp_path / "models" / "thing-v1.pickle").exists()


def test_without_a_folder_a_shared_cache_keeps_to_memory(tmp_path):
    build = Counter()
    cache = FittedCache("thing", lambda s: "v1", build, shared=True)
    assert cache.get(None)["built"] == 1 and cache.get(None)["built"] == 1


def test_a_corrupt_file_is_rebuilt_and_replaced(tmp_path):
    (tmp_path / "thing-v1.pickle").write_bytes(b"not a pickle")
    build = Counter()
    cache = FittedCache("thing", lambda s: "v1", build, shared=True)
    assert cache.get(None, directory=tmp_path)["built"] == 1
    other = FittedCache("thing", lambda s: "v1", Counter(), shared=True)
    assert other.get(None, directory=tmp_path)["built"] == 1  # the rewritten file loads


def test_an_unwritable_folder_is_not_fatal(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("a file where the folder should be")
    cache = FittedCache("thing", lambda s: "v1", Counter(), shared=True)
    assert cache.get(None, directory=blocker / "models")["built"] == 1


def test_a_failed_build_caches_nothing():
    calls = []

    def build(session):
        calls.append(1)
        raise LookupError("empty")

    cache = FittedCache("thing", lambda s: "v1", build)
    for _ in range(2):
        with pytest.raises(LookupError):
            cache.get(None)
    assert len(calls) == 2


def test_concurrent_readers_build_once():
    build = Counter(delay=0.05)
    cache = FittedCache("thing", lambda s: "v1", build)
    results = []
    threads = [threading.Thread(target=lambda: results.append(cache.get(None))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert build.calls == 1 and len(results) == 8
    assert all(r is results[0] for r in results)


# -- refitting in the background --------------------------------------------------------------


class Gate:
    """A build that blocks until opened, recording the session it was given."""

    def __init__(self) -> None:
        self.calls = 0
        self.sessions: list = []
        self.opened = threading.Event()
        self.fail = False

    def __call__(self, session, *inputs):
        self.calls += 1
        self.sessions.append(session)
        if self.calls > 1:  # the first build (first use) never waits
            assert self.opened.wait(10), "the gate was never opened"
        if self.fail:
            raise RuntimeError("the fit failed")
        return {"built": self.calls, "inputs": inputs}


@pytest.fixture
def session(tmp_path):
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    engine = create_engine(f"sqlite:///{tmp_path / 'cache.db'}")
    with Session(bind=engine) as session:
        yield session
    engine.dispose()


def test_a_stale_model_is_served_while_one_background_fit_runs(session):
    state = {"version": "v1"}
    build = Gate()
    cache = FittedCache("thing", versioned(state), build)
    first = cache.get(session, wait=False)  # first use: nothing to serve, so fitted now
    assert first["built"] == 1
    state["version"] = "v2"
    started = time.perf_counter()
    served = [cache.get(session, wait=False) for _ in range(5)]
    assert time.perf_counter() - started < 1  # nobody waited for the fit
    assert all(model is first for model in served)
    build.opened.set()
    assert cache.wait_for_refit(timeout=10)
    assert build.calls == 2  # one background fit for the five stale reads
    second = cache.get(session, wait=False)
    assert second["built"] == 2 and cache.get(session) is second
    # Its own session, on the same engine: never the request's, which stays in its thread.
    assert build.sessions[1] is not session
    assert build.sessions[1].get_bind().engine is session.get_bind().engine


def test_a_background_refit_loads_the_file_another_process_wrote(session, tmp_path):
    state = {"version": "v1"}
    mine, theirs = Gate(), Counter()
    cache = FittedCache("thing", versioned(state), mine, shared=True)
    other = FittedCache("thing", versioned(state), theirs, shared=True)  # another process
    cache.get(session, directory=tmp_path)
    state["version"] = "v2"
    fitted_there = other.get(session, directory=tmp_path)
    assert cache.get(session, directory=tmp_path, wait=False)["built"] == 1  # still the old
    assert cache.wait_for_refit(timeout=10)
    assert cache.get(session, directory=tmp_path, wait=False) == fitted_there
    assert mine.calls == 1  # loaded, not fitted again


def test_a_failed_background_fit_is_logged_and_retried_later(session, caplog):
    state = {"version": "v1"}
    build = Gate()
    build.opened.set()
    cache = FittedCache("thing", versioned(state), build)
    first = cache.get(session)
    state["version"], build.fail = "v2", True
    assert cache.get(session, wait=False) is first
    assert cache.wait_for_refit(timeout=10)
    assert "background refit of thing failed" in caplog.text
    assert cache.get(session, wait=False) is first  # within retry_delay: not tried again
    assert cache.wait_for_refit(timeout=10) and build.calls == 2
    cache.retry_delay, build.fail = 0.0, False
    assert cache.get(session, wait=False) is first  # tried again, in the background
    assert cache.wait_for_refit(timeout=10) and build.calls == 3
    assert cache.get(session, wait=False)["built"] == 3


def test_waiting_callers_get_the_new_version_even_during_a_background_fit(session):
    state = {"version": "v1"}
    build = Gate()
    cache = FittedCache("thing", versioned(state), build)
    cache.get(session)
    state["version"] = "v2"
    assert cache.get(session, wait=False)["built"] == 1
    threading.Timer(0.2, build.opened.set).start()
    assert cache.get(session, wait=True)["built"] == 2  # waited for the background fit
    assert build.calls == 2


def test_requests_follow_model_refit_and_everyone_else_waits(session):
    app = Flask(__name__)
    state = {"version": "v1"}
    build = Counter()
    cache = FittedCache("thing", versioned(state), build)
    cache.get(session)
    state["version"] = "v2"
    with app.app_context():
        assert cache.get(session)["built"] == 2  # a command: waits
    state["version"] = "v3"
    app.config["MODEL_REFIT"] = "inline"
    with app.test_request_context():
        assert cache.get(session)["built"] == 3
    state["version"] = "v4"
    app.config["MODEL_REFIT"] = "background"
    with app.test_request_context():
        assert cache.get(session)["built"] == 3  # the previous model, at once
    assert cache.wait_for_refit(timeout=10)
    with app.test_request_context():
        assert cache.get(session)["built"] == 4


def test_a_model_fitted_on_another_model_is_refitted_for_a_new_one():
    build = Counter()
    cache = FittedCache("index", lambda s, matcher: "v1", build)
    old, new = object(), object()
    assert cache.get(None, old)["inputs"] == (old,)
    assert cache.get(None, old)["built"] == 1
    assert cache.get(None, new)["inputs"] == (new,) and build.calls == 2
