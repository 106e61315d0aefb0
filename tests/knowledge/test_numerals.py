"""The one Chinese-numeral reader shared by the self-check and the calculator."""

from __future__ import annotations

import pytest

from knowledge.numerals import read_numeral


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("二十五", 25),
        ("十八", 18),
        ("一万二", 12_000),
        ("两万五", 25_000),
        ("三千五", 3_500),
        ("六百五", 650),
        ("一千零五", 1_005),
        ("一万零五", 10_005),
        ("1.2万", 12_000),
        ("3千5", 3_500),
        ("万", 10_000),
        ("两亿", 200_000_000),
        ("8000", 8_000),
    ],
)
def test_reads_numbers_as_people_type_them(typed: str, value: int) -> None:
    assert read_numeral(typed) == value


def test_a_malformed_decimal_is_not_a_number() -> None:
    assert read_numeral("1.2.3") is None
