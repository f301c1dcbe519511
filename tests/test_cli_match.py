"""`pathfinder match`: roles, jobs and funding from the command line, one input or a batch."""

import json

SOC_RESUME = (
    "Security operations analyst, 5 years. Monitored Splunk SIEM alerts, triaged phishing and "
    "malware incidents, tuned Suricata rules and hunted threats with CrowdStrike Falcon. "
    "No experience with Kubernetes. CompTIA Security+."
)


def test_skills_json_gives_spans_into_the_extracted_text(loaded, tmp_path):
    path = tmp_path / "resume.txt"
    path.write_text(SOC_RESUME)
    result = loaded("skills", str(path), "--json")
    assert result.exit_code == 0, result.output
    skills = json.loads(result.output)
    names = {s["name"] for s in skills}
    assert "Splunk" in names and not any("Kubernetes" in n for n in names)
    for s in skills:
        assert SOC_RESUME[s["start"] : s["end"]] == s["text"]
        assert {"skill_id", "name", "start", "end", "text"} <= set(s)


def test_match_roles_from_stdin_as_json(loaded):
    result = loaded("match", "roles", "-", "--top", "3", "--json", input=SOC_RESUME)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert len(data["roles"]) == 3 and 0 < data["threshold"] < 100
    top = data["roles"][0]
    assert top["id"] in {"PD-WRL-001", "PD-WRL-003", "PD-WRL-006"}
    assert top["score"] >= data["threshold"]
    assert {"id", "name", "opm_code", "score", "matched", "missing"} <= set(top)


def test_match_roles_batch_gives_one_line_per_input_line(loaded, tmp_path):
    batch = tmp_path / "in.jsonl"
    lines = [
        {"id": "soc", "text": SOC_RESUME},
        {"id": "nurse", "text": "Registered nurse, ICU, charting in Epic, BLS and ACLS."},
    ]
    batch.write_text("\n".join(json.dumps(x) for x in lines) + "\nnot json\n")
    result = loaded("match", "roles", "--batch", str(batch), "--top", "2")
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.output.splitlines()]
    assert [o.get("id") for o in out[:2]] == ["soc", "nurse"]
    assert out[0]["roles"][0]["score"] >= out[0]["threshold"]
    assert all(r["score"] < out[1]["threshold"] for r in out[1]["roles"])
    assert out[2] == {"line": 3, "error": 'expected {"id": ..., "text": "..."}'}


def test_match_roles_rejects_an_unreadable_file_plainly(loaded, tmp_path):
    path = tmp_path / "resume.pdf"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 100)
    result = loaded("match", "roles", str(path))
    assert result.exit_code == 1
    assert "PNG" in result.output and "Traceback" not in result.output


def test_match_jobs_and_funding_against_the_sample_listings(loaded, tmp_path):
    assert loaded("samples", "load").exit_code == 0
    resume = tmp_path / "resume.txt"
    resume.write_text(SOC_RESUME)
    result = loaded("match", "jobs", str(resume), "--top", "5", "--json")
    assert result.exit_code == 0, result.output
    jobs = json.loads(result.output)
    assert 1 <= len(jobs["jobs"]) <= 5 and jobs["total"] >= 50
    first = jobs["jobs"][0]
    assert first["url"].startswith("https://www.usajobs.gov/job/") and first["close_date"]
    assert first["score"] >= jobs["jobs"][-1]["score"]

    profile = tmp_path / "office.json"
    profile.write_text(
        json.dumps(
            {
                "applicant_types": ["04"],
                "needs": "AI-assisted vulnerability detection for our water utility OT network",
                "award_max": 2000000,
            }
        )
    )
    result = loaded("match", "funding", str(profile), "--json")
    assert result.exit_code == 0, result.output
    funding = json.loads(result.output)
    assert funding["opportunities"] and funding["ineligible_count"] > 0
    assert "81.008" in funding["opportunities"][0]["assistance_listings"]

    profile.write_text('{"needs": "cyber"}')
    bad = loaded("match", "funding", str(profile))
    assert bad.exit_code == 1 and "applicant_types" in bad.output
