"""indicators.indicator_key: exact name/alias first, then the longest contained alias (precision first)."""

from __future__ import annotations

import pytest

from policyx.indicators import IndicatorRules, indicator_key, indicator_terms
from policyx.rules import RuleSet


@pytest.mark.parametrize(
    ("phrase", "key"),
    [
        ("护理型床位占比", "nursing_bed_share"),  # 000
        ("养老机构护理型床位占比", "nursing_bed_share"),  # 002
        ("护理型床位数占养老机构床位总数比例", "nursing_bed_share"),  # 001 table
        ("特困人员供养服务设施(敬老院)护理型床位占比", "special_care_nursing_bed_share"),  # 000: the specific one wins
        ("农村特困人员供养服务机构护理型床位占比", "special_care_nursing_bed_share"),  # 001
        ("每千人口拥有3岁以下婴幼儿托位数", "childcare_places_per_1000"),
        ("每千常住人口拥有3岁以下婴幼儿托位数", "childcare_places_per_1000"),
        ("每千人配备托位", "childcare_places_per_1000"),
        ("用于支持发展养老服务福利彩票公益金", "welfare_lottery_elderly_share"),
        ("福彩公益金用于养老服务的比例", "welfare_lottery_elderly_share"),
        ("财政(福彩公益金)投入比例", "welfare_lottery_elderly_share"),
        ("全市各级福利彩票公益金投入养老服务的比例", "welfare_lottery_elderly_share"),
        ("普惠性托位占比", "public_childcare_share"),
        ("新建城区、新建居住(小)区配建养老服务设施达标率", "residential_elderly_facility_compliance"),
        ("全市养老机构护理型床位占比", "nursing_bed_share"),  # contained alias
        ("床位", None),
        ("老年大学", None),
        ("", None),
    ],
)
def test_indicator_key(rules: RuleSet, phrase: str, key: str | None) -> None:
    assert indicator_key(phrase, rules) == key


def test_terms_list_every_entry(rules: RuleSet) -> None:
    terms = indicator_terms(rules)
    keys = [k for k, _, _ in terms]
    assert len(keys) == len(set(keys)) == len(rules.get(IndicatorRules).indicators)
    assert ("nursing_bed_share", "护理型床位占比") in {(k, n) for k, n, _ in terms}


def test_alias_listed_twice_fails() -> None:
    with pytest.raises(ValueError, match="both"):
        IndicatorRules.model_validate(
            {"indicators": [{"key": "a", "name": "甲乙丙丁戊"}, {"key": "b", "name": "乙", "aliases": ["甲乙丙丁戊"]}]}
        )
