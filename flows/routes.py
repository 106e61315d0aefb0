"""Where a typed message goes: routes declared per flow and state, tried in order, first match wins.

A route pairs a *recogniser* (what the message means: a global word, despair, an answer to the pending
question, an FAQ question …) with a *handler* (what the engine does: steer, answer, start a flow …). Each
flow module declares the routes of its states (``ROUTES``); the engine tries

1. :data:`FIRST` — the words that steer and the moments that must never wait behind a flow (despair, a
   scam already paid, a pasted ID number, a message in English);
2. the routes of the current flow and state (an answer to the pending question, a product choice …);
3. :data:`LAST` — what any message may mean, whatever flow is open: a comparison, a calculation, a want
   (greeting, starting the self-check …), stated facts, and finally an FAQ question.

So a flow takes only what it declares; everything else is served as it would be anywhere, and the flow in
progress is kept and offered back (the engine's job, not each flow's). Recognisers return a payload for
their handler, or ``None`` when the message does not mean that.

Routes are written ``"recogniser -> handler"``; :func:`routes` reads them and every name is checked when
the engine is imported.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from flows.globals import global_word
from flows.session import Session
from flows.wants import scam_follow_up
from knowledge.understanding.api import FaqMatch
from knowledge.understanding.reading import Reading

if TYPE_CHECKING:
    from flows.engine_base import EngineBase


@dataclass(frozen=True)
class Route:
    """A message that ``means`` something (a recogniser's name) goes to ``to`` (a handler's name)."""

    means: str
    to: str


def routes(*rows: str) -> tuple[Route, ...]:
    """Routes written as ``"recogniser -> handler"``, in the order they are tried."""
    found = []
    for row in rows:
        means, arrow, to = (part.strip() for part in row.partition("->"))
        if not arrow or not means or not to:
            raise ValueError(f"a route reads 'recogniser -> handler', not {row!r}")
        found.append(Route(means, to))
    return tuple(found)


@dataclass
class TurnContext:
    """One typed message being routed: the engine, the session, and the message read once."""

    engine: EngineBase
    session: Session
    reading: Reading
    #: where the text came from: typed, forwarded, or read from a photo (:attr:`flows.reply.Turn.origin`)
    origin: str = "typed"
    #: set by a handler to keep the engine from repeating the pending question after its reply (a
    #: crisis reply must end on the help, not on 「第3题：您今年多大」)
    hold: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def meaning(self) -> FaqMatch:
        """What the message asks for, in the light of the answer and product the person is looking at."""
        return self.reading.meaning(
            previous_entry=self.session.faq.entry_id, previous_product=self.session.product
        )

    @property
    def questions(self) -> list[FaqMatch]:
        """The questions of a message that asks several at once, each understood apart (else empty)."""
        return self.reading.questions(
            previous_entry=self.session.faq.entry_id, previous_product=self.session.product
        )

    def want(self) -> str | None:
        """The action of the want the message expresses (greet, check, crisis …), or ``None``."""
        want = self.reading.want
        return self.engine.kb.entries[want].action if want in self.engine.kb.entries else None

    def wants_to(self, action: str) -> bool:
        """``want() == action``, the want matcher asked only when a want with ``action`` could come of it."""
        return self.reading.wants_to(action)


Recogniser = Callable[[TurnContext], Any]
#: every recogniser, by the name routes use
RECOGNISERS: dict[str, Recogniser] = {}


def recogniser(name: str) -> Callable[[Recogniser], Recogniser]:
    """Register a recogniser under ``name`` (a decorator)."""

    def register(function: Recogniser) -> Recogniser:
        if name in RECOGNISERS:
            raise ValueError(f"recogniser {name!r} is defined twice")
        RECOGNISERS[name] = function
        return function

    return register


# --- the shared routes --------------------------------------------------------------------------------

FIRST = routes(
    "global_word -> steer",
    "received_message -> inspect",
    "despair -> crisis",
    "scammed -> scammed",
    "marked -> want",
    "identifier -> identifier",
    "typed_button -> press",
    "quits -> steer",
)
LAST = routes(
    "figure_for_last_answer -> calc",
    "loan_for_rate_answer -> calc",
    "cheapest -> calc",
    "comparison -> compare",
    "situation -> check_situation",
    "english -> english",
    "answers_paused_check -> paused_answer",
    "want -> want",
    "concern -> concern",
    "overdue_now -> overdue_now",
    "debt_burden -> debt_burden",
    "calculation -> calc",
    "borrow_amount -> borrow",
    "states_facts -> offer_check",
    "what_now -> what_now",
    "introduces_product -> product_card",
    "guessed_want -> want",
    "anything -> ask",
)

#: cues that make two products named together a comparison (「小米和微粒贷哪个好」)
_COMPARE_CUES = re.compile(r"比|哪个|哪一个|哪家|还是|区别|不同|vs|pk|差别|更好|更低|更便宜|更划算|一样吗")


@recogniser("global_word")
def _global_word(ctx: TurnContext) -> str | None:
    return global_word(ctx.reading.text)


#: a 「no」 that leaves what is under way (「那我不借了 算了」「不用了」), not one that answers a question
QUITTING = re.compile(r"不借了|算了|不要了|不弄了|不用了|不需要了|不算了|不测了|不想借了")


@recogniser("quits")
def _quits(ctx: TurnContext) -> str | None:
    """「那我不借了 算了」 in the self-check or the calculator: leaving it, as 「算了」 alone does."""
    reading = ctx.reading
    if ctx.session.flow not in ("check", "calc") or reading.is_question or not QUITTING.search(reading.text):
        return None
    if reading.want not in (None, "act.deny", "act.bye"):
        return None  # 「算了 活着好累」: what follows the 算了 is served first, and the flow is kept
    # 「算了不测了」 is read as a no by the want matcher, not by a cue: either way it leaves
    said_no = "act.deny" in reading.cued or reading.want == "act.deny" or QUITTING.match(reading.text)
    return "cancel" if said_no else None


@recogniser("despair")
def _despair(ctx: TurnContext) -> bool | None:
    return True if ctx.wants_to("crisis") else None


@recogniser("scammed")
def _scammed(ctx: TurnContext) -> bool | None:
    return True if ctx.wants_to("scammed") else None


@recogniser("received_message")
def _received_message(ctx: TurnContext) -> bool | None:
    """A message the person received, to be checked: forwarded, read from a screenshot, or pasted."""
    from knowledge.inspection import looks_like_received_message

    if ctx.origin != "typed" or looks_like_received_message(ctx.reading.plain, normalised=True):
        return True
    return None


@recogniser("marked")
def _marked(ctx: TurnContext) -> str | None:
    """A want its markers decide outright (「不看征信的口子」「勾个不是学生能过不」), in any flow."""
    return ctx.want() if ctx.reading.marked else None


#: a bare figure: 「5000」「1万」「15天」
_BARE_FIGURE = re.compile(
    r"^[0-9.]+\s*(?:w|k|万|千|元|块|天)?$|^[零〇一二两三四五六七八九十百千万]+[元块天]?$"
)
#: FAQ answers about a cost, and the calculation a bare figure typed after one asks for
_CALC_AFTER = {
    "overdue.penalty": "借{n}逾期罚多少",
    "overdue.one_day": "借{n}逾期罚多少",
    "repay.early": "借{n}提前还款手续费多少",
}
#: FAQ entries whose question the calculator answers for a loan in view (the penalty, the early fee)
PRICED_ENTRIES = frozenset(_CALC_AFTER)


@recogniser("figure_for_last_answer")
def _figure_for_last_answer(ctx: TurnContext) -> str | None:
    """「5000」 right after the answer on penalties: that penalty, for 5000 (the calculator asks the rest)."""
    template = _CALC_AFTER.get(ctx.session.faq.entry_id or "")
    text = ctx.reading.text
    if template is None or ctx.session.flow != "faq" or not _BARE_FIGURE.match(text):
        return None
    return template.format(n=text if text[-1] in "元块天万千kw" else text + "元")


@recogniser("loan_for_rate_answer")
def _loan_for_rate_answer(ctx: TurnContext) -> str | None:
    """「借一万的话」「那分12期呢」 right after an answer on a product's rates: that loan, priced by them (the
    calculator asks what is still missing)."""
    session, reading = ctx.session, ctx.reading
    entry = ctx.engine.kb.entries.get(session.faq.entry_id or "")
    if entry is None or entry.topic != "rates" or session.flow != "faq" or session.product is None:
        return None
    request = reading.loan
    if (request.amount is None and not request.has_term()) or ctx.meaning.band == "answer":
        return None
    return reading.text


@recogniser("identifier")
def _identifier(ctx: TurnContext) -> list[str] | None:
    return [i.kind for i in ctx.reading.identifiers] or None


@recogniser("english")
def _english(ctx: TurnContext) -> bool | None:
    return True if ctx.reading.english else None


@recogniser("comparison")
def _comparison(ctx: TurnContext) -> list[str] | None:
    products = [p for p in ctx.reading.products if p in ctx.engine.kb.products]
    if len(ctx.reading.facts) >= 2 and _QUALIFY.search(ctx.reading.text):
        return None  # 「我26 月薪一万二 征信良好 微粒贷和小米贷款哪个能批」: the check answers it, for both
    if len(products) >= 2 and _COMPARE_CUES.search(ctx.reading.text):
        return products
    return None


#: a debt told rather than a sum asked: 「欠了六万」「逾期了好几家」
_DEBT_STORY = re.compile(r"欠了?|逾期了|还不上|好几家|几个平台")
#: words that do ask for a sum: 罚多少, 利息多少, 要还多少, 年化 …
_CALC_ASKED = re.compile(r"罚|利息|多少钱|还多少|要还|年化|利率|费率|算|划算|贵不贵|成本")


#: words without which figures typed in the self-check are not a loan to price
_LOAN_WORDS = re.compile(r"借|贷|利率|利息|年化|费率|每期|分[0-9一二两三四五六七八九十]+期|罚息|多少钱")


def tells_situation(reading: Reading) -> bool:
    """「24 奶茶店上班 月薪三千二 没逾期过」: a situation told, whose figures are no loan to price."""
    return len(reading.facts) >= 2 or "monthly_income" in reading.facts


def asks_of_its_own(ctx: TurnContext) -> bool:
    """「那WE2000呢 上征信吗」: a question the FAQ answers surely and that asks for no sum."""
    reading = ctx.reading
    return reading.is_question and ctx.meaning.band == "answer" and not _CALC_ASKED.search(reading.text)


@recogniser("calculation")
def _calculation(ctx: TurnContext) -> str | None:
    from knowledge.calc_parse import looks_like_calculation

    reading = ctx.reading
    if ctx.session.flow == "check" and not _LOAN_WORDS.search(reading.text):
        return None  # 「一个月五六千吧」 in the self-check answers it; a cost question says what it costs
    if tells_situation(reading):
        return None
    if _DEBT_STORY.search(reading.text) and not _CALC_ASKED.search(reading.text):
        return None  # 「欠了六万多 好几家都逾期了」 tells of a debt; it does not ask for a sum
    calculation = looks_like_calculation(reading.text, mentions=reading.mentions, request=reading.loan)
    return reading.text if calculation else None


#: someone else's debt (「我朋友逾期三天了」)
_SOMEONE_ELSES = re.compile(
    r"我(?:妈|爸|老公|老婆|媳妇|对象|朋友|同事|家人|亲戚|哥|姐|弟|妹)|朋友|同事|家里人"
)
#: the FAQ topics an overdue of one's own may be asked about beside the penalty
_OVERDUE_TOPICS = frozenset({"overdue", "credit", "repayment"})
#: one's own overdue told (「我已经逾期三天了」「逾期5天了怎么办」), not a question about anyone's
_MY_OVERDUE = re.compile(r"我|已经|已|都|天了|日了|(?:逾期|晚还|迟还|拖欠|超期|拖)了")


@recogniser("overdue_now")
def _overdue_now(ctx: TurnContext) -> int | None:
    """Days one's own loan is overdue, told without the sum owed: the penalty for those days, and the
    sum asked for."""
    reading = ctx.reading
    request = reading.loan
    if request.overdue_days is None or request.amount is not None or not _MY_OVERDUE.search(reading.text):
        return None
    if REPORTED.search(reading.text) or _SOMEONE_ELSES.search(reading.text):
        return None  # 「客服说我逾期三天了 让我先转500解冻」 is a scam talking; a friend's debt is not mine
    match = ctx.meaning
    topic = ctx.engine.kb.entries[match.entry_id].topic if match.entry_id in ctx.engine.kb.entries else None
    if match.band == "answer" and topic not in _OVERDUE_TOPICS:
        return None  # the message asks something else, which the FAQ answers (a fee asked first …)
    return request.overdue_days if 0 < request.overdue_days <= 3650 else None


#: 「我想了解一下WE2000」「给我介绍下小米贷款」: tell me about this product
_INTRODUCE = re.compile(
    r"^(?:我)?(?:想|要|想要)?(?:了解|介绍|说说|讲讲|科普|聊聊|看看)(?:一下|下)?(?:这个|那个)?"
    r"|^(?:给我|帮我|跟我|和我)(?:介绍|说说|讲讲|科普)(?:一下|下)?"
)


@recogniser("introduces_product")
def _introduces_product(ctx: TurnContext) -> str | None:
    """「我想了解一下WE2000」: one product named with words asking to hear about it, and no question the
    FAQ answers: that product's card (what it is, its figures, where to go next)."""
    reading = ctx.reading
    named = [p for p in reading.products if p in ctx.engine.kb.products]
    if len(named) != 1 or not _INTRODUCE.search(reading.text.replace(" ", "")):
        return None
    # nothing asked but the product (「我想了解一下WE2000」): its card, whatever entry the words lean to
    rest = _INTRODUCE.sub("", reading.analysis.topic_text.replace(" ", ""), count=1)
    if ctx.engine.reader.matcher.words.follow_up.is_bare(rest):
        return named[0]
    return named[0] if ctx.meaning.band != "answer" else None


