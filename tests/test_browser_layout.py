"""The site's layout in a real browser, at a 1,280 px desktop window and a 375 px phone: the
favicon, the banner, the header menu, the funding search box and the staff run tables."""

from __future__ import annotations

import uuid

import pytest

from .conftest import axe_violations, sign_in

pytestmark = pytest.mark.browser

DESKTOP, PHONE = 1280, 375
PASSWORD = "a long layout passphrase"
NOTICE = "not an official government website"

# How many lines of text an element's text runs over: the distinct tops of its text's boxes.
TEXT_LINES = """element => {
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  const tops = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const rect of range.getClientRects()) {
      if (rect.width > 0 && !tops.some(top => Math.abs(top - rect.top) < 4)) tops.push(rect.top);
    }
  }
  return tops.length;
}"""

# A box's border widths (top, right, bottom, left), height and width, in CSS pixels.
BOX = """element => {
  const style = getComputedStyle(element);
  return {
    borders: ['top', 'right', 'bottom', 'left'].map(
      side => parseFloat(style.getPropertyValue(`border-${side}-width`))),
    height: element.getBoundingClientRect().height,
    width: element.getBoundingClientRect().width,
  };
}"""

SIDEWAYS = "document.documentElement.scrollWidth - window.innerWidth"


@pytest.fixture
def staff_email(live_session) -> str:
    """An OPM staff account of this test's own, with a long address (the header shows it)."""
    from app.services.accounts import create_user

    email = f"layout.staff.member-{uuid.uuid4().hex[:8]}@opm.example.gov"
    create_user(live_session, email, "Lee Layout", PASSWORD, ["opm_staff"])
    live_session.commit()
    return email


def new_page(browser, width: int):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def test_every_page_has_a_favicon_and_no_request_fails(browser, live_server):
    for width in (DESKTOP, PHONE):
        context, page = new_page(browser, width)
        missing: list[str] = []
        page.on(
            "response",
            lambda r, missing=missing: (
                missing.append(f"{r.status} {r.url}") if r.status >= 400 else None
            ),
        )
        for path in ("/", "/funding/", "/pathways/roles/DD-WRL-001", "/jobs/"):
            page.goto(live_server + path)
            page.wait_for_load_state("networkidle")
            icons = page.locator("link[rel=icon]")
            assert icons.count() >= 1, path
            for href in icons.evaluate_all("links => links.map(link => link.href)"):
                response = page.request.get(href)
                assert response.ok, href
                assert response.headers["content-type"].startswith("image/"), href
        response = page.request.get(live_server + "/favicon.ico")
        assert response.ok and response.headers["content-type"] == "image/x-icon"
        assert missing == []
        context.close()


def test_the_banner_and_the_footer_say_the_site_is_not_official(browser, live_server):
    for width in (DESKTOP, PHONE):
        context, page = new_page(browser, width)
        page.goto(live_server + "/")
        banner = page.locator(".usa-banner")
        assert NOTICE in banner.inner_text()
        assert "An official website of the United States government" not in banner.inner_text()
        assert NOTICE in page.locator("footer").inner_text()
        # "Here's how you know" opens the explanation.
        page.locator(".usa-banner__button").click()
        explanation = page.locator(".usa-banner__content")
        explanation.wait_for(state="visible")
        assert "This is not a .gov website" in explanation.inner_text()
        assert axe_violations(page) == []
        context.close()


# The funding filters' one-line fields other than the search box: amounts and drop-downs.
OTHER_FILTER_FIELDS = ".pf-filters input.usa-input:not([type=search]), .pf-filters .usa-select"


def test_the_funding_search_box_is_boxed_and_sized_like_the_other_filters(browser, live_server):
    # USWDS styles every [type=search] as the left half of its search-and-button pair: no
    # right border, 2rem tall. Ours stands alone, so it must look like the fields below it.
    for width in (DESKTOP, PHONE):
        context, page = new_page(browser, width)
        page.goto(live_server + "/funding/")
        search = page.locator(".pf-filters input[type=search]").evaluate(BOX)
        others = page.locator(OTHER_FILTER_FIELDS).evaluate_all(f"all => all.map({BOX})")
        assert len(others) >= 5  # closing, agency, listing, category, amounts, sort
        assert search["borders"][1] >= 1, width  # a right border
        for other in others:
            assert search["borders"] == other["borders"], width
            assert abs(search["height"] - other["height"]) < 0.5, width
            assert abs(search["width"] - other["width"]) < 0.5, width
        # Words past the limit are an error: a thick border on every side, as on other fields.
        page.goto(live_server + "/funding/?q=" + "word+" * 50)
        error = page.locator(".pf-filters input[type=search]").evaluate(BOX)
        assert len(set(error["borders"])) == 1 and error["borders"][0] > 1, (width, error)
        context.close()


