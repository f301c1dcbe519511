"""Benchmark: building a `matching.jobs.JobIndex` over 50,000 postings and ranking a resume.

Generates N realistic synthetic USAJOBS-style postings (default 50,000) from the catalog: titles
from the work roles, text from the roles' descriptions and weighted skills in duty bullets,
qualification and requirement boilerplate as real announcements carry it, 150-600 words;
real series, grade ranges, hiring paths, clearances, locations and close dates. Then:

- **build**: `JobIndex.fit` (role classification of every posting + TF-IDF), timed, with
  peak RSS measured in a fresh subprocess (`resource.getrusage`, includes the postings and
  the fitted RoleMatcher, which are reported separately as the baseline);
- **rank**: one ~700-word resume -> `RoleMatcher.rank(top_k=5)` (ranked roles with
  explanations) + `JobIndex.rank(top_k=20)` (top-20 jobs with explanations, filters on),
  median and p95 of 50 runs; skill extraction of the resume is inside the timing;
- **rapidfuzz**: brute force `process.extract(resume, texts, scorer=token_set_ratio,
  limit=20)` over the same postings (a few runs: it is slow);
- **bigram TF-IDF**: `TfidfVectorizer(ngram_range=(1, 2))` over the full texts, fit time
  and the cosine top-20 query time.

    .venv/bin/python bench/matcher_speed.py               # N = 50,000
    .venv/bin/python bench/matcher_speed.py -n 5000 --skip-baselines
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from matching.catalog import CatalogSpec, load_catalog_spec  # noqa: E402
from matching.jobs import JobIndex, JobPosting, SeekerFilters  # noqa: E402
from matching.roles import RoleMatcher, build_role_matcher  # noqa: E402

TODAY = date(2026, 11, 20)

RESUME = """\
JORDAN ELLIS
Baltimore, MD | jordan.ellis@example.com | (410) 555-0142 | U.S. Citizen
Active Top Secret clearance (Tier 5, adjudicated 2023)

PROFESSIONAL SUMMARY
Cybersecurity analyst with six years of experience in security operations and incident
response for federal and defense customers. I triage and investigate alerts in a 24x7 SOC,
hunt for threats across endpoints and networks, lead the technical side of incident response,
and turn what we learn into better detections and playbooks. Comfortable briefing senior
leaders and writing clear reports for both technical and non-technical audiences.

EXPERIENCE
Senior SOC Analyst / Incident Responder, Chesapeake Defense Solutions, Columbia, MD
March 2022 - Present
- Lead a shift of five analysts monitoring 40,000 endpoints for a Department of Defense
  customer; triage SIEM alerts in Splunk Enterprise Security and Microsoft Sentinel.
- Write and tune SPL and KQL detection queries mapped to MITRE ATT&CK techniques, cutting
  false positives by 35% while adding coverage for credential access and lateral movement.
- Investigate CrowdStrike Falcon EDR detections, isolate hosts and collect triage packages;
  analyze memory images with Volatility and disk artifacts with KAPE and Autopsy.
- Lead incident response for phishing, business email compromise and ransomware precursors
  following NIST SP 800-61: scoping, containment, eradication, recovery and after-action
  reviews; maintain the incident response plan and run quarterly tabletop exercises.
- Hunt for threats with Zeek and Suricata logs, NetFlow and packet captures in Wireshark;
  documented beaconing from a compromised build server that signature tools had missed.
- Automate enrichment and containment steps with Python and a SOAR platform (Splunk SOAR),
  saving about 20 analyst hours a week.
- Produce weekly threat intelligence summaries from CISA advisories and vendor reporting and
  feed indicators into the SIEM and firewall block lists.

Cyber Defense Analyst, U.S. Army Cyber Protection Brigade, Fort Meade, MD
June 2018 - February 2022
- Monitored DoD network sensors and host-based security systems for intrusions as part of a
  cyber protection team; reported incidents through the Army's incident handling process.
- Conducted vulnerability scans with Tenable Nessus and ACAS and tracked remediation of
  findings against STIG baselines; helped system owners prioritize critical patches.
- Built Snort and Suricata signatures for indicators from intelligence reporting and tested
  them in a lab before deployment.
- Analyzed Windows event logs, Sysmon data and Active Directory logs to reconstruct attacker
  activity and wrote incident reports for command leadership.
- Trained six junior analysts on log analysis, packet analysis and the team's playbooks.