#: 「借5000」「我想借两万」「急需3000块钱」, or a bare 「5000」 with nothing asked: a sum to borrow
_BORROW = re.compile(r"^(?:我)?(?:(?:想|要|打算|准备)?(?:借|贷)|(?:急需|需要|缺)(?:借|贷)?)(?:个|点|款)?")
_BARE_SUM = re.compile(r"^[0-9]+(?:\.[0-9]+)?\s*(?:w|k|万|千)?\s*(?:元|块|块钱)?$")


@recogniser("borrow_amount")
def _borrow_amount(ctx: TurnContext) -> str | None:
    """A sum to borrow and nothing else (「借5000」「5000」 at the menu): what that loan costs is worked out,
    and the self-check is offered beside it. Inside a flow, a bare figure belongs to its question."""
    from knowledge.calc_parse import parse

    reading = ctx.reading
    text = reading.text.replace(" ", "")
    choosing = (ctx.session.flow, ctx.session.state) == ("check", "choosing")  # no question asked yet
    if reading.is_question or (ctx.session.flow not in ("menu", "faq") and not choosing):
        return None
    if _BARE_SUM.match(text):
        text = "借" + text  # a bare 「5000」 is read as the sum it stands for
        request = parse(text, mentions=reading.mentions)
    elif _BORROW.match(text):
        request = reading.loan  # the message as a cost question, read once for every route
    else:
        return None
    if request.amount is None or request.amount < 100 or request.missing() != ["term", "price"]:
        return None
    return text


