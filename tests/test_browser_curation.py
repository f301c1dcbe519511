"""OPM staff curate the catalog in a real browser, and job seekers meet the change: an alias
added to Splunk (with the live alias check), a pathway's eligibility rule previewed on sample
people, saved and reverted, and the audit log, with axe-core and the keyboard on the way.

The test changes the session's shared live database, which the other browser tests read, so
it puts Splunk and the pathway back as loaded afterwards (as new versions restoring version
1) and waits for the matcher to be refitted on that catalog.
"""

import shutil
import time
import uuid

import pytest
from sqlalchemy import select

from app.models import User

from .conftest import ARTIFACTS, REPO_ROOT, axe_violations, save_screenshot, sign_in

pytestmark = pytest.mark.browser

PASSWORD = "a long curator passphrase"
ALIAS = "quillmarrow analytics"  # a made-up product
ALIAS_REASON = "SOC postings at two agencies name Quillmarrow Analytics for Splunk."
RULE = "fact: veteran\nis: true\n"
RULE_REASON = "Trying the internship for veterans, to see who it would reach."
REVERT_REASON = "The trial is over: back to the rule as loaded."
EDITED = (("skill", "splunk"), ("pathway", "pathways-internship"))
INTERNSHIP = "Pathways Internship Program"
# The README's picture is a copy of this one (docs/screenshots/staff-rule-preview.png).
SCREENSHOT = ARTIFACTS / "staff-rule-preview.png"
README_PICTURE = REPO_ROOT / "docs" / "screenshots" / "staff-rule-preview.png"
REFIT_SECONDS = 60

# A SOC analyst whose only SIEM is the made-up product (no other SIEM named).
RESUME = """\
JORDAN AVERY
Baltimore, MD

Security operations center analyst with four years at a state agency.

EXPERIENCE
- Triaged alerts and wrote correlation searches and dashboards in Quillmarrow Analytics.
- Investigated phishing and malware incidents and escalated them to incident response.
- Monitored network traffic for intrusions and tuned detection rules with the SOC team.
"""


@pytest.fixture
def curator(live_session, live_app):
    """An OPM staff account; afterwards, the edited entries put back as loaded."""
    from app.services.accounts import create_user
    from app.services.staff import curation

    email = f"curator-{uuid.uuid4().hex[:8]}@example.gov"
    create_user(live_session, email, "Cora Curator", PASSWORD, ["opm_staff"])
    live_session.commit()
    loaded = {key: curation.get_entry(live_session, *key) for key in EDITED}
    live_session.rollback()  # no transaction left open: SQLite would refuse the site's writes
    try:
        yield email
    finally:
        user = live_session.scalars(select(User).where(User.email == email)).one()
        for (kind, ident), before in loaded.items():
            now = curation.get_entry(live_session, kind, ident)
            if now.document != before.document:
                curation.revert(
                    live_session,
                    kind,
                    ident,
                    before.number,
                    base_number=now.number,
                    user=user,
                    reason="Put back as loaded after the browser test.",
                )
        live_session.commit()
        warm_models(live_app, live_session)
        for key, before in loaded.items():
            assert curation.get_entry(live_session, *key).document == before.document
        live_session.rollback()


def warm_models(live_app, session) -> None:
    """Fit the models for the catalog as it is now, so no later test is served a stale one.

    Outside a request the caches wait for the current version (app.services.fitted_cache).
    """
    from datetime import date

    from app.services.funding.matches import ranker
    from app.services.matcher import role_matcher
    from app.services.seekers.job_index import job_index

    with live_app.app_context():
        job_index(session, role_matcher(session))
        ranker(session, date.today())
    session.rollback()


