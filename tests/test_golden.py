"""Golden check of the front of the pipeline against tests/gold/: sections, meta, boilerplate gone, body kept."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
import yaml

from frontstages import front
from policyx.models import Document, Section
from policyx.rules import ruleset_for

from conftest import CORPUS, GOLD, ROOT

GOLD_FILES = sorted(GOLD.glob("*.yaml"))
SECTIONS_F1_FLOOR = 0.97
TITLE_PREFIX = 8  # the gold scorer matches titles on their first characters


@cache
def _doc(stem: str) -> Document:
    return front(CORPUS / f"{stem}.txt", ruleset_for(str(ROOT / "rules")))


def _gold(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _fold(s: str) -> str:
    """Full-width → half-width and no white space: how the scorer compares strings."""
    s = s.translate({cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)})
    return "".join(s.split())


def _paths(sections: list[Section]) -> list[tuple[tuple[str, ...], str]]:
    by_id = {s.id: s for s in sections}
    out = []
    for s in sections:
        path: list[str] = []
        node: Section | None = s
        while node is not None:
            path.append(node.number or node.title)
            node = by_id.get(node.parent) if node.parent else None
        out.append((tuple(reversed(path)), _fold(s.title)[:TITLE_PREFIX]))
    return out


def _f1(got: list, want: list) -> float:
    remaining = list(want)
    hits = 0
    for item in got:
        if item in remaining:
            remaining.remove(item)
            hits += 1
    if not got or not want:
        return 1.0 if got == want else 0.0
    p, r = hits / len(got), hits / len(want)
    return 0.0 if hits == 0 else 2 * p * r / (p + r)


@pytest.mark.parametrize("gold_path", GOLD_FILES, ids=lambda p: p.stem)
def test_sections(gold_path: Path) -> None:
    gold = _gold(gold_path)
    want = [(tuple(str(x) for x in s["path"]), _fold(str(s["title"]))[:TITLE_PREFIX]) for s in gold["sections"]]
    got = _paths(_doc(gold_path.stem).sections)
    assert _f1(got, want) >= SECTIONS_F1_FLOOR


@pytest.mark.parametrize("gold_path", GOLD_FILES, ids=lambda p: p.stem)
def test_meta(gold_path: Path) -> None:
    want = {k: (str(v) if v is not None else None) for k, v in _gold(gold_path)["meta"].items()}
    assert _doc(gold_path.stem).meta.model_dump(exclude={"fields"}) == want


@pytest.mark.parametrize("gold_path", GOLD_FILES, ids=lambda p: p.stem)
def test_boilerplate_gone_and_body_kept(gold_path: Path) -> None:
    gold = _gold(gold_path)
    text = _fold(_doc(gold_path.stem).text)
    for s in gold.get("boilerplate") or []:
        assert _fold(str(s)) not in text, s
    for s in gold.get("body") or []:
        assert _fold(str(s)) in text, s


def test_the_floor_is_not_vacuous() -> None:
    # every gold file has sections and body strings, so the checks above compare something
    for path in GOLD_FILES:
        gold = _gold(path)
        assert gold["sections"] and gold["body"], path.name
