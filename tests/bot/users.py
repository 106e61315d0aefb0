"""How the test users answer the eligibility self-check: shared by the end-to-end, fault and load tests."""

from __future__ import annotations

#: how a user answers each self-check question: a button label to press, or text to type
#: the first topic the question on screen contains wins, so the more specific ones come first
ANSWERS: dict[str, tuple[str, str]] = {
    "在校学生": ("tap", "不是学生"),
    "多大": ("type", "28"),
    "身份证": ("tap", "有"),
    "征信": ("type", "没有逾期"),
    "收入": ("type", "8000"),
    "小米生态": ("tap", "买过"),
    "小米": ("tap", "有"),
    "微粒贷": ("tap", "能看到入口"),
    "花多少钱": ("type", "3000"),
    "打开微信": ("tap", "会，每天都用"),
    "支付分": ("type", "650"),
    "微信支付": ("tap", "开通了，已绑卡"),
}
