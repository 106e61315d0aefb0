"""Buttons carry typed data: packed into their id once, read back into the same data, forgeries refused."""

from __future__ import annotations

import pytest

from flows import buttons
from flows.buttons import (
    ButtonData,
    CalcTerm,
    CheckAnswer,
    Compare,
    Nav,
    OpenEntry,
    Topic,
    Topics,
    unpack,
)
from flows.reply import MAX_BUTTON_ID_BYTES


@pytest.mark.parametrize(
    "data",
    [
        Nav(action="back"),
        Topics(),
        Topic(topic="credit"),
        OpenEntry(entry="credit.reported"),
        OpenEntry(entry="credit.reported", product="weilidai"),
        CheckAnswer(key="age", token="25"),
        CalcTerm(unit="d", count=30),
        Compare(products=("xiaomi", "weilidai", "we2000")),
    ],
)
def test_every_kind_reads_back_as_itself(data: ButtonData) -> None:
    assert unpack(data.pack()) == data


def test_the_longer_prefix_wins() -> None:
    assert isinstance(unpack("menu:topics"), Topics)
    assert unpack("menu:topic:credit") == Topic(topic="credit")


@pytest.mark.parametrize(
    "forged",
    ["", "nav:fly", "calc:term:m:twelve", "menu:topics:extra", "nothing:at:all", "check:answer:age"],
)
def test_forged_or_stale_ids_are_refused(forged: str) -> None:
    assert unpack(forged) is None


def test_an_id_over_telegrams_limit_is_refused_when_packed() -> None:
    with pytest.raises(ValueError, match="64 bytes"):
        OpenEntry(entry="条" * 30).pack()


def test_every_kind_is_registered_once() -> None:
    prefixes = [kind.prefix for kind in buttons.KINDS]
    assert len(prefixes) == len(set(prefixes))
    assert all(len(p.encode()) < MAX_BUTTON_ID_BYTES for p in prefixes)
