"""Each kind of inconsistent data file is reported by ``knowledge.validate.problems`` by file and entry.

Every case copies the real sources, products, topics and criteria into a temporary data folder, adds a
small FAQ file of its own (the real FAQ files belong to other editors and change independently), breaks
exactly one thing, and checks the message that names it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from knowledge.base import DATA_DIR, KnowledgeBaseError, load
from knowledge.models import MAX_ANSWER_CHARS
from knowledge.validate import normalise, problems

CORE_FILES = ("sources.yaml", "products.yaml", "topics.yaml", "criteria.yaml")

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
    _item(f["criteria.yaml"]["factors"], "we2000.pay_score")["sources"] = ["nowhere"]


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
    _item(f["criteria.yaml"]["factors"], "we2000.pay_score")["product"] = "we3000"


def _topic(f: dict[str, Data]) -> None:
    _entry(f)["topic"] = "credits"


def _related(f: dict[str, Data]) -> None:
    _entry(f)["related"] = ["credit.nothing"]


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
        "criteria.yaml: factor 'we2000.pay_score': unknown source 'nowhere'",
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
        "criteria.yaml: factor 'we2000.pay_score': unknown product 'we3000'",
    ),
    "topic": (
        _topic,
        "faq/credit.yaml: entry 'credit.reported': unknown topic 'credits'",
    ),
    "related": (
        _related,
        "faq/credit.yaml: entry 'credit.reported': unknown related entry 'credit.nothing'",
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
