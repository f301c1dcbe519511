"""Every form drops NUL characters from what was typed or pasted, before validation."""

from sqlalchemy import select

from app.forms import without_nul
from app.models import User


def test_nul_characters_are_dropped_from_text_and_lists():
    assert without_nul("Pat\x00 Office") == "Pat Office"
    assert without_nul(["ST", "I\x00S"]) == ["ST", "IS"]
    assert without_nul(None) is None and without_nul(12) == 12


def test_a_name_pasted_with_a_nul_registers_without_it(client, db):
    response = client.post(
        "/account/register",
        data={
            "display_name": "Pat\x00 Office",
            "email": "pat@springfield.example.gov",
            "organization": "Springfield\x00 Water",
            "password": "correct horse battery",
            "confirm": "correct horse battery",
        },
    )
    assert response.status_code == 302
    user = db.scalar(select(User).where(User.email == "pat@springfield.example.gov"))
    assert (user.display_name, user.organization) == ("Pat Office", "Springfield Water")