IT Support Technician, Harford County Public Library, Bel Air, MD
August 2016 - May 2018
- Supported 300 staff and public computers, Windows 10 imaging, Active Directory accounts and
  the library's firewall and wireless network.
- Wrote PowerShell scripts to automate account provisioning and software inventory.

EDUCATION
B.S. Cybersecurity and Information Assurance, University of Maryland Global Campus, 2020
A.A.S. Network Technology, Harford Community College, 2016

CERTIFICATIONS
GIAC Certified Incident Handler (GCIH), 2023
CompTIA CySA+, 2021
CompTIA Security+, 2018
Splunk Core Certified Power User, 2022

SELECTED PROJECTS
- Detection engineering backlog: built a Git-based workflow for SIEM content with peer review,
  unit tests against recorded log samples and a coverage map against MITRE ATT&CK; the team
  now ships about fifteen reviewed detections a month instead of ad hoc rule edits.
- Ransomware readiness: led a cross-team exercise that tested offline backups, network
  segmentation and the communications plan; wrote the lessons-learned report and tracked the
  eleven corrective actions to closure with system owners.
- Home lab: Security Onion, Elastic and a small Active Directory domain used to replay attack
  techniques with Atomic Red Team and validate new detections before production.

TECHNICAL SKILLS
SIEM: Splunk Enterprise Security, Microsoft Sentinel, Elastic Security
EDR: CrowdStrike Falcon, Microsoft Defender for Endpoint
Network: Zeek, Suricata, Snort, Wireshark, tcpdump, NetFlow, Palo Alto firewalls
Forensics: Volatility, KAPE, Autopsy, FTK Imager
Scripting: Python, PowerShell, Bash, regular expressions
Frameworks: MITRE ATT&CK, NIST SP 800-61, NIST Cybersecurity Framework, Cyber Kill Chain
Cloud: AWS CloudTrail and GuardDuty log analysis, Azure AD sign-in logs

