"""Synthetic listings for scale tests: many realistic jobs and funding opportunities.

Records are built in the real `JobRecord` / `FundingRecord` shapes from the sample listings'
own vocabulary (titles, series, agencies, places, hiring paths, clearances, duty paragraphs,
descriptions) and the catalog's funding programs (assistance listings, agencies, categories,
eligibility, keywords), recombined by a seeded random generator. They are stored through the
ordinary ingest path (`execute_run`, in committed batches), under the source `synthetic`,
flagged as samples (so every page says they are not real) and with `raw["synthetic"]` set.

The same seed on the same day gives the same records, so a re-run stores nothing new; dates
are relative to `today` so that a load always shows upcoming deadlines.
`remove_synthetic` deletes them all again (their classifications and saves go with them).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from app.models import FundingOpportunity, JobListing
from app.services.ingest.samples import SAMPLES_DATED, sample_files
from app.services.ingest.store import Record, RunResult, execute_run
from scrapers.files import iter_file
from scrapers.records import FundingRecord, FundingStatus, JobRecord

SOURCE = "synthetic"
BATCH_SIZE = 1000
# 2026 GS base pay, step 1 to step 10, by grade (rounded): salaries follow the grade.
GS_PAY = {
    5: (36_000, 46_800), 7: (44_600, 58_000), 9: (54_600, 71_000), 11: (66_000, 85_800),
    12: (79_100, 102_800), 13: (94_100, 122_300), 14: (111_200, 144_600),
    15: (130_800, 170_000),
}  # fmt: skip
LOCALITY = (1.0, 1.17, 1.27, 1.33, 1.45)
REMOTE = "Anywhere in the U.S. (remote job)"  # as USAJOBS writes it
ROLLING_NOTES = ("Applications accepted on a rolling basis", "Proposals accepted anytime.")


@dataclass(frozen=True)
class Vocabulary:
    """What synthetic records are drawn from: the sample listings and the funding catalog."""

    jobs: tuple[JobRecord, ...]
    funding: tuple[FundingRecord, ...]
    programs: tuple[dict[str, Any], ...]

    @classmethod
    def load(cls, data_dir: Path) -> Vocabulary:
        records = [r for path in sample_files(data_dir / "samples") for r in _read(path)]
        programs = yaml.safe_load((data_dir / "funding_programs.yaml").read_text("utf-8"))
        return cls(
            jobs=tuple(r for r in records if isinstance(r, JobRecord)),
            funding=tuple(r for r in records if isinstance(r, FundingRecord)),
            programs=tuple(programs),
        )


def _read(path: Path) -> Iterator[Record]:
    yield from iter_file(path, None, today=SAMPLES_DATED)


def _paragraphs(text: str | None) -> list[str]:
    return [p for p in (text or "").split("\n\n") if p.strip()]


class _Generator:
    """One seeded stream of records; the n-th record depends only on the seed and n."""

    def __init__(self, vocabulary: Vocabulary, seed: int, today: date):
        self.v = vocabulary
        self.seed = seed
        self.today = today
        self.organizations = sorted(
            {(j.organization, j.department, j.agency_code) for j in vocabulary.jobs},
            key=str,
        )
        self.locations = sorted(
            {loc for j in vocabulary.jobs if not j.remote for loc in j.locations}
        )
        self.hiring_paths = [j.hiring_paths for j in vocabulary.jobs]
        self.clearances = [j.clearance for j in vocabulary.jobs]
        self.funding_agencies = sorted(
            {(f.agency_code, f.agency) for f in vocabulary.funding}, key=str
        )

    def _random(self, kind: str, n: int) -> random.Random:
        return random.Random(f"{self.seed}:{kind}:{n}")

    def job(self, n: int) -> JobRecord:
        rnd = self._random("job", n)
        base = rnd.choice(self.v.jobs)
        same_series = [j for j in self.v.jobs if j.series == base.series and j is not base]
        other = rnd.choice(same_series or list(self.v.jobs))
        organization, department, agency_code = rnd.choice(self.organizations)
        grade_low, grade_high, salary = self._grades(rnd, base)
        duties = _paragraphs(base.body)
        extra = _paragraphs(other.body)[:2]
        body = "\n\n".join([*rnd.sample(duties, len(duties)), *extra])
        opened = self.today - timedelta(days=rnd.randint(0, 30))
        closes = self.today + timedelta(days=rnd.randint(-5, 90))
        places = rnd.sample(self.locations, rnd.choice((1, 1, 1, 2, 3)))
        remote = rnd.random() < 0.12
        return JobRecord(
            source=SOURCE,
            source_id=f"syn-job-{self.seed}-{n:06d}",
            title=rnd.choice((base.title, other.title)),
            organization=organization,
            department=department,
            agency_code=agency_code,
            announcement_number=f"SYN-{opened:%y}-{n:06d}",
            series=base.series,
            pay_plan=base.pay_plan,
            grade_low=grade_low,
            grade_high=grade_high,
            salary_min=salary[0],
            salary_max=salary[1],
            salary_interval=base.salary_interval,
            locations=(REMOTE,) if remote else tuple(places),
            remote=remote,
            telework=not remote and rnd.random() < 0.6,
            clearance=rnd.choice(self.clearances),
            hiring_paths=rnd.choice(self.hiring_paths),
            open_date=opened,
            close_date=closes,
            url=None,
            summary=" ".join([base.summary or "", (other.summary or "").split(". ")[0]]).strip(),
            body=body,
            status="closed" if closes < self.today else "open",
            raw={"synthetic": True, "seed": self.seed, "n": n},
        )

    def _grades(
        self, rnd: random.Random, base: JobRecord
    ) -> tuple[int | None, int | None, tuple[float | None, float | None]]:
        if base.pay_plan != "GS" or base.grade_low is None:
            return base.grade_low, base.grade_high, (base.salary_min, base.salary_max)
        low = rnd.choice([g for g in GS_PAY if abs(g - base.grade_low) <= 2])
        high = rnd.choice([g for g in GS_PAY if low <= g <= low + 2])
        locality = rnd.choice(LOCALITY)
        return low, high, (round(GS_PAY[low][0] * locality), round(GS_PAY[high][1] * locality))

    def opportunity(self, n: int) -> FundingRecord:
        rnd = self._random("funding", n)
        program = rnd.choice(self.v.programs)
        base = rnd.choice(self.v.funding)
        keywords = list(program.get("keywords") or []) or ["cybersecurity"]
        focus = rnd.choice(keywords)
        year = self.today.year + rnd.choice((0, 0, 1))
        agency_code, agency = rnd.choice(
            [a for a in self.funding_agencies if a[1] == program["agency"]]
            or [(base.agency_code, program["agency"])]
        )
        status: FundingStatus = rnd.choices(("posted", "forecasted", "closed"), (80, 16, 4))[0]
        opened = self.today + timedelta(
            days=rnd.randint(7, 120) if status == "forecasted" else -rnd.randint(0, 60)
        )
        rolling = rnd.random() < 0.06
        closes = None if rolling else opened + timedelta(days=rnd.randint(30, 150))
        if status == "closed":
            closes = self.today - timedelta(days=rnd.randint(1, 30))
            opened = closes - timedelta(days=rnd.randint(30, 120))
        ceiling = float(rnd.choice((1, 2, 5)) * 10 ** rnd.randint(4, 7))
        awards = rnd.randint(1, 60)
        description = "\n\n".join(
            [
                str(program.get("summary") or ""),
                str(program.get("cyber_ai_use") or ""),
                f"Priority areas include {', '.join(rnd.sample(keywords, min(3, len(keywords))))}.",
                *_paragraphs(base.description)[:1],
            ]
        )
        name = program.get("short_name") or program["title"]
        return FundingRecord(
            source=SOURCE,
            source_id=f"syn-opp-{self.seed}-{n:06d}",
            title=f"FY{year % 100:02d} {name}: {focus.capitalize()}",
            number=f"SYN-{year % 100:02d}-{self.seed}-{n:06d}",
            agency_code=agency_code,
            agency=agency,
            assistance_listings=(str(program["aln"]),),
            status=status,
            open_date=opened,
            close_date=closes,
            close_date_note=rnd.choice(ROLLING_NOTES) if rolling else base.close_date_note,
            archive_date=closes + timedelta(days=30) if closes else None,
            award_ceiling=ceiling,
            award_floor=ceiling / rnd.choice((5, 10, 20)),
            total_funding=ceiling * awards,
            expected_awards=awards,
            eligible_applicants=tuple(program.get("eligible_applicants") or ("99",)),
            eligibility_note=base.eligibility_note,
            categories=tuple(program.get("categories") or ()),
            funding_instruments=base.funding_instruments,
            cost_sharing=rnd.random() < 0.3,
            url=None,
            description=description,
            raw={"synthetic": True, "seed": self.seed, "n": n},
        )


def synthetic_jobs(
    vocabulary: Vocabulary, count: int, seed: int, today: date
) -> Iterator[JobRecord]:
    generator = _Generator(vocabulary, seed, today)
    return (generator.job(n) for n in range(count))


def synthetic_opportunities(
    vocabulary: Vocabulary, count: int, seed: int, today: date
) -> Iterator[FundingRecord]:
    generator = _Generator(vocabulary, seed, today)
    return (generator.opportunity(n) for n in range(count))


def load_synthetic(
    factory: sessionmaker[Session],
    data_dir: Path,
    *,
    jobs: int,
    funding: int,
    seed: int = 1,
    today: date | None = None,
    on_record: Callable[[Record], None] | None = None,
) -> dict[str, RunResult]:
    """Store `jobs` synthetic jobs and `funding` opportunities; one recorded run per kind."""
    today = today or date.today()
    vocabulary = Vocabulary.load(data_dir)
    params = {"seed": seed, "synthetic": True}
    results: dict[str, RunResult] = {}
    for kind, count, make in (
        ("jobs", jobs, synthetic_jobs),
        ("funding", funding, synthetic_opportunities),
    ):
        if count <= 0:
            continue
        result = execute_run(
            factory,
            SOURCE,
            lambda make=make, count=count: make(vocabulary, count, seed, today),  # type: ignore[misc]
            kind="ingest",
            params={**params, "kind": kind, "count": count},
            batch_size=BATCH_SIZE,
            is_sample=True,
            on_record=on_record,
        )
        results[kind] = result
    return results


def count_synthetic(session: Session) -> tuple[int, int]:
    """How many synthetic jobs and funding opportunities are stored."""
    return tuple(  # type: ignore[return-value]
        session.scalar(select(func.count()).select_from(model).where(model.source == SOURCE)) or 0
        for model in (JobListing, FundingOpportunity)
    )


def remove_synthetic(session: Session) -> tuple[int, int]:
    """Delete every synthetic listing; returns how many jobs and opportunities went.

    Listings are otherwise never deleted (closed instead); synthetic ones are test data. The
    rows that hang off them (classifications, saves, reviews) go by their foreign keys.
    """
    counts = count_synthetic(session)
    for model in (JobListing, FundingOpportunity):
        # Real records never point at a synthetic one, but a cross-source link could.
        session.execute(
            update(model)
            .where(model.duplicate_of_id.in_(select(model.id).where(model.source == SOURCE)))
            .values(duplicate_of_id=None)
        )
        session.execute(delete(model).where(model.source == SOURCE))
    return counts
