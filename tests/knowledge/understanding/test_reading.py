"""Each typed message is read once: its script, products, numbers, facts, identifiers and wants."""

from __future__ import annotations

import pytest

from flows.engine import Engine
from flows.reply import Turn
from flows.session import Session
from knowledge.understanding import normalize
from knowledge.understanding.calibration import load_calibration
from knowledge.understanding.matcher import LexicalMatcher
from knowledge.understanding.normalize import folded_with_script
from knowledge.understanding.reading import Reader


@pytest.fixture(scope="module")
def reader(engine: Engine) -> Reader:
    return engine.reader


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("貸款會上徵信嗎", "traditional"),
        ("贷款会上征信吗", "simplified"),
        ("微粒貸利息多少", "traditional"),  # one Traditional character is enough
        ("那WE2000呢", "none"),  # written alike in both scripts: says nothing about the script
        ("好的", "none"),
        ("how do I apply", "latin"),
        ("12345", "none"),
        ("多謝晒", "traditional"),  # Cantonese 晒 is typed so in Hong Kong: it says nothing of the script
        ("唔該晒", "traditional"),
        ("晒太阳", "simplified"),
    ],
)
def test_the_script_a_message_is_written_in(text: str, script: str) -> None:
    assert folded_with_script(text)[1] == script


@pytest.mark.parametrize(
    ("text", "products"),
    [
        ("为利贷利息多少", ["weilidai"]),  # wei-li-dai by sound
        ("围栗带能借吗", ["weilidai"]),
        ("weilidai上征信吗", ["weilidai"]),  # pinyin spelt out
        ("小米代款上不上征信", ["xiaomi"]),
        ("小米和微粒贷哪个好", ["xiaomi", "weilidai"]),
        ("为了代课的事", []),  # sounds near, but no product
        ("今天星期几", []),
    ],
)
def test_one_recogniser_finds_products_named_or_misspelt(
    reader: Reader, text: str, products: list[str]
) -> None:
    assert reader.read(text).products == products


def test_english_is_told_from_pinyin_and_product_names(reader: Reader) -> None:
    assert reader.read("how can I apply for a loan").english
    assert not reader.read("weilidai").english
    assert not reader.read("we2000").english
    assert not reader.read("ok").english


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("你好", "act.greet"),
        ("多谢", "act.thanks"),
        ("你是真人吗", "act.identity"),
        ("帮我看看能不能申请", "act.check"),
        ("真的撑不下去了", "act.despair"),
        ("我转了2000解冻费 还能要回来吗", "act.scammed"),
        ("有没有不看征信的口子", "act.black_loan"),
        ("微粒贷利息多少", None),  # an FAQ question is not a want
        ("5000", None),  # a bare figure answers whatever was asked
    ],
)
def test_wants_are_recognised_and_questions_are_not_taken_for_wants(
    reader: Reader, text: str, want: str | None
) -> None:
    assert reader.read(text).want == want


@pytest.mark.parametrize(
    ("text", "product"), [("能借吗", None), ("微粒贷能借吗", "weilidai"), ("为粒贷能借不", "weilidai")]
)
def test_a_message_that_is_a_wants_own_paraphrase_is_that_want_whatever_product_it_names(
    reader: Reader, text: str, product: str | None
) -> None:
    reading = reader.read(text)
    assert reader.declared_want(reading) == "act.check"
    assert reading.want == "act.check"
    assert reading.products == ([product] if product else [])


def test_no_paraphrase_of_a_want_reads_as_a_paraphrase_of_an_faq_entry(reader: Reader) -> None:
    """Else the want's word-for-word decision would take away a question the FAQ was told it answers."""
    faq = {
        reader.wants.analyse(p).topic_text.replace("|", ""): entry.id
        for entry in reader.kb.entries.values()
        if entry.action is None
        for p in entry.paraphrases
    }
    assert {key: (want, faq[key]) for key, want in reader.declared.items() if key in faq} == {}


def test_a_marker_decides_despair_even_among_other_words(reader: Reader) -> None:
    reading = reader.read("逾期三个月了 每天被催 真的不想活了 利息怎么算")
    assert reading.marked == ["act.despair"]
    assert reading.want == "act.despair"


def test_a_cue_is_kept_for_when_nothing_else_is_understood(reader: Reader) -> None:
    reading = reader.read("好 我现在就去派出所 谢谢")
    assert reading.cued[0] == "act.thanks"
    assert reader.read("好 多谢 拜拜").cued[0] == "act.bye"  # the one said last


def test_identifiers_are_found_and_never_in_the_redacted_text(reader: Reader) -> None:
    reading = reader.read("我身份证110105199001011234 手机13812345678")
    assert [i.kind for i in reading.identifiers] == ["id_card", "mobile"]
    assert "110105199001011234" not in reading.redacted and "13812345678" not in reading.redacted


def test_the_last_question_of_a_chatty_message_is_answered(reader: Reader) -> None:
    reading = reader.read("ok 我试试中文 微粒贷利息多少")
    assert reading.meaning().band == "answer"
    assert reading.meaning().entry_id == "rate.level"