def add_runs(session) -> None:
    """Three usajobs scrapes with big counts, warnings and a long unbroken error, and an ingest
    of a file with a long name: the widest rows the run tables get."""
    from datetime import timedelta

    from app.models import RunStatus, ScrapeRun, utcnow

    started = utcnow() - timedelta(hours=3)
    url = ("https://data.usajobs.gov/api/search?Keyword=cybersecurity&ResultsPerPage=500"
           "&Page=17&SortField=opendate")  # fmt: skip
    outcomes = [(RunStatus.SUCCEEDED, None), (RunStatus.FAILED, f"HTTPError: 503 for url: {url}"),
                (RunStatus.RUNNING, None)]  # fmt: skip
    for n, (status, error) in enumerate(outcomes):
        ended = None if status == RunStatus.RUNNING else started + timedelta(minutes=n + 1)
        session.add(
            ScrapeRun(
                source="usajobs", kind="scrape", status=status, error=error,
                started_at=started + timedelta(minutes=n), finished_at=ended,
                params={"source": "usajobs"}, new=12_345, updated=6_789, unchanged=123_456,
                closed=1_024, reopened=17, failed=3,
                warnings=[f"record {i} skipped: no PositionURI" for i in range(3)],
            )
        )  # fmt: skip
    session.add(
        ScrapeRun(
            source="usajobs", kind="ingest", status=RunStatus.SUCCEEDED, started_at=started,
            finished_at=started, new=250,
            params={"file": "usajobs-cyber-sample-2026-11-30-full-export.json"},
        )
    )  # fmt: skip
    session.commit()


def test_the_staff_run_tables_fit_the_window(browser, live_server, live_session, staff_email):
    add_runs(live_session)
    for width in (DESKTOP, PHONE):
        context, page = new_page(browser, width)
        sign_in(page, live_server, staff_email, PASSWORD)
        page.goto(live_server + "/staff/operations")
        assert page.locator("h1").inner_text() == "Scrape operations"
        assert page.evaluate(SIDEWAYS) <= 0, f"the page scrolls sideways at {width} px"
        if width == DESKTOP:  # on a desktop the runs fit without scrolling their region
            tables = page.get_by_role("region", name="Recent runs of usajobs")
            assert tables.evaluate("e => e.scrollWidth - e.clientWidth") <= 0
        context.close()


# Each header menu item's text height over its line height (1: one line).
NAV_LINES = """() => [...document.querySelectorAll(
    '.usa-nav__primary-item > a, .usa-nav__secondary-item > a, .usa-nav__secondary-item button'
  )].map(item => {
    const style = getComputedStyle(item);
    const text = item.getBoundingClientRect().height - parseFloat(style.paddingTop)
      - parseFloat(style.paddingBottom) - parseFloat(style.borderTopWidth)
      - parseFloat(style.borderBottomWidth);
    return [item.innerText.trim(), text / parseFloat(style.lineHeight)];
  })"""


def test_header_menu_items_stay_on_one_line(browser, live_server, staff_email):
    context, page = new_page(browser, DESKTOP)
    page.goto(live_server + "/")
    anonymous = page.evaluate(NAV_LINES)
    assert "Sign in" in dict(anonymous)
    sign_in(page, live_server, staff_email, PASSWORD)
    page.goto(live_server + "/")
    staff = page.evaluate(NAV_LINES)
    for label, lines in anonymous + staff:
        assert lines < 1.5, f"{label!r} wraps onto {lines:.1f} lines at {DESKTOP} px"
    assert {"Your workspace", "Password", "Sign out"} <= set(dict(staff))
    assert staff_email in page.locator(".usa-header").inner_text()  # who is signed in
    assert page.evaluate(SIDEWAYS) <= 0
    context.close()

    # On a phone the menu button opens the same items, and the close button shuts them.
    context, page = new_page(browser, PHONE)
    sign_in(page, live_server, staff_email, PASSWORD)
    page.goto(live_server + "/")
    workspace = page.get_by_role("link", name="Your workspace")
    assert not workspace.is_visible()
    page.get_by_role("button", name="Menu").click()
    workspace.wait_for(state="visible")
    assert page.get_by_role("button", name="Sign out").is_visible()
    assert page.get_by_role("link", name="Work roles").first.is_visible()
    assert page.evaluate(SIDEWAYS) <= 0
    page.get_by_role("button", name="Close menu").click()
    workspace.wait_for(state="hidden")
    context.close()
