"""Program offices in a real browser: search with filters, register, profile, matches, a saved
search whose digest lands in the outbox, and the calendar feed, with axe-core on the way."""

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from icalendar import Calendar
from sqlalchemy import select

from app.models import FundingOpportunity, OpportunityStatus, OutboxMessage, User

from .conftest import ARTIFACTS, axe_violations, save_screenshot

pytestmark = pytest.mark.browser

# The README's picture is a copy of this one (docs/screenshots/program-office-matches.png).
SCREENSHOT = ARTIFACTS / "program-office-matches.png"
NEEDS = "AI-assisted vulnerability detection for our water utility's OT network"


def test_search_with_filters_and_an_opportunity_page(page, live_server):
    page.goto(live_server + "/funding/")
    assert page.locator("h1").count() == 1
    assert axe_violations(page) == []
    everything = int(page.locator("#results-heading").inner_text().split()[0])

    tick(page, "Tribal governments and organizations")
    tick(page, "Open for applications")
    page.get_by_label("Closing within").select_option("60")
    page.get_by_role("button", name="Show results").click()
    page.wait_for_url("**/funding/?*who=tribal*")
    heading = page.locator("#results-heading").inner_text()
    assert 0 < int(heading.split()[0]) < everything
    first = page.locator(".usa-collection__item").first
    assert "Who can apply" in first.inner_text()
    assert "sample listing" in first.inner_text().lower()
    assert page.get_by_label("Tribal governments and organizations").is_checked()
    save_screenshot(page, "funding-search-filtered")

    page.get_by_role("link", name="Fiscal Year 2026 Tribal Cybersecurity Grant Program").click()
    assert "Tribal Cybersecurity Grant Program" in page.locator("h1").inner_text()
    assert page.get_by_text("Federally recognized tribes").count() >= 1
    assert axe_violations(page) == []
    with page.expect_download() as download:
        page.get_by_role("link", name="Add the deadline to your calendar (.ics)").click()
    calendar = Calendar.from_ical(Path(download.value.path()).read_bytes())
    [event] = calendar.walk("VEVENT")
    assert "Tribal Cybersecurity" in str(event["SUMMARY"])


