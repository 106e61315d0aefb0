"""The lexicon data (typos, synonyms, product aliases, out-of-domain markers) checked as data."""

from __future__ import annotations

import pytest

from knowledge.base import KnowledgeBase
from knowledge.understanding.lexicon import Lexicon, load_lexicon
from knowledge.understanding.matcher import LexicalMatcher
from knowledge.understanding.normalize import clean


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return load_lexicon()


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("征心", "征信"),
        ("愈期", "逾期"),
        ("预期", "逾期"),
        ("借贝", "借呗"),
        ("微利贷", "微粒贷"),
        ("利习", "利息"),
        ("xiaomi", "小米"),
    ],
)
def test_typo_map_corrects_near_homophones(lexicon: Lexicon, typed: str, meant: str) -> None:
    assert lexicon.typos[typed] == meant


@pytest.mark.parametrize(
    ("said", "canonical"),
    [
        ("信用报告", "征信"),
        ("人行", "征信"),
        ("央行征信", "征信"),
        ("晚还", "逾期"),
        ("没按时还", "逾期"),
        ("咋弄", "怎么弄"),
        ("vs", "比"),
        ("能行不", "可以吗"),
        ("啥", "什么"),
        ("些啥", "什么"),
    ],
)
def test_synonym_map_folds_colloquial_forms(lexicon: Lexicon, said: str, canonical: str) -> None:
    assert lexicon.synonyms[said] == canonical


def test_every_left_hand_side_is_already_normalised(lexicon: Lexicon) -> None:
    for variant in [*lexicon.typos, *lexicon.synonyms]:
        assert clean(variant) == variant, variant


def test_no_synonym_is_rewritten_again_by_another(lexicon: Lexicon) -> None:
    # a canonical form that is itself a variant would make the result depend on the order of passes
    for canonical in set(lexicon.synonyms.values()):
        assert canonical not in lexicon.synonyms, canonical


def test_product_aliases_name_known_products(lexicon: Lexicon, kb: KnowledgeBase) -> None:
    assert set(lexicon.product_aliases) <= set(kb.products)


def test_no_alias_belongs_to_two_products(lexicon: Lexicon, kb: KnowledgeBase) -> None:
    owner: dict[str, str] = {}
    for product in kb.products.values():
        for alias in [product.name, *product.aliases, *lexicon.product_aliases.get(product.id, [])]:
            key = clean(alias)
            assert owner.setdefault(key, product.id) == product.id, f"{alias}: {owner[key]} and {product.id}"


def test_out_of_domain_markers_never_occur_in_the_faq(
    lexicon: Lexicon, kb: KnowledgeBase, matcher: LexicalMatcher
) -> None:
    # a marker found in the FAQ's own wording would push in-scope questions towards a decline
    for entry in kb.entries.values():
        for text in (entry.question, *entry.paraphrases):
            assert not matcher.analyse(text).ood, f"{entry.id}: {text}"
