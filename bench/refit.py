"""Benchmark: refitting the role model after a catalog edit, and switching to it in the background.

Seeds a scratch database (SQLite by default, a fresh PostgreSQL schema with `--database-url`)
with the real catalog from data/, then measures, in the same run:

- **version check**: `catalog_version`, the query every `FittedCache.get` makes;
- **full refit**: the role model's build on the real catalog (`catalog_spec` read from the
  database + `build_role_matcher`), and its two halves; then writing and loading its pickle,
  what a second process does instead of fitting;
- **baseline, one match**: `RoleMatcher.rank(top_k=5)` of a ~120-word resume, so a refit can be
  stated in matches;
- **inline switch** (the baseline of the switch, what a request waited for before background
  refits): a catalog edit is committed, then `get(wait=True)` in a request;
- **background switch**: a catalog edit is committed, then requests (`MODEL_REFIT =
  "background"`) keep calling `get` and matching: how long the first one took, how long until
  one got the new model, and the match latency while the fit ran in the other thread;
- **background switch, fitted elsewhere**: as above, but another cache (another process)
  wrote the new version's file first: the background thread only loads it.

    .venv/bin/python bench/refit.py
    .venv/bin/python bench/refit.py --repeat 5 --database-url postgresql://postgres@127.0.0.1/db
"""

from __future__ import annotations

import argparse
import pickle
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from flask import Flask  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlalchemy.orm import Session, sessionmaker  # noqa: E402

from app import migrate  # noqa: E402
from app.catalog.loader import load_catalog_into  # noqa: E402
from app.db import make_engine, session_scope  # noqa: E402
from app.models import AuditEntry, SkillAlias  # noqa: E402
from app.models.catalog import AliasKind  # noqa: E402
from app.services.fitted_cache import FittedCache  # noqa: E402
from app.services.matcher import _fit_role_matcher, catalog_spec, catalog_version  # noqa: E402
from matching.roles import build_role_matcher  # noqa: E402

RESUME = (
    "Security operations analyst with five years on a federal SOC. I triage SIEM alerts in "
    "Splunk and Microsoft Sentinel, investigate CrowdStrike EDR detections, hunt for threats "
    "in Zeek and Suricata logs and packet captures in Wireshark, and lead incident response "
    "following NIST SP 800-61: scoping, containment, eradication and after-action reviews. I "
    "write detection queries mapped to MITRE ATT&CK, automate enrichment with Python, brief "
    "leadership and write incident reports. Active Top Secret clearance. CompTIA Security+, "
    "GCIH. Bachelor of Science in Information Systems, 2019."
)


def median_of(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """(median seconds, the last result) of `repeat` calls."""
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def edit_catalog(factory: sessionmaker[Session], n: int) -> None:
    """A staff edit: one new alias of Splunk and its catalog.edit audit entry, committed."""
    alias = f"bench alias {uuid.uuid4().hex[:8]} {n}"
    with session_scope(factory) as session:
        session.add(SkillAlias(skill_id="splunk", alias=alias, kind=AliasKind.ALIAS))
        session.add(
            AuditEntry(
                actor="bench", action="catalog.edit", entity_type="skill", entity_id="splunk",
                changes={"aliases": {"added": [alias]}},
            )
        )  # fmt: skip


def background_switch(
    cache: FittedCache,
    app: Flask,
    factory: sessionmaker[Session],
    folder: Path,
    edit: Callable[[], None],
) -> dict[str, Any]:
    """After `edit`: requests keep matching; when the first one gets the new model."""
    with factory() as session:
        old = cache.get(session, directory=folder, wait=True)
    edit()
    changed = time.perf_counter()
    first_get = None
    ranks: list[float] = []
    while True:
        with factory() as session, app.test_request_context():
            started = time.perf_counter()
            model = cache.get(session, directory=folder)
            got = time.perf_counter() - started
            first_get = got if first_get is None else first_get
            if model is not old:
                return {
                    "switch": time.perf_counter() - changed,
                    "first_get": first_get,
                    "ranks": ranks,
                }
            started = time.perf_counter()
            model.rank(RESUME, top_k=5)
            ranks.append(time.perf_counter() - started)
        if time.perf_counter() - changed > 300:
            raise RuntimeError("the background refit never finished")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs of each measure (median)")
    parser.add_argument("--database-url", help="PostgreSQL server; a scratch schema is used")
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="refit-bench-"))
    schema = None
    if args.database_url:
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        admin = make_engine(args.database_url)
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
            conn.commit()
        url = f"{args.database_url}?options={quote(f'-csearch_path={schema}')}"
    else:
        url = f"sqlite:///{scratch / 'bench.db'}"
    try:
        run(url, scratch, args.repeat)
    finally:
        if schema:
            with admin.connect() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
                conn.commit()
            admin.dispose()


