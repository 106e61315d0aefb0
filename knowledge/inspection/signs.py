"""The scam signs of ``knowledge/data/scam_signs.yaml`` and finding them in a message.

A sign is found where one of its patterns matches, outside the person's own lines of a chat transcript
(「我：…」) and outside a safe context (a bank's 「验证码切勿告诉他人」). Weak patterns (``needs_other``:
a lender's name, a due date) count only beside a sign that a strong pattern found, so a real repayment
reminder signed 【微众银行】 with a deadline is not flagged while 【微粒贷】 asking for a 解冻金 is.

Patterns are built from named terms (``terms``: what a demand for money is, what a fee is called, what a
pending loan sounds like), written ``${name}``, so that a sign is a combination of ideas rather than a list
of the wordings seen: 「汇入认证金3000元」 is a demand for money whatever the fee is called. A pattern may
also ask for words in the same sentence (``with``: the money is asked for while a loan waits) or refuse
them (``unless``: the money asked for is a repayment).
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any, Literal, get_args

import yaml
from pydantic import ConfigDict, Field, ValidationError, field_validator, model_validator

from knowledge.base import DATA_DIR, KnowledgeBase, KnowledgeBaseError
from knowledge.models import Id, StrictModel
from knowledge.privacy import REDACTED

SignId = Literal[
    "upfront_fee",
    "unfreeze_fee",
    "code_request",
    "screen_share",
    "unofficial_channel",
    "guaranteed_approval",
    "pressure",
    "impersonation",
]
SIGN_IDS: tuple[SignId, ...] = get_args(SignId)
SIGNS_FILE = "scam_signs.yaml"
#: most quotes shown per sign: the reader needs an example, not every occurrence
MAX_QUOTES = 3


def _compiles(regex: str) -> str:
    try:
        re.compile(regex)
    except re.error as exc:
        raise ValueError(f"not a regular expression ({exc}): {regex}") from exc
    return regex


class Pattern(StrictModel):
    """A regular expression of the data file, checked when loaded and compiled once."""

    regex: str

    @field_validator("regex")
    @classmethod
    def _regex_compiles(cls, value: str) -> str:
        return _compiles(value)

    @cached_property
    def compiled(self) -> re.Pattern[str]:
        """The compiled expression."""
        return re.compile(self.regex)


class SignPattern(Pattern):
    """One way a sign shows in a message. A named group ``q`` marks the words to quote."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    needs_other: bool = Field(default=False, description="counts only beside a sign found on its own")
    with_: str | None = Field(
        default=None, alias="with", description="must also match in the sentence (or message) of the match"
    )
    unless: str | None = Field(default=None, description="must not match in the sentence of the match")
    scope: Literal["sentence", "message"] = Field(default="sentence", description="where ``with`` looks")

    @field_validator("with_", "unless")
    @classmethod
    def _context_compiles(cls, value: str | None) -> str | None:
        return None if value is None else _compiles(value)

    @cached_property
    def required(self) -> re.Pattern[str] | None:
        """The compiled ``with`` expression."""
        return None if self.with_ is None else re.compile(self.with_)

    @cached_property
    def refused(self) -> re.Pattern[str] | None:
        """The compiled ``unless`` expression."""
        return None if self.unless is None else re.compile(self.unless)


class CitedText(StrictModel):
    """A fact or a piece of advice in our own words, with the sources it rests on."""

    text: str = Field(min_length=1, max_length=200)
    sources: list[Id] = Field(min_length=1)


class ScamSign(StrictModel):
    """A sign the articles (or general knowledge, marked so) name, how to see it, and what to do."""

    id: SignId
    title: str
    patterns: list[SignPattern] = Field(min_length=1)
    facts: list[CitedText] = Field(min_length=1)
    advice: CitedText
    faq: Id | None = Field(default=None, description="the FAQ entry that says more")


class SafeContext(Pattern):
    """Words around a match that make it harmless: a negation (「不会索要验证码」) or a fraud warning."""

    id: Id
    note: str
    scope: Literal["clause", "sentence"]


