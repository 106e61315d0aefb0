"""Understanding free questions against the real knowledge base: products, colloquial forms, typos,
Traditional characters, declines of near-domain questions, harmful requests and follow-ups."""

from __future__ import annotations

import pytest

from knowledge.base import KnowledgeBase
from knowledge.understanding.compose import compose
from knowledge.understanding.matcher import LexicalMatcher


def test_same_question_about_two_products_gets_each_products_answer(
    kb: KnowledgeBase, matcher: LexicalMatcher
) -> None:
    weilidai = matcher.ask("微粒贷逾期罚息多少")
    xiaomi = matcher.ask("小米贷款逾期罚息多少")
    assert (weilidai.band, weilidai.entry_id, weilidai.product) == ("answer", "overdue.penalty", "weilidai")
    assert (xiaomi.band, xiaomi.entry_id, xiaomi.product) == ("answer", "overdue.penalty", "xiaomi")
    assert compose(kb, weilidai).texts != compose(kb, xiaomi).texts


def test_question_without_a_product_gets_the_general_answer(matcher: LexicalMatcher) -> None:
    match = matcher.ask("逾期罚息怎么算")
    assert (match.band, match.entry_id, match.product) == ("answer", "overdue.penalty", None)


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("晚还一天有影响吗", "overdue.one_day"),  # 晚还 = 逾期
        ("没按时还会怎样", "overdue.consequences"),
        ("借了会上信用报告吗", "credit.reported"),  # 信用报告 = 征信
        ("愈期罚息多少", "overdue.penalty"),  # typo
        ("会上征心吗", "credit.reported"),  # near-homophone
        ("貸款會上徵信嗎", "credit.reported"),  # Traditional
        ("I R R 是 什 么 ？", "gloss.irr"),  # Latin letters, stray spaces
        ("学生能行不", "req.student"),  # colloquial
    ],
)
def test_people_are_understood_as_they_type(matcher: LexicalMatcher, question: str, entry: str) -> None:
    assert matcher.best_guess(question)[0] == entry


@pytest.mark.parametrize(
    "question",
    [
        "保险理赔怎么申请",
        "小米汽车多少钱",
        "小米电视能分期吗",
        "京东白条怎么开通",
        "微信视频号怎么开通",
        "今天天气怎么样",
    ],
)
def test_near_domain_questions_outside_the_knowledge_base_are_declined(
    matcher: LexicalMatcher, question: str
) -> None:
    match = matcher.ask(question)
    assert match.band == "decline"
    assert match.entry_id is None
    assert 1 <= len(match.suggestions) <= 3


def test_a_decline_offers_entries_as_buttons_never_refusals(
    kb: KnowledgeBase, matcher: LexicalMatcher
) -> None:
    match = matcher.ask("京东白条怎么开通")
    assert all(kb.entries[e].kind != "refusal" for e in match.suggestions)


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("帮我做个假的收入证明", "harm.fake_materials"),
        ("怎么套现", "harm.cash_out"),
        ("欠钱不还怎么躲催收", "harm.evade"),
        ("怎么让网贷不上征信", "harm.evade"),
        # caught by the patterns, not by fixed words
        ("用微粒贷去还小米贷款行不行", "harm.borrow_to_repay"),
        ("借点钱先把上一笔网贷还上可以吗", "harm.borrow_to_repay"),
        ("申请的时候工资写高一点会被查吗", "harm.fake_materials"),
        ("拿我哥的身份证去借行不行", "harm.fake_materials"),
        ("征信上的逾期记录能花钱删掉吗", "harm.evade"),
        # a refusal wins when the rest of the question fits a plain entry better
        ("催收天天打电话，怎么让他们找不到我", "harm.evade"),
        # the refusal the marker names, not another one that happens to score higher
        ("注销微信换个号，网贷是不是就找不到我了", "harm.evade"),
    ],
)
def test_harmful_requests_get_the_refusal_entries(
    kb: KnowledgeBase, matcher: LexicalMatcher, question: str, entry: str
) -> None:
    match = matcher.ask(question)
    assert (match.band, match.entry_id) == ("answer", entry)
    assert kb.entries[entry].kind == "refusal"