@recogniser("cheapest")
def _cheapest(ctx: TurnContext) -> str | None:
    """「借1万 三个月 哪个最便宜」「借5千 分12期 小米和微粒贷哪个便宜」: an amount with 「which is cheapest」
    is a ranking of what that loan costs, not the comparison table."""
    request = ctx.reading.loan
    if request.intent == "cheapest" and request.amount is not None:
        return ctx.reading.text
    return None


#: asking whether one qualifies: 「能批吗」「够格吗」「能申请下来吗」, as said after one's situation
_QUALIFY = re.compile(
    r"能批|批得下|批下来|能过|过得了|能通过|能不能过|够格|够条件|够不够|符合|有戏|有没有戏|能申请|可以申请|能开通|"
    r"能借到|借得到|能借吗|可以借吗|能不能借|能借不|有资格|给批|让借|能开不|能开吗|开得了|能不能开|能办不|能办吗"
)
#: 「有什么能借的」「我能借哪个」: asks which products would take them, so every product is checked (a product
#: named in a fact, 「微粒贷入口没有」, is not the one asked about)
ASKS_WHICH = re.compile(
    r"(?:有什么|有啥|有哪些|哪个|哪些|哪家)(?:我)?(?:能|可以)(?:借|贷|申请|批)|(?:能|可以)(?:借|申请)(?:哪个|哪些|什么|啥|哪家)"
)