_TERM = re.compile(r"\$\{([a-z_]+)\}")


def expand_terms(raw: Any) -> Any:
    """The raw signs file with every ``${name}`` in a regular expression replaced by its term.

    A term may use the terms defined before it. An unknown name is an error, not a literal.
    """
    if not isinstance(raw, dict) or not isinstance(raw.get("terms", {}), dict):
        return raw
    terms: dict[str, str] = {}

    def expand(regex: Any) -> Any:
        if not isinstance(regex, str):
            return regex

        def one(match: re.Match[str]) -> str:
            if match.group(1) not in terms:
                raise ValueError(f"unknown term '${{{match.group(1)}}}' in: {regex}")
            return f"(?:{terms[match.group(1)]})"

        return _TERM.sub(one, regex)

    for name, regex in raw.get("terms", {}).items():
        terms[name] = expand(regex)
    signs = [
        {
            **sign,
            "patterns": [
                {
                    key: expand(value) if key in ("regex", "with", "with_", "unless") else value
                    for key, value in p.items()
                }
                if isinstance(p, dict)
                else p
                for p in sign.get("patterns", [])
            ],
        }
        if isinstance(sign, dict)
        else sign
        for sign in raw.get("signs", [])
    ]
    contexts = [
        {**c, "regex": expand(c.get("regex"))} if isinstance(c, dict) else c
        for c in raw.get("safe_contexts", [])
    ]
    return {**raw, "terms": terms, "signs": signs, "safe_contexts": contexts}


class SignsFile(StrictModel):
    """``scam_signs.yaml``: every sign once, in the order replies list them, and the safe contexts."""

    terms: dict[str, str] = Field(default_factory=dict, description="named pieces of the patterns, expanded")
    signs: list[ScamSign] = Field(min_length=1)
    safe_contexts: list[SafeContext] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _expand_terms(cls, raw: Any) -> Any:
        return expand_terms(raw)

    @field_validator("signs")
    @classmethod
    def _each_sign_once(cls, signs: list[ScamSign]) -> list[ScamSign]:
        ids = [sign.id for sign in signs]
        missing = sorted(set(SIGN_IDS) - set(ids))
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        if missing or repeated:
            raise ValueError(f"every sign exactly once: missing {missing}, repeated {repeated}")
        return signs

    def sign(self, sign_id: str) -> ScamSign:
        """The sign with ``sign_id``."""
        return next(sign for sign in self.signs if sign.id == sign_id)


def load_signs(data_dir: Path = DATA_DIR) -> SignsFile:
    """Read and check ``scam_signs.yaml``.

    Raises:
        KnowledgeBaseError: the file is missing, not YAML, or not of the expected shape.
    """
    path = data_dir / SIGNS_FILE
    try:
        raw: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
        return SignsFile.model_validate(raw)
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise KnowledgeBaseError(f"{SIGNS_FILE}: {exc}") from exc


@cache
def default_signs() -> SignsFile:
    """The shipped signs, read once."""
    return load_signs()


def problems(kb: KnowledgeBase, book: SignsFile) -> list[str]:
    """Cross-file rules of the signs: every source and FAQ entry they cite exists."""
    found = []
    for sign in book.signs:
        for cited in [*sign.facts, sign.advice]:
            found += [
                f"{SIGNS_FILE}: sign '{sign.id}': unknown source '{s}'"
                for s in cited.sources
                if s not in kb.sources
            ]
        if sign.faq is not None and sign.faq not in kb.entries:
            found.append(f"{SIGNS_FILE}: sign '{sign.id}': unknown FAQ entry '{sign.faq}'")
    return found


# --- reading a message -------------------------------------------------------------------------------


@cache
def _t2s() -> Any:
    import opencc  # C binding; loaded on first use

    return opencc.OpenCC("t2s")


def _fold_width(char: str) -> str:
    # full-width digits, letters and ％ become ASCII; Chinese punctuation stays, for the quotes
    if "０" <= char <= "９" or "Ａ" <= char <= "Ｚ" or "ａ" <= char <= "ｚ" or char in "％＠．／":
        return unicodedata.normalize("NFKC", char)
    return char


