"""The same conversation in zh_CN, zh_TW and en: each locale's strings, script and number formats.

Simplified Chinese is the source language; English is a real second catalog; Traditional Chinese is the
Simplified text converted with OpenCC at the end of each turn, UI and knowledge-base answers alike.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cache

import opencc
import pytest

from flows.engine import Engine
from flows.formatting import date_text, pct, width, wrap, yuan, yuan_short
from flows.i18n import (
    SUPPORTED_LOCALES,
    _,
    locale_for_language_code,
    localise_script,
    translations,
    using_locale,
)
from flows.reply import Reply, Turn, plain_text
from flows.session import Session
from tests.flows.chat import Chat

CJK = re.compile(r"[\u4e00-\u9fff]")


@cache
def _s2t() -> opencc.OpenCC:
    return opencc.OpenCC("s2t")


def simplified_only(text: str) -> set[str]:
    """Characters of ``text`` that are Simplified forms: OpenCC's s2t would change them in context.

    The whole text is converted, not character by character, so words whose Traditional form keeps
    the character (批准, 皇后) do not count.
    """
    converted = _s2t().convert(text)
    return {a for a, b in zip(text, converted, strict=True) if a != b}


@dataclass
class Transcript:
    """What one locale's run of the conversation showed, step by step."""

    steps: dict[str, Reply] = field(default_factory=dict)
    session: Session = field(default_factory=Session)

    def text(self, step: str) -> str:
        return "\n".join(plain_text(m.text) for m in self.steps[step].messages)

    def labels(self, step: str) -> list[str]:
        return [b.label for b in self.steps[step].buttons()]

    def ids(self, step: str) -> list[str]:
        return [b.id for b in self.steps[step].buttons()]

    def ui(self, step: str) -> str:
        """Text and button labels of a step, everything the user sees."""
        return self.text(step) + "\n" + "\n".join(self.labels(step))


def converse(engine: Engine, locale: str) -> Transcript:
    """/start, open the self-check, answer two questions, ask an FAQ question, ask the calculator."""
    chat = Chat(engine, Session(locale=locale))
    run = Transcript(session=chat.session)
    run.steps["start"] = chat.say("/start")
    run.steps["check"] = chat.press("check:start")
    run.steps["products"] = chat.press("check:product:all")
    run.steps["student"] = chat.press("check:answer:student:no")
    run.steps["age"] = chat.say("25")
    run.steps["faq"] = chat.say("/faq 微粒贷上征信吗")
    run.steps["calc"] = chat.say("借1万分12期，日利率0.05%")
    run.steps["card"] = chat.press_id("menu:product:xiaomi")
    return run


@pytest.fixture(scope="module")
def runs(engine: Engine) -> dict[str, Transcript]:
    return {locale: converse(engine, locale) for locale in ("zh_CN", "zh_TW", "en")}


def test_the_conversation_takes_the_same_path_in_every_locale(runs: dict[str, Transcript]) -> None:
    for step in ("start", "check", "products", "student", "age", "faq", "calc", "card"):
        id_lists = {locale: run.ids(step) for locale, run in runs.items()}
        assert id_lists["zh_CN"] == id_lists["zh_TW"] == id_lists["en"], step
    ends = {(run.session.flow, run.session.state, run.session.menu.product) for run in runs.values()}
    assert ends == {("menu", "product", "xiaomi")}, ends


def test_simplified_chinese_shows_the_source_strings_and_formats(runs: dict[str, Transcript]) -> None:
    run = runs["zh_CN"]
    assert "我不是贷款机构" in run.text("start")
    assert "我能申请吗？（资格自测）" in run.labels("start")
    assert run.text("student").startswith("第2题：")
    assert "来源：" in run.text("faq")
    assert "征信" in run.text("faq")
    calc = run.text("calc")
    assert "借 1万元" in calc and "每期还 ¥917.99" in calc and "18.25%" in calc
    assert "额度" in run.text("card")
    assert "资料截至2025年" in run.text("card")
    assert "（知识库的回答只有中文版本。）" not in run.text("faq")