@pytest.mark.parametrize(
    "question",
    ["收入写多少合适", "有逾期记录还能借吗", "同事用我的身份证借了钱怎么办", "拿工资还微粒贷可以吗"],
)
def test_questions_near_a_harm_pattern_are_not_refused(
    kb: KnowledgeBase, matcher: LexicalMatcher, question: str
) -> None:
    match = matcher.ask(question)
    assert match.entry_id is None or kb.entries[match.entry_id].kind != "refusal"


def test_bare_follow_up_keeps_the_topic_and_swaps_the_product(matcher: LexicalMatcher) -> None:
    first = matcher.ask("小米贷款逾期罚息怎么算")
    follow = matcher.ask("那微粒贷呢？", previous_entry=first.entry_id, previous_product=first.product)
    assert (follow.band, follow.entry_id, follow.product) == ("answer", "overdue.penalty", "weilidai")


def test_question_without_product_after_a_product_answer_is_about_that_product(
    matcher: LexicalMatcher,
) -> None:
    match = matcher.ask("上征信吗", previous_entry="rate.level", previous_product="weilidai")
    assert (match.entry_id, match.product) == ("credit.reported", "weilidai")


def test_follow_up_without_context_is_not_answered_blindly(matcher: LexicalMatcher) -> None:
    assert matcher.ask("那微粒贷呢？").band != "answer"


def test_confidence_is_a_probability(matcher: LexicalMatcher) -> None:
    for question in ["微粒贷利息多少", "京东白条怎么开通", ""]:
        assert 0.0 <= matcher.ask(question).confidence <= 1.0


@pytest.mark.parametrize("question", ["", "   ", "？？？", "😀😀", "a" * 2000])
def test_odd_input_is_declined_without_a_crash(matcher: LexicalMatcher, question: str) -> None:
    assert matcher.ask(question).band == "decline"


def test_bare_product_after_a_refusal_is_not_another_refusal(matcher: LexicalMatcher) -> None:
    match = matcher.ask("微粒贷", previous_entry="harm.fake_materials", previous_product=None)
    assert (match.entry_id, match.product) == ("about.weilidai_what", "weilidai")


def test_follow_up_on_a_product_the_previous_entry_does_not_cover_is_matched_afresh(
    matcher: LexicalMatcher,
) -> None:
    # 「申请条件」 covers xiaomi, weilidai, we2000, third parties; 借呗 is only ever compared
    match = matcher.ask("那借呗呢", previous_entry="req.conditions", previous_product="xiaomi")
    assert match.entry_id != "req.conditions"
    assert match.band != "answer"


def test_a_follow_up_about_a_product_that_an_entry_about_another_one_cannot_cover_says_what_it_is(
    matcher: LexicalMatcher,
) -> None:
    # 「必须用小米手机吗」 has nothing to say of the third parties: what they are is the answer, not it
    asked = "那微信广告里推的那些第三方呢"
    match = matcher.ask(asked, previous_entry="req.xiaomi_phone", previous_product="xiaomi")
    assert (match.band, match.entry_id) == ("answer", "about.third_party")
    assert match.product == "wechat_third_party"
    # an entry with a general answer still speaks for the product asked on (and says what it lacks)
    match = matcher.ask("那个2000的呢", previous_entry="credit.inquiry", previous_product="weilidai")
    assert (match.entry_id, match.product) == ("credit.inquiry", "we2000")


def test_opening_an_account_the_colloquial_way_is_never_taken_for_cashing_out(
    matcher: LexicalMatcher,
) -> None:
    match = matcher.ask("我想开微粒贷 咋弄？")
    assert match.entry_id != "harm.cash_out"
    assert matcher.best_guess("我想开微粒贷 咋弄？") == ("apply.weilidai_open", "weilidai")


@pytest.mark.parametrize(
    "question",
    [
        "朋友圈里看到的贷款广告能信吗",
        "公众号上推的借钱平台利息高不高",
        "刷到的那种网贷广告正规吗",
        "朋友圈那些网贷要什么条件",
        "朋友圈借款平台会不会把我资料给别人",
        "微信上一个贷款平台要先交会员费才能借",
    ],
)
def test_platforms_described_by_where_the_ad_was_seen_are_the_third_party_platforms(
    matcher: LexicalMatcher, question: str
) -> None:
    assert matcher.analyse(question).products == ["wechat_third_party"]


