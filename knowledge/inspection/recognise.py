"""Telling a message someone received (pasted into the chat) from a question they typed themselves.

A pasted SMS or chat has marks a typed question lacks: a sender tag 「【微众银行】」 at the start,
「回T退订」, a transcript's speaker labels (「客服：…」 on two lines or more), a link, the formal
「尊敬的用户」/「您的」 of a notice. A question the person types is short, speaks as 「我」 and
often ends in 「吗」「？」. The rule is deliberately simple and declared here as weighted marks; tests
hold it against every labelled message (must be recognised) and every labelled question of the FAQ
sets (must not be).
"""

from __future__ import annotations

import re

from knowledge.inspection.signs import find_signs, normalise

#: two lines or more that begin with a speaker's name: a chat transcript (its questions are the chat's own)
_TRANSCRIPT = re.compile(r"(?m)(?:^[^\n:：]{1,14}[:：].+\n){1,}^[^\n:：]{1,14}[:：]")
#: (mark, weight): a message is taken as received when the weights found add up to :data:`THRESHOLD`
MARKS: tuple[tuple[re.Pattern[str], int], ...] = (
    (re.compile(r"^\s*【[^】]{2,14}】"), 3),  # an SMS sender tag at the start
    (re.compile(r"【[^】]{2,14}】\s*$"), 3),  # … or at the end, as some senders place it
    (re.compile(r"回T退订|退订回T|拒收请回复|回复TD退订"), 3),
    # a notice's heading: 「群公告：…」「温馨提示：…」
    (re.compile(r"^\s*(?:群公告|公告|群规|通知|温馨提示|温馨提醒|重要提醒)\s*[:：]"), 3),
    (_TRANSCRIPT, 3),
    # an app's push notice as a screenshot or a copy shows it: 「微粒贷 · 刚刚」「招商银行 · 10:32」
    (
        re.compile(
            r"^\s*[^\n·•]{1,16}[ \t]*[·•][ \t]*"
            r"(?:刚刚|现在|\d{1,2}(?:分钟|小时)前|昨天|今天|\d{1,2}[:：]\d{2})"
        ),
        3,
    ),
    # a chat line stamped with its time: 「[10:02] 贷款顾问-李：…」「10:02 客服：…」
    (re.compile(r"(?m)^\s*[\[(（]?\d{1,2}[:：]\d{2}(?:[:：]\d{2})?[\])）]?[ \t]*[^\n:：]{1,14}[:：]"), 3),
    # a reply under a post: 「回复 @小王：…」
    (re.compile(r"^\s*回复\s*@"), 3),
    # a caller or sender introducing an institution: 「我这边是京东金融的工作人员」
    # 「这里是招商银行信用卡中心」
    (
        re.compile(
            r"(?:我这边是|这里是|这边是(?!不是|否)|我们是)[\u4e00-\u9fa5A-Za-z]{0,12}?"
            r"(?:客服|专员|工作人员|中心|部门|银行|金融|公司|平台|官方|法院|公安)"
        ),
        2,
    ),
    # a service offered to the reader (「可以帮你走内部流程」), the sender's own link
    # (「你点我发的这个」)
    (
        re.compile(
            r"(?:可以|能)帮?(?:你|您)(?:办|走|弄|做|申请|开通|提|下|处理)|(?:我|我们)刚?发(?:的|给你的|给您的)"
        ),
        2,
    ),
    # an instruction to the reader: 「请下载…」「还款请转到…」「请于今日…」 (not 「请问」「请帮我」)
    (
        re.compile(
            r"请(?:您|你)?(?:下载|联系|添加|点击|登录|于|在\d|尽快|务必|拨打|致电|回复|缴纳|转到|转入|转账|汇|按时)"
        ),
        2,
    ),
    # a notice in English: 「Dear customer」「Your loan … is approved」「is due on」
    (
        re.compile(
            r"(?i)\b(?:dear\s+(?:customer|user|client|sir|madam)|your\s+(?:loan|account|card|repayment|application"
            r"|order)|kindly|has\s+been\s+(?:approved|frozen|credited)|is\s+(?:approved|due\s+on))\b"
        ),
        2,
    ),
    # one line of a chat pasted, opened by its speaker: 「客服：…」「小陈（微粒贷官方）：…」
    (re.compile(r"^\s*(?!我|请问|问题|提问|问[:：])[\u4e00-\u9fa5A-Za-z（）()·]{1,12}[:：]\s*\S.{8,}"), 2),
    (re.compile(r"(?<![A-Za-z0-9@.-])[A-Za-z0-9-]{2,}\.(?:cn|com|top|cc|net|xyz|vip|app)\b"), 2),
    # the formal 「您」 a sender uses (a person typing to the bot writes 我 and asks)
    (re.compile(r"尊敬的|亲爱的用户|恭喜您|您|你好|你的|你名下|你把"), 1),
    (
        re.compile(
            r"尾号\d{4}|\d{1,2}月\d{1,2}日|(?<![\d,])\d{1,3}(?:,\d{3}){1,4}\.\d{2}元|(?<!\d)\d{1,9}\.\d{2}元"
        ),
        1,
    ),
    (
        re.compile(
            r"验证码\s*\d{4,8}|加[VvＶ微]|加QQ|私信|私聊|电报|@[A-Za-z0-9_]{4,}|详询|戳|点击|立即|马上|限时|仅限"
            # a handle given as a field: 「v：wld8866」「QQ: 3391028475」
            r"|(?<![A-Za-z])(?:[VvQq]|VX|vx|wx|WX|QQ|qq|微信号?)\s*[:：]\s*[A-Za-z0-9_-]{4,}"
        ),
        1,
    ),
    # loan-ad words
    (
        re.compile(
            r"包过|下款|秒批|秒到|名额有限|先到先得|全额退|无抵押|急用钱|到手\d|就能借|就能贷|\d分钟到账|回复\d"
            r"|专业办理|办理各类|分文不取|不成功不收|最高\d|当天(?:出额度|到账|放款|下款|出款)"
        ),
        1,
    ),
)
THRESHOLD = 3
#: the beginning of a text that decides: enough for any mark, and the cost stays bounded on a huge paste
MAX_READ_CHARS = 1000
#: the marks of a question the person asks: they count against
_QUESTION = re.compile(
    r"(?:吗|呢|么|嘛|吧|啊|不|[?？])\s*$|是不是|能不能|可不可以|怎么办|请问|想问|什么|怎么|多少|如何|为什么|为啥|啥"
)
_SELF = re.compile(r"^(?:我|本人|请问)(?![:：])")
#: a story told by the one it happened to (「有人私信我 说…让我加他」「对方让我加QQ」): a sender speaks to
#: 「您」 and 「你」, the person retelling it is the 「我」 others asked, messaged or pressed
_RETOLD = re.compile(
    r"(?:对方|他|她|有人|客服|专员|人家|那人|那个|骗子)[^，。,\n]{0,14}(?:让|叫|要|催|骗|私信|加了?|发给)我"
    r"|我(?:准备|该不该|要不要)"
)


