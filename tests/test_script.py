"""Traditional script: the simplified view (rules/script.yaml) and a whole document read through it (SPEC 10)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
import yaml

from policyx.models import Document
from policyx.pipeline import extract_document
from policyx.rules import RuleSet
from policyx.script import ScriptRules

from conftest import CORPUS, ROOT

SEEDS = sorted(CORPUS.glob("*.txt"))


@pytest.fixture(scope="module")
def script(rules: RuleSet) -> ScriptRules:
    return rules.get(ScriptRules)


@pytest.mark.parametrize(
    ("written", "view"),
    [
        ("養老服務床位總量達到1600張", "养老服务床位总量达到1600张"),  # a seed sentence in traditional script
        ("護理型床位占比不小于60%", "护理型床位占比不小于60%"),  # ../shared/dev 40, a reprint site
        ("第一章 總則", "第一章 总则"),  # a chapter heading of a regulation
        ("時間:2022-10-15 17:34 來源: 作者:小杰 人瀏覽", "时间:2022-10-15 17:34 来源: 作者:小杰 人浏览"),
        ("养老服务床位", "养老服务床位"),  # simplified text is its own view
    ],
)
def test_view_is_simplified_and_as_long(script: ScriptRules, written: str, view: str) -> None:
    assert script.simplify(written) == view
    assert len(script.simplify(written)) == len(written)
    assert script.is_traditional(written) == (written != view)


def test_table_is_not_stale() -> None:
    """rules/script.yaml is what scripts/make_script_table.py writes with the installed OpenCC."""
    pytest.importorskip("opencc")
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_script_table", ROOT / "scripts" / "make_script_table.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    data = yaml.safe_load((ROOT / "rules" / "script.yaml").read_text(encoding="utf-8"))
    import opencc

    if data["source"] != f"opencc {opencc.__version__} t2s":
        pytest.skip(f"rules/script.yaml comes from {data['source']}, this machine has OpenCC {opencc.__version__}")
    trad, simp = ("".join(data[k].split()) for k in ("traditional", "simplified"))
    assert list(zip(trad, simp, strict=True)) == mod.pairs()


@cache
def _pair(path: Path) -> tuple[Document, Document]:
    import opencc

    raw = path.read_text(encoding="utf-8")
    written = opencc.OpenCC("s2t").convert(raw)
    return extract_document(raw.encode(), name=path.name), extract_document(written.encode(), name=path.name)


def _targets(doc: Document) -> list[tuple]:
    return [(t.value, t.value_max, t.unit, t.comparator, t.year, t.baseline, t.binding) for t in doc.targets]


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.stem)
def test_traditional_seed_gives_the_same_records(path: Path, script: ScriptRules) -> None:
    pytest.importorskip("opencc")
    simplified, traditional = _pair(path)
    assert script.is_traditional(traditional.text)
    assert _targets(traditional) == _targets(simplified)
    assert [(s.value, s.unit, s.comparator) for s in traditional.statistics] == [
        (s.value, s.unit, s.comparator) for s in simplified.statistics
    ]
    # units of responsibility are reported as written; read simplified they are the same names
    assert [[script.simplify(u) for u in r.units] for r in traditional.responsibilities] == [
        r.units for r in simplified.responsibilities
    ]
    assert [r.unit_keys for r in traditional.responsibilities] == [r.unit_keys for r in simplified.responsibilities]
    assert [(s.number, s.level, script.simplify(s.title)) for s in traditional.sections] == [
        (s.number and script.simplify(s.number), s.level, s.title) for s in simplified.sections
    ]
    assert [t.indicator_key for t in traditional.targets] == [t.indicator_key for t in simplified.targets]


@pytest.mark.parametrize("path", SEEDS[:2], ids=lambda p: p.stem)
def test_traditional_records_quote_the_text_as_written(path: Path, script: ScriptRules) -> None:
    pytest.importorskip("opencc")
    _, doc = _pair(path)
    records = [*doc.targets, *doc.statistics, *doc.deadlines, *doc.responsibilities, *doc.references, *doc.tables]
    assert records
    for r in records:
        assert r.quote == doc.text[r.span[0] : r.span[1]]
    # indicators and titles keep the document's characters, units of measure are simplified
    assert any(script.is_traditional(t.indicator) for t in doc.targets)
    assert any(script.is_traditional(s.title) for s in doc.sections)
    assert not any(script.is_traditional(t.unit) for t in doc.targets)
    assert doc.meta.title is None or script.is_traditional(doc.meta.title) or not doc.meta.title
