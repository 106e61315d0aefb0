"""Choosing answer texts and sources for a match (shared by the CLI and the dialogue engine)."""

from __future__ import annotations

from knowledge.base import KnowledgeBase
from knowledge.understanding.api import FaqMatch
from knowledge.understanding.compose import compose, shorten


def _match(entry: str | None, product: str | None = None, products: list[str] | None = None) -> FaqMatch:
    return FaqMatch("q", "answer", entry, product, 0.9, [], products or ([product] if product else []))


def test_named_product_gets_its_own_variant_and_sources(kb: KnowledgeBase) -> None:
    composed = compose(kb, _match("overdue.penalty", "weilidai"))
    variant = kb.entries["overdue.penalty"].answer_for("weilidai")
    assert composed.texts == [("weilidai", variant.text)]
    assert composed.sources == list(variant.sources)


def test_no_product_gives_general_answer_then_one_line_per_variant(kb: KnowledgeBase) -> None:
    entry = kb.entries["overdue.penalty"]
    composed = compose(kb, _match("overdue.penalty"))
    variants = [a.product for a in entry.answers if a.product]
    assert composed.texts[0] == (None, entry.answer_for(None).text)
    assert [p for p, _ in composed.texts[1:]] == variants
    assert all(len(text) <= 110 for _, text in composed.texts[1:])
    assert set(composed.sources) == {s for a in entry.answers for s in a.sources}


def test_two_named_products_get_both_variants(kb: KnowledgeBase) -> None:
    composed = compose(kb, _match("overdue.penalty", "xiaomi", ["xiaomi", "weilidai"]))
    assert [p for p, _ in composed.texts] == ["xiaomi", "weilidai"]


def test_entry_without_variants_gives_its_general_answer(kb: KnowledgeBase) -> None:
    composed = compose(kb, _match("gloss.irr"))
    assert composed.texts == [(None, kb.entries["gloss.irr"].answer_for(None).text)]


def test_declined_match_has_nothing_to_show(kb: KnowledgeBase) -> None:
    assert compose(kb, _match(None)).texts == []


def test_shorten_keeps_whole_sentences_and_marks_a_cut() -> None:
    assert shorten("第一句。第二句。", limit=6) == "第一句。"
    assert shorten("一" * 20, limit=10) == "一" * 9 + "…"
