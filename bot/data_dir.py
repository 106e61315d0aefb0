"""Where the advisor keeps its files (sessions, the unanswered-question log, the chat's input history).

The default follows the platform's convention for a user's application data, through ``platformdirs``:
``~/.local/share/loan-advisor`` on Linux (or ``$XDG_DATA_HOME/loan-advisor``), ``~/Library/Application
Support/loan-advisor`` on macOS, ``%LOCALAPPDATA%\\loan-advisor`` on Windows. The container sets
``LOAN_ADVISOR_DATA_DIR=/data``; ``--data-dir`` or the setting choose any other folder.

Version 0.1 used ``./data``, relative to wherever the command ran. A ``./data`` holding files of that
version is still used, so an upgrade loses nothing, and a one-line notice says where the new default is.

What is kept there is the users' (sessions, their unanswered questions): :func:`private_files`, called
as the command line starts, makes every folder the advisor creates ``0700`` and every file ``0600``,
readable by the account that runs it and nobody else on the machine.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "loan-advisor"

#: where version 0.1 kept its files, relative to the working directory
OLD_DATA_DIR = Path("data")
#: files only the advisor writes there: a ``./data`` folder with none of them belongs to something else
OLD_DATA_FILES = ("sessions.sqlite3", "unanswered.jsonl")

#: the file-creation mask of the advisor's processes: no access for the group or for others
PRIVATE_UMASK = 0o077

_noticed: set[Path] = set()


def private_files() -> None:
    """From now on, create folders ``0700`` and files ``0600`` in this process (and its children).

    A process-wide ``umask`` rather than a mode at each ``mkdir`` and ``open``: the files are made by
    several hands (SQLite's database, write-ahead log and shared memory, the unanswered log, the chat
    history), and a mask covers them all, those of libraries included.
    """
    os.umask(PRIVATE_UMASK)


def user_data_dir() -> Path:
    """The platform's folder for this user's data of the advisor (not created here)."""
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_data_dir() -> Path:
    """``./data`` when an earlier version left its files there (with a notice), else :func:`user_data_dir`."""
    if any((OLD_DATA_DIR / name).exists() for name in OLD_DATA_FILES):
        _notice_once(OLD_DATA_DIR)
        return OLD_DATA_DIR
    return user_data_dir()


def _notice_once(folder: Path) -> None:
    if folder in _noticed:
        return
    _noticed.add(folder)
    new = user_data_dir()
    print(
        f"注意：使用旧版本留在当前目录的 ./{folder}（新的默认位置是 {new}）。 / "
        f"note: using ./{folder} left by an earlier version; the default is now {new} "
        "(move the files there, or choose a folder with --data-dir or LOAN_ADVISOR_DATA_DIR).",
        file=sys.stderr,
    )