#: the FAQ entry listing the conditions: asked about oneself, the check answers it
_CONDITIONS = "req.conditions"
_PARTICLES = re.compile(r"[吗呢啊呀吧么不]|那|这个|请问|你好|想问")
#: a product named to be tested, and nothing else: 「测一下小米贷款」「帮我测测微粒贷」「WE2000自测」
_TEST_IT = re.compile(
    r"(?:帮我|给我|我想|想|再|先|也)?(?:测|测测|测一测|自测|测试)(?:一下|下)?(?:吧|呗|看|看看)?"
)
#: 「能借多少」「能批几万」 ask about the amount, not whether one qualifies
_HOW_MUCH = re.compile(r"多少|几万|几千|多大|多高|额度|多久|利息|利率")


@recogniser("situation")
def _situation(ctx: TurnContext) -> dict[str, Any] | None:
    """Whether I qualify, with or without my situation (「我27…小米贷款能批吗」「我够条件借微粒贷不」): the
    check, fed with the facts stated. A question about the rules for others (「学生能申请微粒贷吗」) is
    not one: it names no 我 and states nothing."""
    reading = ctx.reading
    if reading.products and _TEST_IT.fullmatch(reading.analysis.topic_text.replace("|", "").replace(" ", "")):
        return dict(reading.facts)  # 「测一下小米贷款」「测测微粒贷」: nothing else can be meant
    if len(reading.facts) >= 2 and _TEST_IT.search(reading.text):
        return dict(reading.facts)  # 「帮我测一下全部产品 我30 没逾期 …」: asked to test, with the facts
    # 「我能借小米贷款吗」: the product named inside the question is taken out to find it
    without_products = reading.analysis.topic_text.replace("|", "").replace(" ", "")
    asked = _QUALIFY.search(reading.text) or _QUALIFY.search(without_products)
    if asked is None and reading.facts:
        asked = ASKS_WHICH.search(reading.text)  # 「我35 … 有什么能借的」: which would take me, as I am
    if asked is None or _HOW_MUCH.search(reading.text):
        return None
    if len(reading.facts) >= 2:
        return dict(reading.facts)  # a situation told, and the question: the check answers it best
    rest = _PARTICLES.sub("", without_products.replace(asked.group(0), ""))
    mine = reading.facts or "我" in reading.text or not rest  # 「能借吗」 alone asks it
    match = ctx.meaning
    if mine and (match.band != "answer" or match.entry_id == _CONDITIONS):
        # 「每月工资2500够申请吗」 has its FAQ answer (with the offer to check); what the FAQ cannot
        # answer with confidence is better met by the check itself, and so is the list of conditions,
        # which the check applies to the person asking
        return dict(reading.facts)
    return None