def normalise(text: str) -> str:
    """Simplified characters, ASCII digits and letters; punctuation and line breaks kept."""
    # Telegram's JSON can carry half a surrogate pair, which no encoder (OpenCC's included) accepts
    text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    simplified = str(_t2s().convert(text))
    return unspaced("".join(_fold_width(char) for char in simplified).replace("\r\n", "\n"))


_HAN = "\u4e00-\u9fa5"
#: a Chinese character standing alone between spaces: 「微 粒 贷」, as some OCR and some evasive senders write
_SPACED_CHAR = re.compile(rf"(?<![{_HAN}])[{_HAN}][ \t]+(?=[{_HAN}\d，。、！？：；])")
#: a space beside a Chinese character or mark, in a letter-spaced text
_SPACE_IN_WORDS = re.compile(
    rf"(?<=[{_HAN}\d，。、！？：；])[ \t]+(?=[{_HAN}，。、！？：；])|(?<=[{_HAN}])[ \t]+(?=\d)"
)


def unspaced(text: str) -> str:
    """``text`` with the spaces taken out of words when it is letter-spaced (「解 冻 金 3000 元」 becomes
    「解冻金3000元」), so that a sign is not hidden by spacing; a text that only separates phrases with spaces
    (「不看征信 秒到账」) is left as it is."""
    spaced = len(_SPACED_CHAR.findall(text))
    han = sum(1 for char in text if "\u4e00" <= char <= "\u9fa5")
    if spaced < 4 or spaced * 3 < han:
        return text
    return _SPACE_IN_WORDS.sub("", text)


#: a line of a chat transcript said by the person themself: their words are not the sender's signs
_OWN_LINE = re.compile(r"(?m)^[ \t]*我[ \t]*[:：].*$")
_CLAUSE_END = re.compile(r"[。，,；;！!？?\n]|\s{1,}")
_SENTENCE_END = re.compile(r"[。！!？?\n]")


def without_own_lines(text: str) -> str:
    """``text`` with the person's own lines of a transcript blanked out (same length, so spans hold)."""
    return _OWN_LINE.sub(lambda m: " " * len(m.group(0)), text)


@dataclass(frozen=True)
class Hit:
    """One match of a sign's pattern: the quoted words and where they are."""

    sign: SignId
    quote: str
    start: int
    needs_other: bool


@dataclass(frozen=True)
class SignFound:
    """A sign found in a message, with the words that show it (at most :data:`MAX_QUOTES`)."""

    sign: ScamSign
    quotes: tuple[str, ...]

    @property
    def id(self) -> SignId:
        """The sign's id, e.g. ``upfront_fee``."""
        return self.sign.id


class _Spans:
    """Where the clauses and sentences of a text begin and end, found once: a paste with hundreds of
    matches costs a binary search per match, not a scan of the text."""

    def __init__(self, text: str) -> None:
        self.length = len(text)
        self.marks = {
            boundary: (
                [m.start() for m in boundary.finditer(text)],
                [m.end() for m in boundary.finditer(text)],
            )
            for boundary in (_CLAUSE_END, _SENTENCE_END)
        }

    def start(self, position: int, boundary: re.Pattern[str]) -> int:
        """Where the clause or sentence holding ``position`` begins (after the mark before it)."""
        _, ends = self.marks[boundary]
        index = bisect.bisect_right(ends, position) - 1
        return ends[index] if index >= 0 else 0

    def end(self, position: int, boundary: re.Pattern[str]) -> int:
        """Where it ends (at the next mark from ``position`` on)."""
        starts, _ = self.marks[boundary]
        index = bisect.bisect_left(starts, position)
        return starts[index] if index < len(starts) else self.length


#: a negation right after the quoted words, inside the match and its clause: 「验证码切勿提供给任何人」
_NEGATED_AFTER = re.compile(r"切勿|请勿|勿|不要|不得|严禁|禁止|千万别|别")


