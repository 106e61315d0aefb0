"""Fingerprints of the articles: what the checks need of their text, kept in the repository without it.

Every test here runs on articles written for the test, so it runs on a fresh clone with no
``../shared``; the last one verifies the kept fingerprints against the real articles when they are at
hand, and is skipped otherwise.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from knowledge import fingerprints as fp
from knowledge.base import DATA_DIR, KnowledgeBase, default
from knowledge.provenance import Provenance, find_terms, load_provenance
from tests.knowledge.articles import articles_dir

REAL_ARTICLES = articles_dir()

#: an article written for these tests: a cue sentence, a table with product columns, a question, comments
ARTICLE = """测试文章的标题
一、申请条件
申请人需要满足以下基本条件:年满18周岁,拥有有效的身份证件。
准入维度 | 微粒贷 | WE2000
---|---|---
开通方式 | 官方邀请制 | 自主申请
年龄限制 | 18-60周岁 | 18-40周岁
小米贷款有什么要求?
这是一句专门写给测试用的长句子里面有一段不会被任何回答照抄的文字。最高额度可达200,000元。
精彩评论
读者:申请人必须有小米手机。
"""


@pytest.fixture(scope="module")
def provenance() -> Provenance:
    return load_provenance()


def one_article(provenance: Provenance, text: str = ARTICLE, source_id: str = "xm-8qa") -> fp.Fingerprints:
    article = fp.fingerprint_article(source_id, "test.txt", text.encode(), provenance)
    return fp.Fingerprints(
        run=provenance.shared_run, basis=provenance.fingerprint_basis(), articles={source_id: article}
    )


def test_squash_keeps_only_what_wording_is_made_of() -> None:
    assert fp.squash("Ａ，b  c。【d】%+") == "abcd"
    assert fp.squash("可在账单详情页，直接申诉") == fp.squash("可在账单详情页直接申诉")


def test_figures_are_read_as_plain_numbers_whatever_their_writing() -> None:
    assert fp.figures("额度200,000元") == {"200000"}
    assert fp.figures("最高20万元") == {"20", "200000"}
    assert fp.figures("日利率0.05%，１２期") == {"0.05", "12"}
    assert fp.figures("①不是数字，五也不是") == set()


def test_requirement_statements_come_from_cues_and_requirement_tables(provenance: Provenance) -> None:
    found = fp.requirement_statements("xm-8qa", ARTICLE, provenance.requirements)
    assert [(s.id, s.products, s.terms) for s, _text in found] == [
        ("xm-8qa#r1", ("xiaomi",), ("age", "id")),  # the article's own product, named nowhere in the sentence
        ("xm-8qa#r2", ("weilidai",), ("invitation",)),  # a column of a 准入 table
        ("xm-8qa#r3", ("weilidai",), ("age",)),
        ("xm-8qa#r4", ("we2000",), ("age",)),
    ]  # the question 「有什么要求?」 states nothing, and the reader comment is not the article's word


def test_the_longest_form_of_a_term_wins() -> None:
    vocabulary = load_provenance().requirements
    assert find_terms("微信支付分600分以上", vocabulary) == ["pay_score"]
    assert find_terms("月均微信支付金额2000元，绑定微信支付", vocabulary) == ["spending", "wechat_pay"]


def test_a_fingerprint_keeps_no_text_and_reads_back_the_same(provenance: Provenance, tmp_path: Path) -> None:
    prints = one_article(provenance)
    fp.write(prints, tmp_path / "f.json")
    raw = (tmp_path / "f.json").read_text(encoding="utf-8")
    assert "申请" not in raw and "200000" not in raw and "微粒贷" not in raw
    assert fp.Fingerprints.from_json(json.loads(raw)).to_json() == prints.to_json()


def test_a_run_of_15_characters_is_shared_and_14_is_not(provenance: Provenance) -> None:
    prints = one_article(provenance)
    assert provenance.shared_run == 15
    fifteen = "专门写给测试用的长句子里面有一"  # 15 characters of the article
    assert len(fifteen) == 15
    assert fp.shared_runs(f"我们说：{fifteen}。", prints) == {fp.squash(fifteen): "xm-8qa"}
    assert fp.shared_runs(f"我们说：{fifteen[:14]}，另外的话。", prints) == {}


def test_punctuation_does_not_hide_a_copied_run(provenance: Provenance) -> None:
    prints = one_article(provenance)
    assert fp.shared_runs("这是一句，专门写给测试用的长句子！", prints)


def test_a_listed_name_may_be_quoted_as_it_is(provenance: Provenance) -> None:
    prints = one_article(provenance)
    quoted = "专门写给测试用的长句子里面有一段"
    assert fp.shared_runs(quoted, prints)
    assert fp.shared_runs(quoted, prints, names=["测试用的长句子"]) == {}


def test_stale_fingerprints_are_noticed(provenance: Provenance) -> None:
    kb = default()
    kept = fp.read()
    assert kept is not None and fp.staleness(kept, kb, provenance) == []
    changed = provenance.model_copy(update={"named_bodies": [*provenance.named_bodies, "某某银行"]})
    assert any("another provenance.yaml vocabulary" in m for m in fp.staleness(kept, kb, changed))
    del kept.articles["xm-8qa"]
    assert any("no fingerprint of 001_" in m for m in fp.staleness(kept, kb, provenance))


def fake_articles(kb: KnowledgeBase, folder: Path) -> None:
    for number, file_name in enumerate(fp.article_files(kb).values()):
        (folder / file_name).write_text(
            ARTICLE.replace("测试文章", f"第{number}篇测试文章"), encoding="utf-8"
        )


def test_fingerprints_are_verified_against_the_articles_at_hand(
    provenance: Provenance, tmp_path: Path
) -> None:
    kb = default()
    fake_articles(kb, tmp_path)
    built = fp.build(kb, provenance, tmp_path)
    assert fp.verify(built, kb, provenance, tmp_path) == []
    first = tmp_path / next(iter(fp.article_files(kb).values()))
    first.write_text(first.read_text(encoding="utf-8") + "多了一句。", encoding="utf-8")
    assert [m for m in fp.verify(built, kb, provenance, tmp_path) if "has changed" in m]
    first.unlink()
    assert [m for m in fp.verify(built, kb, provenance, tmp_path) if "cannot verify" in m]


@pytest.mark.skipif(REAL_ARTICLES is None, reason="the articles are not at hand (LOAN_ADVISOR_SOURCES)")
def test_the_kept_fingerprints_are_those_of_the_articles(provenance: Provenance) -> None:
    kept = fp.read(DATA_DIR)
    assert kept is not None and REAL_ARTICLES is not None
    assert fp.verify(kept, default(), provenance, REAL_ARTICLES) == []
