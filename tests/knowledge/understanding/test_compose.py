"""Choosing answer texts and sources for a match (shared by the CLI and the dialogue engine)."""

from __future__ import annotations

from knowledge.base import KnowledgeBase
from knowledge.understanding.api import FaqMatch
from knowledge.understanding.compose import compose


def _match(entry: str | None, product: str | None = None, products: list[str] | None = None) -> FaqMatch:
    return FaqMatch("q", "answer", entry, product, 0.9, [], products or ([product] if product else []))


def test_named_product_gets_its_own_variant_and_sources(kb: KnowledgeBase) -> None:
    composed = compose(kb, _match("overdue.penalty", "weilidai"))
    variant = kb.entries["overdue.penalty"].answer_for("weilidai")
    assert composed.texts == [("weilidai", variant.text)]
    assert composed.sources == list(variant.sources)


def test_no_product_gives_the_general_answer_and_offers_the_variants(kb: KnowledgeBase) -> None:
    entry = kb.entries["overdue.penalty"]
    composed = compose(kb, _match("overdue.penalty"))
    assert composed.texts == [(None, entry.answer_for(None).text)]
    assert composed.more_products == [a.product for a in entry.answers if a.product]
    assert composed.sources == list(entry.answer_for(None).sources)


def test_two_named_products_get_both_variants(kb: KnowledgeBase) -> None:
    composed = compose(kb, _match("overdue.penalty", "xiaomi", ["xiaomi", "weilidai"]))
    assert [p for p, _ in composed.texts] == ["xiaomi", "weilidai"]


def test_entry_without_variants_gives_its_general_answer(kb: KnowledgeBase) -> None:
    composed = compose(kb, _match("gloss.irr"))
    assert composed.texts == [(None, kb.entries["gloss.irr"].answer_for(None).text)]


def test_declined_match_has_nothing_to_show(kb: KnowledgeBase) -> None:
    assert compose(kb, _match(None)).texts == []


def test_a_product_the_answer_leaves_out_is_named_so_the_general_answer_is_read_as_such(
    kb: KnowledgeBase,
) -> None:
    """「WE2000也一样吗」 after the consequences of being overdue: the answer speaks of 小米贷款 and 微粒贷,
    not of WE2000, so it is shown as the articles' general word, not as WE2000's."""
    assert compose(kb, _match("overdue.consequences", "we2000")).general_for == "we2000"
    assert compose(kb, _match("overdue.consequences", "xiaomi")).general_for is None  # named in it
    assert compose(kb, _match("overdue.consequences")).general_for is None
    assert compose(kb, _match("gloss.irr", "we2000")).general_for is None  # names no product at all
