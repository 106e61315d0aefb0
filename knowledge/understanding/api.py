"""The contract between question understanding and its callers (the dialogue engine, the CLI).

The matcher decides *what* was asked and how sure it is; how the answer is worded for a user is the
caller's business.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Protocol

#: ``answer``: answer the entry; sure of it, or likely right with the close ``alternatives`` offered beside
#: it (「您可能还想问」). ``suggest``: in scope but unsure, 「您是不是想问…」 with ``suggestions``
#: (``entry_id``/``product`` hold the best guess, the first suggestion where it can be one). ``decline``:
#: outside what the advisor knows; ``suggestions`` holds the closest topics' entries.
Band = Literal["answer", "suggest", "decline"]


@dataclass(frozen=True)
class FaqMatch:
    """The outcome of understanding one question."""

    question: str
    band: Band
    entry_id: str | None
    product: str | None
    confidence: float
    #: entry ids offered as buttons in the ``suggest`` and ``decline`` bands, likeliest first
    suggestions: list[str] = field(default_factory=list)
    #: products named in the question (all of them, for comparisons such as 「小米和微粒贷哪个好」)
    products: list[str] = field(default_factory=list)
    #: probability that the question is one the knowledge base answers at all (decides decline)
    in_scope: float = 1.0
    #: in the ``answer`` band, the entries that may be what was meant instead, offered as buttons beside
    #: the answer (「您可能还想问」); empty when the matcher is sure
    alternatives: list[str] = field(default_factory=list)
    #: in the ``answer`` band, sibling entries a person would not tell apart from ``entry_id``
    #: (:attr:`FaqEntry.together`), answered in the same reply after it
    together: list[str] = field(default_factory=list)

    @property
    def hedged(self) -> bool:
        """Answered, but with the close alternatives offered beside the answer."""
        return self.band == "answer" and bool(self.alternatives)


class FaqMatcher(Protocol):
    """Anything that can understand a question, optionally in the context of the previous answer."""

    def ask(
        self, question: str, *, previous_entry: str | None = None, previous_product: str | None = None
    ) -> FaqMatch:
        """Understand ``question``; ``previous_*`` describe the last answer, for follow-ups."""
        ...
