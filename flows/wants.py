"""What the advisor says to the wants that are not FAQ questions: small talk, who it is, what it can do,
and the moments that matter (despair, a scam already paid, a pasted ID number, a message in English).

Small talk is answered in a few wordings, taken in turn (``Session.chatter`` counts them), so a person
who says 「谢谢」 twice does not read the same sentence twice. Replies that carry facts (hotlines, what to
do after a scam) take them from the knowledge base, with their sources; only the framing is UI text.
"""

from __future__ import annotations

import re

from flows.buttons import CheckProduct, CheckStart, Products, Topic, Topics
from flows.i18n import N_, _, is_chinese
from flows.render import entry_button_id, home_button, main_menu_rows, source_line
from flows.reply import Button, Message, Reply, esc
from flows.session import Session
from knowledge.base import KnowledgeBase
from knowledge.eligibility import checkable_products
from knowledge.models import Action

#: the wordings of each kind of small talk, taken in turn
SMALL_TALK: dict[str, tuple[str, ...]] = {
    "greet": (
        N_(
            "您好！我是网贷问答助手，可以回答小米贷款、微粒贷、WE2000 等网贷的申请、征信、利率、逾期和防骗"
            "问题，"
            "也能帮您自测能不能申请、算算真实利息。直接打字问就行。"
        ),
        N_("您好，在的。想了解哪个产品，或者想测测自己能不能申请？直接说就好。"),
        N_("哈喽！有什么网贷方面的问题，直接问我；想知道自己够不够条件，可以说「测一下资格」。"),
    ),
    "thanks": (
        N_("不客气！还有别的问题随时问。"),
        N_("不用谢，能帮上忙就好。借钱前多比较、量力而行。"),
        N_("客气啦。有新的问题随时来问。"),
    ),
    "bye": (
        N_("再见！借款前记得看清合同里的年化利率和费用。需要时随时回来问。"),
        N_("好的，再见。有问题随时找我。"),
        N_("拜拜！祝一切顺利。"),
    ),
    # putting it off (「那我毕业了再来」「以后再说」): a goodbye that says the door stays open
    "later": (
        N_("好的，等方便的时候再来，随时可以接着问或重新测。"),
        N_("没问题，以后需要了随时再来。"),
    ),
    "laugh": (
        N_("😄 还有什么想问的吗？"),
        N_("哈哈，有其他问题随时问我。"),
    ),
    "affirm": (
        N_("好的。还想了解什么？可以直接问，或点下面的按钮。"),
        N_("嗯，好的。接下来想看哪方面？"),
    ),
    "deny": (
        N_("好的，不用就不用。还有别的问题随时问。"),
        N_("明白。需要的时候再找我。"),
    ),
    "identity": (
        N_(
            "我是自动回复的网贷问答助手，不是真人客服，也不是任何贷款机构；我根据几篇公开文章回答问题，"
            "不构成金融建议。办理业务、查自己的账户，请走产品官方 App 里的客服。"
        ),
        N_(
            "我是个程序，不是人工客服，也不代表小米、微众银行或任何放款机构。能帮您的是：解答常见问题、"
            "自测能不能申请、算真实利息。要办业务请找官方客服。"
        ),
    ),
    "complaint": (
        N_(
            "抱歉没答到点子上。可以换个说法再问一次，或者从下面的主题里找；我只懂小米贷款、微粒贷、WE2000 和"
            "微信里贷款平台的问题。"
        ),
        N_("对不起，刚才的回答没帮上忙。试试更具体地问，比如「微粒贷逾期一天上征信吗」，或者点下面的按钮。"),
    ),
}
#: putting it off rather than leaving (「那我毕业了再来」): answered with the "later" wordings
DEFERRAL = re.compile(r"(?:了|以后|之后|回头|改天|下次|过段时间)再(?:来|说|问|测|看)")
#: the main-menu buttons follow these (a greeting offers everything; a thank-you nothing)
WITH_MENU = {"greet", "affirm", "complaint", "identity"}


def small_talk(action: Action, session: Session) -> Reply:
    """A reply to small talk (``greet``, ``thanks``, ``bye``, ``laugh``, ``affirm``, ``deny``, ``identity``,
    ``complaint``), worded differently each time."""
    wordings = SMALL_TALK[action]
    text = _(wordings[session.chatter % len(wordings)])
    session.chatter += 1
    return Reply().add(text, main_menu_rows() if action in WITH_MENU else [])