def test_a_message_is_normalised_once_per_turn(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = normalize.folded_with_script

    def counting(text: str) -> normalize.Normalised:
        calls.append(text)
        return real(text)

    monkeypatch.setattr("knowledge.understanding.reading.folded_with_script", counting)
    monkeypatch.setattr("knowledge.understanding.normalize.folded_with_script", counting)
    session = Session()
    typed = ("我27，月入六千五，信用卡没逾期，小米贷款能批吗", "有", "微粒贷上征信吗", "借1万分12期日息万五")
    for text in typed:
        calls.clear()
        engine.handle(session, Turn.from_text(text))
        assert calls == [text], (text, calls)


def test_a_short_question_about_this_asks_about_the_answer_just_read(reader: Reader) -> None:
    alone = reader.read("这合法吗").meaning()
    assert alone.band != "answer"  # with nothing in view, 「这」 could be anything
    after = reader.read("这合法吗").meaning(previous_entry=alone.suggestions[0])
    assert after.band == "answer" and after.entry_id == alone.suggestions[0]


def test_a_question_about_this_whose_likeliest_entry_is_another_is_not_forced_onto_the_answer(
    reader: Reader,
) -> None:
    found = reader.read("这合法吗").meaning(previous_entry="repay.methods")
    assert found.entry_id != "repay.methods"


def test_a_topic_alone_with_nothing_in_view_is_asked_about_every_product(reader: Reader) -> None:
    found = reader.read("那利息呢").meaning()
    assert found.band == "answer" and found.entry_id == "rate.level" and found.product is None
    assert reader.read("今天天气呢").meaning().band != "answer"


def test_a_topic_asked_on_in_the_form_of_a_follow_up_keeps_to_the_answer_it_follows(reader: Reader) -> None:
    first = reader.read("借的钱能拿去炒股吗").meaning()
    assert first.band == "answer"
    found = reader.read("买房首付呢").meaning(previous_entry=first.entry_id)
    assert found.band == "answer" and found.entry_id == first.entry_id


def test_a_part_answered_only_in_the_middle_band_does_not_stand_for_the_whole(reader: Reader) -> None:
    # the whole message (「那」 opens it) is unsure; its question alone is a likely guess, answered with
    # alternatives: too weak to say what the message asks (in the calculator it is about the loan in view)
    whole, part = "那每个月还多少", "每个月还多少"
    sure = reader.matcher
    confidences = [sure.ask(whole).confidence, sure.ask(part).confidence]
    assert confidences[0] < confidences[1]
    middle = (confidences[0] + confidences[1]) / 2
    hedging = LexicalMatcher(
        sure.kb,
        sure.lexicon,
        load_calibration(),
        answer_threshold=0.999,
        suggest_threshold=0.0,
        hedge_threshold=middle,
    )
    assert hedging.ask(part).hedged
    meaning = Reader(reader.kb, hedging, reader.wants).read(whole).meaning()
    assert not meaning.hedged and meaning.band != "answer"
    # answered surely, the part does stand for the whole
    answering = LexicalMatcher(
        sure.kb, sure.lexicon, load_calibration(), answer_threshold=middle, suggest_threshold=0.0
    )
    assert Reader(reader.kb, answering, reader.wants).read(whole).meaning().band == "answer"


def test_a_first_clause_answered_surely_stands_for_a_message_whose_other_clauses_ask_nothing_known(
    reader: Reader,
) -> None:
    # 「能帮我追回来吗」 alone is declined; 「你是哪个平台的」 is the question asked
    assert reader.matcher.ask("能帮我追回来吗").band == "decline"
    meaning = reader.read("那你是哪个平台的 能帮我追回来吗").meaning()
    assert (meaning.band, meaning.entry_id) == ("answer", "advice.disclaimer")
    # a later clause that is itself a question the knowledge base knows keeps the whole unsure
    other = reader.read("你是哪个平台的 罚息怎么算").meaning()
    assert other.entry_id != "advice.disclaimer" or other.band != "answer"


def test_a_clause_that_only_names_a_product_turns_the_question_to_it(reader: Reader) -> None:
    """「那WE2000呢 利息高吗」 asks one question (WE2000's rate), not the last answer again for WE2000."""
    reading = reader.read("那WE2000呢 利息高吗")
    assert reading.questions(previous_entry="apply.weilidai_open", previous_product="weilidai") == []
    found = reading.meaning(previous_entry="apply.weilidai_open", previous_product="weilidai")
    assert found.band == "answer" and found.product == "we2000"


def test_a_problem_told_after_an_answer_is_the_related_question_it_points_to(reader: Reader) -> None:
    found = reader.read("我看不到入口欸").meaning(
        previous_entry="apply.weilidai_open", previous_product="weilidai"
    )
    assert (found.band, found.entry_id) == ("answer", "apply.weilidai_missing")


def test_a_greeting_before_a_question_leaves_the_question_to_be_answered(reader: Reader) -> None:
    found = reader.read("嗨 想问下小米贷款").meaning()
    assert (found.band, found.entry_id, found.product) == ("answer", "about.xiaomi_what", "xiaomi")
