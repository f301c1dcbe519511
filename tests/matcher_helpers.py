"""Shared, lazily built matcher objects for the matcher tests (built once per test session)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from matching.catalog import CatalogSpec, load_catalog_spec
from matching.extract import SkillExtractor
from matching.roles import RoleMatcher, build_role_matcher

REPO = Path(__file__).resolve().parent.parent


@cache
def catalog() -> CatalogSpec:
    return load_catalog_spec(REPO / "data")


@cache
def extractor() -> SkillExtractor:
    return SkillExtractor(catalog())


@cache
def matcher() -> RoleMatcher:
    return build_role_matcher(catalog())


SOC_RESUME_BODY = """\
SUMMARY
Security operations analyst with 5 years of experience watching federal networks from a 24x7 SOC.

EXPERIENCE
SOC Analyst II, Northwind Federal, Columbia, MD                 Feb 2021 - Present
- Triage SIEM alerts in Splunk Enterprise Security and Microsoft Sentinel; write SPL searches.
- Review CrowdStrike Falcon EDR detections and Suricata IDS alerts; escalate confirmed events.
- Analyze packet captures with Wireshark and Zeek logs for beaconing and data exfiltration.
- Tune correlation rules and signatures to reduce false positives.

Network Security Monitoring Technician, U.S. Navy                Jan 2016 - Dec 2020
- Monitored intrusion detection sensors and reported incidents to the watch floor.

EDUCATION
B.S. Information Technology, Towson University, 2019

CERTIFICATIONS
CompTIA Security+, CySA+
"""
SOC_RESUME = (
    "ALEX RIVERA\nColumbia, MD | U.S. Citizen | Active Secret clearance\n\n" + SOC_RESUME_BODY
)

FORENSICS_RESUME = """\
Digital forensic examiner with seven years in a county crime lab and a federal task force.
- Imaged laptops and phones with Tableau write blockers and FTK Imager; kept chain of custody.
- Examined disk images with EnCase, Autopsy and X-Ways; extracted phones with Cellebrite UFED.
- Analyzed memory dumps with Volatility and built timelines with Plaso.
- Wrote examination reports and testified as an expert witness in state court.
Certifications: GCFE, EnCE, CCE
"""

ISSO_TEXT = """\
Information System Security Officer (ISSO) for a FISMA moderate system at a civilian agency.
Maintained the System Security Plan and drove the RMF steps to an ATO under NIST SP 800-37.
Assessed controls against NIST SP 800-53 Rev 5 with 800-53A procedures, ran Nessus and SCAP
scans against STIG baselines, and tracked findings in POA&Ms in eMASS. Supported continuous
monitoring, prepared the authorization package and briefed the authorizing official on risk.
"""

NURSE_RESUME = """\
MARIA LOPEZ, RN, BSN
Registered Nurse | Phoenix, AZ

SUMMARY
Compassionate registered nurse with 8 years of experience in medical-surgical and emergency care.
Skilled in patient assessment, medication administration, wound care and patient education.

EXPERIENCE
Charge Nurse, St. Mary's Regional Medical Center, March 2019 to Present
- Coordinate care for a 32-bed medical-surgical unit and supervise 12 nurses and aides per shift.
- Document assessments and care plans in the electronic health record and protect patient privacy.
- Precept new graduate nurses and lead monthly infection-control training.
Staff Nurse, Banner Health Emergency Department, June 2015 to February 2019
- Triaged patients, started IVs, administered medications and monitored vital signs.

EDUCATION
Bachelor of Science in Nursing, Arizona State University, 2015
LICENSES: Registered Nurse (AZ), BLS, ACLS, PALS
"""
