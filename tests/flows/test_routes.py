"""Routes are declared per flow and state, and checked: every name they use exists."""

from __future__ import annotations

import pytest

from flows import engine as engine_module
from flows.engine import Engine
from flows.routes import FIRST, LAST, RECOGNISERS, Route, routes
from flows.session import Session
from tests.flows.chat import Chat


def test_a_route_reads_recogniser_then_handler() -> None:
    assert routes("dont_know -> skip") == (Route("dont_know", "skip"),)
    with pytest.raises(ValueError):
        routes("dont_know skip")


def test_every_route_names_a_recogniser_and_a_handler() -> None:
    tables = engine_module.FLOW_ROUTES.values()
    every = [*FIRST, *LAST, *(r for table in tables for rows in table.values() for r in rows)]
    assert all(r.means in RECOGNISERS for r in every)
    assert all(hasattr(engine_module.Engine, "on_" + r.to) for r in every)


def test_an_unknown_name_fails_at_import(monkeypatch: pytest.MonkeyPatch) -> None:
    wrong = {"active": routes("no_such_meaning -> calc_input")}
    monkeypatch.setitem(engine_module.FLOW_ROUTES, "calc", wrong)
    with pytest.raises(TypeError, match="no_such_meaning"):
        engine_module._check_routes()


def test_the_moments_that_matter_come_before_any_flow(engine: engine_module.Engine) -> None:
    session = Session(flow="check", state="asking")
    tried = [r.means for r in engine.routes_for(session)]
    assert tried[:5] == ["global_word", "received_message", "despair", "scammed", "marked"]
    assert tried.index("answers_pending") < tried.index("want") < tried.index("anything")


def test_asking_to_hear_about_one_product_opens_its_card(engine: Engine) -> None:
    chat = Chat(engine)
    chat.say("我想了解一下WE2000")
    assert "WE2000" in chat.text and "2000元" in chat.text and "来源" in chat.text
    assert chat.session.product == "we2000"
    chat.say("我29 支付分680 能开通吗")  # the product in view is the one checked
    assert chat.session.check.products == ["we2000"]


def test_a_situation_asking_which_of_two_products_passes_is_the_check_for_both_not_a_comparison(
    engine: Engine,
) -> None:
    chat = Chat(engine)
    chat.say("我26 在深圳上班 月薪一万二 征信良好 微粒贷和小米贷款哪个能批")
    assert chat.session.flow == "check" and set(chat.session.check.products) == {"xiaomi", "weilidai"}
    assert chat.session.check.answers.get("age") == 26


def test_a_fact_told_beside_can_i_have_this_product_gets_the_answer_and_that_products_check_one_tap_away(
    engine: Engine,
) -> None:
    chat = Chat(engine)
    chat.say("我今年42了 we2000还能开么")
    assert "40" in chat.text  # the articles' age range for WE2000, answered at once
    labels = [b.label for b in chat.reply.buttons()]
    assert labels[0] == "按我的情况测一下WE2000"
    chat.press(labels[0])
    assert chat.session.check.products == ["we2000"] and "42岁" in chat.text