def help_reply() -> Reply:
    """What the advisor can do and how to ask (the help command, 「你能帮我干嘛」)."""
    text = _(
        "我能做的：\n"
        "• 回答网贷问题：小米贷款、微粒贷、WE2000、微信里的贷款平台的申请条件、征信、利率、额度、还款、逾期、"
        "防骗，每个回答都注明出自哪篇文章。\n"
        "• 资格自测：说「测一下资格」或「我27岁月入六千能借小米贷款吗」，只问需要的问题，逐个产品给结论。\n"
        "• 算真实利息：如「借1万分12期日息万五」。\n"
        "• 产品对比：如「小米贷款和微粒贷哪个利息低」。\n"
        "命令：/check 自测 /calc 计算 /compare 对比 /menu 主菜单 /lang 语言 /privacy 隐私 /forget 删除记录\n"
        "随时可以说：返回、跳过、取消、重新开始、菜单。"
    )
    return Reply().add(text, main_menu_rows())


def knowledge_reply(kb: KnowledgeBase, entry_id: str, rows: list[list[Button]]) -> Reply:
    """A want's own answer from the knowledge base (the crisis lines, what to do after a scam), with its
    sources and ``rows`` of buttons."""
    answer = kb.entries[entry_id].answer_for(None)
    text = f"{esc(answer.text)}\n{source_line(kb, answer.sources)}"
    return Reply().add(text, rows)


#: what to do now, in the UI language, for readers who cannot read the knowledge base's Chinese (the
#: numbers are the knowledge base's general-knowledge ones, act.despair and act.scammed)
CRISIS_LINES = N_("如有危险，请立即拨打110或120；想找人说说话，可拨打全国心理援助热线12356。")
SCAMMED_LINES = N_("先别再转任何钱，也别给验证码；打110报警或拨打反诈专线96110，保存转账和聊天记录。")


def _lines_first(reply: Reply, lines: str) -> Reply:
    """Outside Chinese, ``lines`` (translated) before a knowledge-base answer the person cannot read."""
    if not is_chinese():
        reply.messages.insert(0, Message(text=esc(_(lines))))
    return reply


#: the first words of a reply to sadness, taken in turn (the facts after them come from the knowledge base)
COMFORT = (N_("听到你这么说，我很担心你。"), N_("辛苦了。"), N_("我在听。"))


def _opener(session: Session) -> str:
    """The first warm words, taken in turn so that they are not the same each time."""
    opener = _(COMFORT[session.chatter % len(COMFORT)])
    session.chatter += 1
    return opener


def comfort_reply(kb: KnowledgeBase, session: Session) -> Reply:
    """Sadness or worry without a crisis: a few warm words, the ways out, the lines to call."""
    opener = _opener(session)
    reply = crisis_reply(kb, "act.sad")
    first = reply.messages[0]
    reply.messages[0] = first.model_copy(update={"text": f"{esc(opener)}{first.text}"})
    return reply


def scam_comfort_reply(kb: KnowledgeBase, session: Session) -> Reply:
    """Sadness or shame in the middle of a scam (「我好后悔 老公知道了肯定骂死我」): warm words that fit it —
    not the advice on debts — what to do next, and the line to call."""
    opener = _opener(session)
    text = _(
        "被骗不是你的错，骗子专挑着急用钱的人下手，很多人都遇到过。现在要紧的是：别再转钱，"
        "打 110 报警或 96110 反诈专线，转账记录、聊天记录、对方的账号和 App 都先留着当证据；"
        "跟家里人说一说，一起面对会好受些。心里实在难受，可以拨打全国心理援助热线 12356（常识）。"
    )
    return Reply().add(esc(opener) + text, scam_rows(kb))


def related_answer(kb: KnowledgeBase, entry_id: str, product: str | None) -> Reply:
    """A want answered by an FAQ entry it points at (「不看征信的口子」 → how to tell a scam)."""
    from flows.render import render_entry

    related = [e for e in kb.entries[entry_id].related if e in kb.entries]
    return render_entry(kb, related[0], product) if related else help_reply()


def crisis_reply(kb: KnowledgeBase, entry_id: str = "act.despair") -> Reply:
    """Despair or self-harm wording: a warm reply with the crisis lines first, then help with the debt."""
    rows = [
        [Button(id=entry_button_id(e), label=_(label))]
        for e, label in (
            ("overdue.cant_repay", N_("钱还不上了，可以怎么办")),
            ("overdue.collection", N_("催收越界了怎么办")),
        )
        if e in kb.entries
    ]
    return _lines_first(knowledge_reply(kb, entry_id, rows), CRISIS_LINES)


