"""Routes are declared per flow and state, and checked: every name they use exists."""

from __future__ import annotations

import pytest

from flows import engine as engine_module
from flows.routes import FIRST, LAST, RECOGNISERS, Route, routes
from flows.session import Session


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
