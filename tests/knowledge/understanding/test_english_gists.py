"""The English gists of FAQ entries (``english``) and the phrases that lead to them (lexicon
``english_entries``), checked as data.

An English question that points at an entry gets the entry's gist, then its Chinese answer. A gist adds no
fact of its own, so a figure in it that none of the entry's answers holds is a figure that has drifted.
"""

from __future__ import annotations

import re

import pytest

from knowledge.base import KnowledgeBase
from knowledge.numerals import read_numeral
from knowledge.understanding.lexicon import Lexicon, load_lexicon

#: a figure as a gist writes it: 「200,000」「0.05%」「18–60」 (each end), 「15th」
_ENGLISH_FIGURE = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")
#: a figure as an answer writes it: 「20万元」「0.05%」「1.5倍」 (read with the project's numeral reader)
_CHINESE_FIGURE = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?[万千]?")
#: names that hold digits without being figures: 「WE2000」 says nothing of 2000 yuan
_NAMES_WITH_DIGITS = re.compile(r"we2000", re.IGNORECASE)


def _value(figure: str) -> float:
    value = read_numeral(figure.replace(",", ""))
    assert value is not None, figure
    return round(value, 6)


def figures_missing(gist: str, answers: list[str]) -> list[str]:
    """The figures of ``gist`` that occur in none of ``answers`` (「300,000」 is in 「30万」)."""
    stated = {
        _value(figure)
        for answer in answers
        for figure in _CHINESE_FIGURE.findall(_NAMES_WITH_DIGITS.sub(" ", answer))
    }
    return [f for f in _ENGLISH_FIGURE.findall(_NAMES_WITH_DIGITS.sub(" ", gist)) if _value(f) not in stated]


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return load_lexicon()


@pytest.mark.parametrize(
    ("gist", "answer", "missing"),
    [
        ("up to 300,000 yuan", "最高30万元", []),
        ("0.05% a day, about 18.25% a year", "日息0.05%，约年化18.25%", []),
        ("ages 18–40", "年龄18–40周岁", []),
        ("up to 400,000 yuan", "最高30万元", ["400,000"]),
        ("WE2000 is a fixed 3,000 yuan", "WE2000额度固定", ["3,000"]),  # the name is no 2000 of its own
    ],
)
def test_a_figure_is_found_in_the_answers_whichever_way_it_is_written(
    gist: str, answer: str, missing: list[str]
) -> None:
    assert figures_missing(gist, [answer]) == missing


def test_every_entry_english_questions_point_at_has_a_gist(kb: KnowledgeBase, lexicon: Lexicon) -> None:
    unknown = [entry for entry in lexicon.english_entries if entry not in kb.entries]
    assert not unknown, f"english_entries names entries the knowledge base lacks: {unknown}"
    lacking = [entry for entry in lexicon.english_entries if not kb.entries[entry].english]
    assert not lacking, f"entries English questions point at, with no English gist: {lacking}"


def test_every_figure_of_a_gist_is_in_one_of_its_entrys_chinese_answers(kb: KnowledgeBase) -> None:
    drifted = {
        entry.id: missing
        for entry in kb.entries.values()
        if entry.english
        and (missing := figures_missing(entry.english, [answer.text for answer in entry.answers]))
    }
    assert not drifted, f"figures in English gists that no Chinese answer of the entry gives: {drifted}"


def test_every_english_phrase_leads_to_its_own_entry(lexicon: Lexicon) -> None:
    """The first entry with a phrase in the message wins: a phrase that holds an earlier entry's phrase
    (「how old」 after 「old」) would never be reached."""
    shadowed = {}
    for entry, phrases in lexicon.english_entries.items():
        for phrase in phrases:
            first = next(e for e, ps in lexicon.english_entries.items() if any(p in phrase for p in ps))
            if first != entry:
                shadowed[phrase] = first
    assert not shadowed, f"phrases an earlier entry's phrase takes first: {shadowed}"
