"""Admins in a real browser: invite an OPM staff member, who opens the link from the outbox,
chooses a password and lands in the staff workspace; then the admin disables the account and
its session ends. axe-core runs on every page on the way."""

import re

import pytest
from sqlalchemy import select

from app.models import AuditEntry, OutboxMessage

from .conftest import axe_violations, save_screenshot

pytestmark = pytest.mark.browser

ADMIN, ADMIN_PASSWORD = "browser.admin@example.gov", "a long admin passphrase"
INVITEE, INVITEE_PASSWORD = "kim.invited@opm.example.gov", "violet granite harbour lantern"


@pytest.fixture
def admin_account(live_session):
    from app.services.accounts import create_user

    create_user(live_session, ADMIN, "Ada Admin", ADMIN_PASSWORD, ["admin"])
    live_session.commit()


@pytest.fixture
def second_page(browser):
    """Another browser, for the invitee: its own cookies."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def tick(page, label: str) -> None:
    """Tick a USWDS checkbox the way a person does: by its visible label."""
    page.locator(f"label:text-is('{label}')").click()
    assert page.get_by_label(label, exact=True).is_checked()


def invitation_path(session, email: str) -> str:
    body = session.scalar(
        select(OutboxMessage.body).where(
            OutboxMessage.to_address == email, OutboxMessage.dedupe_key.like("invitation:%")
        )
    )
    session.rollback()  # end the read: SQLite lets no one write while it is open
    assert body is not None
    match = re.search(r"https?://[^/\s]+(/account/invitation/\S+)", body)
    assert match, body
    return match.group(1)


def test_an_admin_invites_staff_who_sign_up_and_are_then_disabled(
    page, second_page, live_server, live_session, admin_account
):
    # The admin signs in and opens the accounts page from the header.
    page.goto(live_server + "/account/login")
    page.get_by_label("E-mail address").fill(ADMIN)
    page.get_by_label("Password").fill(ADMIN_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Accounts").click()
    page.wait_for_url("**/admin/")
    assert page.locator("h1").inner_text() == "Accounts"
    assert axe_violations(page) == []

    # An invitation with no role is refused, by the field.
    page.get_by_role("link", name="Invite OPM staff or an agency poster").click()
    page.wait_for_url("**/admin/invite")
    assert axe_violations(page) == []
    page.get_by_label("E-mail address").fill(INVITEE)
    page.get_by_role("button", name="Send the invitation").click()
    assert page.locator("#roles-error").inner_text() == "Choose at least one role."
    assert axe_violations(page) == []
    tick(page, "OPM staff")
    page.get_by_role("button", name="Send the invitation").click()
    page.wait_for_url("**/admin/")
    assert f"Invitation sent to {INVITEE}" in page.locator(".usa-alert").first.inner_text()
    assert page.get_by_role("button", name=f"Revoke the invitation for {INVITEE}").count() == 1
    save_screenshot(page, "admin-accounts")

    # The invitee opens the link from the e-mail and chooses a password.
    path = invitation_path(live_session, INVITEE)
    invitee = second_page
    invitee.goto(live_server + path)
    assert invitee.locator("h1").inner_text() == "Create your account"
    assert INVITEE in invitee.locator("main").inner_text()
    assert axe_violations(invitee) == []
    invitee.get_by_label("Your name").fill("Kim Invited")
    invitee.get_by_label("Password", exact=True).fill(INVITEE_PASSWORD)
    invitee.get_by_label("Type the password again").fill(INVITEE_PASSWORD)
    invitee.get_by_role("button", name="Create account").click()
    invitee.wait_for_url("**/staff/")
    assert "Kim Invited" in invitee.locator(".usa-alert").first.inner_text()
    assert axe_violations(invitee) == []
    # The link worked once.
    invitee.goto(live_server + path)
    assert invitee.locator("h1").inner_text() == "This invitation link does not work"
    assert axe_violations(invitee) == []

    # The admin disables the new account; its session ends at once.
    page.goto(live_server + "/admin/")
    assert INVITEE in page.locator("table").last.inner_text()
    page.get_by_role("button", name=f"Disable {INVITEE}").click()
    page.wait_for_url("**/admin/")
    assert "is disabled" in page.locator(".usa-alert").first.inner_text()
    assert axe_violations(page) == []
    invitee.goto(live_server + "/staff/")
    invitee.wait_for_url("**/account/login**")
    assert invitee.locator("h1").inner_text() == "Sign in"

    actions = live_session.scalars(
        select(AuditEntry.action).where(AuditEntry.actor == ADMIN).order_by(AuditEntry.id)
    ).all()
    live_session.rollback()
    assert actions == ["account.invite", "account.disable"]
