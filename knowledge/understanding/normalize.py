"""Text normalisation shared by the index and the questions: one spelling for one meaning.

:func:`clean` makes any input Simplified, half-width and lower-case and drops spaces and punctuation;
:class:`Replacer` applies a variant -> canonical map (typos, synonyms) longest-first in one pass.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from functools import cache

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


def clean(text: str) -> str:
    """Simplified, half-width, lower-case text without spaces or punctuation.

    >>> clean("  貸款　ＷＥ２０００ 徵信？！ ")
    '贷款we2000征信'
    """
    text = unicodedata.normalize("NFKC", text)
    text = _t2s().convert(text).lower()
    text = _DROP.sub("", text)
    return _LONE_DOT.sub("", text)


class Replacer:
    """Replace every variant of a map by its canonical form, longest variant first, in one pass."""

    def __init__(self, mapping: Mapping[str, str]) -> None:
        self._mapping = {clean(k): v for k, v in mapping.items() if clean(k)}
        variants = sorted(self._mapping, key=len, reverse=True)
        self._pattern = re.compile("|".join(re.escape(v) for v in variants)) if variants else None

    def __call__(self, text: str) -> str:
        """``text`` with each variant replaced by its canonical form."""
        if self._pattern is None:
            return text
        return self._pattern.sub(lambda m: self._mapping[m.group(0)], text)