def test_a_program_office_registers_matches_saves_and_gets_alerts(
    page, live_server, live_app, live_session, live_database_url
):
    # Register.
    page.goto(live_server + "/account/register")
    page.get_by_label("Your name").fill("Pat Rivera")
    page.get_by_label("E-mail address").fill("pat.rivera@springfield-water.example.gov")
    page.get_by_label("Organization").fill("Springfield Water Department")
    page.get_by_label("Password", exact=True).fill("correct horse battery staple")
    page.get_by_label("Type the password again").fill("correct horse battery staple")
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url("**/funding/profile")

    # Until the address is confirmed every page says so; the e-mailed link confirms it.
    assert page.get_by_role("button", name="Resend the link").count() == 1
    body = live_session.scalars(
        select(OutboxMessage.body)
        .where(OutboxMessage.to_address == "pat.rivera@springfield-water.example.gov")
        .order_by(OutboxMessage.id.desc())
    ).first()
    live_session.rollback()  # end the read: SQLite lets no one write while it is open
    token = body.split("/account/verify/", 1)[1].split()[0]
    page.goto(live_server + "/account/verify/" + token)
    page.get_by_role("button", name="Confirm my address").click()
    page.wait_for_load_state()
    assert page.get_by_role("button", name="Resend the link").count() == 0
    page.goto(live_server + "/funding/profile")

    # Create the profile.
    page.get_by_label("Type of organization").select_option("special_district")
    page.get_by_label("State or territory").select_option("IL")
    page.get_by_label("What do you need funding for?").fill(NEEDS)
    page.get_by_label("Smallest award worth applying for (dollars)").fill("100000")
    page.get_by_label("Largest award you could manage (dollars)").fill("3000000")
    tick(page, "Operational Technology (OT) Cybersecurity Engineering")
    page.get_by_role("button", name="Save and see matches").click()
    page.wait_for_url("**/funding/matches")

    # See the matches.
    first = page.locator(".pf-matches > li").first
    assert "Rural and Municipal Utility Cybersecurity" in first.inner_text()
    assert "Eligible as Special district governments" in first.inner_text()
    assert "more you are not eligible for" in page.locator(".usa-summary-box").inner_text()
    assert axe_violations(page) == []
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1200, "height": 1500})
    page.screenshot(path=str(SCREENSHOT), full_page=False)
    assert SCREENSHOT.stat().st_size < 400_000
    first.get_by_role("button", name="Save").click()
    page.wait_for_url("**/funding/matches")
    assert page.locator(".pf-matches > li").first.get_by_text("Saved").count() == 1

    # Save a search with filters.
    page.goto(live_server + "/funding/?q=cybersecurity&who=local")
    page.get_by_text("Save this search and get alerts").click()
    page.get_by_label("Name this search").fill("Local cyber grants")
    tick(page, "Daily")
    page.get_by_role("button", name="Save search").click()
    page.wait_for_url("**/funding/searches")
    assert page.get_by_role("heading", name="Local cyber grants").count() == 1

    # Something new appears; the cron command queues a digest, the sender delivers it.
    today = date.today()
    added = FundingOpportunity(
        source="grantsgov",
        source_id="browser-test-1",
        title="Browser test water cybersecurity grant",
        number="BT-0001",
        agency="Browser Test Agency",
        status=OpportunityStatus.POSTED,
        close_date=today + timedelta(days=45),
        eligible_applicants=["04"],
        assistance_listings=["97.137"],
        description="Cybersecurity for special districts.",
        content_hash="browser-test",
        is_sample=True,
    )
    live_session.add(added)
    live_session.commit()
    try:
        env = {"DATABASE_URL": live_database_url, "PATHFINDER_ENV": "development"}
        result = CliRunner().invoke(_cli(), ["alerts", "send", "--queue-only"], env=env)
        assert result.exit_code == 0, result.output
        user = live_session.scalar(select(User).where(User.email.like("pat.rivera@%")))
        digest = live_session.scalar(
            select(OutboxMessage).where(
                OutboxMessage.user_id == user.id, OutboxMessage.dedupe_key.like("digest:%")
            )
        )
        assert digest is not None and digest.sent_at is None
        assert "Browser test water cybersecurity grant" in digest.body
        assert "Saved search: Local cyber grants" in digest.body
        live_session.rollback()  # end the read: SQLite lets no one write while it is open
        result = CliRunner().invoke(_cli(), ["alerts", "deliver"], env=env)
        # Other browser tests' mail (an admin's invitation) may be waiting in the same outbox.
        assert result.exit_code == 0 and " sent" in result.output, result.output
        live_session.refresh(digest)
        assert digest.sent_at is not None
        live_session.rollback()
        again = CliRunner().invoke(_cli(), ["alerts", "send"], env=env)
        assert "0 digests queued" in again.output and "0 sent" in again.output
    finally:
        live_session.delete(live_session.merge(added))
        live_session.commit()

    # The calendar feed.
    page.goto(live_server + "/funding/feed")
    page.get_by_role("button", name="Create my calendar address").click()
    page.wait_for_url("**/funding/feed")
    assert "/feeds/" in page.get_by_label("Your calendar address").input_value()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the calendar file").click()
    calendar = Calendar.from_ical(Path(download.value.path()).read_bytes())
    summaries = [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")]
    assert any("Rural and Municipal Utility Cybersecurity" in s for s in summaries)
    stamp = datetime.now(UTC)
    assert all(e.decoded("DTSTART") >= stamp.date() for e in calendar.walk("VEVENT"))


def tick(page, label: str) -> None:
    """Tick a USWDS checkbox or radio the way a person does: by its visible label."""
    page.locator(f"label:text-is('{label}')").click()
    assert page.get_by_label(label, exact=True).is_checked()


def _cli():
    from app.cli import cli

    return cli


def test_funding_pages_reflow_at_200_percent_zoom(browser, live_server):
    context = browser.new_context(viewport={"width": 640, "height": 900}, device_scale_factor=2)
    page = context.new_page()
    for path in ("/funding/", "/funding/opportunities/1", "/funding/programs/97.137",
                 "/account/register"):  # fmt: skip
        page.goto(live_server + path)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1, f"{path} scrolls sideways by {overflow}px at 200% zoom"
    context.close()
