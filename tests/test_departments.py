"""Department keys: spellings across levels and renamings meet in one key; regions, banks and companies are keyless."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from policyx.departments import DepartmentRules, unknown_units
from policyx.rules import RuleError, RuleSet

from conftest import GOLD, ROOT

KEYED = [
    # the spellings of one function, as the corpus and its neighbours write them
    ("市卫健局", "health"),
    ("市卫健委", "health"),
    ("市卫生健康委", "health"),
    ("市卫生健康委员会", "health"),
    ("国家卫生健康委", "health"),
    ("市民政局", "civil_affairs"),
    ("河北省民政厅", "civil_affairs"),
    ("市自规局", "natural_resources"),
    ("市自然资源和规划局", "natural_resources"),
    ("市资源规划局", "natural_resources"),
    ("市发改委", "development_reform"),
    ("市发展改革委", "development_reform"),
    ("市发改局", "development_reform"),
    ("市市场监管局", "market_regulation"),
    ("市市监局", "market_regulation"),
    ("市场监管局", "market_regulation"),
    ("市地方金融监管局", "local_finance"),
    ("市地方金融管理局", "local_finance"),
    ("市金融监管局", "local_finance"),
    ("市银保监局", "banking_insurance_regulation"),
    ("市教体局", "education"),
    ("市教育局", "education"),
    ("市科工局", "science_industry"),
    ("市科技局", "science_technology"),
    ("市工信局", "industry_information"),
    ("市文广旅局", "culture_tourism"),
    ("团市委", "youth_league"),
    ("市委宣传部", "propaganda"),
    ("市委老干部局", "veteran_cadres"),
    ("市人才办", "talent_office"),
    ("市政务办", "government_services"),
    ("市消防救援支队", "fire_rescue"),
    ("市大数据局", "big_data"),
    ("市总工会", "trade_union"),
    ("市慈善总会", "charity_federation"),
    ("市残联", "disabled_persons_federation"),
    ("市妇联", "womens_federation"),
    ("市机关事务管理局", "offices_administration"),
    ("泊头市人民政府办公室", "government_office"),
    ("各县民政局", "civil_affairs"),  # 各 + a level is a prefix, not a group of governments
    ("市疾控中心", "disease_control"),
    ("市关工委", "next_generation"),
    # national bodies, as national documents name them
    ("民政部", "civil_affairs"),
    ("人力资源社会保障部", "human_resources_social_security"),
    ("住房城乡建设部", "housing_construction"),
    ("市场监管总局", "market_regulation"),
    ("国家中医药局", "traditional_medicine"),
    ("全国老龄办", "aging_committee"),
    ("中国残联", "disabled_persons_federation"),
    ("共青团中央", "youth_league"),
    ("国务院国资委", "state_assets"),
]

KEYLESS = [
    ("各县(市、区)", "nd_lower_governments"),
    ("各县(市、区)人民政府", "nd_lower_governments"),
    ("功能区", "nd_zones"),
    ("功能区管委会", "nd_zones"),
    ("人行泊头市支行", "nd_banks"),
    ("人民银行扬州中心支行", "nd_banks"),
    ("人行扬州中心支行", "nd_banks"),
    ("城控集团", "nd_companies"),
    ("市供电公司", "nd_companies"),
    ("城建控股", "nd_companies"),
    ("市各相关部门", "nd_generic"),
    ("市直有关部门", "nd_generic"),
    ("其他有关部门", "nd_generic"),
    ("各乡镇(街道)", "nd_lower_governments"),
    ("街道办事处", "nd_lower_governments"),
    ("各地", "nd_lower_governments"),
]


@pytest.fixture(scope="module")
def dr(rules: RuleSet) -> DepartmentRules:
    return rules.get(DepartmentRules)


@pytest.mark.parametrize(("unit", "key"), KEYED)
def test_spellings_meet_in_one_key(dr: DepartmentRules, unit: str, key: str) -> None:
    got = dr.resolve(unit)
    assert (got.kind, got.key) == ("department", key)


@pytest.mark.parametrize(("unit", "rule"), KEYLESS)
def test_regions_banks_companies_are_deliberately_keyless(dr: DepartmentRules, unit: str, rule: str) -> None:
    got = dr.resolve(unit)
    assert (got.kind, got.key, got.rule) == ("keyless", None, rule)


@pytest.mark.parametrize("text", ["行业主管部门", "市级领导", "卫健", "完善养老托育两大服务体系"])
def test_prose_is_unknown(dr: DepartmentRules, text: str) -> None:
    assert dr.resolve(text).kind == "unknown"


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("市老年学会", True),  # unknown, but a level prefix and an organisation ending
        ("县卫体局", True),
        ("市养老服务指导中心", True),
        ("完善服务设施空间布局", False),  # ends like 局, reads like a task
        ("推进社区养老服务中心", False),
        ("服务业", False),
    ],
)
def test_the_look_of_a_unit(dr: DepartmentRules, text: str, unit: bool) -> None:
    assert dr.looks_like_unit(text) is unit


def test_every_gold_unit_has_a_key_or_is_deliberately_keyless(rules: RuleSet) -> None:
    units = [
        u
        for path in sorted(GOLD.glob("*.yaml"))
        for r in (yaml.safe_load(path.read_text(encoding="utf-8")).get("responsibilities") or [])
        for u in r["units"]
    ]
    assert len(units) > 300
    assert unknown_units(units, rules) == []


@given(
    region=st.sampled_from(["泊头市", "扬州市", "郑州市", "平顶山市", "叶县", "邗江区", "河北省", "沧州市"]),
    # units whose leading 市 is the level (not 市场监管局, whose 市 is part of the name)
    pair=st.sampled_from([(u, k) for u, k in KEYED if u.startswith("市") and not u.startswith(("市委", "市场"))]),
)
def test_any_level_prefix_keeps_the_key(rules: RuleSet, region: str, pair: tuple[str, str]) -> None:
    unit, key = pair
    assert rules.get(DepartmentRules).resolve(region + unit[1:]).key == key


def test_keys_are_unique_and_cover_the_corpus_functions(dr: DepartmentRules) -> None:
    assert len(dr.keys) == len(set(dr.keys))
    assert {"health", "civil_affairs", "natural_resources", "development_reform"} <= set(dr.keys)


def test_a_typo_in_the_rule_file_is_a_load_error(tmp_path: Path) -> None:
    shutil.copy(ROOT / "rules" / "departments.yaml", tmp_path / "departments.yaml")
    text = (tmp_path / "departments.yaml").read_text(encoding="utf-8").replace("stems:", "stem:", 1)
    (tmp_path / "departments.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(RuleError, match=r"departments\.yaml: departments\.0\.stem: Extra inputs are not permitted"):
        RuleSet(tmp_path).get(DepartmentRules)


def test_show_unknown_units_lists_only_what_the_rules_do_not_know(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from policyx.cli import app
    from policyx.models import Document, Responsibility, Source

    quote = "〔责任单位:市民政局、市老年学会、各县(市、区)、城控集团〕"
    record = Responsibility(
        id="r1",
        section=None,
        span=(0, len(quote)),
        quote=quote,
        rule="resp.tag",
        units=["市民政局", "市老年学会", "各县(市、区)", "城控集团"],
    )
    doc = Document(
        doc_id="d",
        source=Source(path="d.txt", sha256="0", encoding="utf-8", format="text"),
        text=quote,
        responsibilities=[record],
    )
    path = tmp_path / "d.json"
    path.write_text(doc.model_dump_json(), encoding="utf-8")
    result = CliRunner().invoke(app, ["show", "--unknown-units", str(path)], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    assert "市老年学会" in result.output
    assert "市民政局" not in result.output and "城控集团" not in result.output
