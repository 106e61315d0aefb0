"""Global words: what a user can type in any state to steer the dialogue, whatever is being asked.

Only a whole message counts (「返回」, not 「怎么返回额度」), after folding script and width (the reader
does that) and trailing punctuation, so that ordinary questions containing these words still reach the FAQ.
"""

from __future__ import annotations

import re
from typing import Literal

GlobalWord = Literal["back", "skip", "cancel", "restart", "menu", "help", "forget"]

#: word → action. Traditional forms are folded to Simplified before the lookup.
WORDS: dict[str, GlobalWord] = {
    **dict.fromkeys(["返回", "上一步", "上一题", "后退", "回退", "back"], "back"),
    **dict.fromkeys(["跳过", "跳过这题", "跳过这个", "下一题", "略过", "skip"], "skip"),
    **dict.fromkeys(
        [
            "取消",
            "退出",
            "不测了",
            "不想测了",
            "不用测了",
            "不做了",
            "不算了",
            "结束",
            "算了",
            "cancel",
            "exit",
            "quit",
        ],
        "cancel",
    ),
    **dict.fromkeys(["重新开始", "重来", "从头开始", "重新来", "restart"], "restart"),
    **dict.fromkeys(["菜单", "主菜单", "首页", "menu", "home"], "menu"),
    **dict.fromkeys(["帮助", "help", "?", "？", "怎么用", "使用说明"], "help"),
    # what /forget does, asked in words: the whole message only (「怎么删除逾期记录」 is an FAQ question)
    **dict.fromkeys(
        [
            "删除我的数据",
            "删除我的记录",
            "删除我的信息",
            "删掉我的数据",
            "删掉我的记录",
            "删掉我的信息",
            "清除我的数据",
            "清除我的记录",
            "清空我的记录",
            "删除聊天记录",
            "删除记录",
            "删除数据",
            "forget me",
            "delete my data",
        ],
        "forget",
    ),
}

_TRAILING = re.compile(r"[\s。.!！~～…]+$")
#: the words people put before a steering word in chat (「好吧 那我不测了」「那还是退出吧」)
_LEADING = re.compile(r"^(?:(?:好吧|好的|行吧|嗯+|那么|那|我|还是|先)[\s,，]*)+")
_PARTICLE = re.compile(r"(?<=.)[吧啊呀哈]+$")


def global_word(folded: str) -> GlobalWord | None:
    """The action a whole message (folded, as the reader gives it) stands for, or ``None``."""
    word = _TRAILING.sub("", folded)
    if word and not word.strip("?？"):  # 「?」「？？？」: lost, asking what this is
        return "help"
    word = re.sub(r"[?？]+$", "", word)
    found = WORDS.get(word)
    if found is None:
        found = WORDS.get(_PARTICLE.sub("", _LEADING.sub("", word)))
    return found
