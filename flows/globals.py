"""Global words: what a user can type in any state to steer the dialogue, whatever is being asked.

Only a whole message counts (「返回」, not 「怎么返回额度」), after folding script and width (the reader
does that) and trailing punctuation, so that ordinary questions containing these words still reach the FAQ.
"""

from __future__ import annotations

import re
from typing import Literal

GlobalWord = Literal["back", "skip", "cancel", "restart", "menu", "help"]

#: word → action. Traditional forms are folded to Simplified before the lookup.
WORDS: dict[str, GlobalWord] = {
    **dict.fromkeys(["返回", "上一步", "上一题", "后退", "回退", "back"], "back"),
    **dict.fromkeys(["跳过", "跳过这题", "跳过这个", "下一题", "略过", "skip"], "skip"),
    **dict.fromkeys(["取消", "退出", "不测了", "结束", "算了", "cancel", "exit", "quit"], "cancel"),
    **dict.fromkeys(["重新开始", "重来", "从头开始", "重新来", "restart"], "restart"),
    **dict.fromkeys(["菜单", "主菜单", "首页", "menu", "home"], "menu"),
    **dict.fromkeys(["帮助", "help", "?", "？", "怎么用", "使用说明"], "help"),
}

_TRAILING = re.compile(r"[\s。.!！~～…]+$")


def global_word(folded: str) -> GlobalWord | None:
    """The action a whole message (folded, as the reader gives it) stands for, or ``None``."""
    word = _TRAILING.sub("", folded)
    if word in ("?", "？"):
        return "help"
    word = re.sub(r"[?？]+$", "", word)
    return WORDS.get(word)
