"""The lexical FAQ matcher: normalise, find products, rank entries, calibrate the confidence, band.

Each entry is indexed through its question, its paraphrases and the labelled examples people typed for it
(``knowledge/data/examples``), with product names taken out: the product a person names is recognised
separately and then picks the entry's answer variant (or, for entries about one product such as
「微粒贷怎么开通」, tells entries with the same wording apart). Entries are ranked on a
weighted sum of cheap signals: the best word-level and character-bigram cosine with one paraphrase, how
much of the question the entry's paraphrases cover together, a naive-Bayes posterior, how much of it the
entry's answers mention, and product agreement (all entries at once, with numpy). Products may also be
described rather than named (「公众号推的借钱平台」 is a third-party platform; lexicon ``product_cues``).

Two calibrated logistic models read the signals of the best entry (see :mod:`.calibration`): the
probability that the best guess is right (answer at or above the answer threshold) and the probability
that the question is in scope at all (decline below the suggest threshold; otherwise 「您是不是想问」 with
the best guesses). The in-scope model leans on signals of its own: words the knowledge base never uses,
out-of-domain markers, foreign subjects next to the domain (信用卡, 房贷, 小米汽车 …) that the best entry
never speaks of, and words of the domain (借, 贷, 征信 …).

The matcher is made of three parts: the compiled lexicon (:mod:`.compiled_lexicon`), which reads a
question or an indexed text; the entry index (:mod:`.entry_index`), every array derived from the
knowledge base's texts, built here once and then read from disk; and the signals the calibrated models
read (:mod:`.signals`), one function each. This module ranks and decides.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import rjieba

from knowledge.base import KnowledgeBase
from knowledge.models import FaqEntry
from knowledge.understanding import signals
from knowledge.understanding.api import Band, FaqMatch
from knowledge.understanding.calibration import Calibration
from knowledge.understanding.compiled_lexicon import EXCEPT, CompiledLexicon, found
from knowledge.understanding.entry_index import EntryIndex, foreign_table, topic_table
from knowledge.understanding.index import Hit, NaiveBayesIndex, OverlapIndex
from knowledge.understanding.index import vocabulary as index_vocabulary
from knowledge.understanding.lexicon import Lexicon
from knowledge.understanding.normalize import fold, strip_punctuation
from knowledge.understanding.pinyin import MIN_RUN, PinyinReader
from knowledge.understanding.products import GAP, Mention, SoundAlikes

#: Words that never help tell entries apart (particles, pronouns); dropped from the word channel only.
_STOP_WORDS = frozenset(
    {"吗", "呢", "的", "了", "啊", "呀", "吧", "嘛", "哦", "哈", "么", "我", "我们", "你", "你们", "他", "她"}
    | {"它", "请问", "一下", "这个", "那个", "那"}
)
#: Weights of the ranking score: best paraphrase cosine per channel, then entry-wide coverage. Set by hand
#: and checked on the calibration and dev sets: a plateau, where halving or doubling one weight moves top-1
#: by a question or two.
_RANK_WEIGHTS = {
    "word_best": 0.35,
    "char_best": 0.35,
    "word_cov": 0.075,
    "char_cov": 0.15,
    "bayes": 0.4,
    "answer": 0.1,  # share of the question's words found in the entry's answers
}
#: Naive-Bayes smoothing and temperature (fitted on the calibration set, like the weights above).
_BAYES_ALPHA = 0.2
_BAYES_TEMPERATURE = 4.0
#: Ranking adjustments for products (see ``_compat``): the question names a product the entry covers
#: (more when the entry is about that product alone, as 「微粒贷是什么」 is), names products the entry does
#: not cover, or names two or more that it covers (comparisons). Glossary entries define terms, so a
#: question that names a product is less likely to be one of them.
_PRODUCT_BONUS = 0.06
_SPECIFIC_BONUS = 0.06
_PRODUCT_PENALTY = 0.2
_SPECIFIC_PENALTY = 0.35
_COMPARISON_BONUS = 0.3
#: What a comparison loses for each product named that it does not cover but only compares against
#: (借呗, 金条 …): less than for one of the advisor's own products, which says whose comparison it is.
_OTHER_LEFT_OUT = 0.05
_GLOSSARY_PENALTY = 0.1
#: An entry about one product only (「WE2000是干嘛用的」) matched by a question that names no product: its
#: paraphrases lose their product name in the index, and what is left (「是干嘛用的」) is generic.
_UNNAMED_SPECIFIC_PENALTY = 0.25
#: Ranking bonus of refusal entries when the question carries a harm marker (伪造, 套现, 躲催收 …), and
#: their penalty when it carries none: a refusal answers a request for harmful help, and a plain question
#: that happens to share 「怎么弄」 with one (「我想开微粒贷 咋弄」) must not get it.
_HARM_BONUS = 0.2
#: A request for harmful help whose words fit a plain entry better (「催收天天打电话，怎么让他们找不到我」 is
#: mostly about collection) still gets the refusal, when one is among this many best candidates.
_HARM_REACH = 3
_REFUSAL_PENALTY = 0.1
#: Confidence given to a bare follow-up (「那微粒贷呢」) on an entry that covers the new product.
FOLLOW_UP_CONFIDENCE = 0.97
#: A follow-up that changes the topic and keeps the product: a few characters and 呢 (「罚息呢」「那额度呢」).
_TOPIC_FOLLOW_UP = re.compile(r"(那|那么|还有|再问下?)?[^呢]{2,6}呢")
#: Appended to a question that is nothing but a product name.
_WHAT_IS = "是什么"
#: What is left of 「微贷是个啥」「微粒贷到底是什么东西」 once the product is taken out: the same question as
#: the bare name. Matched on the synonym-folded text (啥 -> 什么).
_BARE_WHAT = re.compile(
    r"(那|这个|那个)?(到底|究竟)?是?(个|一个)?(什么|干嘛|干什么|做什么)(东西|产品|意思|玩意儿?|东东|的|用的)?[啊呀呢吗哦]*"
)
#: 「天星金融是不是就是以前的小米金融」「随星借和小米贷款是同一个东西吗」: one product named twice, by two
#: names, and a question whether they are the same thing. It asks what the product is.
#: What may stand beside the two names: nothing but these words (「小米分期是不是小米贷款」 keeps 「分期」).
_SAME_THING = re.compile(
    "是不是|就是|不是|一回事|同一个|同一家|同一|一个|一样|什么关系|有关系|关系|改名|改叫|名字|以前|原来|之前|现在"
    "|东西|产品|公司|平台|和|跟|与|是|叫|的|了|吗|么|呢|啊|个|都|吧"
)
#: One of these must be there: the question is whether the names are one thing.
_SAME_ASKED = re.compile("是不是|就是|一回事|同一|一样|关系|改名|改叫")
#: 「借呗、微粒贷、金条三个对比下」「利率排个序」: three products or more listed equally, none the subject
_EQUAL_LIST = re.compile(
    "哪个|哪家|哪一个|谁|三个|三家|几个|几家|四个|四家|排序|排个序|排名|排一下|一起比|放一起"
)
#: ... unless the first product is set against the others (「微粒贷和借呗、京东金条哪个好」, as the
#: comparison entries' own questions put it): product, a conjunction, then the other products one after
#: the other (in the topic text, where each product is a GAP; 「小米、微粒贷、借呗」 and
#: 「小米和微粒贷和借呗」 stay equal)
_SET_AGAINST = re.compile(rf"^[^{re.escape(GAP)}]*{re.escape(GAP)}(?:和|跟|与|同){re.escape(GAP)}{{2,}}")
#: Factor on the IDF weight of the lexicon's ``form_words`` in the word channel. Tried 0.3–0.65 on the
#: tuning sets: a plateau around one half (about +8 questions of 1,615); damping their bigrams too lost.
_FORM_WORD_DAMPING = 0.5
#: Candidates kept per question, best first (the buttons need three, the signals two).
_KEPT = 12
#: Ranking bonus of the entry a short question's topic names (「WE2000利率咋算」: 利率算 is rate.level's), so
#: that a topic every paraphrase and example agrees on is not outvoted by a sibling's longer wording.
_TOPIC_BONUS = 0.15
#: Texts nearest the question looked at for the neighbour signals.
_NEIGHBOURS = 5
#: Product combinations whose compatibility arrays are kept (a question names a handful at most).
_COMPAT_CACHE = 256
#: How many questions to offer as buttons.
MAX_SUGGESTIONS = 3
_PINYIN_RUN = re.compile(f"[a-z]{{{MIN_RUN},}}")
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?")


@dataclass(frozen=True)
class Analysis:
    """A question taken apart: its normalised text, the products it names, what is left to match."""

    text: str
    products: list[str]
    #: canonical text with product names replaced by :data:`GAP`
    topic_text: str
    words: frozenset[str]
    bigrams: frozenset[str]
    ood: bool
    #: refusal entries whose harm markers or patterns the question holds (「用微粒贷去还小米贷款」: 以贷养贷)
    harm_entries: tuple[str, ...] = ()
    #: a subject next to the domain that the advisor does not cover (信用卡, 房贷 …) is named
    foreign: bool = False
    #: a word of the domain (借, 贷, 还款 …) occurs, product names included (小米贷款 has 贷, 小米手机 none)
    anchor: bool = False
    #: one of the advisor's own products is named as such (not 借呗, not the 小米 of 小米汽车)
    own: bool = False
    #: what is left once the products and the words that only make it a question are gone (「利率算」)
    topic_key: str = ""
    #: the product mentions in ``text`` and the spans of the brand compounds (「小米汽车」) in it, kept so
    #: that the reader and the want matcher do not look for them again (not a part of what it means)
    mentions: tuple[Mention, ...] = field(default=(), compare=False, repr=False)
    brands: tuple[tuple[int, int], ...] = field(default=(), compare=False, repr=False)

    @property
    def harm(self) -> bool:
        """The question asks for help with something harmful."""
        return bool(self.harm_entries)


@dataclass(frozen=True)
class Candidate:
    """One entry considered for a question, with the signals it was ranked on."""

    entry_id: str
    score: float
    word: Hit
    char: Hit
    #: naive-Bayes posterior of the entry given the question's words and bigrams
    bayes: float
    #: share of the question's word weight found in the entry's answer texts
    answer: float
    compat: float


@dataclass
class Ranking:
    """Every candidate for one question, best first, plus the question's own signals."""

    analysis: Analysis
    candidates: list[Candidate]
    signals: dict[str, float] = field(default_factory=dict)
    #: calibrated probability that the best guess is right
    confidence: float = 0.0
    #: calibrated probability that the question is in scope at all
    in_scope: float = 0.0


