"""Bad input, tried on purpose: hypothesis drives the real engine with hostile text, buttons and commands.

Each example is a conversation of a few turns in a random locale: hostile typed text (see
:mod:`tests.flows.hostile_input`), arbitrary callback data, commands with hostile arguments, and presses of
buttons the previous reply really offered (so the conversation wanders into every flow). After every turn:
no exception escaped and nothing was logged as an error; every message is Telegram HTML within the
length limit with usable buttons; nothing typed came back as markup; the session still round-trips
through its JSON; and the stored JSON holds none of the typed text.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flows.engine import Engine
from flows.i18n import SUPPORTED_LOCALES
from flows.reply import Reply, Turn
from flows.session import Session
from tests.flows.hostile_input import (
    CANARY,
    callback_data,
    check_reply,
    errors_logged,
    hostile_text,
    telegram_html,
)

pytestmark = pytest.mark.slow  # hypothesis plays hundreds of hostile conversations

COMMAND_NAMES = [
    "start",
    "help",
    "check",
    "faq",
    "calc",
    "compare",
    "cancel",
    "privacy",
    "forget",
    "lang",
    "menu",
]


def turn_strategy(last: Reply | None) -> st.SearchStrategy[Turn]:
    """The next user action: typed text, a command, forged callback data, or a button really offered."""
    options = [
        hostile_text().map(lambda t: Turn(kind="text", text=t)),
        hostile_text().map(Turn.from_text),  # as the terminal reads a line: «/cmd args» becomes a command
        st.tuples(st.sampled_from(COMMAND_NAMES), hostile_text()).map(
            lambda c: Turn(kind="command", text=c[0], args=c[1])
        ),
        st.from_regex(r"[A-Za-z_]{1,32}", fullmatch=True).map(lambda name: Turn(kind="command", text=name)),
        callback_data().map(lambda data: Turn(kind="button", text=data)),
    ]
    offered = [button.id for button in last.buttons()] if last is not None else []
    if offered:
        pressed = st.sampled_from(offered).map(lambda data: Turn(kind="button", text=data))
        options += [pressed, pressed]  # weighted: following the buttons reaches the deeper states
    return st.one_of(*options)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), locale=st.sampled_from(SUPPORTED_LOCALES), length=st.integers(1, 8))
def test_no_hostile_conversation_breaks_the_engine_or_its_replies(
    engine: Engine, data: st.DataObject, locale: str, length: int
) -> None:
    session = Session(locale=locale)
    last: Reply | None = None
    with errors_logged() as errors:
        for _ in range(length):
            turn = data.draw(turn_strategy(last), label="turn")
            typed = f"{turn.text} {turn.args}"
            reply = engine.handle(session, turn)
            check_reply(reply, typed)
            stored = session.dumps()  # raises on a lone surrogate or anything else JSON cannot hold
            assert Session.loads(stored) == session, "the session does not survive its own JSON"
            assert CANARY not in stored, f"typed text was stored in the session: {stored}"
            last = reply
    assert not errors.records, [r.getMessage() for r in errors.records]


def test_the_html_check_refuses_what_telegram_refuses() -> None:
    # guards the guard: each of these would make Telegram refuse the message
    for bad in ["<b>open", "a < b", "x & y", "<script>1</script>", "<a>no href</a>", "", "   ", "x" * 4097]:
        try:
            telegram_html(bad)
        except AssertionError:
            continue
        raise AssertionError(f"the check let {bad[:20]!r} through")
    assert telegram_html('<b>年化</b> &lt;24% &amp; <a href="https://x.org">来源</a>') == "年化 <24% & 来源"


def test_the_echo_check_finds_typed_markup_in_a_reply() -> None:
    from tests.flows.hostile_input import unescaped_echoes

    assert "<b>ZQX7" in unescaped_echoes("问<b>ZQX7", "您问的是<b>ZQX7</b>")
    assert unescaped_echoes("问<b>ZQX7", "您问的是&lt;b&gt;ZQX7") == []
    assert "<b>ZQX8" in unescaped_echoes("＜b＞ZQX8", "<b>ZQX8</b>")  # normalised, then not escaped
    assert unescaped_echoes("&lt;ZQX9", "&amp;lt;ZQX9") == []
