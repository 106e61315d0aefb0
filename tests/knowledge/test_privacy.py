"""Personal identifiers are found wherever they are typed, and never survive redaction."""

from __future__ import annotations

import pytest

from knowledge.privacy import REDACTED, identifiers_in, redact


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("身份证110105199001011234", ["id_card"]),
        ("身份证11010519900101123X呢", ["id_card"]),
        ("手机13812345678", ["mobile"]),
        ("+86 138 1234 5678", ["mobile"]),
        ("卡号6222 0212 3456 7890 123", ["bank_card"]),
        ("借1万分12期", []),
        ("20251201", []),
    ],
)
def test_identifiers_are_found(text: str, kinds: list[str]) -> None:
    assert [i.kind for i in identifiers_in(text)] == kinds


def test_redaction_leaves_nothing_of_the_number() -> None:
    text = "我是110105199001011234，电话13812345678，卡6222021234567890123"
    redacted = redact(text)
    assert redacted.count(REDACTED) == 3
    assert not any(c.isdigit() for c in redacted)