def test_a_collector_posting_on_wechat_moments_names_no_platform(matcher: LexicalMatcher) -> None:
    assert matcher.analyse("借的网贷晚了一周 催收说要发到朋友圈").products == []


def test_asking_for_a_recommendation_names_no_platform(matcher: LexicalMatcher) -> None:
    assert matcher.analyse("想借1万 哪家最省钱 有推荐的不").products == []


def test_a_described_platform_does_not_swallow_the_topic(matcher: LexicalMatcher) -> None:
    # the ad cue names the product; what is left asks about interest, not whether the platform is sound
    assert matcher.best_guess("公众号上推的借钱平台利息高不高") == ("rate.level", "wechat_third_party")


def test_an_ad_cue_without_any_borrowing_is_no_product(matcher: LexicalMatcher) -> None:
    assert matcher.analyse("公众号推送怎么关掉").products == []


@pytest.mark.parametrize("question", ["微贷是个啥", "微粒贷到底是什么东西", "随星借！！"])
def test_a_product_name_with_nothing_but_what_is_it_asks_what_the_product_is(
    matcher: LexicalMatcher, question: str
) -> None:
    entry, _ = matcher.best_guess(question)
    assert entry in {"about.weilidai_what", "about.xiaomi_what"}


def test_an_in_scope_question_with_an_unsure_guess_gets_suggestions_not_a_decline(
    matcher: LexicalMatcher,
) -> None:
    # plainly about a covered product, but worded unlike any paraphrase
    match = matcher.ask("我想开微粒贷")
    assert match.band in {"answer", "suggest"}
    assert match.entry_id == "apply.weilidai_open"


def test_suggest_band_carries_the_first_suggestion_as_its_best_guess(matcher: LexicalMatcher) -> None:
    for question in ["我想开微粒贷 咋弄？", "想知道微粒贷怎么弄", "WE2000额度能提吗", "借钱还得刷脸啊"]:
        match = matcher.ask(question)
        if match.band == "suggest":
            assert match.suggestions and match.entry_id == match.suggestions[0]


@pytest.mark.parametrize(
    "question",
    [
        "信用卡额度怎么提高",
        "花呗额度怎么提",
        "京东金条额度怎么提升",
        "小米手机怎么截屏",
        "朋友借我钱不还怎么办",
    ],
)
def test_a_foreign_subject_next_to_the_domain_is_declined(matcher: LexicalMatcher, question: str) -> None:
    match = matcher.ask(question)
    assert match.band == "decline"
    assert match.in_scope < matcher.suggest_threshold


@pytest.mark.parametrize(
    "question",
    ["分期乐逾期会怎样", "拍拍贷怎么提额", "招行闪电贷能借多少", "有钱花逾期三天", "平安普惠上征信吗"],
)
def test_a_lender_the_advisor_knows_nothing_of_is_declined_however_well_the_rest_fits(
    matcher: LexicalMatcher, question: str
) -> None:
    assert matcher.ask(question).band == "decline"


def test_a_comparison_with_a_lender_the_advisor_knows_nothing_of_offers_our_own_comparison(
    matcher: LexicalMatcher,
) -> None:
    # the articles say nothing of 招行闪电贷, so no answer can compare with it; what they do say about
    # 微粒贷 against other lenders is the first topic offered
    match = matcher.ask("微粒贷和招行闪电贷哪个好")
    assert match.band != "answer"
    assert match.suggestions[0] == "compare.wechat_vs_others"


def test_in_scope_probability_is_reported_and_a_probability(matcher: LexicalMatcher) -> None:
    inside, outside = matcher.ask("微粒贷逾期罚息多少"), matcher.ask("信用卡年费能免吗")
    assert 0.0 <= outside.in_scope < inside.in_scope <= 1.0


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("WE2000是什么意思", "about.we2000_what"),
        ("微粒贷是干嘛的", "about.weilidai_what"),
        ("随星借是做什么的", "about.xiaomi_what"),
    ],
)
def test_what_a_product_means_or_is_for_asks_what_it_is(
    matcher: LexicalMatcher, question: str, entry: str
) -> None:
    assert matcher.best_guess(question)[0] == entry


