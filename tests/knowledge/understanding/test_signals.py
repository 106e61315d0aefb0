"""The registry of signals: one function per signal the calibrated models read, under the same name."""

from __future__ import annotations

from knowledge.understanding import signals
from knowledge.understanding.calibration import FEATURES
from knowledge.understanding.matcher import LexicalMatcher


def test_every_feature_of_the_models_is_a_registered_signal_and_nothing_else() -> None:
    registered = [*signals.QUESTION, *signals.ENTRY]
    assert len(registered) == len(set(registered))
    assert sorted(registered) == sorted(FEATURES)


def test_a_question_with_no_entry_in_common_has_the_question_signals_only(matcher: LexicalMatcher) -> None:
    ranking, _ = matcher.understand("qqqq")
    assert not ranking.candidates
    assert set(ranking.signals) == set(signals.QUESTION)


def test_a_question_with_a_best_entry_has_every_signal(matcher: LexicalMatcher) -> None:
    ranking, _ = matcher.understand("房贷利率多少")
    assert set(ranking.signals) == set(FEATURES)
    assert ranking.signals["foreign"] == 1.0 and ranking.signals["foreign_unexplained"] == 1.0


def test_a_runner_up_ruled_out_by_the_product_named_is_a_signal(matcher: LexicalMatcher) -> None:
    # 小米贷款's opening steps against 微粒贷's: the product named decides between the two
    ranking, _ = matcher.understand("小米贷款怎么开通")
    assert [c.entry_id for c in ranking.candidates[:2]] == ["apply.xiaomi_how", "apply.weilidai_open"]
    assert ranking.signals["runner_excluded"] == 1.0
    # no product named: nothing rules the runner-up out
    assert matcher.understand("罚息多少")[0].signals["runner_excluded"] == 0.0
