"""How the test users answer the eligibility self-check: shared by the end-to-end, fault and load tests."""

from __future__ import annotations

#: how a user answers each self-check question: a button label to press, or text to type
ANSWERS: dict[str, tuple[str, str]] = {
    "在校学生": ("tap", "不是学生"),
    "多大": ("type", "28"),
    "身份证": ("tap", "有"),
    "征信": ("type", "没有逾期"),
    "收入": ("type", "8000"),
    "小米": ("tap", "有"),
    "支付分": ("type", "650"),
}
