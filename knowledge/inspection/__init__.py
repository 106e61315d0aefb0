"""Checking a message someone received — forwarded, pasted or read from a screenshot — for scam signs and
for what its figures really cost.

- :mod:`knowledge.inspection.signs`: the signs of ``knowledge/data/scam_signs.yaml`` and finding them;
- :mod:`knowledge.inspection.figures`: amount, fee, money received, instalments, solved into the IRR年化;
- :mod:`knowledge.inspection.report`: :func:`inspect_message`, the whole check, and its :class:`Inspection`;
- :mod:`knowledge.inspection.recognise`: :func:`looks_like_received_message`, a paste versus a question.

Pure and transport-free, like the rest of ``knowledge/``.
"""

from knowledge.inspection.recognise import looks_like_received_message
from knowledge.inspection.report import Inspection, inspect_message

__all__ = ["Inspection", "inspect_message", "looks_like_received_message"]
