"""The heading spec table (tests/spec/headings.yaml): real lines from at least two documents per decision, with the
sections they must give (SPEC 3)."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import pytest
import yaml

from policyx.clean import normalise
from policyx.rules import RuleSet
from policyx.sections import HeadingRules, build_sections

SPEC = Path(__file__).parent / "spec" / "headings.yaml"
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
TABLE: dict[str, list[dict[str, Any]]] = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
CASES = [
    pytest.param(case, id=f"{decision}-{i}-{Path(case['source']).name[:12]}")
    for decision, cases in TABLE.items()
    for i, case in enumerate(cases)
]


def _sections(case: dict[str, Any], rules: RuleSet) -> list[tuple[int, str | None, str]]:
    title = normalise(case["title"]) if case.get("title") else None
    sections, _ = build_sections(normalise("\n".join(case["lines"])), rules.get(HeadingRules), title)
    return [(s.level, s.number, s.title) for s in sections]


@pytest.mark.parametrize("case", CASES)
def test_heading_decision(case: dict[str, Any], rules: RuleSet) -> None:
    want = [(lvl, None if num is None else normalise(str(num)), normalise(str(t))) for lvl, num, t in case["sections"]]
    if case.get("unsupported"):
        pytest.xfail(case["unsupported"])
    assert _sections(case, rules) == want


def test_every_decision_has_two_sources() -> None:
    for decision, cases in TABLE.items():
        assert len({case["source"] for case in cases}) >= 2, decision
        for case in cases:
            assert "sections" in case, (decision, case["source"])


@pytest.mark.parametrize("case", CASES)
def test_lines_are_real(case: dict[str, Any]) -> None:
    src = SHARED / case["source"]
    if not src.is_file():
        pytest.skip(f"../shared/{case['source']} is not present on this machine")
    raw = src.read_text(encoding="utf-8")
    if src.suffix == ".html":
        # a line of a page is the text of one element: tags and entities removed
        raw = html.unescape(raw.replace("<", "\n<").replace(">", ">\n"))
    where = normalise(raw).replace("\n", "")
    for line in case["lines"]:
        assert normalise(line).lstrip("#").strip() in where, line