ADDITIONAL
Veteran, U.S. Army (2014-2022), honorable discharge. Member of the local ISSA chapter and
volunteer instructor for a high school CyberPatriot team. Interested in threat hunting and
detection engineering roles with a federal agency, remote or in the Baltimore-Washington area.
"""

SERIES_WEIGHTS = {
    "2210": 70, "0080": 5, "1550": 5, "0854": 4, "0855": 3, "1811": 2, "0132": 3, "2299": 2,
    "1560": 2, "0343": 2, "0391": 1, "0301": 1,
}  # fmt: skip
GRADES = [(5, 9), (7, 9), (7, 11), (9, 11), (9, 12), (11, 12), (11, 13), (12, 12), (12, 13),
          (13, 13), (13, 14), (14, 14), (14, 15), (15, 15), (None, None)]  # fmt: skip
GRADE_P = [2, 3, 3, 4, 3, 6, 5, 12, 14, 18, 6, 10, 5, 5, 4]
HIRING_PATHS = ["public", "vet", "fed-competitive", "fed-transition", "mspouse", "student",
                "graduates", "fed-excepted", "native", "nguard", "disability", "peace", "land",
                "special-authorities", "fed-internal-search", "overseas"]  # fmt: skip
CLEARANCES = ["Not Required", "Secret", "Top Secret", "Sensitive Compartmented Information",
              "Public Trust - Background Investigation", "Q Access Authorization",
              "L Access Authorization", "Confidential"]  # fmt: skip
CLEARANCE_P = [38, 26, 20, 5, 7, 1.5, 1.5, 1]
PLACES = ["Washington, District of Columbia", "Arlington, Virginia", "Fort Meade, Maryland",
          "Woodlawn, Maryland", "Quantico, Virginia", "Fort Huachuca, Arizona",
          "Fort Eisenhower, Georgia", "San Antonio, Texas", "Colorado Springs, Colorado",
          "Denver, Colorado", "Suitland, Maryland", "Parkersburg, West Virginia",
          "Oklahoma City, Oklahoma", "Norfolk, Virginia", "San Diego, California",
          "Huntsville, Alabama", "Dayton, Ohio", "Kansas City, Missouri", "Atlanta, Georgia",
          "Seattle, Washington", "Chicago, Illinois", "Boston, Massachusetts",
          "Oak Ridge, Tennessee", "Albuquerque, New Mexico", "Honolulu, Hawaii"]  # fmt: skip
TITLE_FORMS = ["IT Cybersecurity Specialist ({})", "{} Specialist", "{} Analyst",
               "IT Specialist (INFOSEC) - {}", "Supervisory {} Specialist", "{} Lead"]  # fmt: skip
ORGS = ["Cybersecurity and Infrastructure Security Agency", "Defense Information Systems Agency",
        "U.S. Army Cyber Command", "Internal Revenue Service", "Department of Energy",
        "Federal Bureau of Investigation", "Social Security Administration", "U.S. Navy",
        "Department of Veterans Affairs", "National Security Agency", "U.S. Air Force",
        "Department of State", "Federal Aviation Administration", "U.S. Census Bureau"]  # fmt: skip
DUTY_FRAMES = [
    "Uses {a} and {b} to {c}.",
    "Applies {a} in daily work and supports {b}.",
    "Performs {a}; documents results and briefs leadership on {b}.",
    "Plans and carries out {a} across agency systems, working with {b} teams.",
    "Evaluates {a} and recommends improvements to {b}.",
    "Maintains {a} and {b} in line with agency policy.",
]
BOILERPLATE = [
    "You must meet all qualification and eligibility requirements by the closing date of this "
    "announcement.",
    "Specialized experience is experience that equipped you with the particular knowledge, "
    "skills and abilities to perform the duties of this position successfully.",
    "Your resume must show your work schedule, hours worked per week and dates of employment.",
    "U.S. Citizenship is required. Males born after 12/31/1959 must be registered with the "
    "Selective Service System.",
    "A one-year probationary period may be required. You may be required to complete a "
    "financial disclosure statement.",
    "BASIC REQUIREMENT: Your experience must be IT related and must demonstrate attention to "
    "detail, customer service, oral communication and problem solving.",
    "Applicants who meet the minimum qualifications are referred to the hiring manager and "
    "evaluated on the specialized experience described above.",
    "This position is eligible for telework and other flexible work arrangements as "
    "determined by agency policy.",
    "Part-time or unpaid experience will be credited on the basis of time actually spent in "
    "activities related to the position.",
]


# -- synthetic postings -----------------------------------------------------------------------


def _sentences(text: str) -> list[str]:
    return [s.strip() + "." for s in text.replace("\n", " ").split(". ") if s.strip()]


def make_postings(catalog: CatalogSpec, n: int, seed: int = 7) -> list[JobPosting]:
    """N synthetic postings in the shape the app stores (see module docstring)."""
    rng = np.random.default_rng(seed)
    roles = catalog.roles
    # The role's skills, core ones more likely: (names, probabilities) per role.
    role_skills = []
    for role in roles:
        names, weights = [], []
        for skill in catalog.skills:
            w = skill.roles.get(role.id)
            if w and skill.kind not in ("certification", "clearance"):
                names.append(skill.name)
                weights.append(w * w)
        p = np.array(weights) / sum(weights)
        role_skills.append((names, p))
    descriptions = [_sentences(r.description) for r in roles]
    series = list(SERIES_WEIGHTS)
    series_p = np.array(list(SERIES_WEIGHTS.values()), float)
    series_p /= series_p.sum()
    grade_p = np.array(GRADE_P, float) / sum(GRADE_P)
    clear_p = np.array(CLEARANCE_P, float) / sum(CLEARANCE_P)
    postings = []
    for i in range(n):
        j = int(rng.integers(len(roles)))
        role = roles[j]
        # A third of jobs blend in a second role, as real announcements often do.
        other = int(rng.integers(len(roles))) if rng.random() < 0.33 else None
        target = int(rng.integers(150, 601))
        title = TITLE_FORMS[int(rng.integers(len(TITLE_FORMS)))].format(role.name)
        org = ORGS[int(rng.integers(len(ORGS)))]
        parts = [
            title,
            f"{org}. Announcement {org.split()[0][:3].upper()}-27-{i:07d}.",
            " ".join(descriptions[j][: int(rng.integers(1, 4))]),
        ]
        words = sum(len(p.split()) for p in parts)
        duty_roles = [j] if other is None else [j, j, other]
        while words < target:
            if rng.random() < 0.75:
                names, p = role_skills[duty_roles[int(rng.integers(len(duty_roles)))]]
                pick = rng.choice(len(names), size=min(2, len(names)), replace=False, p=p)
                a = names[int(pick[0])]
                b = names[int(pick[-1])]
                frame = DUTY_FRAMES[int(rng.integers(len(DUTY_FRAMES)))]
                sents = descriptions[duty_roles[0]]
                c = sents[int(rng.integers(len(sents)))].rstrip(".").lower()
                line = "- " + frame.format(a=a, b=b, c=c)
            else:
                line = BOILERPLATE[int(rng.integers(len(BOILERPLATE)))]
            parts.append(line)
            words += len(line.split())
        low, high = GRADES[int(rng.choice(len(GRADES), p=grade_p))]
        paths = ["public"] if rng.random() < 0.7 else []
        for _ in range(int(rng.integers(0, 4))):
            paths.append(HIRING_PATHS[int(rng.integers(1, len(HIRING_PATHS)))])
        remote = bool(rng.random() < 0.1)
        places = (
            ("Anywhere in the U.S. (remote job)",)
            if remote
            else tuple(
                PLACES[int(k)]
                for k in rng.choice(len(PLACES), size=int(rng.integers(1, 4)), replace=False)
            )
        )
        postings.append(
            JobPosting(
                id=f"9{i:08d}",
                title=title,
                organization=org,
                text="\n".join(parts),
                series=(str(rng.choice(series, p=series_p)),),
                grade_low=low,
                grade_high=high,
                hiring_paths=tuple(dict.fromkeys(paths)),
                clearance=str(rng.choice(CLEARANCES, p=clear_p)),
                locations=places,
                remote=remote,
                telework=bool(rng.random() < 0.6),
                close_date=TODAY + timedelta(days=int(rng.integers(-30, 91))),
                url=f"https://www.usajobs.gov/job/9{i:08d}",
            )
        )
    return postings


# -- measurements -----------------------------------------------------------------------------


def _rss_mb() -> float:
    """Peak RSS of this process so far."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux: KiB


