"""The command-line faces of question understanding: ``ask``, ``ask --json``, ``eval``, ``kb unanswered``."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from bot.cli import main

pytestmark = pytest.mark.slow  # starts `loan-advisor ask` and `eval` processes


@pytest.fixture(autouse=True)
def _data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # every command writes its unanswered log under the data folder: keep it inside the test's own folder
    monkeypatch.setenv("LOAN_ADVISOR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("LOAN_ADVISOR_KEEP_UNANSWERED", "true")
    return tmp_path / "data"


def _ask_json(
    lines: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *extra: str
) -> list[dict[str, object]]:
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(lines) + "\n"))
    assert main(["ask", "--json", *extra]) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_ask_prints_the_products_answer_with_its_sources(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "微粒贷逾期罚息多少"]) == 0
    out = capsys.readouterr().out
    assert "来源：" in out
    assert "微粒贷" in out


def test_ask_without_a_question_explains_itself(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask"]) == 0
    assert "请输入" in capsys.readouterr().out


def test_ask_json_writes_one_object_per_question_with_the_contract_keys(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = _ask_json(["微粒贷逾期罚息多少", "", "京东白条怎么开通"], monkeypatch, capsys)
    assert len(rows) == 2
    keys = {"question", "answered", "topic", "product", "confidence", "answer", "sources", "suggestions"}
    assert all(keys <= row.keys() for row in rows)
    answered, declined = rows
    assert (answered["answered"], answered["topic"], answered["product"]) == (
        True,
        "overdue.penalty",
        "weilidai",
    )
    assert answered["sources"] and answered["suggestions"] == []
    assert declined["answered"] is False and declined["topic"] is None
    assert 1 <= len(declined["suggestions"]) <= 3  # type: ignore[arg-type]
    assert isinstance(answered["confidence"], float)


def test_ask_json_gives_the_best_guess_as_topic_when_unsure_and_none_when_declined(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    questions = [
        "我想开微粒贷 咋弄？",
        "想知道微粒贷怎么弄",
        "WE2000额度能提吗",
        "借钱还得刷脸啊",
        "信用卡年费能免吗",
    ]
    rows = _ask_json(questions, monkeypatch, capsys)
    unsure = [r for r in rows if r["band"] == "suggest"]
    assert unsure, "none of the questions fell in the 您是不是想问 band"
    for row in unsure:
        assert row["answered"] is False
        assert row["topic"] == row["suggested_entries"][0]  # type: ignore[index]
        assert row["topic"] is not None and row["sources"] == []
    declined = rows[-1]
    assert declined["band"] == "decline"
    assert declined["topic"] is None and declined["product"] is None
    assert isinstance(declined["in_scope"], float)


def test_ask_json_conversation_follows_up_on_the_previous_answer(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = _ask_json(["小米贷款逾期罚息怎么算", "那微粒贷呢？"], monkeypatch, capsys, "--conversation")
    assert [(r["topic"], r["product"]) for r in rows] == [
        ("overdue.penalty", "xiaomi"),
        ("overdue.penalty", "weilidai"),
    ]


def test_declined_questions_are_logged_redacted_and_listed(
    _data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _ask_json(
        ["京东白条怎么开通", "京东白条怎么开通", "我手机13812345678，小米电视多少钱"], monkeypatch, capsys
    )
    log = (_data_dir / "unanswered.jsonl").read_text(encoding="utf-8")
    assert "13812345678" not in log and "[已隐去]" in log
    assert "user" not in log
    assert main(["kb", "unanswered"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "京东白条怎么开通" in lines[1] and lines[1].split()[0] == "2"


def test_no_log_keeps_nothing(
    _data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _ask_json(["京东白条怎么开通"], monkeypatch, capsys, "--no-log")
    assert not (_data_dir / "unanswered.jsonl").exists()


def test_eval_prints_accuracy_rejection_and_latency_beside_the_baseline(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    labelled = tmp_path / "mini.jsonl"
    rows = [
        {"question": "微粒贷逾期罚息多少", "entry": "overdue.penalty", "product": "weilidai"},
        {"question": "IRR是什么", "entry": "gloss.irr", "product": None},
        {"question": "京东白条怎么开通", "entry": None, "product": None},
    ]
    labelled.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    assert main(["eval", str(labelled)]) == 0
    out = capsys.readouterr().out
    assert "matcher" in out and "baseline" in out
    for label in ("top-1 accuracy", "out-of-scope declined", "latency p99 ms"):
        assert label in out
    assert main(["eval", str(labelled), "--json", "--no-baseline"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["matcher"]["top1"] == 1.0
    assert figures["matcher"]["oos_declined"] == 1.0


def test_eval_counts_each_in_scope_question_in_one_of_five_outcomes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    labelled = tmp_path / "mini.jsonl"
    rows = [
        {"question": "微粒贷逾期罚息多少", "entry": "overdue.penalty", "product": "weilidai"},
        # labelled with the wrong product on purpose: answered, it is answered wrong
        {"question": "小米贷款利息多少", "entry": "rate.level", "product": "weilidai"},
        {"question": "我想问问那个事情", "entry": "rate.level", "product": None},
        {"question": "京东白条怎么开通", "entry": None, "product": None},
    ]
    labelled.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    assert main(["eval", str(labelled), "--no-baseline"]) == 0
    out = capsys.readouterr().out
    for label in (
        "answered directly and right",
        "answered right, alternatives offered",
        "suggested: 您是不是想问",
        "declined (in scope)",
        "answered wrong (in scope)",
    ):
        assert label in out
    assert main(["eval", str(labelled), "--json", "--no-baseline"]) == 0
    figures = json.loads(capsys.readouterr().out)["matcher"]
    outcomes = ("direct_right", "hedged_right", "in_scope_suggested", "in_scope_declined", "wrong_in_scope")
    assert sum(figures[k] for k in outcomes) == pytest.approx(1.0)
    assert figures["wrong_in_scope"] == pytest.approx(1 / 3)
    assert figures["wrong_answers"] == pytest.approx(1 / 4)


def test_eval_scores_the_questions_that_are_not_training_paraphrases_apart(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from knowledge.base import default

    paraphrase = default().entries["overdue.penalty"].paraphrases[0]
    labelled = tmp_path / "mini.jsonl"
    rows = [
        # the training paraphrase itself, spelt with a space and a full-width question mark
        {
            "question": paraphrase[:2] + " " + paraphrase[2:] + "？",
            "entry": "overdue.penalty",
            "product": None,
        },
        {"question": "京东白条怎么开通", "entry": None, "product": None},
    ]
    labelled.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    assert main(["eval", str(labelled), "--no-baseline"]) == 0
    out = capsys.readouterr().out
    assert "matcher unseen" in out and "1 of 2 questions coincide" in out
    assert main(["eval", str(labelled), "--json", "--no-baseline"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["coinciding_with_paraphrases"] == 1
    assert figures["matcher unseen"]["questions"] == 1.0
    assert figures["matcher"]["questions"] == 2.0


def test_eval_reports_an_unreadable_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken.jsonl"
    broken.write_text("{not json\n", encoding="utf-8")
    assert main(["eval", str(broken)]) == 2
    assert "broken.jsonl:1" in capsys.readouterr().err


def test_unanswered_questions_are_drafted_as_examples_to_label(
    _data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from knowledge.base import default
    from knowledge.models import LabelledQuestion
    from knowledge.understanding.normalize import clean

    learned = {clean(q.question) for q in default().examples}
    new, known = "小米电视的贷款分期怎么弄", "小米电视多少钱"
    assert clean(new) not in learned and clean(known) in learned
    _ask_json([new, known], monkeypatch, capsys)
    assert main(["kb", "unanswered", "--examples"]) == 0
    drafts = [LabelledQuestion.model_validate_json(line) for line in capsys.readouterr().out.splitlines()]
    # only what the matcher has not learned yet, ready to be checked and appended to the examples
    assert [d.question for d in drafts] == [new]
