"""Which answer texts and which sources to show for a match; shared by the CLI and the dialogue engine.

The wording around them (HTML, buttons, 「您是不是想问」) is the caller's business; this module only picks
the knowledge-base texts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from knowledge.base import KnowledgeBase
from knowledge.understanding.api import FaqMatch

#: an article's title cited in a text
_CITED = re.compile(r"《[^》]*》")


@dataclass(frozen=True)
class ComposedAnswer:
    """The texts to show, in order, each with the product it is about (``None`` = general)."""

    texts: list[tuple[str | None, str]] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    #: products with an answer of their own that is not shown (offer them as "see 小米贷款's answer")
    more_products: list[str] = field(default_factory=list)
    #: the product asked about when the articles say nothing of it on this point: the general answer,
    #: which does not name it, stands in (「WE2000也一样吗」 after the consequences of being overdue)
    general_for: str | None = None


def compose(kb: KnowledgeBase, match: FaqMatch) -> ComposedAnswer:
    """Pick the answer texts and sources for ``match``.

    - A product named (or carried over) with its own variant: that variant alone.
    - Several named products with variants (「小米和微粒贷哪个利息低」): each of their variants.
    - No product, and the entry has variants: the general answer (written as a short side-by-side of
      the products), with the variants listed in ``more_products`` for the caller to offer. Appending
      every variant made answers of 700+ characters, too long for a phone screen.
    - Otherwise the general answer.

    Nothing is returned for a match without an entry (declined).
    """
    if match.entry_id is None or match.entry_id not in kb.entries:
        return ComposedAnswer()
    entry = kb.entries[match.entry_id]
    variants = {a.product: a for a in entry.answers if a.product is not None}
    general = entry.answer_for(None)
    named = [p for p in match.products if p in variants]
    if len(named) >= 2:
        chosen = [variants[p] for p in named]
        return ComposedAnswer(
            texts=[(a.product, a.text) for a in chosen],
            sources=_merge(s for a in chosen for s in a.sources),
        )
    if match.product is not None and match.product in variants:
        answer = variants[match.product]
        return ComposedAnswer(texts=[(answer.product, answer.text)], sources=list(answer.sources))
    if match.product is None and variants and general.product is None:
        return ComposedAnswer(
            texts=[(None, general.text)], sources=list(general.sources), more_products=list(variants)
        )
    return ComposedAnswer(
        texts=[(general.product, general.text)],
        sources=list(general.sources),
        general_for=_left_out(kb, match.product, general.text, variants=bool(variants)),
    )


def _left_out(kb: KnowledgeBase, product: str | None, text: str, *, variants: bool) -> str | None:
    """``product``, when the answer to a question about it speaks of other products (its own variants,
    or others named in the text) but never of it; a general answer naming no product leaves none out."""
    if product is None or product not in kb.products:
        return None
    text = _CITED.sub("", text)  # 《微贷开通指南》 is a title, not a word about 微粒贷

    def named(p: str) -> bool:
        # the product's declared names only, not the message recogniser (calc_parse.product_finder): that
        # one reads 「小米」 and 「第三方」 as products and hears sound-alikes, right for what people type,
        # too loose for the knowledge base's own sentences (「小米设备用户」 is about no loan)
        known = kb.products[p]
        return any(name in text for name in (known.name, *known.aliases))

    others = variants or any(named(p) for p in kb.products if p != product)
    return product if others and not named(product) else None


def _merge(ids: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(ids))
