"""The shape rules of the knowledge models: what a single data record may and may not hold."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from knowledge.models import MAX_ANSWER_CHARS, Answer, Claim, Criterion, FaqEntry, Product


def _entry(answers: list[Answer]) -> FaqEntry:
    return FaqEntry(
        id="credit.reported",
        topic="credit",
        products=["xiaomi"],
        question="借了会上征信吗？",
        paraphrases=["上不上征信"],
        answers=answers,
    )


def test_answer_longer_than_a_phone_screen_is_rejected() -> None:
    Answer(text="字" * MAX_ANSWER_CHARS, sources=["xm-8qa"])
    with pytest.raises(ValidationError, match=f"answer is {MAX_ANSWER_CHARS + 1} characters"):
        Answer(text="字" * (MAX_ANSWER_CHARS + 1), sources=["xm-8qa"])


def test_answer_without_a_source_is_rejected() -> None:
    with pytest.raises(ValidationError, match="sources"):
        Answer(text="没有出处的回答", sources=[])


def test_claim_with_a_misspelt_key_is_rejected() -> None:
    with pytest.raises(ValidationError, match="hihg"):
        Claim.model_validate({"value": "最高5万元", "sources": ["xm-8qa"], "hihg": 50000})


def test_claim_unit_must_be_a_known_unit() -> None:
    with pytest.raises(ValidationError, match="unit"):
        Claim.model_validate({"value": "最高5万元", "sources": ["xm-8qa"], "unit": "rmb"})


def test_product_attribute_must_be_a_known_key() -> None:
    data = {
        "id": "xiaomi",
        "name": "小米贷款",
        "provider": "小米",
        "summary": "测试",
        "attributes": {"colour": {"claims": [{"value": "橙色", "sources": ["xm-8qa"]}]}},
    }
    with pytest.raises(ValidationError, match="colour"):
        Product.model_validate(data)


def test_criterion_credit_status_must_be_known() -> None:
    data = {
        "id": "xiaomi.credit",
        "product": "xiaomi",
        "key": "credit",
        "hard": True,
        "allowed": ["clean", "a_little_overdue"],
        "text": "征信良好",
        "sources": ["xm-credit-faq"],
    }
    with pytest.raises(ValidationError, match="allowed"):
        Criterion.model_validate(data)


def test_answer_for_a_product_with_its_own_variant_picks_that_variant() -> None:
    general = Answer(text="一般情况", sources=["xm-8qa"])
    xiaomi = Answer(product="xiaomi", text="小米贷款的情况", sources=["xm-credit-faq"])
    assert _entry([general, xiaomi]).answer_for("xiaomi") is xiaomi


def test_answer_for_a_product_without_a_variant_falls_back_to_the_general_answer() -> None:
    xiaomi = Answer(product="xiaomi", text="小米贷款的情况", sources=["xm-credit-faq"])
    general = Answer(text="一般情况", sources=["xm-8qa"])
    entry = _entry([xiaomi, general])
    assert entry.answer_for("weilidai") is general
    assert entry.answer_for(None) is general


def test_models_are_immutable() -> None:
    answer = Answer(text="一般情况", sources=["xm-8qa"])
    with pytest.raises(ValidationError):
        answer.text = "改过的"  # type: ignore[misc]


def test_only_a_want_may_overlap_faq_entries() -> None:
    with pytest.raises(ValidationError, match="only wants"):
        FaqEntry(
            id="credit.reported",
            topic="credit",
            question="借了会上征信吗？",
            paraphrases=["上不上征信"],
            answers=[Answer(text="会。", sources=["xm-8qa"])],
            overlaps=["advice.disclaimer"],
        )