def received_score(text: str, *, normalised: bool = False) -> int:
    """The weight of the received-message marks in ``text``, less 2 when it reads as a question or as a
    story retold by the one it happened to (``normalised``: ``text`` is Simplified and half-width already)."""
    stripped = text.strip()
    plain = stripped if normalised else normalise(stripped)
    score = sum(weight for pattern, weight in MARKS if pattern.search(stripped))
    asked = _QUESTION.search(stripped) or _SELF.search(stripped) or _RETOLD.search(plain)
    if not _TRANSCRIPT.search(stripped) and asked:
        score -= 2
    if find_signs(plain):
        score += 2  # the very signs a check looks for: a retold story still reads as a question (-2)
    if len(stripped) >= 80:
        score += 1  # a long text without a question's marks is more likely pasted than typed
    return score


def looks_like_received_message(text: str, *, normalised: bool = False) -> bool:
    """Whether ``text`` is a message the person received and pasted (to check), not a question.

    Args:
        text: a turn's text as typed or pasted.
        normalised: ``text`` is already Simplified and half-width (the reader's ``Reading.plain``).
    """
    stripped = text.strip()
    if len(stripped) < 15:
        return False
    stripped = stripped[:MAX_READ_CHARS]
    return received_score(stripped, normalised=normalised) >= THRESHOLD
