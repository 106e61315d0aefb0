"""The lexicon compiled for reading questions: replacers, the product finder and the marker patterns.

:class:`CompiledLexicon` turns ``lexicon.yaml`` (with the products' names) into what the matcher reads
every question and every indexed text with: typos mended and synonyms folded (:class:`.Replacer`),
products found and taken out (:class:`.ProductFinder`, and the descriptions that point at a product
without naming it), and the markers of out-of-domain questions, foreign subjects, words of the domain
and requests for harmful help, each one pattern.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from knowledge.models import Product
from knowledge.understanding.lexicon import Lexicon
from knowledge.understanding.normalize import Replacer, clean, fold_question_forms
from knowledge.understanding.products import GAP, FollowUpDetector, ProductFinder, SoundAlikes

#: A product named right after these is not the one asked about (「除了微粒贷还有啥」).
EXCEPT = ("除了", "除")
#: a back-reference in a pattern (\1, (?P=name)): such patterns are not joined into one (:func:`joined`)
_BACK_REFERENCE = re.compile(r"\\[1-9]|\(\?P=")


def alternation(words: Iterable[str]) -> re.Pattern[str] | None:
    """One pattern matching any of ``words`` (longest first), or None when there are none."""
    ordered = sorted({w for w in words if w}, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, ordered))) if ordered else None


def joined(patterns: list[re.Pattern[str]]) -> re.Pattern[str] | None:
    """One pattern found in a text exactly where one of ``patterns`` is (an alternation tries each
    alternative at each place); ``None`` when they cannot be joined so (a back-reference would count the
    groups of the others, a flag of their own would apply to all), or there are none."""
    if not patterns or any(_BACK_REFERENCE.search(p.pattern) or p.flags != re.UNICODE for p in patterns):
        return None
    try:
        return re.compile("|".join(f"(?:{p.pattern})" for p in patterns))
    except re.error:  # an inline flag of one of them (「(?i)…」) stands only at a pattern's start
        return None


def found(pattern: re.Pattern[str] | None, text: str) -> bool:
    """``pattern`` (possibly None: no words) occurs in ``text``."""
    return pattern is not None and pattern.search(text) is not None


class CompiledLexicon:
    """The lexicon made ready to read questions with (see the module's docstring)."""

    def __init__(
        self,
        lexicon: Lexicon,
        aliases: Mapping[str, list[str]],
        products: Mapping[str, Product],
        refusals: frozenset[str],
        entries: set[str],
        sounds: SoundAlikes | None = None,
    ) -> None:
        """Compile ``lexicon``.

        Args:
            lexicon: the lexicon as read.
            aliases: product id -> its names and aliases (products.yaml and the lexicon's).
            products: the knowledge base's products (descriptions of others are ignored).
            refusals: the refusal entries of the view; every refusal the lexicon's harm markers name
                must be one of them (when the view has any).
            entries: every entry id of the view.
            sounds: the product names' sound-alike tables, read from the saved index (made from
                pypinyin when not given).

        Raises:
            ValueError: harm markers name entries that are not refusals.
        """
        #: what everything but the harm markers is compiled from (:meth:`reads_as` compares it)
        self._recipe = (lexicon, {p: tuple(names) for p, names in aliases.items()}, frozenset(products))
        self.typos = Replacer(lexicon.typos)
        self.synonyms = Replacer(lexicon.synonyms)
        self.products = ProductFinder(aliases, self.prepare, sounds)
        self.follow_up = FollowUpDetector(self.synonyms(clean(f)) for f in lexicon.fillers)
        self.ood = alternation(self.prepare(w) for w in lexicon.out_of_domain)
        self.brands = alternation(self.prepare(w) for w in lexicon.brand_compounds)
        foreign = [*lexicon.foreign_subjects, *lexicon.other_lenders, *lexicon.brand_compounds]
        self.foreign_words = sorted({m for m in map(self.prepare, foreign) if m})
        self.foreign = alternation(self.foreign_words)
        self.anchors = alternation(self.prepare(w) for w in lexicon.domain_anchors)
        # product id -> (prepared descriptions, longest first; prepared words one of which must occur)
        self._cues: dict[str, tuple[list[str], list[str]]] = {
            product: (
                sorted({c for c in map(self.prepare, cues) if c}, key=len, reverse=True),
                [n for n in map(self.prepare, needs) if n],
            )
            for product, (cues, needs) in lexicon.product_cues.items()
            if product in products
        }
        named = set(lexicon.harm_markers) | set(lexicon.harm_patterns)
        # the want matcher's view has no refusals at all; an FAQ view must have every one named
        unknown = (named & entries) - refusals
        if refusals:
            unknown |= named - entries
        if unknown:
            raise ValueError(
                f"lexicon.yaml: harm markers point at entries that are not refusals: {sorted(unknown)}"
            )
        #: refusal entry -> (its markers as one pattern, its patterns)
        self._harm = {
            entry: (
                alternation(self.prepare(w) for w in lexicon.harm_markers.get(entry, [])),
                [re.compile(p) for p in lexicon.harm_patterns.get(entry, [])],
            )
            # only the refusals the lexicon names: every question is checked against each of them
            for entry in sorted(named & refusals)
        }
        #: every harm marker and pattern as one, searched first: most questions hold none of them
        markers = [m for m, _patterns in self._harm.values() if m is not None]
        self._any_harm = joined(markers + [p for _markers, patterns in self._harm.values() for p in patterns])
        #: the words that only make a question a question, as written and as read
        self.forms = {self.synonyms(self.prepare(w)) for w in lexicon.question_forms}
        self.forms |= set(lexicon.question_forms)
        self._question_forms = alternation(self.forms)

    def reads_as(self, other: CompiledLexicon) -> bool:
        """Whether ``other`` reads a text as this one does in all but the harm markers: compiled from the
        same lexicon, product names and products, with the same sound-alike tables (the want matcher's
        lexicon and the FAQ matcher's are; only the FAQ's has refusals for harm markers to name)."""
        mine, theirs = self.products.sounds, other.products.sounds
        return self._recipe == other._recipe and (
            mine is theirs
            or (mine.by_syllables, mine.spelt, mine.readings)
            == (theirs.by_syllables, theirs.spelt, theirs.readings)
        )

    def prepare(self, text: str) -> str:
        """``text`` cleaned (:func:`.clean`) and its typos mended."""
        return self.typos(clean(text))

    def topic(self, text: str) -> tuple[list[Any], list[str], str]:
        """The product mentions in prepared ``text``, the products asked about, and the text to match."""
        # 「除了微粒贷还有啥」 asks about the others: a product named after 除了 is not the one asked about
        mentions = self.products.find(text)
        products = list(dict.fromkeys(m.product for m in mentions if not text.endswith(EXCEPT, 0, m.start)))
        stripped = self.products.strip(text, mentions)
        if not mentions:
            products, stripped = self._cued(text)
        return mentions, products, self.synonyms(fold_question_forms(stripped))

    def topic_key(self, topic_text: str) -> str:
        """The topic of a question: its text without products and without the words that only make it a
        question (lexicon ``question_forms``): 「|利率咋算」 -> 「利率算」."""
        bare = topic_text.replace(GAP, "")
        return self._question_forms.sub("", bare) if self._question_forms is not None else bare

    def harm_entries(self, text: str, topic_text: str) -> tuple[str, ...]:
        """The refusal entries whose markers or patterns occur in the question.

        Markers are checked as typed and after synonyms; patterns on the text with product names
        (「用微粒贷去还小米贷款」) and on the one without (「用|去还|」).
        """
        harm = self._any_harm
        if harm is not None and harm.search(text) is None and harm.search(topic_text) is None:
            return ()
        return tuple(
            entry
            for entry, (markers, patterns) in self._harm.items()
            if found(markers, text)
            or found(markers, topic_text)
            or any(p.search(text) or p.search(topic_text) for p in patterns)
        )

    def _cued(self, text: str) -> tuple[list[str], str]:
        """Products described, not named (「公众号推的借钱平台」), and ``text`` without the descriptions."""
        hits_of: list[str] = []
        for product, (cues, needs) in self._cues.items():
            if needs and not any(need in text for need in needs):
                continue
            hits = [c for c in cues if c in text]
            if hits:
                hits_of.append(product)
                for cue in hits:
                    text = text.replace(cue, GAP)
        return hits_of, text

    def subjects(self, text: str) -> list[str]:
        """The foreign subjects (信用卡, 房贷 …) that occur in ``text``, overlapping ones included."""
        return [f for f in self.foreign_words if f in text] if found(self.foreign, text) else []
