"""The signs as combinations of ideas (knowledge/inspection/signs.py, knowledge/data/scam_signs.yaml).

Each rule of the second round (issue 21, making the signs general) is held here by messages in wordings
that none of the labelled sets has: most were written after the rule, in rounds, each round run once
before the rules were changed for it (tests/data/README.md gives the first-run figures). Legitimate
messages that use the same words harmlessly are held to no sign at all.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from knowledge.inspection import inspect_message
from knowledge.inspection.evaluate import main as evaluate_main
from knowledge.inspection.evaluate import read_messages, score
from knowledge.inspection.signs import MAX_QUOTES, SignsFile, default_signs, find_signs, normalise, unspaced

DATA = Path(__file__).resolve().parents[2] / "data"
SETS = [
    "scam_messages.yaml",
    "scam_messages_fresh.yaml",
    "scam_messages_dev3.yaml",
    "scam_messages3.yaml",
    "scam_messages4.yaml",
    "scam_messages5.yaml",
]


def _book(patterns: list[dict[str, object]], terms: dict[str, str] | None = None) -> SignsFile:
    """The shipped signs with the first sign's patterns replaced."""
    raw = default_signs().model_dump(by_alias=True)
    raw["terms"] = terms or {}
    raw["signs"][0]["patterns"] = patterns
    return SignsFile.model_validate(raw)


# --- the mechanism: terms, with, unless ------------------------------------------------------------------


def test_a_term_is_expanded_wherever_it_is_named() -> None:
    book = _book([{"regex": "(?P<q>${pay}${sum})"}], {"pay": "交|付", "sum": r"\d+元"})
    assert book.signs[0].patterns[0].regex == r"(?P<q>(?:交|付)(?:\d+元))"
    assert [s.quotes for s in find_signs("先交300元", book) if s.id == "upfront_fee"] == [("交300元",)]


def test_a_term_may_use_the_terms_before_it_and_an_unknown_one_is_refused() -> None:
    book = _book([{"regex": "${b}"}], {"a": "x", "b": "${a}y"})
    assert book.signs[0].patterns[0].regex == "(?:(?:x)y)"
    with pytest.raises(ValueError, match="unknown term"):
        _book([{"regex": "${nothing}"}])


def test_with_asks_for_words_in_the_sentence_or_the_message() -> None:
    sentence = _book([{"regex": "(?P<q>交300元)", "with": "放款"}])
    message = _book([{"regex": "(?P<q>交300元)", "with": "放款", "scope": "message"}])
    text = "您的借款已审核。请先交300元"
    assert not [s for s in find_signs("请先交300元", sentence) if s.id == "upfront_fee"]
    assert not [s for s in find_signs(text, sentence) if s.id == "upfront_fee"]
    assert [s for s in find_signs("放款前请先交300元", sentence) if s.id == "upfront_fee"]
    assert not [s for s in find_signs(text, message) if s.id == "upfront_fee"]  # 审核 is not 放款
    assert [s for s in find_signs("明天放款。请先交300元", message) if s.id == "upfront_fee"]


def test_unless_refuses_a_match_whose_sentence_has_the_words() -> None:
    book = _book([{"regex": "(?P<q>交300元)", "unless": "应还"}])
    assert [s for s in find_signs("放款前交300元", book) if s.id == "upfront_fee"]
    assert not [s for s in find_signs("本期应还，请交300元", book) if s.id == "upfront_fee"]
    assert [s for s in find_signs("本期应还。请交300元", book) if s.id == "upfront_fee"]


def test_the_signs_file_survives_a_round_trip_through_plain_data() -> None:
    book = default_signs()
    assert SignsFile.model_validate(book.model_dump()) == book
    assert SignsFile.model_validate_json(book.model_dump_json(by_alias=True)) == book


# --- the rules, on wordings none of the labelled sets has -------------------------------------------------

