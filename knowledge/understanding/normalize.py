"""Text normalisation shared by the index and the questions: one spelling for one meaning.

:func:`clean` makes any input Simplified, half-width and lower-case and drops spaces and punctuation;
:class:`Replacer` applies a variant -> canonical map (typos, synonyms) longest-first in one pass.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from functools import cache
from typing import Literal, NamedTuple

import opencc

#: Characters kept by :func:`clean`: CJK ideographs, ASCII letters and digits, and the few symbols that
#: carry meaning in money questions (percent, decimal point).
_DROP = re.compile(r"[^0-9a-z\u3400-\u4dbf\u4e00-\u9fff%.]+")
#: A full stop is kept only between digits (「0.05%」), elsewhere it is punctuation.
_LONE_DOT = re.compile(r"(?<![0-9])\.|\.(?![0-9])")


@cache
def _t2s() -> opencc.OpenCC:
    # Built once: the converter loads its dictionaries on construction (~5 ms).
    return opencc.OpenCC("t2s")


#: Cantonese written forms, read as the Mandarin that every paraphrase, cue and fact pattern is written in
#: (「我系学生 可唔可以借」 is 「我是学生 可不可以借」), applied to Simplified text (t2s has made 係 into 系).
#: Only forms that cannot be Mandarin: 系 is 是 only beside a pronoun or 唔 (关系, 系统 stay), 点 only in
#: 点样/点解/点算 (一点, 点击 stay), 咩 not in the lender 羊小咩.
_CANTONESE: tuple[tuple[str, str], ...] = (
    (r"系唔系|系咪", "是不是"), (r"(.)唔\1", r"\1不\1"), (r"(?:唔该|多谢)晒?", "谢谢"),
    (r"(?<=[我你佢他她都就真仲唔])系(?![统列数])", "是"), (r"^系(?=[啊呀啦咩吗]|$)|系(?=咩|乜)", "是"),
    (r"佢哋|佢地", "他们"), (r"我哋|我地", "我们"), (r"你哋|你地", "你们"), (r"佢", "他"),
    (r"乜嘢|咩嘢|乜野|咩野", "什么"), (r"(?<!小)咩", "什么"), (r"点样", "怎样"),
    (r"点解|为咩|为乜", "为什么"),
    (r"点算|点办", "怎么办"), (r"点搞", "怎么搞"), (r"边个", "哪个"), (r"喺边|边度|边到|边处", "哪里"),
    (r"边间|边家", "哪家"), (r"几耐", "多久"), (r"唔(?:使|洗|驶)", "不用"),
    (r"几多", "多少"), (r"而家", "现在"), (r"有冇", "有没有"), (r"冇", "没有"), (r"唔", "不"),
    (r"嘅", "的"), (r"啲", "些"), (r"咗", "了"), (r"喺", "在"), (r"睇", "看"), (r"揾|搵", "找"),
    (r"(?:俾|畀)人", "被人"), (r"俾|畀", "给"), (r"(?<=被人)拎", "拿"), (r"攞", "拿"),
    (r"嚟", "来"), (r"嘢", "东西"), (r"啱", "对"),
    # 「咁WE2000系乜嘢」: opening a sentence, 咁 is 那; 「咁贵」 is 这么贵
    (r"(?:^|(?<=[\s,，。!！?？]))咁(?![多贵高低少大快慢好难易样])", "那"), (r"咁", "这么"),
    (r"(?<=[他她我你人 ,，])话(?=我|你|他|她|要|会|系|是)", "说"),  # 「佢话我…」: says
    (r"返工", "上班"), (r"(?<=[0-9一二两三四五六七八九十百千万])蚊", "元"), (r"㗎|嘎|喎|啫|囉", ""),
)  # fmt: skip
#: northern and south-western forms typed in chat, each with one Mandarin reading: 「俺」「晓得了」「木有」
_DIALECT = (
    (r"俺们?", "我"), (r"晓得", "知道"), (r"木有", "没有"),
    # south-western (Sichuan, Chongqing): 「微粒贷是啥子」「莫得信用卡」「咋个算」
    (r"啥子", "什么"), (r"莫得", "没有"), (r"咋个", "怎么"), (r"(?<=[你好吗])噻$", ""), (r"屋头", "家里"),
)  # fmt: skip
#: each set of forms with the characters one of its forms needs: a message without them skips the set (啥 and
#: 咋 are everyday Mandarin too, so they must not send every message through the Cantonese forms)
_FORMS = (
    (re.compile(r"[话返蚊晒系唔咩点边几而冇佢哋嘅啲咗喺睇揾搵俾畀攞嚟嘢啱咁㗎嘎喎啫囉乜]"), _CANTONESE),
    (re.compile(r"[俺晓木啥莫咋噻屋]"), _DIALECT),
)
_COMPILED_FORMS = tuple((trigger, tuple((re.compile(p), r) for p, r in forms)) for trigger, forms in _FORMS)


def _mandarin(simplified: str) -> str:
    """Simplified text with its Cantonese and dialect written forms (:data:`_CANTONESE`, :data:`_DIALECT`)
    read as Mandarin, the Cantonese first."""
    for trigger, forms in _COMPILED_FORMS:
        if trigger.search(simplified):  # most messages: nothing to do
            for pattern, mandarin in forms:
                simplified = pattern.sub(mandarin, simplified)
    return simplified


def fold(text: str) -> str:
    """Simplified, half-width, lower-case text, trimmed; spaces and punctuation are kept.

    >>> fold("  貸款　ＷＥ２０００ 徵信？！ ")
    '贷款 we2000 征信?!'
    """
    # not through folded_with_script: telling the script apart costs a second conversion (and loading
    # OpenCC's s2t dictionaries), which the matcher's thousands of folds at start-up do not need
    return _mandarin(_t2s().convert(unicodedata.normalize("NFKC", text))).lower().strip()


def strip_punctuation(folded: str) -> str:
    """Folded text (:func:`fold`) without spaces or punctuation: what the matcher indexes."""
    return _LONE_DOT.sub("", _DROP.sub("", folded))


def clean(text: str) -> str:
    """Simplified, half-width, lower-case text without spaces or punctuation.

    >>> clean("  貸款　ＷＥ２０００ 徵信？！ ")
    '贷款we2000征信'
    """
    return strip_punctuation(fold(text))


#: The script a message is written in (:func:`folded_with_script`).
Script = Literal["simplified", "traditional", "latin", "none"]
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_LATIN_WORD = re.compile(r"[a-z]{2,}")


@cache
def _s2t() -> opencc.OpenCC:
    return opencc.OpenCC("s2t")


class Normalised(NamedTuple):
    """A message normalised once: folded for matching, its script, and its plain form for quoting."""

    #: Simplified, half-width, lower case, trimmed: what everything that matches reads
    folded: str
    script: Script
    #: Simplified and half-width but as typed otherwise (case, line breaks): for quoting it back
    plain: str


def folded_with_script(text: str) -> Normalised:
    """:func:`fold` of ``text`` and the script it was written in, with one t2s conversion.

    This is the one normalisation a typed message goes through (:class:`.reading.Reader` calls it once
    per message); everything downstream reads its result. The script is Traditional when folding changed
    more characters than the Simplified-only ones the text holds (a message mixing both goes by its
    majority), Latin for Latin words and no Han characters, ``none`` for digits, emoji and punctuation
    and for Han characters written alike in both scripts (「好的」).
    """
    width_folded = unicodedata.normalize("NFKC", text)
    simplified: str = _t2s().convert(width_folded)
    folded = _mandarin(simplified).lower().strip()
    return Normalised(folded, _script(width_folded, simplified, folded), simplified)


#: characters OpenCC makes Traditional that Traditional writers type as they are: Cantonese 「晒」 (all) in
#: 「多謝晒」「唔該晒」 is written so in Hong Kong, not 「曬」
_WRITTEN_IN_BOTH = frozenset("晒")


def _script(width_folded: str, simplified: str, folded: str) -> Script:
    if not _HAN.search(simplified):
        return "latin" if _LATIN_WORD.search(folded) else "none"
    # t2s maps one character to one, so the two strings line up position by position
    changed = sum(1 for a, b in zip(width_folded, simplified, strict=False) if a != b)
    traditional: str = _s2t().convert(width_folded)
    only_simplified = sum(
        1 for a, b in zip(width_folded, traditional, strict=False) if a != b and a not in _WRITTEN_IN_BOTH
    )
    if changed == only_simplified == 0:
        return "none"  # 「那WE2000呢」「好的」: the same in both scripts, says nothing
    return "traditional" if changed > only_simplified else "simplified"


#: A question ending in 「不」/「没」 (「靠谱不」「还了没」) asks the same as one ending in 「吗」.
_FINAL_NOT = re.compile(r"(?<=[\u4e00-\u9fff])[不没](?=$|\|)")


def fold_question_forms(text: str) -> str:
    """Fold a question ending in 「不」/「没」 into the 「…吗」 form.

    A-not-A forms (「会不会」) are left alone: measured on the calibration set, folding them lost more
    than it gained, as 「是不是」「会不会」 are telling bigrams in their own right.

    >>> fold_question_forms("靠谱不")
    '靠谱吗'
    """
    return _FINAL_NOT.sub("吗", text)


class Replacer:
    """Replace every variant of a map by its canonical form, longest variant first, in one pass."""

    def __init__(self, mapping: Mapping[str, str]) -> None:
        # Each canonical form also maps to itself, so that where it is already written out in full
        # (「提前还款」) the longer identity match wins over a variant that is its prefix (「提前还」).
        self._mapping = {v: v for v in mapping.values() if v}
        self._mapping.update({clean(k): v for k, v in mapping.items() if clean(k)})
        variants = sorted(self._mapping, key=len, reverse=True)
        self._pattern = re.compile("|".join(re.escape(v) for v in variants)) if variants else None

    def __call__(self, text: str) -> str:
        """``text`` with each variant replaced by its canonical form."""
        if self._pattern is None:
            return text
        return self._pattern.sub(lambda m: self._mapping[m.group(0)], text)