def test_traditional_chinese_converts_ui_and_answers(runs: dict[str, Transcript]) -> None:
    run = runs["zh_TW"]
    assert "我不是貸款機構" in run.text("start")
    assert "我能申請嗎？（資格自測）" in run.labels("start")
    assert run.text("student").startswith("第2題：")
    assert "來源：" in run.text("faq")
    assert "徵信" in run.text("faq")  # the knowledge-base answer itself is converted, not only the UI
    assert "額度" in run.text("card")
    calc = run.text("calc")
    assert "借 1萬元" in calc and "每期還 ¥917.99" in calc and "18.25%" in calc
    for step in run.steps:
        assert not simplified_only(run.ui(step)), f"{step}: {simplified_only(run.ui(step))}"


def test_traditional_for_hong_kong_uses_hong_kong_wording(engine: Engine) -> None:
    chat = Chat(engine, Session(locale="zh_HK"))
    chat.say("/start")
    assert "貸款" in chat.text and not simplified_only(chat.text)
    chat.say("借1万分12期，日利率0.05%")
    assert "借 1萬元" in chat.text  # zh_Hant_HK's own compact form would be 「10K」


def test_english_shows_the_english_catalog_and_formats(runs: dict[str, Transcript]) -> None:
    run = runs["en"]
    assert "I am not a lender" in run.text("start")
    assert run.labels("start")[0] == "Can I apply? (self-check)"
    assert not any(CJK.search(label) for label in run.labels("start"))
    assert run.text("student").startswith("Question 2: ")
    faq = run.text("faq")
    assert "Source: 《" in faq
    assert "(Answers from the knowledge base are in Chinese only.)" in faq
    assert CJK.search(faq.splitlines()[1])  # the answer itself stays Chinese
    calc = run.text("calc")
    assert "Borrow CN¥10K · 12 months · Equal instalments" in calc
    assert "CN¥917.99 per instalment" in calc and "18.25%" in calc
    card = run.text("card")
    assert "• Limit (sources disagree): " in card and "Information as of June 2, 2025" in card
    assert "Main menu" in run.labels("card")


