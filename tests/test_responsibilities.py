"""Responsibility records: every tag and table form with real corpus lines and variants built from them."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from policyx.clean import clean
from policyx.departments import unknown_units
from policyx.html import html_to_text
from policyx.meta import extract_meta
from policyx.models import Document, Section, Source, Target
from policyx.read import read_document
from policyx.respforms import ResponsibilityRules, find_responsibilities
from policyx.responsibilities import attach_responsible, extract_responsibilities
from policyx.rules import RuleSet
from policyx.sections import split_sections
from policyx.unitlist import parse_units

from conftest import CORPUS, GOLD

# a real tag of corpus/000 and its closing paragraph, and the forms built from it
TAG_000 = "鼓励有能力的老年人参与志愿服务活动。〔责任单位:市民政局、市人社局、市医保局、市卫健局、市委老干部局〕"
UNITS_000 = ["市民政局", "市人社局", "市医保局", "市卫健局", "市委老干部局"]


def _records(text: str, rules: RuleSet, sections: list[Section] | None = None) -> list[tuple[list[str], list[str]]]:
    found, _ = find_responsibilities(text, sections or [], rules)
    return [(f.units, f.lead) for f in found]


@pytest.mark.parametrize(
    "text",
    [
        TAG_000,
        TAG_000.replace("〔", "【").replace("〕", "】"),
        TAG_000.replace("〔", "(").replace("〕", ")"),
        TAG_000.replace("〔", "（").replace("〕", "）"),
        TAG_000.replace("〔", "[").replace("〕", "]"),
        TAG_000.replace(":", "："),
        TAG_000.replace("、市医保局", "、\n市医保局"),  # a line break inside the tag
        TAG_000.replace("责任单位:", "责任单位: "),
        TAG_000.replace("〔责任单位:", "〔责任单位:\n"),
    ],
    ids=["〔〕", "【】", "()", "（）", "[]", "full-width colon", "break between units", "space", "break after colon"],
)
def test_tag_in_every_bracket_and_colon(rules: RuleSet, text: str) -> None:
    assert _records(text, rules) == [(UNITS_000, [])]


def test_tag_record_has_provenance_and_rule(rules: RuleSet) -> None:
    found, warnings = find_responsibilities(TAG_000, [], rules)
    (f,) = found
    assert TAG_000[f.start : f.end] == "〔责任单位:市民政局、市人社局、市医保局、市卫健局、市委老干部局〕"
    assert f.rule == rules.get(ResponsibilityRules).forms.tag.id
    assert warnings == []


@pytest.mark.parametrize(
    ("text", "units", "lead"),
    [
        (
            "加强养老服务。(牵头单位:市民政局;配合单位:市卫健局、市财政局)",
            ["市民政局", "市卫健局", "市财政局"],
            ["市民政局"],
        ),
        (
            "加强养老服务。【牵头部门:市民政局、市卫健委;责任部门:各县(市、区)人民政府】",
            ["市民政局", "市卫健委", "各县(市、区)人民政府"],
            ["市民政局", "市卫健委"],
        ),
        ("加强养老服务。(责任部门:市民政局牵头,市卫健局配合)", ["市民政局", "市卫健局"], ["市民政局"]),
        ("加强养老服务。〔责任单位:市民政局(牵头)、市卫健局〕", ["市民政局", "市卫健局"], ["市民政局"]),
        (
            "加强养老服务。(责任单位:国家发展改革委、民政部、国家卫生健康委,列第一位者为牵头单位)",
            ["国家发展改革委", "民政部", "国家卫生健康委"],
            ["国家发展改革委"],
        ),
    ],
    ids=["牵头单位;配合单位", "牵头部门;责任部门", "牵头 inside a field", "(牵头) note", "列第一位者为牵头单位"],
)
def test_lead_and_support_fields(rules: RuleSet, text: str, units: list[str], lead: list[str]) -> None:
    assert _records(text, rules) == [(units, lead)]


@pytest.mark.parametrize(
    "text",
    [
        "培训补贴上浮10%。责任单位:市人社局、市教体局",
        "培训补贴上浮10%。\n责任单位:市人社局、市教体局。",
        "培训补贴上浮10%。责任单位：市人社局,市教体局",
    ],
    ids=["closing the paragraph", "own line", "full-width colon, comma"],
)
def test_field_without_brackets(rules: RuleSet, text: str) -> None:
    assert _records(text, rules) == [(["市人社局", "市教体局"], [])]


@pytest.mark.parametrize(
    ("text", "units", "lead"),
    [
        ("建立健全工作机制。(市民政局牵头,市卫健委配合)", ["市民政局", "市卫健委"], ["市民政局"]),
        ("建立健全工作机制。【市民政局、市卫健局按职责分工负责】", ["市民政局", "市卫健局"], []),
        ("建立健全工作机制(市民政局、市卫健局)。", ["市民政局", "市卫健局"], []),
    ],
    ids=["牵头 and 配合", "按职责分工负责", "two units"],
)
def test_brackets_without_a_label(rules: RuleSet, text: str, units: list[str], lead: list[str]) -> None:
    assert _records(text, rules) == [(units, lead)]


@pytest.mark.parametrize(
    "text",
    [
        "各县(市、区)要加强统筹。",
        "全科医生(含助理全科医生和中医类别全科医生)",
        "设在市卫健委(市卫健委)。",
        "(以下简称医保经办机构)",
        "(此项工作由市民政局统筹)",
    ],
)
def test_ordinary_brackets_are_not_records(rules: RuleSet, text: str) -> None:
    assert _records(text, rules) == []


def test_tag_with_a_deadline_field_keeps_the_units(rules: RuleSet) -> None:
    assert _records("做好保障。(责任单位:市民政局、市卫健局;完成时限:2022年底前)", rules) == [
        (["市民政局", "市卫健局"], [])
    ]


def test_责任主体_header_and_field(rules: RuleSet) -> None:
    table = "序号\n重点任务\n责任主体\n1\n完善服务设施空间布局。\n市民政局\n市卫健委\n"
    sections = [Section(id="s1", parent=None, level=1, number="附件", title="t", span=(0, len(table)), rule="x")]
    assert _records(table, rules, sections) == [(["市民政局", "市卫健委"], [])]
    assert _records("加强监管。责任主体:市市场监管局", rules) == [(["市市场监管局"], [])]


def test_field_lines_in_a_row_are_one_record(rules: RuleSet) -> None:
    text = "(三)加强人才培养。\n牵头单位:市人社局\n配合单位:市民政局、市卫健委\n(四)完善监管。"
    found, _ = find_responsibilities(text, [], rules)
    assert [(f.units, f.lead) for f in found] == [(["市人社局", "市民政局", "市卫健委"], ["市人社局"])]
    assert text[found[0].start : found[0].end] == "牵头单位:市人社局\n配合单位:市民政局、市卫健委"


# task-division table cells of corpus/001 (annexes flattened one cell per line)
CELLS = [
    (
        "市自规局牵头,市住建局、市民政局、市卫健委、市发改委、市妇联参与。各县(市、区)、功能区负责",
        ["市自规局", "市住建局", "市民政局", "市卫健委", "市发改委", "市妇联", "各县(市、区)", "功能区"],
        ["市自规局"],
    ),
    (
        "市发改委、市民政局、市卫健委、市商务局负责按职责分工负责。各县(市、区)、功能区负责",
        ["市发改委", "市民政局", "市卫健委", "市商务局", "各县(市、区)", "功能区"],
        [],
    ),
    (
        "人民银行扬州中心支行、市银保监局、市地方金融监管局、市发改委、市财政局按职责分工负责",
        ["人民银行扬州中心支行", "市银保监局", "市地方金融监管局", "市发改委", "市财政局"],
        [],
    ),
    (
        "市发改委牵头,市各相关部门负责。各县(市、区)、功能区负责",
        ["市发改委", "市各相关部门", "各县(市、区)", "功能区"],
        ["市发改委"],
    ),
    (
        "城控集团、供电公司、市卫健委、市民政局按职能分工负责。各县(市、区)人民政府、功能区管委会负责",
        ["城控集团", "供电公司", "市卫健委", "市民政局", "各县(市、区)人民政府", "功能区管委会"],
        [],
    ),
    ("市卫健委。各县(市、区)人民政府、功能区管委会负责", ["市卫健委", "各县(市、区)人民政府", "功能区管委会"], []),
    (
        "市财政局、市税务局、市地方金融监管局、市供电公司、城建控股按职责分工负责。各县(市、区)、功能区负责",
        ["市财政局", "市税务局", "市地方金融监管局", "市供电公司", "城建控股", "各县(市、区)", "功能区"],
        [],
    ),
]


@pytest.mark.parametrize(("line", "units", "lead"), CELLS)
def test_table_cell_line(rules: RuleSet, line: str, units: list[str], lead: list[str]) -> None:
    text = f"1\n完善服务设施空间布局,将养老、托育主管部门纳入本级规划委员会。\n{line}\n2\n"
    assert _records(text, rules) == [(units, lead)]


@pytest.mark.parametrize(("line", "units", "lead"), CELLS[:3])
def test_table_cell_line_with_full_width_punctuation(
    rules: RuleSet, line: str, units: list[str], lead: list[str]
) -> None:
    wide = line.replace(",", "，").replace("(", "（").replace(")", "）")
    want = [u.replace("(", "（").replace(")", "）") for u in units]
    assert _records(f"重点任务\n{wide}\n", rules) == [(want, lead)]


def test_cell_split_over_lines_in_a_table_is_one_record(rules: RuleSet) -> None:
    # corpus/001 附件4: the responsibility cell arrives one unit per line under a 责任单位 header
    text = (
        "附件4\n序号\n重点工作举措\n发展目标\n责任单位\n1\n实施“养老+”行动。\n到2025年,养老服务融合发展水平显著提升。\n"
        "各县(市、区)、功能区;\n市发改委\n市民政局\n市卫健委\n2\n发展家政服务业。\n市发改委\n市妇联\n市自规局\n等22部门\n"
    )
    sections = [Section(id="s1", parent=None, level=1, number="附件4", title="清单", span=(0, len(text)), rule="x")]
    assert _records(text, rules, sections) == [
        (["各县(市、区)", "功能区", "市发改委", "市民政局", "市卫健委"], []),
        (["市发改委", "市妇联", "市自规局"], []),
    ]


# a task-division table of a Guangzhou page (../shared/html/01_…), read from HTML as tab-separated rows
TAB_TABLE = (
    "序号\t工作事项\t主要内容\t牵头单位\t配合单位\t市卫健委内牵头处室\t市卫健委内配合处室\n"
    "1\t有序扩大家庭医生来源。\t加大公开招聘力度。\t各区政府\t市卫生健康委、市人社局\t人事处\t基层处\n"
    "3\t完善家庭医生培养培训体系。\t完善家庭医生培养培训体系。\t各区政府、市卫生健康委\t/\t科教处\t基层处\n"
    "18\t明确服务包收付费机制。\t制定个性化服务包。\t各区政府\t/\t/\t/\n"
    "20\t拓宽家庭医生职业上升通道。\t落实职称评审改革。\t市人社局\t市卫生健康委、各区政府\t人事处\t/\n"
    "此后不再是表格。市卫生健康委\n"
)


def test_tab_separated_task_table_rows(rules: RuleSet) -> None:
    found, _ = find_responsibilities(TAB_TABLE, [], rules)
    assert [(f.units, f.lead, f.rule) for f in found] == [
        (["各区政府", "市卫生健康委", "市人社局"], ["各区政府"], "resp.tab_row"),
        (["各区政府", "市卫生健康委"], ["各区政府", "市卫生健康委"], "resp.tab_row"),
        (["各区政府"], ["各区政府"], "resp.tab_row"),
        (["市人社局", "市卫生健康委", "各区政府"], ["市人社局"], "resp.tab_row"),
    ]
    # the quote runs over the responsibility cells only; the 处室 columns are not units
    assert TAB_TABLE[found[0].start : found[0].end] == "各区政府\t市卫生健康委、市人社局"


def test_guangzhou_page_task_table(shared_html: Path, rules: RuleSet) -> None:
    from policyx.pipeline import extract_document

    doc = extract_document(shared_html / "01_guangzhou_jiatingyisheng_shishifangan.html", rules=rules)
    rows = [r for r in doc.responsibilities if r.rule == "resp.tab_row"]
    assert len(rows) == 39
    assert (rows[0].units, rows[0].lead) == (["各区政府", "市卫生健康委"], ["各区政府"])
    assert rows[0].unit_keys == [None, "health"]


def test_task_table_rows_split_consecutive_unit_lines(rules: RuleSet) -> None:
    # the last unit cell of row 1 touches the first of row 2 (row 2's number and task cells are empty)
    text = "责任单位\n推动公建民营改革\n市民政局\n市发改委\n市国资委\n"
    boundary = text.index("市发改委")
    assert [units for units, _ in _records(text, rules)] == [["市民政局", "市发改委", "市国资委"]]
    found, _ = find_responsibilities(text, [], rules, [(0, boundary), (boundary, len(text))])
    assert [f.units for f in found] == [["市民政局"], ["市发改委", "市国资委"]]


def test_bare_unit_lines_outside_a_table_are_not_records(rules: RuleSet) -> None:
    # a signature or a reply page's 承办单位 block is not a task assignment
    text = "认真贯彻执行。\n泊头市人民政府办公室\n2022年3月10日\n承办单位\n平顶山市发展和改革委员会\n"
    assert _records(text, rules) == []


def test_lead_phrase_in_a_sentence(rules: RuleSet) -> None:
    text = "(三)阶段评估\n市发展改革委、市民政局、市卫健委牵头对重点任务开展阶段性检查、评估和验收。"
    found, _ = find_responsibilities(text, [], rules)
    assert [(f.units, f.lead, text[f.start : f.end]) for f in found] == [
        (
            ["市发展改革委", "市民政局", "市卫健委"],
            ["市发展改革委", "市民政局", "市卫健委"],
            "市发展改革委、市民政局、市卫健委牵头",
        )
    ]


@pytest.mark.parametrize(
    ("text", "units"),
    [
        ("建立联席会议制度,由市民政局牵头,定期召开会议。", ["市民政局"]),
        ("市民政局会同市卫健委牵头制定实施细则。", ["市民政局", "市卫健委"]),
        ("请市财政局、市人社局牵头研究。", ["市财政局", "市人社局"]),
    ],
)
def test_lead_phrase_trims_the_words_that_lead_into_it(rules: RuleSet, text: str, units: list[str]) -> None:
    assert _records(text, rules) == [(units, units)]


@pytest.mark.parametrize(
    "text",
    [
        "坚持党委领导、政府主导,行业主管部门牵头负责,建立健全“一老一小”工作推进机制。",
        "实行由市级领导牵头,建立县级养老托育服务工作联席会议机制。",
        "各县(市、区)人民政府、功能区管委会牵头,卫健、自规、房产、建设、消防救援等部门联合会办。",
        "发展改革部门会同民政、卫健做好统筹牵头工作。",
        "〔责任单位:加强统筹〕",
    ],
)
def test_prose_is_not_a_record(rules: RuleSet, text: str) -> None:
    assert _records(text, rules) == []


def test_unclosed_tag_is_a_warning(rules: RuleSet) -> None:
    found, warnings = find_responsibilities("加强监管。〔责任单位:市民政局、市卫健局" + "。" * 500, [], rules)
    assert found == []
    assert [w.code for w in warnings] == ["unclosed_tag"]


@pytest.mark.parametrize(
    ("text", "units"),
    [
        ("各县(市、区)、功能区", ["各县(市、区)", "功能区"]),
        ("各县（市、区）、功能区", ["各县（市、区）", "功能区"]),
        ("市民政局和市卫健局", ["市民政局", "市卫健局"]),
        ("市民政局、市财政局及市卫健局", ["市民政局", "市财政局", "市卫健局"]),
        ("市自然资源和规划局", ["市自然资源和规划局"]),
        ("市卫健委、市民政局按职责分工负责", ["市卫健委", "市民政局"]),
        ("人行泊头市支行、城控集团、市供电公司参与", ["人行泊头市支行", "城控集团", "市供电公司"]),
        ("市民政局;市卫健局;", ["市民政局", "市卫健局"]),
    ],
)
def test_unit_splitting(rules: RuleSet, text: str, units: list[str]) -> None:
    from policyx.departments import DepartmentRules

    parsed = parse_units(text, rules.get(ResponsibilityRules)._syntax, rules.get(DepartmentRules).resolver)
    assert parsed.valid
    assert [u.name for u in parsed.units] == units


KNOWN = ["市民政局", "市卫健局", "市发改委", "各县(市、区)", "功能区", "人行泊头市支行", "市自然资源和规划局", "团市委"]


@given(
    units=st.lists(st.sampled_from(KNOWN), min_size=1, max_size=6),
    seps=st.lists(st.sampled_from(["、", ",", "，", ";", "；"]), min_size=6, max_size=6),
    bracket=st.sampled_from([("〔", "〕"), ("【", "】"), ("(", ")"), ("（", "）"), ("[", "]")]),
    colon=st.sampled_from([":", "："]),
)
def test_any_unit_list_in_any_tag_round_trips(
    rules: RuleSet, units: list[str], seps: list[str], bracket: tuple[str, str], colon: str
) -> None:
    body = units[0] + "".join(s + u for s, u in zip(seps, units[1:], strict=False))
    text = f"做好保障工作。{bracket[0]}责任单位{colon}{body}{bracket[1]}"
    assert _records(text, rules) == [(units, [])]


def _prepared(name: str, rules: RuleSet) -> Document:
    """The stages responsibilities depend on: text, meta and sections."""
    doc = read_document(CORPUS / name, rules)
    for stage in (html_to_text, clean, extract_meta, split_sections):
        doc = stage(doc, rules)
    return doc


GOLD_FILES = sorted(GOLD.glob("*.yaml"))


@pytest.mark.parametrize("gold_path", GOLD_FILES, ids=[p.stem[:3] for p in GOLD_FILES])
def test_corpus_matches_gold(rules: RuleSet, gold_path: Path) -> None:
    gold = yaml.safe_load(gold_path.read_text(encoding="utf-8"))
    doc = extract_responsibilities(_prepared(gold["doc"], rules), rules)
    got = doc.responsibilities
    want = gold.get("responsibilities") or []
    assert [(r.units, r.lead) for r in got] == [(g["units"], g["lead"]) for g in want]
    for r, g in zip(got, want, strict=True):
        squash = "".join(g["quote"].split())
        assert "".join(r.quote.split()) in squash or squash in "".join(r.quote.split())
        assert r.quote == doc.text[r.span[0] : r.span[1]]
        assert len(r.unit_keys) == len(r.units)
    assert len({r.id for r in got}) == len(got)
    # every unit found in the corpus has a department key or is deliberately keyless
    assert unknown_units([u for r in got for u in r.units], rules) == []


def test_tag_section_is_the_innermost_section_of_the_paragraph(rules: RuleSet) -> None:
    doc = extract_responsibilities(_prepared("000_d432b4ee5b26c821.txt", rules), rules)
    by_id = {s.id: s for s in doc.sections}

    def path(sid: str | None) -> list[str]:
        out: list[str] = []
        while sid:
            out.insert(0, by_id[sid].number or by_id[sid].title)
            sid = by_id[sid].parent
        return out

    gold = yaml.safe_load((GOLD / "000_d432b4ee5b26c821.yaml").read_text(encoding="utf-8"))
    assert [path(r.section) for r in doc.responsibilities] == [g["section"] for g in gold["responsibilities"]]
    assert doc.responsibilities[0].unit_keys == ["civil_affairs", "health"]


def _target(tid: str, section: str, span: tuple[int, int], text: str) -> Target:
    return Target(
        id=tid, section=section, span=span, quote=text[span[0] : span[1]], rule="t", indicator="x", value=1, unit="%"
    )


def test_attach_responsible_walks_up_the_tree(rules: RuleSet) -> None:
    text = (
        "一、任务\n(一)养老\n床位达到1600张。〔责任单位:市民政局〕\n护理型床位占比达到55%。〔责任单位:市卫健局〕\n"
        "(二)托育\n统筹推进托育服务。〔责任单位:市卫健局、市妇联〕\n1.托位\n托位达到10%。\n二、保障\n投入达到50%。"
    )

    def at(word: str, upto: str | None = None) -> tuple[int, int]:
        return (text.index(word), text.index(upto) if upto else len(text))

    sections = [
        Section(id="s1", parent=None, level=1, number="一", title="任务", span=at("一、", "二、"), rule="h"),
        Section(id="s2", parent="s1", level=2, number="(一)", title="养老", span=at("(一)", "(二)"), rule="h"),
        Section(id="s3", parent="s1", level=2, number="(二)", title="托育", span=at("(二)", "二、"), rule="h"),
        Section(id="s4", parent="s3", level=3, number="1", title="托位", span=at("1.托位", "二、"), rule="h"),
        Section(id="s5", parent=None, level=1, number="二", title="保障", span=at("二、"), rule="h"),
    ]
    source = Source(path="t", sha256="0", encoding="utf-8", format="text")
    doc = extract_responsibilities(Document(doc_id="t", source=source, text=text, sections=sections), rules)
    assert [r.section for r in doc.responsibilities] == ["s2", "s2", "s3"]
    targets = [
        _target("t1", "s2", (text.index("1600张"), text.index("1600张") + 5), text),
        _target("t2", "s2", (text.index("55%"), text.index("55%") + 3), text),
        _target("t3", "s4", (text.index("10%"), text.index("10%") + 3), text),
        _target("t4", "s5", (text.index("50%"), text.index("50%") + 3), text),
    ]
    doc = attach_responsible(doc.model_copy(update={"targets": targets}), rules)
    # the tag closing each paragraph; the parent's record for a child section without one; nothing for 二
    assert [t.responsible for t in doc.targets] == [["市民政局"], ["市卫健局"], ["市卫健局", "市妇联"], []]


# --- units of table cells read by their columns, glued units, fields written inline --------------------------


def _rr(rules: RuleSet) -> ResponsibilityRules:
    return rules.get(ResponsibilityRules)


@pytest.mark.parametrize(
    ("cell", "units", "lead"),
    [
        # dev/43: a 协同单位 cell of space-separated units
        (
            "财政局 住建局 行政审批局 城管局 瑞海集团 各区镇街道",
            ["财政局", "住建局", "行政审批局", "城管局", "瑞海集团", "各区镇街道"],
            [],
        ),
        # dev/58: a 牵头单位 cell (the column makes both lead; the cell itself marks none)
        ("区民政局、区卫生健康局", ["区民政局", "区卫生健康局"], []),
        # seed 000's role words inside a cell
        ("市自规局牵头,市住建局、市民政局参与", ["市自规局", "市住建局", "市民政局"], ["市自规局"]),
        # a name broken by a space that is not a list of units stays one unit
        ("区民政 局", ["区民政局"], []),
    ],
)
def test_column_units(rules: RuleSet, cell: str, units: list[str], lead: list[str]) -> None:
    from policyx.departments import DepartmentRules
    from policyx.respforms import column_units

    got = column_units(cell, _rr(rules), rules.get(DepartmentRules).resolver)
    assert [u.name for u in got] == units
    assert [u.name for u in got if u.lead] == lead


@pytest.mark.parametrize(
    ("glued", "units"),
    [
        # dev/41, rows 1-4 of the task-division table as the viewer glued them
        (
            "教育局经开区高新园(邹区镇)各街道市国有公司2促进就业稳定增长",
            ["教育局", "经开区", "高新园(邹区镇)", "各街道", "市国有公司"],
        ),
        ("文体旅局晋陵公司轨道公司推进大庙弄核心区改造", ["文体旅局", "晋陵公司", "轨道公司"]),
        ("住建局五星街道南大街街道荷花池街道4优化养老服务", ["住建局", "五星街道", "南大街街道", "荷花池街道"]),
        ("民政局高新园(邹区镇)各街道提升改造8家城乡社区居家养老服务中心(站)", ["民政局", "高新园(邹区镇)", "各街道"]),
        # a task is no unit, even when it ends in a unit word
        ("推进社区养老服务中心建设", []),
    ],
)
def test_glued_units(rules: RuleSet, glued: str, units: list[str]) -> None:
    from policyx.departments import DepartmentRules
    from policyx.respforms import glued_units

    got = glued_units(glued, 0, _rr(rules), rules.get(DepartmentRules).resolver)
    assert [u.name for u in got] == units
    assert all(glued[u.start : u.end] == u.name for u in got)


def test_inline_fields_skip_people_and_stop_at_another_label(rules: RuleSet) -> None:
    # dev/42: one physical line of numbered items with inline fields
    text = (
        "2.新增安装300套路口交通信息视频采集设备。 牵头领导:王仁洲 责任单位:市公安局 项目责任人:王伟标 "
        "配合单位:市城管局、市财政局 实际完成情况:中心设备调试、前端摄像机上杆安装已完成年度目标任务的55%。"
    )
    found, _ = find_responsibilities(text, [], rules)
    assert [(f.units, f.lead) for f in found] == [(["市公安局", "市城管局", "市财政局"], [])]
    assert text[found[0].start : found[0].end] == "责任单位:市公安局 项目责任人:王伟标 配合单位:市城管局、市财政局"


def test_split_by_rows_keeps_each_table_row_apart() -> None:
    from policyx.respforms import _Line, _split_by_rows

    rows = [(0, 10), (10, 20), (30, 40)]
    run = [_Line(s, s + 3, [], False) for s in (1, 5, 12, 21, 31, 35)]
    parts = _split_by_rows(run, rows, [a for a, _ in rows])
    assert [[ln.start for ln in p] for p in parts] == [[1, 5], [12], [21], [31, 35]]
