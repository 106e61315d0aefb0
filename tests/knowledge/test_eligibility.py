"""The self-check rules, on small knowledge bases built here so each rule is seen on its own."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from knowledge.base import KnowledgeBase
from knowledge.eligibility import (
    EligibilityProfile,
    all_ruled_out,
    evaluate,
    key_verdict,
    questions_needed,
)
from knowledge.models import ApprovalFactor, Criterion, Product, Section, Source, UncheckedRequirement


def crit(cid: str, product: str, key: str, *, hard: bool = True, **rule: Any) -> Criterion:
    return Criterion.model_validate(
        {
            "id": cid,
            "product": product,
            "key": key,
            "hard": hard,
            "text": f"rule {cid}",
            "sources": [f"src-{cid}"],
            "tip": f"tip {cid}",
            **rule,
        }
    )


def make_kb(
    criteria: list[Criterion],
    factors: list[ApprovalFactor] | None = None,
    unchecked: list[UncheckedRequirement] | None = None,
) -> KnowledgeBase:
    products = {
        pid: Product(id=pid, name=pid, provider="p", summary="s", checkable=True)
        for pid in ("xiaomi", "weilidai", "we2000")
    }
    sources = {
        c.sources[0]: Source(
            id=c.sources[0],
            file="f.txt",
            title="t",
            short=c.sources[0],
            reliability="r",
            sections=[Section(id="s", title="s")],
        )
        for c in criteria
    }
    return KnowledgeBase(
        sources=sources,
        products=products,
        topics={},
        entries={},
        criteria=criteria,
        factors=factors or [],
        unchecked=tuple(unchecked or ()),
    )


def verdict_of(kb: KnowledgeBase, product: str, **answers: Any) -> str:
    (result,) = evaluate(kb, EligibilityProfile(**answers), [product])
    return result.verdict


def test_student_is_ruled_out_for_xiaomi() -> None:
    kb = make_kb([crit("student", "xiaomi", "student", equals=False)])
    assert verdict_of(kb, "xiaomi", student=True) == "ineligible"
    assert verdict_of(kb, "xiaomi", student=False) == "eligible"


def test_an_unanswered_requirement_makes_the_verdict_uncertain() -> None:
    kb = make_kb(
        [crit("age", "weilidai", "age", min=18, max=60), crit("id", "weilidai", "mainland_id", equals=True)]
    )
    assert verdict_of(kb, "weilidai", age=30) == "uncertain"
    assert verdict_of(kb, "weilidai", age=30, mainland_id=True) == "eligible"


def test_age_limits_are_inclusive() -> None:
    kb = make_kb([crit("age", "we2000", "age", min=18, max=40)])
    assert [verdict_of(kb, "we2000", age=a) for a in (17, 18, 40, 41)] == [
        "ineligible",
        "eligible",
        "eligible",
        "ineligible",
    ]


def test_a_failed_soft_criterion_is_uncertain_not_ineligible() -> None:
    kb = make_kb([crit("score", "weilidai", "wechat_pay_score", hard=False, min=600)])
    (result,) = evaluate(kb, EligibilityProfile(wechat_pay_score=550), ["weilidai"])
    assert result.verdict == "uncertain"
    assert result.reasons[0].outcome == "soft_fail"
    assert result.tips == ["tip score"]


def test_sources_that_disagree_make_it_uncertain_and_say_so() -> None:
    kb = make_kb([crit("a60", "xiaomi", "age", min=18, max=60), crit("a55", "xiaomi", "age", min=18, max=55)])
    (result,) = evaluate(kb, EligibilityProfile(age=58), ["xiaomi"])
    assert result.verdict == "uncertain"
    assert result.reasons[0].outcome == "conflict"
    assert set(result.reasons[0].sources) == {"src-a60", "src-a55"}


def test_disagreeing_sources_that_all_pass_are_eligible() -> None:
    kb = make_kb([crit("a60", "xiaomi", "age", min=18, max=60), crit("a55", "xiaomi", "age", min=18, max=55)])
    assert verdict_of(kb, "xiaomi", age=30) == "eligible"


def test_all_failing_hard_criteria_rule_out() -> None:
    kb = make_kb([crit("a60", "xiaomi", "age", min=18, max=60), crit("a55", "xiaomi", "age", min=18, max=55)])
    assert verdict_of(kb, "xiaomi", age=70) == "ineligible"


def test_sources_disagreeing_whether_a_failed_rule_is_hard_is_uncertain() -> None:
    kb = make_kb(
        [
            crit("must", "xiaomi", "xiaomi_device", equals=True),
            crit("usually", "xiaomi", "xiaomi_device", hard=False, equals=True),
        ]
    )
    assert verdict_of(kb, "xiaomi", xiaomi_device=False) == "uncertain"


def test_a_soft_preference_unmet_beside_a_hard_rule_met_is_uncertain() -> None:
    kb = make_kb(
        [
            crit("good", "xiaomi", "credit", allowed=["clean", "settled_overdue"]),
            crit("recent", "xiaomi", "credit", hard=False, allowed=["clean"]),
        ]
    )
    (result,) = evaluate(kb, EligibilityProfile(credit="settled_overdue"), ["xiaomi"])
    assert result.verdict == "uncertain"
    assert result.reasons[0].outcome == "soft_fail"
    assert verdict_of(kb, "xiaomi", credit="current_overdue") == "ineligible"
    assert verdict_of(kb, "xiaomi", credit="clean") == "eligible"


def test_factors_are_notes_and_never_decide_the_verdict() -> None:
    factor = ApprovalFactor(
        id="f", product="weilidai", basis="assessment", text="social data", sources=["src-age"]
    )
    kb = make_kb([crit("age", "weilidai", "age", min=18)], [factor])
    (result,) = evaluate(kb, EligibilityProfile(age=30), ["weilidai"])
    assert result.verdict == "eligible"
    assert [n.text for n in result.notes] == ["social data"]


def test_a_product_without_stated_criteria_is_uncertain() -> None:
    kb = make_kb([crit("age", "weilidai", "age", min=18)])
    assert verdict_of(kb, "we2000", age=30) == "uncertain"


def test_ineligible_tips_address_only_the_failed_rule() -> None:
    kb = make_kb(
        [
            crit("student", "xiaomi", "student", equals=False),
            crit("inc", "xiaomi", "monthly_income", min=3000),
        ]
    )
    (result,) = evaluate(kb, EligibilityProfile(student=True), ["xiaomi"])
    assert result.tips == ["tip student"]


def test_questions_are_only_those_the_chosen_products_need_in_order() -> None:
    kb = make_kb(
        [
            crit("x-dev", "xiaomi", "xiaomi_device", equals=True),
            crit("x-age", "xiaomi", "age", min=18, max=55),
            crit("w-score", "we2000", "wechat_pay_score", hard=False, min=600),
            crit("x-stu", "xiaomi", "student", equals=False),
        ]
    )
    assert questions_needed(kb, ["xiaomi"], EligibilityProfile()) == ["student", "age", "xiaomi_device"]
    assert questions_needed(kb, ["we2000"], EligibilityProfile()) == ["wechat_pay_score"]
    assert questions_needed(kb, ["xiaomi"], EligibilityProfile(age=30), skipped=["student"]) == [
        "xiaomi_device"
    ]


def test_questions_stop_for_a_product_once_it_is_ruled_out() -> None:
    kb = make_kb(
        [
            crit("x-stu", "xiaomi", "student", equals=False),
            crit("x-dev", "xiaomi", "xiaomi_device", equals=True),
            crit("w-age", "weilidai", "age", min=18),
        ]
    )
    profile = EligibilityProfile(student=True)
    assert questions_needed(kb, ["xiaomi", "weilidai"], profile) == ["age"]
    assert all_ruled_out(kb, ["xiaomi"], profile)
    assert not all_ruled_out(kb, ["xiaomi", "weilidai"], profile)


# --- the verdict rules of issue 16, each with profiles on both sides -------------------------------------


def uncertainty(kb: KnowledgeBase, product: str, **answers: Any) -> list[str]:
    (result,) = evaluate(kb, EligibilityProfile(**answers), [product])
    return list(result.uncertainty)


def three_age_rules() -> KnowledgeBase:
    """One article says 18–60, one 18–55, one only 「年满18周岁」 (silent about a ceiling)."""
    return make_kb(
        [
            crit("a60", "xiaomi", "age", min=18, max=60),
            crit("a55", "xiaomi", "age", min=18, max=55),
            crit("a18", "xiaomi", "age", min=18),
        ]
    )


def test_silence_about_an_upper_limit_does_not_contradict_one() -> None:
    kb = three_age_rules()
    assert verdict_of(kb, "xiaomi", age=61) == "ineligible"
    assert verdict_of(kb, "xiaomi", age=62) == "ineligible"
    assert verdict_of(kb, "xiaomi", age=60) == "uncertain"  # 18–60 says yes, 18–55 says no


def test_articles_that_explicitly_disagree_make_it_uncertain() -> None:
    kb = three_age_rules()
    assert uncertainty(kb, "xiaomi", age=58) == ["conflict"]
    assert verdict_of(kb, "xiaomi", age=55) == "eligible"
    assert verdict_of(kb, "xiaomi", age=17) == "ineligible"


def test_a_threshold_nobody_published_is_uncertain_whatever_the_answer() -> None:
    kb = make_kb(
        [
            crit("age", "we2000", "age", min=18, max=40),
            crit("score", "we2000", "wechat_pay_score", unpublished=True),
        ]
    )
    for score in (350, 600, 850, None):
        assert verdict_of(kb, "we2000", age=30, wechat_pay_score=score) == "uncertain"
        assert uncertainty(kb, "we2000", age=30, wechat_pay_score=score) == ["unpublished"]
    assert verdict_of(kb, "we2000", age=41, wechat_pay_score=850) == "ineligible"


def test_a_threshold_nobody_published_is_not_asked() -> None:
    kb = make_kb(
        [
            crit("age", "we2000", "age", min=18, max=40),
            crit("score", "we2000", "wechat_pay_score", unpublished=True),
        ]
    )
    assert questions_needed(kb, ["we2000"], EligibilityProfile()) == ["age"]


def good_credit(*interpreted: str) -> Criterion:
    return crit("good", "weilidai", "credit", allowed=["clean"], interpreted=list(interpreted))


def test_a_verdict_resting_on_our_reading_is_uncertain() -> None:
    kb = make_kb([good_credit("settled_overdue")])
    assert uncertainty(kb, "weilidai", credit="settled_overdue") == ["ours"]
    assert verdict_of(kb, "weilidai", credit="clean") == "eligible"
    assert verdict_of(kb, "weilidai", credit="current_overdue") == "ineligible"


def test_our_reading_of_one_article_does_not_contradict_another_that_is_clear() -> None:
    kb = make_kb([good_credit("settled_overdue"), good_credit("settled_overdue", "current_overdue")])
    assert verdict_of(kb, "weilidai", credit="current_overdue") == "ineligible"
    assert uncertainty(kb, "weilidai", credit="settled_overdue") == ["ours"]


def unasked(kind: str = "unasked") -> UncheckedRequirement:
    return UncheckedRequirement.model_validate(
        {
            "id": "u",
            "product": "weilidai",
            "kind": kind,
            "text": "no abnormal logins",
            "why": "only the system knows",
            "terms": ["abnormal_login"],
            "sources": ["src-age"],
        }
    )


def test_a_stated_requirement_nobody_can_answer_is_named_and_never_green() -> None:
    kb = make_kb([crit("age", "weilidai", "age", min=18, max=60)], unchecked=[unasked()])
    (result,) = evaluate(kb, EligibilityProfile(age=30), ["weilidai"])
    assert result.verdict == "uncertain" and result.uncertainty == ["unchecked"]
    assert [(r.outcome, r.why) for r in result.reasons if r.outcome == "unchecked"] == [
        ("unchecked", "only the system knows")
    ]
    assert verdict_of(kb, "weilidai", age=61) == "ineligible"


def test_a_step_of_applying_is_named_but_decides_nothing() -> None:
    kb = make_kb([crit("age", "weilidai", "age", min=18, max=60)], unchecked=[unasked("step")])
    (result,) = evaluate(kb, EligibilityProfile(age=30), ["weilidai"])
    assert result.verdict == "eligible"
    assert [r.outcome for r in result.reasons] == ["pass", "step"]


def test_what_one_fact_concludes_is_the_verdict_of_its_key() -> None:
    kb = three_age_rules()
    assert key_verdict(kb, "xiaomi", "age", 61) == "ineligible"
    assert key_verdict(kb, "xiaomi", "age", 58) == "uncertain"
    assert key_verdict(kb, "xiaomi", "age", 30) == "open"
    assert key_verdict(kb, "xiaomi", "student", True) == "open"  # no rule on it


@pytest.mark.parametrize(
    "bad",
    [
        {"age": 121},
        {"age": -1},
        {"monthly_income": -5},
        {"monthly_income": 10**8},
        {"wechat_pay_score": 299},
        {"wechat_pay_score": 851},
        {"wechat_pay_monthly": -1},
        {"wechat_wallet_entry": "yes"},
        {"credit": "bad"},
        {"age": "25"},
        {"student": "yes"},
        {"name": "张三"},
    ],
)
def test_profiles_out_of_range_or_of_the_wrong_type_are_refused(bad: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        EligibilityProfile.model_validate(bad)


def test_the_shipped_criteria_rule_a_student_out_of_xiaomi() -> None:
    from knowledge.base import default

    (result,) = evaluate(default(), EligibilityProfile(student=True), ["xiaomi"])
    assert result.verdict == "ineligible"
    assert all(r.sources for r in result.reasons)
