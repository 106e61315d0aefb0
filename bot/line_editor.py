"""Line editing for the interactive terminal chat: arrow keys, history, and Chinese text edited correctly.

``prompt_toolkit`` does the editing. It measures every character's width on screen itself (wcwidth), so
backspace, the arrow keys and line wrapping treat a Chinese character as the two columns it occupies, on
every platform, whatever readline the Python was built with (macOS's libedit and Windows have none
that handles it). ↑/↓ recall earlier lines, Ctrl-R searches them.

The history is kept in the data folder (:class:`KeptHistory`) so it survives a restart, and erased with
``/forget``. It holds what the user typed, on the user's own machine; lines that contain something like an
ID, phone or card number are never written to it.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from prompt_toolkit import PromptSession
from prompt_toolkit.history import History, InMemoryHistory

from knowledge.unanswered import redact

#: what the user sees before each line
PROMPT = "> "
#: lines kept in the history file; older ones are dropped
HISTORY_LINES = 500
#: the history file's name in the data folder
HISTORY_FILE = "chat_history.jsonl"


class KeptHistory(History):
    """Typed lines in a file, one JSON string a line, oldest first; readable by its owner only.

    Args:
        path: the file (its folder is created when the first line is kept).
        limit: keep at most this many lines.
    """

    def __init__(self, path: Path, limit: int = HISTORY_LINES) -> None:
        super().__init__()
        self.path = path
        self.limit = limit

    def load_history_strings(self) -> Iterable[str]:
        """The kept lines, newest first (what prompt_toolkit expects)."""
        return reversed(self._read())

    def store_string(self, string: str) -> None:
        """Append ``string`` unless it holds a private number; trim the file when it grows too long."""
        if not string.strip() or redact(string) != string:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(descriptor, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(string, ensure_ascii=False) + "\n")
        kept = self._read()
        if len(kept) > 2 * self.limit:  # trimmed now and then, not at every line
            self._write(kept[-self.limit :])

    def erase(self) -> None:
        """Forget every line: the file and what is loaded in memory."""
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
        self._loaded_strings = []

    def _read(self) -> list[str]:
        try:
            raw = self.path.read_text(encoding="utf-8", errors="replace").splitlines()
        except FileNotFoundError:
            return []
        lines = []
        for line in raw:
            with contextlib.suppress(ValueError):
                value = json.loads(line)
                if isinstance(value, str):
                    lines.append(value)
        return lines

    def _write(self, lines: list[str]) -> None:
        temporary = self.path.with_suffix(".tmp")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.writelines(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
        temporary.replace(self.path)


class LineEditor:
    """The user's lines, read with editing and history until end of input (Ctrl-D) or Ctrl-C.

    Args:
        history_path: where to keep the history; ``None`` keeps it in memory for this chat only.
    """

    def __init__(self, history_path: Path | None = None) -> None:
        self.history: History = KeptHistory(history_path) if history_path else InMemoryHistory()
        self.history_path = history_path
        self._session: PromptSession[str] = PromptSession(history=self.history)

    def __iter__(self) -> Iterator[str]:
        while True:
            try:
                yield self._session.prompt(PROMPT)
            except EOFError:
                return

    def forget(self) -> None:
        """Erase the history (``/forget``)."""
        if isinstance(self.history, KeptHistory):
            self.history.erase()
        else:
            self.history._loaded_strings = []
