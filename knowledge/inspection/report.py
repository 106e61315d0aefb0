"""One inspection of a received message: its scam signs, its cost figures and the text as read, redacted.

:func:`inspect_message` is the whole check, pure and transport-free: the dialogue, the command line and
the Telegram adapter (for forwards and screenshots) all call it. The text is never stored here; what the
report keeps of it is redacted (ID, card and phone numbers replaced by 「[已隐去]」, codes after 验证码
masked), so that a reply or a JSON dump built from the report cannot repeat them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.inspection.figures import CostFigures, find_figures
from knowledge.inspection.signs import SignFound, SignsFile, find_signs, normalise
from knowledge.privacy import REDACTED, redact

#: longest text checked; a longer paste is cut (no message a person receives is longer)
MAX_INSPECT_CHARS = 4000
#: the digits of a one-time code beside its name: masked in what is shown back
_CODE = re.compile(r"((?:验证码|动态码|校验码)\s*[:：是为]?\s*)(\d{4,8})")


@dataclass(frozen=True)
class Inspection:
    """What :func:`inspect_message` found.

    ``text`` is the message as checked (normalised, redacted, codes masked); ``redactions`` counts the
    identifiers taken out; ``cut`` says the message was longer than :data:`MAX_INSPECT_CHARS`.
    """

    text: str
    signs: tuple[SignFound, ...]
    figures: CostFigures | None
    redactions: int = 0
    cut: bool = False

    @property
    def suspicious(self) -> bool:
        """Whether any scam sign was found."""
        return bool(self.signs)

    @property
    def sign_ids(self) -> list[str]:
        """The ids of the signs found, in the signs file's order."""
        return [found.id for found in self.signs]

    def to_dict(self) -> dict[str, object]:
        """Plain data for ``--json``: signs with their quotes, facts and advice (with sources), figures."""
        return {
            "suspicious": self.suspicious,
            "signs": [
                {
                    "id": found.id,
                    "title": found.sign.title,
                    "quotes": list(found.quotes),
                    "facts": [{"text": f.text, "sources": list(f.sources)} for f in found.sign.facts],
                    "advice": {"text": found.sign.advice.text, "sources": list(found.sign.advice.sources)},
                    "faq": found.sign.faq,
                }
                for found in self.signs
            ],
            "figures": self.figures.to_dict() if self.figures is not None else None,
            "text": self.text,
            "redactions": self.redactions,
            "cut": self.cut,
        }


def mask_codes(text: str) -> str:
    """``text`` with the digits of a one-time code (「验证码482913」) replaced by ●."""
    return _CODE.sub(lambda m: m.group(1) + "●" * len(m.group(2)), text)


def inspect_message(text: str, book: SignsFile | None = None, *, normalised: bool = False) -> Inspection:
    """Check a received message for scam signs and cost figures.

    Args:
        text: the message as forwarded, pasted or read from a screenshot (Traditional is understood).
        book: the signs to look for; the shipped ``scam_signs.yaml`` by default.
        normalised: ``text`` is already Simplified and half-width (the reader's ``Reading.plain``): it is
            not normalised again.
    """
    cut = len(text) > MAX_INSPECT_CHARS
    readable = text[:MAX_INSPECT_CHARS] if normalised else normalise(text[:MAX_INSPECT_CHARS])
    redacted = redact(readable)
    shown = mask_codes(redacted)
    return Inspection(
        text=shown,
        signs=tuple(find_signs(redacted, book)),
        figures=find_figures(redacted),
        redactions=redacted.count(REDACTED) - readable.count(REDACTED),
        cut=cut,
    )
