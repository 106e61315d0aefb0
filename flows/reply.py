"""Transport-neutral input and output of one dialogue turn.

A :class:`Turn` is what the user did (typed text, pressed a button, sent a command); a :class:`Reply`
is what the advisor says back: one or more messages, each with optional buttons. Message text is a
small, safe subset of Telegram HTML (``<b>``, ``<i>``, ``<code>``, ``<pre>``, ``<a href>``) in which
everything that came from a user or a data file is already escaped; :func:`plain_text` turns it into
plain text for the terminal and for JSON output.
"""

from __future__ import annotations

import html
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

#: Telegram's limit on ``callback_data``; button ids must fit it.
MAX_BUTTON_ID_BYTES = 64


class Button(BaseModel):
    """A button: a stable ``id`` (sent back when pressed, never translated) and a translated label."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(max_length=MAX_BUTTON_ID_BYTES)
    label: str


class Message(BaseModel):
    """One message of a reply: HTML-subset text and rows of buttons."""

    text: str
    buttons: list[list[Button]] = Field(default_factory=list)

    def all_buttons(self) -> list[Button]:
        """The buttons in reading order, rows flattened."""
        return [button for row in self.buttons for button in row]


class Reply(BaseModel):
    """Everything the advisor says in answer to one turn."""

    messages: list[Message] = Field(default_factory=list)
    #: the user asked to erase their data: after sending this reply the transport deletes every
    #: stored record of the chat (the engine itself stores nothing)
    forget: bool = False

    def add(self, text: str, buttons: list[list[Button]] | None = None) -> Reply:
        """Append a message and return self, so replies can be built in a chain."""
        self.messages.append(Message(text=text, buttons=buttons or []))
        return self

    def extend(self, other: Reply) -> Reply:
        """Append the messages of another reply and return self."""
        self.messages.extend(other.messages)
        return self

    def buttons(self) -> list[Button]:
        """All buttons of all messages, in order."""
        return [b for m in self.messages for b in m.all_buttons()]


class Turn(BaseModel):
    """One user action.

    ``kind`` is ``text`` for typed text, ``button`` for a pressed button (``text`` holds its id), and
    ``command`` for a slash command (``text`` holds the command name without the slash, ``args`` the
    rest of the line, e.g. ``start`` with ``check`` for a deep link).

    ``origin`` says where a text came from: ``typed`` by the person, ``forwarded`` from another chat, or
    read from a ``photo`` (a screenshot); a forwarded or photographed text is a message to check for scam
    signs, never a question (the engine's ``received_message`` route).
    """

    kind: Literal["text", "button", "command"]
    text: str
    args: str = ""
    origin: Literal["typed", "forwarded", "photo"] = "typed"

    @classmethod
    def from_text(cls, raw: str) -> Turn:
        """Read a line as a user would type it: ``/cmd args`` is a command, anything else is text."""
        stripped = raw.strip()
        match = re.fullmatch(r"/([A-Za-z_]{1,32})(?:@\w+)?(?:\s+(.*))?", stripped, flags=re.S)
        if match:
            return cls(kind="command", text=match.group(1).lower(), args=(match.group(2) or "").strip())
        return cls(kind="text", text=raw)


_TAG = re.compile(r"</?(?:b|i|u|s|code|pre|a)(?:\s[^>]*)?>")


def plain_text(html_text: str) -> str:
    """Strip the HTML subset and unescape entities, for the terminal and JSON output."""
    return html.unescape(_TAG.sub("", html_text))


def esc(text: object) -> str:
    """Escape user- or data-supplied text for inclusion in message HTML."""
    return html.escape(str(text), quote=False)
