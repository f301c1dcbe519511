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
