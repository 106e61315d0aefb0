"""All configuration in one pydantic-settings model, read from the environment (and ``.env``).

Every setting is read as ``LOAN_ADVISOR_`` + its name in capitals (``data_dir`` from
``LOAN_ADVISOR_DATA_DIR``), so that a shared environment or ``.env`` file cannot mix it up with another
program's ``DATA_DIR`` or ``LOG_LEVEL``. The one exception is ``TELEGRAM_BOT_TOKEN``, the name every
Telegram tool uses (``LOAN_ADVISOR_TELEGRAM_BOT_TOKEN`` works too). The unprefixed names of version 0.1
are still read for one release, with a warning (:mod:`bot.old_names`).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from bot.data_dir import default_data_dir
from bot.old_names import OldNames

#: the prefix of every setting's environment variable
ENV_PREFIX = "LOAN_ADVISOR_"


class Settings(BaseSettings):
    """Configuration of one advisor process. Secrets have no defaults."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        populate_by_name=True,  # Settings(telegram_bot_token=…) as well as the variable names
    )

    telegram_bot_token: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("TELEGRAM_BOT_TOKEN", f"{ENV_PREFIX}TELEGRAM_BOT_TOKEN"),
        description="from @BotFather",
    )
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
    webhook_max_update_kib: int = Field(
        default=256, ge=16, le=1024, description="largest webhook request body read, in KiB (413 above)"
    )
    telegram_request_timeout: float = Field(default=10.0, gt=0, description="seconds per Bot API call")
    telegram_poll_timeout: int = Field(default=30, ge=0, description="getUpdates long-polling wait, seconds")
    telegram_overall_rate: float = Field(
        default=30, ge=0, description="messages a second to all chats (Telegram's limit); 0 = no limit"
    )

    data_dir: Path = Field(
        default_factory=default_data_dir,
        description="sessions, unanswered log, chat history (default: the user's data folder)",
    )
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

    #: Prometheus metrics of the bot (bot/metrics.py): off while 0
    metrics_port: int = Field(default=0, ge=0, le=65535, description="port of GET /metrics; 0 = off")
    metrics_listen: str = Field(default="127.0.0.1", description="address the metrics server listens on")
    #: the terminal chat keeps what was typed (for the arrow keys) in data_dir; /forget erases it
    chat_history: bool = True

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """The usual sources, then the old unprefixed names: a prefixed name always wins."""
        env_files = getattr(dotenv_settings, "env_file", None)
        old_names = OldNames(settings_cls, ENV_PREFIX, env_files)
        return init_settings, env_settings, dotenv_settings, old_names, file_secret_settings

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
            raise ValueError(
                "LOAN_ADVISOR_TELEGRAM_MODE=webhook needs LOAN_ADVISOR_WEBHOOK_URL"
                " and LOAN_ADVISOR_WEBHOOK_SECRET"
            )
        # an empty secret would silently switch the check off (it is falsy); Telegram allows 1-256 of these
        secret = self.webhook_secret.get_secret_value() if self.webhook_secret is not None else ""
        if self.telegram_mode == "webhook" and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise ValueError(
                "LOAN_ADVISOR_WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and -"
            )
        return self

    def resolved_storage_url(self) -> str:
        """The storage URL, defaulting to a SQLite file under ``data_dir``."""
        return self.storage_url or f"sqlite:///{self.data_dir / 'sessions.sqlite3'}"
