"""The one settings model: what the advisor reads from the environment, under which names, checked early.

Every setting is ``LOAN_ADVISOR_<NAME>``; ``TELEGRAM_BOT_TOKEN`` keeps its name. The unprefixed names of
version 0.1 still work for one release, each with a warning naming the new one, and never win over a
prefixed name.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.old_names import OLD_FIELDS, OldSettingName
from bot.settings import ENV_PREFIX, Settings


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No setting from the developer's shell leaks into these tests."""
    import os

    for name in list(os.environ):
        field = name.lower().removeprefix(ENV_PREFIX.lower())
        if field in Settings.model_fields:
            monkeypatch.delenv(name)


def test_the_token_and_bot_api_url_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "42:abc")
    monkeypatch.setenv("LOAN_ADVISOR_TELEGRAM_API_BASE_URL", "http://127.0.0.1:8081/bot")
    settings = Settings(_env_file=None)
    assert settings.telegram_bot_token is not None
    assert settings.telegram_bot_token.get_secret_value() == "42:abc"
    assert "42:abc" not in repr(settings)  # a secret never shows up in logs
    assert settings.telegram_api_base_url == "http://127.0.0.1:8081/bot"


def test_every_setting_is_read_under_the_prefix(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("LOAN_ADVISOR_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("LOAN_ADVISOR_LOG_LEVEL", "DEBUG")
    monkeypatch.setenv("LOAN_ADVISOR_FLOOD_BURST", "3")
    monkeypatch.setenv("LOAN_ADVISOR_METRICS_PORT", "9464")
    monkeypatch.setenv("LOAN_ADVISOR_TELEGRAM_BOT_TOKEN", "7:prefixed")  # the token under the prefix too
    with warnings.catch_warnings():
        warnings.simplefilter("error", OldSettingName)  # new names: no warning
        settings = Settings(_env_file=None)
    assert settings.data_dir == tmp_path and settings.log_level == "DEBUG" and settings.flood_burst == 3
    assert settings.metrics_port == 9464
    assert settings.telegram_bot_token is not None
    assert settings.telegram_bot_token.get_secret_value() == "7:prefixed"


def test_other_programs_unprefixed_variables_are_not_mistaken_for_new_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # a shared .env of several services: METRICS_PORT and CHAT_HISTORY were never the advisor's names
    monkeypatch.setenv("METRICS_PORT", "8000")
    monkeypatch.setenv("CHAT_HISTORY", "false")
    settings = Settings(_env_file=None)
    assert settings.metrics_port == 0 and settings.chat_history is True


@pytest.mark.parametrize(("old", "value", "field", "expected"), [
    ("DATA_DIR", "/srv/advisor", "data_dir", Path("/srv/advisor")),
    ("STORAGE_URL", "redis://127.0.0.1:6379/0", "storage_url", "redis://127.0.0.1:6379/0"),
    ("LOG_LEVEL", "WARNING", "log_level", "WARNING"),
    ("FLOOD_BURST", "4", "flood_burst", 4),
    ("TELEGRAM_MODE", "polling", "telegram_mode", "polling"),
])  # fmt: skip
def test_an_old_name_still_works_with_a_warning_naming_the_new_one(
    monkeypatch: pytest.MonkeyPatch, old: str, value: str, field: str, expected: object
) -> None:
    monkeypatch.setenv(old, value)
    with pytest.warns(OldSettingName, match=f"{old} is an old setting name: use LOAN_ADVISOR_{old}"):
        settings = Settings(_env_file=None)
    assert getattr(settings, field) == expected


def test_the_prefixed_name_wins_over_the_old_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOG_LEVEL", "ERROR")
    monkeypatch.setenv("LOAN_ADVISOR_LOG_LEVEL", "DEBUG")
    with pytest.warns(OldSettingName):  # still told: the old one is a leftover to remove
        assert Settings(_env_file=None).log_level == "DEBUG"


def test_old_names_in_a_dotenv_file_still_work_and_the_new_ones_there_win(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(
        "TELEGRAM_BOT_TOKEN=9:from-dotenv\nSESSION_TTL_DAYS=7\nFLOOD_BURST=2\nLOAN_ADVISOR_FLOOD_BURST=5\n",
        encoding="utf-8",
    )
    with pytest.warns(OldSettingName) as caught:
        settings = Settings(_env_file=env_file)
    assert settings.telegram_bot_token is not None
    assert settings.telegram_bot_token.get_secret_value() == "9:from-dotenv"  # not an old name: no warning
    assert settings.session_ttl_days == 7 and settings.flood_burst == 5
    warned = {str(w.message).split(" ", 1)[0] for w in caught}
    assert warned == {"SESSION_TTL_DAYS", "FLOOD_BURST"}


def test_every_old_name_is_a_setting_and_new_settings_have_no_old_name() -> None:
    assert set(OLD_FIELDS) <= set(Settings.model_fields)
    assert {"metrics_port", "metrics_listen", "chat_history", "telegram_bot_token"}.isdisjoint(OLD_FIELDS)


def test_webhook_mode_without_url_or_secret_is_refused_at_start_up() -> None:
    with pytest.raises(ValidationError, match="LOAN_ADVISOR_WEBHOOK_URL and LOAN_ADVISOR_WEBHOOK_SECRET"):
        Settings(_env_file=None, telegram_mode="webhook", webhook_url="https://x.org/t")


def test_sessions_default_to_a_sqlite_file_under_the_data_dir(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path)
    assert settings.resolved_storage_url() == f"sqlite:///{tmp_path / 'sessions.sqlite3'}"
    redis = Settings(_env_file=None, storage_url="redis://127.0.0.1:6379/0")
    assert redis.resolved_storage_url() == "redis://127.0.0.1:6379/0"
