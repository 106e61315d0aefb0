"""The settings' unprefixed names of version 0.1 (``DATA_DIR``, ``STORAGE_URL``…), read for one more release.

Settings are now read as ``LOAN_ADVISOR_<NAME>`` (``TELEGRAM_BOT_TOKEN`` keeps its name). So that a
deployment configured with the old names keeps working through the upgrade, :class:`OldNames` reads
them too, from the environment and the ``.env`` file, after every prefixed name: a prefixed value always
wins. Each old name found is reported once per process with a :class:`OldSettingName` warning (a
``FutureWarning``, which Python shows by default) naming the new one. The list is frozen: settings added
later never had an unprefixed name.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource

#: every setting of version 0.1 except the token, by field name (the old variable is its upper case)
OLD_FIELDS = (
    "telegram_api_base_url",
    "telegram_mode",
    "webhook_url",
    "webhook_secret",
    "webhook_listen",
    "webhook_port",
    "webhook_path",
    "telegram_request_timeout",
    "telegram_poll_timeout",
    "telegram_overall_rate",
    "data_dir",
    "storage_url",
    "session_ttl_days",
    "flood_rate_per_minute",
    "flood_burst",
    "faq_answer_threshold",
    "faq_suggest_threshold",
    "keep_unanswered",
    "log_level",
)


class OldSettingName(FutureWarning):
    """A setting was given under its old, unprefixed name."""


def old_name_message(old: str, new: str) -> str:
    """The one-line warning for an old variable name."""
    return (
        f"{old} 是旧的配置名，请改用 {new}（旧名称只再支持一个版本）。 / "
        f"{old} is an old setting name: use {new} (old names are read for one more release only)."
    )


class OldNames(PydanticBaseSettingsSource):
    """A settings source with the values of the old names found in the environment or the ``.env`` file.

    Args:
        settings_cls: the settings model.
        prefix: the new names' prefix (``LOAN_ADVISOR_``).
        env_files: the ``.env`` file(s) the prefixed names are read from (``_env_file`` honoured).
    """

    def __init__(self, settings_cls: type[BaseSettings], prefix: str, env_files: Any) -> None:
        super().__init__(settings_cls)
        self.prefix = prefix
        self.env_files = _as_paths(env_files)

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        """Unused: :meth:`__call__` reads every old name at once."""
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        """The old names' values, by field name; warns once for each old name found."""
        found: dict[str, Any] = {}
        sources: list[Mapping[str, str | None]] = [_lower(os.environ)]
        sources += [_lower(_read_env_file(path)) for path in self.env_files]
        for source in sources:
            for field_name in OLD_FIELDS:
                value = source.get(field_name)
                if value is None or field_name in found:
                    continue
                found[field_name] = value
                old, new = field_name.upper(), f"{self.prefix}{field_name.upper()}"
                warnings.warn(old_name_message(old, new), OldSettingName, stacklevel=2)
        return found


def _lower(values: Mapping[str, str | None]) -> dict[str, str | None]:
    # names were matched without regard to case, as pydantic-settings does by default
    return {name.lower(): value for name, value in values.items()}


def _as_paths(env_files: Any) -> list[Path]:
    if env_files is None:
        return []
    if isinstance(env_files, (str, os.PathLike)):
        return [Path(env_files)]
    if isinstance(env_files, Iterable):
        return [Path(p) for p in env_files]
    return []


def _read_env_file(path: Path) -> dict[str, str | None]:
    if not path.is_file():
        return {}
    from dotenv import dotenv_values

    return dict(dotenv_values(path, encoding="utf-8"))
