"""Reading free-text answers to the self-check questions: numbers, yes/no, phones, credit history.

People answer in many ways: 「二十五」「25岁」「我今年二十五了」, 「月入八千」「8k」「一万二」, 「用的华为」,
「征信有逾期但已经还清了」. Each parser returns the value it is sure of, or ``None`` when the answer is
unclear, so the dialogue can ask again instead of guessing.

Every function takes **folded** text (:func:`knowledge.understanding.normalize.fold`: Simplified,
half-width, lower case), as the message reader produces once per message; none folds again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from knowledge.models import CreditStatus
from knowledge.numerals import read_numeral
from knowledge.understanding.english_facts import english_yes_no

_NUMBER_RUN = re.compile(r"[0-9.零〇一二两三四五六七八九十百千万亿]+")
#: words after a number that make it a count of something else (「一个月」「两部手机」), not the answer
_COUNTERS = "个次部台张家天周年月笔期岁元块分"


@dataclass(frozen=True)
class NumberMention:
    """A number found in a text, with the characters around it (to tell 「25岁」 from 「两个月」)."""

    value: float
    before: str
    after: str


#: 「两三千」「一两万」: two neighbouring digits before a unit are a rough range, not 23000
ROUGH_RANGE = re.compile(r"(一两|两三|二三|三四|四五|五六|六七|七八|八九)(?=[十百千万])")


def lower_end(text: str) -> str:
    """``text`` with each rough range as its lower end: 「五六千」 → 「五千」, 「一两万」 → 「一万」."""
    return ROUGH_RANGE.sub(lambda m: m.group()[0], text)


def numbers_in(text: str) -> list[NumberMention]:
    """Every number written in ``text``, in Arabic digits, Chinese numerals or a mix (「1万2」「8k」).

    A rough range such as 「两三千」 counts as its lower end (2000): the cautious reading.
    """
    norm = text
    # 「8k」「1.2w」 are shorthand for 千 and 万
    norm = re.sub(r"(?<=\d)\s*k", "千", norm)
    norm = re.sub(r"(?<=\d)\s*w", "万", norm)
    norm = lower_end(norm)
    mentions = []
    for match in _NUMBER_RUN.finditer(norm):
        run = match.group().strip(".")
        # bare units inside words (「千万别」「万一」) and a lone 「一」 (「一直」「一般」) are not numbers
        if not run or (all(c in "百千万亿" for c in run)) or (run == "一" and norm.strip() != "一"):
            continue
        value = read_numeral(run)
        if value is None:
            continue
        mentions.append(
            NumberMention(
                value=value,
                before=norm[max(0, match.start() - 3) : match.start()],
                after=norm[match.end() : match.end() + 2],
            )
        )
    return mentions


def parse_number(text: str) -> float | None:
    """The single number in ``text`` (ignoring counts like 「一个」), or ``None`` if none or several."""
    mentions = [m for m in numbers_in(text) if not (m.after[:1] in "个次部台张家天周笔期" and m.after)]
    if len(mentions) != 1:
        return None
    return mentions[0].value


#: a year of birth: 「95年的」「1995年生」「我是01年出生的」「九五年的」
_BIRTH_YEAR = re.compile(
    r"(?<![0-9])((?:19|20)?[0-9]{2}|[零〇一二三四五六七八九]{2,4})\s*年(?:的|生|出生|生人|人)"
)
_YEAR_DIGITS = dict(zip("零〇一二三四五六七八九", "0012345678 9".replace(" ", ""), strict=True))


def age_from_birth_year(text: str, today: date | None = None) -> int | None:
    """The age of someone born in the year a message names (「95年的」 → 31 in 2026), as of this year's
    birthday; ``None`` when no year of birth is named or it gives no age from 10 to 100 (「2025年的话」
    is no year of birth)."""
    match = _BIRTH_YEAR.search(text)
    if match is None:
        return None
    digits = "".join(_YEAR_DIGITS.get(c, c) for c in match.group(1))
    this_year = (today or date.today()).year
    year = int(digits)
    if len(digits) == 2:  # 「95」: the latest year ending so that is not in the future
        year += 2000 if 2000 + year <= this_year else 1900
    age = this_year - year
    return age if 10 <= age <= 100 else None


def parse_age(text: str) -> int | None:
    """An age in whole years: 「25」「25岁」「二十五」「我今年二十五了」「95年的」. ``None`` if unclear or
    not 1–120."""
    born = age_from_birth_year(text)
    if born is not None:
        return born
    mentions = numbers_in(text)
    with_unit = [m for m in mentions if m.after.startswith(("岁", "周岁"))]
    candidates = with_unit or [m for m in mentions if m.after[:1] not in _COUNTERS or not m.after]
    if len(candidates) != 1:
        return None
    value = candidates[0].value
    if value != int(value) or not 1 <= value <= 120:
        return None
    return int(value)


_NO_INCOME = re.compile(r"(没有|没|无|零)(收入|工资|工作)|收入(为|是)?(0|零|没有|无)")
#: 「月入过万」「工资上万」: ten thousand at least, read as ten thousand (the cautious reading)
OVER_TEN_THOUSAND = re.compile(r"(?:过|上|破)万")
_YEARLY = re.compile(r"年薪|年收入|一年|每年|年入")
_INCOME_CUE = re.compile(r"(月入|月薪|收入|工资|到手|挣|赚)$")


def parse_income(text: str) -> int | None:
    """Monthly income in yuan: 「8000」「8k」「月入八千」「一万二」「1.2万」; 「年薪十万」 is divided by 12.

    Small bare numbers (「8」) are unclear rather than guessed to be thousands.
    """
    norm = OVER_TEN_THOUSAND.sub("一万", text)
    if _NO_INCOME.search(norm):
        return 0
    mentions = [m for m in numbers_in(norm) if m.after[:1] not in "个次部台张家天周笔期岁" or not m.after]
    if not mentions:
        return None
    cued = [m for m in mentions if _INCOME_CUE.search(m.before)]
    with_unit = [m for m in mentions if m.after[:1] in "元块"]
    chosen = cued or with_unit or mentions
    if len(chosen) != 1:
        return None
    value = chosen[0].value
    if _YEARLY.search(norm):
        value = value / 12
    if 0 < value < 100 or value >= 10**8:
        return None
    return round(value)


def parse_pay_score(text: str) -> int | None:
    """A WeChat Pay score (微信支付分), 300–850: 「650」「六百五」「650分」."""
    mentions = [m for m in numbers_in(text) if 300 <= m.value <= 850 and m.value == int(m.value)]
    if len(mentions) != 1:
        return None
    return int(mentions[0].value)


_YES = re.compile(
    r"^(有|是|对|嗯|恩|yes|y|ok|好|是的|有的|对的|当然|没错|有啊|是啊|对啊|✅|√)+[的啊呀呢了！!。.]*$"
)
_NO = re.compile(r"^(没有|没|无|不是|不|否|no|n|非|没啊|不是的|没有的|❌|×)+[的啊呀呢了！!。.]*$")


def parse_yes_no(text: str) -> bool | None:
    """A bare yes or no: 「有」「是的」「嗯」 / 「没有」「不是」「否」."""
    norm = re.sub(r"\s+", "", text)
    if _NO.match(norm):
        return False
    if _YES.match(norm):
        return True
    return english_yes_no(text)


#: about to graduate, so a student still: 「下个月就毕业了」「快毕业了」「明年毕业」「今年六月毕业」
STILL_STUDYING = re.compile(
    r"(?:快|快要|就要|要|将|即将|马上|准备|等|下个?月|下学期|明年|今年|年底|年中|月底|[0-9一二三四五六七八九十]+月)"
    r"(?:份)?(?:就|才|就要|要)?毕业|还没毕业|没毕业|未毕业|等(?:我)?毕业|毕业(?:了|以后|之后|后)再"
)
_NOT_STUDENT = re.compile(
    r"(不是|非|不再是|已经不是)(在校)?(学生|大学生)|毕业|工作了|上班|已工作|在职|打工|退休|(没|不)(在)?(上学|读书|念书)"
)
_STUDENT = re.compile(r"学生|在校|在读|大一|大二|大三|大四|研一|研二|研三|读书|上学|念书")


def parse_student(text: str) -> bool | None:
    """Whether the user is a student: 「我是大学生」「在读研究生」 / 「已经工作了」「不是学生」."""
    norm = text
    if re.search(r"(不是|不再是|已经不是)(在校)?(学生|大学生)", norm):
        return False
    if STILL_STUDYING.search(norm):
        return True  # 「是学生 不过下个月就毕业了」: a student until the day
    if _NOT_STUDENT.search(norm):
        return False
    if _STUDENT.search(norm):
        return True
    return parse_yes_no(norm)


_NOT_MAINLAND = re.compile(
    # 「没有大陆身分证」: Taiwan writes 身分證; 台胞证 / 回乡证 are permits of those with no mainland card
    r"香港|澳门|台湾|港澳|外籍|外国|护照|海外|台胞证|回乡证|(?:没有|没|无)(?:中国|大陆|内地)?(?:的)?(?:居民)?身[份分]证"
    r"|身[份分]证.{0,2}(?:没有|没了|丢了)|不是大陆|非大陆"
)
_MAINLAND = re.compile(r"大陆|内地|中国身[份分]证|有.{0,3}身[份分]证|身[份分]证.{0,4}有|^有证$")


def parse_mainland_id(text: str) -> bool | None:
    """Whether the user holds a mainland Chinese resident ID card (the card, never its number)."""
    norm = text
    if _NOT_MAINLAND.search(norm):
        return False
    if _MAINLAND.search(norm):
        return True
    return parse_yes_no(norm)


_XIAOMI = r"(小米|红米|redmi|xiaomi|mi\s?\d|米家)"
_NO_XIAOMI = re.compile(r"(没有|没|无|不是|不用|没用|不)(用)?(过)?(的)?" + _XIAOMI)
_HAS_XIAOMI = re.compile(_XIAOMI)
_OTHER_BRAND = re.compile(
    r"华为|荣耀|苹果|iphone|oppo|vivo|三星|一加|魅族|realme|真我|中兴|努比亚|摩托|华硕|安卓"
)


def parse_xiaomi_device(text: str) -> bool | None:
    """Whether the user has a Xiaomi/Redmi device: 「有小米手机」「红米」; not: 「用的华为」「没有」."""
    norm = text
    if _NO_XIAOMI.search(norm):
        return False
    if _HAS_XIAOMI.search(norm):
        return True
    if _OTHER_BRAND.search(norm):
        return False
    return parse_yes_no(norm)


_NO_WALLET_ENTRY = re.compile(
    r"看不到|看不见|找不到|没看到|没找到|没出现|不显示|没显示|没(有)?入口|没有微粒贷|没(有)?开通|未开通"
    r"|没(有)?被邀请|没(有)?收到邀请|没(有)?邀请|入口.{0,2}没(有)?|入口不见"
)
_WALLET_ENTRY = re.compile(
    r"(看得到|看得见|能看到|看到了|有入口|找到了|显示了|出现了|开通了|已开通|有微粒贷|受邀|被邀请)"
)


def _said(text: str, no: re.Pattern[str], yes: re.Pattern[str]) -> bool | None:
    """``False`` when ``no`` matches, ``True`` when ``yes`` does (no first: 「看不到」 is not 「看到」), else
    a bare yes or no."""
    norm = re.sub(r"\s+", "", text)
    if no.search(norm):
        return False
    if yes.search(norm):
        return True
    return parse_yes_no(norm)


def parse_wallet_entry(text: str) -> bool | None:
    """Whether the 微粒贷 entry shows in the WeChat wallet: 「能看到入口」「有」 / 「看不到」「没有入口」."""
    return _said(text, _NO_WALLET_ENTRY, _WALLET_ENTRY)


_NO_WECHAT_PAY = re.compile(
    r"(没有|没|未|不)(开通|开|绑|绑定|实名|用)(过)?(微信支付|银行卡|卡)?|不用微信(支付)?|没实名|未实名"
)
_WECHAT_PAY = re.compile(
    r"(开通了|开了|绑了|绑定了|已绑|已开通|已实名|实名了|绑卡了|有绑|在用|天天用|经常用|用微信付)"
)


def parse_wechat_pay_bound(text: str) -> bool | None:
    """Whether WeChat Pay is set up with a bank card: 「开通了」「绑了卡」 / 「没绑卡」「没开通」."""
    return _said(text, _NO_WECHAT_PAY, _WECHAT_PAY)


_NOT_ACTIVE = re.compile(r"很少|不常|偶尔|不怎么|基本不|几乎不|不太用|没怎么|一周|几天一次|不是每天|不会")
_ACTIVE = re.compile(r"每天|天天|经常|一直|常用|很多次|好多次|好几次|十几次|几十次|离不开|整天|随时|^会")


def parse_wechat_active(text: str) -> bool | None:
    """Whether WeChat is opened several times a day: 「天天用」「好多次」 / 「很少用」「一天两次」."""
    norm = re.sub(r"\s+", "", text)
    counts = [m.value for m in numbers_in(norm) if m.after[:1] in ("次", "遍")]
    if len(counts) == 1:
        return counts[0] >= 3
    return _said(norm, _NOT_ACTIVE, _ACTIVE)


#: the negation may stand before where: 「没在小米商城买过东西」
_NO_PURCHASES = re.compile(r"(没有|没|从没|从来没|未|不)(?:在[^买消下]{0,8})?(买过|买|消费过|消费|下过单)")
_PURCHASES = re.compile(r"买过|买了|消费过|下过单|有消费|有订单|在小米商城|在米家|小米之家")


def parse_xiaomi_purchases(text: str) -> bool | None:
    """Whether the user has bought in the Xiaomi ecosystem: 「买过」「在小米商城买过手机」 / 「没买过」."""
    return _said(text, _NO_PURCHASES, _PURCHASES)


_NO_SPENDING = re.compile(r"(基本|几乎|从来)?(不用|没用|不怎么用|没怎么用)|不花|没花|没有消费")
_FEW_HUNDRED = re.compile(r"几百|百来块|一两百|两三百")
_FEW_THOUSAND = re.compile(r"几千|好几千")


def parse_wechat_spending(text: str) -> int | None:
    """Yuan paid with WeChat Pay in an average month: 「每个月刷两三千」→2000, 「2000左右」, 「几百块」→500.

    Rough amounts count as their cautious lower end: 「两三千」 is 2000, 「几千」 2000, 「几百」 500.
    """
    norm = re.sub(r"\s+", "", text)
    if _FEW_THOUSAND.search(norm):
        return 2000
    if _FEW_HUNDRED.search(norm):
        return 500
    mentions = [m for m in numbers_in(norm) if m.after[:1] not in "个次部台张家天周笔期岁" or not m.after]
    if not mentions:
        return 0 if _NO_SPENDING.search(norm) else None
    with_unit = [m for m in mentions if m.after[:1] in "元块"]
    chosen = with_unit or mentions
    if len(chosen) != 1:
        return None
    value = chosen[0].value
    if value >= 10**8:
        return None
    return round(value)


_CURRENT_OVERDUE = re.compile(
    r"(正在|还在|当前|目前|现在|仍然|仍|还)(有)?逾期|逾期(中|未还|没还|还没还)|没还清|未还清|没有还清|还没还|没还上|欠着|拖着"
)
_NEVER_OVERDUE = re.compile(r"(没有|没|无|从不|从没|从来没有?|从未|不曾|未曾)(过)?(任何)?逾期")
_SETTLED_OVERDUE = re.compile(
    r"逾期.*(已经?|都)?(还清|结清|还上|还完|还了)|(以前|之前|曾经|有过|过去).*逾期|逾期过"
)
_CLEAN = re.compile(
    r"良好|很好|不错|干净|白户|正常|没(?:啥|什么|有什么)?问题|没有问题|没毛病|无不良|没有不良|信用好|记录好|一直好|挺好|还行|还可以|"
    r"没欠过|从不欠|没拖欠"
)


_LATE = re.compile(r"晚还|迟还|拖欠|拖过|没按时还")


def parse_credit(text: str) -> CreditStatus | None:
    """Credit history: ``clean``, ``settled_overdue`` (past overdue, repaid) or ``current_overdue``.

    「征信有逾期但已经还清了」 → settled; 「现在还有逾期没还」 → current; 「没逾期过」「征信良好」 → clean.
    A bare 「有逾期」 is unclear: whether it is repaid decides the answer.
    """
    norm = _LATE.sub("逾期", text)  # 「晚还过一次」 is an overdue in plain words
    if _CURRENT_OVERDUE.search(norm):
        return "current_overdue"
    if _NEVER_OVERDUE.search(norm):
        return "clean"
    if _SETTLED_OVERDUE.search(norm):
        return "settled_overdue"
    if _CLEAN.search(norm):
        return "clean"
    if parse_yes_no(norm) is False:  # 「没有」 to 「征信有逾期吗」
        return "clean"
    return None


_DONT_KNOW = re.compile(
    r"^(我)?(也)?(不知道|不清楚|不确定|不记得|忘了|记不清|不太清楚|不懂|没查过|不了解)[的啊呀了耶诶！!。.]*$"
)


def is_dont_know(text: str) -> bool:
    """「不知道」「不清楚」「忘了」: the user cannot answer, which the self-check treats as unknown."""
    return bool(_DONT_KNOW.match(re.sub(r"\s+", "", text)))


_QUESTION = re.compile(
    r"[?？]|吗|呢|(?<![这那多要])么|什么|怎么|怎样|如何|多少|多大|多久|多长|几[个岁天期年月]|哪|为啥|为什么|能不能|可不可以|会不会|是不是|该不该|要不要|值不值|咋|啥|"
    r"(?<!没)有没有|行不行|"
    # a 不 that ends a question (「利息贼高不」「能借不」), not one that answers (「我不」)
    r"(?<=[\u4e00-\u9fff])(?<![我你他她就也还都并才然决绝可真定不])"
    r"不(?=[啊呀嘛哇哈]*[^\u4e00-\u9fffa-z0-9]*$)|"
    r"((?!不)[\u4e00-\u9fff])不\1"  # 「高不高」「贵不贵」
)


#: 啥/什么/怎么 after a negation are indefinite, not question words (「征信没啥问题」「没什么逾期」), and
#: 这么/那么/多么 point or exclaim (「这么高 那不借了」)
_INDEFINITE = re.compile(r"(?<!有)(?:没有|没|不|也没|从没)(?:啥|什么|怎么|咋)(?!办|回事|样)|这么|那么|多么")


def without_indefinites(text: str) -> str:
    """``text`` without the indefinites 「没啥」「没什么」「不怎么」, which ask nothing."""
    return _INDEFINITE.sub("", text)


def looks_like_question(text: str) -> bool:
    """Whether ``text`` reads as a question (「这个上征信吗？」) rather than an answer; 「征信没啥问题」 does
    not."""
    return bool(_QUESTION.search(without_indefinites(text)))
