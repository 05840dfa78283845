"""Echoes: a task-division table that copies the body's task text states its targets a second time (one record).

The sentences are quoted from a Guangzhou plan (关于推进广州市家庭医生签约服务高质量发展实施方案, whose 附件2 任务分工表
repeats the body word for word) and from corpus/001 (whose 附件1 restates tasks in its own words); each case
builds a small page: the body paragraph under its task heading, then a task-division table with one row.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from policyx.echoes import EchoRules
from policyx.models import Document
from policyx.pipeline import extract_document
from policyx.rules import RuleError, RuleSet

TASK = "1.有序扩大家庭医生来源。"
DOCTORS = (
    "现阶段家庭医生包括全科医生(含助理全科医生和中医类别全科医生)、其他类别临床医师(含中医类别)、乡村医生和退休临床医师"
    "(含中医类别),由全科向专科拓展,到2023年,力争每万常住人口家庭医生数不低于4人,到2025年不低于4.66人。"
)
UNITS = ["各区政府", "市卫生健康委"]


def _page(heading: str, body: str, task: str, cell: str) -> bytes:
    return f"""<html><head><meta charset="utf-8"><title>关于推进广州市家庭医生签约服务高质量发展实施方案</title></head>
<body><div class="article">
<p>关于推进广州市家庭医生签约服务高质量发展实施方案</p>
<p>一、主要任务</p>
<p>(一)扩大签约服务供给</p>
<p>{heading}{body}</p>
<p>二、组织实施</p>
<p>(一)加强组织领导。各区、各部门要从推动健康广州建设的高度出发,充分认识全面推进家庭医生签约服务高质量发展的重要性和紧迫性。</p>
<table>
<tr><td>序号</td><td>工作事项</td><td>主要内容</td><td>牵头单位</td><td>配合单位</td></tr>
<tr><td>1</td><td>{task}</td><td>{cell}</td><td>各区政府</td><td>市卫生健康委</td></tr>
<tr><td>2</td><td>加强组织领导</td><td>各相关部门要切实加强统筹协调,分解细化涉及本部门的工作任务,推进落实。</td>
<td>各区政府</td><td>市卫生健康委</td></tr>
</table></div></body></html>""".encode()


def _extract(rules: RuleSet, heading: str, body: str, task: str, cell: str) -> Document:
    return extract_document(_page(heading, body, task, cell), name="page.html", rules=rules)


def _where(doc: Document, section: str | None) -> str:
    """The heading number of a record's section: `1` for the body's task, `(一)` for the table under 二、."""
    by_id = {s.id: s for s in doc.sections}
    return by_id[section].number or "" if section in by_id else ""


# (case, heading, body, task cell, content cell, targets as (quote, section number, merged, responsible))
CASES = [
    (
        "word for word: one record per target, the body's, with the row's units",
        TASK,
        DOCTORS,
        "有序扩大家庭医生来源。",
        DOCTORS,
        [
            ("每万常住人口家庭医生数不低于4人", "1", True, UNITS),
            ("不低于4.66人", "1", True, UNITS),
        ],
    ),
    (
        "near word for word (力争 and the full stop dropped): still one record",
        TASK,
        DOCTORS,
        "有序扩大家庭医生来源。",
        DOCTORS.replace("力争", "").rstrip("。"),
        [
            ("每万常住人口家庭医生数不低于4人", "1", True, UNITS),
            ("不低于4.66人", "1", True, UNITS),
        ],
    ),
    (
        "same value and year, another indicator: two targets",
        "1.主要目标。",
        "到2023年,重点人群签约服务覆盖率达80%以上。",
        "主要目标",
        "到2023年,重点人群续约率达80%以上。",
        [
            ("重点人群签约服务覆盖率达80%以上", "1", False, []),
            ("重点人群续约率达80%以上", "(一)", False, UNITS),
        ],
    ),
    (
        "same indicator and value, another year: two targets",
        TASK,
        "到2023年,力争每万常住人口家庭医生数不低于4人。",
        "有序扩大家庭医生来源。",
        "到2025年,力争每万常住人口家庭医生数不低于4人。",
        [
            ("每万常住人口家庭医生数不低于4人", "1", False, []),
            ("每万常住人口家庭医生数不低于4人", "(一)", False, UNITS),
        ],
    ),
    (
        "a row restating the task (heading + one sentence, corpus/001 附件1): not a copy, two targets",
        "1.加强“一老一小”健康管理服务。",
        "面向老年人及其照护者开展疾病预防、合理用药、康复护理、中医养生保健等健康教育活动,提高老年人健康素养。"
        "统筹基本公共卫生服务老年人健康管理,逐步提高老年人健康管理率,到2025年,65周岁及以上老年人城乡社区规范健康管理"
        "服务率达到72%。",
        "加强“一老一小”健康管理服务",
        "加强“一老一小”健康管理服务,到2025年,65周岁及以上老年人城乡社区规范健康管理服务率达到72%",
        [
            ("65周岁及以上老年人城乡社区规范健康管理服务率达到72%", "1", False, []),
            ("65周岁及以上老年人城乡社区规范健康管理服务率达到72%", "(一)", False, UNITS),
        ],
    ),
]


@pytest.mark.parametrize(("heading", "body", "task", "cell", "want"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_table_echoes(
    rules: RuleSet, heading: str, body: str, task: str, cell: str, want: list[tuple[str, str, bool, list[str]]]
) -> None:
    doc = _extract(rules, heading, body, task, cell)
    got = [(t.quote, _where(doc, t.section), t.rule.endswith("/echo.table_row"), t.responsible) for t in doc.targets]
    assert got == want
    assert [t.id for t in doc.targets] == [f"t{i + 1}" for i in range(len(doc.targets))]
    for t in doc.targets:
        assert doc.text[t.span[0] : t.span[1]] == t.quote


def test_deadlines_and_citations_of_a_copied_row_are_the_body_ones(rules: RuleSet) -> None:
    cite = (
        "贯彻落实《广州市改革完善全科医生培养与使用激励机制实施方案》(穗府办函〔2020〕16号)精神,"
        "完善家庭医生培养培训体系。"
    )
    doc = _extract(rules, TASK, DOCTORS + cite, "有序扩大家庭医生来源。", DOCTORS + cite)
    assert [(d.quote, _where(doc, d.section), d.rule) for d in doc.deadlines] == [
        ("到2023年", "1", "year.to/echo.table_row"),
        ("到2025年", "1", "year.to/echo.table_row"),
    ]
    assert [(r.doc_number, _where(doc, r.section), r.rule) for r in doc.references] == [
        ("穗府办函〔2020〕16号", "1", "ref.paired/echo.table_row")
    ]


def test_a_typo_in_echoes_yaml_fails_loudly(tmp_path: Path) -> None:
    (tmp_path / "echoes.yaml").write_text(
        "table_echo:\n  id: echo.table_row\n  min_cover: 0.9\n  max_stretch: 1.2\n  min_block: 4\n"
        "  min_cell: 12\n  max_cell: 1500\n  max_fuzzy_chars: 1000\n  same: {targets: [indicatr]}\n  fill: []\n",
        encoding="utf-8",
    )
    with pytest.raises(RuleError, match=r"echoes\.yaml.*indicatr"):
        RuleSet(tmp_path).get(EchoRules)


def test_the_plan_page_states_each_target_once(shared_html: Path, rules: RuleSet) -> None:
    # 附件2 任务分工表 of the plan copies the body's tasks: 32 targets before, each body target found twice
    doc = extract_document(shared_html / "01_guangzhou_jiatingyisheng_shishifangan.html", rules=rules)
    # 附件1's 评价标准 cells restate some goals in their own words (力争2035年达到95%): no copy, their own records
    # (tests/test_standards_table.py); the task table's copies are what must not count twice
    targets = [t for t in doc.targets if "target.standards_column" not in t.rule.split("/")]
    keys = [(t.indicator, t.value, t.unit, t.comparator, t.year) for t in targets]
    assert len(keys) == len(set(keys))
    tables = [t.span for t in doc.tables]
    assert not [t.quote for t in targets if any(a <= t.span[0] < b for a, b in tables)]
    echoed = [t for t in doc.targets if t.rule.endswith("/echo.table_row")]
    assert len(echoed) >= 13
    assert all(t.responsible for t in echoed)
    assert {t.quote: t.responsible for t in echoed}["每千常住人口基层卫生人员数不低于3.5人"] == [
        "各区政府",
        "市卫生健康委",
        "市人社局",
    ]


def test_fuzzy_alignment_stays_within_its_budget(rules: RuleSet, monkeypatch: pytest.MonkeyPatch) -> None:
    # 200 body paragraphs and 200 table cells, each with 每年 in the same words around it but otherwise unlike:
    # every pair has the same key and place, none is a copy; the cost is bounded by max_fuzzy_chars
    from policyx import echoes
    from policyx.models import Deadline, Source, Table

    filler = "各区要以居民健康需求为导向,因地制宜优化和拓展签约服务包内涵、量化服务频次。"
    body = [f"{i}.家庭医生每年开展一次健康评估。" + filler * (i % 3 + 1) for i in range(200)]
    cells = [f"{i}\t签约居民每年开展一次健康评估,推动签约服务与残疾人医疗康复相融合。" for i in range(200)]
    text = "\n".join(body) + "\n" + "\n".join(cells)
    start = len("\n".join(body)) + 1
    rows, pos = [], start
    for c in cells:
        rows.append((pos, pos + len(c)))
        pos += len(c) + 1
    found = [i for i in range(len(text)) if text.startswith("每年", i)]
    doc = Document(
        doc_id="t",
        source=Source(path="t.html", sha256="0", encoding="utf-8", format="html"),
        text=text,
        deadlines=[
            Deadline(
                id=f"d{n}",
                section=None,
                span=(i, i + 2),
                quote="每年",
                rule="year.annual",
                text="每年",
                kind="recurring",
            )
            for n, i in enumerate(found, 1)
        ],
        tables=[
            Table(
                id="tab1",
                section=None,
                span=(start, len(text)),
                quote=text[start:],
                rule="table.tab_rows",
                header=[],
                rows=[],
                row_spans=rows,
            )
        ],
    )
    aligned: list[int] = []
    real = echoes.SequenceMatcher

    def counting(junk: None, a: str, b: str, autojunk: bool) -> object:
        aligned.append(len(a))
        return real(junk, a, b, autojunk=autojunk)

    monkeypatch.setattr(echoes, "SequenceMatcher", counting)
    out = echoes.merge_echoes(doc, rules)
    assert len(out.deadlines) == len(doc.deadlines)  # nothing merged: no cell copies the body
    budget = rules.get(echoes.EchoRules).table_echo.max_fuzzy_chars
    assert sum(aligned) <= budget  # never past the budget
    assert len(aligned) <= len(cells) * echoes.MAX_TWINS  # and a bounded number of twins tried per cell
