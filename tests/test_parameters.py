"""Parameters are not targets (SPEC 4): the fees, grants, payment rates and splits of funds a measure sets.

The sentences are quoted from two Guangzhou regulations (居家社区养老服务管理办法, 长期护理保险试行办法) and a
Guangzhou plan (家庭医生签约服务实施方案); only the sentences are kept here, never the pages.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policyx.models import Document, Meta, Source
from policyx.pipeline import extract_document
from policyx.rules import RuleSet
from policyx.targets import extract_quantities


def _doc(text: str) -> Document:
    return Document(
        doc_id="t",
        source=Source(path="t.txt", sha256="0", encoding="utf-8", format="text"),
        meta=Meta(doc_type="plan"),
        text=text,
    )


def _targets(rules: RuleSet, text: str) -> list[tuple[float, str, str, str]]:
    doc = extract_quantities(_doc(text), rules)
    for r in (*doc.targets, *doc.statistics):
        assert doc.text[r.span[0] : r.span[1]] == r.quote
    return [(t.value, t.unit, t.comparator, t.quote) for t in doc.targets]


# real sentences whose every quantity is a parameter, in any kind of document (no articles needed)
NOT_TARGETS = [
    # a grant, a second grant after a condition
    "居家社区养老服务组织一年内开展医疗保健、康复护理服务达到1000人次(每次服务时长不低于30分钟),且按规定设置医疗机构"
    "并取得《医疗机构执业许可证》的,给予一次性补贴15万元;设置的医疗机构纳入基本医疗保险定点的,再增加一次性补贴5万元。",
    # awards by grade
    "被评为五星级的给予10万元,四星级的给予5万元,三星级的给予3万元,二星级的给予2万元,一星级的给予1万元。",
    "(一)区级社区养老服务设施服务评估为优秀、良好、合格等级的,每年每个分别给予40万元、30万元、20万元服务奖励;",
    # operating funds, even with a floor
    "各区、街道(镇)应根据实际安排社区养老服务设施必要的运营经费,区级、街道(镇)级、社区(村)级社区养老服务设施"
    "每年每个分别不少于60万元、40万元、5万元运营经费。",
    # a subsidy standard per person, a heading before it
    "第二十六条 第一类资助对象每人每月400元,第二类资助对象每人每月200元。"
    "经评估为重度失能的,每人每月增加护理资助200元。",
    # payment ceilings
    "(一)机构护理发生的生活照料费用纳入支付范围的费用限额标准为职工参保人员每人每天120元(其中床位费不高于每人每天35元),"
    "居民参保人员每人每天60元;",
    "(三)定点护理机构按规定提供的医疗护理费用,按照本市基本医疗服务价格进行项目结算,基金最高支付限额为职工参保人员"
    "每人每月1,000元、居民参保人员每人每月500元;",
    # payment, contribution and rent rates
    "1. 职工参保人员由长护险基金按机构护理75%、居家护理90%的比例支付;",
    "1.单位缴费费率,在职职工、失业人员、灵活就业人员、退休延缴人员、因工致残被鉴定为一级至四级伤残的工伤职工、退休人员"
    "均为0.15%。",
    "(一)承租政府和事业单位公有非住宅房产的,租金标准以市场租金参考价或评估价的50%计算和收取;",
    # a condition to qualify
    "同时符合两项及以上标准的,按照较高资助标准执行。",
    # an exact split of funds in a plan
    "原则上将家庭医生免费服务包、基本服务包的年签约服务费的80%用于参与家庭医生签约服务人员的薪酬分配,"
    "20%用于基层医疗卫生机构统筹,各区可根据实际情况适当调整分配比例,签约服务费在考核后拨付。",
]


@pytest.mark.parametrize("text", NOT_TARGETS)
def test_parameters_are_not_targets(rules: RuleSet, text: str) -> None:
    assert _targets(rules, text) == []


# real goals that must stay targets next to the same vocabulary (000, 001, 004 of corpus/ and the Guangzhou plan)
STILL_TARGETS = [
    (
        "到2023年,重点人群签约服务覆盖率达80%以上,重点人群续约率达80%以上。",
        [(80, "%", ">=", "重点人群签约服务覆盖率达80%以上"), (80, "%", ">=", "重点人群续约率达80%以上")],
    ),
    (
        "到2023年,力争每万常住人口家庭医生数不低于4人,到2025年不低于4.66人。",
        [(4, "人", ">=", "每万常住人口家庭医生数不低于4人"), (4.66, "人", ">=", "不低于4.66人")],
    ),
    (  # 在现有…基础上 builds on the present: the increase is a goal, not an account
        "在现有服务水平基础上,全人群和重点人群签约服务覆盖率每年提升1~3个百分点,逐年提高满意度。",
        [(1, "pp", "=", "全人群和重点人群签约服务覆盖率每年提升1~3个百分点")],
    ),
    (
        "落实职业培训补贴、技能认定补贴,列入急需紧缺职业(工种)范围,培训补贴上浮10%。",
        [(10, "%", "=", "培训补贴上浮10%")],
    ),
    (  # a floor on a share of funds is a commitment, an exact split is not
        "健全公共财政投入、发行福利彩票、社会捐赠以及社会资本投入并举的多元机制,并将不低于60%的社会福利彩票公益金用于支持发展养老服务。",
        [(60, "%", ">=", "不低于60%的社会福利彩票公益金用于支持发展养老服务")],
    ),
    (  # a bracket with its own quantity is an aside: the first object stops before it, the second is named in it
        "推动医联体内二级及以上医疗机构预留30%的号源(其中专家号源不低于30%)给医联体内基层医疗卫生机构的家庭医生(团队)。",
        [
            (30, "%", "=", "医联体内二级及以上医疗机构预留30%的号源"),
            (30, "%", ">=", "专家号源不低于30%"),
        ],
    ),
    (
        "家庭医生应每季度至少主动联系1次签约居民,提供针对性健康指导与干预。",
        [(1, "次", ">=", "家庭医生应每季度至少主动联系1次")],
    ),
]


@pytest.mark.parametrize(("text", "expected"), STILL_TARGETS)
def test_goals_stay_targets(rules: RuleSet, text: str, expected: list[tuple]) -> None:
    assert _targets(rules, text) == expected


@pytest.mark.parametrize(
    ("text", "quote"),
    [
        (  # dev 55, a regulation's article
            "第三十四条 新建居民住宅区应当按照每百户不低于30平方米的标准配套建设养老服务设施,"
            "并与住宅同步规划、同步建设、同步验收、同步交付使用。",
            "不低于30平方米",
        ),
    ],
)
def test_quote_starts_after_the_heading_number(rules: RuleSet, text: str, quote: str) -> None:
    # their quote must not start with 第X条 or (2)
    assert [q for *_, q in _targets(rules, text)] == [quote]


# a regulation in articles, every sentence real: only the standards with a floor or ceiling stay targets
REGULATION = "\n".join(
    [
        "广州市长期护理保险试行办法",
        "第一章 总则",
        "第一条 为健全本市社会保障制度体系,保障失能人员基本照护需求,制定本办法。",
        "第二条 市医疗保障行政部门主管本市长护险工作,负责组织实施本办法。",
        "第二章 待遇支付",
        "第三条 长护险缴费基数及费率标准如下:",
        "(一)职工参保人员",
        "(2)满35周岁至未满45周岁参保人员为0.02%;",
        "第四条 B类护理:享受长护险2级待遇的长期失能人员由定点护理机构派专职护理人员上门提供生活照料服务,"
        "其中职工参保人员每月上门次数不低于12次,每月服务时间为28小时。",
        "第五条 每个区应当单独设置至少1个区级综合养老服务中心,每处建筑面积不少于1000平方米,"
        "并应当具备区域统筹、服务示范、人员实训、技术支持等功能。",
        "第六条 应当根据辖区内户籍老年人数量在基层现有工作力量中安排相应人员"
        "(每5000名户籍老年人配备1名,不足5000名的至少配备1名)。",
        "第七条 区级社区养老服务设施每年每个分别不少于60万元运营经费。",
        "第八条 定点服务机构应向医保经办机构申请登记1个银行结算账户。",
        "第九条 本办法自印发之日起施行,有效期3年。",
        "",
    ]
)


def test_regulation_keeps_only_standards(rules: RuleSet) -> None:
    doc = extract_document(REGULATION.encode(), name="reg.txt", rules=rules)
    got = [(t.value, t.unit, t.comparator, t.rule) for t in doc.targets]
    assert got == [
        # (第四条's 12次 a month is what an entitled person receives: param.entitled)
        (1, "个", ">=", "target.regulation_standard/number.count"),
        (1000, "平方米", ">=", "target.regulation_standard/number.count"),
        (1, "名", "=", "target.regulation_standard/number.count"),  # 每5000名…配备1名: a per-unit standard
        (1, "名", ">=", "target.regulation_standard/number.count"),
    ]
    assert doc.statistics == []  # 现有工作力量 is no account of the present
    for t in doc.targets:
        assert doc.text[t.span[0] : t.span[1]] == t.quote
        assert t.section is not None and doc.text[t.span[0]] != "第"


def test_the_same_sentences_outside_articles_are_read_as_a_plan(rules: RuleSet) -> None:
    # without 第X条 the floors stay targets by their comparator; 0.02% and the bank account have no commitment
    # evidence at all (drop.no_evidence), in a plan as in a regulation
    body = "\n".join(line.split(" ", 1)[-1] for line in REGULATION.splitlines()[3:])
    doc = extract_quantities(_doc(body), rules)
    values = [t.value for t in doc.targets]
    # (12次 a month for an entitled person is an entitlement anywhere: param.entitled)
    assert 1000 in values and 12 not in values and 0.02 not in values
    assert all(t.rule.startswith("target.") for t in doc.targets)


@settings(max_examples=60, deadline=None)
@given(
    st.integers(min_value=1, max_value=999),
    st.sampled_from(["给予一次性补贴", "每人每月发放护理补贴", "奖励", "资助标准为每人每月", "费用限额标准为每人每天"]),
    st.sampled_from(["元", "万元"]),
)
def test_money_granted_is_never_a_target(rules: RuleSet, n: int, words: str, unit: str) -> None:
    assert _targets(rules, f"符合条件的服务机构,{words}{n}{unit}。") == []
    # a due year makes the same amount a goal (补贴标准提高到…): the cue never hides a dated commitment
    dated = _targets(rules, f"到2025年,{words}{n}{unit}。")
    assert [(v, u) for v, u, _, _ in dated] == [(n * (10000 if unit == "万元" else 1), "元")]


def test_items_under_a_rate_heading_are_parameters(rules: RuleSet) -> None:
    # no articles here: the heading 缴费基数及费率标准 alone makes its items parameters (rule parameter_section)
    text = "\n".join(
        [
            "长期护理保险实施细则",
            "一、长护险缴费基数及费率标准",
            "(1)未满35周岁参保人员个人不缴费;",
            "(2)满35周岁至未满45周岁参保人员为0.02%;",
            "(3)满45周岁至退休前参保人员、退休延缴人员为0.08%。",
            "二、服务标准",
            "其中职工参保人员每月上门次数不低于12次,每月服务时间为28小时。",
            "",
        ]
    )
    doc = extract_document(text.encode(), name="plan.txt", rules=rules)
    assert [(t.value, t.unit, t.comparator) for t in doc.targets] == [(12, "次", ">=")]


def test_a_single_share_of_funds_is_not_a_split(rules: RuleSet) -> None:
    # only an exact split between uses (80%用于…,20%用于…) is a parameter; one share of funds stays a target
    assert [v for v, *_ in _targets(rules, "民政部门本级使用的福利彩票公益金55%用于支持发展养老服务。")] == [55]


def test_only_the_articles_are_read_as_a_regulation(rules: RuleSet) -> None:
    # a plan whose annex is a regulation: the plan's own goal stays, the annex's article keeps the regulation reading
    text = "\n".join(
        [
            "关于推进托育服务发展的实施方案",
            "一、主要任务",
            "支持每个县(市、区)建设1个承担指导功能的示范性、综合性托育服务中心。",
            "附件",
            "长期护理保险试行办法",
            "第一条 为健全本市社会保障制度体系,保障失能人员基本照护需求,制定本办法。",
            "第二条 市医疗保障行政部门主管本市长护险工作,负责组织实施本办法。",
            "第三条 定点服务机构应向医保经办机构申请登记1个银行结算账户。",
            "",
        ]
    )
    doc = extract_document(text.encode(), name="plan.txt", rules=rules)
    assert [(t.value, t.unit, t.rule) for t in doc.targets] == [(1, "个", "target.build/number.count")]
    assert "托育服务中心" in doc.targets[0].quote
