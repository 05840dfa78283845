"""Meta (SPEC 2): each field from real heads of corpus documents, the gazetteer, and the gold meta."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from frontstages import front
from policyx.clean import clean
from policyx.meta import MetaRules, extract_meta, find_doc_type, parse_date
from policyx.models import Document, Source
from policyx.regions import Gazetteer
from policyx.rules import RuleSet

from conftest import CORPUS, GOLD, ROOT


def _meta(text: str, rules: RuleSet) -> dict[str, object]:
    doc = Document(doc_id="t", source=Source(path="t.txt", sha256="0", encoding="utf-8", format="text"), text=text)
    return extract_meta(clean(doc, rules), rules).meta.model_dump(exclude={"fields"})


HEAD_000 = (
    "各乡镇人民政府、街办处,开发区管委会,市政府有关部门,有关单位:\n"
    "《泊头市“一老一小”整体解决方案》已经市政府同意,现印发给你们,请认真抓好贯彻落实。\n"
    "泊头市人民政府办公室\n2022年3月10日\n泊头市“一老一小”整体解决方案\n"
    "为贯彻落实积极应对人口老龄化国家战略,结合我市实际,制定本方案。\n一、实施背景"
)
HEAD_001 = (
    "扬州市政府关于印发《扬州市“一老一小”整体解决方案》的通知\n扬府发〔2022〕80号\n"
    "各县(市、区)人民政府,市各直属单位:\n现将《扬州市“一老一小”整体解决方案》印发给你们,请认真贯彻实施。\n"
    "扬州市人民政府\n2022年9月8日\n扬州市“一老一小”整体解决方案\n为贯彻落实积极应对人口老龄化国家战略。"
)
HEAD_002 = (
    "郑州:24条创新举措积极应对人口老龄化\n文章正文\n发布时间:2024-12-21 12:43\n"
    "近日,郑州发布积极应对人口老龄化重点联系城市建设工作方案,积极应对人口老龄化。\n促进服务体系创新"
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            HEAD_000,
            {
                "title": "泊头市“一老一小”整体解决方案",
                "region": "泊头市",
                "province": "河北省",
                "issuer": "泊头市人民政府办公室",
                "doc_number": None,
                "issued_on": "2022-03-10",
                "doc_type": "plan",
            },
        ),
        (
            HEAD_001,
            {
                "title": "扬州市“一老一小”整体解决方案",
                "region": "扬州市",
                "province": "江苏省",
                "issuer": "扬州市人民政府",
                "doc_number": "扬府发〔2022〕80号",
                "issued_on": "2022-09-08",
                "doc_type": "plan",
            },
        ),
        (
            HEAD_002,
            {
                "title": "郑州:24条创新举措积极应对人口老龄化",
                "region": "郑州市",
                "province": "河南省",
                "issuer": None,
                "doc_number": None,
                "issued_on": "2024-12-21",
                "doc_type": "news",
            },
        ),
        # a body with no head at all says nothing about title, issuer, date or type
        (
            "(一)完善养老托育服务制度。建立省负总责,市(州)各负其责的养老托育工作推进机制。",
            {
                "title": None,
                "region": None,
                "province": None,
                "issuer": None,
                "doc_number": None,
                "issued_on": None,
                "doc_type": None,
            },
        ),
    ],
)
def test_meta_from_real_heads(text: str, expected: dict[str, object], rules: RuleSet) -> None:
    assert _meta(text, rules) == expected


def test_the_title_a_notice_transmits_when_its_line_follows(rules: RuleSet) -> None:
    text = (
        "扬州市政府关于印发《扬州市“一老一小”整体解决方案》的通知\n扬府发〔2022〕80号\n"
        "扬州市“一老一小”整体解决方案\n为贯彻落实积极应对人口老龄化国家战略,统筹城乡养老托育发展。"
    )
    assert _meta(text, rules)["title"] == "扬州市“一老一小”整体解决方案"
    alone = "扬州市政府关于印发《扬州市“一老一小”整体解决方案》的通知\n为贯彻落实积极应对人口老龄化国家战略。"
    assert _meta(alone, rules)["title"] == "扬州市政府关于印发《扬州市“一老一小”整体解决方案》的通知"
    assert _meta(alone, rules)["doc_type"] == "notice"


def test_co_signers_over_two_lines_the_first_leads(rules: RuleSet) -> None:
    # the signature of the real page ../shared/html/01 (four bodies on two lines)
    text = (
        "各区卫生健康局:\n现将《关于推进家庭医生签约服务的实施方案》印发给你们,请贯彻执行。\n"
        "广州市卫生健康委员会 广州市财政局\n广州市人力资源和社会保障局 广州市医疗保障局\n2023年10月19日\n"
        "关于推进家庭医生签约服务的实施方案\n一、主要目标"
    )
    meta = _meta(text, rules)
    assert meta["issuer"] == "广州市卫生健康委员会"
    assert (meta["title"], meta["doc_type"]) == ("关于推进家庭医生签约服务的实施方案", "plan")


def test_title_line_loses_the_site_name_of_the_page_title(rules: RuleSet) -> None:
    text = "泊头市“一老一小”整体解决方案_泊头市人民政府\n为贯彻落实积极应对人口老龄化国家战略,结合我市实际,制定本方案。"
    assert _meta(text, rules)["title"] == "泊头市“一老一小”整体解决方案"


def test_signature_dated_in_chinese_numerals(rules: RuleSet) -> None:
    text = (
        "现将《实施方案》印发给你们,请认真贯彻执行。\n沧州市人民政府办公室\n二〇二一年十二月三日\n"
        "实施方案\n一、总体要求"
    )
    meta = _meta(text, rules)
    assert (meta["issuer"], meta["issued_on"], meta["region"]) == ("沧州市人民政府办公室", "2021-12-03", "沧州市")


@pytest.mark.parametrize(
    ("title", "lead", "expected"),
    [
        ("关于持续破解‘一老一小’服务难题,提升社区治理水平的建议", None, "proposal"),
        ("对市政协十届二次会议第241号提案的答复", None, "reply"),
        ("扬州市政府关于印发《扬州市“一老一小”整体解决方案》的通知", None, "notice"),
        ("国务院办公厅关于促进养老托育服务健康发展的意见", None, "opinion"),
        ("泊头市“一老一小”整体解决方案", None, "plan"),
        ("扬州市老龄事业发展“十三五”规划", None, "plan"),
        ("广州市居家社区养老服务管理办法", None, "other"),
        ("郑州:24条创新举措积极应对人口老龄化", "近日,郑州发布积极应对人口老龄化重点联系城市建设工作方案。", "news"),
        (None, None, None),
    ],
)
def test_doc_type_from_the_title(title: str | None, lead: str | None, expected: str | None, rules: RuleSet) -> None:
    assert find_doc_type(title, lead, rules.get(MetaRules)) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2022年3月10日", "2022-03-10"),
        ("2024-12-21 12:43", "2024-12-21"),
        ("2022年03月15日", "2022-03-15"),
        ("2023/1/5", "2023-01-05"),
        ("二〇二二年三月十日", "2022-03-10"),
        ("二○二三年十二月二十九日", "2023-12-29"),
        ("2024年", None),
        ("2022年13月1日", None),
        (None, None),
    ],
)
def test_parse_date(value: str | None, expected: str | None, rules: RuleSet) -> None:
    assert parse_date(value, rules.get(MetaRules)) == expected


@pytest.mark.parametrize(
    ("name", "province"),
    [
        ("泊头市", "河北省"),
        ("扬州市", "江苏省"),
        ("平顶山市", "河南省"),
        ("六枝特区", "贵州省"),
        ("贵州省", "贵州省"),
        ("朝阳区", None),  # Beijing and Liaoning both have one: unknown
    ],
)
def test_gazetteer_province(name: str, province: str | None, rules: RuleSet) -> None:
    gaz = rules.get(Gazetteer)
    assert (name if gaz.is_province(name) else gaz.province(name)) == province


def test_gazetteer_finds_names_and_short_headline_forms(rules: RuleSet) -> None:
    gaz = rules.get(Gazetteer)
    text = "2023年成功举办平顶山市养老护理职业技能竞赛,建立平顶山市推进3岁以下婴幼儿照护服务工作协调机制"
    assert [name for _, name in gaz.find(text)] == ["平顶山市", "平顶山市"]
    assert gaz.first_in("郑州:24条创新举措积极应对人口老龄化") == "郑州市"
    assert gaz.first_in("泊头市人民政府办公室") == "泊头市"
    assert gaz.most_named("全市共培训养老护理员3385人次。") is None


def test_gazetteer_file_says_its_source(rules: RuleSet) -> None:
    gaz = rules.get(Gazetteer)
    assert gaz.source.startswith("cpca ")
    assert len(gaz.provinces) == 34


def test_gazetteer_generator_sorts_names_into_levels(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_regions", ROOT / "scripts" / "make_regions.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    csv = tmp_path / "adcodes.csv"
    csv.write_text(
        "adcode,name,longitude,latitude\n130000000000,河北省,0,0\n130900000000,沧州市,0,0\n"
        "130981000000,泊头市,0,0\n130901000000,市辖区,0,0\n520000000000,贵州省,0,0\n520203000000,六枝特区,0,0\n",
        encoding="utf-8",
    )
    module.main(str(csv), "0.0-test")
    data = yaml.safe_load(capsys.readouterr().out)
    assert data == {
        "source": "cpca 0.0-test adcodes.csv",
        "provinces": [
            {"name": "河北省", "prefectures": "沧州市", "counties": "泊头市"},
            {"name": "贵州省", "prefectures": "", "counties": "六枝特区"},
        ],
    }


def _gold(path: Path) -> dict[str, object]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["meta"]


@pytest.mark.parametrize("gold_path", sorted(GOLD.glob("*.yaml")), ids=lambda p: p.stem)
def test_meta_matches_gold(gold_path: Path, rules: RuleSet) -> None:
    want = _gold(gold_path)
    doc = front(CORPUS / f"{gold_path.stem}.txt", rules)
    got = doc.meta.model_dump(exclude={"fields"})
    assert {k: (str(v) if v is not None else None) for k, v in want.items()} == got