def test_lang_offers_every_locale_and_switches(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("/lang")
    assert [f"lang:{locale}" for locale in SUPPORTED_LOCALES] == chat.ids[: len(SUPPORTED_LOCALES)]
    chat.press("lang:en")
    assert chat.session.locale == "en"
    assert "Language set to English." in chat.text
    assert "check:start" in chat.ids  # the main menu follows, in the new language
    assert "Can I apply? (self-check)" in [b.label for b in chat.reply.buttons()]
    chat.press_id("lang:zh_TW")
    assert chat.session.locale == "zh_TW"
    assert "界面語言已切換為繁體中文（臺灣）。" in chat.text


def test_the_chosen_language_survives_storage(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("/lang en")
    stored = chat.session.dumps()
    later = Chat(engine, Session.loads(stored))
    later.say("/help")
    assert later.session.locale == "en"
    assert "Commands:" in later.text


def test_lang_in_the_middle_of_the_check_keeps_the_question(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("/check")
    chat.press("check:product:we2000")
    pending = chat.pending
    chat.say("/lang 繁體")
    assert chat.session.locale == "zh_TW"
    assert chat.pending == pending
    assert "題：" in chat.text  # the pending question again, now in Traditional characters
    chat.say("/lang english")
    assert chat.session.locale == "en" and "Question" in chat.text


def test_an_unknown_language_shows_the_choices(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("/lang klingon")
    assert chat.session.locale == "zh_CN"
    assert "lang:en" in chat.ids
    chat.press_id("lang:fr")
    assert chat.session.locale == "zh_CN" and "这一步现在用不上了" in chat.text


def test_a_stored_unknown_locale_falls_back_to_simplified(engine: Engine) -> None:
    chat = Chat(engine, Session(locale="xx_YY"))
    chat.say("/start")
    assert chat.session.locale == "zh_CN"
    assert "我不是贷款机构" in chat.text


def test_traditional_input_is_understood_in_every_locale(engine: Engine) -> None:
    for locale in ("zh_TW", "en"):
        chat = Chat(engine, Session(locale=locale))
        chat.say("微粒貸上徵信嗎？")
        assert chat.session.flow == "faq" and chat.session.state == "answered", locale


def test_button_ids_are_never_converted(engine: Engine) -> None:
    chat = Chat(engine, Session(locale="zh_TW"))
    chat.say("/start")
    chat.press("產品一覽")
    assert "menu:product:weilidai" in chat.ids
    chat.press("微粒貸")
    assert chat.session.menu.product == "weilidai"


@pytest.mark.parametrize(
    ("code", "locale"),
    [
        (None, "zh_CN"),
        ("", "zh_CN"),
        ("zh", "zh_CN"),
        ("zh-hans", "zh_CN"),
        ("zh-Hans-CN", "zh_CN"),
        ("zh-cn", "zh_CN"),
        ("zh-sg", "zh_CN"),
        ("zh-hant", "zh_TW"),
        ("zh-TW", "zh_TW"),
        ("zh-Hant-TW", "zh_TW"),
        ("zh-hk", "zh_HK"),
        ("zh-Hant-HK", "zh_HK"),
        ("zh-mo", "zh_HK"),
        ("en", "en"),
        ("en-GB", "en"),
        ("ru", "zh_CN"),
        ("ja", "zh_CN"),
    ],
)
def test_telegram_language_codes_keep_the_script(code: str | None, locale: str) -> None:
    assert locale_for_language_code(code) == locale


def test_labels_marked_at_import_are_translated_at_use() -> None:
    from flows.render import CARD_LABELS

    assert CARD_LABELS["limit"] == "额度"  # the table holds msgids, frozen in no locale
    with using_locale("en"):
        assert _(CARD_LABELS["limit"]) == "Limit"
    with using_locale("zh_CN"):
        assert _(CARD_LABELS["limit"]) == "额度"


def test_english_catalog_is_compiled_and_loaded() -> None:
    # without its catalog English users would silently see the Chinese msgids
    assert translations("en").gettext("主菜单") == "Main menu"
    assert translations("zh_TW").gettext("主菜单") == "主菜单"


@pytest.mark.parametrize(
    ("locale", "money", "short", "percent", "day"),
    [
        ("zh_CN", "¥12,345.67", "2.5万元", "18.25%", "2025年6月2日"),
        ("zh_TW", "¥12,345.67", "2.5萬元", "18.25%", "2025年6月2日"),
        ("en", "CN¥12,345.67", "CN¥25K", "18.25%", "June 2, 2025"),
    ],
)
def test_numbers_money_percentages_and_dates_follow_the_locale(
    locale: str, money: str, short: str, percent: str, day: str
) -> None:
    with using_locale(locale):
        assert yuan(12345.67) == money
        assert yuan_short(25_000) == short
        assert pct(18.25) == percent
        assert date_text(dt.date(2025, 6, 2)) == day


def test_script_conversion_touches_only_traditional_locales() -> None:
    assert localise_script("贷款额度", "zh_TW") == "貸款額度"
    # characters only: a phrase table would turn 审核 (review) into 稽核 (audit) in loan texts
    assert localise_script("审核通过", "zh_TW") == "審核通過"
    assert localise_script("软件", "zh_HK") == "軟件"
    assert localise_script("贷款额度", "zh_CN") == "贷款额度"
    assert localise_script("贷款额度", "en") == "贷款额度"


def test_every_reply_of_a_traditional_turn_is_converted(engine: Engine) -> None:
    session = Session(locale="zh_TW")
    reply = engine.handle(session, Turn.from_text("/privacy"))
    assert "隱私說明" in plain_text(reply.messages[0].text)
    assert not simplified_only(plain_text(reply.messages[0].text))


def test_english_table_cells_wrap_between_words() -> None:
    assert wrap("0.05%/day on overdue", 14) == ["0.05%/day on", "overdue"]
    assert wrap("按未还金额每天收罚息", 8) == ["按未还金", "额每天收", "罚息"]  # Chinese: any two characters


def test_the_comparison_table_fits_a_phone_in_english(engine: Engine) -> None:
    chat = Chat(engine, Session(locale="en"))
    chat.say("小米贷款和微粒贷哪个利息低")
    table = re.search(r"<pre>(.*?)</pre>", chat.reply.messages[0].text, flags=re.S)
    assert table is not None
    lines = plain_text(table.group(1)).splitlines()
    assert "Late penalty" in lines
    assert all(width(line) <= 28 for line in lines), [line for line in lines if width(line) > 28]
