import pytest
from sqlalchemy import select

from app.models import Role, User
from app.services.accounts import AccountError, authenticate, create_user


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
    with pytest.raises(AccountError, match="at least 12"):
        create_user(db, "b@example.gov", "B", "short", ["opm_staff"])
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
