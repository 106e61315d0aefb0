"""Which products a question names, and whether it is a bare follow-up such as 「那微粒贷呢？」.

Aliases come from the knowledge base (each product's name and ``aliases``) and from the lexicon's
``products`` map. They are matched on cleaned, typo-fixed text, longest first, so that 「微信小米贷款」 is
one mention of ``xiaomi`` and not 「微信」 plus 「小米」.

People also write a name by its sound with the wrong characters (「为利贷」「维粒贷」 for 微粒贷) or in pinyin
(「weilidai」「xiaomidaikuan」). Every alias of three Han characters or more is therefore also matched by
its syllables (:class:`SoundAlikes`, built from pypinyin's single-character readings, tones ignored), and
its pinyin spelt out is one more alias. This is the one product recogniser of the project: the
matcher, the self-check, the calculator and the comparison all read its result.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

#: Put where a product name was taken out, so that no character bigram spans the gap.
GAP = "|"


@dataclass(frozen=True)
class Mention:
    """One product named in a question, with where it was found."""

    product: str
    start: int
    end: int


#: Shortest alias, in Han characters, matched by sound: two-character names (小米, 微贷) sound like too
#: many everyday words.
MIN_SOUND_CHARS = 3
_HAN_ONLY = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")


class SoundAlikes:
    """Aliases matched by their syllables: 「为利贷」 reads wei-li-dai, as 微粒贷 does."""

    def __init__(self, aliases: Mapping[str, str]) -> None:
        """Build the syllable tables.

        Args:
            aliases: prepared alias -> product id; only all-Han aliases of :data:`MIN_SOUND_CHARS` or more
                characters are matched by sound.
        """
        from pypinyin import lazy_pinyin  # imported here: only building the tables needs it
        from pypinyin.pinyin_dict import pinyin_dict

        self.by_syllables: dict[tuple[str, ...], str] = {}
        #: pinyin spelt out (「weilidai」), to be matched as one more alias
        self.spelt: dict[str, str] = {}
        for alias, product in aliases.items():
            if len(alias) < MIN_SOUND_CHARS or not _HAN_ONLY.fullmatch(alias):
                continue
            syllables = tuple(lazy_pinyin(alias))
            self.by_syllables.setdefault(syllables, product)
            self.spelt.setdefault("".join(syllables), product)
        wanted = {syllable for key in self.by_syllables for syllable in key}
        toneless: dict[str, str] = {}
        #: character -> the readings it has among the aliases' syllables (tones dropped)
        self.readings: dict[str, tuple[str, ...]] = {}
        for code, readings in pinyin_dict.items():
            found = set()
            for reading in readings.split(","):
                plain = toneless.get(reading)
                if plain is None:
                    plain = toneless[reading] = _toneless(reading)
                if plain in wanted:
                    found.add(plain)
            if found:
                self.readings[chr(code)] = tuple(sorted(found))
        self._trie = self._make_trie()

    def tables(self) -> dict[str, Any]:
        """The syllable tables as arrays of strings (to save with the matcher's index): the aliases'
        syllables and products, the spelt aliases, and each character's readings."""
        import numpy as np

        def strings(items: list[str]) -> Any:
            return np.array(items) if items else np.array([], dtype="U1")

        chars = sorted(self.readings)
        return {
            "syllables": strings([" ".join(k) for k in self.by_syllables]),
            "syllable_products": strings(list(self.by_syllables.values())),
            "spelt": strings(list(self.spelt)),
            "spelt_products": strings(list(self.spelt.values())),
            "chars": strings(chars),
            "readings": strings([",".join(self.readings[c]) for c in chars]),
        }

    @classmethod
    def from_tables(cls, tables: Mapping[str, Any]) -> SoundAlikes:
        """The sound-alikes from :meth:`tables`' arrays, without pypinyin."""
        sounds = cls.__new__(cls)
        sounds.by_syllables = dict(
            zip(
                (tuple(k.split(" ")) for k in tables["syllables"].tolist()),
                tables["syllable_products"].tolist(),
                strict=True,
            )
        )
        sounds.spelt = dict(zip(tables["spelt"].tolist(), tables["spelt_products"].tolist(), strict=True))
        sounds.readings = dict(
            zip(
                tables["chars"].tolist(),
                (tuple(r.split(",")) for r in tables["readings"].tolist()),
                strict=True,
            )
        )
        sounds._trie = sounds._make_trie()
        return sounds

    def _make_trie(self) -> dict[str, Any]:
        """The syllable sequences as a trie; the key ``""`` of a node holds the product of a whole alias.

        Also notes the characters one of whose readings starts an alias: only at those can a mention by
        sound start (most characters of a message start none, and looking each one up cost a tenth of
        reading a message)."""
        trie: dict[str, Any] = {}
        for syllables, product in self.by_syllables.items():
            node = trie
            for syllable in syllables:
                node = node.setdefault(syllable, {})
            node.setdefault("", product)
        self._starters = frozenset(
            c for c, readings in self.readings.items() if any(r in trie for r in readings)
        )
        return trie

    def find(self, text: str, taken: list[Mention]) -> list[Mention]:
        """Mentions by sound in ``text`` that do not overlap ``taken`` (the exact mentions)."""
        found: list[Mention] = []
        starters = self._starters
        i = 0  # where the next mention may start: after the last one found
        # a character none of whose readings starts an alias starts no mention (:meth:`_longest` would
        # find none there), so only the others are tried, left to right
        for start, char in enumerate(text):
            if char not in starters or start < i or _inside(start, taken):
                continue
            hit = self._longest(text, start, self._trie)
            if hit is None:
                continue
            product, length = hit
            span = Mention(product, start, start + length)
            if not any(_overlaps(span, m) for m in taken):
                found.append(span)
            i = start + length
        return found

    def _longest(self, text: str, start: int, node: dict[str, Any]) -> tuple[str, int] | None:
        """The longest alias whose syllables ``text`` spells from ``start`` (depth-first over readings)."""
        best: tuple[str, int] | None = None
        if start < len(text):
            for syllable in self.readings.get(text[start], ()):
                child = node.get(syllable)
                if child is None:
                    continue
                deeper = self._longest(text, start + 1, child)
                if deeper is not None:
                    deeper = (deeper[0], deeper[1] + 1)
                elif "" in child:
                    deeper = (child[""], 1)
                if deeper is not None and (best is None or deeper[1] > best[1]):
                    best = deeper
        return best


def _toneless(reading: str) -> str:
    import unicodedata

    plain = "".join(c for c in unicodedata.normalize("NFD", reading) if not unicodedata.combining(c))
    return plain.replace("ü", "v")


def _inside(index: int, mentions: list[Mention]) -> bool:
    return any(m.start <= index < m.end for m in mentions)


def _overlaps(a: Mention, b: Mention) -> bool:
    return a.start < b.end and b.start < a.end


class ProductFinder:
    """Finds product mentions in cleaned text and takes them out for topic matching."""

    def __init__(
        self,
        aliases: Mapping[str, Iterable[str]],
        prepare: Callable[[str], str],
        sounds: SoundAlikes | None = None,
    ) -> None:
        """Build the finder.

        Args:
            aliases: product id -> names and aliases, in any spelling.
            prepare: the normalisation applied to questions before product detection (clean + typos);
                applied to every alias too, so both sides are spelt alike.
            sounds: the sound-alikes of these aliases, made already (read from the matcher's index);
                made here from pypinyin's tables when not given.
        """
        self._by_alias: dict[str, str] = {}
        for product, names in aliases.items():
            for name in names:
                key = prepare(name)
                # An alias already claimed by another product stays with the first (products.yaml order).
                if key and key not in self._by_alias:
                    self._by_alias[key] = product
        self.sounds = sounds if sounds is not None else SoundAlikes(self._by_alias)
        for spelt, product in self.sounds.spelt.items():
            self._by_alias.setdefault(spelt, product)
        ordered = sorted(self._by_alias, key=len, reverse=True)
        self._pattern = re.compile("|".join(re.escape(a) for a in ordered)) if ordered else None

    def find(self, text: str) -> list[Mention]:
        """Every product mention in ``text``, left to right: by name, then by sound."""
        if self._pattern is None:
            return []
        exact = [
            Mention(self._by_alias[m.group(0)], m.start(), m.end()) for m in self._pattern.finditer(text)
        ]
        by_sound = self.sounds.find(text, exact)
        return sorted(exact + by_sound, key=lambda m: m.start) if by_sound else exact

    def products(self, text: str) -> list[str]:
        """Distinct products named in ``text``, in order of first mention."""
        return list(dict.fromkeys(m.product for m in self.find(text)))

    def strip(self, text: str, mentions: list[Mention] | None = None) -> str:
        """``text`` with every product mention (``mentions``, found afresh if not given) replaced by
        :data:`GAP`."""
        for mention in reversed(self.find(text) if mentions is None else mentions):
            text = text[: mention.start] + GAP + text[mention.end :]
        return text


class FollowUpDetector:
    """Recognises questions that only swap the product: 「那微粒贷呢」, 「换成借呗呢？」."""

    def __init__(self, fillers: Iterable[str]) -> None:
        words = sorted({f for f in fillers if f}, key=len, reverse=True)
        self._fillers = re.compile("|".join(re.escape(w) for w in words)) if words else None

    def is_bare(self, stripped: str) -> bool:
        """True when ``stripped`` (product names taken out) holds nothing but fillers."""
        rest = stripped.replace(GAP, "")
        if self._fillers is not None:
            rest = self._fillers.sub("", rest)
        return rest == ""
