"""The committed flow diagrams are generated from the flow tables and must match them."""

from __future__ import annotations

from pathlib import Path

from flows.diagrams import DOC_PATH, main, mermaid, render
from flows.eligibility import CHECK


def test_docs_flows_md_is_up_to_date() -> None:
    assert DOC_PATH.exists(), "run: python -m flows.diagrams"
    assert DOC_PATH.read_text(encoding="utf-8") == render(), (
        "docs/flows.md is stale: python -m flows.diagrams"
    )


def test_the_diagram_shows_every_state_and_trigger_of_the_table() -> None:
    text = mermaid(CHECK)
    assert text.startswith("---\ntitle: check\n---\nstateDiagram-v2")
    for state in CHECK.states:
        assert f'state "{state}"' in text
    for trigger in CHECK.triggers():
        assert trigger in text
    assert "[products_chosen & nothing_to_ask]" in text


def test_check_mode_reports_a_stale_file(tmp_path: Path) -> None:
    stale = tmp_path / "flows.md"
    stale.write_text("old", encoding="utf-8")
    assert main(["--check", "--output", str(stale)]) == 1
    assert main(["--output", str(stale)]) == 0
    assert main(["--check", "--output", str(stale)]) == 0
