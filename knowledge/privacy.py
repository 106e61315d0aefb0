"""Personal identifiers in what people type: found so they can be warned, and redacted before anything
is written (session store, logs, the unanswered-question log).

The advisor never asks for an ID, card or phone number, but people paste them anyway (「我身份证号是…帮我
查下能不能借」). Patterns are deliberately broad: a long digit run that is not an identifier is redacted too,
which costs nothing, while one that is and slips through would be kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

REDACTED = "[已隐去]"

IdentifierKind = Literal["id_card", "mobile", "bank_card"]

# Order matters: ID numbers (18 characters, may end in X) before the generic digit runs, mobiles with a
# country code before bare ones. The look-arounds keep a long number from being matched by its tail;
# separators (spaces, dashes) inside card and phone numbers are allowed because people type 「6222 0201 …」.
_PATTERNS: tuple[tuple[IdentifierKind, re.Pattern[str]], ...] = (
    ("id_card", re.compile(r"(?<![0-9A-Za-z])[1-9][0-9]{16}[0-9Xx](?![0-9A-Za-z])")),
    ("id_card", re.compile(r"(?<![0-9A-Za-z])[1-9][0-9]{14}(?![0-9A-Za-z])")),  # the old 15-digit cards
    ("mobile", re.compile(r"(?:\+|(?<![0-9]))86[ -]?1[3-9][0-9](?:[ -]?[0-9]){8}(?![0-9])")),
    ("bank_card", re.compile(r"(?<![0-9])[0-9](?:[ -]?[0-9]){12,18}(?![0-9])")),
    ("mobile", re.compile(r"(?<![0-9])1[3-9][0-9](?:[ -]?[0-9]){8}(?![0-9])")),
)


@dataclass(frozen=True)
class Identifier:
    """A personal identifier found in a text: its kind and where it is (never kept beyond the turn)."""

    kind: IdentifierKind
    start: int
    end: int


def identifiers_in(text: str) -> list[Identifier]:
    """Every ID, card or mobile number in ``text``, left to right (each span counted once)."""
    found: list[Identifier] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            if not any(f.start < match.end() and match.start() < f.end for f in found):
                found.append(Identifier(kind, match.start(), match.end()))
    return sorted(found, key=lambda f: f.start)


def redact(text: str) -> str:
    """``text`` with ID numbers, card numbers and mobile numbers replaced by 「[已隐去]」."""
    for identifier in reversed(identifiers_in(text)):
        text = text[: identifier.start] + REDACTED + text[identifier.end :]
    return text
