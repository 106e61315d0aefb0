"""Logging for the bot processes: one handler on standard error, and nothing private in any line.

People paste ID numbers, phone numbers and bank card numbers into chats even when nobody asks for them,
and a number can reach a log line by many roads (an exception message, a library's debug output). So the
redaction is not left to each call site: :class:`RedactingFilter` sits on the root handler and rewrites
every record that reaches it, whatever logger it came from, and :class:`RedactingFormatter` redacts the
finished line once more, tracebacks included. The patterns are those of the unanswered-questions log
(:func:`knowledge.unanswered.redact`): 18-character ID numbers (last one may be X), 11-digit mainland
mobile numbers (with or without +86), and 13–19 digit card numbers (spaces or dashes allowed inside).

Message text itself is never logged at INFO or above by the advisor's own code; this is the safety net.
"""

from __future__ import annotations

import logging
from typing import TextIO

from knowledge.unanswered import redact

__all__ = ["FORMAT", "RedactingFilter", "RedactingFormatter", "configure_logging", "redact"]

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

#: libraries whose INFO lines are noise or worse: httpx logs every request URL, and the URL of a Bot API
#: call contains the bot token; transitions logs every callback of every turn
QUIET_LOGGERS = {"httpx": logging.WARNING, "httpcore": logging.WARNING, "transitions": logging.WARNING}


class RedactingFilter(logging.Filter):
    """Replaces ID, phone and card numbers in a record's message (its arguments merged in first)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite ``record`` in place; never drops it."""
        try:
            message = record.getMessage()
        except Exception:  # a malformed call (wrong argument count): let the handler report it as usual
            return True
        cleaned = redact(message)
        if cleaned != message or record.args:
            record.msg, record.args = cleaned, None
        return True


class RedactingFormatter(logging.Formatter):
    """A formatter whose output, exception text and stack included, is redacted as a whole."""

    def format(self, record: logging.LogRecord) -> str:
        """The formatted line with private numbers replaced."""
        return redact(super().format(record))


def configure_logging(level: str | int = "INFO", *, stream: TextIO | None = None) -> logging.Handler:
    """Send log lines to standard error (or ``stream``) at ``level``, redacted.

    Replaces the root logger's handlers, so calling it twice does not print lines twice.

    Args:
        level: a level name (``"INFO"``, ``"debug"``…) or number; an unknown name means INFO.
        stream: where to write (default: standard error).

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
    return handler