FOUND = [
    # a demand for money (any verb, any fee's name, or a bare sum) while a loan waits
    ("upfront_fee", "【安易借】您的贷款已审批，放款前请缴纳信息核验费399元，缴纳后30分钟内到账。"),
    ("upfront_fee", "审核员：您的资料没问题，交388元的加急费今天就能放款"),
    ("upfront_fee", "您申请的借款需要先充值1000元验证还款能力，验证后可提现"),
    ("upfront_fee", "【有钱花】您的借款已通过，需开通加速包（98元）才能在2小时内放款，否则需排队7个工作日。"),
    ("upfront_fee", "您的贷款已到账，但因账户异常无法提现，需要开通“提现权限”，费用300元"),
    ("upfront_fee", "您好，我们是银行的合作机构，您的征信有瑕疵，我们可以帮您洗白，费用3000，先付一半"),
    ("upfront_fee", "哥 我是做网贷的小刘 你要的3万能下 就是需要你先做个账户激活 交600 明天就能到"),
    ("upfront_fee", "客服：您的信用分不足，需要您买500元的京东E卡提分，卡密发给我就行"),
    ("upfront_fee", "网贷还不上？我们有渠道帮你延期还款、停息挂账，前期只需支付服务费的30%，联系企微 yh-88"),
    (
        "upfront_fee",
        "您的贷款已经批下来了，放款需要验证您的还款能力，麻烦您微信零钱里存够5000元，然后截图发我",
    ),
    (
        "upfront_fee",
        "客服：您的订单已经审核成功了\n客服：需要您支付一笔解绑费，把之前错误绑定的卡解除掉，费用是888元",
    ),
    ("upfront_fee", "Hi 亲，你的 loan 已批 20000，需要先 pay 500 deposit 才能 release"),
    ("upfront_fee", "放款专员：您的流水不够，需要您找朋友往您卡上转5万做个流水，显示有还款能力就能放款"),
    # money moved to a 「safe」, 「designated」, 「verification」 or 「clearing」 account
    ("upfront_fee", "您好，我是京东金融风控部的，需要将余额转到我们的监管账户进行资金核验，核验完原路退回。"),
    ("upfront_fee", "【民生银行】您的信用卡已被盗刷，为保护您的资金，请立即将卡内余额转至我行指定的安全账户"),
    ("upfront_fee", "您的助学贷款账户存在异常，需要您配合进行资金清查，将资金转入我们提供的清算账户"),
    ("upfront_fee", "为防止您恶意逾期，需冻结您的部分资金作为还款保证，请转2000元到监管账户"),
    # money asked for to release a loan held back by a 「mistake」, whatever the fee is called
    (
        "unfreeze_fee",
        "客服：您的提现被驳回了，因为姓名和卡号不匹配，资金被锁定了\n客服：需要交一笔激活金2000元",
    ),
    ("unfreeze_fee", "您在我平台的借款因涉嫌套现被风控，资金无法到账，请缴纳解控费1288元"),
    ("unfreeze_fee", "财务小张：钱已经到您的账户了但是被冻住了，您得先交3%的个人所得税才能提现"),
    ("unfreeze_fee", "您的账户被认定为恶意套现，款项被退回至平台，请配合缴纳25%的保证金解除限制"),
    ("unfreeze_fee", "【微 粒 贷】您 的 借 款 因 账 户 异 常 被 冻 结 ， 请 缴 纳 解 冻 金 3000 元"),
    # codes and passwords by any name, handed over or typed into a link's page
    ("code_request", "请把您手机上收到的那串数字告诉我，我帮您取消这个扣费服务"),
    ("code_request", "为了确认是您本人操作，请将银行卡背面的三位数字发给我"),
    ("code_request", "客服：请您打开支付宝-我的-设置-关于-远程协助，把那个协助码念给我"),
    ("code_request", "【小赢卡贷】您的额度即将过期，点击 xyd-vip.top 输入银行卡号及密码即可激活"),
    ("code_request", "贷款已批：3万元，需提供一个有5000元余额的银行卡作验证，请将卡号和密码发至专员"),
    ("code_request", "哥们，你的贷款我帮你走后台了，你把你收到的短信截个图发我，我核对一下"),
    ("code_request", "客服：您的提现需要对方账户验证，请您打开支付宝扫一扫，扫这个码输入支付密码即可"),
    # screens shared in any app, meeting apps about money
    ("screen_share", "您下载一个“小鱼易连”，进入会议室后点击分享屏幕，我们给您演示退款流程"),
    ("screen_share", "您的校园贷账户未注销，影响征信，请加入钉钉会议 88776655 由专员指导关闭"),
    (
        "screen_share",
        "京东客服：您在京东开通了校园白条，现在需要注销，不然每个月会扣您800元，我教您在腾讯会议里操作",
    ),
    # contacts outside the official app: handles, groups, private accounts, apps, links, numbers
    ("unofficial_channel", "网贷逾期的朋友看过来，专业停催、延期、减免，不成功不收费，V：tc-888"),
    ("unofficial_channel", "信用卡代还、网贷下款，当天办理，不看征信，微信同号 139xxxx7788"),
    ("unofficial_channel", "办理大额信用卡，5万起步，不看工作，不看负债，包办理，需要的扫码加好友"),
    ("unofficial_channel", "你在平台的欠款已转交我司。还款直接转到这个私人支付宝"),
    ("unofficial_channel", "您好，我是京东金融的客服，您看下您手机上能不能下载一个叫“飞书”的软件"),
    (
        "unofficial_channel",
        "【微信支付】您开通的服务将每月扣费599元，如非本人操作请致电客服 400-8xx-3721 取消",
    ),
    ("unofficial_channel", "【微众银行】您的账户存在风险，请登录 webank-safe.cc 核实身份"),
    # 「无需」 negates what it is joined to, not a link later in the clause (OCR drops the spaces)
    ("unofficial_channel", "【易分期】借3万分12期，无需征信极速下款yfq-dk.cn/m回T退订"),
    # promises whatever the person's credit
    ("guaranteed_approval", "【e贷宝】您已获得最高20万借款额度，黑名单也可申请，立即领取 edb.cn/a"),
    ("guaranteed_approval", "亲 你这个征信花了也不要紧 我们公司跟银行有合作 保证给你批下来"),
    ("guaranteed_approval", "我们是正规持牌机构，你的条件我们都能办，不管有没有逾期，秒批"),
    ("guaranteed_approval", "你好，我是你的专属信贷经理，现在有个特殊通道，保证你今天就能拿到5万"),
    ("guaranteed_approval", "尊敬的客户，您的网贷记录已被纳入国家征信黑名单，如需消除请联系专员办理"),
    # impersonation: an authority's tag over a threat; the 「contact us to cancel the charge」 story
    (
        "impersonation",
        "【最高人民法院】您涉嫌网贷逾期被起诉，请于今日17:00前联系书记员处理，否则将强制执行。",
    ),
    ("impersonation", "【中国银联】您未注销百万保障服务，即将每月扣费3000元，请立即联系客服注销。"),
    # weak signs (a threat, a cold open, a lender's tag) beside a strong one
    ("pressure", "今天下午5点前不还清，我们将上门，并发到你通讯录所有联系人。还款转到这个私人支付宝"),
    ("impersonation", "您好，我是美团月付的客服，麻烦把您支付宝的付款码截图发我一下"),
    # tenth session: 「收入」 is a record only with its sum: a fee beside 「收入流水不足」 is still a demand
    ("upfront_fee", "【星河借】额度20000元已审批，因收入流水不足，需缴纳还款保证金800元。"),
    # a speaker named for an institution, beside another sign
    (
        "impersonation",
        "京东金融安全中心：您的金条存在风险\n我：怎么办\n京东金融安全中心：把收到的验证码发我核实",
    ),
]


