import pytest

from app import create_app
from app.config import ConfigError, load_config


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("PATHFINDER_ENV", "production")
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app()


def test_production_with_a_secret_key_uses_secure_cookies(monkeypatch):
    monkeypatch.setenv("PATHFINDER_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    config = load_config()
    assert config["SECRET_KEY"] == "from-the-environment"
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["SESSION_COOKIE_HTTPONLY"] is True


def test_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "sqlite:////tmp/elsewhere.db")
    monkeypatch.setenv("MAX_CONTENT_LENGTH", "1024")
    config = load_config()
    assert config["DATABASE_URL"] == "sqlite:////tmp/elsewhere.db"
    assert config["MAX_CONTENT_LENGTH"] == 1024


def test_default_database_is_sqlite_under_instance(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    url = str(load_config()["DATABASE_URL"])
    assert url.startswith("sqlite:///") and url.endswith("instance/pathfinder.db")


def test_unknown_environment_name_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("PATHFINDER_ENV", "staging-typo")
    with pytest.raises(ConfigError, match="staging-typo"):
        load_config()