def scammed_reply(kb: KnowledgeBase) -> Reply:
    """A scam already paid: what to do now (stop paying, 110 / 96110, keep the records), then the signs."""
    rows = [
        [Button(id=entry_button_id(e), label=kb.entries[e].question)]
        for e in ("safety.scam_signs", "safety.verification_code", "complaint.channels")
        if e in kb.entries
    ]
    return _lines_first(knowledge_reply(kb, "act.scammed", rows), SCAMMED_LINES)


def scam_rows(kb: KnowledgeBase) -> list[list[Button]]:
    """The buttons under a reply about a scam: how to tell one, where to complain."""
    return [
        [Button(id=entry_button_id(e), label=kb.entries[e].question)]
        for e in ("safety.scam_signs", "complaint.channels")
        if e in kb.entries
    ]


def scam_ongoing_reply(kb: KnowledgeBase) -> Reply:
    """A scam still going on (「他还在等我回电话」「他说不交就影响征信」): stop, what not to do, whom
    to call."""
    return _lines_first(knowledge_reply(kb, "act.scam_ongoing", scam_rows(kb)), SCAMMED_LINES)


def scam_again_reply(kb: KnowledgeBase) -> Reply:
    """The same scam, a message later (「他们说再交3000就能放款」): the few lines that matter, as buttons
    the signs and where to complain (the whole reply was just given)."""
    text = _(
        "还是那句话：别再转钱，也别给验证码。“再交一笔就放款、解冻、退款”正是这类骗局的下一步，"
        "交了还会有下一笔；正规贷款放款前不收任何费用。"
        "装过对方让下的 App、填过银行卡的，卸载 App、改密码，请银行冻结或挂失那张卡。"
        "打 110 报警或 96110 反诈专线，转账和聊天记录都留好，对方的 App 和聊天先别删，报警时是证据（常识）。"
    )
    return Reply().add(text, scam_rows(kb))


#: what a person asks after a scam, and the one line that answers it (general knowledge, said so)
SCAM_FOLLOW_UPS = (
    (
        re.compile(r"身份证|证件|照片|人脸|刷脸|个人信息|资料"),
        N_(
            "身份证照片、人脸视频落到骗子手里，可能被拿去冒名借款：报警时一并说明；之后定期从人民银行"
            "征信中心的官方渠道查自己的征信报告，看到不是自己借的贷款，马上联系那家机构并报警（常识）。"
        ),
    ),
    (
        re.compile(r"删|卸载|拉黑"),
        N_(
            "先别删：聊天记录、转账凭证、对方的账号和 App 截图保存好，报警时是证据；"
            "App 里填过的密码都改掉，截图留好后再卸载（常识）。"
        ),
    ),
    (
        re.compile(r"报警|派出所|警察|110|96110"),
        N_(
            "报警有用，越早越好：越早报警，越有机会止付、冻结对方账户；去报警时带上身份证、转账记录、"
            "聊天记录和对方的账号、链接或 App 名称（常识）。"
        ),
    ),
)


def scam_follow_up(text: str) -> str | None:
    """The line (a msgid) that answers a question asked in the middle of a scam (「那个app要不要删」「他们有
    我身份证照片」), or ``None`` when it is none of those."""
    return next((line for pattern, line in SCAM_FOLLOW_UPS if pattern.search(text)), None)


def scam_follow_up_reply(kb: KnowledgeBase, text: str) -> Reply | None:
    """:func:`scam_follow_up`'s line with the lines that matter after it; ``None`` when there is none."""
    line = scam_follow_up(text)
    return None if line is None else Reply().add(_(line) + "\n" + _(SCAMMED_LINES), scam_rows(kb))


def scam_threat_line() -> str:
    """One line beside an answer given in the middle of a scam: what to make of the scammer's threats."""
    return _(
        "至于对方说的：不转钱、不照做就“影响征信”“要起诉”，都是吓唬人的；收费“消除逾期记录”也是骗局。"
        "别再联系他，已经转了钱就打 110 或 96110。"
    )


def inspect_prompt() -> Reply:
    """「帮我看看这条消息」 with no message yet: ask for it, and say what is done with it."""
    return Reply().add(
        _(
            "把收到的消息原文直接粘贴发过来（转发也行），或者发截图，我帮你看有没有诈骗的常见迹象、"
            "真实年化是多少。消息里的号码我会隐去，原文不保存；你自己的身份证号、手机号不用发。"
        )
    )


def crisis_goodbye() -> Reply:
    """Thanks or goodbye after despair: warm, and the line to call kept in view."""
    return Reply().add(
        _("不客气，愿意说出来就很好。想聊的时候随时来找我；如果又觉得撑不住，可以拨打全国心理援助热线12356。")
    )


