"""Benchmark: the site's pages under load, beside a hello-world Flask app, in one run.

Starts the site under gunicorn with the repository's gunicorn.conf.py (2 workers, its
threads) on the given database, and a hello-world Flask app (`bench/hello.py`) under the same
settings on the next port; then drives each page with wrk (`apt-get install wrk`) at 32
connections for a fixed time and prints a markdown table: requests/s, p50/p95/p99, errors
(socket errors and HTTP >= 400) and the ratio to hello-world's requests/s. Hello-world is
measured before and after the pages; the ratio uses the mean of the two.

Before the load, the setup signs in a program office created with the app's services (its
profile filled in), creates a job seeker's match through the /match form, and checks that
every page answers 200; each page is warmed up (fitted models, caches) before it is measured.

    .venv/bin/pathfinder samples synthetic --jobs 10000 --funding 10000   # DATABASE_URL=...
    .venv/bin/python bench/load.py --database-url postgresql://postgres@127.0.0.1/bench_load
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

OFFICE_EMAIL = "bench-office@example.org"
OFFICE_PASSWORD = "correct horse battery staple bench"
RESUME = (
    "Security operations analyst with five years on a federal SOC. I triage SIEM alerts in "
    "Splunk and Microsoft Sentinel, investigate CrowdStrike EDR detections, hunt for threats "
    "in Zeek and Suricata logs and packet captures in Wireshark, and lead incident response "
    "following NIST SP 800-61: scoping, containment, eradication and after-action reviews. I "
    "write detection queries mapped to MITRE ATT&CK, automate enrichment with Python, brief "
    "leadership on incidents and hold the CompTIA Security+ and GIAC GCIH certifications. "
    "Before that I administered Windows and Linux servers and Active Directory for a county "
    "government and managed vulnerability scans with Tenable Nessus. B.S. in Information "
    "Technology, 2019. U.S. citizen; I hold an active Secret clearance."
)
# wrk prints one JSON line when a run ends: what the table needs, latencies in microseconds.
WRK_REPORT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '\\n{"requests":%d,"duration_us":%d,"status_errors":%d,"socket_errors":%d,'
    .. '"p50":%d,"p95":%d,"p99":%d}\\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


@dataclass
class Page:
    name: str
    path: str
    method: str = "GET"
    body: str | None = None
    signed_in: bool = False
    note: str = ""


@dataclass
class Measured:
    page: Page
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: int
    requests: int


def prepare_data(database_url: str) -> dict[str, Any]:
    """The program office (with a profile) and the ids the pages need, via the app's services."""
    os.environ["DATABASE_URL"] = database_url
    from sqlalchemy import func, select

    from app import create_app
    from app.extensions import get_database
    from app.models import FundingOpportunity, JobListing, JobStatus, Role, User
    from app.services import accounts
    from app.services.funding import matches

    app = create_app({"DATABASE_URL": database_url})
    factory = get_database(app).session_factory
    with app.app_context(), factory() as session:
        user = session.scalar(select(User).where(User.email == OFFICE_EMAIL))
        if user is None:
            user = accounts.create_user(
                session,
                OFFICE_EMAIL,
                "Bench program office",
                OFFICE_PASSWORD,
                [Role.PROGRAM_OFFICE.value],
                actor="bench",
            )
        matches.save_profile(
            session,
            user.id,
            {
                "organization_type": "county",
                "state": "OH",
                "needs": "Protect county election systems and the water utility's control "
                "systems from ransomware; train staff; security monitoring with AI tools.",
                "award_min": 50_000,
                "award_max": 2_000_000,
                "work_roles": [],
            },
        )
        session.commit()
        open_jobs = select(JobListing.id).where(
            JobListing.status == JobStatus.OPEN, JobListing.duplicate_of_id.is_(None)
        )
        ids = list(session.scalars(open_jobs.order_by(JobListing.id)))
        jobs = session.scalar(select(func.count()).select_from(JobListing))
        funding = session.scalar(select(func.count()).select_from(FundingOpportunity))
    return {"job_id": ids[len(ids) // 2], "jobs": jobs, "funding": funding}


def start_server(target: str, port: int, log_dir: Path, env: dict[str, str]) -> subprocess.Popen:
    """gunicorn with the repository's settings, serving `target` (None: the site itself)."""
    command = [str(Path(sys.executable).with_name("gunicorn")), "-c", "gunicorn.conf.py"]
    if target:
        command.append(target)
    log = (log_dir / f"gunicorn-{port}.log").open("w")
    process = subprocess.Popen(
        command,
        cwd=REPO_ROOT,
        env={
            **env,
            "PATHFINDER_BIND": f"127.0.0.1:{port}",
            "PATHFINDER_ACCESS_LOG": str(log_dir / f"access-{port}.log"),
        },
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            requests.get(f"http://127.0.0.1:{port}/", timeout=30)
            return process
        except requests.ConnectionError:
            if process.poll() is not None:
                raise SystemExit(f"gunicorn on {port} exited; see {log.name}") from None
            time.sleep(0.5)
    raise SystemExit(f"gunicorn on {port} did not start in time")


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token"[^>]*value="([^"]+)"', html
    )
    if not found:
        raise SystemExit("no CSRF token on the form")
    return found.group(1)


def sign_in(base: str) -> str:
    """The Cookie header of a signed-in program office."""
    http = requests.Session()
    form = http.get(f"{base}/account/login", timeout=30)
    answer = http.post(
        f"{base}/account/login",
        data={"email": OFFICE_EMAIL, "password": OFFICE_PASSWORD, "csrf_token": _csrf(form.text)},
        timeout=30,
        allow_redirects=False,
    )
    if answer.status_code != 302:
        raise SystemExit(f"sign-in failed: {answer.status_code}")
    # The session cookie is Secure in production; sent here by hand over plain http.
    return "; ".join(f"{c.name}={c.value}" for c in http.cookies)


def create_match(base: str) -> str:
    """A job seeker's match made through the form; returns its results path."""
    http = requests.Session()
    form = http.get(f"{base}/match", timeout=30)
    answer = http.post(
        f"{base}/match",
        data={"resume_text": RESUME, "csrf_token": _csrf(form.text)},
        timeout=120,
        allow_redirects=False,
    )
    if answer.status_code != 303:
        raise SystemExit(f"match failed: {answer.status_code}")
    return answer.headers["Location"].replace(base, "")


def api_match_page(base: str) -> Page:
    """POST /api/v1/match, if this tree has it."""
    body = json.dumps({"text": RESUME})
    page = Page("`POST /api/v1/match`", "/api/v1/match", "POST", body)
    answer = requests.post(
        f"{base}/api/v1/match", data=body, headers={"Content-Type": "application/json"}
    )
    if answer.status_code in (404, 405):
        page.note = "not in this tree (another change adds it)"
    elif answer.status_code != 200:
        page.note = f"answered {answer.status_code} to the setup request"
    return page


def wrk(
    base: str, page: Page, cookie: str, seconds: int, connections: int, scratch: Path
) -> dict[str, Any]:
    script = scratch / "report.lua"
    lines = [WRK_REPORT]
    if page.method != "GET":
        lines.append(f"wrk.method = {json.dumps(page.method)}")
        lines.append(f"wrk.body = {json.dumps(page.body)}")
        lines.append('wrk.headers["Content-Type"] = "application/json"')
    script.write_text("\n".join(lines))
    command = ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds}s"]
    command += ["--timeout", "30s", "-s", str(script)]
    if page.signed_in:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(
        [*command, base + page.path], capture_output=True, text=True, check=True
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def warm_up(base: str, page: Page, headers: dict[str, str]) -> None:
    """Enough requests at once, twice, that every worker thread has fitted its models."""
    if page.method == "POST":
        headers = {**headers, "Content-Type": "application/json"}

    def one(_: int) -> int:
        answer = requests.request(
            page.method, base + page.path, data=page.body, headers=headers, timeout=600
        )
        return answer.status_code

    with ThreadPoolExecutor(8) as pool:
        for _ in range(2):
            list(pool.map(one, range(8)))


def measure(
    base: str, page: Page, cookie: str, seconds: int, connections: int, scratch: Path
) -> Measured:
    headers = {"Cookie": cookie} if page.signed_in else {}
    if page.method == "GET":
        check = requests.get(base + page.path, headers=headers, timeout=120, allow_redirects=False)
        if check.status_code != 200:
            raise SystemExit(f"{page.path} answered {check.status_code}")
    warm_up(base, page, headers)
    wrk(base, page, cookie, 3, 4, scratch)
    found = wrk(base, page, cookie, seconds, connections, scratch)
    return Measured(
        page,
        rps=found["requests"] / (found["duration_us"] / 1e6),
        p50_ms=found["p50"] / 1000,
        p95_ms=found["p95"] / 1000,
        p99_ms=found["p99"] / 1000,
        errors=found["status_errors"] + found["socket_errors"],
        requests=found["requests"],
    )


def pages(job_id: int, results: str) -> list[Page]:
    return [
        Page("`/`", "/"),
        Page("`/jobs/`", "/jobs/"),
        Page(
            "`/jobs/` filtered (series, hiring path, grade, clearance)",
            "/jobs/?series=2210&hiring_path=public&grade=12&clearance=secret",
        ),
        Page(
            "`/jobs/` filtered (place, closing within 30 days)",
            "/jobs/?location=MD&closing_within=30",
        ),
        Page("a job page", f"/jobs/{job_id}"),
        Page("`/funding/` keyword (`ransomware`)", "/funding/?q=ransomware"),
        Page(
            "`/funding/` filters (state governments, open, closing within 60 days)",
            "/funding/?who=state&status=posted&closing_within=60",
        ),
        Page("`/funding/matches` (program office)", "/funding/matches", signed_in=True),
        Page("a results page (job seeker)", results),
    ]


def table(rows: list[Measured], hello_rps: float) -> str:
    lines = [
        "| page | requests/s | p50 ms | p95 ms | p99 ms | errors | vs hello-world rps |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        if not row.requests:
            lines.append(f"| {row.page.name} | 0 | no request finished in the run | | | | |")
            continue
        lines.append(
            f"| {row.page.name} | {row.rps:,.1f} | {row.p50_ms:.1f} | {row.p95_ms:.1f} | "
            f"{row.p99_ms:.1f} | {row.errors} of {row.requests:,} | "
            f"{row.rps / hello_rps:.0%} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--duration", type=int, default=15, help="seconds per page")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--port", type=int, default=8100)
    parser.add_argument("--only", help="measure only the pages whose path contains this")
    args = parser.parse_args()

    facts = prepare_data(args.database_url)
    scratch = Path(tempfile.mkdtemp(prefix="pathfinder-load-"))
    env = {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "PATHFINDER_ENV": "production",
        "SECRET_KEY": "bench-secret",
        "SESSION_COOKIE_SECURE": "false",  # plain http on localhost
        "MODEL_CACHE_DIR": str(scratch / "models"),
        "API_READ_LIMIT": "1000000 per minute",
    }
    base, hello = f"http://127.0.0.1:{args.port}", f"http://127.0.0.1:{args.port + 1}"
    site = start_server("", args.port, scratch, env)
    hello_server = start_server("bench.hello:app", args.port + 1, scratch, env)
    try:
        cookie = sign_in(base)
        results = create_match(base)
        todo = pages(facts["job_id"], results)
        api = api_match_page(base)
        if not api.note:
            todo.append(api)
        if args.only:
            todo = [p for p in todo if args.only in p.path]
        load = os.getloadavg()[0]
        hello_page = Page("hello-world `/`", "/")
        before = measure(hello, hello_page, "", args.duration, args.connections, scratch)
        rows = [measure(base, p, cookie, args.duration, args.connections, scratch) for p in todo]
        after = measure(hello, hello_page, "", args.duration, args.connections, scratch)
        hello_rps = (before.rps + after.rps) / 2
        print(
            f"{facts['jobs']:,} job listings, {facts['funding']:,} funding opportunities; "
            f"{args.connections} connections, {args.duration} s per page; "
            f"load average {load:.1f} before, {os.getloadavg()[0]:.1f} after\n"
        )
        print(table([before, *rows, after], hello_rps))
        if api.note:
            print(f"\n{api.name}: {api.note}")
    finally:
        for process in (site, hello_server):
            process.terminate()
            process.wait(timeout=60)


if __name__ == "__main__":
    main()
