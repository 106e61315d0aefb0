"""All configuration in one pydantic-settings model, read from the environment (and ``.env``)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Configuration of one advisor process. Secrets have no defaults."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    telegram_bot_token: SecretStr | None = Field(default=None, description="from @BotFather")
    telegram_api_base_url: str = Field(
        default="https://api.telegram.org/bot",
        description="Bot API base URL; point it at a self-hosted telegram-bot-api server or a test stand-in",
    )
    telegram_mode: Literal["polling", "webhook"] = "polling"
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = 8443
    webhook_path: str = Field(default="telegram", description="URL path the local webhook server listens on")
    telegram_request_timeout: float = Field(default=10.0, gt=0, description="seconds per Bot API call")
    telegram_poll_timeout: int = Field(default=30, ge=0, description="getUpdates long-polling wait, seconds")
    telegram_overall_rate: float = Field(
        default=30, ge=0, description="messages a second to all chats (Telegram's limit); 0 = no limit"
    )

    data_dir: Path = Path("data")
    storage_url: str = Field(
        default="", description="sqlite:///path or redis://host:port/db; empty = SQLite in data_dir"
    )
    session_ttl_days: float = Field(default=30, gt=0)
    #: per-user flood limit: a token bucket refilled at this many turns a minute, holding ``flood_burst``
    flood_rate_per_minute: float = Field(default=30, gt=0)
    flood_burst: int = Field(default=10, ge=1)

    #: FAQ confidence bands: answer when the probability that the best guess is right reaches
    #: ``faq_answer_threshold``; decline when the probability that the question is in scope is below
    #: ``faq_suggest_threshold``; otherwise offer 「您是不是想问」. Unset (``None``): the thresholds
    #: calibrated with the matcher, in knowledge/data/calibration.json (one place for them).
    faq_answer_threshold: float | None = Field(default=None, ge=0, le=1)
    faq_suggest_threshold: float | None = Field(default=None, ge=0, le=1)
    keep_unanswered: bool = True

    #: screenshots sent to the bot are read with offline OCR (issue 21); these bound what one image costs
    ocr_enabled: bool = True
    ocr_max_image_mb: float = Field(default=10, gt=0, description="largest image accepted, in MB")
    ocr_max_pixels: int = Field(default=25_000_000, gt=0, description="largest image accepted, in pixels")
    ocr_timeout_seconds: float = Field(default=20, gt=0, description="longest a person waits for an image")

    log_level: str = "INFO"

    @field_validator("faq_suggest_threshold")
    @classmethod
    def _suggest_below_answer(cls, value: float | None, info: object) -> float | None:
        data = getattr(info, "data", {})
        answer = data.get("faq_answer_threshold")
        if value is not None and answer is not None and value > answer:
            raise ValueError("faq_suggest_threshold must not exceed faq_answer_threshold")
        return value

    @model_validator(mode="after")
    def _webhook_needs_url_and_secret(self) -> Settings:
        # several processes behind one webhook must share one secret, so none is made up here
        if self.telegram_mode == "webhook" and (not self.webhook_url or self.webhook_secret is None):
            raise ValueError("TELEGRAM_MODE=webhook needs WEBHOOK_URL and WEBHOOK_SECRET")
        # an empty secret would silently switch the check off (it is falsy); Telegram allows 1-256 of these
        secret = self.webhook_secret.get_secret_value() if self.webhook_secret is not None else ""
        if self.telegram_mode == "webhook" and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise ValueError("WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and -")
        return self

    def resolved_storage_url(self) -> str:
        """The storage URL, defaulting to a SQLite file under ``data_dir``."""
        return self.storage_url or f"sqlite:///{self.data_dir / 'sessions.sqlite3'}"