@pytest.mark.parametrize(("sign", "text"), FOUND, ids=[f"{sign}-{n}" for n, (sign, _) in enumerate(FOUND)])
def test_a_sign_is_found_in_words_no_labelled_set_has(sign: str, text: str) -> None:
    report = inspect_message(text)
    assert sign in report.sign_ids, {s.id: s.quotes for s in report.signs}


HARMLESS = [
    # money moving in a bank's record, a payment being confirmed, a bill, a fee of a service the person has
    "【工商银行】您尾号1234的卡12月05日转入人民币20,000.00元（消费金融放款），余额21,300.00元。",
    "【建设银行】您正在向张三转账5,000.00元，验证码823911，请勿泄露。",
    "【招商银行】您正在进行快捷支付，金额128.00元，验证码552310，如非本人操作请致电95555。",
    "【住房公积金】您的个人账户12月缴存2,400.00元，当前余额35,600.00元。",
    "【平安银行】尊敬的客户，您的信用卡年费200元将于下月账单中收取，消费满6笔可免年费。",
    "【微众银行】您的微粒贷借款10,000.00元已转入尾号1234的银行卡，请注意查收。",
    "【人保财险】您购买的借款保证保险已生效，保费将随每期还款一并收取。",
    "【交通银行】您申请的贷款10万元已审批通过，首期还款日为1月15日，请提前存入足额资金。",
    "【支付宝】您的借呗额度已提升至30,000元，可在支付宝-借呗页面查看，请按需借款。",
    "【中国建设银行】您的贷款将于明天到期，应还本息10,350.00元，请于今日24时前将资金存入还款账户。",
    "【招商银行】您的账户已开通短信通知服务，每月服务费2元，如需取消请回复QXDX或致电95555。",
    "同事：下周团建每人交200元活动费，周五前转给我就行。",
    "房东：这个月房租2800，麻烦月底前转我，老规矩微信就行。",
    # codes with a warning, a harmless 收款码, a parcel's code
    "【微信支付】验证码：824619，你正在绑定银行卡，请勿告诉他人，微信团队不会向你索要验证码。",
    "同学：你微信收款码发我一下，上次聚餐的钱AA转你。",
    "【中国邮政】您的包裹已到达，请凭取件码 5-3-2011 到驿站取件，今日20点前有效。",
    # a meeting that is about work, a bank's warning that names the tricks, an official link, a 95 number
    "张经理邀请您参加腾讯会议，会议号：512 886 409，请提前5分钟入会，并准备好共享屏幕展示PPT。",
    "【中国银行】近期有不法分子以“注销校园贷”为由诱导客户开启屏幕共享、转账至“安全账户”，请提高警惕。",
    "【京东】您的白条账单已出，本期应还1,045.30元，还款戳 3.cn/2xYz 或打开京东App。回TD退订",
    "【京东金融】请下载京东金融App或在应用商店搜索“京东金融”查看您的账单。",
    "【腾讯客服】您的QQ号已成功解除冻结，如非本人操作请及时修改密码。",
    "【中国人民银行征信中心】您的个人信用报告查询申请已受理，请登录征信中心官网查看，报告有效期7天。",
    # a real lender's threat with a deadline, a real collector's opening, promises the lender may make
    "【招联金融】您的借款已逾期，请于今日18:00前还款，否则将影响您的个人征信。",
    "您好，我是招商银行信用卡中心的工作人员，您的信用卡账单已逾期5天，请尽快通过掌上生活App还款。",
    "【中国银行】您的贷款申请已受理，请携带身份证到网点面签，办理过程不收取任何费用。",
    "【江城银行】放款前不收取保证金，保证资金安全到账。",
    "【海尔消费金融】您的借款已逾期2天，请尽快登录够花App还款，客服热线400-018-7777。",
    "客服：您好，我是微众银行客服小微，请问有什么可以帮您？\n我：提前还款要手续费吗\n客服：不收取手续费。",
    # everyday charges, a loan's own penalties and records, product names that look like handles
    "【国家开发银行】您的生源地助学贷款已发放至学校账户，用于缴纳学费5,000元。",
    "【江城银行】您的借款保险费120元已从放款金额中扣除，实际到账9,880元。",
    "【江城银行】您的贷款提前还款需支付违约金200元，请在手机银行确认。",
    "【江城银行】您的信用卡本期应付金额3,000.00元，请按时还款。",
    "【微众银行】您的微信WE2000借款3,000.00元已放款，请在微信-微粒贷中查看。",
    "【招商银行】您的专属客户经理已通过企业微信添加您，请注意查看。",
    "爸爸：你妈住院要交押金5000，你手头方便的话转我一下，不方便就算了。",
    # a rate is no share of a charge, 免押金 no 押金, 少付利息 no fee, 开通 a coupon no demand
    "【招商银行】免押金租车，信用分550以上即可，借款无忧。",
    "【江城银行】日利率0.02%起，借款前请确认，本期开通会员可享优惠券。",
    "【小米金融】随借随还，早还就少付利息，借款请在App内操作。",
    # tenth session: a 95xxx service line is no sum, a statement of turnover no money paid in, a refund made
    "客户经理：您的贷款放款前需要面签，带上身份证和收入证明，全程不收费，有问题拨打95588。",
    "【签证中心】办理签证需提供近6个月银行流水及资金证明，存款不低于5万元。",
    "客服：您的保险已经退保成功，保费520元将原路退回您的支付账户。",
    "Your verification code is 551203. Never share this code with anyone, including our staff.",
]


