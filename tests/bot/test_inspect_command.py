"""``loan-advisor inspect FILE``: a text file or a screenshot checked as the chat checks it, or as JSON."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.bot.screens import font_available, screenshot

pytestmark = pytest.mark.slow  # starts `loan-advisor inspect` processes, reads screenshots

SCAM = (
    "【WE2000】您的借款资金已被风控冻结，需缴纳解冻费用1000元，并回复收到的验证码完成身份确认。"
    "卡号6222020200112233445"
)


def inspect(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "inspect", *args],
        input=stdin.decode() if stdin is not None else None,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_text_file_is_checked_as_the_chat_would_reply(tmp_path: Path) -> None:
    (tmp_path / "message.txt").write_text(SCAM, encoding="utf-8")
    result = inspect(str(tmp_path / "message.txt"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("⚠️ 发现 3 个诈骗常见迹象")
    assert "「验证码」" in result.stdout and "6222020200112233445" not in result.stdout


def test_json_gives_signs_quotes_advice_sources_and_figures(tmp_path: Path) -> None:
    (tmp_path / "offer.txt").write_text("借5000到手3800，分3期每期还2000，包过！私聊我微信", encoding="utf-8")
    result = inspect(str(tmp_path / "offer.txt"), "--json")
    data = json.loads(result.stdout)
    assert [sign["id"] for sign in data["signs"]] == ["unofficial_channel", "guaranteed_approval"]
    assert all(sign["advice"]["sources"] and sign["quotes"] for sign in data["signs"])
    assert data["figures"]["irr_annual_pct"] == pytest.approx(322.08, abs=0.01)
    assert data["figures"]["band"] == "over_36" and data["read_from_image"] is False


def test_standard_input_is_read_with_a_dash() -> None:
    result = inspect("-", "--json", stdin="【小米金融】您的借款已结清。".encode())
    assert json.loads(result.stdout)["suspicious"] is False


@pytest.mark.skipif(not font_available(), reason="the CJK font is missing: run `make cjk-font`")
def test_a_screenshot_is_read_then_checked(tmp_path: Path) -> None:
    (tmp_path / "screen.png").write_bytes(screenshot(SCAM, "sms"))
    result = inspect(str(tmp_path / "screen.png"), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["read_from_image"] is True
    assert {"unfreeze_fee", "code_request"} <= {sign["id"] for sign in data["signs"]}
    assert "[已隐去]" in data["text"]


def test_bad_input_gets_a_clear_message_and_status_2(tmp_path: Path) -> None:
    (tmp_path / "binary.bin").write_bytes(bytes(range(256)) * 4)
    assert inspect(str(tmp_path / "binary.bin")).returncode == 2
    missing = inspect(str(tmp_path / "missing.txt"))
    assert missing.returncode == 2 and "读不到这个文件" in missing.stderr
    (tmp_path / "blank.png").write_bytes(screenshot(" ", "sms")[:40])  # a cut-off picture
    broken = inspect(str(tmp_path / "blank.png"))
    assert broken.returncode == 2


def test_kb_check_reports_a_sign_citing_what_does_not_exist(tmp_path: Path) -> None:
    import shutil

    from knowledge.base import DATA_DIR

    data_dir = tmp_path / "data"
    shutil.copytree(DATA_DIR, data_dir)
    signs = data_dir / "scam_signs.yaml"
    signs.write_text(signs.read_text(encoding="utf-8").replace("faq: safety.upfront_fee", "faq: no.such", 1))
    result = subprocess.run(
        [sys.executable, "-m", "bot", "kb", "check", "--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert "scam_signs.yaml: sign 'upfront_fee': unknown FAQ entry 'no.such'" in result.stdout