def run(url: str, scratch: Path, repeat: int) -> None:
    migrate.upgrade(url)
    engine = make_engine(url)
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    with session_scope(factory) as session:
        load_catalog_into(session, REPO_ROOT / "data")
    print(f"database: {engine.url.get_backend_name()}, {repeat} runs of each measure (median)")
    rows: list[tuple[str, float]] = []

    with factory() as session:
        check, _ = median_of(lambda: catalog_version(session), 50 * repeat)
        read, spec = median_of(lambda: catalog_spec(session), repeat)
        build, _ = median_of(lambda: build_role_matcher(spec), repeat)
        refit, model = median_of(lambda: _fit_role_matcher(session), repeat)
    print(f"catalog: {len(spec.roles)} work roles, {len(spec.skills)} skills")
    data = pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL)
    dump, _ = median_of(lambda: pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL), repeat)
    load, _ = median_of(lambda: pickle.loads(data), repeat)
    model.rank(RESUME, top_k=5)  # warm
    match, _ = median_of(lambda: model.rank(RESUME, top_k=5), 10 * repeat)
    rows += [
        ("version check (catalog_version, every get)", check),
        ("full refit (catalog read + fit)", refit),
        ("  catalog_spec read", read),
        ("  build_role_matcher fit", build),
        (f"pickle write ({len(data) / 2**20:.1f} MiB)", dump),
        ("pickle load (a process that did not fit)", load),
        ("BASELINE one match, RoleMatcher.rank top 5", match),
    ]

    app = Flask("refit-bench")
    folder = scratch / "models"
    cache = FittedCache("role-matcher", catalog_version, _fit_role_matcher, shared=True)
    app.config["MODEL_REFIT"] = "inline"
    inline_times = []
    for n in range(repeat):
        with factory() as session, app.test_request_context():
            cache.get(session, directory=folder)
        edit_catalog(factory, n)
        with factory() as session, app.test_request_context():
            started = time.perf_counter()
            cache.get(session, directory=folder)
            inline_times.append(time.perf_counter() - started)
    inline = statistics.median(inline_times)

    app.config["MODEL_REFIT"] = "background"
    runs = []
    for n in range(repeat):
        runs.append(
            background_switch(cache, app, factory, folder, lambda n=n: edit_catalog(factory, n))
        )
    switch = statistics.median(r["switch"] for r in runs)
    first_get = statistics.median(r["first_get"] for r in runs)
    during = [t for r in runs for t in r["ranks"]]

    elsewhere_runs = []
    other = FittedCache("role-matcher", catalog_version, _fit_role_matcher, shared=True)

    def edit_elsewhere(n: int) -> None:
        edit_catalog(factory, n)
        with factory() as session:
            other.get(session, directory=folder)  # another process fits and shares the file

    for n in range(repeat):
        elsewhere_runs.append(
            background_switch(cache, app, factory, folder, lambda n=n: edit_elsewhere(n))
        )
    elsewhere = statistics.median(r["switch"] for r in elsewhere_runs)
    elsewhere_first = statistics.median(r["first_get"] for r in elsewhere_runs)
    engine.dispose()

    rows += [
        ("BASELINE inline switch: a request waits for get(wait=True)", inline),
        ("background: the first request's get after the edit", first_get),
        ("background: edit -> a request gets the new model", switch),
        ("background, file fitted elsewhere: the first get", elsewhere_first),
        ("background, file fitted elsewhere: edit -> new model", elsewhere),
    ]
    if during:
        rows.append(
            (f"match during a background fit, median of {len(during)}", statistics.median(during))
        )
    width = max(len(name) for name, _ in rows)
    for name, seconds in rows:
        print(f"{name:<{width}}  {seconds * 1000:10.2f} ms")
    print()
    print(f"full refit = {refit / match:,.0f} matches (x the one-match baseline)")
    print(f"first request after an edit: {first_get / inline:.5f} x the inline wait")
    print(f"  ({inline / first_get:,.0f} times shorter)")
    print(f"background switch = {switch / inline:.2f} x the inline refit")
    print(f"switch from a shared file = {elsewhere / inline:.3f} x the inline refit")
    if during:
        print(f"match during a fit = {statistics.median(during) / match:.2f} x an idle match")
    print(f"threads alive at the end: {threading.active_count()}")


if __name__ == "__main__":
    main()