IDENTIFIER_NAMES = {"id_card": N_("身份证号"), "mobile": N_("手机号"), "bank_card": N_("银行卡号")}


def identifier_warning(kinds: list[str]) -> Reply:
    """A pasted ID, card or phone number: do not share it (never repeated back), it was not kept."""
    names = "、".join(dict.fromkeys(_(IDENTIFIER_NAMES[k]) for k in kinds if k in IDENTIFIER_NAMES))
    if not kinds:  # 「我把身份证号发你吧」: offered, not sent
        return Reply().add(
            _(
                "不用发，也请别发：身份证号、手机号、银行卡号我都用不上，发在聊天里还可能被人拿去冒名借款或诈骗。"
                "额度只能在官方 App 里查，征信可以从人民银行征信中心的官方渠道自己查（常识）；"
                "能不能申请，我问几个不涉及号码的问题就能帮你测。"
            ),
            [[CheckStart().button(_("我能申请吗？（资格自测）"))]],
        )
    text = _(
        "⚠️ 请不要在聊天里发{what}：我用不上，也不会保存（已从记录里隐去）。这类号码被别人拿到，可能被冒名借款"
        "或诈骗；正规贷款只在官方 App 里核验身份，不会让你把号码发到聊天里。"
    ).format(what=names or _("个人证件号码"))
    return Reply().add(text)


def english_reply(
    kb: KnowledgeBase, topics: list[str], *, introduced: bool = False, answering: bool = False
) -> Reply:
    """A message in English: what the advisor covers, that its answers are in Chinese, likely topics;
    once ``introduced``, the topics with one line (the introduction is not repeated at every message),
    and when an answer follows (``answering``), only a line that says it is in Chinese."""
    # written, like every msgid, in Chinese; the English catalog holds what an English writer reads
    text = _(
        "您好！我是网贷问答助手（loan-advisor），自动回答小米贷款（随星借）、微粒贷、WE2000 和微信里的"
        "第三方平台的问题：申请条件、征信、利率、还款、逾期和防骗；也能做资格自测、算借款的真实年化成本。"
        "我根据公开的中文文章回答，所以回答是中文的；菜单可以切换成英文（/lang en）。我不是贷款机构，"
        "也不构成金融建议。点下面的主题，或者用中文提问。"
    )
    if introduced:
        text = _(
            "我回答小米贷款、微粒贷、WE2000 和微信里第三方平台的问题，能做资格自测、算真实成本；回答来自"
            "中文文章，所以是中文的。最接近的主题在下面，也可以用中文提问。"
        )
    if introduced and answering:
        text = _("文章里最接近的回答如下（中文）：")
    rows = [[Topic(topic=t).button(kb.topics[t].title)] for t in topics if t in kb.topics][:3]
    rows.append([CheckStart().button(_("我能申请吗？（资格自测）"))])
    rows.append([Topics().button(_("常见问题")), Products().button(_("产品一览"))])
    return Reply().add(text, rows)


def what_now(kb: KnowledgeBase, entry_id: str, product: str | None) -> Reply:
    """「那咋办」 after the answer to ``entry_id``: where the steps are, and the questions that come next."""
    entry = kb.entries[entry_id]
    text = _("接着「{question}」问的话：能做的在上面那条回答里；再往下，这些可能有用：").format(
        question=esc(entry.question)
    )
    rows = [
        [Button(id=entry_button_id(e, product), label=kb.entries[e].question)]
        for e in entry.related
        if e in kb.entries
    ][:3]
    rows.append([Button(id=entry_button_id(entry_id, product), label=_("再看一遍这条回答"))])
    rows.append([home_button()])
    return Reply().add(text, rows)


def offer_check(kb: KnowledgeBase, known: str, in_view: str | None = None) -> Reply:
    """Facts stated outside the self-check: say them back and offer to check with them — first for the
    product the person was asking about (``in_view``), when it is one the check covers."""
    products = checkable_products(kb)
    if in_view in products:
        text = _(
            "我记下了：{facts}。要我用这些信息测一下{product}吗？也可以换别的产品，或者全部都测："
        ).format(facts=esc(known), product=esc(kb.product_name(in_view)))
        products = [in_view] + [p for p in products if p != in_view]
    else:
        text = _("我记下了：{facts}。要我用这些信息测一下能申请哪个产品吗？选一个，或者全部都测：").format(
            facts=esc(known)
        )
    rows = [
        [CheckProduct(product=p).button(kb.product_name(p)) for p in products],
        [CheckProduct(product="all").button(_("全部都测"))],
        [home_button()],
    ]
    return Reply().add(text, rows)
