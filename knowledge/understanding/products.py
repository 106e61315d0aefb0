"""Which products a question names, and whether it is a bare follow-up such as 「那微粒贷呢？」.

Aliases come from the knowledge base (each product's name and ``aliases``) and from the lexicon's
``products`` map. They are matched on cleaned, typo-fixed text, longest first, so that 「微信小米贷款」 is
one mention of ``xiaomi`` and not 「微信」 plus 「小米」.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

#: Put where a product name was taken out, so that no character bigram spans the gap.
GAP = "|"


@dataclass(frozen=True)
class Mention:
    """One product named in a question, with where it was found."""

    product: str
    start: int
    end: int


class ProductFinder:
    """Finds product mentions in cleaned text and takes them out for topic matching."""

    def __init__(self, aliases: Mapping[str, Iterable[str]], prepare: Callable[[str], str]) -> None:
        """Build the finder.

        Args:
            aliases: product id -> names and aliases, in any spelling.
            prepare: the normalisation applied to questions before product detection (clean + typos);
                applied to every alias too, so both sides are spelt alike.
        """
        self._by_alias: dict[str, str] = {}
        for product, names in aliases.items():
            for name in names:
                key = prepare(name)
                # An alias already claimed by another product stays with the first (products.yaml order).
                if key and key not in self._by_alias:
                    self._by_alias[key] = product
        ordered = sorted(self._by_alias, key=len, reverse=True)
        self._pattern = re.compile("|".join(re.escape(a) for a in ordered)) if ordered else None

    def find(self, text: str) -> list[Mention]:
        """Every product mention in ``text``, left to right."""
        if self._pattern is None:
            return []
        return [Mention(self._by_alias[m.group(0)], m.start(), m.end()) for m in self._pattern.finditer(text)]

    def products(self, text: str) -> list[str]:
        """Distinct products named in ``text``, in order of first mention."""
        return list(dict.fromkeys(m.product for m in self.find(text)))

    def strip(self, text: str) -> str:
        """``text`` with every product mention replaced by :data:`GAP`."""
        if self._pattern is None:
            return text
        return self._pattern.sub(GAP, text)


class FollowUpDetector:
    """Recognises questions that only swap the product: 「那微粒贷呢」, 「换成借呗呢？」."""

    def __init__(self, fillers: Iterable[str]) -> None:
        words = sorted({f for f in fillers if f}, key=len, reverse=True)
        self._fillers = re.compile("|".join(re.escape(w) for w in words)) if words else None

    def is_bare(self, stripped: str) -> bool:
        """True when ``stripped`` (product names taken out) holds nothing but fillers."""
        rest = stripped.replace(GAP, "")
        if self._fillers is not None:
            rest = self._fillers.sub("", rest)
        return rest == ""
