"""Conventions of the ``loan-advisor`` command itself: ``--version``, and the same from ``python -m bot``."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import bot
from bot.cli import main

pytestmark = pytest.mark.slow  # starts `loan-advisor` processes

ROOT = Path(__file__).resolve().parents[2]


def test_version_prints_the_name_and_version_and_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    printed = capsys.readouterr().out.strip()
    assert printed == f"loan-advisor {bot.__version__}"
    assert re.fullmatch(r"loan-advisor \d+\.\d+\.\d+", printed)


def test_the_installed_command_and_python_m_bot_agree(tmp_path: Path) -> None:
    command = Path(sys.executable).with_name("loan-advisor")
    runs = [[str(command), "-V"], [sys.executable, "-m", "bot", "--version"]]
    outputs = {
        subprocess.run(run, cwd=tmp_path, capture_output=True, text=True, timeout=60, check=True).stdout
        for run in runs
    }
    assert outputs == {f"loan-advisor {bot.__version__}\n"}


def test_the_package_version_is_read_from_the_code() -> None:
    # one place to bump it: pyproject.toml takes bot.__version__ rather than a second copy
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" in project["project"]["dynamic"] and "version" not in project["project"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "bot.__version__"}