def _bigrams(text: str) -> frozenset[str]:
    units: set[str] = set()
    for part in text.split(GAP):
        # every number is one placeholder: 「借5000」 and 「借1万」 ask alike, and no stray digit bigrams
        part = _NUMBER.sub("0", part)
        if len(part) == 1:
            units.add(part)
        units.update(part[i : i + 2] for i in range(len(part) - 1))
    return frozenset(units)


def _words(text: str) -> frozenset[str]:
    words: set[str] = set()
    for part in text.split(GAP):
        if part:
            words.update(w for w in rjieba.cut(part) if w not in _STOP_WORDS)
    return frozenset(words)


def _bayes_units(words: frozenset[str], bigrams: frozenset[str]) -> frozenset[str]:
    # prefixed so that the word 「逾期」 and the bigram 「逾期」 stay two pieces of evidence
    return frozenset({"w:" + w for w in words} | bigrams)


def entry_products(entry: FaqEntry) -> frozenset[str]:
    """Products an entry concerns: its ``products`` plus any product with its own answer variant."""
    return frozenset(entry.products) | {a.product for a in entry.answers if a.product}


class LexicalMatcher:
    """Understands a question against the knowledge base; implements :class:`FaqMatcher`."""

    def __init__(
        self,
        kb: KnowledgeBase,
        lexicon: Lexicon,
        calibration: Calibration,
        *,
        answer_threshold: float,
        suggest_threshold: float,
        hedge_threshold: float | None = None,
        index: EntryIndex | None = None,
    ) -> None:
        """Build the indexes once (or take them ready-made: ``index``).

        Args:
            kb: the knowledge base.
            lexicon: typo, synonym and product maps and out-of-domain markers.
            calibration: the fitted confidence model.
            answer_threshold: answer at or above this confidence.
            suggest_threshold: offer 「您是不是想问」 at or above this, decline below.
            hedge_threshold: between this and the answer threshold, answer the best guess all the same,
                with the close alternatives beside it (「您可能还想问」); ``None`` (or the answer threshold
                itself): no such middle band.
            index: the entry index of ``kb`` read from disk (:func:`.load_matcher` keeps it up to date);
                built here from the texts when not given.
        """
        self.kb = kb
        self.lexicon = lexicon
        self.calibration = calibration
        self.answer_threshold = answer_threshold
        self.suggest_threshold = suggest_threshold
        self.hedge_threshold = (
            answer_threshold if hedge_threshold is None else min(hedge_threshold, answer_threshold)
        )
        aliases: dict[str, list[str]] = {}
        for item in kb.products.values():
            aliases[item.id] = [item.id, item.name, *item.aliases]
        for product_id, extra in lexicon.product_aliases.items():
            aliases.setdefault(product_id, []).extend(extra)
        sounds = SoundAlikes.from_tables(index.sounds) if index is not None else None
        self._refusals = frozenset(e.id for e in kb.entries.values() if e.kind == "refusal")
        #: the lexicon made ready to read questions with (typos, synonyms, products, markers)
        self.words = CompiledLexicon(lexicon, aliases, kb.products, self._refusals, set(kb.entries), sounds)
        self.products = self.words.products
        self._compare_entries = frozenset(e.id for e in kb.entries.values() if e.topic == "compare")
        self._compat_cache: dict[tuple[tuple[str, ...], str | None, bool], Any] = {}
        self._entry_products = {e.id: entry_products(e) for e in kb.entries.values()}
        #: entry -> the sibling entries answered together with it (declared either way round)
        together: dict[str, set[str]] = {}
        for entry in kb.entries.values():
            for sibling in entry.together:
                if sibling in kb.entries:
                    together.setdefault(entry.id, set()).add(sibling)
                    together.setdefault(sibling, set()).add(entry.id)
        self._together = {e: frozenset(s) for e, s in together.items()}
        # products the knowledge base only compares against (借呗, 京东金条 …): a question about one of them
        # that is not a comparison is out of scope
        covering: dict[str, set[str]] = {}
        for entry in kb.entries.values():
            for product in self._entry_products[entry.id]:
                covering.setdefault(product, set()).add(entry.topic)
        self._comparison_only = frozenset(p for p in kb.products if covering.get(p, set()) <= {"compare"})
        forms = self.words.forms
        if index is None:
            index = self._build_index(kb, lexicon, forms, aliases)
        elif index.entries != list(kb.entries):
            raise ValueError("the matcher's index was built over other entries")
        self.index = index
        #: reads runs of pinyin as the knowledge base's words (「lixi」: 利息)
        self.pinyin = PinyinReader.from_table(index.pinyin, lexicon.pinyin, empty=[*_STOP_WORDS, *forms])
        # every index lays its arrays out in this one order, so that a question is ranked with numpy
        self._order = list(kb.entries)
        self._column = {entry: i for i, entry in enumerate(self._order)}
        self.word_index = index.word
        self.char_index = index.char
        self.bayes_index = index.bayes
        self.answer_index = index.answer
        # ties are broken by entry id, as a sort on (-score, id) would
        self._tie_break = np.argsort(np.argsort(np.array(self._order)))
        self._refusal_mask = np.array([e in self._refusals for e in self._order], dtype=bool)
        #: the comparisons of given products with others (not 「哪个最便宜」, which names none), by column
        self._product_comparisons = np.array(
            [i for i, e in enumerate(self._order) if e in self._compare_entries and self._entry_products[e]],
            dtype=np.intp,
        )
        self.weights = dict(_RANK_WEIGHTS)

    def _build_index(
        self, kb: KnowledgeBase, lexicon: Lexicon, forms: set[str], aliases: dict[str, list[str]]
    ) -> EntryIndex:
        """Analyse every text of the knowledge base into the arrays of an :class:`EntryIndex`."""
        order = list(kb.entries)
        word_docs: list[tuple[str, frozenset[str]]] = []
        char_docs: list[tuple[str, frozenset[str]]] = []
        bayes_docs: list[tuple[str, frozenset[str]]] = []
        # labelled questions people typed count as paraphrases of their entry (never for the foreign
        # subjects below: an example that mentions 借呗 in passing does not make the entry speak of it)
        examples: dict[str, list[str]] = {}
        for example in kb.examples:
            if example.entry in kb.entries:
                examples.setdefault(example.entry, []).append(example.question)
        #: topic key -> the entries some paraphrase or example of which leaves that key (see _topic_key)
        topics: dict[str, list[str]] = {}
        for entry in kb.entries.values():
            for text in (entry.question, *entry.paraphrases, *examples.get(entry.id, ())):
                topic_text = self.words.topic(self.words.prepare(text))[2]
                words, bigrams = _words(topic_text), _bigrams(topic_text)
                key = self.words.topic_key(topic_text)
                if key:
                    topics.setdefault(key, []).append(entry.id)
                if words:
                    word_docs.append((entry.id, words))
                if bigrams:
                    char_docs.append((entry.id, bigrams))
                bayes_docs.append((entry.id, _bayes_units(words, bigrams)))
        # the foreign subjects an entry itself speaks of (funds.invest_house: 理财, 买房 …): a question about
        # one of them is in scope for that entry and for no other
        spoken: dict[str, list[str]] = {}
        for entry in kb.entries.values():
            # an answer that speaks of 保险费 or 小米钱包 explains a question that names them
            said = (entry.question, *entry.paraphrases, *(answer.text for answer in entry.answers))
            texts = [self.words.prepare(t) for t in said]
            spoken[entry.id] = self.words.subjects("|".join(texts))
        # the words of the knowledge base, by how many texts use them, read from pinyin (「lixi」: 利息)
        # (the words that only make a question, which the index leaves out, as if a few texts used them)
        vocabulary: dict[str, int] = dict.fromkeys([*_STOP_WORDS, *forms], 50)
        for _entry, words in word_docs:
            for word in words:
                vocabulary[word] = vocabulary.get(word, 0) + 1
        # in sorted order: of two words equally used with one spelling, the first read wins, in any process
        pinyin = PinyinReader(dict(sorted(vocabulary.items())), lexicon.pinyin, empty=[*_STOP_WORDS, *forms])
        damped = {self.words.prepare(w): _FORM_WORD_DAMPING for w in lexicon.form_words}
        word_index = OverlapIndex.build(word_docs, order, damped=damped)
        # the answers' own words: weak evidence for questions worded unlike any paraphrase
        answer_docs: list[tuple[str, frozenset[str]]] = []
        for entry in kb.entries.values():
            text = "".join(a.text for a in entry.answers)
            answer_docs.append((entry.id, self._indexed_units(text)[0]))
        answer_index = OverlapIndex.build(answer_docs, order)
        return EntryIndex(
            entries=order,
            word=word_index,
            char=OverlapIndex.build(char_docs, order),
            answer=answer_index,
            bayes=NaiveBayesIndex.build(
                bayes_docs, alpha=_BAYES_ALPHA, temperature=_BAYES_TEMPERATURE, entries=order
            ),
            topics=topic_table(order, topics),
            foreign=foreign_table(order, spoken),
            # every word the knowledge base uses anywhere: a question made of other words is rarely in scope
            kb_words=index_vocabulary([*word_index.units.tolist(), *answer_index.units.tolist(), *aliases]),
            pinyin=pinyin.table(),
            sounds=self.products.sounds.tables(),
        )

    # --- understanding ------------------------------------------------------------------------------

    def topic_entry(self, analysis: Analysis) -> str | None:
        """The entry a question's topic names: every paraphrase and example that leaves the same topic
        belongs to it, and it covers the product named (when one is). ``None`` when the topic is unknown,
        shared by several entries, or too short to say anything."""
        if len(analysis.topic_key) < 2:
            return None
        counts = self.index.topic_entries(analysis.topic_key)
        if not counts:
            return None
        fitting = [e for e in counts if self._fits(e, analysis.products)]
        return fitting[0] if len(fitting) == 1 else None

    def _fits(self, entry_id: str, named: Sequence[str]) -> bool:
        """An entry can be the answer to a question naming ``named``: it covers one of them, or it is
        about no product in particular; with none named, it is not about one product alone."""
        covered = self._entry_products[entry_id]
        if not named:
            return len(covered) != 1
        return not covered or any(p in covered for p in named)

    def _indexed_units(self, text: str) -> tuple[frozenset[str], frozenset[str]]:
        """The words and bigrams a paraphrase or example is indexed by: what :meth:`analyse` matches on,
        without the markers only a question needs (harm, foreign subjects), which start-up would pay for
        thousands of times."""
        topic_text = self.words.topic(self.words.prepare(text))[2]
        return _words(topic_text), _bigrams(topic_text)

    def analyse(self, question: str) -> Analysis:
        """Normalise ``question``, find its products and the units left to match."""
        return self.analyse_folded(fold(question))

    def analyse_folded(self, folded: str) -> Analysis:
        """:meth:`analyse` for a message already folded (:func:`~.normalize.fold`) by the reader."""
        return self.analyse_prepared(self.prepare_folded(folded))

    def prepare_folded(self, folded: str) -> str:
        """A folded message as the matcher reads it: no punctuation, pinyin read as the words it spells
        (「lixiduoshao」 -> 「利息多少」), typos mended (lexicon ``typos``)."""
        text = self.words.typos(strip_punctuation(folded))
        if _PINYIN_RUN.search(text):
            # after the typos, which spell out 「xiaomi」 and 「vx」: those are names, not words to read
            text = self.pinyin.read(text, self.products.find(text))
        return text

    def _analyse_data(self, text: str) -> Analysis:
        """A text made from the knowledge base's own names and questions (already Simplified and
        half-width), analysed without normalising it again."""
        return self.analyse_folded(text.lower())

    def analyse_prepared(self, text: str) -> Analysis:
        """:meth:`analyse` for a message already prepared (:meth:`prepare_folded`): the reader prepares it
        once for both the FAQ matcher and the want matcher."""
        mentions, products, topic_text = self.words.topic(text)
        # 「小米汽车」 names 小米 but is a car: such a mention does not make the question about the products
        brands = tuple(b.span() for b in self.words.brands.finditer(text)) if self.words.brands else ()
        return Analysis(
            text=text,
            products=products,
            topic_text=topic_text,
            topic_key=self.words.topic_key(topic_text),
            words=_words(topic_text),
            bigrams=_bigrams(topic_text),
            # checked once synonyms have run, so 「买房贷款」 (→ 买房借钱) does not trip the marker 「房贷」
            ood=found(self.words.ood, topic_text),
            harm_entries=self.words.harm_entries(text, topic_text),
            foreign=found(self.words.foreign, topic_text) or bool(brands),
            anchor=found(self.words.anchors, text) or found(self.words.anchors, topic_text),
            own=self._own(text, mentions, products, brands),
            mentions=tuple(mentions),
            brands=brands,
        )

    def reads_as(self, other: LexicalMatcher) -> bool:
        """Whether ``other``'s analysis of a text is this matcher's but for the parts that depend on the
        entries (:meth:`analysis_from`): the two compile one lexicon alike (the FAQ and the want matcher)."""
        return self.words.reads_as(other.words)

    def analysis_from(self, analysis: Analysis) -> Analysis:
        """:meth:`analyse_prepared` of ``analysis.text``, from ``analysis``, another matcher's analysis of it,
        when that matcher :meth:`reads_as` this one: only the harm markers and whether one of the own
        products is named depend on the entries, and are worked out again (the reader analysed each
        message twice, once per matcher; the products, words and markers came out the same)."""
        text = analysis.text
        return replace(
            analysis,
            harm_entries=self.words.harm_entries(text, analysis.topic_text),
            own=self._own(text, analysis.mentions, analysis.products, analysis.brands),
        )

    def _own(
        self, text: str, mentions: Sequence[Mention], products: list[str], brands: Sequence[tuple[int, int]]
    ) -> bool:
        """One of the advisor's own products is named as such (:attr:`Analysis.own`)."""
        return any(
            m.product not in self._comparison_only
            and not any(start <= m.start < end for start, end in brands)
            and not text.endswith(EXCEPT, 0, m.start)
            for m in mentions
        ) or (not mentions and bool(products))

    def _compat(self, entry_id: str, named: Sequence[str], context: str | None) -> float:
        """How far the products named (or carried over) agree with the products an entry covers."""
        covered = self._entry_products[entry_id]
        if not named:
            if context is not None:
                return _PRODUCT_BONUS / 2 if context in covered else 0.0
            return -_UNNAMED_SPECIFIC_PENALTY if len(covered) == 1 else 0.0
        if not covered:
            return -_GLOSSARY_PENALTY if self.kb.entries[entry_id].topic == "glossary" else 0.0
        shared = sum(1 for p in named if p in covered)
        missing = len(named) - shared
        specific = len(covered) == 1
        bonus = _COMPARISON_BONUS if shared >= 2 else _SPECIFIC_BONUS if specific else _PRODUCT_BONUS
        penalty = _SPECIFIC_PENALTY if specific else _PRODUCT_PENALTY
        if entry_id in self._compare_entries and any(
            p in covered and p not in self._comparison_only for p in named
        ):
            # a comparison sets one of the advisor's own products against others: 「小米贷款和金条哪个快」 is
            # 小米贷款's comparison, though the one of 微粒贷 names 金条; an "other" it leaves out costs less
            others = sum(1 for p in named if p not in covered and p in self._comparison_only)
            return (bonus * shared - penalty * (missing - others) - _OTHER_LEFT_OUT * others) / len(named)
        return (bonus * shared - penalty * missing) / len(named)

    def _compat_array(self, named: tuple[str, ...], context: str | None, harm: bool) -> Any:
        """:meth:`_compat` for every entry (in index order), plus the refusal bonus or penalty; cached."""
        key = (named, context, harm)
        found = self._compat_cache.get(key)
        if found is None:
            found = np.array([self._compat(e, named, context) for e in self._order])
            found[self._refusal_mask] += _HARM_BONUS if harm else -_REFUSAL_PENALTY
            if len(self._compat_cache) < _COMPAT_CACHE:
                self._compat_cache[key] = found
        return found

    def rank(self, analysis: Analysis, *, context_product: str | None = None) -> Ranking:
        """The entries sharing anything with the question, best first, with the calibrated confidence.

        All entries are scored at once with numpy; :class:`Candidate` objects are made for the first
        :data:`_KEPT` only (the signals, the band and the buttons never look further).
        """
        w = self.weights
        word_best, word_cov, word_near = self.word_index.scan_near(analysis.words, _NEIGHBOURS)
        char_best, char_cov, char_near = self.char_index.scan_near(analysis.bigrams, _NEIGHBOURS)
        answer_cov = self.answer_index.coverage(analysis.words)
        bayes = self.bayes_index.scan(_bayes_units(analysis.words, analysis.bigrams))
        if bayes is None:
            bayes = np.zeros(len(self._order))
        compat = self._compat_array(tuple(analysis.products), context_product, analysis.harm)
        scores = (
            w["word_best"] * word_best
            + w["char_best"] * char_best
            + w["word_cov"] * word_cov
            + w["char_cov"] * char_cov
            + w["bayes"] * bayes
            + w["answer"] * answer_cov
            + compat
        )
        topic = self.topic_entry(analysis)
        if topic is not None:
            scores[self._column[topic]] += _TOPIC_BONUS
        candidates_mask = (word_cov > 0) | (char_cov > 0)
        pooled = self._product_comparisons
        if len(analysis.products) >= 2 and len(pooled):
            # the comparisons of one product with others are worded alike once the names are out
            # (「小米还是借呗好」, 「微粒贷还是借呗好」): what the wording says goes to all of them, and the
            # products named tell them apart
            worded = scores[pooled] - compat[pooled]
            scores[pooled] = worded.max() + compat[pooled]
            candidates_mask[pooled] = candidates_mask[pooled].any()
        if len(analysis.products) >= 2:
            # 「微贷、借呗、金条三个对比下」 shares no word with any entry once the names are out, but the
            # comparisons that cover those products are still candidates
            candidates_mask |= compat >= _COMPARISON_BONUS / 2
        shared = np.flatnonzero(candidates_mask)
        order = shared[np.lexsort((self._tie_break[shared], -scores[shared]))][:_KEPT].tolist()
        if analysis.harm:
            # the refusal a marker names, else the best refusal among the first few
            named = [i for i in order if self._order[i] in analysis.harm_entries]
            reach = order[:_HARM_REACH]
            refusal = named[0] if named else next((i for i in reach if self._refusal_mask[i]), None)
            if refusal is not None:
                order.remove(refusal)
                order.insert(0, refusal)
        # the kept columns of every array as Python floats at once (a numpy scalar per figure cost more)
        kept = zip(
            order,
            *(
                a[order].tolist()
                for a in (scores, word_best, word_cov, char_best, char_cov, bayes, answer_cov, compat)
            ),
            strict=True,
        )
        candidates = [
            Candidate(self._order[i], score, Hit(wb, wc), Hit(cb, cc), by, an, co)
            for i, score, wb, wc, cb, cc, by, an, co in kept
        ]
        ranking = Ranking(analysis, candidates)
        evidence = signals.Evidence(
            matcher=self,
            analysis=analysis,
            candidates=candidates,
            word_top=self._order[int(np.argmax(word_best))] if word_cov.any() else None,
            char_top=self._order[int(np.argmax(char_best))] if char_cov.any() else None,
            word_near=word_near,
            char_near=char_near,
            topic=topic,
        )
        ranking.signals = signals.read(evidence)
        if candidates:
            ranking.confidence = self.calibration.probability(ranking.signals)
            ranking.in_scope = self.calibration.in_scope(ranking.signals)
        return ranking

    def may_answer_with(self, analysis: Analysis, entry_ids: Iterable[str]) -> bool:
        """Whether :meth:`ask` with no previous answer could answer ``analysis`` with one of ``entry_ids``;
        ``False`` only when it surely cannot, decided without ranking: the analysis names no product (a
        product can change what is ranked) and shares no word and no bigram with those entries' texts, so
        that they have no coverage and are no candidates (an answer is always the first candidate)."""
        if analysis.products:
            return True
        columns = [self._column[e] for e in entry_ids if e in self._column]
        if not columns:
            return False
        return not (
            self.word_index.units_of(columns).isdisjoint(analysis.words)
            and self.char_index.units_of(columns).isdisjoint(analysis.bigrams)
        )

    def unexplained(self, analysis: Analysis, entry_id: str) -> bool:
        """The question is out of domain, or names foreign subjects none of which ``entry_id`` speaks of
        (only the longest count: an entry that speaks of 「零钱」 does not explain 「零钱提现」)."""
        subjects = self.words.subjects(analysis.topic_text)
        if self.words.brands is not None:
            subjects += [b.group(0) for b in self.words.brands.finditer(analysis.text)]
        widest = [f for f in subjects if not any(f != g and f in g for g in subjects)]
        spoken = self.index.foreign_of(self._column[entry_id]) if widest else set()
        return analysis.ood or (bool(widest) and not any(f in spoken for f in widest))

    def entry_products(self, entry_id: str) -> frozenset[str]:
        """The products ``entry_id`` concerns (:func:`entry_products`)."""
        return self._entry_products[entry_id]

    def compared_only(self, product: str) -> bool:
        """The knowledge base only compares against ``product`` (借呗, 京东金条 …)."""
        return product in self._comparison_only

    def is_comparison(self, entry_id: str) -> bool:
        """``entry_id`` is a comparison (topic ``compare``)."""
        return entry_id in self._compare_entries

    def column(self, entry_id: str) -> int:
        """The column of ``entry_id`` in every array of the index."""
        return self._column[entry_id]

    def unknown_to_kb(self, words: frozenset[str]) -> float:
        """Share of the weight of ``words`` carried by words the knowledge base never uses anywhere."""
        listed = list(words)
        total = unknown = 0.0
        known_to_kb = self.index.known_to_kb(listed)
        for (_, weight), known in zip(self.word_index.weights(listed), known_to_kb, strict=True):
            total += weight
            if not known:
                unknown += weight
        return unknown / total if total else 0.0

    def product_for(
        self, entry_id: str, named: Sequence[str], context: str | None, text: str = "", topic_text: str = ""
    ) -> str | None:
        """The product a question about ``entry_id`` is about.

        The first product named wins, even when the entry has no variant for it (the general answer is
        then shown, and the product still tells the caller what was asked about), but three or more listed
        equally are about none. With no product named, a product carried over from the previous answer
        counts when the entry covers it.
        """
        if len(named) >= 3 and _EQUAL_LIST.search(text) and not _SET_AGAINST.match(topic_text):
            return None  # 「小米贷款 微粒贷 借呗哪个利息最低」 lists them equally
        if named:
            return named[0]
        if context is not None and context in self._entry_products[entry_id]:
            return context
        return None

    def understand(
        self, question: str, *, previous_product: str | None = None, analysis: Analysis | None = None
    ) -> tuple[Ranking, str | None]:
        """Rank the entries for ``question`` (no follow-up rule); returns the ranking and context product.

        ``analysis``, when given, is ``question`` already analysed (the reader's, made once per message).
        """
        analysis = analysis or self.analyse(question)
        if analysis.products and not analysis.words:
            # a bare product name (「微粒贷」, 「小米贷款？」) asks what it is
            analysis = self.analyse_folded(analysis.text + _WHAT_IS)
        elif len(analysis.products) == 1 and self._asks_what_it_is(analysis):
            analysis = self._analyse_data(self.kb.product_name(analysis.products[0]) + _WHAT_IS)
        context = previous_product if not analysis.products else None
        ranking = self.rank(analysis, context_product=context)
        if not ranking.candidates and len(analysis.products) == 1:
            # 「小米贷款的事」: the name and nothing the knowledge base knows; as good as the bare name
            named = self._analyse_data(self.kb.product_name(analysis.products[0]) + _WHAT_IS)
            ranking = self.rank(named)
        return ranking, context

    @staticmethod
    def _asks_what_it_is(analysis: Analysis) -> bool:
        """The question names one product and asks nothing but what it is (「微贷是个啥」), or whether two of
        its names are one thing (「随星借和小米贷款是一回事吗」)."""
        rest = analysis.topic_text.replace(GAP, "")
        if _BARE_WHAT.fullmatch(rest):
            return True
        renamed = analysis.topic_text.count(GAP) >= 2
        return renamed and _SAME_ASKED.search(rest) is not None and not _SAME_THING.sub("", rest)

    def best_guess(
        self, question: str, *, previous_product: str | None = None, analysis: Analysis | None = None
    ) -> tuple[str | None, str | None]:
        """The likeliest entry and product for ``question`` whatever the band (for logs and scoring);
        ``analysis`` as for :meth:`understand`."""
        ranking, context = self.understand(question, previous_product=previous_product, analysis=analysis)
        if not ranking.candidates:
            return None, None
        top = ranking.candidates[0].entry_id
        analysis = ranking.analysis
        return top, self.product_for(top, analysis.products, context, analysis.text, analysis.topic_text)

    # --- the FaqMatcher protocol --------------------------------------------------------------------

    def ask(
        self,
        question: str,
        *,
        previous_entry: str | None = None,
        previous_product: str | None = None,
        analysis: Analysis | None = None,
    ) -> FaqMatch:
        """Understand ``question``; ``previous_*`` describe the last answer, for follow-ups.

        ``analysis``, when given, is ``question`` already analysed (by the message reader, once).
        """
        analysis = analysis or self.analyse(question)
        if (
            previous_entry is not None
            and previous_entry in self.kb.entries
            and analysis.products
            and self.words.follow_up.is_bare(analysis.topic_text)
            and not (len(analysis.products) == 1 and self._asks_what_it_is(analysis))  # 「WE2000是啥」
        ):
            follow = self._follow_up_match(question, analysis, previous_entry)
            if follow is not None:
                return follow
        if previous_entry is not None and previous_product is not None and not analysis.products:
            follow = self._topic_follow_up(question, analysis, previous_product)
            if follow is not None:
                return follow
        ranking, context = self.understand(question, previous_product=previous_product, analysis=analysis)
        return self.decide(question, ranking, context_product=context)

    def is_bare_follow_up(self, analysis: Analysis) -> bool:
        """The message names products and nothing else but fillers: 「那微粒贷呢」「换成借呗呢」."""
        return bool(analysis.products) and self.words.follow_up.is_bare(analysis.topic_text)

    def _topic_follow_up(self, question: str, analysis: Analysis, product: str) -> FaqMatch | None:
        """「罚息呢」 after an answer about 小米贷款: a new topic for the product in view, asked the way a
        follow-up is (a topic and 呢). Answered when the topic names one entry for that product."""
        if not _TOPIC_FOLLOW_UP.fullmatch(analysis.text):
            return None
        topic = self.topic_entry(replace(analysis, products=[product]))
        if topic is None or topic in self._refusals:
            return None
        covered = self._entry_products[topic]
        return FaqMatch(
            question=question,
            band="answer",
            entry_id=topic,
            product=product if product in covered else None,
            confidence=FOLLOW_UP_CONFIDENCE,
            products=[],
        )

    def _follow_up_match(self, question: str, analysis: Analysis, previous_entry: str) -> FaqMatch | None:
        """「那微粒贷呢」 after an answer: the same entry for the new product, or None to match afresh."""
        entry = self.kb.entries[previous_entry]
        product = analysis.products[0]
        if entry.kind == "refusal":
            return None  # never carry a refusal over to a product: 「微粒贷」 alone asks what it is
        if product not in self._entry_products[previous_entry]:
            # The previous entry says nothing about this product: ask its question again about the
            # product, and let the ranking find the entry that does (or decline).
            asked = self.kb.product_name(product) + entry.question
            ranking, context = self.understand(asked, analysis=self._analyse_data(asked))
            match = self.decide(question, ranking, context_product=context)
            covered = self._entry_products.get(match.entry_id or "", ())
            if len(covered) == 1 and product not in covered:
                # still an entry about one other product (「必须用小米手机吗」 asked of the third
                # parties): the articles say nothing of it for this product, so say what it is
                overview = self.kb.product_name(product) + _WHAT_IS
                ranking, context = self.understand(overview, analysis=self._analyse_data(overview))
                match = self.decide(question, ranking, context_product=context)
            return match
        return FaqMatch(
            question=question,
            band="answer",
            entry_id=previous_entry,
            product=product,
            confidence=FOLLOW_UP_CONFIDENCE,
            products=analysis.products,
        )

    def answered_together(self, candidates: Sequence[Candidate], named: Sequence[str] = ()) -> list[str]:
        """The sibling answered beside the best entry: the runner-up, when the two are entries a person
        would not tell apart (:attr:`FaqEntry.together`); otherwise none. The confidence is calibrated
        on this pair: it is right when either entry is the one asked about.

        With products ``named``, an entry about other products only is no runner-up: 「we2000在哪里申请」
        is not asking how to apply for 小米贷款, so the WE2000 entry behind it is."""
        rest = [c.entry_id for c in candidates[1:] if not named or self._fits(c.entry_id, named)]
        if not candidates or not rest:
            return []
        runner_up = rest[0]
        return [runner_up] if runner_up in self._together.get(candidates[0].entry_id, ()) else []

    def band_of(self, confidence: float, in_scope: float = 1.0) -> Band:
        """The band of a question, under this matcher's thresholds.

        Args:
            confidence: probability that the best guess is right; answer at or above the answer threshold.
            in_scope: probability that the question is in scope; below the suggest threshold, decline,
                otherwise offer 「您是不是想问」 with the best guesses.
        """
        if in_scope < self.suggest_threshold:
            return "decline"
        if confidence >= self.answer_threshold:
            return "answer"
        return "suggest"

    def decide(self, question: str, ranking: Ranking, *, context_product: str | None = None) -> FaqMatch:
        """Turn a ranking into a :class:`FaqMatch`: best entry, its product, band and suggestions."""
        analysis = ranking.analysis
        if not ranking.candidates:
            return FaqMatch(
                question, "decline", None, None, 0.0, self._fallback_suggestions(), analysis.products, 0.0
            )
        top = ranking.candidates[0]
        band = self.band_of(ranking.confidence, ranking.in_scope)
        if analysis.harm and top.entry_id in self._refusals and not analysis.ood:
            # A request for harmful help gets the articles' warnings even when the wording is unsure:
            # the refusal helps no one do harm, and a 「您是不是想问」 list would be worse.
            band = "answer"
        product = self.product_for(
            top.entry_id, analysis.products, context_product, analysis.text, analysis.topic_text
        )
        named, confidence, in_scope = analysis.products, ranking.confidence, ranking.in_scope
        together = self.answered_together(ranking.candidates, named)
        if band == "answer":
            return FaqMatch(
                question, band, top.entry_id, product, confidence, [], named, in_scope, together=together
            )
        if band == "suggest" and confidence >= self.hedge_threshold and top.entry_id not in self._refusals:
            # likely right but not certain: answer it, and offer what else it may have meant
            offered = self._suggestions(ranking.candidates, distinct_topics=False)
            others = [e for e in offered if e != top.entry_id and e not in together][: MAX_SUGGESTIONS - 1]
            if others:
                return FaqMatch(
                    question,
                    "answer",
                    top.entry_id,
                    product,
                    confidence,
                    [],
                    named,
                    in_scope,
                    others,
                    together,
                )
        if band == "suggest":
            suggestions = self._suggestions(ranking.candidates, distinct_topics=False)
            # the best guess is the first button (a refusal is never offered as one)
            guess = suggestions[0] if suggestions else top.entry_id
            if guess != top.entry_id:
                product = self.product_for(guess, named, context_product, analysis.text, analysis.topic_text)
            return FaqMatch(question, band, guess, product, confidence, suggestions, named, in_scope)
        suggestions = self._suggestions(ranking.candidates, distinct_topics=True)
        return FaqMatch(question, band, None, None, confidence, suggestions, named, in_scope)

    def _suggestions(self, candidates: Sequence[Candidate], *, distinct_topics: bool) -> list[str]:
        chosen: list[str] = []
        topics: set[str] = set()
        floor = candidates[0].score * 0.5
        for candidate in candidates:
            # two buttons at least, a third only when it is not far behind
            if len(chosen) >= MAX_SUGGESTIONS or (len(chosen) >= 2 and candidate.score < floor):
                break
            entry = self.kb.entries[candidate.entry_id]
            if entry.kind in ("refusal", "action"):
                continue  # never offer 「怎么套现」 as a button; a want is not a question to tap
            if distinct_topics and entry.topic in topics:
                continue
            chosen.append(entry.id)
            topics.add(entry.topic)
        return chosen or self._fallback_suggestions()

    def _fallback_suggestions(self) -> list[str]:
        # Nothing in common with the question at all: offer the broadest entries there are.
        preferred = ["about.wechat_loans", "rate.level", "req.conditions", "advice.disclaimer"]
        return [e for e in preferred if e in self.kb.entries][:MAX_SUGGESTIONS]
