"""Tables (SPEC 9): the real flattened tables of 001, the same rows rendered with TABs, and texts with no table."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from policyx.models import Baseline, Document, Source
from policyx.rules import RuleSet
from policyx.sections import split_sections
from policyx.tables.grid import reconstruct
from policyx.tables.read import read_value
from policyx.tables.rules import TableRules
from policyx.tables.stage import extract_tables

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
GOLD = ROOT / "tests" / "gold"
DOC_001 = "001_1add88e18a025895"


def _doc(text: str, name: str = "t") -> Document:
    return Document(
        doc_id=name, source=Source(path=f"{name}.txt", sha256="", encoding="utf-8", format="text"), text=text
    )


def _run(text: str, rules: RuleSet) -> Document:
    return extract_tables(split_sections(_doc(text), rules), rules)


@pytest.fixture(scope="module")
def doc001(rules: RuleSet) -> Document:
    return _run((CORPUS / f"{DOC_001}.txt").read_text(encoding="utf-8"), rules)


# --- the indicator table of 001 ----------------------------------------------------------------------------


def test_indicator_table_header_joined_and_35_rows(doc001: Document) -> None:
    table = doc001.tables[0]
    assert table.kind == "indicator"
    assert table.header == ["分类", "序号", "指标", "2020年期初值", "2025年目标值", "指标属性"]
    assert [row[1] for row in table.rows] == [str(n) for n in range(1, 36)]
    assert all(len(row) == 6 for row in table.rows)
    # the block runs from the header to the last cell, nothing more
    assert table.quote.startswith("分类") and table.quote.endswith("预期性")
    assert "三、重点任务" not in table.quote
    assert len(table.row_spans) == 35


@pytest.mark.parametrize(
    ("seq", "category"),
    [(1, "居家社区养老"), (8, "居家社区养老"), (9, "机构养老"), (17, "队伍建设"), (18, "养老事业"), (35, "托育服务")],
)
def test_merged_category_repeated(doc001: Document, seq: int, category: str) -> None:
    assert doc001.tables[0].rows[seq - 1][0] == category


@pytest.mark.parametrize(
    ("seq", "indicator", "value", "unit", "comparator", "baseline", "binding"),
    [
        (1, "城乡基本养老保险参保缴费率", 90, "%", ">=", None, "expected"),
        (2, "老年人接受居家上门服务覆盖率", 18, "%", "=", 10.76, "binding"),
        (4, "新增居家适老化改造户数(含社会老年人家庭)", 10000, "户", "=", 3800, "binding"),
        (7, "新建、改建颐养社区比例", 100, "%", "=", None, "expected"),
        (9, "每千名老人拥有各类养老床位数(按户籍人口测算)", 40, "张", ">=", None, "binding"),
        (16, "新增通过职业等级认定的养老护理员数", 5000, "人", "=", None, "expected"),
        (23, "三级老年医院", 1, "家", "=", None, "binding"),
        (29, "社区托育服务设施覆盖率", 60, "%", ">", None, "binding"),
        (31, "婴幼儿早期发展指导覆盖率(家长学校或家庭教育指导站点、社区覆盖率)", 100, "%", "=", None, "expected"),
        (33, "适龄儿童免疫规划疫苗接种率", 95, "%", ">=", 95, "binding"),
    ],
)
def test_indicator_rows_become_targets(
    doc001: Document,
    seq: int,
    indicator: str,
    value: float,
    unit: str,
    comparator: str,
    baseline: float | None,
    binding: str,
) -> None:
    t = next(t for t in doc001.targets if t.id == f"t-tab1-{seq}")
    assert (t.indicator, t.value, t.unit, t.comparator, t.year, t.binding) == (
        indicator,
        value,
        unit,
        comparator,
        2025,
        binding,
    )
    assert (t.baseline.value if t.baseline else None) == baseline
    if t.baseline:
        assert t.baseline.year == 2020
    assert t.quote == doc001.text[t.span[0] : t.span[1]]
    assert t.quote.startswith(indicator) and t.rule == "table.indicator_target"
    assert t.indicator_key is None


def test_every_gold_table_target_matches(doc001: Document) -> None:
    """Each gold target quoted from an indicator cell comes out with the gold value, unit and attributes."""
    gold = yaml.safe_load((GOLD / f"{DOC_001}.yaml").read_text(encoding="utf-8"))["targets"]
    cells = [g for g in gold if g.get("binding")]  # the table rows are the targets with 约束性/预期性
    assert len(cells) == 35
    by_quote = {t.quote: t for t in doc001.targets}
    for g in cells:
        t = by_quote[g["quote"]]
        assert (t.value, t.unit, t.comparator, t.year, t.binding) == pytest.approx(
            (g["value"], g["unit"], g["comparator"], g["year"], g["binding"])
        ), g["quote"]
        want = g.get("baseline")
        assert (t.baseline.model_dump() if t.baseline else None) == want, g["quote"]


def test_numeric_baselines_become_statistics(doc001: Document) -> None:
    stats = {s.indicator: s for s in doc001.statistics}
    # 12 rows give a number in 2020年期初值; `-` and `城镇社区95行政村90` give none
    assert len(stats) == 12
    s = stats["护理型床位数占养老机构床位总数比例"]
    assert (s.value, s.unit, s.as_of, s.rule) == (67.8, "%", "2020", "table.indicator_baseline")
    assert "婴幼儿早期发展指导覆盖率(家长学校或家庭教育指导站点、社区覆盖率)" not in stats


def test_ids_unique_and_records_located(doc001: Document) -> None:
    ids = [r.id for r in (*doc001.targets, *doc001.statistics, *doc001.tables)]
    assert len(ids) == len(set(ids))
    for t in doc001.tables:
        assert t.quote == doc001.text[t.span[0] : t.span[1]]
        assert t.section is not None
        for a, b in t.row_spans:
            assert t.span[0] <= a < b <= t.span[1]


# --- the annex tables of 001 -------------------------------------------------------------------------------


def test_annex_task_table(doc001: Document) -> None:
    table = doc001.tables[1]
    assert table.kind == "tasks"
    assert table.header == ["序号", "重点任务", "责任单位"]
    assert len(table.rows) == 29
    assert (
        table.rows[0][2] == "市自规局牵头,市住建局、市民政局、市卫健委、市发改委、市妇联参与。各县(市、区)、功能区负责"
    )
    assert table.rows[16][1:] == [
        "加快高端人才引进和培养",
        "市人才办牵头,市人社局、市民政局、市卫健委参与。各县(市、区)、功能区负责",
    ]
    # each row's cells are inside the row's span
    for row, (a, b) in zip(table.rows, table.row_spans, strict=True):
        assert row[2] in doc001.text[a:b]
    assert "附件2" not in table.quote


@pytest.mark.parametrize(
    ("table_no", "kind", "header", "rows"),
    [
        (
            3,
            "other",
            [
                "序号",
                "项目名称",
                "项目类型",
                "建设期限",
                "建设地点",
                "建设内容和规模",
                "总投资(万元)",
                "申请中央预算内投资(万元)",
            ],
            22,
        ),
        (4, "other", ["平台", "序号", "平台名称", "具体平台(地块)"], 7),
        (5, "tasks", ["序号", "类别", "产业名称", "重点工作举措", "发展目标", "责任单位"], 3),
        (6, "tasks", ["序号", "改革名称", "重点工作举措和内容", "预期目标", "责任单位"], 3),
        (7, "tasks", ["序号", "政策名称", "重点工作举措和内容", "预期目标", "责任单位"], 16),
        (8, "tasks", ["序号", "类别", "要素名称", "“十四五”保障举措", "预期目标", "责任单位"], 10),
        (9, "tasks", ["序号", "试点名称", "主要试点措施", "预期目标", "责任单位"], 3),
    ],
)
def test_other_annex_tables(doc001: Document, table_no: int, kind: str, header: list[str], rows: int) -> None:
    table = doc001.tables[table_no - 1]
    assert (table.kind, table.header, len(table.rows)) == (kind, header, rows)
    assert all(len(r) == len(header) for r in table.rows)


@pytest.mark.parametrize(
    ("table_no", "row", "cells"),
    [
        # a cell split over two lines (蜀冈-瘦西湖 / 风景名胜区) is one cell
        (3, 4, ["4", "扬州人行培训中心养老改造项目", "普惠养老", "2021-2024", "蜀冈-瘦西湖风景名胜区"]),
        (4, 3, ["养老", "3", "仪征月塘镇健康服务产业集聚区", "仪征市"]),
        # a word broken by a narrow column (家政 / 服务业) and units printed one per line
        (5, 2, ["2", "服务业", "家政服务业"]),
        (6, 3, ["3", "推动培训疗养资源转型发展"]),
    ],
)
def test_annex_cells(doc001: Document, table_no: int, row: int, cells: list[str]) -> None:
    assert doc001.tables[table_no - 1].rows[row - 1][: len(cells)] == cells


def test_units_printed_one_per_line_stay_one_cell(doc001: Document) -> None:
    reform = doc001.tables[5]
    assert reform.rows[2][-1] == "市发改委\n市民政局\n市国资委\n市机关事务管理局"
    industry = doc001.tables[4]
    assert industry.rows[0][-1].split("\n")[-1] == "市文广旅局"


def test_rowspan_cells_taken_from_the_row_above(doc001: Document) -> None:
    policy = doc001.tables[6]
    # row 2 prints only its measure: its policy name, target and units are the merged cells of row 1
    assert policy.rows[1][1] == "土地规划"
    assert policy.rows[1][2].startswith("供地计划中单列养老托育设施用地指标")
    assert policy.rows[1][3] == policy.rows[0][3]


# --- TAB-rendered tables -------------------------------------------------------------------------------------

TAB_TABLE = (
    "(三)具体指标\n"
    "分类\t序号\t指标\t2020年期初值\t2025年\t指标属性\n"
    "分类\t序号\t指标\t2020年期初值\t目标值\t指标属性\n"
    "居家社区养老\t1\t城乡基本养老保险参保缴费率(%)\t-\t≥90\t预期性\n"
    "居家社区养老\t2\t老年人接受居家上门服务覆盖率(%)\t10.76\t18\t约束性\n"
    "居家社区养老\t4\t新增居家适老化改造户数(含社会老年人家庭)(万户)\t0.38\t1\t约束性\n"
    "托育服务\t29\t社区托育服务设施覆盖率(%)\t-\t>60\t约束性\n"
    "三、重点任务\n"
)


def test_tab_table_reads_like_the_flattened_one(rules: RuleSet, doc001: Document) -> None:
    doc = _run(TAB_TABLE, rules)
    (table,) = doc.tables
    assert table.rule == "table.tab_rows" and table.kind == "indicator"
    assert table.header == ["分类", "序号", "指标", "2020年期初值", "2025年目标值", "指标属性"]
    assert table.rows[0] == ["居家社区养老", "1", "城乡基本养老保险参保缴费率(%)", "-", "≥90", "预期性"]
    assert doc.text[table.span[0] : table.span[1]].startswith("分类\t序号")
    flat = {t.quote: t for t in doc001.targets}
    assert len(doc.targets) == 4
    for t in doc.targets:
        f = flat[t.quote]
        assert (t.indicator, t.value, t.unit, t.comparator, t.year, t.baseline, t.binding) == (
            f.indicator,
            f.value,
            f.unit,
            f.comparator,
            f.year,
            f.baseline,
            f.binding,
        )
        assert t.quote == doc.text[t.span[0] : t.span[1]]


def test_tab_task_table_row_spans(rules: RuleSet) -> None:
    text = (
        "附件1\n重点任务分工\n"
        "序号\t重点任务\t责任单位\n"
        "1\t加快高端人才引进和培养\t市人才办牵头,市人社局、市民政局、市卫健委参与\n"
        "2\t支持养老机构开展医疗服务\t市民政局、市卫健委、市医保局按职责分工负责\n"
    )
    (table,) = _run(text, rules).tables
    assert table.kind == "tasks"
    assert [text[a:b].split("\t")[0] for a, b in table.row_spans] == ["1", "2"]


FLAT_NO_SEQ = (
    "(三)具体指标\n\n分类\n\n指    标\n\n2020年期初值\n\n2025年\n\n目标值\n\n指标\n\n属性\n\n"
    "居家社区\n\n养老\n\n城乡基本养老保险参保缴费率(%)\n\n-\n\n≥90\n\n预期性\n\n"
    "老年人接受居家上门服务覆盖率(%)\n\n10.76\n\n18\n\n约束性\n\n"
    "机构养老\n\n护理型床位数占养老机构床位总数比例(%)\n\n67.8\n\n70\n\n约束性\n\n"
    "三、重点任务\n\n1.完善服务设施空间布局。到2025年,养老床位达到5万张。\n"
)


def test_flattened_without_seq_rows_close_on_the_attribute(rules: RuleSet, doc001: Document) -> None:
    doc = _run(FLAT_NO_SEQ, rules)
    (table,) = doc.tables
    assert (table.rule, table.kind) == ("table.attr_rows", "indicator")
    assert table.header == ["分类", "指标", "2020年期初值", "2025年目标值", "指标属性"]
    assert [r[0] for r in table.rows] == ["居家社区养老", "居家社区养老", "机构养老"]
    assert table.rows[1] == ["居家社区养老", "老年人接受居家上门服务覆盖率(%)", "10.76", "18", "约束性"]
    assert table.quote.endswith("约束性") and "三、" not in table.quote
    flat = {t.quote: t for t in doc001.targets}
    assert len(doc.targets) == 3
    for t in doc.targets:
        f = flat[t.quote]
        assert (t.value, t.unit, t.comparator, t.year, t.baseline, t.binding) == (
            f.value,
            f.unit,
            f.comparator,
            f.year,
            f.baseline,
            f.binding,
        )


def test_bare_year_columns_first_is_the_baseline(rules: RuleSet) -> None:
    text = (
        "类别\t指标\t2020年\t2025年\t属性\n"
        "托育服务\t每千常住人口拥有3岁以下婴幼儿托位数(个)\t2.54\t4.5\t约束性\n"
        "托育服务\t社区托育服务设施覆盖率(%)\t-\t>60\t约束性\n"
    )
    doc = _run(text, rules)
    first, second = doc.targets
    assert (first.value, first.unit, first.year, first.baseline) == (4.5, "个", 2025, Baseline(value=2.54, year=2020))
    assert (second.value, second.comparator, second.baseline) == (60, ">", None)
    (stat,) = doc.statistics
    assert (stat.value, stat.as_of) == (2.54, "2020")


@pytest.mark.parametrize(
    ("cell", "value", "value_max", "comparator"),
    [
        ("≥90", 90, None, ">="),
        (">60", 60, None, ">"),
        ("主城区100", 100, None, "="),
        ("6左右", 6, None, "~"),
        ("1.5万", 15000, None, "="),
        ("10-15", 10, 15, "="),
        ("95%以上", 95, None, ">="),
        ("-", None, None, None),
        ("城镇社区95行政村90", None, None, None),
    ],
)
def test_value_cells(
    rules: RuleSet, cell: str, value: float | None, value_max: float | None, comparator: str | None
) -> None:
    got = read_value(cell, rules.get(TableRules))
    assert ((got.value, got.value_max, got.comparator) if got else (None, None, None)) == (value, value_max, comparator)


def test_tab_caption_rows_split_two_tables(rules: RuleSet) -> None:
    """html.py repeats a colspan title into every cell: it is a caption, and the next caption starts a new table."""
    text = (
        "附件1 监测指标\t附件1 监测指标\t附件1 监测指标\n"
        "一级指标\t二级指标\t评价标准\n"
        "签约数量指标\t1.签约服务覆盖率\t每年增加1-3个百分点。\n"
        "签约数量指标\t2.签约有偿服务包的覆盖率\t较上一年增加。\n"
        "附件2 任务分工表\t附件2 任务分工表\t附件2 任务分工表\t附件2 任务分工表\n"
        "序号\t工作事项\t牵头单位\t配合单位\n"
        "1\t有序扩大家庭医生来源。\t各区政府\t市卫生健康委\n"
        "1\t有序扩大家庭医生来源。\t各区政府\t市卫生健康委、市人社局\n"
    )
    first, second = _run(text, rules).tables
    assert (first.kind, first.header, len(first.rows)) == ("other", ["一级指标", "二级指标", "评价标准"], 2)
    assert (second.kind, second.header[:3], len(second.rows)) == ("tasks", ["序号", "工作事项", "牵头单位"], 2)
    assert "附件2" not in first.quote and "附件2" not in second.quote


# --- no table ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["000_d432b4ee5b26c821", "002_9d4a3fb048275dd4", "003_315a05f325274fd6", "004_43f383356c749ae5"]
)
def test_documents_without_tables_yield_none(rules: RuleSet, name: str) -> None:
    doc = _run((CORPUS / f"{name}.txt").read_text(encoding="utf-8"), rules)
    assert doc.tables == [] and doc.targets == [] and doc.statistics == []
    assert not [w for w in doc.warnings if w.code == "table_unreconstructed"]


def test_header_without_rows_warns(rules: RuleSet) -> None:
    text = "主要指标\n序号\n指标\n目标值\n1\n托位数(个)\n100\n三、重点任务\n"
    doc = _run(text, rules)
    assert doc.tables == []
    (w,) = [w for w in doc.warnings if w.code == "table_unreconstructed"]
    assert w.span is not None and doc.text[w.span[0] : w.span[1]].startswith("序号")


# --- property: both renderings of one grid read back the same cells -------------------------------------------

_cell = st.text(alphabet="养老托育服务机构覆盖率床位张个", min_size=3, max_size=12)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_cell, st.integers(0, 30), st.integers(1, 30)), min_size=2, max_size=10))
def test_flattened_and_tab_forms_agree(rules: RuleSet, rows: list[tuple[str, int, int]]) -> None:
    # small numbers on purpose: a value cell that equals the next row's number must stay a cell
    tr = rules.get(TableRules)
    header = ["序号", "指标", "2020年期初值", "2025年目标值"]
    body = [[str(i), f"{name}(%)", str(base), str(goal)] for i, (name, base, goal) in enumerate(rows, 1)]
    flat = "\n\n".join([*header, *(c for r in body for c in r)]) + "\n"
    tab = "\n".join("\t".join(r) for r in [header, *body]) + "\n"
    (g_flat,), _ = reconstruct(flat, tr)
    (g_tab,), _ = reconstruct(tab, tr)
    assert g_flat.header == g_tab.header == header
    assert [[c.text for c in r] for r in g_flat.rows] == [[c.text for c in r] for r in g_tab.rows] == body
    for text, grid in ((flat, g_flat), (tab, g_tab)):
        for row in grid.rows:
            assert all(text[c.start : c.end] == c.text for c in row)


def test_real_html_tables(rules: RuleSet, shared_html: Path) -> None:
    """A Guangzhou page with two annex tables rendered by html.py: an indicator catalogue and a task division."""
    from policyx.pipeline import extract_document

    doc = extract_document(shared_html / "01_guangzhou_jiatingyisheng_shishifangan.html", rules=rules)
    catalogue, tasks = doc.tables
    assert catalogue.header == ["一级指标", "二级指标", "评价标准", "指标含义", "数据来源"]
    assert catalogue.kind == "other" and len(catalogue.rows) == 19
    assert tasks.kind == "tasks" and tasks.header[:5] == ["序号", "工作事项", "主要内容", "牵头单位", "配合单位"]
    assert all(len(r) == len(tasks.header) for r in tasks.rows)
    assert next(r for r in tasks.rows if r[0] == "1")[3] == "各区政府"


# --- the spec table (tests/spec/tables.yaml): column roles and tables in every form, from real documents --------

SPEC = yaml.safe_load((ROOT / "tests" / "spec" / "tables.yaml").read_text(encoding="utf-8"))


def _case_id(case: dict) -> str:
    return str(case.get("header") or case.get("source"))[:40]


def _marks(case: dict) -> list[pytest.MarkDecorator]:
    return [pytest.mark.xfail(reason=case["unsupported"], strict=True)] if "unsupported" in case else []


def _cases(key: str) -> list:
    return [pytest.param(c, id=_case_id(c), marks=_marks(c)) for c in SPEC[key]]


def _pipeline(text: str, rules: RuleSet) -> Document:
    from policyx.responsibilities import extract_responsibilities
    from policyx.targets import extract_quantities

    doc = extract_tables(split_sections(_doc(text), rules), rules)
    return extract_responsibilities(extract_quantities(doc, rules), rules)


@pytest.mark.parametrize("case", _cases("column_roles"))
def test_spec_column_role(case: dict, rules: RuleSet) -> None:
    found = rules.get(TableRules).role_of(case["header"])
    assert (found.role if found else None) == case["role"]


@pytest.mark.parametrize("case", _cases("tables"))
def test_spec_table(case: dict, rules: RuleSet) -> None:
    doc = _pipeline(case["text"], rules)
    assert [t.header for t in doc.tables][:1] == [case["header"]]
    table = doc.tables[0]
    if "rows" in case:
        assert table.rows == [[str(c) for c in row] for row in case["rows"]]
    got = [(r.units, r.lead) for r in doc.responsibilities]
    assert got == [(r["units"], r["lead"]) for r in case.get("responsibilities", [])]
    for number in case.get("progress_numbers", []):
        # a progress cell reports what was done: its numbers are never targets
        assert not any(number in t.quote for t in doc.targets), number
        assert any(number in s.quote for s in doc.statistics), number
    if "target_numbers" in case:
        assert [t.value for t in doc.targets if t.rule.startswith("table.")] == case["target_numbers"]


@pytest.mark.parametrize("case", _cases("inline_fields"))
def test_spec_inline_fields(case: dict, rules: RuleSet) -> None:
    doc = _pipeline(case["text"], rules)
    got = doc.responsibilities
    assert [(r.units, r.lead) for r in got] == [(r["units"], r["lead"]) for r in case["responsibilities"]]
    for r, want in zip(got, case["responsibilities"], strict=True):
        if "quote" in want:
            assert r.quote == want["quote"]


def test_cells_closed_by_bars_one_row_per_line(rules: RuleSet) -> None:
    # dev/58's row written as a Markdown table: each line a row, the rule line skipped, the empty cell placed
    text = (
        "| 项目名称 | 内容 | 牵头单位 | 进展情况(7月) |\n"
        "|---|---|---|---|\n"
        "| 婴幼儿童照护服务项目 | 新增示范型儿童之家12家。 | 区民政局、区卫生健康局 | 已新增示范型儿童之家10家。 |\n"
        "| 婴幼儿童照护服务项目 | 新增婴幼儿照护服务托位180个以上。 | 区卫生健康局 |\n"
    )
    doc = _pipeline(text, rules)
    (table,) = doc.tables
    assert table.header == ["项目名称", "内容", "牵头单位", "进展情况(7月)"]
    assert table.kind == "tasks"
    assert table.rows[1] == ["婴幼儿童照护服务项目", "新增婴幼儿照护服务托位180个以上。", "区卫生健康局", ""]
    assert [(r.units, r.lead) for r in doc.responsibilities] == [
        (["区民政局", "区卫生健康局"], ["区民政局", "区卫生健康局"]),
        (["区卫生健康局"], ["区卫生健康局"]),
    ]
    assert [s.value for s in doc.statistics] == [10]


def test_bar_closed_rows_without_numbers_are_cut_where_they_fit(rules: RuleSet) -> None:
    # dev/58's header and row, then rows built from it: the second row's empty progress cell is simply missing,
    # which must not shift the third row
    cells = [
        "项目 名称", "内容", "牵头单位", "进展情况",
        "婴幼儿童照护服务项目", "新增示范型儿童之家12家,新增婴幼儿照护服务托位180个以上。", "区民政局、区卫生健康局",
        "已新增示范型儿童之家10家。",
        "养老服务项目", "新增养老床位300张。", "区民政局",
        "老年助餐项目", "新增老年食堂20家。", "区民政局", "已建成老年食堂15家。",
    ]  # fmt: skip
    doc = _pipeline("".join(f"{c} |\n" for c in cells), rules)
    (table,) = doc.tables
    assert table.rows[1] == ["养老服务项目", "新增养老床位300张。", "区民政局", ""]
    assert table.rows[2] == ["老年助餐项目", "新增老年食堂20家。", "区民政局", "已建成老年食堂15家。"]
    assert [t.value for t in doc.targets] == [12, 180, 300, 20]
