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

#: a profile that meets every requirement the self-check asks (keys of EligibilityProfile)
GOOD_PROFILE: dict[str, int | bool | str] = {
    "age": 25,
    "mainland_id": True,
    "student": False,
    "credit": "clean",
    "monthly_income": 8000,
    "xiaomi_device": True,
    "xiaomi_purchases": True,
    "wechat_pay_bound": True,
    "wechat_wallet_entry": True,
    "wechat_pay_monthly": 3000,
    "wechat_active": True,
    "wechat_pay_score": 650,
}
