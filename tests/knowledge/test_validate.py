"""Each kind of inconsistent data file is reported by ``knowledge.validate.problems`` by file and entry.

Every case copies the real sources, products, topics and criteria into a temporary data folder, adds a
small FAQ file of its own (the real FAQ files belong to other editors and change independently), breaks
exactly one thing, and checks the message that names it.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from knowledge.base import DATA_DIR, KnowledgeBaseError, load
from knowledge.models import MAX_ANSWER_CHARS
from knowledge.validate import normalise, problems

CORE_FILES = ("sources.yaml", "products.yaml", "topics.yaml", "criteria.yaml", "provenance.yaml")
#: kept as they are: the fingerprints of the real articles (the rules that need the article texts use them)
COPIED_FILES = ("fingerprints.json",)

Data = dict[str, Any]


def small_faq() -> Data:
    """Two consistent entries that exercise products, variants, related entries and covers."""
    return {
        "entries": [
            {
                "id": "credit.reported",
                "topic": "credit",
                "products": ["xiaomi"],
                "question": "借了会上征信吗？",
                "paraphrases": ["小米贷款上不上征信", "借款会不会记进征信报告"],
                "answers": [
                    {"text": "测试用的通用回答。", "sources": ["xm-credit-faq"]},
                    {"product": "xiaomi", "text": "测试用的小米贷款回答。", "sources": ["xm-credit-faq"]},
                ],
                "related": ["credit.inquiry"],
                "covers": ["xm-credit-faq#q5"],
            },
            {
                "id": "credit.inquiry",
                "topic": "credit",
                "question": "申请会查征信吗？",
                "paraphrases": ["申请会不会查我的征信", "会不会花征信"],
                "answers": [{"text": "测试用的回答。", "sources": ["xm-credit-faq"]}],
                "covers": ["xm-credit-faq#q3"],
            },
        ]
    }


def make_data_dir(root: Path, edit: Callable[[dict[str, Data]], None] | None = None) -> Path:
    """A data folder with the real core files and :func:`small_faq`, after ``edit`` changed the data.

    Args:
        root: an empty temporary folder.
        edit: receives ``{"sources.yaml": {...}, ..., "faq/credit.yaml": {...}}`` and changes it in place.
    """
    files: dict[str, Data] = {
        name: yaml.safe_load((DATA_DIR / name).read_text(encoding="utf-8")) for name in CORE_FILES
    }
    files["faq/credit.yaml"] = small_faq()
    if edit is not None:
        edit(files)
    data_dir = root / "data"
    (data_dir / "faq").mkdir(parents=True)
    for name, content in files.items():
        text = yaml.safe_dump(content, allow_unicode=True, sort_keys=False)
        (data_dir / name).write_text(text, encoding="utf-8")
    for name in COPIED_FILES:
        shutil.copy(DATA_DIR / name, data_dir / name)
    return data_dir


def problems_of(root: Path, edit: Callable[[dict[str, Data]], None]) -> list[str]:
    data_dir = make_data_dir(root, edit)
    return problems(load(data_dir), data_dir)


def _item(items: list[Data], ident: str) -> Data:
    return next(item for item in items if item["id"] == ident)


def _entry(files: dict[str, Data], ident: str = "credit.reported") -> Data:
    return _item(files["faq/credit.yaml"]["entries"], ident)


def _product(files: dict[str, Data], ident: str) -> Data:
    return _item(files["products.yaml"]["products"], ident)


def _criterion(files: dict[str, Data], ident: str) -> Data:
    return _item(files["criteria.yaml"]["criteria"], ident)


def test_consistent_data_has_no_problems(tmp_path: Path) -> None:
    data_dir = make_data_dir(tmp_path)
    assert problems(load(data_dir), data_dir) == []


# --- one broken rule per case: (what is edited, the message expected) ---------------------------------


def _answer_source(f: dict[str, Data]) -> None:
    _entry(f)["answers"][0]["sources"] = ["xm-9qa"]


def _claim_source(f: dict[str, Data]) -> None:
    _product(f, "we2000")["attributes"]["limit"]["claims"][0]["sources"] = ["wx-loan"]


def _criterion_source(f: dict[str, Data]) -> None:
    _criterion(f, "we2000.age")["sources"] = ["nowhere"]


def _factor_source(f: dict[str, Data]) -> None:
    _item(f["criteria.yaml"]["factors"], "we2000.behaviour")["sources"] = ["nowhere"]


def _covers_source(f: dict[str, Data]) -> None:
    _entry(f)["covers"] = ["xm-9qa#q5"]


def _covers_section(f: dict[str, Data]) -> None:
    _entry(f)["covers"] = ["xm-credit-faq#q9"]


def _covers_form(f: dict[str, Data]) -> None:
    _entry(f)["covers"] = ["xm-credit-faq"]


def _entry_product(f: dict[str, Data]) -> None:
    _entry(f, "credit.inquiry")["products"] = ["huabei"]


def _answer_product(f: dict[str, Data]) -> None:
    _entry(f)["products"] = ["xiaomi", "huabei"]
    _entry(f)["answers"].append({"product": "huabei", "text": "测试。", "sources": ["xm-8qa"]})


def _criterion_product(f: dict[str, Data]) -> None:
    _criterion(f, "we2000.age")["product"] = "we3000"


def _factor_product(f: dict[str, Data]) -> None:
    _item(f["criteria.yaml"]["factors"], "we2000.behaviour")["product"] = "we3000"


def _topic(f: dict[str, Data]) -> None:
    _entry(f)["topic"] = "credits"


def _related(f: dict[str, Data]) -> None:
    _entry(f)["related"] = ["credit.nothing"]


def _together(f: dict[str, Data]) -> None:
    _entry(f)["together"] = ["credit.nothing"]


def _together_itself(f: dict[str, Data]) -> None:
    _entry(f)["together"] = ["credit.reported"]


def _paraphrase_across(f: dict[str, Data]) -> None:
    # same words with different spacing and punctuation still count as the same paraphrase
    _entry(f, "credit.inquiry")["paraphrases"].append("小米贷款 上不上征信？")


def _paraphrase_twice(f: dict[str, Data]) -> None:
    _entry(f)["paraphrases"].append("借款会不会记进征信报告！")


def _question_is_paraphrase(f: dict[str, Data]) -> None:
    _entry(f, "credit.inquiry")["question"] = "小米贷款上不上征信？"


def _duplicate_product(f: dict[str, Data]) -> None:
    f["products.yaml"]["products"].append(dict(_product(f, "jintiao")))


def _duplicate_source(f: dict[str, Data]) -> None:
    f["sources.yaml"]["sources"].append(dict(_item(f["sources.yaml"]["sources"], "wx-loans")))


def _duplicate_topic(f: dict[str, Data]) -> None:
    f["topics.yaml"]["topics"].append(dict(_item(f["topics.yaml"]["topics"], "advice")))


def _duplicate_criterion(f: dict[str, Data]) -> None:
    f["criteria.yaml"]["criteria"].append(dict(_criterion(f, "we2000.age")))


def _variant_not_listed(f: dict[str, Data]) -> None:
    _entry(f)["answers"].append({"product": "weilidai", "text": "测试。", "sources": ["wx-loans"]})


def _no_general_answer(f: dict[str, Data]) -> None:
    _entry(f)["answers"] = [a for a in _entry(f)["answers"] if a.get("product")]


def _unmarked_conflict(f: dict[str, Data]) -> None:
    _product(f, "xiaomi")["attributes"]["daily_rate"]["conflict"] = False


def _figure_without_unit(f: dict[str, Data]) -> None:
    del _product(f, "we2000")["attributes"]["limit"]["claims"][0]["unit"]


def _no_rule(f: dict[str, Data]) -> None:
    for key in ("min", "max"):
        del _criterion(f, "we2000.age")[key]


def _min_on_yes_no_key(f: dict[str, Data]) -> None:
    _criterion(f, "xiaomi.student")["min"] = 1


def _equals_on_number_key(f: dict[str, Data]) -> None:
    _criterion(f, "we2000.age")["equals"] = True


def _credit_without_allowed(f: dict[str, Data]) -> None:
    criterion = _criterion(f, "weilidai.credit.good")
    del criterion["allowed"]
    criterion["min"] = 600


def _min_above_max(f: dict[str, Data]) -> None:
    _criterion(f, "we2000.age")["min"] = 50


def _not_checkable(f: dict[str, Data]) -> None:
    _criterion(f, "we2000.age")["product"] = "jiebei"


def _checkable_without_criteria(f: dict[str, Data]) -> None:
    _product(f, "jintiao")["checkable"] = True


CASES: dict[str, tuple[Callable[[dict[str, Data]], None], str]] = {
    "answer source": (
        _answer_source,
        "faq/credit.yaml: entry 'credit.reported': general answer: unknown source 'xm-9qa'",
    ),
    "claim source": (
        _claim_source,
        "products.yaml: product 'we2000': attribute 'limit': unknown source 'wx-loan'",
    ),
    "criterion source": (
        _criterion_source,
        "criteria.yaml: criterion 'we2000.age': unknown source 'nowhere'",
    ),
    "factor source": (
        _factor_source,
        "criteria.yaml: factor 'we2000.behaviour': unknown source 'nowhere'",
    ),
    "covers source": (
        _covers_source,
        "faq/credit.yaml: entry 'credit.reported': covers 'xm-9qa#q5': unknown source 'xm-9qa'",
    ),
    "covers section": (
        _covers_section,
        "entry 'credit.reported': covers 'xm-credit-faq#q9': source 'xm-credit-faq' has no section 'q9'",
    ),
    "covers form": (
        _covers_form,
        "entry 'credit.reported': covers 'xm-credit-faq' is not of the form 'source#section'",
    ),
    "entry product": (
        _entry_product,
        "faq/credit.yaml: entry 'credit.inquiry': unknown product 'huabei'",
    ),
    "answer product": (
        _answer_product,
        "faq/credit.yaml: entry 'credit.reported': answer for 'huabei': unknown product 'huabei'",
    ),
    "criterion product": (
        _criterion_product,
        "criteria.yaml: criterion 'we2000.age': unknown product 'we3000'",
    ),
    "factor product": (
        _factor_product,
        "criteria.yaml: factor 'we2000.behaviour': unknown product 'we3000'",
    ),
    "topic": (
        _topic,
        "faq/credit.yaml: entry 'credit.reported': unknown topic 'credits'",
    ),
    "related": (
        _related,
        "faq/credit.yaml: entry 'credit.reported': unknown related entry 'credit.nothing'",
    ),
    "answered together": (
        _together,
        "faq/credit.yaml: entry 'credit.reported': unknown entry answered together 'credit.nothing'",
    ),
    "answered together with itself": (
        _together_itself,
        "faq/credit.yaml: entry 'credit.reported': lists itself as answered together",
    ),
    "paraphrase across entries": (
        _paraphrase_across,
        "faq/credit.yaml: entry 'credit.inquiry': paraphrase '小米贷款 上不上征信？' "
        "is also a paraphrase of entry 'credit.reported'",
    ),
    "paraphrase twice": (
        _paraphrase_twice,
        "faq/credit.yaml: entry 'credit.reported': paraphrase '借款会不会记进征信报告！' is given twice",
    ),
    "question is a paraphrase": (
        _question_is_paraphrase,
        "faq/credit.yaml: entry 'credit.inquiry': question '小米贷款上不上征信？' "
        "is a paraphrase of entry 'credit.reported'",
    ),
    "duplicate product": (
        _duplicate_product,
        "products.yaml: product 'jintiao': id is used 2 times",
    ),
    "duplicate source": (
        _duplicate_source,
        "sources.yaml: source 'wx-loans': id is used 2 times",
    ),
    "duplicate topic": (
        _duplicate_topic,
        "topics.yaml: topic 'advice': id is used 2 times",
    ),
    "duplicate criterion": (
        _duplicate_criterion,
        "criteria.yaml: criterion 'we2000.age': id is used 2 times",
    ),
    "variant not listed": (
        _variant_not_listed,
        "faq/credit.yaml: entry 'credit.reported': answer for 'weilidai', "
        "but 'weilidai' is not in the entry's products",
    ),
    "no general answer": (
        _no_general_answer,
        "faq/credit.yaml: entry 'credit.reported': has no general answer",
    ),
    "unmarked conflict": (
        _unmarked_conflict,
        "products.yaml: product 'xiaomi': attribute 'daily_rate': "
        "claims state different figures but conflict is false",
    ),
    "figure without unit": (
        _figure_without_unit,
        "products.yaml: product 'we2000': attribute 'limit': claim '固定2000元': has a figure but no unit",
    ),
    "no rule": (
        _no_rule,
        "criteria.yaml: criterion 'we2000.age': has no rule",
    ),
    "min on yes/no key": (
        _min_on_yes_no_key,
        "criteria.yaml: criterion 'xiaomi.student': key 'student' is yes/no",
    ),
    "equals on number key": (
        _equals_on_number_key,
        "criteria.yaml: criterion 'we2000.age': key 'age' is a number",
    ),
    "credit without allowed": (
        _credit_without_allowed,
        "criteria.yaml: criterion 'weilidai.credit.good': key 'credit' takes a non-empty allowed list",
    ),
    "min above max": (
        _min_above_max,
        "criteria.yaml: criterion 'we2000.age': min 50.0 is above max 40.0",
    ),
    "criterion of a product outside the self-check": (
        _not_checkable,
        "criteria.yaml: criterion 'we2000.age': product 'jiebei' is not checkable",
    ),
    "checkable product without criteria": (
        _checkable_without_criteria,
        "products.yaml: product 'jintiao': checkable but has no criteria",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_broken_rule_is_reported_by_file_and_entry(tmp_path: Path, case: str) -> None:
    edit, expected = CASES[case]
    found = problems_of(tmp_path, edit)
    assert any(expected in message for message in found), found
    assert all(".yaml: " in message for message in found)  # every message names its file


def test_duplicate_ids_in_files_need_the_data_dir(tmp_path: Path) -> None:
    # load() keys products by id, so the second copy silently wins; only the files show the duplicate
    data_dir = make_data_dir(tmp_path, _duplicate_product)
    assert problems(load(data_dir)) == []
    assert problems(load(data_dir), data_dir) == ["products.yaml: product 'jintiao': id is used 2 times"]


def test_overlong_answer_is_rejected_at_load_naming_file_and_entry(tmp_path: Path) -> None:
    def overlong(f: dict[str, Data]) -> None:
        _entry(f, "credit.inquiry")["answers"][0]["text"] = "字" * (MAX_ANSWER_CHARS + 1)

    data_dir = make_data_dir(tmp_path, overlong)
    with pytest.raises(KnowledgeBaseError) as caught:
        load(data_dir)
    message = str(caught.value)
    assert message.startswith("credit.yaml: ")
    assert "entries 'credit.inquiry'" in message
    assert f"answer is {MAX_ANSWER_CHARS + 1} characters" in message


def test_unknown_key_in_a_data_file_is_rejected_at_load(tmp_path: Path) -> None:
    def typo(f: dict[str, Data]) -> None:
        _criterion(f, "we2000.age")["hrad"] = True

    with pytest.raises(KnowledgeBaseError, match=r"criteria\.yaml: criteria 'we2000\.age' hrad"):
        load(make_data_dir(tmp_path, typo))


def test_same_entry_id_in_two_faq_files_is_rejected_at_load(tmp_path: Path) -> None:
    def twice(f: dict[str, Data]) -> None:
        f["faq/more.yaml"] = {"entries": [_entry(f, "credit.inquiry")]}

    with pytest.raises(KnowledgeBaseError, match=r"entry 'credit\.inquiry' is defined twice"):
        load(make_data_dir(tmp_path, twice))


def test_normalise_ignores_spaces_punctuation_width_and_case() -> None:
    assert normalise("ＷＥ２０００ 怎么 开通？") == normalise("we2000怎么开通")
    assert normalise("小米贷款，靠谱吗!") == "小米贷款靠谱吗"
    assert normalise("利率多少") != normalise("额度多少")


def _with_examples(tmp_path: Path, *lines: str) -> Path:
    data_dir = make_data_dir(tmp_path)
    (data_dir / "examples").mkdir()
    (data_dir / "examples" / "typed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return data_dir


def test_labelled_examples_are_loaded_with_the_knowledge_base(tmp_path: Path) -> None:
    data_dir = _with_examples(
        tmp_path,
        '{"question": "小米贷款查不查征信", "entry": "credit.inquiry", "product": "xiaomi"}',
        "",
        '{"question": "京东白条怎么开通", "entry": null, "product": null}',
    )
    kb = load(data_dir)
    assert [(q.question, q.entry, q.product) for q in kb.examples] == [
        ("小米贷款查不查征信", "credit.inquiry", "xiaomi"),
        ("京东白条怎么开通", None, None),
    ]
    assert problems(kb, data_dir) == []


def test_an_example_labelled_with_an_unknown_entry_or_product_is_reported(tmp_path: Path) -> None:
    data_dir = _with_examples(
        tmp_path,
        '{"question": "征信多久更新", "entry": "credit.refresh", "product": null}',
        '{"question": "花呗会查征信吗", "entry": "credit.inquiry", "product": "huabei"}',
    )
    assert problems(load(data_dir), data_dir) == [
        "examples/*.jsonl: 「征信多久更新」: unknown entry 'credit.refresh'",
        "examples/*.jsonl: 「花呗会查征信吗」: unknown product 'huabei'",
    ]


def test_a_malformed_example_line_is_rejected_at_load_naming_file_and_line(tmp_path: Path) -> None:
    data_dir = _with_examples(
        tmp_path,
        '{"question": "借了会上征信吗", "entry": "credit.reported", "product": null}',
        '{"question": "会查征信吗", "entry": "credit.inquiry"}',
    )
    with pytest.raises(KnowledgeBaseError, match=r"typed\.jsonl:2: not a labelled question"):
        load(data_dir)


# --- the rules that need the articles, against their fingerprints -----------------------------------------


def _answer_text(text: str, *sources: str) -> Callable[[dict[str, Data]], None]:
    def edit(f: dict[str, Data]) -> None:
        _entry(f, "credit.inquiry")["answers"][0].update(text=text, sources=list(sources))

    return edit


@pytest.mark.parametrize(
    ("text", "sources", "expected"),
    [
        # a figure no cited article states (a hotline number the articles never give)
        ("小米贷款的客服热线是95017。", ["xm-credit-faq"], "states 95017, which no article it cites states"),
        # a named body no cited article names
        ("小米贷款的记录会报给百行征信。", ["xm-8qa"], "states 百行, which no article it cites states"),
        # marked as general knowledge, but the answer does not say so in its sources
        (
            "（常识）百行征信是一家个人征信机构。",
            ["xm-8qa"],
            "is marked as general knowledge: cite 'general' too",
        ),
        # cites general knowledge, but the reader cannot tell which sentence is
        ("测试用的回答。", ["xm-8qa", "general"], "cites 'general' but no sentence is marked"),
    ],
)
def test_an_unsourced_figure_or_body_is_reported(
    tmp_path: Path, text: str, sources: list[str], expected: str
) -> None:
    found = problems_of(tmp_path, _answer_text(text, *sources))
    assert any(expected in m and "entry 'credit.inquiry'" in m for m in found), found


@pytest.mark.parametrize(
    ("text", "sources"),
    [
        ("小米贷款的日利率在0.02%到0.05%之间。", ["xm-8qa"]),  # stated by the cited article
        ("（常识）百行征信是一家个人征信机构，反诈热线是96110。", ["xm-8qa", "general"]),  # marked
        ("按我们的计算，1万元逾期10天约50元。", ["xm-review"]),  # our arithmetic, said so
    ],
)
def test_a_sourced_marked_or_computed_figure_passes(tmp_path: Path, text: str, sources: list[str]) -> None:
    assert problems_of(tmp_path, _answer_text(text, *sources)) == []


def _demote_activity(f: dict[str, Data]) -> None:
    criteria: list[Data] = f["criteria.yaml"]["criteria"]
    criteria.remove(_criterion(f, "weilidai.activity"))
    f["criteria.yaml"]["factors"].append(
        {
            "id": "weilidai.activity",
            "product": "weilidai",
            "basis": "hedged",
            "text": "据称看重账户活跃度：近半年每天打开微信3次以上。",
            "sources": ["wx-weidai-open"],
        }
    )


def test_a_requirement_an_article_states_cannot_be_demoted_to_a_factor(tmp_path: Path) -> None:
    found = problems_of(tmp_path, _demote_activity)
    assert any(
        "《微贷开通指南》 states a requirement on 'activity' for 'weilidai'" in m
        and "factor 'weilidai.activity' demotes it" in m
        for m in found
    ), found


def test_a_requirement_an_article_states_cannot_be_dropped(tmp_path: Path) -> None:
    def drop(f: dict[str, Data]) -> None:
        f["criteria.yaml"]["criteria"].remove(_criterion(f, "xiaomi.wechat_pay"))

    found = problems_of(tmp_path, drop)
    assert any("states a requirement on 'wechat_pay' for 'xiaomi'" in m for m in found), found


def test_an_exemption_must_name_a_statement_of_the_fingerprints(tmp_path: Path) -> None:
    def wrong(f: dict[str, Data]) -> None:
        f["criteria.yaml"]["exemptions"][0]["statement"] = "xm-review#r99"

    found = problems_of(tmp_path, wrong)
    assert (
        "criteria.yaml: exemption 'xm-review#r99': no such requirement statement in fingerprints.json"
        in found
    )
    assert any("states a requirement on 'income' for 'xiaomi' (xm-review#r3)" in m for m in found)


def test_a_criterion_text_names_only_what_its_question_asks(tmp_path: Path) -> None:
    def widen(f: dict[str, Data]) -> None:
        _criterion(f, "xiaomi.device.8qa")["text"] = "必须是小米设备用户，并在小米生态里有消费记录"

    found = problems_of(tmp_path, widen)
    assert any("criterion 'xiaomi.device.8qa': its text names purchases" in m for m in found), found


def test_a_conclusion_the_criteria_do_not_reach_is_reported(tmp_path: Path) -> None:
    def overclaim(f: dict[str, Data]) -> None:
        answer = _entry(f)["answers"][1]  # the 小米贷款 answer
        answer["concludes"] = [{"key": "age", "value": 58, "verdict": "ineligible"}]

    found = problems_of(tmp_path, overclaim)
    assert any(
        "answer for 'xiaomi' concludes 'ineligible' for xiaomi when age = 58, "
        "but the criteria give 'uncertain'" in m
        for m in found
    ), found


def _synthetic_articles(data_dir: Path, folder: Path, texts: list[str]) -> None:
    """Fingerprint articles written for the test in place of the real ones (same file names)."""
    from knowledge import fingerprints as fp
    from knowledge.provenance import load_provenance

    kb = load(data_dir)
    folder.mkdir()
    for text, file_name in zip(texts, fp.article_files(kb).values(), strict=False):
        (folder / file_name).write_text(text, encoding="utf-8")
    for file_name in fp.article_files(kb).values():
        if not (folder / file_name).exists():
            (folder / file_name).write_text("空白。", encoding="utf-8")
    fp.write(fp.build(kb, load_provenance(data_dir), folder), data_dir / fp.FINGERPRINT_FILE)


@pytest.mark.parametrize(("copied", "reported"), [(15, True), (14, False)])
def test_a_run_of_15_characters_shared_with_an_article_is_reported(
    tmp_path: Path, copied: int, reported: bool
) -> None:
    sentence = "这段文字专门写给测试用里面没有任何一段会被别人照抄"
    data_dir = make_data_dir(tmp_path, _answer_text(f"我们说：{sentence[:copied]}。", "xm-review"))
    _synthetic_articles(data_dir, tmp_path / "articles", [sentence])
    found = [m for m in problems(load(data_dir), data_dir) if "a run of 15 characters" in m]
    assert bool(found) is reported, found
    if reported:
        assert found == [
            f"faq/credit.yaml: entry 'credit.inquiry': general answer: shares 「{sentence[:15]}」 with "
            "《小米贷款测评》, a run of 15 characters: say it in our own words"
        ]


def test_missing_or_stale_fingerprints_are_reported(tmp_path: Path) -> None:
    data_dir = make_data_dir(tmp_path)
    (data_dir / "fingerprints.json").unlink()
    assert [m for m in problems(load(data_dir), data_dir) if "fingerprints.json: missing" in m]
    data_dir = make_data_dir(
        tmp_path / "again", lambda f: f["provenance.yaml"]["requirements"]["cues"].append("务必")
    )
    assert any("another provenance.yaml vocabulary" in m for m in problems(load(data_dir), data_dir))


def test_with_the_articles_at_hand_the_fingerprints_are_verified(tmp_path: Path) -> None:
    data_dir = make_data_dir(tmp_path)
    folder = tmp_path / "articles"
    _synthetic_articles(data_dir, folder, ["第一篇。", "第二篇。"])
    kb = load(data_dir)
    assert not [m for m in problems(kb, data_dir, sources_dir=folder) if "fingerprinted" in m]
    changed = next(folder.iterdir())
    changed.write_text("改过了。", encoding="utf-8")
    assert any(
        "has changed since it was fingerprinted" in m for m in problems(kb, data_dir, sources_dir=folder)
    )
