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

#: Longest per-product line shown under a general answer, in characters.
SHORT_LINE_CHARS = 110
_SENTENCE_END = re.compile(r"(?<=[。！？])")


@dataclass(frozen=True)
class ComposedAnswer:
    """The texts to show, in order, each with the product it is about (``None`` = general)."""

    texts: list[tuple[str | None, str]] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)


def shorten(text: str, limit: int = SHORT_LINE_CHARS) -> str:
    """The first sentence of ``text`` (more while it fits in ``limit``), cut with 「…」 if still too long."""
    sentences = [s for s in _SENTENCE_END.split(text.strip()) if s]
    short = ""
    for sentence in sentences:
        if short and len(short) + len(sentence) > limit:
            break
        short += sentence
    if len(short) > limit:
        short = short[: limit - 1] + "…"
    return short


def compose(kb: KnowledgeBase, match: FaqMatch) -> ComposedAnswer:
    """Pick the answer texts and sources for ``match``.

    - A product named (or carried over) with its own variant: that variant alone.
    - Several named products with variants (「小米和微粒贷哪个利息低」): each of their variants.
    - No product, and the entry has variants: the general answer, then one short line per variant.
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
        texts: list[tuple[str | None, str]] = [(None, general.text)]
        texts.extend((p, shorten(a.text)) for p, a in variants.items())
        return ComposedAnswer(
            texts=texts,
            sources=_merge([*general.sources, *(s for a in variants.values() for s in a.sources)]),
        )
    return ComposedAnswer(texts=[(general.product, general.text)], sources=list(general.sources))


def _merge(ids: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(ids))
