"""What an analyst reads off the three real Guangzhou pages of ../shared/html (a plan with annex tables, two
regulations in 第X条 articles): annexes as sections, citations that are documents, records in the right place.

Unit cases quote a sentence or a heading of those pages; the whole-page tests skip when ../shared/html is absent
(the pages are never copied into the project).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from frontstages import front
from policyx.models import Document
from policyx.pipeline import extract_document
from policyx.rules import RuleSet

PLAN = "01_guangzhou_jiatingyisheng_shishifangan.html"
HOME_CARE = "02_guangzhou_jujiashequyanglao_banfa.html"
LONG_TERM_CARE = "12_guangzhou_changqihuli_banfa.html"


def _html(body: str) -> bytes:
    return (
        '<html><head><meta charset="utf-8"><title>关于推进广州市家庭医生签约服务高质量发展实施方案</title></head>'
        f'<body><div class="article">{body}</div></body></html>'
    ).encode()


BODY = (
    "<p>关于推进广州市家庭医生签约服务高质量发展实施方案</p><p>一、组织实施</p>"
    "<p>(一)加强宣传引导。各区、各部门要采取群众易于接受的方式,广泛宣传家庭医生签约服务的政策与内容。</p>"
)
ROWS = (
    "<tr><td>序号</td><td>工作事项</td><td>牵头单位</td></tr>"
    "<tr><td>1</td><td>有序扩大家庭医生来源。</td><td>各区政府</td></tr>"
    "<tr><td>2</td><td>不断优化签约服务团队。</td><td>各区政府</td></tr>"
)

# (case, table html, the annex section expected as (number, title) or None)
CAPTIONS = [
    (
        "a caption row spanning every column, two paragraphs",
        '<table><tr><td colspan="3"><p>附件2</p>'
        "<p>关于推进广州市家庭医生签约服务高质量发展工作的任务分工表</p></td></tr>" + ROWS + "</table>",
        ("附件2", "关于推进广州市家庭医生签约服务高质量发展工作的任务分工表"),
    ),
    (
        "a caption row in one paragraph",
        '<table><tr><td colspan="3">附件1 广州市家庭医生签约服务质量监测指标体系(2023年版)</td></tr>'
        + ROWS
        + "</table>",
        ("附件1", "广州市家庭医生签约服务质量监测指标体系(2023年版)"),
    ),
    ("no caption row", "<table>" + ROWS + "</table>", None),
]


@pytest.mark.parametrize(("table", "annex"), [c[1:] for c in CAPTIONS], ids=[c[0] for c in CAPTIONS])
def test_a_table_caption_row_is_a_line_of_its_own(rules: RuleSet, table: str, annex: tuple[str, str] | None) -> None:
    doc = front(_html(BODY + table), rules, name="page.html")
    assert "序号\t工作事项\t牵头单位" in doc.text.split("\n")
    assert not [line for line in doc.text.split("\n") if "\t" in line and "附件" in line]
    annexes = [(s.number, s.title) for s in doc.sections if s.rule == "heading.annex"]
    assert annexes == ([annex] if annex else [])


def _page(shared_html: Path, name: str, rules: RuleSet) -> Document:
    return extract_document(shared_html / name, rules=rules)


def test_the_plan_annexes_are_sections_holding_their_tables(shared_html: Path, rules: RuleSet) -> None:
    doc = _page(shared_html, PLAN, rules)
    by_id = {s.id: s for s in doc.sections}
    annexes = [s for s in doc.sections if s.number and s.number.startswith("附件")]
    assert [(s.number, s.title, s.level) for s in annexes] == [
        ("附件1", "广州市家庭医生签约服务质量监测指标体系(2023年版)", 1),
        ("附件2", "关于推进广州市家庭医生签约服务高质量发展工作的任务分工表", 1),
    ]
    # the last body section ends before the annexes; each table sits in its annex
    assert by_id[annexes[0].id].span[0] >= max(s.span[1] for s in doc.sections if s.number == "(三)")
    assert [by_id[t.section].number for t in doc.tables if t.section] == ["附件1", "附件2"]
    # the task-division table's rows assign work of 附件2, not of the body's last heading
    assert {by_id[r.section].number for r in doc.responsibilities if r.section} == {"附件2"}
