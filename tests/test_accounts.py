import pytest
from sqlalchemy import select

from app.models import Role, User
from app.services.accounts import (
    AccountError,
    authenticate,
    change_password,
    create_user,
    password_problem,
)


def test_passwords_are_hashed_and_checked(db):
    user = create_user(
        db, "Poster@Agency.example.gov", "Poster", "a long passphrase", ["agency_poster"]
    )
    assert user.email == "poster@agency.example.gov"
    assert "a long passphrase" not in user.password_hash
    assert authenticate(db, "poster@agency.example.gov", "a long passphrase") is user
    assert authenticate(db, "poster@agency.example.gov", "wrong passphrase") is None
    assert authenticate(db, "nobody@agency.example.gov", "a long passphrase") is None


def test_duplicate_and_weak_accounts_are_refused(db):
    create_user(db, "a@example.gov", "A", "a long passphrase", ["opm_staff"])
    with pytest.raises(AccountError, match="already exists"):
        create_user(db, "A@example.gov", "A again", "a long passphrase", ["opm_staff"])
    with pytest.raises(AccountError, match="at least 12") as caught:
        create_user(db, "b@example.gov", "B", "short", ["opm_staff"])
    assert caught.value.field == "password"
    with pytest.raises(AccountError, match="not a valid e-mail"):
        create_user(db, "not-an-email", "C", "a long passphrase", ["opm_staff"])


def test_admins_hold_every_role(db):
    admin = create_user(db, "admin@example.gov", "Admin", "a long passphrase", ["admin"])
    staff = create_user(db, "staff@example.gov", "Staff", "a long passphrase", ["opm_staff"])
    assert admin.has_role(Role.AGENCY_POSTER)
    assert staff.has_role(Role.OPM_STAFF) and not staff.has_role(Role.PROGRAM_OFFICE)


def test_inactive_accounts_cannot_sign_in(db):
    create_user(db, "gone@example.gov", "Gone", "a long passphrase", ["opm_staff"])
    db.scalar(select(User).where(User.email == "gone@example.gov")).is_active = False
    assert authenticate(db, "gone@example.gov", "a long passphrase") is None


@pytest.mark.parametrize(
    "password", ["aaaaaaaaaaaa", "123456789012", "Password1234", "qwertyuiop12"]
)
def test_common_and_patterned_passwords_are_refused(password):
    assert "too easy to guess" in password_problem(password, email="pat@example.gov", name="Pat")


def test_the_accounts_own_email_and_name_are_not_passwords():
    email, name = "pat.lee@springfield.example.gov", "Patricia Lee-Springfield"
    assert "e-mail address or your name" in password_problem(email, email=email, name=name)
    assert "e-mail address or your name" in password_problem(name.upper(), email=email, name=name)
    # Built from them, it is still easy to guess: zxcvbn is told both.
    assert password_problem("PatriciaSpringfield", email=email, name=name) is not None
    assert password_problem("springfield2026", email=email, name=name) is not None


def test_length_limits_are_stated_as_they_are():
    assert password_problem("x" * 11) == "Use at least 12 characters."
    assert password_problem("violet granite " * 14) == "Use no more than 200 characters."
    assert password_problem("correct horse battery staple") is None


def test_a_password_change_checks_the_current_one_and_raises_the_session_version(db):
    user = create_user(db, "c@example.gov", "C", "a long passphrase", ["opm_staff"])
    db.flush()
    with pytest.raises(AccountError) as caught:
        change_password(db, user, "not it", "violet granite harbour")
    assert caught.value.field == "current"
    with pytest.raises(AccountError, match="different"):
        change_password(db, user, "a long passphrase", "a long passphrase")
    with pytest.raises(AccountError, match="too easy"):
        change_password(db, user, "a long passphrase", "Password1234")
    version = user.session_version
    change_password(db, user, "a long passphrase", "violet granite harbour")
    assert user.session_version == version + 1
    assert authenticate(db, "c@example.gov", "violet granite harbour") is user
    assert authenticate(db, "c@example.gov", "a long passphrase") is None
