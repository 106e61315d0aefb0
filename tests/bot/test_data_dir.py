"""Where the command line keeps its files, chosen from a clean environment as a new user would run it.

A real ``loan-advisor ask`` process with nothing but ``PATH`` and ``HOME`` (and what the test adds) asks a
question the advisor declines, which writes the unanswered-question log: where that file lands is where
the data folder is. It must never be the folder the command was run from, except for a ``./data`` that an
earlier version left there, which is still used, with a one-line notice.
"""

from __future__ import annotations

import stat
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # starts `loan-advisor ask` processes

ROOT = Path(__file__).resolve().parents[2]
DECLINED = "今天天气怎么样"  # out of scope: declined, so it is logged


def ask(cwd: Path, home: Path, *options: str, **env: str) -> subprocess.CompletedProcess[str]:
    """``loan-advisor [options] ask DECLINED`` in ``cwd`` with a clean environment."""
    environment = {"PATH": "/usr/bin:/bin", "HOME": str(home), "PYTHONPATH": str(ROOT), **env}
    return subprocess.run(
        [sys.executable, "-m", "bot", *options, "ask", DECLINED],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def files_under(folder: Path) -> set[Path]:
    return {p.relative_to(folder) for p in folder.rglob("*") if p.is_file()}


def test_a_new_user_gets_the_platforms_data_folder_and_nothing_in_the_working_folder(tmp_path: Path) -> None:
    home, work = tmp_path / "home", tmp_path / "work"
    work.mkdir()
    result = ask(work, home)
    assert result.returncode == 0, result.stderr
    assert files_under(work) == set()  # no ./data/ wherever the command happens to run
    log = home / ".local" / "share" / "loan-advisor" / "unanswered.jsonl"
    assert DECLINED in log.read_text(encoding="utf-8")
    assert result.stderr == ""  # nothing to notice, nothing deprecated


def test_xdg_data_home_is_honoured(tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    result = ask(work, tmp_path / "home", XDG_DATA_HOME=str(tmp_path / "xdg"))
    assert result.returncode == 0, result.stderr
    assert files_under(tmp_path / "xdg") == {Path("loan-advisor/unanswered.jsonl")}


def test_the_flag_and_the_setting_choose_the_folder(tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    by_flag = ask(work, tmp_path / "home", "--data-dir", str(tmp_path / "flag"))
    by_setting = ask(work, tmp_path / "home", LOAN_ADVISOR_DATA_DIR=str(tmp_path / "setting"))
    assert by_flag.returncode == 0 and by_setting.returncode == 0, by_flag.stderr + by_setting.stderr
    assert files_under(tmp_path / "flag") == {Path("unanswered.jsonl")}
    assert files_under(tmp_path / "setting") == {Path("unanswered.jsonl")}
    assert not (tmp_path / "home").exists()


def test_a_data_folder_left_by_an_earlier_version_is_used_with_a_one_line_notice(tmp_path: Path) -> None:
    home, work = tmp_path / "home", tmp_path / "work"
    (work / "data").mkdir(parents=True)
    (work / "data" / "sessions.sqlite3").write_bytes(b"")  # what version 0.1 left behind
    result = ask(work, home)
    assert result.returncode == 0, result.stderr
    assert DECLINED in (work / "data" / "unanswered.jsonl").read_text(encoding="utf-8")
    assert not home.exists()
    notice = result.stderr.strip().splitlines()
    assert len(notice) == 1 and "./data" in notice[0]
    assert str(home / ".local" / "share" / "loan-advisor") in notice[0]  # says where the default is now


def test_a_data_folder_of_some_other_program_is_left_alone(tmp_path: Path) -> None:
    home, work = tmp_path / "home", tmp_path / "work"
    (work / "data").mkdir(parents=True)
    (work / "data" / "train.csv").write_text("a,b\n", encoding="utf-8")
    result = ask(work, home)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    assert files_under(work / "data") == {Path("train.csv")}
    assert (home / ".local" / "share" / "loan-advisor" / "unanswered.jsonl").exists()


def test_the_old_variable_name_still_chooses_the_folder_and_says_so_in_one_line(tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    result = ask(work, tmp_path / "home", DATA_DIR=str(tmp_path / "old-name"))
    assert result.returncode == 0, result.stderr
    assert files_under(tmp_path / "old-name") == {Path("unanswered.jsonl")}
    warning = result.stderr.strip().splitlines()
    assert len(warning) == 1 and warning[0].startswith("loan-advisor: ")
    assert "DATA_DIR is an old setting name: use LOAN_ADVISOR_DATA_DIR" in warning[0]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_data_folder_is_the_owners_alone(tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    folder = tmp_path / "new" / "data"
    result = ask(work, tmp_path / "home", "--data-dir", str(folder))
    assert result.returncode == 0, result.stderr
    assert mode(folder) == 0o700 and mode(folder.parent) == 0o700
    assert mode(folder / "unanswered.jsonl") == 0o600
