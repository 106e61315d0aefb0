"""The lexicon data (typos, synonyms, product aliases, out-of-domain markers) checked as data."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from knowledge.base import KnowledgeBase
from knowledge.understanding.calibration import load_calibration
from knowledge.understanding.lexicon import Lexicon, LexiconError, load_lexicon
from knowledge.understanding.matcher import LexicalMatcher
from knowledge.understanding.normalize import Replacer, clean


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
        ("利律", "利率"),
        ("淘现", "套现"),
        ("以代养代", "以贷养贷"),
        ("额度会降", "降额"),
    ],
)
def test_typo_map_corrects_near_homophones(lexicon: Lexicon, typed: str, meant: str) -> None:
    assert lexicon.typos[typed] == meant


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("幾耐到賬", "多久到账"),
        ("小米貸款係咩嘢", "小米贷款是什么"),
        ("還唔到錢點算", "还不到钱怎么办"),
        ("有冇手續費", "有没有手续费"),
        ("你係咪貸款公司", "你是不是贷款公司"),
        # 唔该 is thanks, and a lender's name keeps its 咩
        ("唔該晒", "谢谢"),
        ("羊小咩", "羊小咩"),
        # a character that is Mandarin too is left alone on its own
        ("系统维护", "系统维护"),
    ],
)
def test_cantonese_as_typed_in_chat_is_read_as_mandarin(lexicon: Lexicon, typed: str, meant: str) -> None:
    assert Replacer(lexicon.typos)(clean(typed)) == meant


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
        ("放款方", "放款机构"),
        ("逾期1天", "逾期一天"),
        ("十八", "18"),
        ("跑外卖", "自由职业"),
        ("资格", "条件"),
        ("不足之处", "缺点"),
        ("算贵的吗", "贵吗"),
        ("vivo", "其他手机"),
        ("在读大专", "学生"),
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


@pytest.mark.parametrize(
    ("question", "kept"),
    [
        # 行吗/行不 fold into 可以吗, but not out of 百行 and 银行
        ("we2000报百行吗", "百行"),
        ("微粒贷是正规银行吗", "银行"),
        # 多大 alone is not about age
        ("逾期对征信影响有多大", "多大"),
        # 逾期11天 is not 逾期一天
        ("逾期11天罚多少", "11天"),
    ],
)
def test_guarded_words_survive_the_synonym_pass(matcher: LexicalMatcher, question: str, kept: str) -> None:
    assert kept in matcher.analyse(question).topic_text


@pytest.mark.parametrize(
    ("question", "refusal"),
    [
        ("工作单位随便填一个行吗", "harm.fake_materials"),
        ("用我哥的身份证申请微粒贷行不行", "harm.fake_materials"),
        ("催收打电话怎么让他们找不到我", "harm.evade"),
        ("有啥办法欠着不还也没事", "harm.evade"),
        ("用微粒贷去还小米贷款行不行", "harm.borrow_to_repay"),  # a pattern, with product names
        ("收入填高一点没人查吧", "harm.fake_materials"),  # a pattern
    ],
)
def test_requests_for_harmful_help_carry_the_marker_of_their_refusal(
    matcher: LexicalMatcher, question: str, refusal: str
) -> None:
    assert matcher.analyse(question).harm_entries == (refusal,)


@pytest.mark.parametrize("question", ["我妈的身份证被人拿去借了网贷怎么办", "网贷欠着不还平台会起诉吗"])
def test_a_victim_or_a_plain_question_carries_no_harm_marker(matcher: LexicalMatcher, question: str) -> None:
    assert not matcher.analyse(question).harm


def test_mi_fan_points_name_xiaomi_but_rice_noodles_do_not(matcher: LexicalMatcher) -> None:
    assert matcher.analyse("米粉积分能抵利息吗").products == ["xiaomi"]
    assert "xiaomi" not in matcher.analyse("米粉怎么煮").products


@pytest.mark.parametrize("question", ["银行卡被冻结了怎么办", "第一次炒股在哪开户"])
def test_frozen_bank_cards_and_stock_trading_are_foreign(matcher: LexicalMatcher, question: str) -> None:
    analysis = matcher.analyse(question)
    assert analysis.foreign or analysis.ood


def test_a_harm_pattern_that_is_not_a_regular_expression_is_refused_naming_the_list(tmp_path: Path) -> None:
    broken = tmp_path / "lexicon.yaml"
    broken.write_text("products: {}\nharm_patterns:\n  harm.evade: ['(借|用']\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=r"harm_patterns: harm\.evade"):
        load_lexicon(broken)


def test_harm_markers_must_point_at_a_refusal_entry(kb: KnowledgeBase, lexicon: Lexicon) -> None:
    wrong = replace(lexicon, harm_markers={**lexicon.harm_markers, "overdue.penalty": ["罚息"]})
    with pytest.raises(ValueError, match=r"overdue\.penalty"):
        LexicalMatcher(kb, wrong, load_calibration(), answer_threshold=0.9, suggest_threshold=0.5)


def test_every_other_lender_is_a_foreign_subject_to_the_matcher(
    lexicon: Lexicon, matcher: LexicalMatcher
) -> None:
    assert lexicon.other_lenders
    for lender in lexicon.other_lenders:
        assert matcher.analyse(f"{lender}利息高吗").foreign, lender
