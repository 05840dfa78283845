"""Targets from the standards column of an indicator/monitoring table (一级指标 | 二级指标 | 评价标准 | 指标含义 | …).

The rows quote the annex table of ../shared/html/01 (广州市家庭医生签约服务质量监测指标体系): only the 评价标准 cell
is read, named by the 二级指标 cell when its own phrase is weak; the definitions (…*100%) and data sources are not.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from policyx.echoes import merge_echoes
from policyx.models import Document, Source
from policyx.pipeline import extract_document
from policyx.rules import RuleSet
from policyx.sections import split_sections
from policyx.tables.stage import extract_tables
from policyx.targets import extract_quantities

RULE = "target.standards_column"
HEADER = "一级指标\t二级指标\t评价标准\t指标含义\t数据来源\n"
# a row without a number: every table here has two rows at least
PLAIN = (
    "签约数量指标\t3.签约有偿服务包的覆盖率\t较上一年增加。\t签约有偿服务包的覆盖率=该区签约家庭医生有偿服务包"
    "(基本包、个性化包)的签约人数(需去重)/辖区内签约居民人数。\t市家庭平台或现场抽查核实:统计数据*抽查真实率。\n"
)
COVERAGE = (
    "签约数量指标\t1.重点人群签约服务覆盖率\t较上一年增加。2023年达到80%,力争2035年达到95%。\t"
    "重点人群签约服务覆盖率=该区签约家庭医生服务的重点人群数/辖区内重点人群数*100%。\t"
    "国家统计年报结合市家庭平台或现场抽查核实:统计数据*抽查真实率。\n"
)
DOCTORS = (
    "增加服务供给\t4.家庭医生人数\t家庭医生人数比上一年增加,2023年力争每万常住人口达到4名,2025年达到4.66名。\t"
    "考察是否有序扩大家庭医生来源渠道。\t国家统计年报结合现场抽查核实:统计数据*抽查真实率。\n"
)
BLOOD_PRESSURE = (
    "服务效果\t15.签约高血压患者血压控制率\t≥50%\t"
    "核查签约居民健康状况的改善情况,评估签约服务质量和效果。\t系统随机抽。\n"
)


def _run(text: str, rules: RuleSet) -> Document:
    doc = Document(doc_id="t", source=Source(path="t.txt", sha256="", encoding="utf-8", format="text"), text=text)
    for stage in (split_sections, extract_tables, extract_quantities, merge_echoes):
        doc = stage(doc, rules)
    return doc


def _annex(*rows: str, header: str = HEADER) -> str:
    return "附件1 广州市家庭医生签约服务质量监测指标体系\n" + header + "".join(rows)


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (COVERAGE, [("重点人群签约服务覆盖率", 80, "%", 2023, "="), ("重点人群签约服务覆盖率", 95, "%", 2035, "=")]),
        (DOCTORS, [("家庭医生人数", 4, "名", 2023, "="), ("家庭医生人数", 4.66, "名", 2025, "=")]),
        (BLOOD_PRESSURE, [("签约高血压患者血压控制率", 50, "%", None, ">=")]),
    ],
    ids=["coverage", "doctors", "floor"],
)
def test_standards_cell_yields_targets(
    rules: RuleSet, row: str, expected: list[tuple[str, float, str, int | None, str]]
) -> None:
    doc = _run(_annex(row, PLAIN), rules)
    got = [(t.indicator, t.value, t.unit, t.year, t.comparator) for t in doc.targets]
    assert got == expected
    assert len(doc.tables) == 1
    standards = row.split("\t")[2]
    lo = doc.text.index(standards)
    for t in doc.targets:
        assert RULE in t.rule.split("/")
        assert lo <= t.span[0] < t.span[1] <= lo + len(standards)  # provenance inside the standards cell
        assert t.quote == doc.text[t.span[0] : t.span[1]]


def test_definition_and_source_columns_yield_nothing(rules: RuleSet) -> None:
    # row 1 with its standards cell's numbers gone: the definition's *100% is no target, nor a statistic
    cells = COVERAGE.split("\t")
    cells[2] = "较上一年增加。"
    doc = _run(_annex("\t".join(cells), PLAIN), rules)
    assert doc.targets == [] and doc.statistics == []


def test_a_table_without_a_standards_column_is_not_read(rules: RuleSet) -> None:
    doc = _run(_annex(COVERAGE, PLAIN, header=HEADER.replace("评价标准", "备注")), rules)
    assert doc.targets == []


def test_a_standards_cell_copying_the_body_is_one_record(rules: RuleSet) -> None:
    # the body's goal copied word for word into the standards cell: the echoes stage keeps the body's record
    goal = "到2035年,签约居民满意率达到90%。"
    row = f"服务效果\t11.签约居民满意率\t{goal}\t签约居民对签约服务基本满意和满意的人数占调查总人数的比例。\t调查。\n"
    doc = _run(f"一、工作目标\n{goal}\n" + _annex(row, PLAIN), rules)
    assert [(t.indicator, t.value, t.year) for t in doc.targets] == [("签约居民满意率", 90, 2035)]
    assert doc.targets[0].span[0] < doc.tables[0].span[0]
    assert doc.targets[0].rule.endswith("/echo.table_row")


def test_the_plan_annex_standards_become_targets(shared_html: Path, rules: RuleSet) -> None:
    doc = extract_document(shared_html / "01_guangzhou_jiatingyisheng_shishifangan.html", rules=rules)
    annex = next(t for t in doc.tables if t.header[:3] == ["一级指标", "二级指标", "评价标准"])
    got = {(t.indicator, t.value, t.unit, t.year) for t in doc.targets if RULE in t.rule.split("/")}
    assert {
        ("重点人群签约服务覆盖率", 80, "%", 2023),
        ("重点人群签约服务覆盖率", 95, "%", 2035),
        ("家庭医生人数", 4, "名", 2023),
        ("家庭医生人数", 4.66, "名", 2025),
        ("签约居民满意率", 90, "%", 2035),
        ("签约高血压患者血压控制率", 50, "%", None),
    } <= got
    assert len(got) >= 12
    # every one sits in a standards cell (the third of its row), never in a definition or a data source
    for t in doc.targets:
        if RULE in t.rule.split("/"):
            assert annex.span[0] <= t.span[0] < annex.span[1]
            row = doc.text[doc.text.rfind("\n", 0, t.span[0]) + 1 : t.span[0]]
            assert row.count("\t") == 2
