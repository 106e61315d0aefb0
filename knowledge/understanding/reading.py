"""One reading of each typed message: everything the dialogue needs to know about it, worked out once.

A :class:`Reading` holds the message folded (Simplified, half-width, lower case — the only time it is
normalised), the script it was written in, the products it names (the matcher's one recogniser, tolerant
of misspellings by sound), the numbers in it, the self-check facts it states, the personal identifiers
pasted into it, the wants whose markers it trips, and — on demand, because it depends on the answer the
person is looking at — what it asks for (the calibrated matcher's :class:`FaqMatch`, whose entry may be an
FAQ entry or a want). Every flow reads the same reading; none parses the text again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from knowledge.base import KnowledgeBase
from knowledge.privacy import Identifier, identifiers_in, redact
from knowledge.understanding.answers import NumberMention, is_dont_know, looks_like_question, numbers_in
from knowledge.understanding.api import FaqMatch
from knowledge.understanding.compiled_lexicon import joined
from knowledge.understanding.normalize import Script, fold, folded_with_script
from knowledge.understanding.products import GAP, Mention
from knowledge.understanding.profile import Facts, facts_in

if TYPE_CHECKING:  # the matcher (numpy, rjieba) is imported by whoever builds one, not by every reader
    from knowledge.calc_request import CalcRequest
    from knowledge.understanding.matcher import Analysis, LexicalMatcher
    from knowledge.understanding.want_classifier import WantClassifier

#: longest text read as a question; longer messages are cut (nobody asks a 2000-character question)
MAX_CHARS = 300
#: longest text kept to be checked as a message received (Telegram's own limit on a message)
MAX_RECEIVED_CHARS = 4096
#: longest question read as one about the answer just read (「这合法吗」「多久能再申请」)
_ABOUT_THIS_MAX_CHARS = 10
#: 「这合法吗」「那这个正常吗」: a word that points at what the person just read
_ABOUT_THIS = re.compile(r"这|那个|那样|它|他们|对方")
#: 「那利息呢」「额度呢」: a topic and 呢, nothing else
_TOPIC_ALONE = re.compile(r"(?:那|那么|还有|再问下?)?[^呢]{2,6}呢")
#: most questions of one message answered apart (more would not fit on a phone's screen)
MAX_QUESTIONS = 3
#: common English words: a message of Latin letters holding some of them is English, not pinyin
_ENGLISH_WORDS = frozenset(
    (
        "a", "an", "the", "i", "you", "we", "is", "are", "am", "do", "does", "can", "could", "would",
        "should", "how", "what", "when", "where", "why", "which", "who", "my", "your", "me", "it",
        "this", "that", "to", "of", "for", "in", "on", "with", "and", "or", "not", "no", "yes", "loan",
        "loans", "borrow", "credit", "rate", "interest", "apply", "repay", "help", "please", "hello",
        "hi", "thanks", "about", "here", "there", "even", "legal", "percent", "pay", "paid", "money",
        "fee", "fees", "deposit", "scam", "get", "have", "has", "need", "want", "bank", "much", "many",
        "month", "year", "be", "if", "so", "they", "he", "she", "says", "said", "first", "will", "was",
        "were", "ok", "thank", "bye", "late", "overdue", "safe", "real", "fake", "still", "asking",
        "asked", "told", "from", "at", "apr", "too", "high", "low", "cost", "costs", "expensive", "cheap",
        "normal", "know", "tell", "check", "qualify", "eligible", "report", "score", "just", "any", "some",
        "like", "all", "now", "sure", "really", "very", "did", "more", "less", "than", "day", "days",
        "week", "months", "years", "someone", "anyone", "chinese", "english", "answer", "question",
        "foreign", "foreigner", "passport", "card", "phone", "number", "send", "give", "code", "password",
        "share", "screen", "link", "app", "download", "call", "police", "debt", "owe", "lender", "legit",
        "legitimate", "trustworthy", "reliable",
    )
)  # fmt: skip
_LATIN_WORDS = re.compile(r"[a-z]+")
_CLAUSE_BREAK = re.compile(r"[，,。!！?？;；~～\s]+")
#: 「先说额度」「讲讲利息」: a request to be told about a topic, asked without a question word
_TELL_ME = re.compile(r"(?:先|再|就)?(?:说说|说下|说一下|讲讲|讲下|讲一下|介绍下|介绍一下|说|讲)(?!不|了)")
#: the words that open a follow-up and say nothing of its topic: 「那能借多少」「那么利息呢」「所以要还多少」
_OPENER = re.compile(r"(?:那么|那请问|那|所以|然后)\s*")
#: 「你们到底是干啥的」「额度是多少来着」: 到底/究竟 press the question, 来着 recalls it; none asks anything
_PRESSING = re.compile(r"到底|究竟|来着")
#: 「微粒贷能借多少嘞」「上征信不咯」: particles that end a chat message and only set its tone
_TONE_ENDING = re.compile(r"(?<=.{3})[嘞咧捏呗咯嗷哟呐吖噻哇嘛啦呀啊哈哦喔噢欸诶耶]+$")
#: what is left of 「那WE2000呢」 once the product is read: nothing that asks about a topic
_PRODUCT_ONLY = re.compile(r"[|\s那么呢吗的啊呀吧咧嘞]*")
#: 「你好 请问你们这里可以查哪些贷款」「算了 想看看自己有没有资格开微粒贷」: a greeting, or the words that
#: turn to something new, before what the message wants (and a 「请问」)
_WANT_OPENER = re.compile(
    r"(?:你好|您好|哈喽|嗨|hi|hello|hey|在吗|在不在|老师好|客服你好|算了|好吧|好的|行吧|嗯+|哦+|ok|okay|对了"
    r"|另外|那么|那|所以|然后|等一?下(?![次个月周礼年])|等等|顺便问一?下|顺便)[\s,，!！~～。.呀啊哈]*(?:请问一?下?|我?想?问(?:一?下|哈|个事|问)|我?想问|问一?下|麻烦问一?下|打扰一?下)?\s*"
)
#: 「我想借点钱 急用」「你是干啥的啊」: words after what the message wants that only press it or set its tone
_WANT_TAIL = re.compile(
    r"(?:[\s,，。!！~～]*(?:急用|急需|很急|挺急的|急|在线等|求助|求求了|谢谢|谢了|多谢))+[\s!！。~～]*$"
)
#: two readers agreeing: the want matcher just under its threshold and the classifier all but certain of the
#: same want (「有个自称微粒贷的人加我微信 说我账户异常」 is a scam going on, told as a story)
_AGREED_MATCHER, _AGREED_CLASSIFIER = 0.9, 0.99
#: something to read besides figures and symbols: a Han character or a Latin word
_WORDS = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]|[a-z]{2,}")


@dataclass
class Reading:
    """A typed message, read once. ``meaning`` (the matcher's answer) is worked out on first use."""

    raw: str
    #: the message folded once: Simplified, half-width, lower case (punctuation kept), cut to MAX_CHARS
    text: str
    script: Script
    #: the whole message (up to MAX_RECEIVED_CHARS), Simplified and half-width but as typed otherwise: a
    #: message received and pasted to be checked is read, and quoted, from this
    plain: str
    #: the FAQ matcher's analysis (products found, text left to match): made once, reused by ``meaning``
    analysis: Analysis
    #: the same message analysed for the want matcher (from the same prepared text)
    want_analysis: Analysis
    #: the products named, with where they stand in ``text`` (the calculator takes them out of its figures)
    mentions: list[Mention]
    numbers: list[NumberMention]
    facts: Facts
    identifiers: list[Identifier]
    #: wants whose markers the message trips (act.despair, act.scammed), in the knowledge base's order
    marked: list[str]
    #: wants whose weaker cues it holds (谢谢, 拜拜 …): taken only when nothing else was understood
    cued: list[str]
    _reader: Reader = field(repr=False)
    _meanings: dict[tuple[str | None, str | None], FaqMatch] = field(default_factory=dict, repr=False)
    _want: list[str | None] = field(default_factory=list, repr=False)
    _guessed: list[str | None] = field(default_factory=list, repr=False)
    _loan: list[CalcRequest] = field(default_factory=list, repr=False)

    @property
    def products(self) -> list[str]:
        """The products the message names, in order of first mention."""
        return self.analysis.products

    @property
    def loan(self) -> CalcRequest:
        """The message read as a cost question (:func:`knowledge.calc_parse.parse`), worked out once: every
        route that looks for a loan's figures reads this one."""
        if not self._loan:
            from knowledge.calc_parse import parse  # the calculator's reader builds on this package

            self._loan.append(parse(self.text, mentions=self.mentions))
        return self._loan[0]

    @property
    def redacted(self) -> str:
        """The message with identifiers replaced: the only form of it that may be written anywhere."""
        return redact(self.raw) if self.identifiers else self.raw

    @property
    def is_question(self) -> bool:
        """It reads as a question (a question mark, 吗, 怎么 …) rather than a statement or an answer."""
        return looks_like_question(self.text)

    @property
    def has_words(self) -> bool:
        """It holds something to read besides figures and symbols (「650」 and 「👍」 hold none)."""
        return bool(_WORDS.search(self.text))

    @property
    def dont_know(self) -> bool:
        """「不知道」「不清楚」「忘了」: the person cannot answer what was asked."""
        return is_dont_know(self.text)

    @property
    def english(self) -> bool:
        """Written in English (not pinyin, not a product name): words of English and no Han characters."""
        if self.script != "latin":
            return False
        words = _LATIN_WORDS.findall(self.text)
        return sum(w in _ENGLISH_WORDS for w in words) >= min(2, len(words)) and len(words) >= 2

    @property
    def want(self) -> str | None:
        """The want the message expresses (``act.greet``, ``act.check`` …), or ``None`` for none: a marker
        decides outright, a pasted identifier is one, else the want matcher when it is confident."""
        if not self._want:
            self._want.append(self._reader.want_of(self))
        return self._want[0]

    def wants_to(self, action: str) -> bool:
        """Whether :attr:`want` has ``action`` (``crisis`` …), the want matcher asked only when it could."""
        return self._reader.wants_to(self, action)

    @property
    def guessed_want(self) -> str | None:
        """The want the classifier reads in a message the want matcher is not sure of (or ``None``): a
        weaker reading than :attr:`want`, taken only when nothing else understood the message."""
        if not self._guessed:
            self._guessed.append(None if self.want is not None else self._reader.guessed_want_of(self))
        return self._guessed[0]

    @property
    def want_match(self) -> FaqMatch:
        """The want matcher's reading of the message (its product names the one a check is for)."""
        return self._reader.wants.ask(self.raw, analysis=self.want_analysis)

    def meaning(self, *, previous_entry: str | None = None, previous_product: str | None = None) -> FaqMatch:
        """What the message asks for, in the light of the answer the person is looking at (memoised)."""
        key = (previous_entry, previous_product)
        found = self._meanings.get(key)
        if found is None:
            matcher = self._reader.matcher
            found = matcher.ask(
                self.raw,
                previous_entry=previous_entry,
                previous_product=previous_product,
                analysis=self.analysis,
            )

            # 「ok 我试试中文 微粒贷利息多少」「那能借多少」: the words before the question (or the 「那」
            # that opens a follow-up) keep the whole from matching; the question alone may be answered
            in_message = set(self.products)

            def alone(part: str) -> FaqMatch:
                analysis = matcher.analyse_folded(part)
                if len(in_message) == 1 and not analysis.products:
                    # 「那微粒贷呢 上征信吗」: the clause asks about the product the message names
                    analysis = matcher.analyse_folded(self._reader.about(next(iter(in_message)), part))
                return matcher.ask(
                    self.raw,
                    previous_entry=previous_entry,
                    previous_product=previous_product,
                    analysis=analysis,
                )

            for part in (self._last_clause(), self._without_opener(), self._without_frame()):
                if found.band == "answer" or part is None:
                    continue
                # a part stands for the whole only when it is answered surely: a guess answered with its
                # alternatives (the middle band) is too weak to say what the whole message asks
                answered = alone(part)
                if answered.band == "answer" and not answered.hedged:
                    found = answered
            # 「那你是哪个平台的 能帮我追回来吗」: the first clause is the question, and what follows it
            # asks nothing the knowledge base answers
            clauses = self._clauses()
            if found.band != "answer" and len(clauses) >= 2 and len(clauses[0]) >= 4:
                answered = alone(clauses[0])
                if (
                    answered.band == "answer"
                    and not answered.hedged
                    and all(alone(rest).band == "decline" for rest in clauses[1:])
                ):
                    found = answered
            asks = self.is_question and not self.cued  # 「中 谢了老铁」 is no question about the product
            if found.band != "answer" and previous_product is not None and not self.products and asks:
                # 「在哪申请」 while looking at 小米贷款: asked about that product, as the person means it
                named = self._reader.about(previous_product, self.text)
                about = matcher.ask(named, analysis=matcher.analyse_folded(named))
                if about.band == "answer" and not about.hedged:
                    found = replace(about, question=self.raw)
            if found.band != "answer" and previous_entry is not None:
                found = self._about_the_answer(found, previous_entry)
            if found.band != "answer" and previous_product is None:
                found = self._topic_alone(found)
            self._meanings[key] = found
        return found

    def _topic_alone(self, found: FaqMatch) -> FaqMatch:
        """「那利息呢」「额度呢」 with no product in view: the topic asked about every product, when the topic
        names one entry (with a product in view, the matcher asks it about that product)."""
        analysis = self.analysis
        if analysis.products or not _TOPIC_ALONE.fullmatch(analysis.text):
            return found
        topic = self._reader.matcher.topic_entry(analysis)
        entry = self._reader.kb.entries.get(topic) if topic is not None else None
        if entry is None or entry.kind == "refusal":
            return found
        return replace(found, band="answer", entry_id=entry.id, product=None, suggestions=[])

    def _about_the_answer(self, found: FaqMatch, previous_entry: str) -> FaqMatch:
        """「这合法吗」 after an answer on collection, 「多久能再申请」 after one on being turned down:
        a short question whose likeliest entry is the one just answered asks about that answer; it is
        answered, not met with 「您是不是想问」 offering the answer just read."""
        short = len(self.text.replace(" ", "")) <= _ABOUT_THIS_MAX_CHARS
        # declined: only when 「这」 points at the answer, or 「买房首付呢」 asks on in its very form
        text = self.text
        pointed = found.band == "suggest" or _ABOUT_THIS.search(text) or _TOPIC_ALONE.fullmatch(text)
        if short and found.suggestions[:1] == [previous_entry] and pointed:
            return replace(found, band="answer", entry_id=previous_entry, suggestions=[])
        # 「那我缺钱咋办呀」 after 「学生能申请吗」: the likeliest entry is one the answer just read points to
        # (its related questions), asked on from it (「那…」): that next question is answered
        previous = self._reader.kb.entries.get(previous_entry)
        related = previous.related if previous is not None else []
        guess = found.suggestions[:1]
        # 「我看不到入口欸」 after how to open 微粒贷: a problem told is as much that next question
        told = found.band == "decline" and not (self.is_question or self.cued)  # 「行 多谢」 tells nothing
        if (
            short
            and guess
            and guess[0] in related
            and (found.band == "suggest" or told or _OPENER.match(text))
        ):
            return replace(found, band="answer", entry_id=guess[0], suggestions=[])
        return found

    def questions(
        self, *, previous_entry: str | None = None, previous_product: str | None = None
    ) -> list[FaqMatch]:
        """Each question of a message that asks several (「小米贷款额度多少 利息多少 逾期咋罚」), answered
        apart, in the order asked; empty when it asks fewer than two answerable questions.

        A clause counts when it reads as a question and is answered with confidence on its own; one that
        names no product is read for the product the message names (「利息多少」 is about 小米贷款 here).
        """
        clauses = [c for c in _CLAUSE_BREAK.split(self.text) if len(c) >= 3 and looks_like_question(c)]
        if len(clauses) < 2:
            return []
        matcher = self._reader.matcher
        # 「那WE2000呢 利息高吗」: a clause that only names the product turns the next one to it
        clauses = [c for c in clauses if not _PRODUCT_ONLY.fullmatch(matcher.analyse_folded(c).topic_text)]
        if len(clauses) < 2:
            return []
        named = self.products[0] if len(set(self.products)) == 1 else None
        found: dict[str, FaqMatch] = {}
        for clause in clauses[:MAX_QUESTIONS]:
            analysis = matcher.analyse_folded(clause)
            if named is not None and not analysis.products:
                analysis = matcher.analyse_folded(self._reader.about(named, clause))
            match = matcher.ask(
                clause, previous_entry=previous_entry, previous_product=previous_product, analysis=analysis
            )
            if match.band == "answer" and match.entry_id is not None:
                found.setdefault(match.entry_id, match)
        return list(found.values()) if len(found) >= 2 else []

    def _without_opener(self) -> str | None:
        """The message without the 「那」「那么」「所以」 that opens a follow-up, the 「到底」 that only
        presses the point and the particles that end it in a tone (「嘞」「咯」), when it has any of them
        and enough is left to be a question; else ``None``."""
        rest = _unframed(self.text, _OPENER)
        if rest == self.text or len(rest) < 3:
            return None
        return rest

    def _without_frame(self) -> str | None:
        """The message without a greeting or 「算了」 before it and 「急用」 after it, when it had any (「嗨
        想问下小米贷款」 asks what 「小米贷款」 asks); else ``None``."""
        rest = _unframed(self.text, _WANT_OPENER, _WANT_TAIL)
        return rest if rest != self.text and len(rest) >= 2 else None

    def _clauses(self) -> list[str]:
        """The message's clauses, the 「那」 that opens a follow-up left out."""
        return [c for c in _CLAUSE_BREAK.split(self._without_opener() or self.text) if c]

    def _last_clause(self) -> str | None:
        """The last clause of a message of several, when it is a question of its own, or the topic of a
        「先说额度」「讲讲利息」 (the words asking to be told cut off); else ``None``."""
        clauses = [c for c in _CLAUSE_BREAK.split(self.text) if c]
        if not clauses:
            return None
        last = clauses[-1]
        told = _TELL_ME.match(last)
        if told and len(last) - told.end() >= 2:
            return last[told.end() :]
        if len(clauses) < 2 or len(last) < 4 or not looks_like_question(last):
            return None
        return last


def _unframed(text: str, opener: re.Pattern[str], tail: re.Pattern[str] | None = None) -> str:
    """``text`` without the words that frame it and say nothing of its own: the ``opener`` at its start,
    the 「到底」 that presses it, the ``tail`` and the tone particles at its end."""
    opened = opener.match(text)
    rest = _PRESSING.sub("", text[opened.end() :] if opened else text)
    if tail is not None:
        rest = tail.sub("", rest)
    return _TONE_ENDING.sub("", rest.rstrip())


class Reader:
    """Reads messages against one knowledge base and its two matchers (built once, shared by every chat):
    the FAQ matcher and the want matcher (:func:`knowledge.understanding.load_want_matcher`)."""

    def __init__(
        self,
        kb: KnowledgeBase,
        matcher: LexicalMatcher,
        wants: LexicalMatcher,
        classifier: WantClassifier | None = None,
    ) -> None:
        self.kb = kb
        self.matcher = matcher
        self.wants = wants
        #: the second reader of wants, for what the want matcher is not sure of (want_classifier.py)
        self.classifier = classifier
        self._markers = [
            (entry.id, re.compile("|".join(f"(?:{m})" for m in entry.markers)))
            for entry in kb.entries.values()
            if entry.markers
        ]
        self._cues = [
            (entry.id, re.compile("|".join(f"(?:{c})" for c in entry.cues)))
            for entry in kb.entries.values()
            if entry.cues
        ]
        # most messages trip no marker and hold no cue: one search over them all says so
        self._any_marker = joined([pattern for _want, pattern in self._markers])
        self._any_cue = joined([pattern for _want, pattern in self._cues])
        #: the want matcher reads a message as the FAQ matcher does, but for what its entries decide
        self._wants_read_alike = wants.reads_as(matcher)
        #: the wants' own paraphrases, word for word (:meth:`_declared_wants`)
        self.declared = self._declared_wants()
        #: the wants of each action (``crisis`` -> [act.despair]), for :meth:`wants_to`
        self._with_action: dict[str, list[str]] = {}
        for entry in kb.entries.values():
            if entry.action:
                self._with_action.setdefault(entry.action, []).append(entry.id)

    def _declared_wants(self) -> dict[str, str]:
        """The wants' own paraphrases, as the want matcher reads them with the products taken out, each
        mapped to its want when no other want declares it: a message that is word for word what a want
        declares (「能借吗」, 「微粒贷能借吗」) is that want, however the examples around it weigh."""
        declared: dict[str, set[str]] = {}
        for entry in self.kb.entries.values():
            if entry.action is None:
                continue
            for paraphrase in entry.paraphrases:
                key = self.wants.analyse(paraphrase).topic_text.replace(GAP, "")
                declared.setdefault(key, set()).add(entry.id)
        return {key: next(iter(ids)) for key, ids in declared.items() if len(ids) == 1 and key}

    def about(self, product: str, text: str) -> str:
        """``text`` (folded) asked about ``product``: its name before it, folded as messages are (an
        unfolded 「WE2000」 is not read as the product by the matcher)."""
        return fold(self.kb.product_name(product)) + text

    def declared_want(self, reading: Reading) -> str | None:
        """The want whose paraphrase the message is, word for word (products aside), if one is."""
        return self.declared.get(reading.want_analysis.topic_text.replace(GAP, ""))

    def english_topics(self, reading: Reading) -> list[str]:
        """The topics an English message points at (lexicon ``english_topics``), likeliest first."""
        words = set(_LATIN_WORDS.findall(reading.text))
        scored = [
            (sum(w in words for w in cue_words), topic)
            for topic, cue_words in self.matcher.lexicon.english_topics.items()
        ]
        return [topic for score, topic in sorted(scored, key=lambda pair: -pair[0]) if score > 0]

    def read(self, raw: str) -> Reading:
        """Read one typed message, normalising it once (its question cut to :data:`MAX_CHARS`)."""
        normalised = folded_with_script(raw[:MAX_RECEIVED_CHARS])
        text, script = normalised.folded[:MAX_CHARS], normalised.script
        raw = raw[:MAX_CHARS]
        prepared = self.matcher.prepare_folded(text)
        analysis = self.matcher.analyse_prepared(prepared)
        marked = self._any_marker is None or self._any_marker.search(text) is not None
        return Reading(
            raw=raw,
            text=text,
            script=script,
            plain=normalised.plain,
            analysis=analysis,
            want_analysis=(
                self.wants.analysis_from(analysis)
                if self._wants_read_alike
                else self.wants.analyse_prepared(prepared)
            ),
            # the analysis found them already when preparing the text changed nothing (most messages: no
            # punctuation, typo or pinyin)
            mentions=list(analysis.mentions) if prepared == text else self.matcher.products.find(text),
            numbers=numbers_in(text),
            facts=facts_in(text),
            identifiers=identifiers_in(text),
            marked=[want for want, pattern in self._markers if pattern.search(text)] if marked else [],
            cued=self._cued(text),
            _reader=self,
        )

    def english_entry(self, reading: Reading) -> str | None:
        """The FAQ entry an English message points at (lexicon ``english_entries``), if one does."""
        for entry, phrases in self.matcher.lexicon.english_entries.items():
            if entry in self.kb.entries and any(p in reading.text for p in phrases):
                return entry
        return None

    def _cued(self, text: str) -> list[str]:
        """Wants whose cues occur in ``text``, the one cued last first (「好 多谢 拜拜」 ends on goodbye)."""
        if self._any_cue is not None and self._any_cue.search(text) is None:
            return []
        ends = []
        for want, pattern in self._cues:
            found = [m.end() for m in pattern.finditer(text)]
            if found:
                ends.append((max(found), want))
        return [want for _end, want in sorted(ends, reverse=True)]

    def want_of(self, reading: Reading) -> str | None:
        """The want a reading expresses (see :attr:`Reading.want`)."""
        settled, want = self._want_unranked(reading)
        if settled:
            return want
        match = self.wants.ask(reading.raw, analysis=reading.want_analysis)
        readings = [(reading.text, reading.want_analysis, match)]
        rest = reading._without_frame()  # a greeting or 「算了」 before the want, 「急用」 or 「啊」 after it
        if match.band != "answer" and rest is not None and len(rest) >= 3:
            # a greeting (or 「算了」) only opens the message, 「急用」 presses it: the rest is the want
            analysis = self.wants.analyse_folded(rest)
            declared = self.declared.get(analysis.topic_text.replace(GAP, ""))
            if declared is not None and declared not in ("act.greet", "act.identifier"):
                return declared
            alone = self.wants.ask(rest, analysis=analysis)
            if alone.band == "answer" and alone.entry_id != "act.greet":
                match = alone
            readings.append((rest, analysis, alone))
        if match.entry_id == "act.check" and reading.facts and not (reading.is_question or reading.cued):
            return None  # 「我28 在厂里上班 一个月四千多」 tells a situation: the check is offered, not begun
        if match.band == "answer" and (match.entry_id != "act.identifier" or reading.identifiers):
            return match.entry_id  # 「要不要身份证」 asks about one; only a pasted number is one
        for text, analysis, found in readings if match.band != "answer" else ():
            agreed = self._agreed_want(text, analysis) if found.confidence >= _AGREED_MATCHER else None
            if agreed is not None:
                return agreed
        return "act.identifier" if reading.identifiers else None

    def _agreed_want(self, text: str, analysis: Analysis) -> str | None:
        """The want both readers find in ``text``, the classifier all but certain (``_AGREED_CLASSIFIER``)."""
        guess = self.classifier.want_of(text) if self.classifier is not None else None
        if guess is None or guess[1] < _AGREED_CLASSIFIER or guess[0] == "act.identifier":
            return None
        return guess[0] if self._both_read(text, analysis, guess[0]) else None

    def _want_unranked(self, reading: Reading) -> tuple[bool, str | None]:
        """(True, the want) when :meth:`want_of` decides without the want matcher, else (False, None)."""
        if reading.marked:
            return True, reading.marked[0]
        if not reading.has_words:  # 「5000」 is an answer, not a want
            return True, "act.identifier" if reading.identifiers else None
        declared = self.declared_want(reading)
        if declared is not None and (declared != "act.identifier" or reading.identifiers):
            return True, declared
        return False, None

    def wants_to(self, reading: Reading, action: str) -> bool:
        """Whether the want of ``reading`` has ``action`` (``crisis``, ``scammed`` …): the same as asking
        :attr:`Reading.want`, but the want matcher ranks every want only when a want with that action could
        come out of it. The first routes ask this of every message, and a self-check answer such as
        「月薪八千」 shares no word with despair: its ranking was a third of such a turn."""
        entries = self._with_action.get(action, [])
        if not reading._want and "act.identifier" not in entries:
            settled, _want = self._want_unranked(reading)
            if not settled and not self.wants.may_answer_with(reading.want_analysis, entries):
                return False
        return reading.want in entries

    def guessed_want_of(self, reading: Reading) -> str | None:
        """The classifier's want for a reading (see :attr:`Reading.guessed_want`)."""
        if self.classifier is None or not reading.has_words:
            return None
        guess = self.classifier.want_of(reading.text)
        plain = (
            reading._without_opener()
        )  # 「那你们到底是干啥的」: the 「那」 only ties it to what came before
        if guess is None and plain is not None:
            guess = self.classifier.want_of(plain)
        if guess is None:
            return None
        return guess[0] if self._both_read(reading.text, reading.want_analysis, guess[0]) else None

    def _both_read(self, text: str, analysis: Analysis, want: str) -> bool:
        """Whether the want matcher's likeliest want, however unsure, is the classifier's ``want``; and a
        want that needs words (the self-check: about borrowing; an identifier: an offer to send one, since
        「要不要身份证」 asks about one) finds them."""
        likeliest, _product = self.wants.best_guess(text, analysis=analysis)
        needs = self.kb.entries[want].guess_needs if want in self.kb.entries else None
        return likeliest == want and (needs is None or re.search(needs, text) is not None)
