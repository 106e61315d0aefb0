"""The terminal chat: the same engine as Telegram, one line in, the replies out as plain text.

Buttons are printed as numbered lines (``[1] 查征信吗``); the user answers one by typing its number or its
label. When standard input is not a terminal (a script, a test, a pipe) each line is one user turn and
no prompt is printed; in a terminal a ``>`` prompt is shown. The session lives in memory only.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Protocol, TextIO

from flows.reply import Button, Reply, Turn, plain_text
from flows.session import Session

#: what the user sees before each line in an interactive terminal
PROMPT = "> "


class Engine(Protocol):
    """The dialogue engine as the terminal sees it (``flows.engine.Engine``)."""

    def handle(self, session: Session, turn: Turn) -> Reply:
        """Answer ``turn``, updating ``session`` in place."""
        ...


def render(reply: Reply) -> str:
    """A reply as plain text: each message, then its buttons numbered across the whole reply."""
    blocks = []
    number = 0
    for message in reply.messages:
        lines = [plain_text(message.text)]
        for button in message.all_buttons():
            number += 1
            lines.append(f"[{number}] {button.label}")
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


def chat(engine: Engine, lines: Iterable[str] | None, stdout: TextIO, *, greet: bool = True) -> int:
    """Run a conversation until the lines run out (or end-of-file / Ctrl-C in a terminal).

    Args:
        engine: the dialogue engine.
        lines: the user's lines; ``None`` reads from the terminal with a prompt.
        stdout: where the replies go.
        greet: show the main menu first, as ``/start`` would.
    """
    session = Session()
    buttons: list[Button] = []

    def say(turn: Turn) -> None:
        nonlocal session, buttons
        reply = engine.handle(session, turn)
        stdout.write(render(reply) + "\n\n")
        stdout.flush()
        buttons = reply.buttons()
        if reply.forget:
            session = Session(locale=session.locale)

    if greet:
        say(Turn(kind="command", text="start"))
    source = _interactive_lines(stdout) if lines is None else lines
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
