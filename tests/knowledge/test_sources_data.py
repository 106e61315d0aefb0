"""Facts the shipped data must keep: what the articles say, with their sources and their disagreements.

Most tests read the core files (sources, products, topics, criteria) on their own, so that a FAQ file
being edited elsewhere cannot hide a mistake here. The last tests check the whole shipped knowledge base.
"""

from __future__ import annotations

import shutil

import pytest

from knowledge import fingerprints
from knowledge.base import DATA_DIR, KnowledgeBase, load
from knowledge.coverage import gaps
from knowledge.models import Attribute, Criterion, Source
from knowledge.provenance import load_provenance
from knowledge.validate import problems
from tests.knowledge.articles import articles_dir

TAXONOMY_SECTIONS = {
    "xm-review": ["intro", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8"],
    "xm-8qa": ["q1", "q2", "q3", "q4", "q5", "q6", "q7", "q8", "comments"],
    "xm-credit-faq": ["q1", "q2", "q3", "q4", "q5", "q6", "q7", "q8", "comments"],
    "wx-loans": ["intro", "overview", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "conclusion"],
    "wx-weidai-open": ["intro", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8"],
}
PRODUCTS = {"xiaomi", "weilidai", "we2000", "wechat_third_party", "jiebei", "weiyedai", "jintiao"}
TOPICS = {
    "about", "credit", "safety", "requirements", "application", "limits", "rates", "repayment",
    "overdue", "funds", "complaints", "compare", "glossary", "harmful", "advice", "conversation",
}
UNVERIFIED_COMMENT = "读者评论，未核实"


@pytest.fixture(scope="module")
def core(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    """The shipped sources, products, topics and criteria, without any FAQ file."""
    data_dir = tmp_path_factory.mktemp("core")
    for name in ("sources.yaml", "products.yaml", "topics.yaml", "criteria.yaml", "provenance.yaml"):
        shutil.copy(DATA_DIR / name, data_dir / name)
    (data_dir / "faq").mkdir()
    return load(data_dir)


def attribute(kb: KnowledgeBase, product: str, key: str) -> Attribute:
    attr = kb.products[product].attributes.get(key)  # type: ignore[call-overload]
    assert attr is not None, f"{product} has no {key}"
    return attr


def criteria(kb: KnowledgeBase, product: str, key: str) -> list[Criterion]:
    return [c for c in kb.criteria if c.product == product and c.key == key]


def cited(attr: Attribute) -> set[str]:
    return {s for claim in attr.claims for s in claim.sources}


# --- sources, topics, products ---------------------------------------------------------------------------


def articles(kb: KnowledgeBase) -> list[Source]:
    return [s for s in kb.sources.values() if s.kind == "article"]


def test_sources_and_sections_are_those_of_the_taxonomy(core: KnowledgeBase) -> None:
    assert {s.id: [sec.id for sec in s.sections] for s in articles(core)} == TAXONOMY_SECTIONS


def test_general_knowledge_is_one_source_without_a_file(core: KnowledgeBase) -> None:
    general = [s for s in core.sources.values() if s.kind == "general"]
    assert [s.id for s in general] == ["general"]
    assert general[0].file is None
    cited_both = core.cite(["xm-8qa", "general"])
    assert "常识" in cited_both and "《小米贷款八问》" in cited_both


def test_every_article_source_names_the_file_its_fingerprint_was_taken_from(core: KnowledgeBase) -> None:
    kept = fingerprints.read(DATA_DIR)
    assert kept is not None
    assert fingerprints.staleness(kept, core, load_provenance(DATA_DIR)) == []
    assert {s.id: s.file for s in articles(core)} == {sid: a.file for sid, a in kept.articles.items()}


@pytest.mark.skipif(articles_dir() is None, reason="the articles are not at hand (LOAN_ADVISOR_SOURCES)")
def test_every_source_names_an_article_that_exists(core: KnowledgeBase) -> None:
    folder = articles_dir()
    assert folder is not None
    for source in articles(core):
        assert source.file is not None and (folder / source.file).is_file(), source.file


def test_dated_sources_are_the_two_qa_pages(core: KnowledgeBase) -> None:
    assert {s.id: str(s.date) for s in core.sources.values() if s.date} == {
        "xm-8qa": "2025-06-02",
        "xm-credit-faq": "2025-06-01",
    }


def test_topics_and_products_are_those_of_the_taxonomy(core: KnowledgeBase) -> None:
    assert set(core.topics) == TOPICS
    assert set(core.products) == PRODUCTS
    assert {p.id for p in core.products.values() if p.checkable} == {"xiaomi", "weilidai", "we2000"}


def test_core_data_is_consistent(core: KnowledgeBase) -> None:
    assert problems(core, DATA_DIR) == []


def test_common_short_names_find_their_product(core: KnowledgeBase) -> None:
    expected = {"随星借": "xiaomi", "小米贷": "xiaomi", "微贷": "weilidai", "we2000": "we2000",
                "借呗": "jiebei", "金条": "jintiao", "微业贷": "weiyedai", "xiaomi": "xiaomi"}
    owners = {alias.casefold(): p.id for p in core.products.values() for alias in p.aliases}
    assert {alias: owners.get(alias.casefold()) for alias in expected} == expected


def test_no_alias_belongs_to_two_products(core: KnowledgeBase) -> None:
    aliases = [alias for p in core.products.values() for alias in {a.casefold() for a in p.aliases}]
    assert sorted({a for a in aliases if aliases.count(a) > 1}) == []


# --- what the articles say, and where they disagree ---------------------------------------------------


def test_xiaomi_daily_rate_is_marked_as_disputed_between_review_and_qa(core: KnowledgeBase) -> None:
    rate = attribute(core, "xiaomi", "daily_rate")
    assert rate.conflict
    assert {"xm-review", "xm-8qa", "xm-credit-faq"} <= cited(rate)
    ranges = {(c.low, c.high) for c in rate.claims if c.sources == ["xm-review"]}
    assert (0.03, 0.06) in ranges
    assert all(c.unit == "pct_day" for c in rate.claims)


def test_xiaomi_penalty_keeps_all_three_ways_of_counting(core: KnowledgeBase) -> None:
    penalty = attribute(core, "xiaomi", "penalty")
    assert penalty.conflict
    by_unit = {c.unit: c for c in penalty.claims}
    assert set(by_unit) == {"pct_principal_day", "x_daily_rate", "pct_overdue_day"}
    assert by_unit["pct_principal_day"].high == 0.05
    assert by_unit["x_daily_rate"].high == 1.5
    assert by_unit["pct_overdue_day"].note == UNVERIFIED_COMMENT


def test_xiaomi_credit_reporting_keeps_the_comment_that_contradicts_the_article(core: KnowledgeBase) -> None:
    reporting = attribute(core, "xiaomi", "credit_reporting")
    assert reporting.conflict
    baihang = [c for c in reporting.claims if "百行" in c.value]
    assert [c.note for c in baihang] == [UNVERIFIED_COMMENT]
    assert any("人行" in c.value and c.note is None for c in reporting.claims if "xm-credit-faq" in c.sources)


def test_reader_comments_are_marked_unverified_everywhere(core: KnowledgeBase) -> None:
    notes = [
        c.note for p in core.products.values() for a in p.attributes.values() for c in a.claims
        if c.note and "评论" in c.note
    ]
    assert len(notes) >= 8
    assert all(note.startswith(UNVERIFIED_COMMENT) for note in notes)


def test_we2000_limit_is_a_fixed_2000_yuan(core: KnowledgeBase) -> None:
    (claim,) = attribute(core, "we2000", "limit").claims
    assert (claim.low, claim.high, claim.unit, claim.sources) == (2000, 2000, "yuan", ["wx-loans"])


def test_weilidai_early_repayment_fee_differs_between_the_wechat_articles(core: KnowledgeBase) -> None:
    fee = attribute(core, "weilidai", "early_repayment_fee")
    assert fee.conflict
    highs = {c.sources[0]: c.high for c in fee.claims}
    assert highs == {"wx-loans": 0, "wx-weidai-open": 2}


def test_comparison_products_carry_the_figures_of_their_tables(core: KnowledgeBase) -> None:
    assert attribute(core, "jiebei", "limit").conflict  # 30万 in one table, 20万 in the other
    assert attribute(core, "jiebei", "penalty").claims[0].high == 0.035
    assert attribute(core, "weiyedai", "annual_rate").claims[0].high == 18.3
    assert attribute(core, "jintiao", "limit").claims[0].high == 150000
    assert cited(attribute(core, "jintiao", "limit")) == {"wx-weidai-open"}


def test_third_party_platforms_may_exceed_the_36_percent_line(core: KnowledgeBase) -> None:
    (claim,) = attribute(core, "wechat_third_party", "annual_rate").claims
    assert claim.high == 36 and "36%" in claim.value


# --- eligibility criteria --------------------------------------------------------------------------------


def test_every_checkable_product_has_criteria(core: KnowledgeBase) -> None:
    for product in core.products.values():
        if product.checkable:
            assert criteria(core, product.id, "age"), product.id


def test_xiaomi_age_limits_of_the_three_articles_are_all_kept(core: KnowledgeBase) -> None:
    ages = {c.sources[0]: (c.min, c.max) for c in criteria(core, "xiaomi", "age")}
    assert ages == {"xm-review": (18, 60), "xm-credit-faq": (18, 55), "xm-8qa": (18, None)}


def test_students_are_ruled_out_for_xiaomi(core: KnowledgeBase) -> None:
    (student,) = criteria(core, "xiaomi", "student")
    assert student.hard and student.equals is False


def test_xiaomi_device_is_required_by_one_article_and_only_usual_in_another(core: KnowledgeBase) -> None:
    hardness = {c.sources[0]: c.hard for c in criteria(core, "xiaomi", "xiaomi_device")}
    assert hardness == {"xm-8qa": True, "xm-credit-faq": False}


def test_xiaomi_income_floor_is_3000_yuan(core: KnowledgeBase) -> None:
    (income,) = criteria(core, "xiaomi", "monthly_income")
    assert income.min == 3000 and income.sources == ["xm-credit-faq"]


def test_current_overdue_rules_out_every_product_with_a_credit_rule(core: KnowledgeBase) -> None:
    hard_credit = [c for c in core.criteria if c.key == "credit" and c.hard]
    assert {c.product for c in hard_credit} == {"xiaomi", "weilidai"}
    assert all(c.allowed and "current_overdue" not in c.allowed for c in hard_credit)


def test_weilidai_pay_score_below_500_is_refused_and_600_is_only_advised(core: KnowledgeBase) -> None:
    rules = {(c.min, c.hard) for c in criteria(core, "weilidai", "wechat_pay_score")}
    assert rules == {(500, True), (600, False)}


def test_we2000_requires_a_pay_score_whose_threshold_no_article_gives(core: KnowledgeBase) -> None:
    # the only article with a figure writes about 微贷/微粒贷; 《微信贷款综述》 says 「达标」 with no number
    (score,) = criteria(core, "we2000", "wechat_pay_score")
    assert score.hard and score.unpublished and score.min is None and score.sources == ["wx-loans"]


def test_requirements_once_demoted_to_factors_are_requirements(core: KnowledgeBase) -> None:
    keys = {(c.product, c.key) for c in core.criteria if c.hard}
    assert {
        ("weilidai", "wechat_wallet_entry"),  # 白名单邀请制
        ("weilidai", "wechat_pay_monthly"),  # 「具体要求」: 月均微信支付金额
        ("weilidai", "wechat_active"),  # 「具体要求」: 日均打开微信
        ("xiaomi", "wechat_pay_bound"),  # 「基础要求」: 绑定微信支付
        ("xiaomi", "xiaomi_purchases"),  # 「必须…且在小米生态内有一定的消费记录」
    } <= keys
    assert [u.id for u in core.unchecked if u.kind == "unasked"] == ["weilidai.abnormal_login"]
    assert not {"weilidai.invitation", "weilidai.activity", "weilidai.abnormal_login", "xiaomi.wechat_pay",
                "we2000.pay_score"} & {f.id for f in core.factors}


def test_a_repaid_overdue_as_good_credit_is_marked_as_our_reading(core: KnowledgeBase) -> None:
    for criterion in criteria(core, "xiaomi", "credit") + criteria(core, "weilidai", "credit"):
        if criterion.hard:
            assert criterion.allowed == ["clean"] and "settled_overdue" in criterion.interpreted, criterion.id


def test_factors_flag_unverified_figures(core: KnowledgeBase) -> None:
    rate = next(f for f in core.factors if "82%" in f.text)
    assert rate.product == "xiaomi" and "来源不明" in rate.text


# --- the whole shipped knowledge base (FAQ files included) ---------------------------------------------


def test_shipped_knowledge_base_has_no_problems() -> None:
    assert problems(load(), DATA_DIR) == []


def test_every_article_section_is_covered_by_an_entry() -> None:
    assert gaps(load()) == []
