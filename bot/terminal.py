"""The terminal chat: the same engine as Telegram, one line in, the replies out as text.

Buttons are printed as numbered lines (``[1] 查征信吗``); the user answers one by typing its number or its
label. When standard input is not a terminal (a script, a test, a pipe) each line is one user turn, no
prompt is printed and the replies are plain text. In a terminal the lines are read with editing and
history (:mod:`bot.line_editor`), and the replies show headings in bold and verdicts in colour, unless
``NO_COLOR`` is set or the output is not a terminal. The session lives in memory only.
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Protocol, TextIO

from flows.i18n import N_, _, localise_script, using_locale
from flows.reply import Button, Reply, Turn, plain_text
from flows.session import Session

if TYPE_CHECKING:
    from pathlib import Path

    from bot.line_editor import LineEditor

#: what the user sees before each line in an interactive terminal without the line editor
PROMPT = "> "

#: said after ``/privacy`` when typed lines are kept for the arrow keys
NOTE_HISTORY = N_(
    "• 终端聊天另外在本机保存您输入过的内容（{path}，最多 {limit} 行；含证件号、手机号或卡号的行不保存），"
    "便于用 ↑ 键找回；/forget 会一并删除。"
)

# --- emphasis on a terminal (ANSI SGR codes; each is switched off by its own code, so they nest) ------

BOLD, NOT_BOLD = "\x1b[1m", "\x1b[22m"
ITALIC, NOT_ITALIC = "\x1b[3m", "\x1b[23m"
DEFAULT_COLOUR = "\x1b[39m"
#: a verdict or check mark, and the colour of the rest of its line
MARK_COLOURS = {"✅": "\x1b[32m", "❔": "\x1b[33m", "⚠": "\x1b[33m", "❌": "\x1b[31m"}
BUTTON_NUMBER = "\x1b[36m"

_EMPHASIS = {"<b>": BOLD, "</b>": NOT_BOLD, "<i>": ITALIC, "</i>": NOT_ITALIC}
_EMPHASIS_TAG = re.compile("|".join(re.escape(tag) for tag in _EMPHASIS))
_MARKED_LINE = re.compile(f"([{''.join(MARK_COLOURS)}])([^\\n]*)")


class Engine(Protocol):
    """The dialogue engine as the terminal sees it (``flows.engine.Engine``)."""

    def handle(self, session: Session, turn: Turn) -> Reply:
        """Answer ``turn``, updating ``session`` in place."""
        ...


def wants_style(stream: TextIO) -> bool:
    """Whether ``stream`` is a terminal to show bold and colour on (not with ``NO_COLOR`` or a dumb one)."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def styled_text(html_text: str) -> str:
    """Message HTML for a terminal: ``<b>`` bold, ``<i>`` italic, a ✅/❔/❌/⚠ line in colour, else plain."""
    text = _EMPHASIS_TAG.sub(lambda m: _EMPHASIS[m.group(0)], html_text)
    text = _MARKED_LINE.sub(lambda m: f"{MARK_COLOURS[m.group(1)]}{m.group(0)}{DEFAULT_COLOUR}", text)
    return plain_text(text)  # the other tags stripped, entities unescaped


def render(reply: Reply, *, styled: bool = False) -> str:
    """A reply as text: each message, then its buttons numbered across the whole reply.

    Args:
        reply: what the engine said.
        styled: emphasise headings and verdicts with terminal codes (else plain text).
    """
    blocks = []
    number = 0
    for message in reply.messages:
        lines = [styled_text(message.text) if styled else plain_text(message.text)]
        for button in message.all_buttons():
            number += 1
            tag = f"{BUTTON_NUMBER}[{number}]{DEFAULT_COLOUR}" if styled else f"[{number}]"
            lines.append(f"{tag} {button.label}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def read_turn(line: str, buttons: list[Button]) -> Turn:
    """A typed line as a turn: a button's number or exact label presses it; anything else is typed."""
    text = line.strip()
    if text.isdigit() and 1 <= int(text) <= len(buttons):
        return Turn(kind="button", text=buttons[int(text) - 1].id)
    for button in buttons:
        if text and text == button.label.strip():
            return Turn(kind="button", text=button.id)
    return Turn.from_text(line)


def _interactive_lines(stdout: TextIO) -> Iterator[str]:
    while True:
        try:
            yield input(PROMPT)
        except EOFError:
            stdout.write("\n")
            return


def _asks_for_privacy(turn: Turn) -> bool:
    return (turn.kind, turn.text) in {("command", "privacy"), ("button", "menu:privacy")}


def chat(
    engine: Engine,
    lines: Iterable[str] | None,
    stdout: TextIO,
    *,
    greet: bool = True,
    styled: bool = False,
    editor: LineEditor | None = None,
) -> int:
    """Run a conversation until the lines run out (or end-of-file / Ctrl-C in a terminal).

    Args:
        engine: the dialogue engine.
        lines: the user's lines, echoed before each reply; ``None`` reads from the terminal.
        stdout: where the replies go.
        greet: show the main menu first, as ``/start`` would.
        styled: emphasise headings and verdicts (for a terminal).
        editor: with ``lines=None``, reads the terminal with editing and history (else a plain prompt);
            ``/forget`` erases its history too.
    """
    session = Session()
    buttons: list[Button] = []

    def say(turn: Turn) -> None:
        nonlocal session, buttons
        reply = engine.handle(session, turn)
        history = editor.history_path if editor is not None else None
        if history is not None and _asks_for_privacy(turn) and reply.messages:
            first = reply.messages[0]  # the privacy statement, above its buttons
            first.text += "\n" + _history_note(history, session.locale)
        stdout.write(render(reply, styled=styled) + "\n\n")
        stdout.flush()
        buttons = reply.buttons()
        if reply.forget:
            session = Session(locale=session.locale)
            if editor is not None:
                editor.forget()

    if greet:
        say(Turn(kind="command", text="start"))
    if lines is not None:
        source: Iterable[str] = lines
    else:
        source = editor if editor is not None else _interactive_lines(stdout)
    try:
        for line in source:
            if not line.strip():
                continue
            if lines is not None:
                stdout.write(f"> {line.rstrip()}\n")  # echo, so a transcript reads as a dialogue
            say(read_turn(line.rstrip("\n"), buttons))
    except KeyboardInterrupt:
        stdout.write("\n")
    return 0


def _history_note(path: Path, locale: str) -> str:
    from bot.line_editor import HISTORY_LINES

    with using_locale(locale):
        note = _(NOTE_HISTORY).format(path=path, limit=HISTORY_LINES)
    return html.escape(localise_script(note, locale), quote=False)
