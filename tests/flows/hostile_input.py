"""Hostile input for the fuzz tests, and the checks every reply must pass whatever the input was.

Strategies (hypothesis) for what people and bots really send: nothing, whitespace, 100 KB, emoji only,
control characters, zero-width and right-to-left marks, lone surrogates, HTML and Markdown fragments,
SQL, very long numbers, numbers written every Chinese way, and arbitrary callback data. HTML-looking
fragments carry a canary (``ZQX`` and a number), so an echo of the user's text can be found in a reply
and checked for escaping.

Checks: :func:`telegram_html` accepts exactly what Telegram accepts with ``parse_mode=HTML`` (it reuses
the Bot API stand-in's parser, which fails where Telegram fails, and narrows the tags to those Telegram
documents), within the 4096-character limit; :func:`unescaped_echoes` finds typed markup that reached a
reply unescaped.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager

from hypothesis import strategies as st

from flows.reply import MAX_BUTTON_ID_BYTES, Reply
from tests.bot.standin import ALLOWED_TAGS, MAX_TEXT, ApiError, parse_html, utf16_len

#: the tags Telegram documents for HTML parse mode (the stand-in also knows span and tg-emoji)
_TAG_NAME = re.compile(r"<\s*/?\s*([a-zA-Z][a-zA-Z0-9-]*)")

CANARY = "ZQX"

#: typed markup that must never reach a reply as markup: each is followed by a canary in the input
MARKUP_PREFIXES = (
    "<b>",
    "<i>",
    "<u>",
    "<code>",
    "<pre>",
    '<a href="tg://user?id=1">',
    "<a href='https://evil.example'>",
    "<script>",
    "<tg-spoiler>",
    "<blockquote>",
    "</b>",
    "<",
    ">",
    "&",
    "&lt;",
    "&amp;",
    "&#60;",
    "&#x3C;",
    "＜b＞",  # full-width: a normaliser could turn it into <b>
    "＆lt;",
)
#: Markdown and other punctuation that must simply survive (not markup in HTML mode)
MARKDOWN_FRAGMENTS = (
    "*_[",
    "**粗体**",
    "__下划线__",
    "[链接](tg://user?id=1)",
    "`代码`",
    "~~删~~",
    "||剧透||",
    "\\",
)
SQL = (
    "'; DROP TABLE sessions; --",
    "1 OR 1=1",
    '" OR ""="',
    "Robert'); DROP TABLE students;--",
    "SELECT * FROM sessions WHERE chat_key = '1'",
    "%s %d {0} {name} %(x)s",
)
INVISIBLE = "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff\u00ad"
WHITESPACE = " \t\n\r\u3000\u00a0\u2028\u2029\x0b\x0c"
LONE_SURROGATES = ("\ud800", "\udfff", "问\udc00题", "\ud83d", "借\ud83d款")
CHINESE_DIGITS = "零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟萬億廿卅点负半"
CHINESE_NUMBERS = (
    "二十八",
    "两万",
    "三千五百",
    "壹万贰仟",
    "十万八千",
    "〇",
    "零点五",
    "廿五",
    "卅",
    "一亿",
    "五百万亿",
    "百分之三十六",
    "百分之二十四点五",
    "一点五万",
    "1.5万",
    "3千",
    "两千块",
    "二〇二五年",
    "十二期",
    "三年",
    "半年",
    "负五千",
    "九九九九九九九九九九九九亿",
    "万万",
    "十十十",
    "點五",
    "貳萬",
)
UNITS = ("", "元", "块", "岁", "期", "个月", "年", "%", "％", "分", "天", "万", "亿")
QUESTION_WORDS = (
    "微粒贷利息多少",
    "小米贷款",
    "借",
    "我今年",
    "月收入",
    "分期",
    "年化",
    "征信",
    "？",
    "吗",
    "返回",
    "跳过",
)

_canary_numbers = st.integers(min_value=1, max_value=999)


def canary_fragment() -> st.SearchStrategy[str]:
    """A markup prefix followed by a canary, e.g. ``<b>ZQX17``."""
    return st.tuples(st.sampled_from(MARKUP_PREFIXES), _canary_numbers).map(lambda t: f"{t[0]}{CANARY}{t[1]}")


def chinese_number() -> st.SearchStrategy[str]:
    """A number the way people write it in Chinese: known forms, and random runs of numeral characters."""
    run = st.text(alphabet=CHINESE_DIGITS, min_size=1, max_size=12)
    return st.tuples(st.one_of(st.sampled_from(CHINESE_NUMBERS), run), st.sampled_from(UNITS)).map("".join)


def long_number() -> st.SearchStrategy[str]:
    """Numbers far beyond any loan: huge integers, exponents, separators, signs."""
    return st.one_of(
        st.integers(min_value=10**15, max_value=10**80).map(str),
        st.integers(min_value=20, max_value=600).map(lambda n: "9" * n),
        st.sampled_from(
            ["1e308", "-1e308", "1e-320", "NaN", "inf", "-0", "0.0000000001", "1,000,000,000,000"]
        ),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
    )


def piece() -> st.SearchStrategy[str]:
    """One piece of a message."""
    return st.one_of(
        canary_fragment(),
        st.sampled_from(MARKDOWN_FRAGMENTS),
        st.sampled_from(SQL),
        st.sampled_from(QUESTION_WORDS),
        chinese_number(),
        long_number(),
        st.text(alphabet=INVISIBLE, min_size=1, max_size=6),
        st.text(alphabet=WHITESPACE, min_size=1, max_size=6),
        st.text(alphabet=st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF), min_size=1, max_size=8),
        st.text(alphabet=st.characters(categories=["Cc", "Cf", "Co", "Zl", "Zp"]), min_size=1, max_size=8),
        st.sampled_from(LONE_SURROGATES),
        st.text(max_size=30),
    )


def hostile_text() -> st.SearchStrategy[str]:
    """A whole message: empty, whitespace, huge, one kind of oddity, or a mix of pieces."""
    return st.one_of(
        st.just(""),
        st.text(alphabet=WHITESPACE + INVISIBLE, min_size=1, max_size=20),
        st.sampled_from(["问" * 100_000, "1" * 100_000, "<b>" * 34_000, "😀" * 25_000, "a\u0301" * 50_000]),
        st.text(
            alphabet=st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF), min_size=1, max_size=30
        ),
        st.lists(piece(), min_size=1, max_size=6).map("".join),
        st.text(max_size=200),
    )


def callback_data() -> st.SearchStrategy[str]:
    """Arbitrary callback data: random strings, and known prefixes with random or hostile tails."""
    prefixes = st.sampled_from(
        [
            "menu:",
            "menu:topic:",
            "menu:product:",
            "faq:entry:",
            "check:",
            "check:product:",
            "check:answer:",
            "check:answer:age:",
            "calc:",
            "compare:",
            "lang:",
            "nav:",
            "",
        ]
    )
    tail = st.one_of(
        st.text(max_size=40), piece(), st.sampled_from(["", ":", "::", "all", "xiaomi", "-1", "1e9"])
    )
    return st.one_of(st.text(max_size=64), st.tuples(prefixes, tail).map("".join))


def telegram_html(text: str, *, limit: int = MAX_TEXT) -> str:
    """Check that ``text`` is Telegram HTML Telegram would accept; returns the visible text.

    Raises:
        AssertionError: with Telegram's own reason, for malformed HTML, a tag Telegram does not know,
            empty visible text, or more than ``limit`` UTF-16 code units.
    """
    try:
        visible = parse_html(text)
    except ApiError as error:
        raise AssertionError(f"{error.description}: {text[:300]!r}") from None
    unknown = {name.lower() for name in _TAG_NAME.findall(text)} - ALLOWED_TAGS
    assert not unknown, f"tags Telegram does not document: {unknown} in {text[:300]!r}"
    assert visible.strip(), f"empty message: {text!r}"
    assert utf16_len(visible) <= limit, f"{utf16_len(visible)} > {limit} UTF-16 units: {visible[:100]!r}…"
    return visible


def unescaped_echoes(typed: str, html_text: str) -> list[str]:
    """The canary fragments of ``typed`` that appear in ``html_text`` as raw markup (not escaped).

    A fragment escaped properly shows up as ``&lt;b&gt;ZQX1``; as raw ``<b>ZQX1`` it would format the
    message (or break it). Full-width and other compatibility forms are checked after NFKC as well, in
    case the advisor normalises before echoing.
    """
    found = []
    for match in re.finditer(rf"{CANARY}\d+", typed):
        marker = match.group(0)
        for prefix in MARKUP_PREFIXES:
            if not typed[: match.start()].endswith(prefix):
                continue
            for form in {prefix, unicodedata.normalize("NFKC", prefix)}:
                markup = any(char in form for char in "<>&")  # full-width forms are plain text as typed
                if markup and form + marker in html_text:
                    found.append(form + marker)
    return found


def check_reply(reply: Reply, typed: str = "") -> list[str]:
    """Every invariant of one reply; returns the visible texts.

    Every message is valid Telegram HTML within the length limit; every button has a label and an id
    that fits ``callback_data``; nothing the user typed is echoed as markup.
    """
    assert reply.messages, "a turn got no reply at all"
    visible = []
    for message in reply.messages:
        visible.append(telegram_html(message.text))
        for button in message.all_buttons():
            assert button.label.strip(), f"a button without a label: {button}"
            assert 0 < len(button.id.encode("utf-8")) <= MAX_BUTTON_ID_BYTES, (
                f"callback data too long: {button}"
            )
        echoes = unescaped_echoes(typed, message.text)
        assert not echoes, f"typed markup echoed unescaped: {echoes} in {message.text[:300]!r}"
    return visible


class _Errors(logging.Handler):
    """Collects records at ERROR and above (the engine logs a turn it had to rescue at ERROR)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def errors_logged() -> Iterator[_Errors]:
    handler = _Errors()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
