"""Split message HTML that is too long for one Telegram message, at boundaries a reader expects.

Telegram refuses a message whose text is longer than 4096 characters after entity parsing (counted in
UTF-16 code units). A long answer is cut preferably between paragraphs, else between lines, else after a
sentence or a space, and only as a last resort inside a run of text. A cut never falls inside a tag or
an entity; a tag that is open at the cut is closed at the end of one part and opened again, with its
attributes, at the start of the next, so every part is valid HTML on its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flows.reply import plain_text

TELEGRAM_TEXT_LIMIT = 4096

_ATOM = re.compile(r"<[^>]*>|&#?[0-9A-Za-z]+;|.", flags=re.S)
_TAG_NAME = re.compile(r"</?\s*([A-Za-z][A-Za-z0-9-]*)")

# cut priorities, best first: after a blank line, after a line break, after a sentence or a space
_PARAGRAPH, _LINE, _SENTENCE = 3, 2, 1
_SENTENCE_ENDS = set("。！？；!?;.，, ")


@dataclass(frozen=True)
class _Atom:
    raw: str
    width: int  # visible UTF-16 code units
    tag: str | None = None  # tag name for tags
    closing: bool = False


def _atoms(html: str) -> list[_Atom]:
    atoms = []
    for match in _ATOM.finditer(html):
        raw = match.group(0)
        if raw.startswith("<") and len(raw) > 1:
            name = _TAG_NAME.match(raw)
            atoms.append(_Atom(raw, 0, name.group(1).lower() if name else "", raw.startswith("</")))
        elif raw.startswith("&"):
            atoms.append(_Atom(raw, visible_length(raw)))
        else:
            atoms.append(_Atom(raw, 2 if ord(raw) > 0xFFFF else 1))
    return atoms


def visible_length(html: str) -> int:
    """Length of ``html`` as Telegram counts it: visible text in UTF-16 code units."""
    return len(plain_text(html).encode("utf-16-le")) // 2


def split_html(html: str, limit: int = TELEGRAM_TEXT_LIMIT) -> list[str]:
    """Cut ``html`` into parts of at most ``limit`` visible characters each.

    Args:
        html: message text in Telegram's HTML subset, already escaped.
        limit: the largest visible length of one part.

    Returns:
        The parts in order; ``[html]`` itself when it fits. Parts with no visible text are dropped.
    """
    if visible_length(html) <= limit:
        return [html]
    atoms = _atoms(html)
    parts: list[str] = []
    reopen: list[_Atom] = []  # tags open where the previous part was cut
    start = 0
    while start < len(atoms):
        cut, stack = _find_cut(atoms, start, limit, reopen)
        body = [a.raw for a in reopen] + [a.raw for a in atoms[start:cut]]
        body += [f"</{a.tag}>" for a in reversed(stack)]
        part = "".join(body).strip("\n")
        if plain_text(part).strip():
            parts.append(part)
        reopen = stack
        start = cut
        # a new part does not begin with the line breaks that separated it from the last one
        while start < len(atoms) and atoms[start].raw == "\n":
            start += 1
    return parts


def _find_cut(
    atoms: list[_Atom], start: int, limit: int, already_open: list[_Atom]
) -> tuple[int, list[_Atom]]:
    """Where to end the part beginning at ``start``, and the tags still open there."""
    width = 0
    stack = list(already_open)
    latest: dict[int, tuple[int, int, list[_Atom]]] = {}  # priority -> (cut, width there, open tags)
    index = start
    while index < len(atoms):
        atom = atoms[index]
        if atom.width and width + atom.width > limit:
            break
        width += atom.width
        if atom.tag is not None:
            if atom.closing:
                if stack and stack[-1].tag == atom.tag:
                    stack.pop()
            else:
                stack.append(atom)
        index += 1
        priority = _priority(atoms, index)
        if priority:
            latest[priority] = (index, width, list(stack))
    else:
        return len(atoms), stack
    # the best kind of boundary wins, unless it would leave this part less than half full
    for priority in (_PARAGRAPH, _LINE, _SENTENCE):
        if priority in latest and latest[priority][1] >= limit // 2:
            return latest[priority][0], latest[priority][2]
    if latest:
        cut, _, open_tags = max(latest.values(), key=lambda found: found[0])
        return cut, open_tags
    return max(index, start + 1), stack


def _priority(atoms: list[_Atom], cut: int) -> int:
    """How good a place it is to cut just before ``atoms[cut]``."""
    previous = atoms[cut - 1].raw
    if previous == "\n":
        following = atoms[cut].raw if cut < len(atoms) else ""
        before = atoms[cut - 2].raw if cut >= 2 else ""
        return _PARAGRAPH if "\n" in (following, before) else _LINE
    if previous in _SENTENCE_ENDS:
        return _SENTENCE
    return 0
