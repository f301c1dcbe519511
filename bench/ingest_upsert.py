"""Benchmark: upsert 100,000 funding opportunities from an XML extract into PostgreSQL.

Run by hand (not part of the test suite):

    .venv/bin/python bench/ingest_upsert.py --database-url postgresql://postgres@127.0.0.1:5432/test

It writes an extract with bench/xml_extract.py's generator, migrates a fresh schema in the
given database, then times `pathfinder ingest`'s code path (parse, normalise, upsert) twice:
a first load (all new) and a repeat (all unchanged). Target: 100,000 upserts in under 60 s.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from sqlalchemy import text
from sqlalchemy.orm import sessionmaker
from xml_extract import write_extract

from app import migrate
from app.db import make_engine
from app.services.ingest.scrape import ingest_file


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("-n", "--count", type=int, default=100_000)
    args = parser.parse_args(argv)

    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = make_engine(args.database_url)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        conn.commit()
    url = f"{args.database_url}?options={quote(f'-csearch_path={schema}')}"
    try:
        migrate.upgrade(url)
        engine = make_engine(url)
        factory = sessionmaker(bind=engine, expire_on_commit=False)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "extract.xml"
            with path.open("w", encoding="utf-8") as out:
                write_extract(out, args.count)
            print(f"extract: {args.count:,} opportunities, {path.stat().st_size / 2**20:.0f} MiB")
            for label in ("first load (all new)", "repeat (all unchanged)"):
                started = time.perf_counter()
                result = ingest_file(factory, path)
                elapsed = time.perf_counter() - started
                print(
                    f"{label}: {elapsed:.1f} s, {args.count / elapsed:,.0f} records/s "
                    f"- {result.counts.summary()}"
                )
                if result.error:
                    print(f"  error: {result.error}")
                    return 1
        engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            conn.commit()
        admin.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