@pytest.fixture
def seeker(browser):
    """A job seeker's browser: cookies of its own, never signed in."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def answer(page, question: str, option: str) -> None:
    page.get_by_role("group", name=question).get_by_text(option, exact=True).click()


def seek(page, base: str) -> dict[str, str]:
    """Paste the resume as a veteran who is not a student; what the results page shows."""
    page.goto(base + "/match")
    page.get_by_label("Or paste your resume as text").fill(RESUME)
    answer(page, "Are you a student now?", "No")
    answer(page, "Are you a veteran?", "Yes")
    page.get_by_role("button", name="See my matches").click()
    page.wait_for_url("**/match/results/*")
    defensive = page.locator("article[aria-labelledby='role-PD-WRL-001']")
    splunk = defensive.locator("li", has=page.locator("strong", has_text="Splunk"))
    paths = page.locator("#hiring-paths").inner_text()
    return {
        "roles": page.locator("#work-roles").text_content() or "",
        "splunk": splunk.first.text_content() if splunk.count() else "",
        "eligible": paths.split("We need to know more")[0],
    }


def seek_until(page, base: str, changed, what: str) -> dict[str, str]:
    """The live app refits in the background (MODEL_REFIT="background"): the first matches
    after a catalog change may still be made with the previous model, so match again until
    the change shows, for at most REFIT_SECONDS."""
    deadline = time.monotonic() + REFIT_SECONDS
    while True:
        shown = seek(page, base)
        if changed(shown):
            return shown
        if time.monotonic() > deadline:
            pytest.fail(f"{what} within {REFIT_SECONDS} s: {shown}")
        time.sleep(1)


def test_staff_curate_the_catalog_and_seekers_see_it(page, seeker, live_server, curator):
    # Before any change: the made-up product names no skill, and the internship wants students.
    before = seek(seeker, live_server)
    assert "Defensive Cybersecurity" in before["roles"]
    assert before["splunk"] == ""
    assert INTERNSHIP not in before["eligible"]

    # Staff find Splunk in the catalog.
    sign_in(page, live_server, curator, PASSWORD)
    page.goto(live_server + "/staff/catalog/")
    assert page.locator("h1").inner_text() == "The catalog"
    page.get_by_role("link", name="Skills", exact=True).click()
    page.wait_for_url("**/staff/catalog/skills/")
    page.get_by_label("Find skills by id or name").fill("splunk")
    page.get_by_role("button", name="Find").click()
    page.wait_for_url("**/staff/catalog/skills/?q=splunk")
    assert "matching “splunk”" in page.locator("main").inner_text()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Splunk", exact=True).click()
    page.wait_for_url("**/staff/catalog/skills/splunk/edit")
    assert page.locator("h1").inner_text() == "Edit Splunk (splunk)"

    # The live alias check names the skill a colliding alias belongs to, as it is typed.
    aliases = page.get_by_label("Aliases", exact=True)
    loaded_aliases = aliases.input_value()
    aliases.focus()
    page.keyboard.press("Control+End")
    page.keyboard.type("\nwireshark")
    check = page.locator("#alias-check")
    check.get_by_text("already names Wireshark (wireshark)").wait_for()
    assert "cannot be saved here" in check.inner_text()
    # The misspellings are checked as typed too: a common word is flagged.
    misspellings = page.get_by_label("Common misspellings")
    typed = misspellings.input_value()
    misspellings.fill(f"{typed}\naccess".strip())
    check.get_by_text("“access” is a common word").wait_for()
    assert "already names Wireshark" in check.inner_text()  # both boxes in one answer
    assert axe_violations(page) == []
    misspellings.fill(typed)
    aliases.fill(f"{loaded_aliases}\n{ALIAS}")  # the collision taken out, the new alias in
    check.get_by_text("No alias collides with another skill's.").wait_for()
    page.get_by_label("Reason for the change").fill(ALIAS_REASON)
    page.get_by_role("button", name="Save a new version").click()
    page.wait_for_url("**/staff/catalog/skills/splunk/history")
    assert "Saved skill splunk as version 2" in page.locator(".usa-alert").first.inner_text()
    current = page.locator("h2", has_text="(current)")
    assert current.inner_text() == "Version 2 (current): Edited"
    newest = page.locator("section", has=current)
    assert ALIAS_REASON in newest.inner_text() and ALIAS in newest.inner_text()
    assert page.get_by_role("heading", name="Version 1: Loaded from the reviewed files").count()

    # A job seeker's SOC resume now counts as Splunk for Defensive Cybersecurity.
    found = seek_until(seeker, live_server, lambda s: s["splunk"], "Splunk was never matched")
    assert "Quillmarrow Analytics" in found["splunk"]

    # Staff try a new rule for the internship on the sample people, by keyboard, then save.
    page.goto(live_server + "/staff/catalog/pathways/pathways-internship/edit")
    assert page.locator("h1").inner_text() == f"Edit {INTERNSHIP} (pathways-internship)"
    rule = page.get_by_label("Eligibility rule")
    rule.fill(RULE)
    rule.focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "Preview the rule"
    page.keyboard.press("Enter")
    preview = page.locator("#rule-preview")
    preview.wait_for()
    outcomes = dict(
        zip(
            preview.locator("tbody th").all_inner_texts(),
            preview.locator("tbody td strong").all_inner_texts(),
            strict=True,
        )
    )
    assert outcomes["Veteran (separated 2 years ago)"] == "Eligible"
    assert outcomes["Disabled veteran (40% rating)"] == "Eligible"
    assert outcomes["Student"] == "Not eligible"
    assert outcomes["Someone who told us nothing"] == "Unknown"
    assert "Nothing is saved until you save the pathway." in preview.inner_text()
    assert page.get_by_label("Eligibility rule").input_value().strip() == RULE.strip()
    assert axe_violations(page) == []
    # The artifact is the rule and its preview in one viewport (the whole form is too long to
    # show them), and the README's picture is a copy of it.
    page.locator("label[for=eligibility]").evaluate(
        "e => { e.scrollIntoView({block: 'start'}); window.scrollBy(0, -24); }"
    )
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=False)
    assert SCREENSHOT.stat().st_size < 400_000
    README_PICTURE.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SCREENSHOT, README_PICTURE)

    page.get_by_label("Reason for the change").fill(RULE_REASON)
    page.get_by_role("button", name="Save a new version").click()
    page.wait_for_url("**/staff/catalog/pathways/pathways-internship/history")
    assert page.locator("h2", has_text="(current)").inner_text() == "Version 2 (current): Edited"

    # The veteran who is not a student now appears eligible for the internship.
    found = seek_until(
        seeker,
        live_server,
        lambda s: INTERNSHIP in s["eligible"],
        "the internship never became eligible for a veteran",
    )
    assert "Quillmarrow Analytics" in found["splunk"]  # the alias is still there

    # Staff revert the pathway to the version loaded from the reviewed files.
    page.goto(live_server + "/staff/catalog/pathways/pathways-internship/history")
    assert axe_violations(page) == []
    page.get_by_label("Version to restore").select_option("1")
    page.get_by_label("Reason for reverting").fill(REVERT_REASON)
    page.get_by_role("button", name="Revert").click()
    page.wait_for_url("**/staff/catalog/pathways/pathways-internship/history")
    assert "to version 1, saved as version 3" in page.locator(".usa-alert").first.inner_text()
    current = page.locator("h2", has_text="(current)")
    assert current.inner_text() == "Version 3 (current): Reverted to version 1"
    assert REVERT_REASON in page.locator("section", has=current).inner_text()
    assert axe_violations(page) == []
    save_screenshot(page, "staff-history")

    # And the veteran is no longer told the internship is open to them.
    seek_until(
        seeker,
        live_server,
        lambda s: INTERNSHIP not in s["eligible"],
        "the reverted rule still made the internship eligible for a veteran",
    )

    # The audit log has the three changes, with their reasons, by this curator.
    page.goto(live_server + "/staff/audit")
    page.get_by_label("Who (part of an e-mail address)").fill(curator)
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/staff/audit?*")
    rows = page.locator("main table tbody tr")
    assert rows.count() == 3
    actions = rows.locator("td[data-label='Action']").all_inner_texts()
    assert actions == ["catalog.revert", "catalog.edit", "catalog.edit"]  # newest first
    reasons = rows.locator("td[data-label='Reason']").all_inner_texts()
    assert reasons == [REVERT_REASON, RULE_REASON, ALIAS_REASON]
    entries = rows.locator("td[data-label='Entry']")
    assert entries.get_by_role("link").count() == 3
    assert axe_violations(page) == []
    save_screenshot(page, "staff-audit")


def test_staff_catalog_pages_reflow_at_200_percent_zoom(browser, live_server, curator):
    context = browser.new_context(viewport={"width": 640, "height": 900}, device_scale_factor=2)
    page = context.new_page()
    sign_in(page, live_server, curator, PASSWORD)
    for path in (
        "/staff/catalog/",
        "/staff/catalog/skills/?q=splunk",
        "/staff/catalog/skills/splunk/edit",
        "/staff/catalog/pathways/pathways-internship/edit",
        "/staff/catalog/work-roles/PD-WRL-001/edit",
        "/staff/catalog/skills/splunk/history",
        "/staff/audit",
    ):
        page.goto(live_server + path)
        assert page.locator("h1").count() == 1, path
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1, f"{path} scrolls sideways by {overflow}px at 200% zoom"
    context.close()