def _defused(
    text: str, spans: _Spans, match: tuple[int, int], quote: tuple[int, int], contexts: list[SafeContext]
) -> bool:
    match_start, match_end = match
    quote_start, quote_end = quote
    if quote_end < match_end:
        # the words the match reads after the quote, to the end of its clause
        tail = text[quote_end : min(match_end, spans.end(quote_end, _CLAUSE_END))]
        if _NEGATED_AFTER.search(tail):
            return True
    for context in contexts:
        if context.scope == "clause":
            # the words before the quote, back to the start of the clause the match begins in
            window = text[spans.start(match_start, _CLAUSE_END) : quote_start]
        else:
            window = text[spans.start(match_start, _SENTENCE_END) : spans.end(quote_start, _SENTENCE_END)]
        if context.compiled.search(window):
            return True
    return False


def _in_context(
    text: str, spans: _Spans, match: re.Match[str], pattern: SignPattern, seen: dict[tuple[int, int], bool]
) -> bool:
    """Whether the sentence of ``match`` (or the message) has the words ``pattern`` asks for, and not
    the words it refuses. ``seen`` keeps the answer for each sentence already looked at."""
    if pattern.refused is None and pattern.required is None:
        return True
    span = (spans.start(match.start(), _SENTENCE_END), spans.end(match.end(), _SENTENCE_END))
    if span not in seen:
        sentence = text[span[0] : span[1]]
        refused = pattern.refused is not None and bool(pattern.refused.search(sentence))
        required = pattern.required is None or bool(
            pattern.required.search(text if pattern.scope == "message" else sentence)
        )
        seen[span] = required and not refused
    return seen[span]


def hits(text: str, book: SignsFile) -> list[Hit]:
    """Every undefused match of every sign in normalised ``text`` (own lines already blanked)."""
    found = []
    spans = _Spans(text)
    for sign in book.signs:
        for pattern in sign.patterns:
            kept = 0
            seen: dict[tuple[int, int], bool] = {}
            for match in pattern.compiled.finditer(text):
                has_quote = "q" in pattern.compiled.groupindex and match.group("q")
                start, end = match.span("q") if has_quote else match.span()
                quote = text[start:end].strip()
                if REDACTED in quote:
                    # a number taken out is not shown as 「[已隐去]」: the words around it say what it was
                    quote = match.group(0).replace(REDACTED, "").strip(" ：:，,")
                if not quote or not _in_context(text, spans, match, pattern, seen):
                    continue
                if _defused(text, spans, match.span(), (start, end), book.safe_contexts):
                    continue
                found.append(Hit(sign.id, quote, start, pattern.needs_other))
                kept += 1
                if kept == MAX_QUOTES:
                    break  # enough to quote; a paste repeating the words a thousand times says no more
    return found


def find_signs(text: str, book: SignsFile | None = None) -> list[SignFound]:
    """The scam signs in ``text`` (already normalised), in the order of the signs file.

    A sign whose every match is weak (``needs_other``) counts only when another sign was found by a
    strong match. Quotes are listed in the order they appear, each once.
    """
    book = book or default_signs()
    all_hits = hits(without_own_lines(text), book)
    strong = {hit.sign for hit in all_hits if not hit.needs_other}
    found = []
    for sign in book.signs:
        own = sorted((hit for hit in all_hits if hit.sign == sign.id), key=lambda hit: hit.start)
        if not own or not (sign.id in strong or strong - {sign.id}):
            continue
        quotes = _distinct_quotes(own)
        found.append(SignFound(sign, tuple(quotes[:MAX_QUOTES])))
    return found


def _distinct_quotes(own: list[Hit]) -> list[str]:
    """Quotes in order, each once; a quote inside a longer one (「QQ」 in 「添加专员QQ」) is dropped."""
    quotes: list[str] = []
    for hit in own:
        if any(hit.quote in kept for kept in quotes):
            continue
        quotes = [kept for kept in quotes if kept not in hit.quote]
        quotes.append(hit.quote)
    return quotes
