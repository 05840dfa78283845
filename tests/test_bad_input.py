"""Bad input (SPEC 11): each bad file gets one clear line in manifest.json and on stderr, the batch goes
on, the exit status says something failed, and no partial output file is left behind."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from policyx.batch import collect_inputs, run_batch
from policyx.cli import app
from policyx.pipeline import extract_document
from policyx.read import InputError, InputRules, read_document
from policyx.rules import RuleSet

from conftest import CORPUS

GOOD = "004_43f383356c749ae5.txt"

# name → (bytes or a maker, the words the one-line error must contain)
NON_POLICY_PAGE = (
    "<html><head><meta charset='utf-8'><title>用户登录</title></head><body>"
    "<div class='login'><p>用户名</p><p>密码</p><a>忘记密码</a></div></body></html>"
).encode()


def _make_bad_folder(folder: Path, rules: RuleSet) -> dict[str, str]:
    """Write one file of each bad kind next to a good one; returns name → expected error words."""
    folder.mkdir()
    shutil.copy(CORPUS / GOOD, folder / GOOD)
    expected = {
        "empty.txt": "empty file",
        "binary.txt": "binary file",
        "truncated_gbk.txt": "truncated",
        "huge.txt": "too large",
        "login.html": "not a policy text",
        "dangling.txt": "cannot read",
    }
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    gbk = (CORPUS / GOOD).read_text(encoding="utf-8")[:300].encode("gbk")
    (folder / "truncated_gbk.txt").write_bytes(gbk[:-1] if gbk[-1] >= 0x40 and gbk[-2] >= 0x81 else gbk + b"\xb0")
    with open(folder / "huge.txt", "wb") as fh:  # sparse: no 50 MB written to disk
        fh.truncate(rules.get(InputRules).max_bytes + 1)
    (folder / "login.html").write_bytes(NON_POLICY_PAGE)
    os.symlink(folder / "gone.txt", folder / "dangling.txt")  # unreadable even as root
    return expected


def test_batch_reports_each_bad_file_and_goes_on(tmp_path: Path, rules: RuleSet) -> None:
    expected = _make_bad_folder(tmp_path / "in", rules)
    inputs = collect_inputs([tmp_path / "in"], rules)
    manifest = run_batch(inputs, tmp_path / "out", rules=rules, jobs=1)
    by_name = {Path(e.path).name: e for e in manifest.entries}
    assert set(by_name) == {GOOD, *expected}
    assert by_name[GOOD].status == "ok"
    for name, words in expected.items():
        entry = by_name[name]
        assert entry.status == "error", name
        assert entry.error and words in entry.error and "\n" not in entry.error, (name, entry.error)
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    # nothing partial, no temp file; the lock lets one run at a time write the folder
    assert written == sorted([GOOD.replace(".txt", ".json"), "manifest.json", ".policyx.lock"])
    on_disk = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert [e["status"] for e in on_disk["entries"]].count("error") == len(expected)


def test_cli_prints_one_line_per_bad_file_and_exits_non_zero(tmp_path: Path, rules: RuleSet) -> None:
    expected = _make_bad_folder(tmp_path / "in", rules)
    args = ["extract", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "-q", "-j", "1", "--no-cache"]
    run = CliRunner().invoke(app, args, env={"COLUMNS": "250"})
    assert run.exit_code != 0
    for name, words in expected.items():
        lines = [line for line in run.stderr.splitlines() if name in line]
        assert len(lines) == 1 and words in lines[0], (name, run.stderr)
    assert (tmp_path / "out" / GOOD.replace(".txt", ".json")).is_file()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_fifo_is_refused_without_blocking(tmp_path: Path, rules: RuleSet) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="not a regular file"):
        read_document(fifo, rules)


def test_a_portal_menu_page_is_not_a_policy_text(rules: RuleSet) -> None:
    items = ["政务公开", "政策文件", "通知公告", "政策解读", "人事信息", "财政预决算", "建议提案办理", "统计信息"] * 4
    page = "<html><body><div class='list'><ul>" + "".join(f"<li>{x}</li>" for x in items) + "</ul></div></body></html>"
    with pytest.raises(InputError, match="sentence"):
        extract_document(page.encode(), name="index.html", rules=rules)


def test_a_directory_named_like_a_file_is_refused(tmp_path: Path, rules: RuleSet) -> None:
    (tmp_path / "folder.txt").mkdir()
    with pytest.raises(InputError, match="is a directory"):
        read_document(tmp_path / "folder.txt", rules)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file(tmp_path: Path, rules: RuleSet) -> None:
    path = tmp_path / "secret.txt"
    shutil.copy(CORPUS / GOOD, path)
    path.chmod(0)
    try:
        with pytest.raises(InputError, match="cannot read"):
            read_document(path, rules)
    finally:
        path.chmod(0o644)


# the guard judges Chinese prose and the words of public administration, not the count of 。 (SPEC 11)
SHORT_ITEMS = [
    (  # dev 45: a one-paragraph CPPCC reply (one sentence ends in 。)
        "关于对政协十届三次会议第52号提案的答复\n马青、周丽等委员:\n"
        "您提出的关于进一步推进城乡居民养老服务体系建设的建议,现答复如下:\n"
        "我县共建设养老机构3家,日间照料中心9所,互助幸福院10所,养老机构达到县域内全覆盖,2024年积极向上申报了"
        "城关街道办庆丰社区日间照料中心项目,市局已审批通过,截至目前庆丰社区日间照料中心正在进行招标,下一步实施动工。\n"
        "潼关县民政局\n2024年6月27日"
    ),
    (  # dev 48: a one-paragraph news item
        "本报济南讯 8月9日,山东省新闻办举行发布会,省民政厅党组成员、副厅长张志毅介绍,“十四五”期间,山东将建立健全"
        "覆盖城乡、分布均衡、功能完善的县、乡镇(街道)、村(社区)、家庭四级养老服务设施网络。"
    ),
    (  # a small progress table flattened one cell per line, as dev 58 arrives (a written variation): its work is
        # stated in cells without punctuation
        "2024年为民办实事项目推进情况\n序号 |\n工作任务 |\n责任单位 |\n完成时限 |\n推进情况 |\n1 |\n"
        "新建城市社区嵌入式养老服务机构5家 |\n区民政局 |\n2024年12月 |\n已建成3家,2家正在装修 |\n2 |\n"
        "新增普惠托位200个 |\n区卫健局、区教育局 |\n2024年10月 |\n已新增托位150个 |"
    ),
    (  # dev 40 in traditional script: judged on its simplified view
        "本報訊 (記者 張 俊) 日前,由上海市民政局會同上海市規劃和自然資源局聯合編制的《上海市養老服務設施布局專項規劃"
        "(2022—2035年)》(以下簡稱《規劃》)經上海市政府批復正式出臺。"
    ),
]


@pytest.mark.parametrize("text", SHORT_ITEMS)
def test_a_short_real_item_is_a_policy_text(text: str, rules: RuleSet) -> None:
    doc = extract_document(text.encode(), name="item.txt", rules=rules)
    assert doc.text


@pytest.mark.parametrize(
    ("page", "reason"),
    [
        (NON_POLICY_PAGE, "Chinese characters"),  # a login form: hardly any Chinese
        (  # a shop page: sentences, but none of the words of public administration
            (
                "<html><body><div class='goods'><h1>新款保温杯</h1><p>这款保温杯采用双层真空设计,保温时间长达十二小时,"
                "杯身轻巧便携,颜色多样可选。</p><p>现在下单立享八折优惠,满两件包邮,欢迎选购!</p>"
                "<p>加入购物车</p><p>立即购买</p></div></body></html>"
            ).encode(),
            "word",
        ),
    ],
)
def test_a_page_that_is_not_a_policy_text_says_why(page: bytes, reason: str, rules: RuleSet) -> None:
    with pytest.raises(InputError, match=reason):
        extract_document(page, name="page.html", rules=rules)