@pytest.mark.parametrize("text", HARMLESS, ids=[f"harmless-{n}" for n in range(len(HARMLESS))])
def test_a_legitimate_message_with_the_same_words_has_no_sign(text: str) -> None:
    report = inspect_message(text)
    assert report.signs == (), {s.id: s.quotes for s in report.signs}


# --- reading: spacing, hostile pastes ------------------------------------------------------------------


def test_a_letter_spaced_text_is_read_without_its_spaces_and_phrases_keep_theirs() -> None:
    assert unspaced("请 缴 纳 解 冻 金 3000 元 ， 详 询 客 服") == "请缴纳解冻金3000元，详询客服"
    assert unspaced("不看征信 秒到账 借5万 包下款") == "不看征信 秒到账 借5万 包下款"
    assert normalise("繳 納 解 凍 金 3000 元") == "缴纳解冻金3000元"


def test_a_paste_repeating_a_sign_is_quoted_a_few_times_only() -> None:
    found = find_signs(normalise("放款前先交1000元保证金。" * 300))
    assert [s.id for s in found][:1] == ["upfront_fee"]
    assert all(len(s.quotes) <= MAX_QUOTES for s in found)


# --- the probes: every round's messages, after the rules changed for them ---------------------------------


def _probes() -> list[dict[str, object]]:
    return list(yaml.safe_load((DATA / "scam_probes.yaml").read_text(encoding="utf-8")))


