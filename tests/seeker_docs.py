"""Resumes and bad files for the job-seeker tests, built in memory (fpdf2, python-docx)."""

from __future__ import annotations

import io
from datetime import date, timedelta

import docx
from fpdf import FPDF
from PIL import Image

from .matcher_helpers import SOC_RESUME_BODY

# A security operations analyst (the matcher tests' resume without its clearance line): a
# confident Defensive Cybersecurity match on the sample jobs.
SOC_RESUME = "MORGAN LEE\nColumbia, MD | U.S. Citizen\n\n" + SOC_RESUME_BODY

# A digital forensic examiner: a different best role, so tests can tell uploads apart.
FORENSICS_RESUME = """\
RILEY PARK
Digital forensic examiner with seven years in a county crime lab and a federal task force.

EXPERIENCE
- Imaged laptops and phones with Tableau write blockers and FTK Imager; kept chain of custody.
- Examined disk images with EnCase, Autopsy and X-Ways; extracted phones with Cellebrite UFED.
- Analyzed memory dumps with Volatility and built timelines with Plaso.
- Wrote examination reports and testified as an expert witness in state court.

CERTIFICATIONS
GCFE, EnCE, CCE
"""

# Words no template contains, to prove the resume text never reaches a log or a URL.
SECRET_PHRASE = "Quokkaberry Lighthouse Nine"


def pdf_resume(text: str = SOC_RESUME, pages: int = 1) -> bytes:
    """A PDF with selectable text; `pages` > 1 repeats the text on further pages."""
    pdf = FPDF()
    pdf.set_font("helvetica", size=10)
    for number in range(pages):
        pdf.add_page()
        body = text if number == 0 else f"Page {number + 1}\n{text}"
        pdf.multi_cell(0, 5, body.encode("latin-1", "replace").decode("latin-1"))
    return bytes(pdf.output())


def docx_resume(text: str = FORENSICS_RESUME) -> bytes:
    """A Word document, one paragraph per line of `text`."""
    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (60, 60), "gray").save(out, format="PNG")
    return out.getvalue()


def image_only_pdf() -> bytes:
    """A scanned-looking PDF: one page with a picture and no text."""
    pdf = FPDF()
    pdf.add_page()
    pdf.image(io.BytesIO(png_bytes()), x=20, y=20, w=120)
    return bytes(pdf.output())


def renamed_binary() -> bytes:
    """A PNG image, to be uploaded under a .pdf name."""
    return png_bytes()


def oversized_pdf(size: int = 6 * 1024 * 1024) -> bytes:
    """A file larger than the 5 MB limit (a PDF header, then padding)."""
    head = b"%PDF-1.4\n"
    return head + b"0" * (size - len(head))


# -- jobs -------------------------------------------------------------------------------------

SOC_JOB_TEXT = (
    "Monitor SIEM alerts in Splunk and Microsoft Sentinel, triage intrusion detection events, "
    "analyze packet captures with Wireshark and Zeek, review CrowdStrike EDR detections and "
    "escalate incidents to the incident response team. Tune Suricata signatures."
)
FORENSICS_JOB_TEXT = (
    "Image hard drives and phones with FTK Imager and write blockers, examine disk images with "
    "EnCase and Autopsy, analyze memory with Volatility, keep chain of custody and write "
    "forensic examination reports for prosecutors."
)
POLICY_JOB_TEXT = (
    "Draft agency privacy policy, review System of Records Notices, run privacy impact "
    "assessments and advise program offices on the Privacy Act."
)


def add_job(db, **fields):
    """A job listing in the test's transaction (open, closing in 20 days, unless overridden)."""
    from app.models import JobListing

    add_job.counter = getattr(add_job, "counter", 0) + 1
    values = {
        "source": "usajobs",
        "source_id": f"T{add_job.counter}-{fields.get('title', 'job')}"[:120],
        "title": "IT Specialist (INFOSEC)",
        "content_hash": f"hash-{add_job.counter}",
        "organization": "Cybersecurity and Infrastructure Security Agency",
        "series": ["2210"],
        "pay_plan": "GS",
        "grade_low": 12,
        "grade_high": 13,
        "locations": ["Arlington, Virginia"],
        "hiring_paths": ["public"],
        "clearance": "Not Required",
        "close_date": date.today() + timedelta(days=20),
        "url": f"https://www.usajobs.gov/job/9{add_job.counter:05d}",
        "summary": SOC_JOB_TEXT,
    }
    values.update(fields)
    job = JobListing(**values)
    db.add(job)
    db.flush()
    return job
