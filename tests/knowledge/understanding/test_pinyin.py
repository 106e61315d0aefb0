"""Questions typed in pinyin are read as the knowledge base's words; nothing else is guessed from letters."""

from __future__ import annotations

import pytest

from knowledge.understanding.matcher import LexicalMatcher
from knowledge.understanding.pinyin import PinyinReader


@pytest.fixture(scope="module")
def reader() -> PinyinReader:
    return PinyinReader(
        {"利息": 40, "多少": 30, "逾期": 50, "后果": 10, "力气": 2, "吗": 5, "啊": 5},
        {"ma": "吗"},
        empty=["吗", "啊"],
    )


def test_a_run_of_pinyin_is_read_as_the_words_it_spells(reader: PinyinReader) -> None:
    assert reader.read("lixiduoshao") == "利息多少"
    assert reader.read("yuqihouguo") == "逾期后果"


def test_of_words_that_sound_alike_the_one_the_knowledge_base_uses_most_is_read(reader: PinyinReader) -> None:
    assert reader.read("lixi") == "利息"  # not 力气


def test_a_fixed_reading_applies_even_to_a_syllable_too_short_to_read(reader: PinyinReader) -> None:
    assert reader.read("利息多少ma") == "利息多少吗"


@pytest.mark.parametrize("text", ["irr是什么", "app", "how much interest", "aaaa", "lixiduoshaoxyz"])
def test_letters_that_do_not_spell_known_words_entirely_are_left_as_typed(
    reader: PinyinReader, text: str
) -> None:
    assert reader.read(text) == text


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("lixi duoshao", "rate.level"),
        ("yuqi houguo", "overdue.consequences"),
        ("tiqian huan", "repay.early"),
        ("weilidai zenme kaitong", "apply.weilidai_open"),  # the product's own pinyin stays a name
        ("xiaomi edu", "limit.amount"),
    ],
)
def test_pinyin_questions_are_understood(matcher: LexicalMatcher, question: str, entry: str) -> None:
    assert matcher.best_guess(question)[0] == entry


def test_a_long_run_of_letters_is_no_question(matcher: LexicalMatcher) -> None:
    assert matcher.ask("a" * 2000).band == "decline"
