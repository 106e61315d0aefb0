"""A small, fixed knowledge base for the calculator and comparison tests.

Its figures follow the articles (so the worked examples hold) but it does not change when the shipped
data files are edited; tests that must hold for the shipped data use ``knowledge.base.default()``.
"""

from __future__ import annotations

from knowledge.base import KnowledgeBase
from knowledge.models import Attribute, Claim, Product, Section, Source


def _source(sid: str, short: str) -> Source:
    return Source(
        id=sid,
        file=f"{sid}.txt",
        title=short,
        short=short,
        reliability="test",
        sections=[Section(id="s8", title="s8")],
    )


def _attr(*claims: Claim, conflict: bool = False) -> Attribute:
    return Attribute(claims=list(claims), conflict=conflict)


def sample_kb() -> KnowledgeBase:
    """Three products with rates, penalties and early-repayment fees, two of them with disagreeing sources."""
    sources = [
        _source("xm-review", "小米测评"),
        _source("xm-8qa", "小米八问"),
        _source("xm-credit-faq", "小米征信问答"),
        _source("wx-loans", "微信贷款综述"),
        _source("wx-weidai-open", "微贷开通指南"),
    ]
    xiaomi = Product(
        id="xiaomi",
        name="小米贷款",
        aliases=["随星借"],
        provider="小米",
        summary="test",
        checkable=True,
        attributes={
            "limit": _attr(Claim(value="500元到5万元", sources=["xm-8qa"], low=500, high=50000, unit="yuan")),
            "daily_rate": _attr(
                Claim(value="日利率0.03%–0.06%", sources=["xm-review"], low=0.03, high=0.06, unit="pct_day"),
                Claim(value="日利率0.02%–0.05%", sources=["xm-8qa"], low=0.02, high=0.05, unit="pct_day"),
                conflict=True,
            ),
            "penalty": _attr(
                Claim(
                    value="本金每天0.05%",
                    sources=["xm-review"],
                    low=0.05,
                    high=0.05,
                    unit="pct_principal_day",
                ),
                Claim(value="日利率的1.5倍", sources=["xm-8qa"], low=1.5, high=1.5, unit="x_daily_rate"),
                conflict=True,
            ),
            "early_repayment_fee": _attr(
                Claim(value="剩余本金的0.5%", sources=["xm-review"], low=0.5, high=0.5, unit="pct_remaining")
            ),
            "credit_reporting": _attr(Claim(value="上人行征信", sources=["xm-credit-faq"])),
            "age_range": _attr(
                Claim(value="18–60周岁", sources=["xm-review"], low=18, high=60, unit="years"),
                Claim(value="18–55周岁", sources=["xm-credit-faq"], low=18, high=55, unit="years"),
                conflict=True,
            ),
        },
    )
    weilidai = Product(
        id="weilidai",
        name="微粒贷",
        provider="微众银行",
        summary="test",
        checkable=True,
        attributes={
            "limit": _attr(
                Claim(value="500元到20万元", sources=["wx-loans"], low=500, high=200000, unit="yuan")
            ),
            "daily_rate": _attr(
                Claim(value="日利率0.02%–0.05%", sources=["wx-loans"], low=0.02, high=0.05, unit="pct_day")
            ),
            "penalty": _attr(
                Claim(value="每天0.1%", sources=["wx-loans"], low=0.1, high=0.1, unit="pct_overdue_day"),
                Claim(
                    value="日利率的1.5倍", sources=["wx-weidai-open"], low=1.5, high=1.5, unit="x_daily_rate"
                ),
                conflict=True,
            ),
            "early_repayment_fee": _attr(
                Claim(value="不收手续费", sources=["wx-loans"], low=0, high=0, unit="pct_remaining"),
                Claim(
                    value="最多收剩余本金2%", sources=["wx-weidai-open"], low=0, high=2, unit="pct_remaining"
                ),
                conflict=True,
            ),
            "credit_reporting": _attr(Claim(value="上人行征信", sources=["wx-loans"])),
            "age_range": _attr(Claim(value="18–60周岁", sources=["wx-loans"], low=18, high=60, unit="years")),
        },
    )
    we2000 = Product(
        id="we2000",
        name="WE2000",
        provider="微众银行",
        summary="test",
        checkable=True,
        attributes={
            "limit": _attr(Claim(value="固定2000元", sources=["wx-loans"], low=2000, high=2000, unit="yuan")),
            "daily_rate": _attr(
                Claim(value="日息0.05%", sources=["wx-loans"], low=0.05, high=0.05, unit="pct_day")
            ),
            "credit_reporting": _attr(Claim(value="上报百行征信", sources=["wx-loans"])),
        },
    )
    products = [xiaomi, weilidai, we2000]
    return KnowledgeBase(
        sources={s.id: s for s in sources},
        products={p.id: p for p in products},
        topics={},
        entries={},
        criteria=[],
        factors=[],
    )
