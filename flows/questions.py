"""The self-check questions as data: for each criterion key, the prompt, the answer buttons and the parser.

Button ids are ``check:answer:<key>:<token>``: a yes/no token (``yes``/``no``), a credit status, or a
whole number. Numeric questions get range buttons cut at the boundaries of the chosen products'
criteria (「18–40岁」「41–55岁」…), so a button never straddles a rule and always yields the same verdict
as the exact number would.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flows.buttons import CheckAnswer, Nav
from flows.i18n import N_, _
from flows.reply import Button
from knowledge.base import KnowledgeBase
from knowledge.models import CriterionKey
from knowledge.understanding.answers import (
    parse_age,
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
)

AnswerValue = int | bool | str



@dataclass(frozen=True)
class Question:
    """One question of the self-check.

    ``options`` are (token, label msgid) pairs for yes/no and credit questions; numeric questions
    (``unit`` set) build range buttons from the criteria instead, within ``low``–``high``.
    """

    key: CriterionKey
    prompt: str
    expected: str
    parse: Callable[[str], AnswerValue | None]
    options: tuple[tuple[str, str], ...] = ()
    unit: str = ""
    low: int = 0
    high: int = 0


QUESTIONS: dict[CriterionKey, Question] = {
    q.key: q
    for q in (
        Question(
            key="student",
            prompt=N_("您现在是在校学生吗？"),
            expected=N_("请回答「是」或「不是」，例如「不是，已经工作了」。"),
            parse=parse_student,
            options=(("yes", N_("是，在校学生")), ("no", N_("不是学生"))),
        ),
        Question(
            key="age",
            prompt=N_("您今年多大？（直接输入数字，如「25」）"),
            expected=N_("请告诉我您的周岁年龄，例如「25」或「二十五岁」。"),
            parse=parse_age,
            unit=N_("岁"),
            low=1,
            high=120,
        ),
        Question(
            key="mainland_id",
            prompt=N_("您有中国大陆居民身份证吗？（只需回答有或没有，不要发送证件号）"),
            expected=N_("请回答「有」或「没有」，不需要也不要发送证件号码。"),
            parse=parse_mainland_id,
            options=(("yes", N_("有")), ("no", N_("没有"))),
        ),
        Question(
            key="credit",
            prompt=N_("您的征信（信用记录）情况是？"),
            expected=N_("请选一项，或说「没有逾期」「逾期已还清」「现在还有逾期」。"),
            parse=parse_credit,
            options=(
                ("clean", N_("没有逾期")),
                ("settled_overdue", N_("逾期过，已还清")),
                ("current_overdue", N_("现在还有逾期")),
            ),
        ),
        Question(
            key="monthly_income",
            prompt=N_("您每月大概收入多少元？（如「8000」「8k」「一万二」）"),
            expected=N_(
                "请告诉我每月收入的金额，例如「8000」「8k」或「一万二」；没有收入可以说「没有收入」。"
            ),
            parse=parse_income,
            unit=N_("元"),
            low=0,
            high=10**8 - 1,
        ),
        Question(
            key="xiaomi_device",
            prompt=N_("您在用小米（含红米）手机或设备吗？"),
            expected=N_("请回答「有小米手机」或「没有」，也可以说您用的品牌，如「用的华为」。"),
            parse=parse_xiaomi_device,
            options=(("yes", N_("有小米/红米设备")), ("no", N_("没有"))),
        ),
        Question(
            key="xiaomi_purchases",
            prompt=N_("您在小米商城、米家等小米生态里买过东西吗？"),
            expected=N_("请回答「买过」或「没买过」，例如「在小米商城买过手机」。"),
            parse=parse_xiaomi_purchases,
            options=(("yes", N_("买过")), ("no", N_("没买过"))),
        ),
        Question(
            key="wechat_wallet_entry",
            prompt=N_(
                "打开微信「我 → 服务 → 钱包」，能看到「微粒贷」的入口吗？"
                "（微粒贷是白名单邀请制，只对受邀用户显示）"
            ),
            expected=N_("请回答「能看到」或「看不到」；没去看过可以点「跳过」。"),
            parse=parse_wallet_entry,
            options=(("yes", N_("能看到入口")), ("no", N_("看不到"))),
        ),
        Question(
            key="wechat_pay_bound",
            prompt=N_("您的微信开通微信支付了吗？（已实名认证、绑定了本人银行卡）"),
            expected=N_("请回答「开通了」或「没开通」，例如「绑了银行卡」。"),
            parse=parse_wechat_pay_bound,
            options=(("yes", N_("开通了，已绑卡")), ("no", N_("没开通"))),
        ),
        Question(
            key="wechat_pay_monthly",
            prompt=N_("您平均每月用微信支付花多少钱？（大概就行，如「2000」「两三千」）"),
            expected=N_("请告诉我大概的金额，例如「1500」「每个月两三千」；基本不用可以说「不用」。"),
            parse=parse_wechat_spending,
            unit=N_("元"),
            low=0,
            high=10**8 - 1,
        ),
        Question(
            key="wechat_active",
            prompt=N_("最近半年，您平均每天会打开微信3次以上吗？"),
            expected=N_("请回答「会」或「不会」，例如「天天用」「很少打开」。"),
            parse=parse_wechat_active,
            options=(("yes", N_("会，每天都用")), ("no", N_("很少打开"))),
        ),
        Question(
            key="wechat_pay_score",
            prompt=N_("您的微信支付分是多少？（在微信「支付分」里能看到，300–850）"),
            expected=N_("请输入300到850之间的分数，例如「650」；不清楚可以点「跳过」。"),
            parse=parse_pay_score,
            unit=N_("分"),
            low=300,
            high=850,
        ),
    )
}


def answer_button_id(key: str, token: str) -> str:
    """The id of an answer button, e.g. ``check:answer:age:25``."""
    return CheckAnswer(key=key, token=token).pack()


def decode_token(question: Question, token: str) -> AnswerValue | None:
    """The answer a button token stands for, or ``None`` for a token that does not fit the question."""
    if question.unit:
        if not token.isdigit():
            return None
        number = int(token)
        return number if question.low <= number <= question.high else None
    if token in ("yes", "no") and any(t == token for t, _label in question.options):
        return token == "yes"
    if any(t == token for t, _label in question.options):
        return token
    return None


def _boundaries(kb: KnowledgeBase, key: str, products: Iterable[str]) -> list[int]:
    """Where a verdict can change for ``key``: each minimum, and one past each maximum."""
    chosen = set(products)
    points: set[int] = set()
    for criterion in kb.criteria:
        if criterion.key != key or criterion.product not in chosen:
            continue
        if criterion.min is not None:
            points.add(int(-(-criterion.min // 1)))  # ceil: the first whole value that passes
        if criterion.max is not None:
            points.add(int(criterion.max // 1) + 1)
    return sorted(points)


def range_options(question: Question, kb: KnowledgeBase, products: Iterable[str]) -> list[tuple[str, str]]:
    """(token, label) range buttons for a numeric question, cut at the criteria's boundaries."""
    unit = _(question.unit)
    cuts = [p for p in _boundaries(kb, question.key, products) if question.low < p <= question.high]
    if not cuts:
        return []
    options = [(str(cuts[0] - 1), _("{n}{unit}以下").format(n=cuts[0], unit=unit))]
    for start, nxt in itertools.pairwise(cuts):
        label = _("{a}–{b}{unit}").format(a=start, b=nxt - 1, unit=unit)
        options.append((str(start), label))
    options.append((str(cuts[-1]), _("{n}{unit}及以上").format(n=cuts[-1], unit=unit)))
    return options


def question_buttons(question: Question, kb: KnowledgeBase, products: Iterable[str]) -> list[list[Button]]:
    """The answer buttons (two per row), then 跳过 / 上一步 / 退出."""
    if question.unit:
        options = range_options(question, kb, products)
    else:
        options = [(token, _(label)) for token, label in question.options]
    buttons = [Button(id=answer_button_id(question.key, token), label=label) for token, label in options]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append(
        [
            Nav(action="skip").button(_("跳过")),
            Nav(action="back").button(_("上一步")),
            Nav(action="cancel").button(_("退出")),
        ]
    )
    return rows
