"""Questions typed in pinyin (「lixi duoshao」「yuqi houguo」「beijule咋办」) read as the words they spell.

People without a Chinese keyboard at hand, or in a hurry, type the syllables. A run of Latin letters is
rewritten in Han characters when the whole run spells, syllable for syllable, a sequence of words the
knowledge base itself uses (its paraphrases and examples): 「lixiduoshao」 -> 「利息多少」. A run that does
not spell such words entirely (English, 「irr」, 「app」, a product name in pinyin, which the product finder
reads) is left as it is, so nothing is guessed from a few letters.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from knowledge.understanding.products import Mention

#: Longest word (in characters) looked up by its syllables; longer words are rare in questions.
MAX_WORD_CHARS = 4
#: Longest run of letters read as pinyin (a question, not a pasted text).
MAX_RUN = 40
#: Shortest run of letters read as pinyin: a syllable of one or two letters (「a」, 「ti」) says too little.
MIN_RUN = 3
_HAN_WORD = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
_LATIN_RUN = re.compile(r"[a-z]+")


class PinyinReader:
    """Rewrites runs of pinyin into the knowledge base's words."""

    #: the arrays of :meth:`from_table`, until the first read makes them into ``_words``
    _table: Mapping[str, Any]

    def __init__(
        self,
        vocabulary: Mapping[str, int],
        fixed: Mapping[str, str] | None = None,
        *,
        empty: Iterable[str] = (),
    ) -> None:
        """Build the syllable table.

        Args:
            vocabulary: Han word -> how many texts of the knowledge base use it; where several words
                share a spelling (「lixi」: 利息), the most used one is read. A word's rarer readings (是
                read 「ti」) count for a hundredth of its uses.
            fixed: spelling -> the word it always reads as (lexicon ``pinyin``): 「huan」 is 还 in a
                question about loans, though 还 is usually read 「hai」.
            empty: words that say nothing by themselves (啊, 吗 …). A run is read only when it spells a
                word of two characters or more besides these; otherwise (「aaaa」, 「xiexie」) it is left
                as typed.
        """
        self._empty = frozenset(empty)
        from pypinyin import Style, pinyin  # imported here: only building the table needs it

        #: spelling -> (word, weight), the weightiest word per spelling
        self._words: dict[str, tuple[str, float]] = {}
        for word, uses in vocabulary.items():
            if not _HAN_WORD.fullmatch(word) or len(word) > MAX_WORD_CHARS:
                continue
            readings = pinyin(word, style=Style.NORMAL, heteronym=True, errors="ignore")
            usual = "".join(options[0] for options in readings if options)
            for spelling in _spellings(readings):
                weight = uses if spelling == usual else uses / 100
                known = self._words.get(spelling)
                if known is None or weight > known[1]:
                    self._words[spelling] = (word, weight)
        self._fixed = dict(fixed or {})
        # stronger than any use count: the fixed readings always win
        for spelling, word in (fixed or {}).items():
            self._words[spelling] = (word, float("inf"))
        self._longest = max((len(s) for s in self._words), default=0)

    def table(self) -> dict[str, Any]:
        """The syllable table as three arrays (spellings sorted, their words, their weights), to save."""
        import numpy as np

        if "_table" in self.__dict__:
            self._lookup()
        spellings = sorted(self._words)
        return {
            "spellings": np.array(spellings) if spellings else np.array([], dtype="U1"),
            "words": np.array([self._words[s][0] for s in spellings] or [""]),
            "weights": np.array([self._words[s][1] for s in spellings], dtype=float),
        }

    @classmethod
    def from_table(
        cls, table: Mapping[str, Any], fixed: Mapping[str, str] | None = None, *, empty: Iterable[str] = ()
    ) -> PinyinReader:
        """A reader from :meth:`table`'s arrays, without pypinyin (the table is made already)."""
        reader = cls.__new__(cls)
        reader._empty = frozenset(empty)
        reader._fixed = dict(fixed or {})
        reader._table = table  # made into the lookup table at the first run of letters read
        return reader

    def _lookup(self) -> None:
        """The spelling -> (word, weight) table from :meth:`from_table`'s arrays, made once."""
        table = self.__dict__.pop("_table")
        spellings, words = table["spellings"].tolist(), table["words"].tolist()
        weights = table["weights"].tolist()
        self._words = dict(zip(spellings, zip(words, weights, strict=False), strict=True))
        self._longest = max((len(s) for s in self._words), default=0)

    def read(self, text: str, products: Iterable[Mention] = ()) -> str:
        """``text`` with each run of letters that spells known words rewritten in them; runs inside a
        product mention (「weilidai」) are left alone."""
        if "_table" in self.__dict__:
            self._lookup()

        def rewrite(match: re.Match[str]) -> str:
            run = match.group(0)
            if len(run) < MIN_RUN:  # too short to read, unless a fixed reading (「ma」: 吗)
                return self._fixed.get(run, run)
            return (self._spell(run) if len(run) <= MAX_RUN else None) or run

        pieces, at = [], 0
        for mention in sorted(products, key=lambda m: m.start):
            if mention.start < at:
                continue
            pieces += [_LATIN_RUN.sub(rewrite, text[at : mention.start]), text[mention.start : mention.end]]
            at = mention.end
        pieces.append(_LATIN_RUN.sub(rewrite, text[at:]))
        return "".join(pieces)

    def _spell(self, run: str) -> str | None:
        """The words ``run`` spells entirely, fewest words first (then the most used), or ``None``."""
        # best[i]: (words, -weight, text, whether a word says something) for the first i letters
        best: list[tuple[int, float, str, bool] | None] = [None] * (len(run) + 1)
        best[0] = (0, 0.0, "", False)
        for end in range(1, len(run) + 1):
            for start in range(max(0, end - self._longest), end):
                before = best[start]
                found = self._words.get(run[start:end])
                if before is None or found is None:
                    continue
                # one word of two characters at least: single syllables spell too many things (「xiexie」
                # is not 写写)
                said = before[3] or (len(found[0]) >= 2 and found[0] not in self._empty)
                candidate = (before[0] + 1, before[1] - found[1], before[2] + found[0], said)
                current = best[end]
                if current is None or candidate[:2] < current[:2]:
                    best[end] = candidate
        done = best[len(run)]
        return done[2] if done is not None and done[3] else None


def _spellings(readings: list[list[str]], limit: int = 8) -> list[str]:
    """Every spelling of a word from its characters' readings (at most ``limit``: a few are polyphonic)."""
    spellings = [""]
    for options in readings:
        spellings = [s + o for s in spellings for o in dict.fromkeys(options)][:limit]
    return spellings

