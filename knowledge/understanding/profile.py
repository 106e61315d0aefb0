"""Profile facts stated in passing: 「我27，在成都做销售，一个月六千五，信用卡从没逾期，有台红米」.

The self-check's questions each have a lenient parser (:mod:`.answers`) for a reply to that question,
where a bare 「25」 can only be the age. A message that was not asked for anything needs cues instead: a
number is an age only beside 岁/我/今年, an income only beside 月入/工资/一个月, and so on. The message is
read clause by clause (commas, spaces), because a cue binds to the number of its own clause; a cue left
without a number takes a bare number from the next clause (「收入说错了 五千」).

Only what the message says clearly is returned; when a key is stated twice (「不是25 是26」) the last one
wins, which is also how a correction overwrites an earlier answer.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from knowledge.models import CriterionKey
from knowledge.understanding.answers import (
    OVER_TEN_THOUSAND,
    STILL_STUDYING,
    age_from_birth_year,
    numbers_in,
    parse_credit,
    parse_income,
    parse_mainland_id,
    parse_pay_score,
    parse_student,
    parse_wallet_entry,
    parse_wechat_active,
    parse_wechat_pay_bound,
    parse_wechat_spending,
    parse_xiaomi_device,
    parse_xiaomi_purchases,
    without_indefinites,
)
from knowledge.understanding.english_facts import UNIT_AFTER_NUMBER, english_facts

FactValue = int | bool | str
#: a key mapped to ``None`` was said to be unknown (「支付分没开过」): the check skips it, as after 「跳过」
Facts = dict[str, FactValue | None]

#: clause breaks: punctuation and spaces, but not the point of 「1.2w」
_CLAUSES = re.compile(r"[，,。!！?？;；、~～\s]+|(?<![0-9])\.|\.(?![0-9])")
#: a message about someone else's situation: its facts are not the person's
_SOMEONE_ELSE = re.compile(
    r"我(?:妈|爸|老公|老婆|媳妇|对象|男朋友|女朋友|儿子|女儿|哥|姐|弟|妹|朋友|同事|家人|亲戚)|妈妈|爸爸|朋友|同事"
)
#: a clause about what one might do or might be, not what one is: 「勾个不是学生」「要是我30岁」「去买台红米」
_HYPOTHETICAL = re.compile(
    r"填|勾|写成|谎报|虚报|假装|冒充|如果|要是|假如|万一|去买|要买|打算买|换台|换个|再来|以后再|之后再|回头再"
)
#: a loan told with its figures (「借了一万」「分六期」「每期还」): its 「到手」 is the money paid out
_LOAN_QUOTE = re.compile(r"借了|贷了|借款|分[0-9一二两三四五六七八九十]+期|每期|月供|砍头|服务费|手续费")
#: English words in a message (its clauses are then words, not phrases)
_ENGLISH_WORDS = re.compile(r"[a-z]{3,}")
_EN_UNIT = re.compile(UNIT_AFTER_NUMBER)
#: a whole-number age with its cue: 「27岁」「二十七周岁」, or 「我27」「今年27了」「我是26」「年龄30」
_AGE_UNIT = re.compile(r"([0-9]{1,3}|[一二三四五六七八九]?十[一二三四五六七八九]?)(?:岁|周岁)")
_AGE_CUE = re.compile(
    r"(?:^|我|俺|今年|本人|年龄|年纪)(?:今年|是|已经|都|才|刚|刚满|满)?"
    r"([1-9][0-9]|[一二三四五六七八九]?十[一二三四五六七八九]?)(?:了|啦)?$"
    # 「我63了还能借小米贷款吗」: the age, then what is asked of it in the same breath
    r"|(?:^|我|俺)(?:今年|已经|都)?([1-9][0-9]|[一二三四五六七八九]?十[一二三四五六七八九]?)(?:了|啦)"
    r"(?=还|能|可以|也|是不是|会不会|咋|怎么|有没有)"
)
_INCOME_CUE = re.compile(
    r"(月入|月薪|月收入|收入|工资|退休金|养老金|到手|底薪|一个月|每个月|每月|月均|年薪|年收入|一年)"
    r"(?:大概|差不多|大约|能|能有|有|拿|挣|赚|是|就|才|也就|只有|在|税后|税前|:|：)*"
)
_INCOME_TAIL = re.compile(
    r"^(?:多|左右|上下|出头)?(?:元|块|块钱)?(?:多|左右|上下|出头)?(?:吧|啊|呀|的样子|这样|的)?"
    r"(?:不固定|不一定|不稳定)?$"  # 「一个月七八千不固定」: still what they earn
)
_YEARLY = re.compile(r"年薪|年收入|一年")
_NO_INCOME = re.compile(r"(?:没有|没|无)(?:什么)?(?:收入|工资|工作|上班)|收入(?:为|是)?(?:0|零|没有|无)")
#: words of a correction between a cue and its figure: 「收入说错了 五千」「工资应该是八千」
_CORRECTION = re.compile(r"^(?:说错了|写错了|打错了|搞错了|错了|不对|应该是|其实是|改成|改为)+")
_NOT_INCOME = re.compile(r"利息|还|借|贷|额度|罚|费|息|分期|期")
_JOB = re.compile(
    r"(?<!没)(?<!没有)(?<!不)(?<!没在)(?:上班|打工|工作了|在职)|做(?:销售|生意|保安|客服|会计|老师|司机|外卖|快递|厨师|文员|设计|运营|电商|装修|护士|"
    r"医生|工程|程序|技术|财务|行政|销售的|买卖|小生意|个体)|跑外卖|送外卖|开店|个体户|自由职业|退休|上班族|打工人|毕业了|工人|工地|搬砖"
)
_STUDENT_CUE = re.compile(r"学生(?!证)|在校|在读|读书|上学|念书|大[一二三四]|研[一二三]|读研|读大学|上大学")
_CREDIT_CUE = re.compile(r"逾期|征信|信用(?!卡|分)|不良|还款记录|欠过|不欠|拖欠|晚还|迟还")
_DEVICE_CUE = re.compile(
    r"红米|redmi|小米(?:手机|设备|平板|手环|电视|note|\d|[0-9a-z]+)|(?:有|用|买了|拿着)(?:台|部|个)?小米(?!贷|借|金融|消金)"
    r"|华为|荣耀|苹果|iphone|oppo|vivo|三星|一加|魅族|安卓机|安卓手机"
)
_SCORE_CUE = re.compile(r"支付分|微信分|微信支付分")
_ID_CUE = re.compile(r"身[份分]证|香港|澳门|台湾|港澳|外籍|外国人|护照|台胞证|回乡证|大陆人|内地人|^有证$")
#: 「不知道」「没开过」 beside a key's cue: that answer is unknown
_UNKNOWN = re.compile(r"不知道|不清楚|不确定|没看过|没查过|没开过|没开通|没用过|忘了|记不清")
_UNKNOWABLE: tuple[tuple[CriterionKey, re.Pattern[str]], ...] = (
    ("wechat_pay_score", _SCORE_CUE),
    ("credit", re.compile(r"征信|信用记录|信用报告")),
)
#: asks rather than states: 「学生能借吗」 is a question about students, not a statement that I am one
_ASKING = re.compile(r"吗|么|能不能|可不可以|会不会|是不是|怎么|什么|啥|如何|吧$")


def _asks(clause: str) -> bool:
    """Whether a clause asks rather than states (「征信没啥问题」 states: its 啥 asks nothing)."""
    return bool(_ASKING.search(without_indefinites(clause)))


def clauses_of(folded: str) -> list[str]:
    """The clauses of a folded message (split at punctuation and spaces), as the fact readers see them."""
    return [c for c in _CLAUSES.split(folded) if c]


def facts_in(folded: str) -> Facts:
    """The self-check facts a folded message states, by criterion key (empty when it states none).

    Facts about someone else (「我妈今年57了」) are not the person's own: a message about another person
    states none.

    Args:
        folded: the message as :func:`knowledge.understanding.normalize.fold` returns it.
    """
    if _SOMEONE_ELSE.search(folded):
        return {}
    if _LOAN_QUOTE.search(folded):
        # 「借了一万 到手只有八千五」: what reached the account of a loan, not a pay packet
        folded = folded.replace("到手", "到账")
    clauses = clauses_of(folded)
    facts: Facts = english_facts(folded)
    english = (
        _ENGLISH_WORDS.search(folded) is not None
    )  # 「I am 29, no overdue」: what the Chinese readers find wins
    for index, clause in enumerate(clauses):
        if _HYPOTHETICAL.search(clause):
            continue
        following = clauses[index + 1] if index + 1 < len(clauses) else ""
        for key, reader in _READERS:
            if (
                key == "age"
                and (len(clauses) == 1 or (english and _EN_UNIT.match(following)))
                and _AGE_UNIT.search(clause) is None
                and "我" not in clause
                and age_from_birth_year(clause) is None
            ):
                # a bare 「30」 alone is an answer to whatever was asked, not an age; and in English the
                # clauses are words: 「24 percent」「12 months」 are no ages (「29, no overdue」 is one)
                continue
            value = reader(clause, following)
            if value is not None:
                facts[key] = value
        for key, cue in _UNKNOWABLE:
            if key not in facts and cue.search(clause) and _UNKNOWN.search(clause):
                facts[key] = None
    return facts


def _age(clause: str, _following: str) -> int | None:
    born = age_from_birth_year(clause)
    if born is not None:
        return born if 14 <= born <= 100 else None
    match = _AGE_UNIT.search(clause) or _AGE_CUE.search(clause)
    if match is None:
        return None
    mentions = numbers_in(match.group(1) or match.group(2))
    if len(mentions) != 1:
        return None
    value = mentions[0].value
    return int(value) if value == int(value) and 14 <= value <= 100 else None


def _income(clause: str, following: str) -> int | None:
    if _NO_INCOME.search(clause):
        return 0
    for cue in _INCOME_CUE.finditer(clause):  # 「每月退休金三千五」: the second cue has the figure
        found = _income_after(cue, clause, following)
        if found is not None:
            return found
    return None


def _income_after(cue: re.Match[str], clause: str, following: str) -> int | None:
    rest = OVER_TEN_THOUSAND.sub("一万", _CORRECTION.sub("", clause[cue.end() :]))
    if not rest and following and not _NOT_INCOME.search(following):
        rest = following  # 「收入说错了 五千」: the figure is in the next clause
    if _NOT_INCOME.search(rest[:4]) or (cue.group(1) in ("一个月", "每个月", "每月", "一年") and not rest):
        return None
    if cue.group(1) in ("一个月", "每个月", "每月", "一年"):
        # 「一个月六千五」 is an income only when nothing but the figure follows: 「一个月还1000」 is not
        amount = re.match(r"[0-9.零〇一二两三四五六七八九十百千万kw]+", rest)
        if amount is None or not _INCOME_TAIL.match(rest[amount.end() :]):
            return None
    prefix = "年薪" if _YEARLY.search(cue.group(1)) else "月入"
    return parse_income(prefix + rest)


def _student(clause: str, _following: str) -> bool | None:
    if STILL_STUDYING.search(clause):
        return True  # 「下个月就毕业了」: a student until then
    if _JOB.search(clause):
        return False
    if not _STUDENT_CUE.search(clause) or _asks(clause):
        return None
    return parse_student(clause)


def _credit(clause: str, _following: str) -> str | None:
    if not _CREDIT_CUE.search(clause) or _asks(clause):
        return None
    return parse_credit(clause)


def _device(clause: str, _following: str) -> bool | None:
    if not _DEVICE_CUE.search(clause) or _asks(clause):
        return None
    return parse_xiaomi_device(clause)


def _score(clause: str, following: str) -> int | None:
    if not _SCORE_CUE.search(clause):
        return None
    return parse_pay_score(clause) or (parse_pay_score(following) if following else None)


def _mainland_id(clause: str, _following: str) -> bool | None:
    if not _ID_CUE.search(clause) or _asks(clause) or re.search(r"[0-9]{6,}", clause):
        return None  # a pasted ID number says nothing we may use
    return parse_mainland_id(clause)


Reader = Callable[[str, str], FactValue | None]


def _cued(cue: str, parse: Callable[[str], FactValue | None]) -> Reader:
    """A reader that takes a clause holding ``cue`` and is not a question, with ``parse``."""

    pattern = re.compile(cue)

    def read(clause: str, _following: str) -> FactValue | None:
        if not pattern.search(clause) or _asks(clause):
            return None
        return parse(clause)

    return read


_READERS: tuple[tuple[CriterionKey, Reader], ...] = (
    ("age", _age),
    ("monthly_income", _income),
    ("student", _student),
    ("credit", _credit),
    ("xiaomi_device", _device),
    ("wechat_pay_score", _score),
    ("mainland_id", _mainland_id),
    ("wechat_wallet_entry", _cued(r"钱包.{0,8}(?:入口|微粒贷)|微粒贷.{0,4}入口", parse_wallet_entry)),
    ("wechat_pay_bound", _cued(r"微信支付|绑.{0,2}卡|实名", parse_wechat_pay_bound)),
    ("wechat_pay_monthly", _cued(r"微信.{0,6}(?:花|刷|消费|支付了)", parse_wechat_spending)),
    ("wechat_active", _cued(r"微信.{0,4}(?:每天|天天|一天)|[每天]天[刷开用]微信", parse_wechat_active)),
    ("xiaomi_purchases", _cued(r"小米商城|小米之家|米家|小米生态", parse_xiaomi_purchases)),
)
