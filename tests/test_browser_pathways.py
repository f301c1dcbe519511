"""The catalog pages in a real browser: keyboard use, axe-core, 200% zoom, screenshots."""

import pytest

from .conftest import axe_violations, save_screenshot

pytestmark = pytest.mark.browser


def test_home_and_role_pages_pass_axe_and_work_by_keyboard(page, live_server):
    page.goto(live_server + "/")
    assert page.locator("h1").count() == 1
    assert axe_violations(page) == []
    save_screenshot(page, "home")

    # The first Tab reaches the skip link, which moves focus to the main content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main-content"

    page.goto(live_server + "/pathways/roles/PD-WRL-003")
    assert page.locator("h1").inner_text() == "Incident Response"
    assert axe_violations(page) == []
    save_screenshot(page, "role-incident-response")


def test_pages_reflow_at_200_percent_zoom_without_sideways_scrolling(browser, live_server):
    # 200% zoom of a 1280px window is a 640 CSS-pixel viewport.
    context = browser.new_context(viewport={"width": 640, "height": 900}, device_scale_factor=2)
    page = context.new_page()
    for path in ("/", "/pathways/", "/pathways/hiring-paths/", "/funding/programs/"):
        page.goto(live_server + path)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1, f"{path} scrolls sideways by {overflow}px at 200% zoom"
    context.close()
