"""Product detection: names, aliases, typos and Latin spellings; several products; bare follow-ups."""

from __future__ import annotations

import pytest

from knowledge.understanding.matcher import LexicalMatcher
from knowledge.understanding.products import GAP, FollowUpDetector, ProductFinder


@pytest.mark.parametrize(
    ("question", "products"),
    [
        ("微粒贷逾期罚息多少", ["weilidai"]),
        ("小米贷款逾期罚息多少", ["xiaomi"]),
        ("随星借利息高吗", ["xiaomi"]),
        ("XiaoMi 贷款额度", ["xiaomi"]),
        ("ＷＥ２０００怎么开通", ["we2000"]),
        ("微利贷能提前还吗", ["weilidai"]),
        ("借贝和小米贷款哪个好", ["jiebei", "xiaomi"]),
        ("微信小米贷款靠谱吗", ["xiaomi"]),
        ("京東金條利息", ["jintiao"]),
        ("征信是什么", []),
    ],
)
def test_products_named_in_a_question_are_found(
    matcher: LexicalMatcher, question: str, products: list[str]
) -> None:
    assert matcher.analyse(question).products == products


def test_longest_alias_wins_so_one_name_is_one_mention() -> None:
    finder = ProductFinder({"xiaomi": ["小米", "微信小米贷款"], "weilidai": ["微信微贷"]}, str)
    mentions = finder.find("微信小米贷款和微信微贷")
    assert [(m.product, m.start, m.end) for m in mentions] == [("xiaomi", 0, 6), ("weilidai", 7, 11)]


def test_stripping_leaves_a_gap_where_each_product_was() -> None:
    finder = ProductFinder({"weilidai": ["微粒贷"]}, str)
    assert finder.strip("微粒贷利息") == f"{GAP}利息"


@pytest.mark.parametrize("question", ["那微粒贷呢", "那小米贷款呢？", "换成借呗呢", "如果是WE2000呢"])
def test_bare_product_questions_are_follow_ups(matcher: LexicalMatcher, question: str) -> None:
    detector = FollowUpDetector(["那", "呢", "换成", "如果是"])
    assert detector.is_bare(matcher.analyse(question).topic_text)


def test_a_question_with_its_own_topic_is_not_a_follow_up(matcher: LexicalMatcher) -> None:
    detector = FollowUpDetector(["那", "呢"])
    assert not detector.is_bare(matcher.analyse("那微粒贷利息多少呢").topic_text)