def _current_rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def child_build(n: int) -> dict[str, Any]:
    """Run in a fresh process: generate, fit the matcher, build the index; report time + RSS."""
    catalog = load_catalog_spec(REPO_ROOT / "data")
    matcher = build_role_matcher(catalog)
    postings = make_postings(catalog, n)
    before = _current_rss_mb()
    load = os.getloadavg()[0]
    start, start_cpu = time.perf_counter(), time.process_time()
    index = JobIndex(role_matcher=matcher).fit(postings)
    build = time.perf_counter() - start
    return {
        "build_s": build,
        "build_cpu_s": time.process_time() - start_cpu,
        "peak_rss_mb": _rss_mb(),
        "baseline_rss_mb": before,
        "load_before": load,
        "n": index.n_postings_,
        "vocabulary": len(index.vocabulary_),
        "matrix_mb": (index.matrix_.data.nbytes + index.matrix_.indices.nbytes) / 2**20,
    }


def _timed(fn: Any, runs: int, cpu: list[float] | None = None) -> list[float]:
    """Wall-clock ms per run; CPU ms of this process appended to `cpu` when given.

    CPU time does not grow when other work holds the cores, so it shows the cost on a
    machine of our own; wall time is what a user waits on this one.
    """
    times = []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        times.append((time.perf_counter() - start) * 1000.0)
        if cpu is not None:
            cpu.append((time.process_time() - start_cpu) * 1000.0)
    return times


def _p95(values: list[float]) -> float:
    return float(np.percentile(values, 95))