@recogniser("want")
def _want(ctx: TurnContext) -> str | None:
    return ctx.want()


@recogniser("guessed_want")
def _guessed_want(ctx: TurnContext) -> str | None:
    """The classifier's want (「联系人随便写一个可以不」 is lying on an application), when nothing before it
    understood the message and the FAQ has no confident answer: a weaker reading than ``want``."""
    cued = [want for want in ctx.reading.cued if want not in ("act.affirm", "act.deny")]
    if cued:
        return None  # a cue's want (「测测」 is the self-check) is surer: the FAQ's route serves it
    # (「ok 谢」: an ok beside a thanks is the thanks)
    want = ctx.reading.guessed_want
    if want is None or want not in ctx.engine.kb.entries or ctx.meaning.band == "answer":
        return None
    ctx.extra["want"] = want
    return ctx.engine.kb.entries[want].action


@recogniser("states_facts")
def _states_facts(ctx: TurnContext) -> dict[str, Any] | None:
    """Facts stated: in a flow that keeps them, any; elsewhere a situation told (two facts or more, or one
    more after the check was offered for the ones told before), and not a question, which the FAQ answers
    (「17岁能贷款吗」)."""
    facts = ctx.reading.facts
    if ctx.session.flow == "check":
        return dict(facts) or None
    # 「我28 一个月四千多」 then 「也没逾期过」 or 「不对 我是26」 (the situation told over several messages);
    # but 「微粒贷入口我找不到」 is a question the FAQ answers
    told = ctx.extra.get("offer") == "check" or ctx.extra.get("told_before")
    adding = bool(told) and ctx.meaning.band != "answer"
    if facts and (len(facts) >= 2 or adding) and not ctx.reading.is_question:
        return dict(facts)
    return None


#: what a scammer is reported to have said or asked (「他说放款后会退」「对方让我先交」): in a scam, or
#: about a message just checked, that is the scam talking, whatever FAQ entry its words resemble
REPORTED = re.compile(r"(?:他|她|对方|客服|他们|那人|骗子|中介)(?:们)?(?:说|让|叫|要|讲|非要|一直)")
#: words that point back at a message just checked (「这个靠谱吗」「他们说的是真的吗」「链接能点吗」)
_ABOUT_A_MESSAGE = re.compile(
    r"这|那|它|他|她|对方|短信|消息|信息|链接|网址|客服|号码|电话|真的|假的|骗|靠谱|正规|安全|能信|回复|回他|点|填|转|交"
)
#: the concerns of a scam: going on, or money already paid to it
SCAM_CONCERNS = frozenset({"scam", "scam_paid"})
#: FAQ topics whose confident answer is right even in a scam (how to tell one, where to complain)
_SCAM_TOPICS = frozenset({"safety", "complaints"})