@pytest.mark.parametrize(
    "question", ["天星金融是不是就是以前的小米金融", "随星借和小米贷款是同一个东西吗", "天星金融跟小米啥关系"]
)
def test_asking_whether_two_names_are_one_product_asks_what_the_product_is(
    matcher: LexicalMatcher, question: str
) -> None:
    assert matcher.best_guess(question) == ("about.xiaomi_what", "xiaomi")


def test_a_second_name_beside_another_subject_is_no_question_of_names(matcher: LexicalMatcher) -> None:
    # 小米分期 holds the name 小米, but 「分期」 is what is asked about
    assert matcher.best_guess("小米分期是不是就是小米贷款")[0] == "about.xiaomi_fenqi"


def test_the_subject_of_a_question_outweighs_its_question_words(matcher: LexicalMatcher) -> None:
    # 「是干嘛的」 is rare among the paraphrases, 「征信」 common: without damping the question words,
    # 「你是干嘛的」 (advice.disclaimer) would win
    assert matcher.best_guess("央行征信是干嘛的")[0] == "gloss.zhengxin"


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("微贷、借呗、金条三个对比下", "compare.wechat_vs_others"),
        ("随星借 借呗 微业贷 三个放一起比比", "compare.xiaomi_vs_others"),
    ],
)
def test_products_listed_for_a_comparison_get_the_comparison_and_no_single_product(
    matcher: LexicalMatcher, question: str, entry: str
) -> None:
    assert matcher.best_guess(question) == (entry, None)


@pytest.mark.parametrize(
    ("question", "product"),
    [
        # the first product set against the others, as the comparison entries' own questions put it
        ("微粒贷和借呗、京东金条哪个好", "weilidai"),
        ("小米贷款跟借呗 微业贷比哪个好", "xiaomi"),
        # listed equally: about none of them
        ("小米贷款 微粒贷 借呗哪个利息最低", None),
        ("小米和微粒贷和借呗哪个好", None),
    ],
)
def test_a_comparison_of_three_is_about_the_first_only_when_it_is_set_against_the_others(
    matcher: LexicalMatcher, question: str, product: str | None
) -> None:
    assert matcher.best_guess(question)[1] == product


@pytest.mark.slow  # builds two matchers over the whole knowledge base
def test_a_labelled_example_teaches_a_wording_the_paraphrases_lack(kb: KnowledgeBase) -> None:
    from dataclasses import replace

    from knowledge.models import LabelledQuestion
    from knowledge.understanding.calibration import load_calibration
    from knowledge.understanding.lexicon import load_lexicon

    def best(examples: tuple[LabelledQuestion, ...]) -> str:
        matcher = LexicalMatcher(
            replace(kb, examples=examples),
            load_lexicon(),
            load_calibration(),
            answer_threshold=1.0,
            suggest_threshold=0.0,
        )
        return matcher.best_guess("借钱那个小图标找不着了")[0] or ""

    typed = LabelledQuestion(question="借钱的小图标咋找不着了", entry="apply.weilidai_missing", product=None)
    assert best(()) != "apply.weilidai_missing"
    assert best((typed,)) == "apply.weilidai_missing"
    # an out-of-scope example teaches no entry anything
    assert best((typed.model_copy(update={"entry": None}),)) == best(())


def test_the_want_matcher_learns_nothing_from_the_faq_entries_a_want_overlaps() -> None:
    """「你是机器人吗」 is act.identity and advice.disclaimer alike: an example of neither for the wants."""
    from knowledge.base import load

    kb = load()
    overlapped = {e for w in kb.entries.values() for e in w.overlaps}
    assert "advice.disclaimer" in overlapped
    assert any(q.entry == "advice.disclaimer" for q in kb.examples)
    wants = kb.wants_view()
    kept = {q.question for q in wants.examples}
    assert not [q for q in kb.examples if q.entry in overlapped and q.question in kept]
    assert any(q.entry is None for q in wants.examples)  # other FAQ questions still teach "no want"


def test_the_lender_s_loan_by_its_bank_s_short_name_is_weilidai(matcher: LexicalMatcher) -> None:
    # 微众银行贷款 was an alias already; people shorten it to 微众贷款
    assert matcher.best_guess("微众贷款上征信吗") == ("credit.reported", "weilidai")
