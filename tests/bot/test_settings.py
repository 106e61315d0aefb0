"""The one settings model: what the Telegram bot needs from the environment, checked at start-up."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.settings import Settings


def test_the_token_and_bot_api_url_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "42:abc")
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", "http://127.0.0.1:8081/bot")
    settings = Settings(_env_file=None)
    assert settings.telegram_bot_token is not None
    assert settings.telegram_bot_token.get_secret_value() == "42:abc"
    assert "42:abc" not in repr(settings)  # a secret never shows up in logs
    assert settings.telegram_api_base_url == "http://127.0.0.1:8081/bot"


def test_webhook_mode_without_url_or_secret_is_refused_at_start_up() -> None:
    with pytest.raises(ValidationError, match="WEBHOOK_URL and WEBHOOK_SECRET"):
        Settings(_env_file=None, telegram_mode="webhook", webhook_url="https://x.org/t")


def test_sessions_default_to_a_sqlite_file_under_the_data_dir(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path)
    assert settings.resolved_storage_url() == f"sqlite:///{tmp_path / 'sessions.sqlite3'}"
    redis = Settings(_env_file=None, storage_url="redis://127.0.0.1:6379/0")
    assert redis.resolved_storage_url() == "redis://127.0.0.1:6379/0"