@recogniser("concern")
def _concern(ctx: TurnContext) -> str | None:
    """The concern of the last turns (a scam going on, despair, a message just checked) when the message
    reads as a follow-up to it: what the FAQ cannot answer, and in a scam or about a checked message what
    the scammer said or threatened (「他说不交就影响征信 还要起诉我」 is no question about overdue debt)."""
    concern = ctx.session.concern
    if concern is None or ctx.reading.cued:
        return None  # 「好 我不回他了 谢谢」: small talk is answered as such (warmly after despair)
    match = ctx.meaning
    if concern in SCAM_CONCERNS and scam_follow_up(ctx.reading.text) is not None:
        return concern  # 「他们有我身份证照片 会不会拿去贷款」: one line answers it in the scam's light
    reported = REPORTED.search(ctx.reading.text)
    if concern in SCAM_CONCERNS and ctx.reading.products and ctx.reading.is_question and not reported:
        return None  # 「那正经的微粒贷上哪弄」: a question of its own about a product, for the FAQ
    if concern == "message" and match.band == "suggest" and not _ABOUT_A_MESSAGE.search(ctx.reading.text):
        return None  # 「征信黑了多久能白回来」 after a checked message: a question of its own, for the FAQ
    if match.band != "answer" or match.entry_id not in ctx.engine.kb.entries:
        return concern
    topic = ctx.engine.kb.entries[match.entry_id].topic
    if concern == "crisis" or topic in _SCAM_TOPICS:
        return None
    if REPORTED.search(ctx.reading.text):
        return concern
    if concern in SCAM_CONCERNS and topic in ("credit", "overdue"):
        return concern  # 「那我征信真的会受影响吗」: the scammer's threat, not a question about overdue debt
    checked = ctx.session.checked
    if concern == "message" and topic == "rates" and checked is not None and checked.irr is not None:
        # 「每期1980 这利息高吗」: that message's rate, not the articles' ranges; but 「微粒贷真实利率多少」
        # names a product, and a message without figures has no rate of its own
        return None if ctx.reading.products else concern
    return None


#: a debt told as a burden (「欠了八个平台 加起来十二万 工作也没了」): many lenders, a large sum, no pay
_DEBT_BURDEN = re.compile(
    r"(?:欠|负债|背)了?.{0,8}(?:[0-9一二三四五六七八九十两几多]+个?(?:平台|家|网贷)|好几家|很多家|"
    r"[0-9一二三四五六七八九十两几]+[0-9一二三四五六七八九十两几千百]*万)|"
    r"(?<!要是)(?<!如果)(?<!万一)(?<!假如)(?:还不上|还不起)|不够还|以贷养贷|拆东墙|"  # 「要是还不上…」 asks
    r"(?:到期|要还|该还).{0,6}(?:钱|工资)不够|凑不(?:够|齐|出来)|"
    r"(?:工作|饭碗)也?(?:没了|丢了)|失业了|被裁了"
)


@recogniser("debt_burden")
def _debt_burden(ctx: TurnContext) -> bool | None:
    """A debt told as a burden, asking nothing the FAQ answers with confidence: met as a person, then what
    can be done when one cannot repay (the FAQ would only offer 「您是不是想问」)."""
    if not _DEBT_BURDEN.search(ctx.reading.text) or ctx.session.concern == "crisis":
        return None
    return True if ctx.meaning.band != "answer" else None


#: 「那咋办」「然后呢」: what to do next about the answer just read, asked with no words of its own
WHAT_NOW = re.compile(
    r"(?:那|那我|那么|所以|然后)?(?:该|要|应该)?(?:咋办|怎么办|怎么弄|咋弄|咋整|怎么整|怎么做|咋做|然后呢|接下来呢|那呢)"
    r"[呀啊呢哇吧]*"
)


@recogniser("what_now")
def _what_now(ctx: TurnContext) -> str | None:
    """The entry whose answer the person just read, when they ask 「那咋办」 about it and nothing more."""
    entry = ctx.session.faq.entry_id
    answered = (ctx.session.flow, ctx.session.state) == ("faq", "answered")  # not after a fallback
    if entry is None or not answered or ctx.meaning.band == "answer":
        return None
    return entry if WHAT_NOW.fullmatch(ctx.reading.text.replace(" ", "")) else None


@recogniser("anything")
def _anything(ctx: TurnContext) -> FaqMatch:
    return ctx.meaning
