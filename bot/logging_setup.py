"""Logging for the bot processes: one handler on standard error, and nothing private in any line.

People paste ID numbers, phone numbers and bank card numbers into chats even when nobody asks for them,
and a number can reach a log line by many roads (an exception message, a library's debug output). So the
redaction is not left to each call site: :class:`RedactingFilter` sits on the root handler and rewrites
every record that reaches it, whatever logger it came from, and :class:`RedactingFormatter` redacts the
finished line once more, tracebacks included. The patterns are those of the unanswered-questions log
(:func:`knowledge.unanswered.redact`): 18-character ID numbers (last one may be X), 11-digit mainland
mobile numbers (with or without +86), and 13–19 digit card numbers (spaces or dashes allowed inside).

Message text itself is never logged at INFO or above by the advisor's own code; this is the safety net.
At DEBUG, PTB logs whole updates and Bot API answers: there the people's names (``first_name``,
``last_name``, ``username``, a forward's sender name) are replaced before the line is formatted, and
the text is redacted as the unanswered-question log redacts it (the numbers above); the ids stay.

The bot token is a password, and PTB writes it at DEBUG (「Set Bot API URL: …/bot<token>」). Every
secret named by :func:`hide_secrets` (the bot builds its application through it) is replaced in every
record that reaches a handler, exception texts included, whatever the level: the filter is put on
every handler there is, not only on this module's own.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any, TextIO

from knowledge.unanswered import REDACTED, redact

__all__ = [
    "FORMAT",
    "HIDDEN",
    "RedactingFilter",
    "RedactingFormatter",
    "configure_logging",
    "hide_secrets",
    "redact",
]

#: what a secret (the bot token) is replaced with in a log line
HIDDEN = "[secret]"

#: fields of Telegram objects that name a person (or a group, after its members' names)
NAME_FIELDS = frozenset({"first_name", "last_name", "username", "sender_user_name", "author_signature"})

#: secrets to hide in every log line, longest first (so a token goes before its own tail)
_secrets: list[str] = []


def hide_secrets(*secrets: str) -> None:
    """Never let ``secrets`` (the bot token) reach a log line, at any level, through any handler.

    Also hides the part of a bot token after its colon, which is the secret half of it. The filter
    is added to every handler already attached to any logger (the root's, a test's capture…).
    """
    for secret in secrets:
        for part in (secret, secret.partition(":")[2]):
            if len(part) >= 8 and part not in _secrets:  # short strings would blank ordinary words
                _secrets.append(part)
    _secrets.sort(key=len, reverse=True)
    for handler in _every_handler():
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())


def _every_handler() -> Iterable[logging.Handler]:
    loggers: list[logging.Logger] = [logging.getLogger()]
    loggers += [v for v in logging.Logger.manager.loggerDict.values() if isinstance(v, logging.Logger)]
    seen: set[int] = set()
    for logger in loggers:
        for handler in logger.handlers:
            if id(handler) not in seen:
                seen.add(id(handler))
                yield handler
    if logging.lastResort is not None and id(logging.lastResort) not in seen:
        yield logging.lastResort


def scrub(text: str) -> str:
    """``text`` with the hidden secrets replaced and ID, phone and card numbers redacted."""
    for secret in _secrets:
        text = text.replace(secret, HIDDEN)
    return redact(text)


def _without_names(value: Any, depth: int = 0) -> Any:
    """A Telegram object, dict or list with the people's names replaced (for a DEBUG line)."""
    if depth > 12:
        return value
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict) and type(value).__module__.startswith("telegram"):
        value = to_dict()
    if isinstance(value, dict):
        return {
            key: REDACTED if key in NAME_FIELDS and isinstance(item, str) else _without_names(item, depth + 1)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [_without_names(item, depth + 1) for item in value]
    return value


FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

#: libraries whose INFO lines are noise or worse: httpx logs every request URL, and the URL of a Bot API
#: call contains the bot token; transitions logs every callback of every turn
QUIET_LOGGERS = {"httpx": logging.WARNING, "httpcore": logging.WARNING, "transitions": logging.WARNING}


class RedactingFilter(logging.Filter):
    """Rewrites a record before any handler formats it: names out of Telegram objects, ID, phone and
    card numbers redacted, hidden secrets replaced, in the message and in the exception text."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite ``record`` in place; never drops it."""
        if record.args:
            if isinstance(record.args, dict):
                record.args = _without_names(record.args)
            else:
                record.args = tuple(_without_names(arg) for arg in record.args)
        try:
            message = record.getMessage()
        except Exception:  # a malformed call (wrong argument count): let the handler report it as usual
            return True
        cleaned = scrub(message)
        if cleaned != message or record.args:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            # formatted here, once, so that every handler's formatter prints the cleaned text
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        return True


class RedactingFormatter(logging.Formatter):
    """A formatter whose output, exception text and stack included, is redacted as a whole."""

    def format(self, record: logging.LogRecord) -> str:
        """The formatted line with private numbers and hidden secrets replaced."""
        return scrub(super().format(record))


def configure_logging(
    level: str | int = "INFO", *, stream: TextIO | None = None, secrets: Iterable[str] = ()
) -> logging.Handler:
    """Send log lines to standard error (or ``stream``) at ``level``, redacted.

    Replaces the root logger's handlers, so calling it twice does not print lines twice.

    Args:
        level: a level name (``"INFO"``, ``"debug"``…) or number; an unknown name means INFO.
        stream: where to write (default: standard error).
        secrets: strings never to write (the bot token): see :func:`hide_secrets`.

    Returns:
        The handler installed on the root logger.
    """
    if isinstance(level, str):
        name = level.upper()
        level = logging.getLevelNamesMapping().get(name, logging.INFO)
    handler: logging.Handler = logging.StreamHandler(stream)
    handler.setFormatter(RedactingFormatter(FORMAT))
    handler.addFilter(RedactingFilter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name, quiet_level in QUIET_LOGGERS.items():
        logging.getLogger(name).setLevel(max(quiet_level, level))
    hide_secrets(*secrets)
    return handler
