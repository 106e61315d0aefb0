"""The normaliser: one spelling for Traditional, full-width, upper-case and punctuated input."""

from __future__ import annotations

import pytest

from knowledge.understanding.normalize import Replacer, clean


def test_traditional_characters_become_simplified() -> None:
    assert clean("貸款徵信還款") == "贷款征信还款"


def test_full_width_letters_digits_and_case_are_folded() -> None:
    assert clean("ＷＥ２０００ 和 IRR") == "we2000和irr"


def test_spaces_and_punctuation_are_dropped() -> None:
    assert clean(" 微粒贷 ， 逾期  罚息？！…") == "微粒贷逾期罚息"


def test_decimal_points_and_percent_survive() -> None:
    assert clean("日利率0.05%。") == "日利率0.05%"


def test_full_stop_that_is_not_a_decimal_point_is_dropped() -> None:
    assert clean("利息多少.") == "利息多少"


def test_replacer_prefers_the_longest_variant() -> None:
    replace = Replacer({"人行征信": "征信", "人行": "征信", "晚还": "逾期"})
    assert replace("人行征信会显示晚还吗") == "征信会显示逾期吗"


def test_replacer_without_entries_leaves_text_alone() -> None:
    assert Replacer({})("原样") == "原样"


def test_replacer_leaves_a_canonical_form_alone_when_a_variant_is_its_prefix() -> None:
    replace = Replacer({"提前还": "提前还款"})
    assert replace("提前还款有违约金吗") == "提前还款有违约金吗"
    assert replace("能提前还吗") == "能提前还款吗"


@pytest.mark.parametrize(
    ("cantonese", "mandarin"),
    [
        ("我係學生 可唔可以借", "我是学生可不可以借"),
        ("微粒貸係咪正規嘅", "微粒贷是不是正规的"),
        ("冇工作點算", "没有工作怎么办"),
        ("佢哋叫我俾500蚊", "他们叫我给500元"),
        ("我而家冇返工", "我现在没有上班"),
        ("有冇手續費㗎", "有没有手续费"),
        ("我個身份證會唔會俾人拎去借錢", "我个身份证会不会被人拿去借钱"),
        ("佢攞咗我張卡", "他拿了我张卡"),
        ("俺滴微信里咋瞅不着", "我滴微信里咋瞅不着"),  # 滴 and 瞅 are left to the lexicon
        ("咁WE2000到底系乜嘢", "那we2000到底是什么"),
        ("利息咁贵", "利息这么贵"),
        ("俺逾期了 晓得了", "我逾期了知道了"),  # northern forms with one Mandarin reading
        ("微粒贷是啥子 我莫得信用卡", "微粒贷是什么我没有信用卡"),  # south-western forms
        ("利息咋个算", "利息怎么算"),
        ("我该咋个跟屋头说", "我该怎么跟家里说"),
    ],
)
def test_cantonese_written_forms_read_as_the_mandarin_the_paraphrases_use(
    cantonese: str, mandarin: str
) -> None:
    assert clean(cantonese) == mandarin


@pytest.mark.parametrize("mandarin", ["关系", "联系客服", "系统维护", "一点点", "羊小咩", "多少钱"])
def test_mandarin_that_shares_a_character_with_cantonese_is_left_alone(mandarin: str) -> None:
    assert clean(mandarin) == mandarin
