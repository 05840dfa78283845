"""Clean (SPEC 10): boilerplate lines of real pages go, label blocks move to meta.fields, text is normalised."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policyx.clean import BoilerplateRules, clean, is_boilerplate, normalise
from policyx.models import Document, Source
from policyx.rules import RuleSet


def _doc(text: str) -> Document:
    return Document(doc_id="t", source=Source(path="t.txt", sha256="0", encoding="utf-8", format="text"), text=text)


def _cleaned(text: str, rules: RuleSet) -> Document:
    return clean(_doc(text), rules)


# footer and widget lines of the corpus pages, with the rule expected to drop each
@pytest.mark.parametrize(
    ("line", "rule"),
    [
        ("网站地图 |", "site_nav"),
        ("主办单位:泊头市人民政府信息中心主办 电话: 0317—8181100", "host_unit"),
        ("网站标识码:1309810010 备案号:冀ICP备08006011号-1 沧公备13098102000154", "site_id"),
        ("推荐使用1440*900或以上分辨率,并使用IE9.0或以上版本浏览器", "browser_advice"),
        ("精确检索", "search_box"),
        ("开始检索", "search_box"),
        ("扫一扫在手机打开当前页", "scan_qr"),
        ("文章正文", "body_marker"),
        ("【打印本页】【关闭窗口】", "page_tools"),
        ("分享到:微信 微博", "share_widget"),
        ("冀ICP备08006011号-1", "icp_record"),
        ("当前位置:首页 > 政务公开 > 通知公告", "breadcrumb"),
        ("【字体:大 中 小】", "page_tools"),
        ("【我要打印】【关闭】", "page_tools"),
        ("责任编辑:张三", "byline"),
        ("微信扫一扫", "scan_qr"),
        ("河北省人民政府门户网站", "site_name"),
        ("Produced By 大汉网络 大汉版通发布系统", "cms_credit"),
    ],
)
def test_boilerplate_line_rules(line: str, rule: str, rules: RuleSet) -> None:
    assert is_boilerplate(line, rules.get(BoilerplateRules)) == rule


# document lines that mention the same words but are the document's own text
@pytest.mark.parametrize(
    "line",
    [
        "1.建立多元化资金筹措渠道。强化各级财政的投入保障",
        "(一)加强组织领导和顶层设计。实行由市级领导牵头,建立县级养老托育服务工作联席会议机制。",
        "建好用好互联网服务平台,积极引导社会力量参与,推动养老托育信息网站地图式导航服务,方便群众查询办事,"
        "提高服务效率,让数据多跑路、群众少跑腿,实现养老托育服务事项网上办理、掌上办理、一次办好、全程可追溯。",
        "促进服务体系创新",
        "市政协提案委",
    ],
)
def test_document_lines_are_kept(line: str, rules: RuleSet) -> None:
    assert is_boilerplate(line, rules.get(BoilerplateRules)) is None
    assert _cleaned(line, rules).text == line


def test_label_block_of_an_index_page_moves_to_fields(rules: RuleSet) -> None:
    # the head of corpus/003: a bulleted label list, then a proposal header table flattened to lines
    head = (
        "• 发文字号\n  • 索引号\n  • 005452073/2024-00004\n  • 发布日期\n  • 2024-09-04\n  • 主题分类\n"
        "  • 2024年\n  • 体裁分类\n  • 服务对象\n关于持续破解‘一老一小’服务难题,提升社区治理水平的建议\n"
        "发布日期:2024-09-04 浏览次数: 浏览\n提案号\n市政协十届二次会议第241号提案\n提案者\n市政协提案委\n"
        "一、“一老一小”服务保障基本情况\n老有所养、幼有所育事关千家万户的幸福和谐。"
    )
    doc = _cleaned(head, rules)
    assert doc.meta.fields == {
        "索引号": "005452073/2024-00004",
        "发布日期": "2024-09-04",
        "主题分类": "2024年",
        "提案号": "市政协十届二次会议第241号提案",
        "提案者": "市政协提案委",
    }
    assert doc.text.split("\n") == [
        "关于持续破解‘一老一小’服务难题,提升社区治理水平的建议",
        "一、“一老一小”服务保障基本情况",
        "老有所养、幼有所育事关千家万户的幸福和谐。",
    ]


def test_tab_separated_header_table_of_an_html_page(rules: RuleSet) -> None:
    head = (
        "索引号:\t11440100MB2C90856P/2023-00331\t分类:\t\n"
        "文号:\t穗卫函〔2023〕1930号\t发布日期:\t2023-11-07\n正文第一段。"
    )
    doc = _cleaned(head, rules)
    assert doc.meta.fields == {
        "索引号": "11440100MB2C90856P/2023-00331",
        "文号": "穗卫函〔2023〕1930号",
        "发布日期": "2023-11-07",
    }
    assert doc.text == "正文第一段。"


def test_a_label_word_alone_in_a_flattened_table_is_a_cell(rules: RuleSet) -> None:
    # corpus/001: the indicator table starts with the cells 分类 / 序号 — not a label block
    text = "扬州市“十四五”时期养老托育发展主要指标\n分类\n序号\n主要指标\n养老服务\n1\n城乡基本养老保险参保缴费率(%)"
    doc = _cleaned(text, rules)
    assert doc.text == text
    assert doc.meta.fields == {}


def test_an_unknown_label_ends_a_value(rules: RuleSet) -> None:
    doc = _cleaned("发布时间:2022-03-15 来源:泊头市民政局 字号:大 中 小\n为贯彻落实积极应对人口老龄化国家战略。", rules)
    assert doc.meta.fields == {"发布时间": "2022-03-15", "来源": "泊头市民政局"}
    assert doc.text == "为贯彻落实积极应对人口老龄化国家战略。"


def test_fields_joined_by_a_comma(rules: RuleSet) -> None:
    # a written variation of dev 45's byline (来源:潼关县民政局 发布时间:2024-09-11 11:23) with a comma between fields
    doc = _cleaned("来源:潼关县民政局,发布时间:2024-09-11 11:23\n为贯彻落实积极应对人口老龄化国家战略。", rules)
    assert doc.meta.fields == {"来源": "潼关县民政局", "发布时间": "2024-09-11 11:23"}
    assert doc.text == "为贯彻落实积极应对人口老龄化国家战略。"


def test_source_line_at_the_end_of_the_page(rules: RuleSet) -> None:
    doc = _cleaned("在社会政策、公共服务等方面充分体现对儿童的友好。\n来源:扬州市人民政府官网", rules)
    assert doc.text == "在社会政策、公共服务等方面充分体现对儿童的友好。"
    assert doc.meta.fields == {"来源": "扬州市人民政府官网"}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("各乡镇人民政府，开发区管委会：", "各乡镇人民政府,开发区管委会:"),
        ("（一）发展基础", "(一)发展基础"),
        ("床位达到１３１２张；", "床位达到1312张;"),
        (
            "《泊头市“一老一小”整体解决方案》、〔责任单位：市民政局〕【】。",
            "《泊头市“一老一小”整体解决方案》、〔责任单位:市民政局〕【】。",
        ),
        ("　　为贯彻落实&nbsp;国家战略", "为贯彻落实 国家战略"),
        ("养老&nbsp;&nbsp;托育", "养老 托育"),
        ("发布日期：2023-11-07\u00a0\u00a0浏览", "发布日期:2023-11-07 浏览"),
        ("a\u200bb", "ab"),
        ("第一章    总    则", "第一章 总 则"),
        ("x \t y\t\tz", "x\ty\t\tz"),
    ],
)
def test_normalise(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


@settings(max_examples=80, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("养老托育服务，。：；（）１２３ \u3000\u00a0\n\t《》、")), max_size=60))
def test_normalise_is_idempotent_and_has_no_full_width_ascii(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once
    assert not any(0xFF01 <= ord(ch) <= 0xFF5E or ch in "\u3000\u00a0" for ch in once)
    assert "  " not in once