def run(n: int, runs: int, baselines: bool) -> None:
    child = subprocess.run(
        [sys.executable, __file__, "--child", "-n", str(n)],
        check=True,
        capture_output=True,
        text=True,
    )
    built = json.loads(child.stdout.strip().splitlines()[-1])

    catalog = load_catalog_spec(REPO_ROOT / "data")
    matcher: RoleMatcher = build_role_matcher(catalog)
    postings = make_postings(catalog, n)
    words = [len(p.text.split()) for p in postings]
    start = time.perf_counter()
    index = JobIndex(role_matcher=matcher).fit(postings)
    build_again = time.perf_counter() - start
    filters = SeekerFilters(
        hiring_paths={"public", "vet"},
        clearance="top_secret",
        locations=("Maryland", "Virginia", "DC"),
        grade_min=11,
        grade_max=14,
        today=TODAY,
    )

    def rank_once() -> Any:
        roles = matcher.rank(RESUME, top_k=5)
        return roles, index.rank(RESUME, filters, top_k=20)

    def jobs_once() -> Any:
        return index.rank(RESUME, filters, top_k=20)

    def roles_once() -> Any:
        return matcher.rank(RESUME, top_k=5)

    rank_once()  # warm caches (fuzzy lookups, place masks)
    # Interleaved, so a burst of load from elsewhere hits all three alike.
    rank_ms: list[float] = []
    jobs_ms: list[float] = []
    roles_ms: list[float] = []
    rank_cpu: list[float] = []
    jobs_cpu: list[float] = []
    roles_cpu: list[float] = []
    for _ in range(runs):
        rank_ms += _timed(rank_once, 1, rank_cpu)
        jobs_ms += _timed(jobs_once, 1, jobs_cpu)
        roles_ms += _timed(roles_once, 1, roles_cpu)
    roles, result = rank_once()

    rows = [
        (
            "JobIndex build (roles + TF-IDF), fresh process",
            f"{built['build_s']:.1f} s",
            f"CPU {built['build_cpu_s']:.1f} s; load average {built['load_before']:.1f} before",
        ),
        ("  same, second build in this process", f"{build_again:.1f} s", ""),
        (
            "Peak RSS after build (fresh process)",
            f"{built['peak_rss_mb']:.0f} MB",
            f"{built['baseline_rss_mb']:.0f} MB before the build (matcher + postings)",
        ),
        (
            "Rank: roles top 5 + jobs top 20 (explained)",
            f"median {statistics.median(rank_ms):.1f} ms",
            f"p95 {_p95(rank_ms):.1f} ms; CPU median {statistics.median(rank_cpu):.1f} ms",
        ),
        (
            "  RoleMatcher.rank top 5 alone",
            f"median {statistics.median(roles_ms):.1f} ms",
            f"p95 {_p95(roles_ms):.1f} ms; CPU median {statistics.median(roles_cpu):.1f} ms",
        ),
        (
            "  JobIndex.rank top 20 alone (incl. extraction)",
            f"median {statistics.median(jobs_ms):.1f} ms",
            f"p95 {_p95(jobs_ms):.1f} ms; CPU median {statistics.median(jobs_cpu):.1f} ms",
        ),
    ]
    if baselines:
        from rapidfuzz import fuzz, process
        from sklearn.feature_extraction.text import TfidfVectorizer

        texts = [p.text for p in postings]
        fuzzy_ms = _timed(
            lambda: process.extract(RESUME, texts, scorer=fuzz.token_set_ratio, limit=20), 3
        )
        rows.append(
            (
                "rapidfuzz token_set_ratio brute force, top 20",
                f"median {statistics.median(fuzzy_ms):.0f} ms",
                "3 runs",
            )
        )
        start = time.perf_counter()
        vec = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, stop_words="english")
        matrix = vec.fit_transform(texts)
        fit_s = time.perf_counter() - start
        matrix_t = matrix.T.tocsr()

        def bigram_query() -> Any:
            sims = (vec.transform([RESUME]) @ matrix_t).toarray().ravel()
            return np.argpartition(-sims, 20)[:20]

        bigram_ms = _timed(bigram_query, runs)
        rows.append(("Bigram TF-IDF full text: fit", f"{fit_s:.1f} s", f"{matrix.nnz:,} nnz"))
        rows.append(
            (
                "Bigram TF-IDF full text: cosine top 20",
                f"median {statistics.median(bigram_ms):.1f} ms",
                f"p95 {_p95(bigram_ms):.1f} ms",
            )
        )

    resume_words = len(RESUME.split())
    print(f"load average at the end: {os.getloadavg()[0]:.2f} (2 cores)")
    print(
        f"{n:,} postings, {statistics.mean(words):.0f} words on average "
        f"({min(words)}-{max(words)}); resume {resume_words} words; {runs} runs"
    )
    print(f"TF-IDF vocabulary {built['vocabulary']:,} terms, matrix {built['matrix_mb']:.0f} MB")
    width = max(len(r[0]) for r in rows)
    print(f"| {'measure'.ljust(width)} | result | note |")
    print(f"| {'-' * width} | --- | --- |")
    for name, value, note in rows:
        print(f"| {name.ljust(width)} | {value} | {note} |")
    print()
    print("Top roles:", ", ".join(f"{r.id} {r.score}" for r in roles))
    print("Excluded:", result.excluded, f"eligible {result.eligible} of {result.total}")
    for match in result.matches[:5]:
        print(f"  {match.score:5.1f}  {match.title} | {match.reasons}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", type=int, default=50_000, help="postings (default 50,000)")
    parser.add_argument("--runs", type=int, default=50, help="ranking runs (default 50)")
    parser.add_argument("--skip-baselines", action="store_true", help="no rapidfuzz/bigram")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child_build(args.n)))
        return
    run(args.n, args.runs, not args.skip_baselines)


if __name__ == "__main__":
    main()
