"""HTML: body container found by rule or fallback, chrome dropped, tables as TAB rows, header block as labels."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from frontstages import front
from policyx.clean import BoilerplateRules
from policyx.html import SiteRules, page_text
from policyx.models import Document
from policyx.pipeline import extract_document
from policyx.read import InputError
from policyx.rules import RuleSet

from conftest import CORPUS, ROOT

FIXTURE = ROOT / "tests" / "fixtures" / "gbk_page_000.html"
PORTAL_CHROME = ["网站地图", "主办单位", "网站标识码", "备案号", "推荐使用", "分享到", "打印本页", "搜索", "首页"]


def _lines(html: str, rules: RuleSet) -> list[str]:
    return page_text(html, rules.get(SiteRules)).split("\n")


@pytest.mark.parametrize(
    ("table", "rows"),
    [
        (
            "<tr><td>序号</td><td>指标</td></tr><tr><td>1</td><td>护理型床位占比(%)</td></tr>",
            ["序号\t指标", "1\t护理型床位占比(%)"],
        ),
        # a category cell spanning two rows is repeated on both
        (
            '<tr><td rowspan="2">养老服务</td><td>每千名老人拥有养老床位数(张)</td><td>42</td></tr>'
            "<tr><td>护理型床位占比(%)</td><td>55</td></tr>",
            ["养老服务\t每千名老人拥有养老床位数(张)\t42", "养老服务\t护理型床位占比(%)\t55"],
        ),
        # a header cell spanning two columns is repeated in both
        (
            '<tr><th rowspan="2">指标</th><th colspan="2">数值</th></tr><tr><th>2020年</th><th>2025年</th></tr>',
            ["指标\t数值\t数值", "指标\t2020年\t2025年"],
        ),
        # a cell with paragraphs inside stays on its row
        (
            "<tr><td><p>市自规局牵头,</p><p>市住建局参与。</p></td><td>2025年</td></tr>",
            ["市自规局牵头, 市住建局参与。\t2025年"],
        ),
    ],
)
def test_tables_render_one_line_per_row(table: str, rows: list[str], rules: RuleSet) -> None:
    html = f"<html><body><div class='TRS_Editor'><p>{'养老托育服务' * 10}</p><table>{table}</table></div></body></html>"
    assert _lines(html, rules)[1:] == rows


def test_layout_table_holding_a_table_renders_as_blocks(rules: RuleSet) -> None:
    inner = "<table><tr><td>指标</td><td>目标值</td></tr></table>"
    html = f"<html><body><table><tr><td><p>{'为贯彻落实国家战略' * 8}。</p>{inner}</td></tr></table></body></html>"
    assert _lines(html, rules) == ["为贯彻落实国家战略" * 8 + "。", "指标\t目标值"]


def test_fallback_picks_the_block_with_the_chinese_text(rules: RuleSet) -> None:
    body = "".join(f"<p>第{i}段:为贯彻落实积极应对人口老龄化国家战略,统筹城乡养老托育发展。</p>" for i in range(5))
    html = (
        "<html><body><div class='top'><a>首页</a><a>政务公开</a><a>互动交流</a></div>"
        f"<div class='wrap'><div class='left'><ul><li>通知公告</li><li>政策解读</li></ul></div>"
        f"<div class='detail'>{body}</div></div><div class='foot'>版权所有:某市人民政府</div></body></html>"
    )
    lines = _lines(html, rules)
    assert lines[0].startswith("第0段") and lines[-1].startswith("第4段") and len(lines) == 5


def test_script_style_and_forms_never_reach_the_text(rules: RuleSet) -> None:
    html = (
        "<html><body><script>var a='首页';</script><style>p{}</style><form><input value='请输入关键字'>"
        f"<button>搜索</button></form><div id='zoom'><p>{'统筹城乡养老托育发展' * 6}</p></div></body></html>"
    )
    assert _lines(html, rules) == ["统筹城乡养老托育发展" * 6]


def test_page_title_is_the_header_only_when_no_title_heading_exists(rules: RuleSet) -> None:
    sentence = "为贯彻落实积极应对人口老龄化国家战略,结合我市实际,制定本方案。"
    body = f"<div class='TRS_Editor'><p>{sentence * 3}</p></div>"
    bare = f"<html><head><title>泊头市“一老一小”整体解决方案_泊头市人民政府</title></head><body>{body}</body></html>"
    assert _lines(bare, rules)[0] == "泊头市“一老一小”整体解决方案_泊头市人民政府"
    titled = bare.replace("<body>", "<body><h1 class='title'>泊头市“一老一小”整体解决方案</h1>")
    assert _lines(titled, rules)[0] == "泊头市“一老一小”整体解决方案"
    assert len(_lines(titled, rules)) == 2
    page = front(bare.encode(), rules, name="page.html")
    assert page.meta.title == "泊头市“一老一小”整体解决方案"


def test_a_label_table_of_any_class_is_the_header(rules: RuleSet) -> None:
    sentence = "为贯彻落实积极应对人口老龄化国家战略,结合我市实际,制定本方案。"
    html = (
        "<html><body><table class='tb_x1'><tr><td>索 引 号:</td><td>005452073/2024-00004</td>"
        "<td>发布机构:</td><td>平顶山市民政局</td></tr><tr><td>文号:</td><td>平民〔2024〕5号</td></tr></table>"
        "<ul class='links'><li>首页</li><li>政务公开</li></ul>"
        f"<div id='zoom'><p>{sentence * 3}</p></div></body></html>"
    )
    doc = front(html.encode(), rules, name="page.html")
    fields = {"索引号": "005452073/2024-00004", "发布机构": "平顶山市民政局", "文号": "平民〔2024〕5号"}
    assert doc.meta.fields == fields
    assert (doc.meta.doc_number, doc.meta.issuer, doc.meta.region) == ("平民〔2024〕5号", "平顶山市民政局", "平顶山市")
    assert doc.text == sentence * 3


def test_hidden_elements_are_dropped(rules: RuleSet) -> None:
    text = "统筹城乡养老托育发展,促进养老托育均衡布局。"
    html = (
        f"<html><body><div id='zoom'><p>{text * 3}</p><div style='display: none'>手机版正文副本</div>"
        "<p hidden>模板</p></div></body></html>"
    )
    assert _lines(html, rules) == [text * 3]


def test_gbk_fixture_gives_the_text_version_sections_and_meta(rules: RuleSet) -> None:
    page = front(FIXTURE, rules)
    text = front(CORPUS / "000_d432b4ee5b26c821.txt", rules)
    assert page.source.encoding == "gb18030" and page.source.format == "html"

    def outline(doc: Document) -> list[tuple[str | None, str, int]]:
        return [(s.number, s.title, s.level) for s in doc.sections]

    assert outline(page) == outline(text)
    assert page.meta.model_dump(exclude={"fields"}) == text.meta.model_dump(exclude={"fields"})
    assert page.meta.fields["索引号"] == "000000000/2022-00001"
    assert page.meta.fields["标题"] == "泊头市“一老一小”整体解决方案"
    for chrome in PORTAL_CHROME:
        assert chrome not in page.text, chrome
    assert "养老服务床位总量(张)\t1312\t1600" in page.text.split("\n")
    assert "指标\t数值\t数值" in page.text.split("\n")


# the three real pages of ../shared/html (never copied into the project)
REAL_PAGES = {
    "01_guangzhou_jiatingyisheng_shishifangan.html": {
        "doc_number": "穗卫函〔2023〕1930号",
        "issued_on": "2023-10-19",
        "title": "关于推进广州市家庭医生签约服务高质量发展实施方案",
        "first_sections": [("一", "主要目标"), ("二", "主要任务"), ("(一)", "扩大签约服务供给")],
        "table_row": "序号\t工作事项\t主要内容\t牵头单位\t配合单位\t市卫健委内牵头处室\t市卫健委内配合处室",
    },
    "02_guangzhou_jujiashequyanglao_banfa.html": {
        "doc_number": "穗府办规〔2022〕13号",
        "issued_on": "2022-09-06",
        "title": "广州市居家社区养老服务管理办法",
        "first_sections": [("第一章", "总则"), ("第一条", "为了规范本市居家社区养老服务工作")],
        "table_row": None,
    },
    "12_guangzhou_changqihuli_banfa.html": {
        "doc_number": "穗医保规字〔2024〕1号",
        "issued_on": "2024-01-03",
        "title": "广州市长期护理保险试行办法",
        "first_sections": [("第一章", "总则"), ("第一条", "为健全本市社会保障制度体系")],
        "table_row": None,
    },
}


@pytest.mark.parametrize("name", sorted(REAL_PAGES))
def test_real_pages(name: str, shared_html: Path, rules: RuleSet) -> None:
    want = REAL_PAGES[name]
    doc = front(shared_html / name, rules)
    for chrome in [*PORTAL_CHROME, "浏览次数", "字体", "无障碍", "纠错", "索引号"]:
        assert chrome not in doc.text, chrome
    assert doc.meta.doc_number == want["doc_number"]
    assert doc.meta.issued_on == want["issued_on"]
    assert doc.meta.title == want["title"]
    assert doc.meta.region == "广州市" and doc.meta.province == "广东省"
    got = [(s.number, s.title) for s in doc.sections[: len(want["first_sections"])]]
    for (number, title), (got_number, got_title) in zip(want["first_sections"], got, strict=True):
        assert got_number == number and got_title.startswith(title)
    if want["table_row"]:
        assert want["table_row"] in doc.text.split("\n")


# dev 53 (gz.gov.cn): a 政策解读 table of links beside the article; dev 54 (thnet.gov.cn): attachment links in it
INTERPRETATIONS = (
    "<div class='xgwz_list'><div class='xgwj'>政策解读</div><table><tr><td><a href='https://www.gz.gov.cn/a.html'>"
    "【文字解读】《广州市民政局 广州市财政局关于印发我市2025年最低生活保障及相关社会救助标准的通知》政策解读"
    "<span>2025-05-30</span></a></td></tr><tr><td><a href='https://www.gz.gov.cn/b.html'>【音频解读】《广州市民政局 "
    "广州市财政局关于印发我市2025年最低生活保障及相关社会救助标准的通知》政策解读<span>2025-05-30</span></a></td></tr>"
    "</table></div>"
)
ARTICLE = (
    "<div class='main'><p>经市人民政府同意,现公布我市2025年城乡最低生活保障、最低生活保障边缘家庭认定、"
    "特困人员基本生活、孤儿养育、事实无人抚养儿童基本生活补贴、流浪乞讨受助人员基本饮食等标准。</p><p>一、社会救助标准</p>"
    "<p>(一)全市城乡最低生活保障标准为每人每月1309元。</p><p>附件:</p>"
    "<ul><li><a href='/att/1.docx'>附件1.docx</a></li><li><a href='/att/2.docx'>附件2.docx</a></li></ul></div>"
)


def test_a_list_of_links_is_chrome_but_attachments_stay(rules: RuleSet) -> None:
    page = f"<html><body><div class='container'>{INTERPRETATIONS}{ARTICLE}</div></body></html>"
    text = page_text(page, rules.get(SiteRules), rules.get(BoilerplateRules).label_names)
    assert "政策解读" not in text
    assert "一、社会救助标准" in text
    assert "附件1.docx\n附件2.docx" in text


def test_real_pages_lose_their_link_lists_but_keep_their_attachments(rules: RuleSet) -> None:
    dev = ROOT.parent / "shared" / "dev" / "raw"
    if not dev.is_dir():
        pytest.skip("../shared/dev is not present on this machine")
    sites, labels = rules.get(SiteRules), rules.get(BoilerplateRules).label_names
    page_53 = page_text((dev / "53_guangzhou_dibao_jiuzhubiaozhun_tongzhi.html").read_text("utf-8"), sites, labels)
    assert "【文字解读】" not in page_53 and "政策解读" not in page_53
    assert "文　　号： 穗民规字〔2025〕2号" in page_53  # the 基本信息 block is still the page's header
    assert "(一)全市城乡最低生活保障标准为每人每月1309元。" in page_53.replace("（", "(").replace("）", ")")
    page_54 = page_text((dev / "54_tianhe_youeryuan_zhaosheng_fangan.html").read_text("utf-8"), sites, labels)
    assert "附件1.docx" in page_54


# ----------------------------------------------------------------------------------------------- nesting depth
_SENTENCE = "为贯彻落实积极应对人口老龄化国家战略，到2025年，养老服务床位总量达到1600张。"


def test_a_page_nested_100000_deep_is_refused_in_linear_time(rules: RuleSet) -> None:
    """An HTML5 parser pays depth x tags: 100,000 unclosed <div> took a minute to parse; now a clear line."""
    deep = f"<html><body>{'<div>' * 100_000}<p>{_SENTENCE}</p></body></html>".encode()
    start = time.process_time()
    with pytest.raises(InputError, match=r"nested 100,00\d elements deep \(limit 3,000"):
        extract_document(deep, name="deep.html", rules=rules)
    seconds = time.process_time() - start
    assert seconds < 5, seconds  # the tokenizer pass is ~0.4 s of CPU here


def test_unclosed_paragraphs_and_cells_are_flat_not_deep(rules: RuleSet) -> None:
    """<p>, <li>, <td> are closed by their next sibling: a sloppy page of 2,000 of them is read, not refused."""
    page = f"<html><body>{f'<p>{_SENTENCE}' * 2000}<table>{'<tr><td>1<td>2' * 2000}</table></body></html>"
    doc = extract_document(page.encode(), name="flat.html", rules=rules)
    assert doc.text.count("养老服务床位总量达到1600张") == 2000