def test_every_probe_shows_its_signs_and_no_legitimate_one_shows_any() -> None:
    missed, alarms = [], []
    for probe in _probes():
        found = set(inspect_message(str(probe["text"])).sign_ids)
        if probe["kind"] == "legit" and found:
            alarms.append((probe["text"], found))
        if probe["kind"] == "scam" and not set(probe["signs"]) <= found:  # type: ignore[call-overload]
            missed.append((probe["text"], found))
    assert (missed, alarms) == ([], [])


# --- the labelled sets ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", SETS)
def test_no_legitimate_message_of_any_set_raises_a_sign(name: str) -> None:
    messages = read_messages(DATA / name)
    alarms = [m.id for m in messages if m.kind == "legit" and inspect_message(m.text).signs]
    assert alarms == []


def test_the_development_set_in_new_stories_meets_the_bar() -> None:
    scores = score(read_messages(DATA / "scam_messages_dev3.yaml"))
    assert scores.recall >= 0.95 and scores.false_alarms == 0 and scores.figures_rate >= 0.95, scores.lines(
        "dev3"
    )


def test_the_seventh_sessions_held_out_set_now_worked_on_meets_the_bar() -> None:
    # scored once at 125e414 (85.7 % of the signs, 2 of 28 false alarms, figures 6 of 18), then worked on
    scores = score(read_messages(DATA / "scam_messages3.yaml"))
    assert scores.recall >= 0.95 and scores.false_alarms == 0, scores.lines("scam_messages3")
    assert scores.figures_found_right == scores.with_figures, scores.lines("scam_messages3")


def test_the_eighth_sessions_held_out_set_now_a_development_set_meets_the_bar() -> None:
    # written before the eighth session's work, scored once at its end (4e210af: 56 of 65 signs, 3 of 29
    # false alarms, figures 11 of 16); a development set since the ninth session (brief S5), worked on
    scores = score(read_messages(DATA / "scam_messages4.yaml"))
    assert scores.recall >= 0.95 and scores.false_alarms == 0, scores.lines("scam_messages4")
    assert scores.figures_found_right == scores.with_figures, scores.lines("scam_messages4")


def test_a_number_taken_out_is_quoted_by_the_words_around_it() -> None:
    report = inspect_message("【法院通知】您已被列为被告，逾期将强制执行。请联系法务 15500001111 处理")
    quotes = {s.id: s.quotes for s in report.signs}
    assert quotes["unofficial_channel"] == ("联系法务",)
    assert "[已隐去]" not in str(report.to_dict()["signs"])


def test_the_evaluator_says_so_when_a_set_cannot_be_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert evaluate_main([str(tmp_path / "missing.yaml")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_the_ninth_sessions_held_out_set_now_a_development_set_meets_the_bar() -> None:
    # written before the ninth session's work by a contributor who never ran the check, scored once at its
    # end (8402835: 62 of 73 signs, 0 of 28 false alarms, 14 of 16 loans' figures); a development set since
    # the tenth session (brief S6), its misses' general causes fixed
    scores = score(read_messages(DATA / "scam_messages5.yaml"))
    assert scores.recall >= 0.95 and scores.false_alarms == 0, scores.lines("scam_messages5")
    assert scores.figures_found_right == scores.with_figures, scores.lines("scam_messages5")


def test_the_tenth_sessions_held_out_messages_keep_the_figures_they_were_scored_with() -> None:
    """tests/data/scam_messages6.yaml, written at the start of the tenth session by a contributor who never
    ran the check, scored once at its end (e8ca40c): 73 of 80 signs (91.2%), 2 of 24 legitimate flagged,
    figures right in 59 of 64 (13 of the 18 loans). The figures only are printed when this fails."""
    scores = score(read_messages(DATA / "scam_messages6.yaml"))
    assert scores.signs_right >= 73 and scores.false_alarms <= 2, scores.lines("scam_messages6")
    assert scores.figures_right >= 59 and scores.figures_found_right >= 13, scores.lines("scam_messages6")
